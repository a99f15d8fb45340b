"""Question ids: slugs made from prompts, and `quiz check --fix` adding missing ids in place.

A question without an `id` is keyed by a hash of its prompt, so editing the prompt
loses its review history. Importers give every question a readable id derived
from its prompt, and `add_missing_ids` does the same for a hand-written deck file
without disturbing it: the `id = "..."` lines are inserted into the text itself, at
positions found by `index_toml`, so every other byte stays as it was (a round trip
through a TOML library would re-space inline tables and arrays).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import tomli

from quiz.core.deckfile.toml_positions import DeckPositions, SourceMap, index_toml
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


def _question_text(question: dict[str, object]) -> str | None:
    """The text an id is made from: the prompt (a cloze's text); None when the table has
    neither key (a misspelt `prompt`: its error says so, and an id made from nothing would
    only hide it)."""
    for key in ("prompt", "text"):
        value = question.get(key)
        if isinstance(value, str):
            return value
    return None


def add_missing_ids(text: str) -> tuple[str, list[AddedId]]:
    """Give every question without an `id` one, slugged from its prompt, and change
    nothing else in the text.

    The `id = "..."` line goes right under the question's `[[questions]]` header, indented
    like the table's other keys and ended like the file's other lines (LF or CRLF); an
    inline question table gets `id = "...", ` after its `{`. Questions with neither a
    `prompt` nor a `text` key get none. Returns the new text and what was added (the text
    unchanged when nothing was). Raises `ValueError` (`tomli.TOMLDecodeError` is one) for
    text that is not TOML or is nested too deeply to read.
    """
    try:
        data = tomli.loads(text)
    except RecursionError:  # nested past tomli's limits: the check reports where
        raise ValueError("TOML nested too deeply") from None
    questions = data.get("questions")
    if not isinstance(questions, list):
        return text, []
    taken = {q["id"] for q in questions if isinstance(q, dict) and isinstance(q.get("id"), str)}
    newline = "\r\n" if "\r\n" in text else "\n"
    headers = DeckPositions(text, len(questions)).question_headers()
    if headers is not None:  # one regex search instead of scanning the whole file
        return _add_under_headers(text, questions, headers, taken, newline)
    return _add_by_scan(text, questions, taken, newline)


def _add_by_scan(
    text: str, questions: list[object], taken: set[str], newline: str
) -> tuple[str, list[AddedId]]:
    """`add_missing_ids` with every position from the whole-file scan: for inline question
    tables, and decks whose `[[questions]]` headers cannot be told apart from text."""
    source: SourceMap | None = None
    inserts: list[tuple[int, str]] = []
    added: list[AddedId] = []
    for index, question in enumerate(questions):
        if not isinstance(question, dict) or "id" in question:
            continue
        basis = _question_text(question)
        if basis is None:
            continue
        source = source or index_toml(text)  # positions only once some id is wanted
        span = source.spans.get(("questions", index))
        if span is None:
            continue
        new_id = unique_slug(basis, taken, fallback=f"q{index + 1}")
        if text.startswith("[[", span.key):
            line_end = text.find("\n", span.key)
            indent = _indent_of_first_key(text, source, index, question)
            line = f'{indent}id = "{new_id}"{newline}'
            inserts.append((line_end + 1, line) if line_end >= 0 else (len(text), newline + line))
        elif text.startswith("{", span.value):
            empty = re.match(r"\{\s*\}", text[span.value :]) is not None
            inserts.append((span.value + 1, f' id = "{new_id}"' + ("" if empty else ",")))
        else:
            continue
        added.append(AddedId(index + 1, new_id))
    return _inserted(text, inserts), added


_FIRST_LINE = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*([ \t]*)(\S?)")
"""After a header line: blank and comment lines, then the next line's indent and first
character."""


def _add_under_headers(
    text: str,
    questions: list[object],
    headers: list[int],
    taken: set[str],
    newline: str,
) -> tuple[str, list[AddedId]]:
    """`add_missing_ids` for a deck whose `[[questions]]` headers are known: each new id
    goes on the line after its question's header, indented like the line after that
    (none when the table starts with a sub-table or is empty)."""
    inserts: list[tuple[int, str]] = []
    added: list[AddedId] = []
    for index, question in enumerate(questions):
        if not isinstance(question, dict) or "id" in question:
            continue
        basis = _question_text(question)
        if basis is None:
            continue
        new_id = unique_slug(basis, taken, fallback=f"q{index + 1}")
        line_end = text.find("\n", headers[index])
        if line_end < 0:
            inserts.append((len(text), f'{newline}id = "{new_id}"{newline}'))
        else:
            following = _FIRST_LINE.match(text, line_end + 1)
            indent = following.group(1) if following and following.group(2) not in ("[", "") else ""
            inserts.append((line_end + 1, f'{indent}id = "{new_id}"{newline}'))
        added.append(AddedId(index + 1, new_id))
    return _inserted(text, inserts), added


def _inserted(text: str, inserts: list[tuple[int, str]]) -> str:
    """`text` with each snippet put at its offset, in one pass (inserting one at a time
    copied the whole text for each: seconds for a 10k-question deck)."""
    pieces: list[str] = []
    previous = 0
    for offset, snippet in sorted(inserts):
        pieces += [text[previous:offset], snippet]
        previous = offset
    pieces.append(text[previous:])
    return "".join(pieces)


def _indent_of_first_key(
    text: str, source: SourceMap, index: int, question: dict[str, object]
) -> str:
    """The whitespace before the first key of question `index`'s table (none if it has none)."""
    first = next(iter(question), None)
    span = None if first is None else source.spans.get(("questions", index, first))
    if span is None:
        return ""
    line_start = text.rfind("\n", 0, span.key) + 1
    before = text[line_start : span.key]
    return before if before.isspace() else ""


def fix_file(path: Path) -> list[AddedId]:
    """`add_missing_ids` on a deck file, rewriting it only when an id was added.

    The new text replaces the file atomically (written beside it, then moved), so an
    interrupted fix never leaves half a deck. Raises `ValueError` for a file that is
    not UTF-8 TOML (tomli's `TOMLDecodeError` is one), `DeckError` for what is not a deck
    file at all (a folder, a pipe, over the size limit), `OSError` when it cannot be
    written.
    """
    from quiz.core.deckfile.reading import read_deck_bytes

    data = read_deck_bytes(path)
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    new_text, added = add_missing_ids(data.decode("utf-8-sig"))
    if added:
        temp = path.with_name(f".{path.name}.fix-ids.tmp")
        temp.write_bytes((bom + new_text).encode("utf-8"))
        shutil.copymode(path, temp)
        os.replace(temp, path)
    return added
