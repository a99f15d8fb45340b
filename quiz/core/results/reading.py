"""Result files read back for a merge: CSV or JSON rows, checked by pydantic models.

A file a student hands in has passed through their hands and maybe a
spreadsheet, so every row is checked, and a problem is reported as
`FILE:LINE: error: MESSAGE` (`ResultsFileError`) in the reader's own words, not
pydantic's. Only `quiz results merge` reads files, so pydantic (slow to import)
is imported here and by nothing the app's start-up imports.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from quiz.core.interchange.deck_table import from_spreadsheet_cell
from quiz.core.results.records import (
    ANSWER_COLUMNS,
    FILE_FORMAT,
    FILE_VERSION,
    STUDENT_COLUMNS,
    AnswerRow,
)
from quiz.errors import QuizError

MAX_RESULTS_BYTES = 10 * 1024 * 1024
"""A results file a student hands in is a few KiB: anything over 10 MiB is the wrong file,
refused before it is read."""


class ResultsFileError(QuizError):
    """A result file that cannot be read; `str()` is `FILE:LINE: error: MESSAGE`."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: error: {message}")


def read_answers(data: bytes, path: str) -> list[AnswerRow]:
    """Parse a result file written by `quiz results` (CSV or JSON, told by name or content).

    Raises:
        ResultsFileError: not UTF-8, not a per-question result file, or a bad row
            (the message names the line).
    """
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet may have added a byte-order mark
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ResultsFileError(path, line, "not UTF-8 text") from None
    if not text.strip():
        raise ResultsFileError(path, None, "empty file, not a quiz results file")
    suffix = path.lower().rsplit(".", 1)[-1] if "." in path else ""
    if suffix == "json" or (suffix != "csv" and text.lstrip().startswith(("{", "["))):
        return _read_json(text, path)
    return _read_csv(text, path)


# --- the rows -----------------------------------------------------------------------------


def _none_if_empty(value: object) -> object:
    """An empty optional value, "" as well as null: CSV has no other way to write none."""
    return None if value == "" else value


_SECONDS = re.compile(r"\s*[-+]?[0-9]+(\.[0-9]*)?\s*")


def _iso_text(value: object) -> object:
    """A time as text, not a number: pydantic would take `1700000000` for seconds since 1970."""
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_type", "a time must be text")
    if _SECONDS.fullmatch(value):
        raise PydanticCustomError("datetime_parsing", "a time must be ISO-8601, not seconds")
    return value


NotBlank = Annotated[str, StringConstraints(pattern=r"\S")]
Number = Annotated[float, Field(allow_inf_nan=False)]
WholeNumber = Annotated[float, Field(ge=0, multiple_of=1, allow_inf_nan=False)]
"""0, 1, 2...: a float at first, so that `1.0` and `1e3` count, and `1.5` is told from `x`."""
Time = Annotated[AwareDatetime, Strict(False), BeforeValidator(_iso_text)]
"""Parsed from text in JSON rows too (strict mode takes only `datetime` objects)."""
Empty = BeforeValidator(_none_if_empty)


class _Row(BaseModel):
    """A row of a result file in JSON's types (a JSON file's): strict, so `"1"` is no number."""

    model_config = ConfigDict(strict=True)

    student: str | None
    deck_id: NotBlank
    deck_hash: str | None
    attempt_id: WholeNumber
    mode: Literal["quiz", "exam"]
    started: Time
    finished: Annotated[Time | None, Empty]
    attempt_max_score: Annotated[Number | None, Empty]
    question_id: NotBlank
    response: Any
    correct: Annotated[bool | None, Empty]
    points: Number
    max_points: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    time_ms: Annotated[WholeNumber | None, Empty]
    overruled: Annotated[bool | None, Empty] = None
    checked_points: Annotated[Number | None, Empty] = None
    original_points: Annotated[Number | None, Empty] = None
    original_correct: Annotated[bool | None, Empty] = None
    regraded: Annotated[Literal["key", "hand"] | None, Empty] = None

    def answer_row(self) -> AnswerRow:
        """The row as the rest of the package takes it: times in UTC, whole numbers as int."""
        return AnswerRow(
            student=self.student or "",
            deck_id=self.deck_id,
            deck_hash=self.deck_hash or "",
            attempt_id=int(self.attempt_id),
            mode=self.mode,
            started=self.started.astimezone(timezone.utc),
            finished=None if self.finished is None else self.finished.astimezone(timezone.utc),
            attempt_max_score=self.attempt_max_score,
            question_id=self.question_id,
            response=self.response,
            correct=self.correct,
            points=self.points,
            max_points=self.max_points,
            time_ms=None if self.time_ms is None else int(self.time_ms),
            overruled=bool(self.overruled),
            checked_points=self.checked_points,
            original_points=self.original_points,
            original_correct=self.original_correct,
            regraded=self.regraded,
        )


