"""CSV / TSV tables (including Anki's "Notes in Plain Text" export) -> a deck, and deck -> CSV.

One row is one question. Which column is what comes, in this order, from the
caller's `columns`, Anki's `#columns:` header line, or a header row naming them
(`front`/`back`, `prompt`/`answer`, `question`/`answer`, plus `explanation`, `tags`,
`id`). Anki exports start with `#key:value` lines: `#separator:` (tab, comma,
semicolon, pipe, space, colon or the character itself), `#html:true` (fields are
HTML: tags are stripped and `<br>` becomes a line break), `#columns:`, and
`#tags column:N` / `#guid column:N` / `#notetype column:N` / `#deck column:N`.
An Anki export without `#columns:` is read as front, back. A field written as an
Anki cloze (`{{c1::answer::hint}}`) becomes a `cloze` question, and a note of a
"Basic (and reversed card)" type a flashcard with `reverse = true`.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from quiz.core.interchange.base import ImportResult, ImportWarning  # noqa: A004
from quiz.core.interchange.deck_table import (
    RowProblem,
    deck_meta,
    is_deck_table,
    row_question,
    unknown_columns,
    validated,
)
from quiz.core.interchange.fix_ids import unique_slug
from quiz.core.models import (
    SLUG_PATTERN,
    Deck,
    Question,
)
from quiz.core.text import sanitize
from quiz.errors import ImportFormatError

RowKind = Literal["flashcard", "short"]

Row = tuple[int, list[str]]
"""One row of a table: its first line in the file (1-based) and its cells."""

COLUMN_NAMES = {
    "prompt": "prompt",
    "front": "prompt",
    "question": "prompt",
    "term": "prompt",
    "text": "prompt",
    "answer": "answer",
    "back": "answer",
    "definition": "answer",
    "explanation": "explanation",
    "extra": "explanation",
    "back extra": "explanation",
    "notes": "explanation",
    "tags": "tags",
    "id": "id",
}
"""Header names (case-insensitive) and the question field each one fills."""

ANKI_META_COLUMNS = ("guid", "deck")
"""Columns of an Anki export that describe the note, not its content: skipped quietly."""

SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "space": " ",
    "colon": ":",
}

_HEADER = re.compile(r"^#([a-z ]+):(.*)$", re.IGNORECASE)
_BREAK_TAGS = re.compile(r"<\s*(?:br\s*/?|/div|/p|/li)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_ANKI_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)
"""Validates one row's question, so a bad row is skipped with a warning, not the whole file."""


class TableError(ImportFormatError):
    """The table cannot be read as questions at all (no usable columns, no rows)."""


def strip_html(text: str) -> str:
    """Plain text of an Anki HTML field: line-break tags become newlines, other tags go."""
    text = _BREAK_TAGS.sub("\n", text)
    text = html.unescape(_TAG.sub("", text)).replace("\xa0", " ")
    return "\n".join(line.strip() for line in text.strip().split("\n"))


# --- reading the table ------------------------------------------------------------------------


def _anki_headers(lines: list[str]) -> tuple[dict[str, str], int]:
    """The leading `#key:value` lines, keys lowercased, and how many lines they take."""
    headers: dict[str, str] = {}
    count = 0
    for line in lines:
        match = _HEADER.match(line.strip())
        if match is None:
            break
        headers[match.group(1).strip().lower()] = match.group(2).strip()
        count += 1
    return headers, count


def separator_named(value: str) -> str | None:
    """The separator `value` names (`tab`, `semicolon`, ... or the character itself); None
    when it names none (a quote or a line break cannot separate CSV cells)."""
    if value.lower() in SEPARATORS:
        return SEPARATORS[value.lower()]
    return value if len(value) == 1 and value not in '"\r\n' else None


def _separator(value: str) -> str:
    separator = separator_named(value)
    if separator is None:
        raise TableError(f"unknown #separator:{value}")
    return separator


def _special_columns(headers: dict[str, str]) -> dict[int, str | None]:
    """0-based index -> role for Anki's `#tags column:N` and the note-metadata columns."""
    special: dict[int, str | None] = {}
    named = (("tags", "tags"), ("notetype", "notetype"))
    for name, role in (*((m, None) for m in ANKI_META_COLUMNS), *named):
        number = headers.get(f"{name} column", "")
        if number.isdigit() and int(number) >= 1:
            special[int(number) - 1] = role
    return special


@dataclass(frozen=True)
class _Table:
    """A table as read, before anything says what its columns hold."""

    headers: dict[str, str]
    """Anki's leading `#key:value` lines, keys lowercased."""
    delimiter: str
    html: bool
    """`#html:true`: the fields are HTML."""
    rows: list[Row]
    note_columns: dict[int, str | None]
    """Anki's `#tags column:N`-style columns: 0-based index -> role (None: skipped)."""


