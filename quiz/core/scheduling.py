"""A thin layer over the `fsrs` package: grades, card state and interval previews.

The algorithm itself is the reference implementation (`fsrs.Scheduler`); this
module only adapts it to the rest of quiz:

- `Grade` is the learner's answer (Again/Hard/Good/Easy), `grade_for` turns an
  auto-checked answer into one (wrong -> Again, right -> Good unless the learner
  picked another grade: the learner has the last word).
- `CardState` and `Phase` (`quiz.core.card_state`) are the immutable
  scheduling state of one card, field for field an `fsrs.Card` plus `reps` and
  `lapses`. A card never reviewed is `Phase.NEW`, which fsrs itself does not
  distinguish from its first learning step.
- `Scheduler.review` returns a new state and a `Review` record (state before and
  after) and never mutates; `Scheduler.preview` gives the interval each grade
  would give, and `preview_ranges` the range fuzz may spread it over, for the
  answer buttons.
- Time passes in study days, as in Anki: fsrs sees each review at the start of
  its study day (`day_starts_at` local time), so a card due at 19:27 and answered
  at 19:03 the next evening was reviewed one day after the last time, not 0 days
  (which fsrs would take for a same-day repeat). The interval fsrs gives is then
  added to the real time of the answer; learning steps keep their minutes.
- With a `DayLoad` (and fuzz on), a review's day within its fuzz range is picked
  by load (`quiz.core.balance`), lighter on easy days. With an `ExamGoal` (a deck's
  `exam_date`), a review whose interval would leave predicted recall on the exam
  day below the goal is brought forward to a day whose review still reaches it
  (`exam_window`). `valid_until` caps every interval after both. The buttons'
  ranges (`preview_ranges`) are the ranges these choices are made from.
- `format_interval` prints an interval the way Anki labels its buttons.
- `to_review_logs` and `fit_parameters` feed the learner's own log to the
  optional `fsrs.Optimizer` (`quiz optimize`), which needs PyTorch.

All datetimes are timezone-aware; they are converted to UTC because fsrs
refuses anything else.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import IntEnum
from typing import Any

import fsrs

from quiz.config import Settings
from quiz.core.balance import MAX_BALANCED_DAYS, DayLoad, pick_interval
from quiz.core.card_state import CardState, Phase
from quiz.core.days import StudyDay, day_bounds, study_day
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

EVEN_WEEK = (1.0,) * 7
"""Every weekday takes a full share of the load (no easy days)."""


@dataclass(frozen=True, slots=True)
class ExamGoal:
    """A deck's exam: predicted recall of each card on `day` should reach `retention`."""

    day: date
    retention: float

    @classmethod
    def of(cls, deck: DeckMeta | None) -> ExamGoal | None:
        """The goal a deck's `exam_date` and `exam_retention` set, if it has one."""
        if deck is None or deck.exam_date is None:
            return None
        return cls(deck.exam_date, deck.exam_target)


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


def fuzz_range(interval: timedelta, maximum_interval: int) -> tuple[timedelta, timedelta]:
    """The shortest and longest interval fsrs's fuzz may turn `interval` into.

    The bounds of `fsrs.Scheduler._get_fuzzed_interval` (whole days, +-5% to 15% by
    length, nothing below 3 days), whose draw `round(random() * (high - low + 1) + low)`
    can also land one day past `high`; tests/core/test_scheduling_days.py checks the
    fuzzed interval of a few hundred seeded reviews against them.
    """
    days = interval.days
    if days < FUZZ_FROM_DAYS:
        return interval, interval
    delta = 1.0
    for band in fsrs.scheduler.FUZZ_RANGES:
        delta += band["factor"] * max(min(float(days), band["end"]) - band["start"], 0.0)
    high = min(round(days + delta), maximum_interval)
    low = min(max(2, round(days - delta)), high)
    return timedelta(days=low), timedelta(days=min(high + 1, maximum_interval))


FUZZ_FROM_DAYS = 3
"""fsrs fuzzes intervals of 2.5 days or more, that is of 3 whole days or more."""


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
    """The grade of an auto-checked answer: the learner's `chosen` grade, else Good when
    right and Again when wrong.

    The learner has the last word on the checker's verdict: Again after a right answer
    means "I did not really know it", Hard/Good/Easy after a wrong one "I was right"
    (front ends offer that as an explicit overrule, see `overruled`).
    """
    if chosen is not None:
        return chosen
    return Grade.Good if correct else Grade.Again


