"""A thin layer over the `fsrs` package: grades, card state and interval previews.

The algorithm itself is the reference implementation (`fsrs.Scheduler`); this
module only adapts it to the rest of quiz:

- `Grade` is the learner's answer (Again/Hard/Good/Easy), `grade_for` turns an
  auto-checked answer into one (wrong -> Again, right -> Good unless the learner
  picked Hard or Easy).
- `CardState` and `Phase` (`quiz.core.card_state`) are the immutable
  scheduling state of one card, field for field an `fsrs.Card` plus `reps` and
  `lapses`. A card never reviewed is `Phase.NEW`, which fsrs itself does not
  distinguish from its first learning step.
- `Scheduler.review` returns a new state and a `Review` record (state before and
  after) and never mutates; `Scheduler.preview` gives the interval each grade
  would give, for the answer buttons.
- `format_interval` prints an interval the way Anki labels its buttons.
- `to_review_logs` and `fit_parameters` feed the learner's own log to the
  optional `fsrs.Optimizer` (`quiz optimize`), which needs PyTorch.

All datetimes are timezone-aware; they are converted to UTC because fsrs
refuses anything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import IntEnum

import fsrs

from quiz.config import Settings
from quiz.core.card_state import CardState, Phase
from quiz.core.models import DeckMeta
from quiz.core.storage import ReviewRecord
from quiz.errors import QuizError


class Grade(IntEnum):
    """How well the learner recalled a card; values equal `fsrs.Rating`'s."""

    Again = 1
    Hard = 2
    Good = 3
    Easy = 4

    @property
    def rating(self) -> fsrs.Rating:
        """The fsrs rating with the same meaning."""
        return fsrs.Rating(int(self))


NEW_CARD = CardState()


@dataclass(frozen=True, slots=True)
class Review:
    """One answer as the review log stores it: grade, time and the state before and after."""

    grade: Grade
    reviewed_at: datetime
    duration_ms: int
    before: CardState
    after: CardState


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; naive datetimes are refused because their zone is a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware one")
    return moment.astimezone(timezone.utc)


def to_fsrs(state: CardState, now: datetime) -> fsrs.Card:
    """The fsrs card for a state; a new card is fsrs's learning step 0 due `now`."""
    if state.state is Phase.NEW:
        return fsrs.Card(card_id=0, state=fsrs.State.Learning, step=0, due=utc(now))
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(int(state.state)),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=utc(state.due or now),
        last_review=utc(state.last_review) if state.last_review else None,
    )