def sniff_delimiter(line: str) -> str:
    """The separator a header line uses: the most frequent of comma, semicolon (Excel in
    most of Europe), tab and pipe outside quotes; a comma when it has none of them."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {candidate: outside.count(candidate) for candidate in (",", ";", "\t", "|")}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _read_table(text: str, delimiter: str | None) -> _Table:
    """Anki's header lines, then the rows of cells, each numbered by its first line in `text`.

    The separator: Anki's `#separator:` line, else `delimiter`, else sniffed from the first
    row (`sniff_delimiter`)."""
    # split at "\n" only: a cell may hold a lone "\r" or a U+2028, which splitlines would cut
    lines = text.removeprefix("\ufeff").split("\n")
    headers, header_lines = _anki_headers([line.rstrip("\r") for line in lines])
    if "separator" in headers:
        delimiter = _separator(headers["separator"])
    if delimiter is None:
        first = next((line for line in lines[header_lines:] if line.strip()), "")
        delimiter = sniff_delimiter(first)
    body = "\n".join(lines[header_lines:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    last = 0
    try:
        for cells in reader:
            rows.append((header_lines + last + 1, cells))
            last = reader.line_num
    except csv.Error as error:  # e.g. a field over the csv module's 131,072 characters
        raise TableError(f"line {header_lines + last + 1}: not CSV: {error}") from None
    return _Table(
        headers=headers,
        delimiter=delimiter,
        html=headers.get("html", "false").lower() == "true",
        rows=rows,
        note_columns=_special_columns(headers),
    )


# --- what each column holds -------------------------------------------------------------------


def _roles_from_names(names: Sequence[str]) -> list[str | None]:
    return [COLUMN_NAMES.get(name.strip().lower()) for name in names]


@dataclass(frozen=True)
class _ColumnLayout:
    """What each column holds, and whether the first row names the columns instead of asking."""

    roles: list[str | None]
    """One role of `COLUMN_NAMES` (or Anki's `notetype`) per column; None: ignored."""
    header_row: bool = False
    warnings: tuple[ImportWarning, ...] = ()


def _names_prompt_and_answer(cells: Sequence[str]) -> bool:
    return {"prompt", "answer"} <= set(_roles_from_names(cells))


def _from_columns_option(table: _Table, columns: Sequence[str] | None) -> _ColumnLayout | None:
    """The caller's `columns` (`--columns`); a header row the table has anyway is skipped."""
    if columns is None:
        return None
    roles = _roles_from_names(columns)
    unknown = [name for name, role in zip(columns, roles, strict=True) if role is None]
    if unknown:
        raise TableError(f"unknown column name {unknown[0]!r} (use {', '.join(COLUMN_NAMES)})")
    if table.rows and _names_prompt_and_answer(table.rows[0][1]):
        line = table.rows[0][0]
        skipped = ImportWarning(line, "header row skipped: --columns says the order")
        return _ColumnLayout(roles, header_row=True, warnings=(skipped,))
    return _ColumnLayout(roles)


def _from_anki_columns_line(table: _Table, _columns: Sequence[str] | None) -> _ColumnLayout | None:
    """Anki's `#columns:` line, split by the table's own separator."""
    if "columns" not in table.headers:
        return None
    return _ColumnLayout(_roles_from_names(table.headers["columns"].split(table.delimiter)))


def _from_header_row(table: _Table, _columns: Sequence[str] | None) -> _ColumnLayout | None:
    """A first row naming the prompt and the answer columns (others it names are ignored)."""
    if not table.rows or not _names_prompt_and_answer(table.rows[0][1]):
        return None
    line, names = table.rows[0]
    roles = _roles_from_names(names)
    ignored = tuple(
        ImportWarning(line, f"column {name!r} ignored")
        for name, role in zip(names, roles, strict=True)
        if role is None
    )
    return _ColumnLayout(roles, header_row=True, warnings=ignored)


def _from_anki_defaults(table: _Table, _columns: Sequence[str] | None) -> _ColumnLayout | None:
    """An Anki export without `#columns:`: front and back, in the first columns Anki left free."""
    if not table.headers:
        return None
    special = table.note_columns
    free = (i for i in range(len(special) + 2) if i not in special)
    content = dict(zip(free, ("prompt", "answer"), strict=False))
    return _ColumnLayout([content.get(i) for i in range(max(content) + 1)])


_COLUMN_SOURCES: tuple[Callable[[_Table, Sequence[str] | None], _ColumnLayout | None], ...] = (
    _from_columns_option,
    _from_anki_columns_line,
    _from_header_row,
    _from_anki_defaults,
)
"""Where the columns' roles come from, in order: the first that applies to the table wins."""


def _column_layout(table: _Table, columns: Sequence[str] | None) -> _ColumnLayout:
    """The first layout of `_COLUMN_SOURCES`, with Anki's note columns put in their places."""
    for source in _COLUMN_SOURCES:
        layout = source(table, columns)
        if layout is not None:
            break
    else:
        found = ", ".join(repr(cell) for cell in table.rows[0][1]) if table.rows else "none"
        raise TableError(
            "no header row naming the prompt and answer columns (front/back, prompt/answer or "
            "question/answer); add one or pass --columns, e.g. --columns prompt,answer"
            f" (the first row has: {found})"
        )
    roles = layout.roles
    for index, role in table.note_columns.items():
        roles = [*roles, *([None] * (index + 1 - len(roles)))]
        roles[index] = role
    if "prompt" not in roles or "answer" not in roles:
        raise TableError("the columns must include a prompt (or front) and an answer (or back)")
    return _ColumnLayout(roles, layout.header_row, layout.warnings)


# --- one question per row ---------------------------------------------------------------------


class _Skipped(Exception):
    """A row that makes no question; the message says why (`row has no answer`)."""


def _add_reverse(question: dict[str, Any], note_type: str) -> None:
    """A note of a "Basic (and reversed card)" type is a flashcard asked both ways."""
    if question["kind"] == "flashcard" and "reverse" in note_type.lower():
        question["reverse"] = True


def _add_explanation(question: dict[str, Any], explanation: str) -> None:
    """The explanation column, over the answer a cloze note keeps as its explanation."""
    if explanation.strip():
        question["explanation"] = explanation


def _add_tags(question: dict[str, Any], tags: str) -> None:
    """Tags separated by spaces or commas, each once."""
    names = [tag for tag in re.split(r"[\s,]+", tags) if tag]
    if names:
        question["tags"] = list(dict.fromkeys(names))


_ROLE_FIELDS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "notetype": _add_reverse,
    "explanation": _add_explanation,
    "tags": _add_tags,
}
"""How a column that is neither the prompt, the answer nor the id adds to a row's question."""