def overruled(correct: bool | None, grade: Grade) -> bool:
    """Whether a grade says the opposite of the checker's verdict (`correct`; None for a
    flashcard, which has none): the learner overruled it."""
    return correct is not None and correct != (grade is not Grade.Again)


@functools.cache
def fsrs_version() -> str:
    """The installed fsrs package's version. A sync record names it: two devices recompute
    an offline conflict alike only with the same scheduler code (`sync.engine` says when
    they differ)."""
    from importlib.metadata import version  # ~10 ms: only when a sync needs it

    return version("fsrs")


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
        day_starts_at: int = 4,
        tz: tzinfo | None = None,
        load: DayLoad | None = None,
        weekday_loads: Sequence[float] = EVEN_WEEK,
        exam: ExamGoal | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """`load`: balance reviews by the cards due per day (with fuzz only, as fuzz makes
        the room); `weekday_loads`: each weekday's share, Monday first (easy days below 1);
        `exam`: the deck's exam goal; `rng`: draw the fuzzed day from this generator (the
        same seed, the same interval: replaying another device's answer, `from_record`)."""

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
        self._fuzz = fuzz
        self._rng = rng
        self._day_starts_at = day_starts_at
        self._tz = tz
        self._load = load if fuzz else None
        self._weekday_loads = tuple(weekday_loads)
        self.exam = exam

    @classmethod
    def for_deck(
        cls,
        settings: Settings,
        deck: DeckMeta | None = None,
        *,
        tz: tzinfo | None = None,
        load: DayLoad | None = None,
    ) -> Scheduler:
        """A scheduler from the settings, with the deck's own desired retention and exam.

        `tz` pins the zone of the study days (tests); None is the system's local zone.
        `load` balances the reviews when the settings ask for it (`load_balancing`).
        """
        return cls(
            desired_retention=settings.retention_for(deck),
            learning_steps=settings.learning_steps,
            relearning_steps=settings.relearning_steps,
            maximum_interval=settings.maximum_interval,
            fuzz=settings.fuzz,
            parameters=settings.parameters,
            day_starts_at=settings.day_starts_at,
            tz=tz,
            load=load if settings.load_balancing else None,
            weekday_loads=settings.weekday_loads,
            exam=ExamGoal.of(deck),
        )

    def record(self, now: datetime) -> dict[str, object]:
        """What an answer at `now` was scheduled with, for its sync event: another device
        that must recompute the answer (`from_record`) schedules it the same way. The zone
        is kept as its offset at `now`, which puts `now` in the same study day."""
        local = utc(now).astimezone(self._tz)  # tz None: the system's zone
        offset = local.utcoffset() or timedelta(0)
        return {
            "w": list(self._fsrs.parameters),
            "retention": self._fsrs.desired_retention,
            "steps": [int(step.total_seconds() // 60) for step in self._fsrs.learning_steps],
            "relearning": [int(s.total_seconds() // 60) for s in self._fsrs.relearning_steps],
            "max": self._fsrs.maximum_interval,
            "fuzz": self._fuzz,
            "day_starts_at": self._day_starts_at,
            "utc_offset_min": round(offset.total_seconds() / 60),
            "exam": None if self.exam is None else [self.exam.day.isoformat(), self.exam.retention],
            "fsrs": fsrs_version(),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any], seed: int) -> Scheduler:
        """The scheduler `record` describes, its fuzz drawn from `seed` (no load balancing:
        another device's load is not ours to know, and replay must not depend on it)."""
        exam = record.get("exam")
        return cls(
            desired_retention=float(record["retention"]),
            learning_steps=[int(m) for m in record["steps"]],
            relearning_steps=[int(m) for m in record["relearning"]],
            maximum_interval=int(record["max"]),
            fuzz=bool(record["fuzz"]),
            parameters=[float(w) for w in record["w"]],
            day_starts_at=int(record["day_starts_at"]),
            tz=timezone(timedelta(minutes=int(record["utc_offset_min"]))),
            exam=None if exam is None else ExamGoal(date.fromisoformat(exam[0]), float(exam[1])),
            rng=random.Random(seed),
        )

    def day_time(self, moment: datetime) -> datetime:
        """`moment` as fsrs counts time: midnight UTC of its study day's date, so that the
        days between two reviews are the study days between them, whatever the hour or DST."""
        label = study_day(utc(moment), self._day_starts_at, self._tz).date
        return datetime.combine(label, time(0), tzinfo=timezone.utc)

    def study_day(self, label: date) -> StudyDay:
        """The bounds of study day `label` in the scheduler's zone."""
        return day_bounds(label, self._day_starts_at, self._tz)

    def _in_days(self, state: CardState, now: datetime) -> fsrs.Card:
        """The fsrs card of `state` with its last review moved to its study day."""
        card = to_fsrs(state, self.day_time(now))
        if card.last_review is not None:
            card.last_review = self.day_time(card.last_review)
        return card

    @property
    def fuzzed(self) -> bool:
        """Whether review intervals are spread (fuzz, and balancing if a load was given)."""
        return self._fuzz

    @property
    def desired_retention(self) -> float:
        return self._fsrs.desired_retention

    def review(
        self,
        state: CardState,
        grade: Grade,
        now: datetime,
        duration_ms: int = 0,
        *,
        until: date | None = None,
    ) -> tuple[CardState, Review]:
        """Answer a card: the new state and the log record; `state` is left untouched.

        `until` is the last study day the card's question holds (`valid_until`): the card is
        never scheduled past it (see `_capped`)."""
        now = utc(now)
        day = self.day_time(now)
        before = self._in_days(state, now)
        if self._load is None and self.exam is None and self._rng is None:
            card, _ = self._fsrs.review_card(before, grade.rating, day, duration_ms)
            interval = self._capped(card.due - day, now, until)
        else:
            card, _ = self._steady.review_card(before, grade.rating, day, duration_ms)
            interval = self._chosen(card, card.due - day, now, until)
        card.due = self._within(now + interval, now, until)
        card.last_review = now
        after = from_fsrs(card, state, grade)
        return after, Review(grade, now, duration_ms, state, after)

    def _within(self, due: datetime, now: datetime, until: date | None) -> datetime:
        """`due`, moved back into study day `until` when whole days added across a change of
        clocks (DST) pushed it an hour into the next: a review at 03:00 local plus 36 days is
        04:00 local after clocks go forward, which is the next study day."""
        if until is None or study_day(utc(now), self._day_starts_at, self._tz).date >= until:
            return due
        return min(due, self.study_day(until).end - timedelta(microseconds=1))

    def _chosen(
        self, card: fsrs.Card, interval: timedelta, now: datetime, until: date | None
    ) -> timedelta:
        """The interval a review gets when balancing or an exam has a say: a day of
        `_day_range`, by load when balancing, at random when only fuzzing, else the unfuzzed
        interval moved into the range."""
        low, high = self._day_range(card, interval, now, until)
        if low == high or card.state is not fsrs.State.Review:
            return low
        if not self._fuzz:
            return min(max(interval, low), high)
        days = list(range(low.days, high.days + 1))
        if self._load is None or low.days > MAX_BALANCED_DAYS:
            return timedelta(days=(self._rng or random).choice(days))
        today = study_day(now, self._day_starts_at, self._tz).date
        labels = [today + timedelta(days=n) for n in days]
        due = self._load.due_per_day([self.study_day(label) for label in labels])
        shares = [self._weekday_loads[label.weekday()] for label in labels]
        return timedelta(days=pick_interval(days, due, shares))

    def _day_range(
        self, card: fsrs.Card, interval: timedelta, now: datetime, until: date | None
    ) -> tuple[timedelta, timedelta]:
        """The shortest and longest interval a review giving `card` (reviewed at its study
        day's start, `interval` unfuzzed) may get: the fuzz range, moved before the exam
        when the goal needs it (`exam_window`), capped by `until`."""
        if card.state is not fsrs.State.Review:
            return (self._capped(interval, now, until),) * 2
        low, high = interval, interval
        if self._fuzz:
            low, high = fuzz_range(interval, self._fsrs.maximum_interval)
        window = self.exam_window(card)
        if window is not None:
            first, last = window
            if low > last:  # the review would come after the exam: bring it forward
                low, high = first, last
            elif high >= first:  # the final review before the exam: one that reaches the goal
                low, high = max(low, first), min(high, last)
        return self._capped(low, now, until), self._capped(high, now, until)

    def exam_window(self, card: fsrs.Card) -> tuple[timedelta, timedelta] | None:
        """The intervals whose review (graded Good) leaves `card`'s predicted recall on the
        exam day at the goal, when it would fall short without one; None when no review is
        needed or none can be had (an exam today or tomorrow, or past).

        `card` was just reviewed: its `last_review` is the start of its study day (fsrs's
        time). The window ends the day before the exam and starts at the first day whose
        review reaches the goal; the later the review, the higher the recall on the exam
        day, so that day is found by bisection. If no day reaches it, the last day does
        the most a review can.
        """
        if self.exam is None or card.last_review is None:
            return None
        exam_time = datetime.combine(self.exam.day, time(0), tzinfo=timezone.utc)
        last = (exam_time - card.last_review).days - 1
        if last < 1 or self._recall_at(card, exam_time) >= self.exam.retention:
            return None
        first, high = last, last
        low = 1
        while low <= high:
            middle = (low + high) // 2
            reviewed, _ = self._steady.review_card(
                card, fsrs.Rating.Good, card.last_review + timedelta(days=middle)
            )
            if self._recall_at(reviewed, exam_time) >= self.exam.retention:
                first, high = middle, middle - 1
            else:
                low = middle + 1
        return timedelta(days=first), timedelta(days=last)

    def exam_review_days(self, state: CardState) -> tuple[date, date] | None:
        """The study days whose review (graded Good) brings a card in review to the exam goal,
        the first and the last (the eve of the exam), when its predicted recall on the exam
        day falls short without one: `exam_window` for a card as stored, whose next review
        may already have been scheduled past the exam. None as for `exam_window`."""
        if state.state is not Phase.REVIEW or state.last_review is None:
            return None
        card = self._in_days(state, state.last_review)
        window = self.exam_window(card)
        if window is None:
            return None
        assert card.last_review is not None
        reviewed = card.last_review.date()
        return reviewed + window[0], reviewed + window[1]

    def recall_holds_for(self, retention: float) -> float:
        """Days per day of stability that predicted recall stays at `retention` or above after
        a review: a card of stability S reaches it after S times this many days (fsrs's
        forgetting curve depends on days over stability only). Lets a query find the cards
        whose recall will have fallen below a goal by some day without computing each."""
        decay = -self._steady.parameters[20]
        factor = 0.9 ** (1 / decay) - 1
        return float((retention ** (1 / decay) - 1) / factor)

    def _recall_at(self, card: fsrs.Card, moment: datetime) -> float:
        return float(self._steady.get_card_retrievability(card, moment))

    def _capped(self, interval: timedelta, now: datetime, until: date | None) -> timedelta:
        """`interval`, shortened to land on study day `until` if it would land after it.

        On `until` itself nothing is shortened: the card goes stale the next day and is not
        shown again, and a due time of "now" would only show it again at once."""
        if until is None:
            return interval
        days_left = until - study_day(utc(now), self._day_starts_at, self._tz).date
        if days_left > timedelta(0) and interval > days_left:
            return days_left
        return interval

    def preview(
        self, state: CardState, now: datetime, *, until: date | None = None
    ) -> dict[Grade, timedelta]:
        """The interval each grade would give now, without fuzz (see the class docstring);
        moved into the exam's window when the exam needs it."""
        return {grade: interval for grade, (interval, _) in self._previews(state, now, until)}

    def preview_ranges(
        self, state: CardState, now: datetime, *, until: date | None = None
    ) -> dict[Grade, tuple[timedelta, timedelta]]:
        """The shortest and longest interval each grade may give now: with fuzz on, the
        review draws its interval from this range (balancing included), so the buttons can
        say so ("7-9d")."""
        if not self._fuzz:
            return {
                grade: (interval, interval)
                for grade, (interval, _) in self._previews(state, now, until)
            }
        return {grade: bounds for grade, (_, bounds) in self._previews(state, now, until)}

    def _previews(
        self, state: CardState, now: datetime, until: date | None
    ) -> list[tuple[Grade, tuple[timedelta, tuple[timedelta, timedelta]]]]:
        """Each grade's unfuzzed interval and its range, as `review` would choose them."""
        day = self.day_time(now)
        card = self._in_days(state, now)
        previews = []
        for grade in Grade:
            after = self._steady.review_card(card, grade.rating, day)[0]
            interval = after.due - day
            low, high = self._day_range(after, interval, now, until)
            previews.append((grade, (min(max(interval, low), high), (low, high))))
        return previews

    def retrievability(self, state: CardState, now: datetime) -> float:
        """The predicted chance of recalling the card now (in study days); 0 for a new card."""
        if state.state is Phase.NEW:
            return 0.0
        card = self._in_days(state, now)
        return float(self._fsrs.get_card_retrievability(card, self.day_time(now)))


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


def format_interval_range(low: timedelta, high: timedelta) -> str:
    """ "4d" for one interval, "7-9d" or "1.1-1.3mo" for a range, "25d-1mo" across units."""
    first, last = format_interval(low), format_interval(high)
    if first == last:
        return first
    unit = first.lstrip("0123456789.<")
    if last.lstrip("0123456789.<") == unit:
        return f"{first.removesuffix(unit)}-{last}"
    return f"{first}-{last}"


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
