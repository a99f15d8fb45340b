"""Results for grading: attempts out of the study store, into CSV or JSON, and back for a class.

A teacher collects each student's result file (`quiz results -o NAME.csv`) and
merges them (`quiz results merge *.csv`) into one class table. Everything here is
pure: rows from the store, text out, rows from text, statistics from rows.

Files
-----
`AnswerRow`, one per attempt and question asked (`ANSWER_COLUMNS`), is what a
merge reads back; `SummaryRow`, one per attempt (`SUMMARY_COLUMNS`), is for a mark
book. CSV cells that a spreadsheet would run as a formula (starting with
`= + - @`, tab or CR) get a leading `'` (the guard of the deck CSV exporter); the
reader removes it again. CSV responses are text (choices, orders and matches as
compact JSON, true/false for flashcards); JSON keeps their types. JSON is
`{"format": "quiz-results", "version": 1, "kind": "answers" | "summary", "rows":
[...]}`. Times are UTC ISO-8601 with milliseconds
(`2026-03-02T09:00:00.000Z`). A question the attempt asked but that was never
answered (an exam that ran out of time) has a row with an empty response, correct
false and 0 points: the store lists every question an attempt asks when it starts.
Attempts recorded before it did (study database schema 1) have rows for their
answers only; their `attempt_max_score` still counts the unanswered points.
`--summary` takes `passed` from the pass mark stored with the attempt, falling back
to the deck's (given by the caller) for those older attempts.

Item statistics (`item_statistics`) follow Moodle's quiz statistics report: see
"Quiz report statistics" (https://docs.moodle.org/dev/Quiz_report_statistics),
"Quiz statistics calculations" (https://docs.moodle.org/dev/Quiz_statistics_calculations)
and Moodle's `question/classes/statistics/questions/calculator.php`.

* Attempts analysed: by default each student's first attempt at a deck (Moodle's
  default: later attempts are not independent of the first); `all_attempts=True`
  counts every attempt as if by a different student. Attempts without a student
  name cannot be told apart and are all counted.
* For a question q, only the attempts that contain q are used (an attempt may ask
  a subset of the deck, so a missing question is "not asked", not "wrong"). A
  question asked but left unanswered has its row with 0 points, so it counts as
  wrong (except in schema-1 attempts, where it is missing: it then lowers the
  student's percent, through `attempt_max_score`, but not the question's facility).
  With x_i the points attempt i earned on q, m_i the points q was worth, and
  T_i the attempt's total points:
* Facility index F = sum(x_i) / sum(m_i): the mean score as a share of the
  maximum, i.e. the share answered right (0 = nobody, 1 = everybody). Moodle
  prints it as a percentage.
* Discrimination index D = 100 * r(x, T - x), Pearson's correlation of the item
  score with the score on the rest of the test (the total minus this item, so
  the item is not correlated with itself), as Moodle's `discriminationindex =
  100 * covariance / sqrt(markvariance * othermarkvariance)`. With right/wrong
  items this is the point-biserial correlation. When x or T - x has no variance
  (everybody right, one attempt) D is undefined and reported empty, like Moodle.
* Flags (this project's thresholds, the usual rules of thumb of item analysis):
  F < 0.2 "too hard", F > 0.9 "too easy"; D < 0 "misleading" (stronger students
  do worse on it: check the key), 0 <= D < 30 "weak".
"""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal

from quiz.core.interchange.csv_tsv import spreadsheet_cell
from quiz.core.storage import AttemptRecord, Store
from quiz.errors import QuizError

__all__ = [
    "ANSWER_COLUMNS",
    "ITEM_COLUMNS",
    "STUDENT_COLUMNS",
    "SUMMARY_COLUMNS",
    "AnswerRow",
    "AttemptScores",
    "ClassTable",
    "ItemStats",
    "ResultsFileError",
    "StudentTotal",
    "SummaryRow",
    "answer_rows",
    "class_table",
    "collect_attempts",
    "item_statistics",
    "read_answers",
    "summary_rows",
    "to_csv",
    "to_json",
]

FILE_FORMAT = "quiz-results"
FILE_VERSION = 1
Kind = Literal["answers", "summary", "class"]

