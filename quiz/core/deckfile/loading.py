"""Loading deck files: TOML text -> validated `Deck`, or a `DeckError` a teacher can act on.

The fast path is `tomli` plus one `Deck.model_validate` call with the garbage
collector paused (both allocate many small objects that the collector would
otherwise scan over and over: 100k questions validate in ~0.23 s instead of ~1 s).
Only when validation fails is the text scanned for positions (`toml_positions`),
and each pydantic error becomes a `Diagnostic` pointing at the offending key or
value (`validation_errors`), with a message in a teacher's words rather than pydantic's.

Deck files are untrusted: size, encoding and parser failures all end as a
`DeckError`, and every piece of deck text quoted in a message is sanitized.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Callable

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from quiz.core.cards import question_identity
from quiz.core.deckfile.diagnostics import DeckError, Diagnostic, file_error
from quiz.core.deckfile.toml_positions import index_toml
from quiz.core.deckfile.toml_syntax import parse_toml
from quiz.core.deckfile.validation_errors import validation_diagnostics
from quiz.core.models import Deck

MAX_DECK_BYTES = 10 * 1024 * 1024
"""Deck files larger than this (10 MiB, ~20k questions) are refused before being read."""

StrPath = str | os.PathLike[str]


def load_deck(path: StrPath) -> Deck:
    """Read and validate a deck file.

    Raises:
        DeckError: the file is missing, too large, not UTF-8, not TOML or not a valid deck.
    """
    return _validated_deck(lambda: read_deck_text(path), os.fspath(path))


def parse_deck(text: str, path: StrPath) -> Deck:
    """Validate deck text; `path` is only used to name the file in diagnostics.

    Raises:
        DeckError: with one diagnostic per problem, sorted by position.
    """
    return _validated_deck(lambda: text, os.fspath(path))


def _validated_deck(read_text: Callable[[], str], name: str) -> Deck:
    """Parse and validate the text `read_text` returns; it is called again only to place errors.

    The text is dropped once parsed: as a `str` it takes up to 4 bytes a character (2 as soon
    as one character is beyond Latin-1, e.g. an em dash), and keeping it through validation
    raised the peak of a 100k-question deck from ~330 to ~410 MiB.
    """
    text = read_text()
    if len(text) > MAX_DECK_BYTES:
        raise DeckError([file_error(name, _size_limit(len(text.encode("utf-8", "replace"))))])
    # Parsing and validation allocate hundreds of thousands of objects and no cycles: with the
    # collector paused, 100k questions validate in ~0.23 s instead of ~1 s, and parse ~10% faster.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    deck: Deck | None = None
    errors: list[ErrorDetails] = []
    shared: list[tuple[int, int]] = []
    try:
        data = parse_toml(text, name)
        del text
        try:
            deck = Deck.model_validate(data)
            shared = _shared_identities(deck)
        except ValidationError as error:
            errors = error.errors(include_url=False)
        except RecursionError:
            pass
    finally:
        if gc_was_enabled:
            gc.enable()
    if shared:
        raise DeckError(_shared_identity_errors(read_text(), name, shared))
    if deck is not None:
        return deck
    if not errors:
        raise DeckError([file_error(name, "the deck is nested too deeply to check")])
    raise DeckError(validation_diagnostics(read_text(), name, data, errors))


def _shared_identities(deck: Deck) -> list[tuple[int, int]]:
    """(earlier, later) indexes of id-less questions whose prompts hash to one identity.

    The store could not tell such questions apart, so they are an error. Only id-less
    questions are hashed: a deck with ids everywhere pays nothing for this check.
    """
    first: dict[str, int] = {}
    shared = []
    for index, question in enumerate(deck.questions):
        if question.id is None:
            identity = question_identity(question)
            shared.append((first.setdefault(identity, index), index))
    return [(earlier, later) for earlier, later in shared if earlier != later]


def _shared_identity_errors(
    text: str, name: str, shared: list[tuple[int, int]]
) -> list[Diagnostic]:
    """One error at each later question of a pair `_shared_identities` found."""
    source = index_toml(text)
    found = []
    for earlier, later in shared:
        line, col = source.position(("questions", later), at_key=True)
        first_line, _ = source.position(("questions", earlier), at_key=True)
        message = (
            f"same prompt as the question at line {first_line} and neither has an id: "
            "they would be one card; give them ids (quiz check --fix)"
        )
        found.append(Diagnostic(name, line, col, "error", message))
    return found


def _size_limit(size: int | None = None) -> str:
    """Why a file is too big, in words: its size if known, the limit and what to do."""
    mib = 2**20
    size_text = f" ({size / mib:.1f} MiB)" if size is not None else ""
    return (
        f"the deck{size_text} is larger than the {MAX_DECK_BYTES / mib:g} MiB limit;"
        " split it into several deck files"
    )


_KINDS_OF_FILE = {
    stat.S_IFIFO: "a pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def read_deck_bytes(path: StrPath) -> bytes:
    """A deck file's bytes, refusing folders, pipes, devices and huge files.

    The file is opened without blocking and checked on the open descriptor, so a pipe
    named `deck.toml` (or one swapped in after a check) is refused instead of waiting
    forever for a writer.

    Raises:
        DeckError: one diagnostic saying why the file cannot be read as a deck.
    """
    name = os.fspath(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as file:
            mode = os.fstat(descriptor)
            if stat.S_ISDIR(mode.st_mode):
                raise DeckError([file_error(name, "is a folder, not a deck file")])
            if not stat.S_ISREG(mode.st_mode):
                kind = _KINDS_OF_FILE.get(stat.S_IFMT(mode.st_mode), "not a regular file")
                raise DeckError([file_error(name, f"is {kind}, not a deck file")])
            if mode.st_size > MAX_DECK_BYTES:
                raise DeckError([file_error(name, _size_limit(mode.st_size))])
            raw = file.read(MAX_DECK_BYTES + 1)  # a file may grow meanwhile
    except FileNotFoundError:
        raise DeckError([file_error(name, "no such file")]) from None
    except IsADirectoryError:  # Windows cannot open a folder at all
        raise DeckError([file_error(name, "is a folder, not a deck file")]) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DeckError([file_error(name, f"cannot read the file: {reason}")]) from None
    if len(raw) > MAX_DECK_BYTES:
        raise DeckError([file_error(name, _size_limit())])
    return raw


def read_deck_text(path: StrPath) -> str:
    """A deck file's text (`read_deck_bytes`), refusing anything that is not UTF-8.

    Raises:
        DeckError: one diagnostic saying why the file cannot be read as a deck.
    """
    name = os.fspath(path)
    raw = read_deck_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        col = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        message = "the file is not UTF-8 text; save it as UTF-8 in your editor"
        raise DeckError([file_error(name, message, line, col)]) from None
    return text.removeprefix("\ufeff")  # editors hide a BOM; TOML does not allow one
