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
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from quiz.core.cards import question_identity
from quiz.core.checking import format_number
from quiz.core.interchange.base import ExportResult, ImportResult, ImportWarning  # noqa: A004
from quiz.core.interchange.fix_ids import unique_slug
from quiz.core.models import (
    SLUG_PATTERN,
    Cloze,
    Deck,
    Flashcard,
    MultipleChoice,
    Numeric,
    Order,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from quiz.core.text import sanitize
from quiz.errors import ImportFormatError

RowKind = Literal["flashcard", "short"]

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


def _separator(value: str) -> str:
    if value.lower() in SEPARATORS:
        return SEPARATORS[value.lower()]
    if len(value) == 1:
        return value
    raise TableError(f"unknown #separator:{value}")


def _roles_from_names(names: Sequence[str]) -> list[str | None]:
    return [COLUMN_NAMES.get(name.strip().lower()) for name in names]


def _special_columns(headers: dict[str, str]) -> dict[int, str | None]:
    """0-based index -> role for Anki's `#tags column:N` and the note-metadata columns."""
    special: dict[int, str | None] = {}
    named = (("tags", "tags"), ("notetype", "notetype"))
    for name, role in (*((m, None) for m in ANKI_META_COLUMNS), *named):
        number = headers.get(f"{name} column", "")
        if number.isdigit() and int(number) >= 1:
            special[int(number) - 1] = role
    return special


def _as_slug(value: str) -> str | None:
    value = value.strip()
    return value if re.fullmatch(SLUG_PATTERN, value) and len(value) <= 100 else None


def _cloze(text: str) -> str:
    """`{{c1::answer::hint}}` -> `{{answer|hint}}`."""

    def replace(match: re.Match[str]) -> str:
        answer, hint = match.group(1), match.group(2)
        return f"{{{{{answer}|{hint}}}}}" if hint else f"{{{{{answer}}}}}"

    return _ANKI_CLOZE.sub(replace, text)


def _given_ids(rows: list[tuple[int, list[str]]], roles: list[str | None]) -> dict[int, str]:
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


def import_table(
    text: str,
    *,
    delimiter: str = ",",
    columns: Sequence[str] | None = None,
    kind: RowKind = "flashcard",
    deck_id: str = "imported",
    title: str = "Imported questions",
) -> ImportResult:
    """Build a deck from a CSV/TSV table; `delimiter` is used unless `#separator:` says otherwise.

    Rows without a prompt or an answer are skipped with a warning naming their line.
    Raises `TableError` when no column can be identified as the prompt and the answer,
    or when no row makes a question.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    headers, header_lines = _anki_headers(lines)
    warnings: list[ImportWarning] = []
    if "separator" in headers:
        delimiter = _separator(headers["separator"])
    is_html = headers.get("html", "false").lower() == "true"
    body = "\n".join(lines[header_lines:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    last = 0
    for row in reader:
        rows.append((header_lines + last + 1, row))
        last = reader.line_num

    special = _special_columns(headers)
    roles: list[str | None]
    if columns is not None:
        roles = _roles_from_names(columns)
        unknown = [name for name, role in zip(columns, roles, strict=True) if role is None]
        if unknown:
            raise TableError(f"unknown column name {unknown[0]!r} (use {', '.join(COLUMN_NAMES)})")
        if rows and {"prompt", "answer"} <= set(_roles_from_names(rows[0][1])):
            warnings.append(
                ImportWarning(rows[0][0], "header row skipped: --columns says the order")
            )
            rows = rows[1:]
    elif "columns" in headers:
        roles = _roles_from_names(headers["columns"].split(delimiter))
    elif rows and {"prompt", "answer"} <= set(_roles_from_names(rows[0][1])):
        roles = _roles_from_names(rows[0][1])
        ignored = [name for name, role in zip(rows[0][1], roles, strict=True) if role is None]
        for name in ignored:
            warnings.append(ImportWarning(rows[0][0], f"column {name!r} ignored"))
        rows = rows[1:]
    elif headers:
        free = (i for i in range(len(special) + 2) if i not in special)
        content = dict(zip(free, ("prompt", "answer"), strict=False))
        roles = [content.get(i) for i in range(max(content) + 1)]
    else:
        raise TableError(
            "no header row naming the prompt and answer columns (front/back, prompt/answer or "
            "question/answer); add one or pass --columns, e.g. --columns prompt,answer"
        )
    for index, role in special.items():
        roles = [*roles, *([None] * (index + 1 - len(roles)))]
        roles[index] = role
    if "prompt" not in roles or "answer" not in roles:
        raise TableError("the columns must include a prompt (or front) and an answer (or back)")

    questions: list[dict[str, Any]] = []
    reserved = _given_ids(rows, roles)
    taken = set(reserved.values())
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        fields: dict[str, str] = {}
        for role, cell in zip(roles, row, strict=False):
            if role is not None:
                value = strip_html(cell) if is_html else cell.strip()
                fields[role] = sanitize(value.replace("\r\n", "\n").replace("\r", "\n"))
        prompt, answer = fields.get("prompt", ""), fields.get("answer", "")
        cloze = _ANKI_CLOZE.search(prompt) is not None
        if not prompt.strip() or (not answer.strip() and not cloze):
            missing = "prompt" if not prompt.strip() else "answer"
            warnings.append(ImportWarning(line, f"row has no {missing}; skipped"))
            continue
        if (prompt, answer) in seen:
            warnings.append(
                ImportWarning(line, f"same row as line {seen[prompt, answer]}; skipped")
            )
            continue
        seen[prompt, answer] = line
        question: dict[str, Any]
        if cloze:
            question = {"kind": "cloze", "text": _cloze(prompt)}
            if answer.strip():
                question["explanation"] = answer
        else:
            question = {"kind": kind, "prompt": prompt, "answer": answer}
            if kind == "flashcard" and "reverse" in fields.get("notetype", "").lower():
                question["reverse"] = True
        if fields.get("explanation", "").strip():
            question["explanation"] = fields["explanation"]
        tags = [t for t in re.split(r"[\s,]+", fields.get("tags", "")) if t]
        if tags:
            question["tags"] = list(dict.fromkeys(tags))
        try:
            _QUESTION.validate_python(question)
        except ValidationError as error:
            problem = error.errors()[0]["msg"].removeprefix("Value error, ")
            message = f"row cannot be a {question['kind']} question ({problem}); skipped"
            warnings.append(ImportWarning(line, message))
            continue
        given = fields.get("id", "").strip()
        if given and given == reserved.get(line):
            question["id"] = given
        else:
            if given:
                warnings.append(ImportWarning(line, f"id {given!r} unusable; made one"))
            question["id"] = unique_slug(question.get("prompt") or question["text"], taken)
        questions.append(question)
    if not questions:
        raise TableError("no row with both a prompt and an answer")
    meta = {"id": deck_id, "title": title}
    return ImportResult(Deck.model_validate({"deck": meta, "questions": questions}), warnings)


EXPORT_COLUMNS = ("id", "kind", "prompt", "answer", "accept", "choices", "explanation", "tags")
"""One row per question; `prompt`/`answer`/`explanation`/`tags`/`id` import back as flashcards."""

LIST_SEPARATOR = " | "
"""Joins several values in one cell (choices, accepted answers, multi answers, order items)."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Deck text made safe for a spreadsheet: a cell that would start a formula gets a `'`.

    Decks are shared and untrusted, and spreadsheets run `=HYPERLINK(...)`-style
    cells; the quote is the usual defence and shows what happened.
    """
    if value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _answer_cells(question: Question) -> tuple[str, str, str]:
    """(answer, accept, choices) of a question, as text for one spreadsheet row each."""
    if isinstance(question, (Flashcard, ShortAnswer)):
        accept = question.accept if isinstance(question, ShortAnswer) else []
        return question.answer, LIST_SEPARATOR.join(accept), ""
    if isinstance(question, SingleChoice):
        return question.answer, "", LIST_SEPARATOR.join(question.choices)
    if isinstance(question, MultipleChoice):
        return LIST_SEPARATOR.join(question.answers), "", LIST_SEPARATOR.join(question.choices)
    if isinstance(question, TrueFalse):
        return ("true" if question.answer else "false"), "", ""
    if isinstance(question, Numeric):
        answer = format_number(question.answer)
        if question.tolerance:
            answer += f" ± {format_number(question.tolerance)}"
        return answer + (f" {question.unit}" if question.unit else ""), "", ""
    if isinstance(question, Cloze):
        return LIST_SEPARATOR.join(b.answer for b in question.blanks), "", ""
    if isinstance(question, Order):
        return LIST_SEPARATOR.join(question.items), "", ""
    return LIST_SEPARATOR.join(f"{left} = {right}" for left, right in question.pairs), "", ""


def export_csv(deck: Deck) -> ExportResult:
    """One CSV row per question (see `EXPORT_COLUMNS`), for spreadsheets and mark books.

    Cloze questions put their text (with `{{blanks}}`) in `prompt`, order questions
    their items in order in `answer`, match questions `left = right` pairs.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for question in deck.questions:
        prompt = question.text if isinstance(question, Cloze) else question.prompt
        if isinstance(question, Cloze) and question.prompt:
            prompt = f"{question.prompt}\n{question.text}"
        answer, accept, choices = _answer_cells(question)
        row = (
            question_identity(question),
            question.kind,
            prompt,
            answer,
            accept,
            choices,
            question.explanation,
            ", ".join(question.tags),
        )
        writer.writerow([_cell(value) for value in row])
    return ExportResult(buffer.getvalue())
