"""Reading a deck file's bytes and text: size, kind of file and encoding, before any parse.

Kept apart from `loading` (tomli, the validators and the error placement) so that a session
starting from the deck cache, which reads and hashes the file but never parses it, imports
none of those.
"""

from __future__ import annotations

import os

from quiz.core.deckfile.diagnostics import DeckError, file_error
from quiz.core.files import StrPath, UnreadableFileError, read_regular_file

MAX_DECK_BYTES = 10 * 1024 * 1024
"""Deck files larger than this (10 MiB, ~20k questions) are refused before being read."""

SPLIT_ADVICE = "split it into several deck files"
"""What to do about a deck over the limit, said after its size."""


def read_deck_bytes(path: StrPath) -> bytes:
    """A deck file's bytes, refusing folders, pipes, devices and files over the limit
    (`quiz.core.files.read_regular_file`).

    Raises:
        DeckError: one diagnostic saying why the file cannot be read as a deck.
    """
    try:
        return read_regular_file(path, what="deck file", limit=MAX_DECK_BYTES, too_big=SPLIT_ADVICE)
    except UnreadableFileError as error:
        raise DeckError([file_error(error.path, error.reason)]) from None


def read_deck_text(path: StrPath) -> str:
    """A deck file's text (`read_deck_bytes`), refusing anything that is not UTF-8.

    Raises:
        DeckError: one diagnostic saying why the file cannot be read as a deck.
    """
    return decode_deck_bytes(read_deck_bytes(path), os.fspath(path))


def decode_deck_bytes(raw: bytes, name: str) -> str:
    """A deck file's bytes as text, without a byte-order mark; `name` names it in errors.

    Raises:
        DeckError: the bytes are not UTF-8, with the line and column of the first bad one.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        col = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        message = "the file is not UTF-8 text; save it as UTF-8 in your editor"
        raise DeckError([file_error(name, message, line, col)]) from None
    return text.removeprefix("\ufeff")  # editors hide a BOM; TOML does not allow one
