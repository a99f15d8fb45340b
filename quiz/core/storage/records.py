"""The rows the store returns, as frozen records, and how a database row becomes one.

Each `*_COLUMNS` string is the SELECT list its `*_from_row` mapper reads, in order.
A row holding a value no quiz wrote (an invalid card state) becomes a `StoreError`
that points at `quiz doctor --repair`, never a half-built record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from quiz.core.card_state import CardMarks, CardState, Flag, Phase
from quiz.core.storage.encoding import checked_state, from_us, from_us_or_none, state_from_json
from quiz.errors import StoreError


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A row of `cards`: identity, deck position and scheduling state."""

    deck_id: str
    card_key: str
    question_key: str
    position: int
    state: CardState
    orphaned: bool
    created_at: datetime
    marks: CardMarks = field(default_factory=CardMarks)


@dataclass(frozen=True, slots=True)
class DeckRecord:
    """A row of `decks`: the last reconciliation of one deck id with its file."""

    id: str
    title: str
    path: str | None
    content_hash: str | None
    question_count: int
    card_count: int
    meta_json: str
    reconciled_at: datetime
    """Stored in the column `synced_at`: renaming a column would take a migration."""


@dataclass(frozen=True, slots=True)
class DeckFileRecord:
    """A row of the deck-file cache: what parsing `path` gave when it had this size and mtime."""

    path: str
    size: int
    mtime_ns: int
    content_hash: str | None
    deck_id: str | None
    title: str | None
    question_count: int
    card_count: int
    meta_json: str
    first_error: str | None
    """The first diagnostic (`FILE:LINE:COL: error: MSG`) when the deck does not load."""
    checked_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A row of the review log; the states are None only if `doctor` cleared unparsable text."""

    id: int
    deck_id: str
    card_key: str
    reviewed_at: datetime
    grade: int
    state_before: Phase
    response: str | None
    correct: bool | None
    duration_ms: int | None
    before: CardState | None
    after: CardState | None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """A row of `attempts`: one quiz or exam sitting; score fields are set when finished."""

    id: int
    deck_id: str
    deck_hash: str | None
    student: str | None
    mode: Literal["quiz", "exam"]
    seed: int | None
    started_at: datetime
    finished_at: datetime | None
    score: float | None
    max_score: float | None
    pass_mark: float | None = None
    """The deck's pass mark (percent) when the attempt began; None before schema 2."""


@dataclass(frozen=True, slots=True)
class AttemptQuestion:
    """A row of `attempt_questions`: one question an attempt asked, answered or not."""

    attempt_id: int
    position: int
    question_key: str
    points: float


@dataclass(frozen=True, slots=True)
class AttemptScore:
    """A finished attempt's score, and how much of its deck it covered."""

    percent: float
    answered: int
    deck_questions: int
    """The deck's question count as the store knows it (`decks.question_count`)."""

    @property
    def full(self) -> bool:
        """Every question of the deck answered: a retry of the missed ones, a `--count`
        run or a quiz ended early says less about the deck."""
        return self.answered >= self.deck_questions


@dataclass(frozen=True, slots=True)
class AttemptAnswer:
    """A row of `attempt_answers`: one answered question of an attempt."""

    attempt_id: int
    position: int
    question_key: str
    response_json: str | None
    correct: bool | None
    score: float
    points: float
    answered_at: datetime
    duration_ms: int | None
    overruled: bool = False
    """The learner turned the checker's verdict; `correct` and `score` are theirs."""
    checked_score: float | None = None
    """The checker's score when `overruled` (its verdict is the opposite of `correct`)."""
    original_score: float | None = None
    """The score first given, when a teacher regraded the answer (`regraded`)."""
    original_correct: bool | None = None
    regraded: str | None = None
    """How a teacher changed the verdict after the attempt: `key` (a corrected answer key)
    or `hand` (marked by hand); None when never."""


# --- rows to records ---------------------------------------------------------------------

DECK_COLUMNS = "id, title, path, content_hash, question_count, card_count, meta_json, synced_at"
DECK_FILE_COLUMNS = (
    "path, size, mtime_ns, content_hash, deck_id, title, question_count, card_count,"
    " meta_json, first_error, checked_at"
)
CARD_COLUMNS = (
    "deck_id, card_key, question_key, position, state, step, stability, difficulty, due,"
    " last_review, reps, lapses, orphaned, created_at, suspended, buried_until, flag, leech"
)
MARK_COLUMNS = "suspended, buried_until, flag, leech"
"""The columns of a card's `CardMarks`, in `marks_from_row`'s order."""
REVIEW_COLUMNS = (
    "id, deck_id, card_key, reviewed_at, grade, state_before, response, correct, duration_ms,"
    " state_before_json, state_after_json"
)
ATTEMPT_COLUMNS = (
    "id, deck_id, deck_hash, student, mode, seed, started_at, finished_at, score, max_score,"
    " pass_mark"
)
ANSWER_COLUMNS = (
    "attempt_id, position, question_key, response_json, correct, score, points, answered_at,"
    " duration_ms, overruled, checked_score, original_score, original_correct, regraded"
)