ANSWER_COLUMNS = (
    "student",
    "deck_id",
    "deck_hash",
    "attempt_id",
    "mode",
    "started",
    "finished",
    "attempt_max_score",
    "question_id",
    "response",
    "correct",
    "points",
    "max_points",
    "time_ms",
)
SUMMARY_COLUMNS = (
    "student",
    "deck_id",
    "deck_hash",
    "attempt_id",
    "mode",
    "started",
    "finished",
    "duration_s",
    "answered",
    "score",
    "max_score",
    "percent",
    "passed",
)
STUDENT_COLUMNS = ("student", "deck_id", "attempts", "score", "max_score", "percent")
ITEM_COLUMNS = (
    "deck_id",
    "question_id",
    "attempts",
    "right",
    "facility",
    "discrimination",
    "flags",
)

TOO_HARD = 0.2
TOO_EASY = 0.9
WEAK = 30.0
"""Flag thresholds: facility below/above, discrimination index (percent) below."""


class ResultsFileError(QuizError):
    """A result file that cannot be read; `str()` is `FILE:LINE: error: MESSAGE`."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: error: {message}")


# --- rows -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One question asked in one attempt, answered or not; `student`, `deck_hash` may be ""."""

    student: str
    deck_id: str
    deck_hash: str
    attempt_id: int
    mode: Literal["quiz", "exam"]
    started: datetime
    finished: datetime | None
    attempt_max_score: float | None
    question_id: str
    response: object
    """The learner's response as JSON data: text, a bool, a list or a mapping."""
    correct: bool | None
    points: float
    max_points: float
    time_ms: int | None

    def record(self) -> dict[str, object]:
        """The row as JSON-able values, keyed by `ANSWER_COLUMNS`."""
        return {
            "student": self.student,
            "deck_id": self.deck_id,
            "deck_hash": self.deck_hash,
            "attempt_id": self.attempt_id,
            "mode": self.mode,
            "started": iso(self.started),
            "finished": None if self.finished is None else iso(self.finished),
            "attempt_max_score": self.attempt_max_score,
            "question_id": self.question_id,
            "response": self.response,
            "correct": self.correct,
            "points": self.points,
            "max_points": self.max_points,
            "time_ms": self.time_ms,
        }


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One attempt: its score, and whether it passed (None when the pass mark is unknown)."""

    student: str
    deck_id: str
    deck_hash: str
    attempt_id: int
    mode: Literal["quiz", "exam"]
    started: datetime
    finished: datetime | None
    answered: int
    score: float
    max_score: float
    passed: bool | None

    @property
    def percent(self) -> float | None:
        return 100.0 * self.score / self.max_score if self.max_score else None

    def record(self) -> dict[str, object]:
        """The row as JSON-able values, keyed by `SUMMARY_COLUMNS`."""
        duration = None if self.finished is None else (self.finished - self.started)
        percent = self.percent
        return {
            "student": self.student,
            "deck_id": self.deck_id,
            "deck_hash": self.deck_hash,
            "attempt_id": self.attempt_id,
            "mode": self.mode,
            "started": iso(self.started),
            "finished": None if self.finished is None else iso(self.finished),
            "duration_s": None if duration is None else round(duration.total_seconds(), 3),
            "answered": self.answered,
            "score": self.score,
            "max_score": self.max_score,
            "percent": None if percent is None else round(percent, 2),
            "passed": self.passed,
        }


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds and a `Z`: sortable, and the same in CSV and JSON."""
    text = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _attempts(store: Store, deck_id: str | None, student: str | None) -> list[AttemptRecord]:
    return [a for a in store.attempts(deck_id) if student is None or a.student == student]