def _unguarded(cell: object) -> object:
    """The cell without the quote the CSV writer's formula guard put before it."""
    return from_spreadsheet_cell(cell) if isinstance(cell, str) else cell


def _flag(cell: object) -> object:
    """`true` or `false` in any case, the way the CSV writer spells a flag."""
    if isinstance(cell, str) and cell.strip().lower() in ("true", "false"):
        return cell.strip().lower() == "true"
    return cell


Unguarded = BeforeValidator(_unguarded)


class _CsvRow(_Row):
    """A CSV row: every cell is text, so numbers and times are read from the text (lax
    mode), a flag is `true`/`false` and nothing else, and the formula guard is removed."""

    model_config = ConfigDict(strict=False)

    student: Annotated[str, Unguarded]
    deck_id: Annotated[NotBlank, Unguarded]
    deck_hash: Annotated[str, Unguarded]
    question_id: Annotated[NotBlank, Unguarded]
    response: Annotated[str, Unguarded]
    correct: Annotated[StrictBool | None, BeforeValidator(_flag), Empty]
    overruled: Annotated[StrictBool | None, BeforeValidator(_flag), Empty] = None
    original_correct: Annotated[StrictBool | None, BeforeValidator(_flag), Empty] = None


_JSON_ROWS = TypeAdapter(list[_Row])
_CSV_ROWS = TypeAdapter(list[_CsvRow])

_REQUIRED = ("attempt_id", "started", "points", "max_points")
"""The columns without which a row means nothing; an empty one is reported with the others."""
_CHECK_ORDER = (
    "mode",
    *_REQUIRED,
    "response",
    "student",
    "deck_id",
    "deck_hash",
    "finished",
    "attempt_max_score",
    "question_id",
    "correct",
    "time_ms",
)
"""The order of a row's cells for telling its first problem (see `_precedence`)."""

_NOT_A_NUMBER = "{name} {value!r} is not a number"
_NOT_WHOLE = "{name} must be a whole number of 0 or more, not {value!r}"
_NOT_A_TIME = "{name} {value!r} is not an ISO-8601 time"
_NOT_A_FLAG = "{name} must be true, false or empty, not {value!r}"
_MESSAGES = {
    "literal_error": "{name} must be quiz or exam, not {value!r}",
    "string_type": "{name} must be text, not {value!r}",
    "string_pattern_mismatch": "{name} is empty",
    "float_type": _NOT_A_NUMBER,
    "float_parsing": _NOT_A_NUMBER,
    "finite_number": "{name} must be a finite number",
    "multiple_of": _NOT_WHOLE,
    "greater_than_equal": _NOT_WHOLE,
    "datetime_type": "{name} must be an ISO-8601 time, not {value!r}",
    "datetime_parsing": _NOT_A_TIME,
    "datetime_from_date_parsing": _NOT_A_TIME,
    "timezone_aware": "{name} {value!r} has no time zone (write it in UTC, ending in Z)",
    "bool_type": _NOT_A_FLAG,
    "bool_parsing": _NOT_A_FLAG,
}
"""The reader's words for pydantic's error types (the field is `name`, its value `value`)."""


def _first_bad_row(error: ValidationError) -> tuple[int, list[ErrorDetails]]:
    """The index of the first row with a problem, and its errors located from the row down."""
    errors = error.errors(include_url=False)
    index = min(int(e["loc"][0]) for e in errors)
    return index, [{**e, "loc": e["loc"][1:]} for e in errors if e["loc"][0] == index]


def _row_problem(errors: Sequence[ErrorDetails]) -> str:
    """What is wrong with a row, in the reader's words (the first problem, see `_precedence`)."""
    if any(not e["loc"] for e in errors):
        return "a row must be an object"
    empty = [str(e["loc"][0]) for e in errors if _is_empty_required(e)]
    first = min(errors, key=_precedence)
    name, value, kind = str(first["loc"][0]), first["input"], first["type"]
    if _is_empty_required(first):
        return f"{', '.join(n for n in _REQUIRED if n in empty)} must not be empty"
    if name == "max_points" and kind == "greater_than_equal":
        return f"max_points must not be negative, not {float(value)}"
    if value is None and kind == "string_type":
        return f"{name} is empty"
    if name == "regraded" and kind == "literal_error":
        return f"regraded must be key, hand or empty, not {value!r}"
    return _MESSAGES.get(kind, "{name}: " + first["msg"]).format(name=name, value=value)


def _is_empty_required(error: ErrorDetails) -> bool:
    return error["loc"][0] in _REQUIRED and error["input"] in ("", None)


def _precedence(error: ErrorDetails) -> tuple[int, int]:
    """Which of a row's problems is told: the mode or a required value that cannot be read,
    then the empty required values (together), a negative max_points, then the rest; each
    group in `_CHECK_ORDER`, the order the reader has always checked a row in."""
    position = _CHECK_ORDER.index(str(error["loc"][0]))
    if _is_empty_required(error):
        return (1, position)
    if error["loc"][0] == "max_points" and error["type"] == "greater_than_equal":
        return (2, position)
    return (0 if position <= len(_REQUIRED) else 3, position)


