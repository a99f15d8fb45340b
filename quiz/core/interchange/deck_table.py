"""A deck as a spreadsheet table with every field kept: `quiz export --to csv` writes it, and
`quiz import` reads it back into the same deck, field by field.

The first line is `#deck:` and the `[deck]` table as JSON (Anki-style header lines are
skipped by spreadsheets' users and read by `csv_tsv`); then a header row naming the
columns (`COLUMNS`) and one row per question. A cell holds one field:

- text as it is (a cell a spreadsheet would run as a formula, `=...`, gets a leading `'`,
  which the import takes off again);
- a list (`accept`, `choices`, `answers`, `items`, `tags`) as its entries joined by ` | `,
  or as a JSON array when an entry holds a `|` or could not be told apart otherwise;
- `pairs` as `left = right | ...`, or JSON when a side holds `=` or `|`;
- numbers as a teacher writes them (`12`, `0.5`), true/false as `true`/`false`, dates as
  `YYYY-MM-DD`; an empty cell is the field's default.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError

from quiz.core.checking import format_number
from quiz.core.interchange.base import ExportResult, ImportWarning  # noqa: A004
from quiz.core.models import Deck, DeckMeta, Question
from quiz.core.text import sanitize

COLUMNS = (
    "id",
    "kind",
    "prompt",
    "text",
    "answer",
    "answers",
    "accept",
    "choices",
    "pairs",
    "items",
    "unit",
    "tolerance",
    "reverse",
    "shuffle",
    "exact",
    "typo_threshold",
    "fold_accents",
    "points",
    "tags",
    "explanation",
    "valid_until",
    "source_line",
)
"""Every field a question of any kind may have: what is asked, what is right, then options."""

DECK_HEADER = "deck"
"""The `#deck:` line's key: the `[deck]` table as JSON follows it."""

LIST_FIELDS = frozenset({"accept", "choices", "answers", "items", "tags"})
BOOL_FIELDS = frozenset({"reverse", "shuffle", "exact", "fold_accents"})
NUMBER_FIELDS = frozenset({"tolerance", "typo_threshold", "points", "source_line"})
LIST_SEPARATOR = " | "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """Deck text made safe for a spreadsheet: a cell that would start a formula gets a `'`
    (and so does one that already starts with `'` and a formula sign, so that reading the
    cell back takes exactly one off).

    Decks are shared and untrusted, and spreadsheets run `=HYPERLINK(...)`-style cells;
    the quote is the usual defence and shows what happened.
    """
    formula = value.startswith(_FORMULA_START) and not _is_number(value)
    quoted = value.startswith("'") and value.lstrip("'").startswith(_FORMULA_START)
    return "'" + value if formula or quoted else value


def from_spreadsheet_cell(value: str) -> str:
    """A cell's text without the quote `spreadsheet_cell` put before a formula sign (the
    deck table's and the result files' reader alike)."""
    quoted = value.startswith("'") and value.lstrip("'").startswith(_FORMULA_START)
    return value[1:] if quoted else value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


# --- writing ----------------------------------------------------------------------------------


def _list_cell(values: Sequence[str]) -> str:
    plain = all(
        value and value == value.strip() and "|" not in value and not value.startswith("[")
        for value in values
    )
    return LIST_SEPARATOR.join(values) if plain else json.dumps(list(values), ensure_ascii=False)


def _pairs_cell(pairs: Sequence[Sequence[str]]) -> str:
    plain = all(
        side and side == side.strip() and "|" not in side and "=" not in side
        for pair in pairs
        for side in pair
    ) and not (pairs and pairs[0][0].startswith("["))
    if plain:
        return LIST_SEPARATOR.join(f"{left} = {right}" for left, right in pairs)
    return json.dumps([list(pair) for pair in pairs], ensure_ascii=False)