def answer_rows(
    store: Store, *, deck_id: str | None = None, student: str | None = None
) -> list[AnswerRow]:
    """Every question asked in every attempt (of one deck, of one student), oldest first.

    Unanswered questions get a row with no response, correct false and 0 points.
    """
    rows = []
    for attempt in _attempts(store, deck_id, student):
        given = store.attempt_answers(attempt.id)
        answered = {answer.position for answer in given}
        results: list[tuple[int, str, object, bool | None, float, float, int | None]] = [
            (
                a.position,
                a.question_key,
                _decoded(a.response_json),
                a.correct,
                a.score,
                a.points,
                a.duration_ms,
            )
            for a in given
        ]
        results += [
            (q.position, q.question_key, None, False, 0.0, q.points, None)
            for q in store.attempt_questions(attempt.id)
            if q.position not in answered
        ]
        for _, question_id, response, correct, points, max_points, time_ms in sorted(
            results, key=lambda result: result[0]
        ):
            rows.append(
                AnswerRow(
                    student=attempt.student or "",
                    deck_id=attempt.deck_id,
                    deck_hash=attempt.deck_hash or "",
                    attempt_id=attempt.id,
                    mode=attempt.mode,
                    started=attempt.started_at,
                    finished=attempt.finished_at,
                    attempt_max_score=attempt.max_score,
                    question_id=question_id,
                    response=response,
                    correct=correct,
                    points=points,
                    max_points=max_points,
                    time_ms=time_ms,
                )
            )
    return rows


def _decoded(text: str | None) -> object:
    """The stored response as data; text that is not JSON (an older writer) stays text."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def summary_rows(
    store: Store,
    *,
    deck_id: str | None = None,
    student: str | None = None,
    pass_marks: Mapping[str, float] | None = None,
) -> list[SummaryRow]:
    """One row per attempt; `passed` by the attempt's stored pass mark, else by `pass_marks`
    (deck id -> percent, for attempts from before the store kept it).

    An unfinished attempt (abandoned, or still running) is scored by its answers so far.
    """
    marks = pass_marks or {}
    rows = []
    for attempt in _attempts(store, deck_id, student):
        answers = store.attempt_answers(attempt.id)
        score = attempt.score
        if score is None or attempt.finished_at is None:
            score = sum(answer.score for answer in answers)
        maximum = attempt.max_score
        if maximum is None:  # unfinished: what it asked, else (schema 1) what was answered
            asked = store.attempt_questions(attempt.id)
            maximum = sum(q.points for q in asked) if asked else sum(a.points for a in answers)
        mark = attempt.pass_mark if attempt.pass_mark is not None else marks.get(attempt.deck_id)
        percent = 100.0 * score / maximum if maximum else None
        rows.append(
            SummaryRow(
                student=attempt.student or "",
                deck_id=attempt.deck_id,
                deck_hash=attempt.deck_hash or "",
                attempt_id=attempt.id,
                mode=attempt.mode,
                started=attempt.started_at,
                finished=attempt.finished_at,
                answered=len(answers),
                score=float(score),
                max_score=float(maximum),
                passed=None if mark is None or percent is None else percent >= mark,
            )
        )
    return rows


# --- writing ------------------------------------------------------------------------------


def _text(value: object) -> str:
    """A value as CSV text: empty for None, true/false, integral floats without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return spreadsheet_cell(str(value))


def to_csv(columns: Sequence[str], records: Iterable[Mapping[str, object]]) -> str:
    """A CSV table (RFC 4180 line ends) with a header row; see `_text` for the cells."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_text(record[column]) for column in columns])
    return buffer.getvalue()


def to_json(kind: Literal["answers", "summary"], records: Sequence[Mapping[str, object]]) -> str:
    """A result file as JSON, one row per line (diffable; errors can name the line)."""
    head = json.dumps({"format": FILE_FORMAT, "version": FILE_VERSION, "kind": kind})[:-1]
    if not records:
        return f'{head}, "rows": []}}\n'
    body = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return f'{head}, "rows": [\n{body}\n]}}\n'


# --- reading ------------------------------------------------------------------------------


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


# --- merging and item statistics ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One question in one attempt: points earned, points possible, the checker's verdict."""

    points: float
    max_points: float
    correct: bool | None


@dataclass(frozen=True, slots=True)
class AttemptScores:
    """One attempt as the class table sees it: who, which deck, and each question's score."""

    student: str
    deck_id: str
    deck_hash: str
    attempt_id: int
    started: datetime
    finished: datetime | None
    max_score: float
    """The attempt's maximum (unanswered questions included) when known, else the answered ones'."""
    items: Mapping[str, ItemScore] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int, datetime]:
        """What makes an attempt the same one in two files: student, attempt id, start time."""
        return (self.student, self.attempt_id, self.started)

    @property
    def score(self) -> float:
        return sum(item.points for item in self.items.values())

    @property
    def percent(self) -> float | None:
        return 100.0 * self.score / self.max_score if self.max_score else None


