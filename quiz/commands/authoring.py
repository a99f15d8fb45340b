"""`quiz new`: start a deck from a commented template instead of an empty file.

A teacher learns the format fastest from a working example, so the starter deck holds one
question of every kind with comments on each field; `quiz check` accepts it unchanged.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import click

from quiz.commands.files import write_output
from quiz.core.text import fold_accents, sanitize

STARTER_TEMPLATE = "starter.toml"
"""The template in the `quiz.templates` package data."""

TEMPLATE_ID_LINE = 'id = "my-deck"'
TEMPLATE_TITLE_LINE = 'title = "My deck"'
"""The `[deck]` lines of the template that `quiz new` fills in from the file name."""

FALLBACK_ID = "deck"
FALLBACK_TITLE = "New deck"
MAX_ID_LENGTH = 100
"""The models' limit on slug length."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """A deck id from a file name: accents folded, lowercase, runs of other characters as `-`."""
    slug = _NOT_SLUG.sub("-", fold_accents(name).lower()).strip("-")
    return slug[:MAX_ID_LENGTH].rstrip("-") or FALLBACK_ID


def title_from_name(name: str) -> str:
    """A readable title from a file name: `world-rivers` becomes `World rivers`.

    Control characters and undecodable bytes of the file name are dropped, because the
    title is written into a TOML string and later shown in a terminal.
    """
    text = "".join(ch for ch in sanitize(name) if not 0xD800 <= ord(ch) <= 0xDFFF)
    words = text.replace("-", " ").replace("_", " ").split()
    title = " ".join(words)
    return title[:1].upper() + title[1:] if title else FALLBACK_TITLE


def toml_string(text: str) -> str:
    """`text` as a TOML basic string: JSON's escapes are a subset of TOML's."""
    return json.dumps(text, ensure_ascii=False)


def starter_deck(path: Path) -> str:
    """The text of the starter deck for `path`, with its id and title taken from the file name."""
    from importlib.resources import files  # here, not at the top: every `quiz` run imports us

    template = files("quiz.templates").joinpath(STARTER_TEMPLATE).read_text(encoding="utf-8")
    stem = path.stem
    deck_id = f"id = {toml_string(slugify(stem))}"
    title = f"title = {toml_string(title_from_name(stem))}"
    return template.replace(TEMPLATE_ID_LINE, deck_id, 1).replace(TEMPLATE_TITLE_LINE, title, 1)


@click.command("new")
@click.argument("deck", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite DECK if it already exists.")
def new(deck: Path, force: bool) -> None:
    """Write a commented starter deck to DECK, with one question of every kind.

    The deck id and title come from the file name; edit the rest, then run
    `quiz check DECK`.
    """
    shown = sanitize(str(deck))
    if not deck.parent.is_dir():
        raise click.ClickException(f"folder {sanitize(str(deck.parent))} does not exist")
    text = starter_deck(deck)
    write_output(deck, text, force)
    click.echo(f"Wrote {shown}: a starter deck with one question of every kind.")
    click.echo(f"Edit it, then check it with: quiz check {shlex.quote(shown)}")
