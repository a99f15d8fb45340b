"""Deck -> TOML text that a teacher would have written by hand.

Importers produce `Deck` objects; this module turns them into the file format
people edit: a `[deck]` table first, one blank line between `[[questions]]` blocks,
fields in reading order (id, kind, prompt, answer...), defaults left out, and
multi-line strings where the text has line breaks. Whatever it writes parses back
into an equal deck (property-tested), including quotes, backslashes and control
characters.

A fresh file has no comments or layout to keep, so this writes TOML itself rather
than through tomlkit, which took 13 s for 12,000 GIFT questions (its array of tables
slows with each table); the values are few kinds (strings, numbers, booleans, dates,
lists of them), so writing them is a few lines.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from quiz.core.models import Deck, Question

DECK_FIELD_ORDER = (
    "id",
    "title",
    "description",
    "language",
    "tags",
    "format",
    "shuffle",
    "pass_mark",
    "typo_threshold",
    "fold_accents",
    "time_limit",
    "desired_retention",
    "as_of",
)
"""Identity first, then what the deck is about, then the knobs; `source` becomes a subtable."""

SOURCE_FIELD_ORDER = ("title", "author", "published", "url", "file")

QUESTION_FIELD_ORDER = (
    "id",
    "kind",
    "prompt",
    "text",
    "choices",
    "items",
    "pairs",
    "answer",
    "answers",
    "accept",
    "tolerance",
    "unit",
    "reverse",
    "explanation",
    "valid_until",
    "source_line",
    "tags",
    "points",
    "shuffle",
    "exact",
    "typo_threshold",
    "fold_accents",
)
"""The order a reader wants: what is asked, what is right, then why, then options."""


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> list[tuple[str, Any]]:
    known = [(key, data[key]) for key in order if key in data]
    rest = [(key, value) for key, value in data.items() if key not in order]
    return [(key, value) for key, value in known + rest if value is not None]


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _escaped(char: str) -> str:
    """A character of a basic string as written: quotes, backslashes and controls escaped."""
    if char in _ESCAPES:
        return _ESCAPES[char]
    return f"\\u{ord(char):04X}"


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
"""What a one-line basic string cannot hold as it is."""

_NEEDS_ESCAPE_MULTILINE = re.compile(r'[\x00-\x08\x0b-\x1f\x7f\\]|"(?="|$)|\A\n')
"""What a multi-line one cannot: a quote only where it would close the string (three in a
row, or at the end), a line break only right after the opening quotes (TOML drops it)."""


def _string(text: str) -> str:
    """A basic string; with line breaks (and no carriage return, which a multi-line string
    would normalise away) a multi-line one."""
    if "\n" not in text or "\r" in text:
        return '"' + _NEEDS_ESCAPE.sub(lambda m: _escaped(m.group()), text) + '"'
    return '"""' + _NEEDS_ESCAPE_MULTILINE.sub(lambda m: _escaped(m.group()), text) + '"""'


def _value(value: Any) -> str:
    """A TOML value; a long list, or a list of lists, one item a line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        items = [_value(item) for item in value]
        long = sum(len(str(item)) for item in value) > 60
        if long or any(isinstance(item, list) for item in value):
            return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
        return "[" + ", ".join(items) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _table(header: str, data: dict[str, Any], order: tuple[str, ...]) -> str:
    lines = [header, *(f"{key} = {_value(value)}" for key, value in _ordered(data, order))]
    return "\n".join(lines) + "\n"


def question_to_toml(question: Question) -> str:
    """One question as a `[[questions]]` table, as `deck_to_toml` writes it (for editing)."""
    data = question.model_dump(exclude_defaults=True)
    data["kind"] = question.kind
    return _table("[[questions]]", data, QUESTION_FIELD_ORDER)


def deck_to_toml(deck: Deck) -> str:
    """Serialise a deck as readable TOML; `parse(deck_to_toml(d)) == d` for every deck."""
    meta = deck.deck.model_dump(exclude_defaults=True, exclude={"source"})
    parts = [_table("[deck]", meta, DECK_FIELD_ORDER)]
    if deck.deck.source is not None:
        source = deck.deck.source.model_dump(exclude_defaults=True)
        parts.append(_table("[deck.source]", source, SOURCE_FIELD_ORDER))
    parts += [question_to_toml(question) for question in deck.questions]
    return "\n".join(parts)
