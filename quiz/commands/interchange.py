"""`quiz import` and `quiz export`: decks from and to the formats teachers already have.

Both write to `-o/--output FILE` (stdout when omitted) and never overwrite a file
without `--force`. Whatever a format cannot carry is printed to stderr as
`FILE:LINE: warning: ...`, so nothing is lost silently; a file that yields no
question at all is an error (exit 1), never an empty deck.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.commands.files import already_exists, cannot_write, load_deck_or_fail, write_output
from quiz.core.text import counted, sanitize
from quiz.errors import ImportFormatError

if TYPE_CHECKING:  # the converters and deck models load inside the commands: every `quiz` run
    # imports this module, and pydantic alone is ~90 ms
    from quiz.core.interchange.article.suggest import Suggestion
    from quiz.core.interchange.base import ImportResult, ImportWarning  # noqa: A004
    from quiz.core.models import Deck

IMPORT_FORMATS = ("article", "opentrivia", "csv", "tsv", "gift")
EXPORT_FORMATS = ("gift", "csv", "anki")
FORMAT_BY_SUFFIX = {".gift": "gift", ".csv": "csv", ".tsv": "tsv", ".md": "article"}
"""Suffixes that say the format by themselves; anything else needs --from."""


def _shown(path: Path) -> str:
    return sanitize(str(path))


def _warn(source: Path, warnings: list[ImportWarning]) -> None:
    for warning in warnings:
        where = _shown(source) if warning.line is None else f"{_shown(source)}:{warning.line}"
        click.echo(f"{where}: warning: {sanitize(warning.message)}", err=True)


def _warn_at_questions(deck: Path, warnings: list[ImportWarning]) -> None:
    """Export warnings as `DECK:LINE: warning: ...`, at the line of the question each one
    concerns (found in the deck file's text only when there is a warning)."""
    if any(warning.question is not None for warning in warnings):
        from quiz.core.deckfile.reading import read_deck_text
        from quiz.core.deckfile.toml_positions import index_toml
        from quiz.core.interchange.base import ImportWarning  # noqa: A004

        positions = index_toml(read_deck_text(deck))
        warnings = [
            warning
            if warning.question is None
            else ImportWarning(
                positions.position(("questions", warning.question), at_key=True)[0],
                warning.message,
            )
            for warning in warnings
        ]
    _warn(deck, warnings)


def _slug_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from quiz.core.models import SLUG_PATTERN

    if value is not None and not re.fullmatch(SLUG_PATTERN, value):
        raise click.BadParameter(f"{sanitize(value)!r} is not a lowercase slug like 'my-deck'")
    return value


def _title_from_name(stem: str) -> str:
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Imported questions"


def _read(path: Path) -> bytes:
    """The file to import, refused up front when it is not a regular file or is larger than
    a deck may be (what it would become could not be loaded anyway)."""
    from quiz.core.deckfile.diagnostics import DeckError
    from quiz.core.deckfile.reading import read_deck_bytes

    try:
        return read_deck_bytes(path)
    except DeckError as error:
        raise click.ClickException(str(error.diagnostics[0])) from None


def _text(data: bytes, source: Path) -> str:
    """The file as text: UTF-8, or cp1252/latin-1 per line with a warning for each such line."""
    from quiz.core.interchange.opentrivia import decode_lines

    lines, warnings = decode_lines(data)
    _warn(source, warnings)
    return "\n".join(lines)


def _run_import(
    fmt: str,
    file: Path,
    deck_id: str | None,
    title: str | None,
    columns: list[str] | None,
    kind: str | None,
    delimiter: str | None = None,
) -> ImportResult:
    data = _read(file)
    default_id = _default_id(file)
    default_title = _title_from_name(file.stem)
    if fmt == "article":
        from quiz.core.interchange.article import import_article

        return import_article(_text(data, file), deck_id=deck_id, title=title)
    if fmt == "opentrivia":
        from quiz.core.interchange.opentrivia import import_opentrivia

        return import_opentrivia(data, category=file.stem, deck_id=deck_id, title=title)
    if fmt == "gift":
        from quiz.core.interchange.gift import import_gift

        text = _text(data, file)
        return import_gift(
            text,
            deck_id=deck_id,
            title=title,
            default_id=default_id,
            default_title=default_title,
        )
    from quiz.core.interchange.csv_tsv import import_table

    return import_table(
        _text(data, file),
        delimiter="\t" if fmt == "tsv" and delimiter is None else delimiter,
        columns=columns,
        kind="short" if kind == "short" else "flashcard",
        deck_id=deck_id or default_id,
        title=title or default_title,
    )


def _default_id(file: Path) -> str:
    from quiz.core.interchange.fix_ids import slugify

    return slugify(file.stem) or "imported"


def _delimiter_option(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    from quiz.core.interchange.csv_tsv import separator_named

    if value is None:
        return None
    separator = separator_named(value)
    if separator is None:
        raise click.BadParameter("one character, or comma, semicolon, tab or pipe")
    return separator


def _split_columns(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> list[str] | None:
    return None if value is None else [name.strip() for name in value.split(",")]


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    help="Format of FILE; .gift, .csv, .tsv and .md files say it by their name.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Deck file to write (default: stdout).",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--id", "deck_id", callback=_slug_option, help="Deck id (default: from the file).")
@click.option("--title", help="Deck title (default: from the file).")
@click.option(
    "--columns",
    callback=_split_columns,
    help="csv/tsv: column names in order, e.g. prompt,answer,tags (default: the header row).",
)
@click.option(
    "--kind",
    type=click.Choice(["flashcard", "short"]),
    help="csv/tsv: question kind of each row (default flashcard; short: the learner types).",
)
@click.option(
    "--suggest",
    is_flag=True,
    help="article: also go through questions the article's body suggests (numbers, dates,"
    " names), accepting, editing or rejecting each; with an existing -o deck, add to it.",
)
@click.option(
    "--delimiter",
    callback=_delimiter_option,
    help="csv/tsv: the separator, one character or comma|semicolon|tab|pipe"
    " (default: read from the header row).",
)
def import_(
    file: Path,
    fmt: str | None,
    output: Path | None,
    force: bool,
    deck_id: str | None,
    title: str | None,
    columns: list[str] | None,
    kind: str | None,
    delimiter: str | None,
    suggest: bool,
) -> None:
    """Turn FILE (an article, OpenTriviaQA, CSV/TSV or GIFT file) into a deck.

    Warnings (what could not be carried) go to stderr as FILE:LINE: warning: ...
    Exit status: 0 on success, 1 when FILE yields no question or the output exists.
    """
    from quiz.core.interchange.toml_writer import deck_to_toml

    if fmt is None:
        fmt = FORMAT_BY_SUFFIX.get(file.suffix.lower())
        if fmt is None:
            raise click.UsageError(f"say what {_shown(file)} is: --from {'|'.join(IMPORT_FORMATS)}")
    if fmt not in ("csv", "tsv") and (columns, kind, delimiter) != (None, None, None):
        raise click.UsageError("--columns, --kind and --delimiter apply to --from csv and tsv only")
    if title is not None and not title.strip():
        raise click.BadParameter("must not be empty", param_hint="--title")
    if suggest:
        if fmt != "article" or output is None:
            raise click.UsageError("--suggest needs --from article and -o DECK")
        if output.exists() and not force:
            _suggest_into(file, output)
            return
    try:
        result = _run_import(fmt, file, deck_id, title, columns, kind, delimiter)
    except ImportFormatError as error:  # every importer's "nothing to import here"
        _warn(file, list(getattr(error, "warnings", [])))
        raise click.ClickException(f"{_shown(file)}: {sanitize(str(error))}") from None
    _warn(file, result.warnings)
    deck = _naming_the_article(result.deck, file, output) if fmt == "article" else result.deck
    if suggest:
        deck = _with_suggestions(deck, file)
    write_output(output, deck_to_toml(deck), force)
    count = len(deck.questions)
    where = f"wrote {_shown(output)}" if output else "imported"
    click.echo(
        f"{where}: {counted(count, 'question')}, {counted(len(result.warnings), 'warning')}",
        err=True,
    )


def _suggestions(article: Path) -> list[Suggestion]:
    from quiz.core.interchange.article.suggest import suggest_questions

    return suggest_questions(_text(_read(article), article))


def _with_suggestions(deck: Deck, article: Path) -> Deck:
    """The new deck and the suggestions the teacher accepts."""
    from quiz.commands.suggest import review_suggestions
    from quiz.core.models import Deck

    taken = {q.id for q in deck.questions if q.id is not None}
    accepted = review_suggestions(_suggestions(article), taken)
    questions = [q.model_dump(exclude_defaults=True) | {"kind": q.kind} for q in deck.questions]
    return Deck.model_validate({"deck": deck.deck, "questions": [*questions, *accepted]})


def _suggest_into(article: Path, output: Path) -> None:
    """`--suggest` with an existing deck: the accepted suggestions are appended to it."""
    from quiz.commands.suggest import append_to_deck, not_yet_in, review_suggestions

    existing = load_deck_or_fail(output)
    taken = {q.id for q in existing.questions if q.id is not None}
    offered = not_yet_in(existing, _suggestions(article))
    accepted = review_suggestions(offered, taken)
    if accepted:
        append_to_deck(output, accepted)
    click.echo(f"added {counted(len(accepted), 'question')} to {_shown(output)}", err=True)


def _naming_the_article(deck: Deck, article: Path, output: Path | None) -> Deck:
    """The deck with `[deck.source] file` naming the article relative to where the deck is
    written, so each question's `source_line` can be found from the deck."""
    source = deck.deck.source
    if source is None:
        return deck
    base = output.parent if output is not None else Path.cwd()
    relative = Path(os.path.relpath(article.resolve(), base.resolve())).as_posix()
    meta = deck.deck.model_copy(update={"source": source.model_copy(update={"file": relative})})
    return deck.model_copy(update={"deck": meta})


def _export_anki(deck: Deck, output: Path, force: bool) -> list[ImportWarning]:
    if importlib.util.find_spec("genanki") is None:
        raise click.ClickException(
            "Anki export needs the genanki package: pip install genanki (the 'anki' extra)"
        )
    from quiz.core.interchange.anki import export_anki

    if output.exists() and not force:
        raise already_exists(output)
    # Build beside the target and move it into place, so a failed export leaves no half file.
    handle, temp = tempfile.mkstemp(suffix=".apkg", dir=output.parent)
    os.close(handle)
    try:
        warnings = export_anki(deck, Path(temp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it private; a package is a normal file
        os.replace(temp, output)
    except OSError as error:
        raise cannot_write(output, error) from None
    finally:
        Path(temp).unlink(missing_ok=True)
    return warnings


@click.command("export")
@click.argument("deck", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="Format.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: stdout; anki needs a file).",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def export(deck: Path, fmt: str, output: Path | None, force: bool) -> None:
    """Write DECK as Moodle GIFT, CSV (one row per question) or an Anki package (.apkg).

    Re-exporting to Anki updates the notes learners already have: note GUIDs come
    from the deck and question ids. What the format cannot carry is listed on stderr.
    """
    loaded = load_deck_or_fail(deck)
    exporters: dict[str, Callable[[Deck], tuple[str, list[ImportWarning]]]] = {
        "gift": _gift_text,
        "csv": _csv_text,
    }
    if fmt == "anki":
        if output is None:
            raise click.UsageError("--to anki writes a package file: give it with -o FILE.apkg")
        warnings = _export_anki(loaded, output, force)
    else:
        text, warnings = exporters[fmt](loaded)
        write_output(output, text, force)
    _warn_at_questions(deck, warnings)
    count = len(loaded.questions)
    if output is not None:
        click.echo(f"wrote {_shown(output)}: {counted(count, 'question')}", err=True)


def _gift_text(deck: Deck) -> tuple[str, list[ImportWarning]]:
    from quiz.core.interchange.gift import export_gift

    result = export_gift(deck)
    return result.text, result.warnings


def _csv_text(deck: Deck) -> tuple[str, list[ImportWarning]]:
    from quiz.core.interchange.deck_table import export_table

    result = export_table(deck)
    return result.text, result.warnings
