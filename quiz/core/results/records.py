"""The rows of a result file, shared by the writer, the reader and the class table.

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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

FILE_FORMAT = "quiz-results"
FILE_VERSION = 1

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
OVERRULE_COLUMNS = ("overruled", "checked_points")
"""Written after `ANSWER_COLUMNS` since the learner may overrule a verdict: `overruled` is
true when the points are the learner's call, `checked_points` then the checker's. Files
written before have neither and read back as not overruled."""
REGRADE_COLUMNS = ("original_points", "original_correct", "regraded")
"""Written last since a teacher may regrade (`quiz results regrade`): the first verdict's
points and correctness beside the new ones, and how it changed (`key`: a corrected answer
key; `hand`: marked by hand). Empty for an answer never regraded, and in older files."""
ANSWER_FILE_COLUMNS = (*ANSWER_COLUMNS, *OVERRULE_COLUMNS, *REGRADE_COLUMNS)
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
ANSWER_STATS_COLUMNS = ("deck_id", "question_id", "answer", "times", "share", "right")
ITEM_COLUMNS = (
    "deck_id",
    "question_id",
    "attempts",
    "right",
    "facility",
    "discrimination",
    "flags",
)


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
    overruled: bool = False
    """The learner overruled the checker's verdict ("I was right" / "I was wrong")."""
    checked_points: float | None = None
    """The checker's points when `overruled`."""
    original_points: float | None = None
    """The points first given, when a teacher regraded the answer (`regraded`)."""
    original_correct: bool | None = None
    regraded: str | None = None
    """`key` (re-checked against a corrected answer key), `hand` (marked by hand) or None."""

    def record(self) -> dict[str, object]:
        """The row as JSON-able values, keyed by `ANSWER_FILE_COLUMNS`."""
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
            "overruled": self.overruled,
            "checked_points": self.checked_points,
            "original_points": self.original_points,
            "original_correct": self.original_correct,
            "regraded": self.regraded,
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
