"""Deck -> TOML text that a teacher would have written by hand.

Importers produce `Deck` objects; this module turns them into the file format
people edit. tomlkit (rather than a plain serialiser) gives control over layout:
a `[deck]` table first, one blank line between `[[questions]]` blocks, fields in
reading order (id, kind, prompt, answer...), defaults left out, and multi-line
strings where the text has line breaks. Whatever it writes parses back into an
equal deck (property-tested), including quotes, backslashes and control chars.
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import Item, Table

from quiz.core.models import Deck

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
)
"""Identity first, then what the deck is about, then the knobs; `source` becomes a subtable."""

SOURCE_FIELD_ORDER = ("title", "author", "published", "url")

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
    return known + rest


def _value(value: Any) -> Item:
    """A TOML item for a plain value; strings with line breaks become multi-line strings.

    A carriage return would be normalised away inside a multi-line string, so
    text containing one stays a single-line string with `\\r` escaped.
    """
    if isinstance(value, str):
        multiline = "\n" in value and "\r" not in value
        return tomlkit.string(value, multiline=multiline)
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(_value(item) for item in value)
        if sum(len(str(item)) for item in value) > 60 or any(
            isinstance(item, list) for item in value
        ):
            array.multiline(True)
        return array
    item: Item = tomlkit.item(value)
    return item


def _table(data: dict[str, Any], order: tuple[str, ...]) -> Table:
    table = tomlkit.table()
    for key, value in _ordered(data, order):
        table.add(key, _value(value))
    return table


def deck_to_toml(deck: Deck) -> str:
    """Serialise a deck as readable TOML; `parse(deck_to_toml(d)) == d` for every deck."""
    meta = deck.deck.model_dump(exclude_defaults=True, exclude={"source"})
    doc = tomlkit.document()
    deck_table = _table(meta, DECK_FIELD_ORDER)
    if deck.deck.source is not None:
        source = deck.deck.source.model_dump(exclude_defaults=True)
        deck_table.add("source", _table(source, SOURCE_FIELD_ORDER))
    doc.add("deck", deck_table)
    questions = tomlkit.aot()
    for question in deck.questions:
        data = question.model_dump(exclude_defaults=True)
        data["kind"] = question.kind
        table = _table(data, QUESTION_FIELD_ORDER)
        questions.append(table)
    doc.add("questions", questions)
    return tomlkit.dumps(doc)