def collect_attempts(files: Iterable[Sequence[AnswerRow]]) -> tuple[list[AttemptScores], int]:
    """Group each file's rows into attempts and drop attempts already seen in another file.

    A student may hand in the same attempt twice (two exports, one before the
    attempt was finished): the copy that is finished and has the most answers is
    kept, the first one on a tie. Returns the attempts (by deck, student, start)
    and how many duplicate copies were dropped.
    """
    kept: dict[tuple[str, int, datetime], AttemptScores] = {}
    duplicates = 0
    for rows in files:
        for attempt in _attempts_of(rows):
            known = kept.get(attempt.key)
            if known is None:
                kept[attempt.key] = attempt
                continue
            duplicates += 1
            if _completeness(attempt) > _completeness(known):
                kept[attempt.key] = attempt
    ordered = sorted(kept.values(), key=lambda a: (a.deck_id, a.student, a.started, a.attempt_id))
    return ordered, duplicates


def _completeness(attempt: AttemptScores) -> tuple[bool, int]:
    return (attempt.finished is not None, len(attempt.items))


def _attempts_of(rows: Sequence[AnswerRow]) -> list[AttemptScores]:
    grouped: dict[tuple[str, int, datetime], list[AnswerRow]] = {}
    for row in rows:
        grouped.setdefault((row.student, row.attempt_id, row.started), []).append(row)
    attempts = []
    for answers in grouped.values():
        first = answers[0]
        items = {a.question_id: ItemScore(a.points, a.max_points, a.correct) for a in answers}
        maximum = first.attempt_max_score
        if maximum is None:
            maximum = sum(item.max_points for item in items.values())
        attempts.append(
            AttemptScores(
                student=first.student,
                deck_id=first.deck_id,
                deck_hash=first.deck_hash,
                attempt_id=first.attempt_id,
                started=first.started,
                finished=first.finished,
                max_score=maximum,
                items=items,
            )
        )
    return attempts


@dataclass(frozen=True, slots=True)
class StudentTotal:
    """A student's result on one deck: how many attempts, and the best one's score."""

    student: str
    deck_id: str
    attempts: int
    score: float
    max_score: float
    percent: float | None

    def record(self) -> dict[str, object]:
        return {
            "student": self.student,
            "deck_id": self.deck_id,
            "attempts": self.attempts,
            "score": self.score,
            "max_score": self.max_score,
            "percent": None if self.percent is None else round(self.percent, 2),
        }


@dataclass(frozen=True, slots=True)
class ItemStats:
    """One question across the class: see the module docstring for the formulas and flags."""

    deck_id: str
    question_id: str
    attempts: int
    right: int
    facility: float | None
    discrimination: float | None
    """Moodle's discrimination index, in percent (-100..100); None when undefined."""
    flags: tuple[str, ...]

    def record(self) -> dict[str, object]:
        return {
            "deck_id": self.deck_id,
            "question_id": self.question_id,
            "attempts": self.attempts,
            "right": self.right,
            "facility": None if self.facility is None else round(self.facility, 4),
            "discrimination": None
            if self.discrimination is None
            else round(self.discrimination, 2),
            "flags": "; ".join(self.flags),
        }