def from_fsrs(card: fsrs.Card, before: CardState, grade: Grade) -> CardState:
    """The state after fsrs reviewed `before` with `grade`; counts reps and lapses."""
    lapsed = before.state is Phase.REVIEW and grade is Grade.Again
    return CardState(
        state=Phase(int(card.state)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=before.reps + 1,
        lapses=before.lapses + int(lapsed),
    )


def grade_for(correct: bool, chosen: Grade | None = None) -> Grade:
    """The grade of an auto-checked answer: wrong is Again, right is Good, Hard or Easy.

    Raises:
        ValueError: a right answer graded Again, which would punish a correct reply.
    """
    if not correct:
        return Grade.Again
    if chosen is None:
        return Grade.Good
    if chosen is Grade.Again:
        raise ValueError("a right answer is graded Hard, Good or Easy, not Again")
    return chosen


class Scheduler:
    """FSRS scheduling with quiz's settings; build one per deck with `for_deck`.

    Two fsrs schedulers share the parameters: the real one (with fuzz when the
    settings ask for it) answers, and an unfuzzed twin computes the button
    previews, so the labels do not flicker. The interval actually given by
    `review` may therefore differ from the preview by the fuzz (a few percent,
    only for intervals of 3 days or more).
    """

    def __init__(
        self,
        *,
        desired_retention: float = 0.9,
        learning_steps: Sequence[int] = (1, 10),
        relearning_steps: Sequence[int] = (10,),
        maximum_interval: int = 36500,
        fuzz: bool = True,
        parameters: Sequence[float] | None = None,
    ) -> None:
        def make(fuzz: bool) -> fsrs.Scheduler:
            return fsrs.Scheduler(
                parameters=parameters or fsrs.scheduler.DEFAULT_PARAMETERS,
                desired_retention=desired_retention,
                learning_steps=[timedelta(minutes=m) for m in learning_steps],
                relearning_steps=[timedelta(minutes=m) for m in relearning_steps],
                maximum_interval=maximum_interval,
                enable_fuzzing=fuzz,
            )

        self._fsrs = make(fuzz)
        self._steady = make(False)

    @classmethod
    def for_deck(cls, settings: Settings, deck: DeckMeta | None = None) -> Scheduler:
        """A scheduler from the settings, with the deck's own desired retention if it has one."""
        return cls(
            desired_retention=settings.retention_for(deck),
            learning_steps=settings.learning_steps,
            relearning_steps=settings.relearning_steps,
            maximum_interval=settings.maximum_interval,
            fuzz=settings.fuzz,
            parameters=settings.parameters,
        )

    @property
    def desired_retention(self) -> float:
        return self._fsrs.desired_retention

    def review(
        self, state: CardState, grade: Grade, now: datetime, duration_ms: int = 0
    ) -> tuple[CardState, Review]:
        """Answer a card: the new state and the log record; `state` is left untouched."""
        now = utc(now)
        card, _ = self._fsrs.review_card(to_fsrs(state, now), grade.rating, now, duration_ms)
        after = from_fsrs(card, state, grade)
        return after, Review(grade, now, duration_ms, state, after)

    def preview(self, state: CardState, now: datetime) -> dict[Grade, timedelta]:
        """The interval each grade would give now, without fuzz (see the class docstring)."""
        now = utc(now)
        card = to_fsrs(state, now)
        return {
            grade: self._steady.review_card(card, grade.rating, now)[0].due - now for grade in Grade
        }

    def retrievability(self, state: CardState, now: datetime) -> float:
        """The predicted chance of recalling the card now; 0 for a new card."""
        if state.state is Phase.NEW:
            return 0.0
        return float(self._fsrs.get_card_retrievability(to_fsrs(state, now), utc(now)))


def format_interval(interval: timedelta) -> str:
    """A short label like Anki's buttons: "<1m", "10m", "1.5h", "4d", "3mo", "1.2y".

    Minutes and days are whole (fsrs schedules reviews in whole days); hours,
    months (30 days) and years (365 days) keep one decimal unless it is zero.
    """
    minutes = interval.total_seconds() / 60
    if minutes < 1:
        return "<1m"
    if minutes < 59.5:
        return f"{round(minutes)}m"
    days = minutes / 1440
    if days < 1:
        return _one_decimal(minutes / 60, "h")
    if days < 29.5:
        return f"{round(days)}d"
    if days < 365:
        return _one_decimal(days / 30, "mo")
    return _one_decimal(days / 365, "y")


def _one_decimal(amount: float, unit: str) -> str:
    return f"{amount:.1f}".removesuffix(".0") + unit


# --- fitting parameters to the learner's log -------------------------------------------------

OPTIMIZER_HINT = 'pip install "fsrs[optimizer]"  (brings PyTorch, about 1 GB)'
"""How to get the optional optimizer; shown when it is missing."""


class OptimizerMissing(QuizError):
    """The FSRS optimizer needs PyTorch and pandas, which quiz does not install by default."""


def optimizer_available() -> bool:
    """Whether `fit_parameters` can run here (PyTorch and pandas importable)."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("torch", "pandas"))


def to_review_logs(reviews: Iterable[ReviewRecord]) -> list[fsrs.ReviewLog]:
    """The store's review log as fsrs `ReviewLog`s: one integer card id per (deck, card key).

    Ids are numbered in order of first appearance, so the same log always gives
    the same ids; times stay aware UTC, durations in milliseconds.
    """
    ids: dict[tuple[str, str], int] = {}
    logs = []
    for review in reviews:
        card_id = ids.setdefault((review.deck_id, review.card_key), len(ids) + 1)
        logs.append(
            fsrs.ReviewLog(
                card_id=card_id,
                rating=fsrs.Rating(review.grade),
                review_datetime=utc(review.reviewed_at),
                review_duration=review.duration_ms,
            )
        )
    return logs


def fit_parameters(logs: Sequence[fsrs.ReviewLog]) -> list[float] | None:
    """FSRS weights fitted to `logs` with `fsrs.Optimizer`; None when there is too little data.

    The optimizer keeps the defaults unless it has enough reviews on different
    days (512 in fsrs 6); that case is reported as None rather than as a fit.

    Raises:
        OptimizerMissing: PyTorch or pandas is not installed.
    """
    if not optimizer_available():
        raise OptimizerMissing(OPTIMIZER_HINT)
    from fsrs.optimizer import Optimizer

    fitted = [float(w) for w in Optimizer(list(logs)).compute_optimal_parameters()]
    if fitted == [float(w) for w in fsrs.scheduler.DEFAULT_PARAMETERS]:
        return None
    return fitted