def _questions(
    table: _Table, layout: _ColumnLayout, kind: RowKind, warnings: list[ImportWarning]
) -> list[dict[str, Any]]:
    """The rows' questions (deck-format fields); why a row makes none goes to `warnings`."""
    rows = table.rows[1:] if layout.header_row else table.rows
    ids = _QuestionIds.for_rows(rows, layout.roles)
    seen: dict[tuple[str, str], int] = {}
    questions: list[dict[str, Any]] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        fields = _fields(cells, layout.roles, table.html)
        try:
            _require_prompt_and_answer(fields)
            _require_not_a_copy(fields, line, seen)
            question = _question(fields, kind)
            _validate(question)
        except _Skipped as skipped:
            warnings.append(ImportWarning(line, f"{skipped}; skipped"))
            continue
        question["id"] = ids.pick(line, fields.get("id", "").strip(), question, warnings)
        questions.append(question)
    return questions


def _fields(cells: list[str], roles: list[str | None], html: bool) -> dict[str, str]:
    """A row's cells by role, as plain text with `\\n` line breaks (a later column wins)."""
    fields: dict[str, str] = {}
    for role, cell in zip(roles, cells, strict=False):
        if role is not None:
            value = strip_html(cell) if html else cell.strip()
            fields[role] = sanitize(value.replace("\r\n", "\n").replace("\r", "\n"))
    return fields


def _is_cloze(prompt: str) -> bool:
    return _ANKI_CLOZE.search(prompt) is not None


def _cloze(text: str) -> str:
    """`{{c1::answer::hint}}` -> `{{answer|hint}}`."""

    def replace(match: re.Match[str]) -> str:
        answer, hint = match.group(1), match.group(2)
        return f"{{{{{answer}|{hint}}}}}" if hint else f"{{{{{answer}}}}}"

    return _ANKI_CLOZE.sub(replace, text)


def _require_prompt_and_answer(fields: dict[str, str]) -> None:
    """A row needs a prompt, and an answer unless its prompt is an Anki cloze."""
    prompt, answer = fields.get("prompt", ""), fields.get("answer", "")
    if not prompt.strip():
        raise _Skipped("row has no prompt")
    if not answer.strip() and not _is_cloze(prompt):
        raise _Skipped("row has no answer")


def _require_not_a_copy(
    fields: dict[str, str], line: int, seen: dict[tuple[str, str], int]
) -> None:
    """The same prompt and answer again is a copy; `seen` maps each pair to its first line."""
    pair = (fields.get("prompt", ""), fields.get("answer", ""))
    if pair in seen:
        raise _Skipped(f"same row as line {seen[pair]}")
    seen[pair] = line