# --- CSV ----------------------------------------------------------------------------------

_SUMMARY_HINT = "a --summary file has no per-question rows; export with `quiz results` without it"
_CLASS_HINT = "a class table written by `quiz results merge`; merge the students' own files"


def _read_csv(text: str, path: str) -> list[AnswerRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as error:
        raise ResultsFileError(path, 1, f"not CSV: {error}") from None
    names = [name.strip() for name in header]
    missing = [column for column in ANSWER_COLUMNS if column not in names]
    if missing:
        if "passed" in names and "question_id" not in names:
            raise ResultsFileError(path, 1, _SUMMARY_HINT)
        if names[: len(STUDENT_COLUMNS)] == list(STUDENT_COLUMNS):
            raise ResultsFileError(path, 1, _CLASS_HINT)
        raise ResultsFileError(
            path, 1, f"missing column(s) {', '.join(missing)}: not written by `quiz results`"
        )
    cells: list[dict[str, str]] = []
    lines: list[int] = []
    broken: ResultsFileError | None = None  # reported unless a row above it is bad
    line = reader.line_num + 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                if len(values) != len(names):
                    message = f"{len(values)} cells, the header has {len(names)}"
                    broken = ResultsFileError(path, line, message)
                    break
                cells.append(dict(zip(names, values, strict=True)))
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        broken = ResultsFileError(path, line, f"not CSV: {error}")
    try:
        rows = _CSV_ROWS.validate_python(cells)
    except ValidationError as error:
        index, errors = _first_bad_row(error)
        raise ResultsFileError(path, lines[index], _row_problem(errors)) from None
    if broken is not None:
        raise broken
    return _unique([(line, row.answer_row()) for line, row in zip(lines, rows, strict=True)], path)


# --- JSON ---------------------------------------------------------------------------------


def _read_json(text: str, path: str) -> list[AnswerRow]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ResultsFileError(path, error.lineno, f"not JSON: {error.msg}") from None
    except RecursionError:
        raise ResultsFileError(path, 1, "not a quiz results file: nested too deeply") from None
    except ValueError:  # Python's own limit: an integer of over 4,300 digits
        raise ResultsFileError(path, 1, "not a quiz results file: a number too long") from None
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        raise ResultsFileError(path, 1, f'not a quiz results file (no "format": "{FILE_FORMAT}")')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FILE_VERSION:
        raise ResultsFileError(path, 1, f"version {version!r} is not one this quiz reads")
    if document.get("kind") in ("summary", "class"):
        raise ResultsFileError(
            path, 1, _SUMMARY_HINT if document["kind"] == "summary" else _CLASS_HINT
        )
    if document.get("kind") != "answers" or not isinstance(document.get("rows"), list):
        raise ResultsFileError(path, 1, 'expected "kind": "answers" and a "rows" list')
    lines = _row_lines(text)
    try:
        rows = _JSON_ROWS.validate_python(document["rows"])
    except ValidationError as error:
        index, errors = _first_bad_row(error)
        line = lines[index] if index < len(lines) else None
        missing = {e["loc"][0] for e in errors if e["type"] == "missing"}
        if missing:
            names = ", ".join(name for name in ANSWER_COLUMNS if name in missing)
            message = f"row {index + 1} lacks {names}"
        else:
            message = _row_problem(errors)
        if line is None:
            message = f"row {index + 1}: {message}"
        raise ResultsFileError(path, line, message) from None
    numbered = [
        (lines[i] if i < len(lines) else None, row.answer_row()) for i, row in enumerate(rows)
    ]
    return _unique(numbered, path)


_ROWS_START = re.compile(r'"rows"\s*:\s*\[')


def _row_lines(text: str) -> list[int]:
    """The line each element of the top-level "rows" array starts on (best effort)."""
    match = _ROWS_START.search(text)
    if match is None:
        return []
    decoder = json.JSONDecoder()
    position = counted = match.end()
    line = text.count("\n", 0, position) + 1
    lines: list[int] = []
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return lines
        try:
            _, end = decoder.raw_decode(text, position)
        except ValueError:
            return lines
        line += text.count("\n", counted, position)
        counted = position
        lines.append(line)
        position = end


def _unique(rows: Sequence[tuple[int | None, AnswerRow]], path: str) -> list[AnswerRow]:
    """Refuse a question answered twice in one attempt: the file was edited or concatenated."""
    seen: dict[tuple[str, int, datetime, str], int | None] = {}
    for line, row in rows:
        key = (row.student, row.attempt_id, row.started, row.question_id)
        if key in seen:
            first = seen[key]
            where = f" (first on line {first})" if first is not None else ""
            raise ResultsFileError(
                path,
                line,
                f"question {row.question_id!r} of attempt {row.attempt_id} appears twice{where}",
            )
        seen[key] = line
    return [row for _, row in rows]
