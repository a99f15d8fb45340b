"""The files the commands open: config.toml, the study database and an output file.

Every command reads them the same way and ends with the same one-line messages,
so they are opened here. Like the commands, this module imports the settings
and the store inside its functions: every `quiz` run imports it, and
`quiz --help` must not pay for pydantic or the store.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.core.text import sanitize
from quiz.paths import db_path

if TYPE_CHECKING:
    from quiz.config import Settings
    from quiz.core.models import Deck
    from quiz.core.storage import Store


def local_now() -> datetime:
    """The commands' clock for the database: aware local time names its backup files."""
    return datetime.now().astimezone()


def load_settings() -> Settings:
    """config.toml, imported when a command needs it (a `ConfigError` ends the command with
    its message in `quiz.cli`)."""
    from quiz.config import Settings

    return Settings.load()


def database_path(ctx: click.Context) -> Path:
    """The study database chosen by `--db`, `QUIZ_DB` or the default location."""
    return db_path((ctx.obj or {}).get("db"))


def open_store(
    path: Path,
    *,
    must_exist: bool = False,
    missing_hint: str = "",
    settings: Settings | None = None,
) -> Store:
    """Open the study database, committing answers as durably as `settings.synchronous` asks.

    Studying creates the database. The commands that only read it or look after it
    (stats, results, backup, doctor) pass `must_exist`: they end with "no study
    database at PATH yet" (and `missing_hint` after a colon) instead of leaving an
    empty database behind.
    """
    from quiz.core.storage import Store

    if must_exist and not path.exists():
        hint = f": {missing_hint}" if missing_hint else ""
        raise click.ClickException(f"no study database at {sanitize(str(path))} yet{hint}")
    if settings is None:
        return Store.open(path, now=local_now())
    return Store.open(path, now=local_now(), synchronous=settings.sqlite_synchronous)


@contextmanager
def store_on_demand(path: Path, *, settings: Settings) -> Iterator[Callable[[], Store]]:
    """A function that opens the study database on its first call (`open_store`; later calls
    return the same store), closed when the block ends. A quiz started from a deck's outline
    opens it after its first frame: the store's modules are ~30 ms of imports."""
    opened: list[Store] = []

    def store() -> Store:
        if not opened:
            opened.append(open_store(path, settings=settings))
        return opened[0]

    try:
        yield store
    finally:
        for each in opened:
            each.close()


def already_exists(path: Path) -> click.ClickException:
    """The error of a command asked to replace a file without `--force`."""
    return click.ClickException(
        f"{sanitize(str(path))} already exists; use --force to overwrite it"
    )


def cannot_write(path: Path, error: OSError) -> click.ClickException:
    """The error of a command that could not write its output file."""
    return click.ClickException(f"cannot write {sanitize(str(path))}: {error.strerror}")


def write_output(output: Path | None, text: str, force: bool) -> None:
    """Write to `output` (refusing to replace it without `force`) or to stdout.

    Text shown on a terminal is sanitized: imported files, decks and results are untrusted.
    """
    if output is None:
        click.echo(sanitize(text) if sys.stdout.isatty() else text, nl=False)
        return
    try:
        # Mode "x" refuses an existing file atomically, so a file created meanwhile is safe too.
        with output.open("w" if force else "x", encoding="utf-8", newline="") as out:
            out.write(text)
    except FileExistsError:
        raise already_exists(output) from None
    except OSError as error:
        raise cannot_write(output, error) from None


def load_deck_or_fail(path: Path) -> Deck:
    """The deck at `path`; a deck with errors prints each (stderr) and ends the command."""
    from quiz.core.deckfile.diagnostics import DeckError
    from quiz.core.deckfile.loading import load_deck

    try:
        return load_deck(path)
    except DeckError as error:
        for diagnostic in error.diagnostics:
            click.echo(sanitize(str(diagnostic)), err=True)
        raise click.ClickException(f"{sanitize(str(path))} is not a valid deck") from None