def deck_from_row(row: Any) -> DeckRecord:
    return DeckRecord(
        id=row[0],
        title=row[1],
        path=row[2],
        content_hash=row[3],
        question_count=row[4],
        card_count=row[5],
        meta_json=row[6],
        reconciled_at=from_us(row[7]),
    )


def deck_file_from_row(row: Any) -> DeckFileRecord:
    return DeckFileRecord(
        path=row[0],
        size=row[1],
        mtime_ns=row[2],
        content_hash=row[3],
        deck_id=row[4],
        title=row[5],
        question_count=row[6],
        card_count=row[7],
        meta_json=row[8],
        first_error=row[9],
        checked_at=from_us(row[10]),
    )


def card_from_row(row: Any) -> CardRecord:
    """A card row as a record; a row no quiz wrote is a `StoreError` pointing at `doctor`."""
    try:
        return CardRecord(
            deck_id=row[0],
            card_key=row[1],
            question_key=row[2],
            position=row[3],
            state=checked_state(*row[4:12]),
            orphaned=bool(row[12]),
            created_at=from_us(row[13]),
            marks=marks_from_row(row[14:18]),
        )
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise invalid_state(f"card {row[0]}/{row[1]}", error) from error


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
"""How a study day is stored (`date.fromisoformat` alone would also take `20260303`)."""


def marks_from_row(row: Sequence[Any]) -> CardMarks:
    """The marks in a row of `MARK_COLUMNS` (raises ValueError on values quiz never wrote)."""
    suspended, buried_until, flag, leech = row
    for name, value in (("suspended", suspended), ("leech", leech)):
        if value not in (0, 1) or isinstance(value, (bool, float)):
            raise ValueError(f"{name} must be 0 or 1, not {value!r}")
    if not isinstance(flag, int) or isinstance(flag, bool):
        raise ValueError(f"flag must be an integer, not {flag!r}")
    if buried_until is not None and not (
        isinstance(buried_until, str) and _ISO_DAY.fullmatch(buried_until)
    ):
        raise ValueError(f"buried_until must be a YYYY-MM-DD date, not {buried_until!r}")
    return CardMarks(
        suspended=bool(suspended),
        buried_until=None if buried_until is None else date.fromisoformat(buried_until),
        flag=Flag(flag),
        leech=bool(leech),
    )


def state_from_row(deck_id: str, card_key: str, row: Sequence[Any]) -> CardState:
    """The state in a row of `STATE_COLUMNS`; an invalid one is a `StoreError`, like a card's."""
    try:
        return checked_state(*row)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise invalid_state(f"card {deck_id}/{card_key}", error) from error


def invalid_state(what: str, error: Exception) -> StoreError:
    """The error for a stored state that does not parse: `doctor` can repair it."""
    return StoreError(f"{what} has an invalid saved state ({error}); run: quiz doctor --repair")


def _optional_state(text: str | None) -> CardState | None:
    return None if text is None else state_from_json(text)


def review_from_row(row: Any) -> ReviewRecord:
    try:
        return ReviewRecord(
            id=row[0],
            deck_id=row[1],
            card_key=row[2],
            reviewed_at=from_us(row[3]),
            grade=row[4],
            state_before=Phase(row[5]),
            response=row[6],
            correct=None if row[7] is None else bool(row[7]),
            duration_ms=row[8],
            before=_optional_state(row[9]),
            after=_optional_state(row[10]),
        )
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise invalid_state(f"review {row[0]}", error) from error


def attempt_from_row(row: Any) -> AttemptRecord:
    return AttemptRecord(
        id=row[0],
        deck_id=row[1],
        deck_hash=row[2],
        student=row[3],
        mode=row[4],
        seed=row[5],
        started_at=from_us(row[6]),
        finished_at=from_us_or_none(row[7]),
        score=row[8],
        max_score=row[9],
        pass_mark=row[10],
    )


def answer_from_row(row: Any) -> AttemptAnswer:
    return AttemptAnswer(
        attempt_id=row[0],
        position=row[1],
        question_key=row[2],
        response_json=row[3],
        correct=None if row[4] is None else bool(row[4]),
        score=row[5],
        points=row[6],
        answered_at=from_us(row[7]),
        duration_ms=row[8],
        overruled=bool(row[9]),
        checked_score=row[10],
        original_score=row[11],
        original_correct=None if row[12] is None else bool(row[12]),
        regraded=row[13],
    )
