"""Result files read back for a merge: CSV or JSON rows, checked value by value.

A file a student hands in has passed through their hands and maybe a
spreadsheet, so every row is checked, and a problem is reported as
`FILE:LINE: error: MESSAGE` (`ResultsFileError`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Literal

from quiz.core.results.records import (
    ANSWER_COLUMNS,
    FILE_FORMAT,
    FILE_VERSION,
    STUDENT_COLUMNS,
    AnswerRow,
)
from quiz.errors import QuizError


class ResultsFileError(QuizError):
    """A result file that cannot be read; `str()` is `FILE:LINE: error: MESSAGE`."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: error: {message}")


class _FieldError(ValueError):
    """A bad value in one row; the reader adds the file and line."""


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
    rows: list[tuple[int, AnswerRow]] = []
    line = reader.line_num + 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                if len(values) != len(names):
                    raise _FieldError(f"{len(values)} cells, the header has {len(names)}")
                rows.append((line, _row(dict(zip(names, values, strict=True)), textual=True)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ResultsFileError(path, line, f"not CSV: {error}") from None
    except _FieldError as error:
        raise ResultsFileError(path, line, str(error)) from None
    return _unique(rows, path)


def _read_json(text: str, path: str) -> list[AnswerRow]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ResultsFileError(path, error.lineno, f"not JSON: {error.msg}") from None
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
    rows = []
    for index, values in enumerate(document["rows"]):
        line = lines[index] if index < len(lines) else None
        try:
            if not isinstance(values, dict):
                raise _FieldError("a row must be an object")
            missing = [column for column in ANSWER_COLUMNS if column not in values]
            if missing:
                raise _FieldError(f"row {index + 1} lacks {', '.join(missing)}")
            rows.append((line, _row(values, textual=False)))
        except _FieldError as error:
            message = str(error) if line is not None else f"row {index + 1}: {error}"
            raise ResultsFileError(path, line, message) from None
    return _unique(rows, path)


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


_UNGUARD = re.compile(r"^'(?=[=+\-@\t\r])")
"""The quote `spreadsheet_cell` put before a formula-like cell (a cell that began with
`'=` before export reads back as `=`: the one ambiguity of the guard)."""


def _string(values: Mapping[str, object], name: str, textual: bool, required: bool) -> str:
    value = values[name]
    if value is None and not textual:
        value = ""
    if not isinstance(value, str):
        raise _FieldError(f"{name} must be text, not {value!r}")
    if textual:
        value = _UNGUARD.sub("", value, count=1)
    if required and not value.strip():
        raise _FieldError(f"{name} is empty")
    return value


def _number(values: Mapping[str, object], name: str, textual: bool) -> float | None:
    value = values[name]
    if value is None or value == "":
        return None
    if textual and isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise _FieldError(f"{name} {value!r} is not a number") from None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise _FieldError(f"{name} {value!r} is not a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise _FieldError(f"{name} must be a finite number")
    return float(value)


def _integer(values: Mapping[str, object], name: str, textual: bool) -> int | None:
    number = _number(values, name, textual)
    if number is None:
        return None
    if not number.is_integer() or number < 0:
        raise _FieldError(f"{name} must be a whole number of 0 or more, not {values[name]!r}")
    return int(number)


def _time(values: Mapping[str, object], name: str) -> datetime | None:
    value = values[name]
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _FieldError(f"{name} must be an ISO-8601 time, not {value!r}")
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _FieldError(f"{name} {value!r} is not an ISO-8601 time") from None
    if moment.tzinfo is None:
        raise _FieldError(f"{name} {value!r} has no time zone (write it in UTC, ending in Z)")
    return moment.astimezone(timezone.utc)


def _flag(values: Mapping[str, object], name: str, textual: bool) -> bool | None:
    value = values[name]
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if textual and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _FieldError(f"{name} must be true, false or empty, not {value!r}")


def _row(values: Mapping[str, object], *, textual: bool) -> AnswerRow:
    """One answer row from CSV cells (`textual`) or a JSON object, checked field by field."""
    if values["mode"] not in ("quiz", "exam"):
        raise _FieldError(f"mode must be quiz or exam, not {values['mode']!r}")
    mode: Literal["quiz", "exam"] = "quiz" if values["mode"] == "quiz" else "exam"
    attempt_id = _integer(values, "attempt_id", textual)
    started = _time(values, "started")
    points = _number(values, "points", textual)
    max_points = _number(values, "max_points", textual)
    if attempt_id is None or started is None or points is None or max_points is None:
        empty = [
            name
            for name, value in (
                ("attempt_id", attempt_id),
                ("started", started),
                ("points", points),
                ("max_points", max_points),
            )
            if value is None
        ]
        raise _FieldError(f"{', '.join(empty)} must not be empty")
    if max_points < 0:
        raise _FieldError(f"max_points must not be negative, not {max_points}")
    response: object = values["response"]
    if textual:
        response = _string(values, "response", textual, required=False)
    return AnswerRow(
        student=_string(values, "student", textual, required=False),
        deck_id=_string(values, "deck_id", textual, required=True),
        deck_hash=_string(values, "deck_hash", textual, required=False),
        attempt_id=attempt_id,
        mode=mode,
        started=started,
        finished=_time(values, "finished"),
        attempt_max_score=_number(values, "attempt_max_score", textual),
        question_id=_string(values, "question_id", textual, required=True),
        response=response,
        correct=_flag(values, "correct", textual),
        points=points,
        max_points=max_points,
        time_ms=_integer(values, "time_ms", textual),
    )
