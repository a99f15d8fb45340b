"""Question ids: slugs made from prompts, and `quiz check --fix` adding missing ids in place.

A question without an `id` is keyed by a hash of its prompt, so editing the prompt
loses its review history. Importers give every question a readable id derived
from its prompt, and `add_missing_ids` does the same for a hand-written deck file
without disturbing it: the edit goes through tomlkit, so comments, key order,
spacing and string styles stay byte-for-byte as they were; only `id = "..."`
lines are added.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, InlineTable, Table

from quiz.core.models import CLOZE_BLANK
from quiz.core.text import fold_accents

SLUG_WORDS = 8
"""Enough words to tell questions apart, short enough to read in a results table."""
SLUG_MAX = 60

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_JOINED = re.compile(r"['’]|(?<=\b[^\W\d_])\.")
"""Apostrophes and abbreviation dots join words: "Trump's" -> trumps, "U.S." -> us."""


def slugify(text: str) -> str:
    """A lowercase ASCII slug of the first words of `text` ("" when it has no letters or digits).

    Cloze blanks `{{answer|hint}}` count as their answer, so a cloze text yields
    the words a reader sees.
    """
    text = CLOZE_BLANK.sub(lambda m: m.group(1).partition("|")[0], text)
    words = _NOT_SLUG.sub(" ", _JOINED.sub("", fold_accents(text)).lower()).split()
    slug = "-".join(words[:SLUG_WORDS])
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0]
    return slug


def unique_slug(text: str, taken: set[str], *, fallback: str = "q") -> str:
    """`slugify(text)` made unique against `taken` with a -2, -3... suffix; adds it to `taken`."""
    base = slugify(text) or fallback
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


@dataclass(frozen=True)
class AddedId:
    """One id written by `add_missing_ids`: the question's 1-based position and its new id."""

    position: int
    id: str


def _question_text(question: Table | InlineTable) -> str:
    for key in ("prompt", "text"):
        value = question.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _questions(doc: tomlkit.TOMLDocument) -> Iterable[Table | InlineTable]:
    questions = doc.get("questions")
    if isinstance(questions, AoT):
        return questions.body
    if isinstance(questions, list):
        return [q for q in questions if isinstance(q, (Table, InlineTable))]
    return []


def add_missing_ids(text: str) -> tuple[str, list[AddedId]]:
    """Give every `[[questions]]` entry without an `id` one, slugged from its prompt.

    The `id = "..."` line goes first in its table, indented like the table's other
    keys and ended like the file's other lines (LF or CRLF).

    Returns the new file text and what was added; the text is unchanged when
    every question already has an id. Raises `tomlkit.exceptions.ParseError` for
    text that is not TOML (callers run the linter first, so that is rare).
    """
    doc = tomlkit.parse(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    questions = list(_questions(doc))
    taken = {q["id"] for q in questions if isinstance(q.get("id"), str)}
    added: list[AddedId] = []
    for position, question in enumerate(questions, start=1):
        if "id" in question:
            continue
        new_id = unique_slug(_question_text(question), taken, fallback=f"q{position}")
        body: Container = question.value
        item = tomlkit.item(new_id)
        first = next((value for key, value in body.body if key is not None), None)
        if first is not None:  # same indentation as the table's other keys
            item.trivia.indent = first.trivia.indent
        item.trivia.trail = newline
        # tomlkit has no public "insert at"; `_insert_at` is how its own
        # containers insert, and it keeps the table's comments and spacing.
        body._insert_at(0, "id", item)
        added.append(AddedId(position, new_id))
    return (tomlkit.dumps(doc) if added else text), added


def fix_file(path: Path) -> list[AddedId]:
    """`add_missing_ids` on a deck file, rewriting it only when an id was added.

    The new text replaces the file atomically (written beside it, then moved), so an
    interrupted fix never leaves half a deck. Raises `ValueError` for a file that is
    not UTF-8 TOML (tomlkit's `ParseError` is one), `DeckError` for what is not a deck
    file at all (a folder, a pipe, over the size limit), `OSError` when it cannot be
    written.
    """
    from quiz.core.deckfile.loading import read_deck_bytes

    data = read_deck_bytes(path)
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    new_text, added = add_missing_ids(data.decode("utf-8-sig"))
    if added:
        temp = path.with_name(f".{path.name}.fix-ids.tmp")
        temp.write_bytes((bom + new_text).encode("utf-8"))
        shutil.copymode(path, temp)
        os.replace(temp, path)
    return added