@dataclass(frozen=True, slots=True)
class ClassTable:
    """The merged results: per-student totals, per-question statistics, and what went in."""

    students: list[StudentTotal]
    questions: list[ItemStats]
    attempts: int
    """Attempts in the files (after removing duplicates)."""
    analysed: int
    """Attempts the question statistics used (first per student unless all were asked for)."""
    duplicates: int

    def to_csv(self) -> str:
        """Two tables in one file, students then questions, separated by an empty line."""
        students = to_csv(STUDENT_COLUMNS, (s.record() for s in self.students))
        questions = to_csv(ITEM_COLUMNS, (q.record() for q in self.questions))
        return f"{students}\r\n{questions}"

    def to_json(self) -> str:
        document = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "kind": "class",
            "attempts": self.attempts,
            "analysed": self.analysed,
            "duplicates": self.duplicates,
            "students": [s.record() for s in self.students],
            "questions": [q.record() for q in self.questions],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def class_table(
    attempts: Sequence[AttemptScores], *, duplicates: int = 0, all_attempts: bool = False
) -> ClassTable:
    """Per-student totals (best attempt) and per-question statistics of merged attempts."""
    analysed = list(attempts) if all_attempts else first_attempts(attempts)
    return ClassTable(
        students=student_totals(attempts),
        questions=item_statistics(analysed),
        attempts=len(attempts),
        analysed=len(analysed),
        duplicates=duplicates,
    )


def first_attempts(attempts: Sequence[AttemptScores]) -> list[AttemptScores]:
    """Each named student's earliest attempt at each deck, and every anonymous attempt."""
    first: dict[tuple[str, str], AttemptScores] = {}
    anonymous = []
    for attempt in attempts:
        if not attempt.student:
            anonymous.append(attempt)
            continue
        key = (attempt.student, attempt.deck_id)
        known = first.get(key)
        if known is None or (attempt.started, attempt.attempt_id) < (
            known.started,
            known.attempt_id,
        ):
            first[key] = attempt
    return [*first.values(), *anonymous]


def student_totals(attempts: Sequence[AttemptScores]) -> list[StudentTotal]:
    """One row per student and deck with the best attempt (Moodle's "highest grade").

    Attempts without a name get a row each: nothing says they are one person's.
    """
    groups: dict[tuple[str, str, int], list[AttemptScores]] = {}
    for number, attempt in enumerate(attempts):
        key = (attempt.student, attempt.deck_id, 0 if attempt.student else number + 1)
        groups.setdefault(key, []).append(attempt)
    totals = []
    for (student, deck_id, _), group in groups.items():
        best = max(group, key=lambda a: (a.percent or 0.0, a.score))
        totals.append(
            StudentTotal(student, deck_id, len(group), best.score, best.max_score, best.percent)
        )
    return sorted(totals, key=lambda t: (t.deck_id, t.student))


def item_statistics(attempts: Sequence[AttemptScores]) -> list[ItemStats]:
    """Facility and discrimination of every question, over the attempts that contain it."""
    by_item: dict[tuple[str, str], list[tuple[ItemScore, float]]] = {}
    for attempt in attempts:
        total = attempt.score
        for question_id, item in attempt.items.items():
            by_item.setdefault((attempt.deck_id, question_id), []).append((item, total))
    stats = []
    for (deck_id, question_id), scores in sorted(by_item.items()):
        points = [item.points for item, _ in scores]
        rest = [total - item.points for item, total in scores]
        possible = sum(item.max_points for item, _ in scores)
        facility = sum(points) / possible if possible else None
        discrimination = discrimination_index(points, rest)
        stats.append(
            ItemStats(
                deck_id=deck_id,
                question_id=question_id,
                attempts=len(scores),
                right=sum(1 for item, _ in scores if item.correct),
                facility=facility,
                discrimination=discrimination,
                flags=item_flags(facility, discrimination),
            )
        )
    return stats


def discrimination_index(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 * Pearson's r of item scores with rest-of-test scores; None without variance.

    `statistics.correlation` raises on fewer than two pairs or a constant input;
    both mean the index is undefined, which Moodle shows as an empty cell.
    """
    if len(item) < 2 or len(set(item)) < 2 or len(set(rest)) < 2:
        return None
    return 100.0 * statistics.correlation(item, rest)


def item_flags(facility: float | None, discrimination: float | None) -> tuple[str, ...]:
    """Why a question deserves a second look (see the thresholds in the module docstring)."""
    flags = []
    if facility is not None and facility < TOO_HARD:
        flags.append("too hard")
    elif facility is not None and facility > TOO_EASY:
        flags.append("too easy")
    if discrimination is not None and discrimination < 0:
        flags.append("misleading")
    elif discrimination is not None and discrimination < WEAK:
        flags.append("weak")
    return tuple(flags)