def _question(fields: dict[str, str], kind: RowKind) -> dict[str, Any]:
    """A row's question as deck-format fields: a cloze when the prompt has Anki's `{{c1::}}`."""
    prompt, answer = fields.get("prompt", ""), fields.get("answer", "")
    question: dict[str, Any]
    if _is_cloze(prompt):
        question = {"kind": "cloze", "text": _cloze(prompt)}
        if answer.strip():
            question["explanation"] = answer
    else:
        question = {"kind": kind, "prompt": prompt, "answer": answer}
    for role, add in _ROLE_FIELDS.items():
        add(question, fields.get(role, ""))
    return question


def _validate(question: dict[str, Any]) -> None:
    """Skip a row the deck format rejects, saying why, rather than refuse the whole table."""
    try:
        _QUESTION.validate_python(question)
    except ValidationError as error:
        problem = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise _Skipped(f"row cannot be a {question['kind']} question ({problem})") from None


def _as_slug(value: str) -> str | None:
    value = value.strip()
    return value if re.fullmatch(SLUG_PATTERN, value) and len(value) <= 100 else None


def _given_ids(rows: list[Row], roles: list[str | None]) -> dict[int, str]:
    """line -> id for rows whose `id` cell is a valid slug not used by an earlier row.

    Collected before any id is made up, so a made-up id never takes one a later row asks for.
    """
    if "id" not in roles:
        return {}
    index = roles.index("id")
    given: dict[int, str] = {}
    for line, row in rows:
        value = row[index].strip() if index < len(row) else ""
        if _as_slug(value) and value not in given.values():
            given[line] = value
    return given


@dataclass(frozen=True)
class _QuestionIds:
    """The questions' ids: a row's own when it is usable, else one made from its text."""

    reserved: dict[int, str]
    """line -> the id its row asks for (`_given_ids`)."""
    taken: set[str]

    @classmethod
    def for_rows(cls, rows: list[Row], roles: list[str | None]) -> _QuestionIds:
        reserved = _given_ids(rows, roles)
        return cls(reserved, set(reserved.values()))

    def pick(
        self, line: int, given: str, question: dict[str, Any], warnings: list[ImportWarning]
    ) -> str:
        """The id of the row at `line`, which asked for `given` (may be empty)."""
        if given and given == self.reserved.get(line):
            return given
        if given:
            warnings.append(ImportWarning(line, f"id {given!r} unusable; made one"))
        return unique_slug(question.get("prompt") or question["text"], self.taken)


# --- the table as a deck ----------------------------------------------------------------------


def import_table(
    text: str,
    *,
    delimiter: str | None = None,
    columns: Sequence[str] | None = None,
    kind: RowKind = "flashcard",
    deck_id: str = "imported",
    title: str = "Imported questions",
) -> ImportResult:
    """Build a deck from a CSV/TSV table; `delimiter` (sniffed from the first row when None)
    is used unless `#separator:` says otherwise.

    Rows without a prompt or an answer are skipped with a warning naming their line.
    Raises `TableError` when no column can be identified as the prompt and the answer,
    or when no row makes a question.
    """
    table = _read_table(text, delimiter)
    if columns is None and table.rows and is_deck_table(table.headers, table.rows[0][1]):
        return _import_deck_table(table, deck_id, title)
    layout = _column_layout(table, columns)
    warnings = list(layout.warnings)
    questions = _questions(table, layout, kind, warnings)
    if not questions:
        raise TableError("no row with both a prompt and an answer")
    meta = {"id": deck_id, "title": title}
    return ImportResult(Deck.model_validate({"deck": meta, "questions": questions}), warnings)


def _import_deck_table(table: _Table, deck_id: str, title: str) -> ImportResult:
    """A table `deck_table.export_table` wrote (or laid out like one): every field of every
    kind, and the `[deck]` table from its `#deck:` line. Ids are kept as they are (a question
    without one keeps its history by its prompt); two rows with one id are a deck error."""
    line, names = table.rows[0]
    warnings = [ImportWarning(line, f"column {name!r} ignored") for name in unknown_columns(names)]
    meta, problem = deck_meta(table.headers, deck_id, title)
    if problem is not None:
        warnings.append(ImportWarning(1, problem))
    questions: list[dict[str, Any]] = []
    for row_line, cells in table.rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        try:
            question = row_question(names, cells)
        except RowProblem as problem_in_row:
            warnings.append(ImportWarning(row_line, f"{problem_in_row}; row skipped"))
            continue
        if validated(question, row_line, warnings):
            questions.append(question)  # without an id, as it was: its history is by prompt
    if not questions:
        raise TableError("no row makes a question")
    return ImportResult(Deck.model_validate({"deck": meta, "questions": questions}), warnings)