def _cell(field: str, value: Any) -> str:
    if field == "pairs":
        return _pairs_cell(value)
    if isinstance(value, list):
        return _list_cell(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return spreadsheet_cell(str(value))


def export_table(deck: Deck) -> ExportResult:
    """The deck as CSV: the `#deck:` line, a header row of `COLUMNS`, a row per question.

    Starts with a UTF-8 byte order mark, so that Excel reads accents right.
    """
    buffer = io.StringIO(newline="")
    meta = deck.deck.model_dump(mode="json", exclude_defaults=True)
    buffer.write(f"\ufeff#{DECK_HEADER}:{json.dumps(meta, ensure_ascii=False)}\r\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for question in deck.questions:
        data = question.model_dump(mode="json", exclude_defaults=True)
        data["kind"] = question.kind  # a default too, but the row must say it
        writer.writerow([_cell(field, data[field]) if field in data else "" for field in COLUMNS])
    return ExportResult(buffer.getvalue())


# --- reading ----------------------------------------------------------------------------------


class RowProblem(ValueError):
    """A row that makes no question; the message says why."""


def is_deck_table(headers: dict[str, str], first_row: Sequence[str]) -> bool:
    """Whether a table is one `export_table` wrote (or a teacher laid out the same way): a
    `#deck:` line, or a header row naming a `kind` column."""
    names = {name.strip().lower() for name in first_row}
    return DECK_HEADER in headers or ("kind" in names and "prompt" in names | {"text"})


def deck_meta(
    headers: dict[str, str], deck_id: str, title: str
) -> tuple[dict[str, Any], str | None]:
    """The `[deck]` table of the `#deck:` line (or `deck_id` and `title`), and the problem
    with that line if it could not be used."""
    line = headers.get(DECK_HEADER)
    if line is None:
        return {"id": deck_id, "title": title}, None
    try:
        meta = DeckMeta.model_validate_json(line)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the line"
        problem = f"{where}: {first['msg']}"
        return {"id": deck_id, "title": title}, f"#deck line unusable ({problem}); ignored"
    return _sanitized(meta.model_dump(exclude_defaults=True)), None


def unknown_columns(names: Sequence[str]) -> list[str]:
    """Header names that are no column of `COLUMNS` (said in a warning, then ignored)."""
    return [name for name in names if name.strip().lower() not in COLUMNS and name.strip()]


def row_question(names: Sequence[str], cells: Sequence[str]) -> dict[str, Any]:
    """One row as question fields; raises `RowProblem` for a cell that cannot be read."""
    question: dict[str, Any] = {}
    kind = ""
    for name, cell in zip(names, cells, strict=False):
        field = name.strip().lower()
        if field == "kind":
            kind = cell.strip()
    for name, cell in zip(names, cells, strict=False):
        field = name.strip().lower()
        if field not in COLUMNS or cell == "":
            continue
        question[field] = _sanitized(_value(field, cell, kind))
    if not kind:
        raise RowProblem("row has no kind")
    return question


def _sanitized(value: Any) -> Any:
    """Text without control characters (a hostile table never puts escapes in a deck)."""
    if isinstance(value, str):
        return sanitize(value)
    if isinstance(value, list):
        return [_sanitized(item) for item in value]
    if isinstance(value, dict):
        return {key: _sanitized(item) for key, item in value.items()}
    return value


def _value(field: str, cell: str, kind: str) -> Any:
    if field == "pairs":
        return _pairs_value(cell)
    if field in LIST_FIELDS:
        return _list_value(cell)
    if field in BOOL_FIELDS or (field == "answer" and kind == "truefalse"):
        return _bool_value(field, cell)
    if field in NUMBER_FIELDS or (field == "answer" and kind == "numeric"):
        return _number_value(field, cell)
    if field == "valid_until":
        try:
            return date.fromisoformat(cell.strip())
        except ValueError:
            raise RowProblem(f"valid_until must be a date (YYYY-MM-DD), not {cell!r}") from None
    return from_spreadsheet_cell(cell)


def _list_value(cell: str) -> list[str]:
    if cell.startswith("["):
        try:
            values = json.loads(cell)
        except (ValueError, RecursionError):  # RecursionError: "[[[[...": not a list of text
            values = None
        if isinstance(values, list) and all(isinstance(value, str) for value in values):
            return values
    return [part.strip() for part in cell.split("|") if part.strip()]


def _pairs_value(cell: str) -> list[list[str]]:
    if cell.startswith("["):
        try:
            pairs = json.loads(cell)
        except (ValueError, RecursionError):
            pairs = None
        if isinstance(pairs, list) and all(
            isinstance(pair, list) and all(isinstance(side, str) for side in pair) for pair in pairs
        ):
            return pairs
    found = []
    for part in cell.split("|"):
        left, equals, right = part.partition("=")
        if not equals:
            raise RowProblem(f"pair {part.strip()!r} has no '='")
        found.append([left.strip(), right.strip()])
    return found


def _bool_value(field: str, cell: str) -> bool:
    text = cell.strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise RowProblem(f"{field} must be true or false, not {cell!r}")


def _number_value(field: str, cell: str) -> int | float:
    text = cell.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise RowProblem(f"{field} must be a number, not {cell!r}") from None


def validated(question: dict[str, Any], line: int, warnings: list[ImportWarning]) -> bool:
    """Whether the row's question is valid; why not goes to `warnings`."""
    from pydantic import TypeAdapter

    try:
        TypeAdapter(Question).validate_python(question)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"][1:]) or "row"
        problem = first["msg"].removeprefix("Value error, ")
        said = problem if problem.startswith(where) else f"{where}: {problem}"
        warnings.append(ImportWarning(line, f"{said}; row skipped"))
        return False
    return True
