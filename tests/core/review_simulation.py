"""A seeded learner reviewing a deck day after day with quiz's `Scheduler`, in memory.

Shared by the fast simulation tests (tests/core/test_balance_simulation.py) and the
bench (tests/bench/bench_balance.py), which runs it larger and over several seeds.

The learner studies once a day at 10:00 UTC (study days in UTC, starting 04:00),
introduces `new_per_day` new cards until the deck is all seen, and reviews every
card due that day (no review limit, so the workload shows undistorted). With an exam and
`catch_up_limit`, each session first brings the cards due after the exam into their window
as a review session does (`quiz.core.exam_prep.plan_exam_moves`, within that many reviews a
day). Whether a
card is recalled is drawn from its predicted retrievability: recalled cards are
graded Good (1 in 10 Hard, 1 in 10 Easy), forgotten ones Again. There are no
learning steps (a new card graded Good goes straight to review), so each card is
answered at most once a day. The load the scheduler balances by is a counter of
the cards due per study day, kept up to date as each card is rescheduled.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from quiz.core.card_state import CardState, Phase
from quiz.core.days import StudyDay, study_day
from quiz.core.exam_prep import plan_exam_moves
from quiz.core.scheduling import EVEN_WEEK, NEW_CARD, ExamGoal, Grade, Scheduler

START = date(2027, 1, 4)
"""A Monday, so the weekdays of the simulated days are easy to read."""
STUDY_HOUR = time(10, 0)
DAY_STARTS_AT = 4
FORECAST_DAYS = 30


def at(day: date) -> datetime:
    """The learner's study time on `day`."""
    return datetime.combine(day, STUDY_HOUR, tzinfo=timezone.utc)


def day_of(moment: datetime) -> date:
    return study_day(moment, DAY_STARTS_AT, timezone.utc).date


@dataclass
class CounterLoad:
    """The `DayLoad` of the simulation: cards due per study day, kept by the simulation."""

    due: Counter[date] = field(default_factory=Counter)

    def due_per_day(self, days: Sequence[StudyDay]) -> list[int]:
        return [self.due[day.date] for day in days]


@dataclass(frozen=True)
class Outcome:
    """What a simulated run gave."""

    daily_reviews: list[int]
    """Cards answered on each simulated day."""
    forecast: list[int]
    """Cards due on each of the `FORECAST_DAYS` days after the last simulated day."""
    recalled: int
    review_answers: int
    """Answers to cards in review (new cards excluded): the base of `retention`."""
    states: dict[int, CardState]
    end: date
    """The first day after the simulation."""
    exam_left: int = 0
    """Cards due after the exam that `catch_up_limit` left no room to bring before it (the
    most on any day)."""

    @property
    def retention(self) -> float:
        return self.recalled / self.review_answers if self.review_answers else 1.0

    @property
    def forecast_std(self) -> float:
        """The plain standard deviation of the forecast, its downward trend included."""
        return statistics.pstdev(self.forecast)

    @property
    def detrended_std(self) -> float:
        """The standard deviation of the forecast around its least-squares line: the day-to-day
        unevenness without the trend of young cards coming back sooner than old ones."""
        days = range(len(self.forecast))
        slope, intercept = statistics.linear_regression(days, self.forecast)
        return statistics.pstdev(
            [n - (intercept + slope * day) for day, n in zip(days, self.forecast, strict=True)]
        )

    @property
    def day_to_day(self) -> float:
        """How much one day's load differs from the next: the standard deviation of the
        changes over the forecast (the lumpiness balancing removes; the trend of young cards
        coming back sooner than old ones hardly counts)."""
        return statistics.pstdev([b - a for a, b in itertools.pairwise(self.forecast)])

    @property
    def weekend_share(self) -> float:
        """Cards due per Saturday and Sunday over the forecast, over those per weekday."""
        weekday = statistics.fmean(self.load_on(day) for day in range(5))
        return statistics.fmean(self.load_on(day) for day in (5, 6)) / weekday

    def load_on(self, weekday: int, days: Sequence[int] | None = None) -> float:
        """Mean cards due on one weekday (0 Monday) over the forecast."""
        counts = [
            count
            for offset, count in enumerate(self.forecast if days is None else days)
            if (self.end + timedelta(days=offset)).weekday() == weekday
        ]
        return statistics.fmean(counts)


def scheduler(
    *,
    balance: bool,
    load: CounterLoad,
    weekday_loads: Sequence[float] = EVEN_WEEK,
    exam: ExamGoal | None = None,
    fuzz: bool = True,
) -> Scheduler:
    return Scheduler(
        learning_steps=(),
        relearning_steps=(),
        fuzz=fuzz,
        day_starts_at=DAY_STARTS_AT,
        tz=timezone.utc,
        load=load if balance else None,
        weekday_loads=weekday_loads,
        exam=exam,
    )


def grade_for_recall(learner: random.Random, recall: float) -> Grade:
    if learner.random() >= recall:
        return Grade.Again
    roll = learner.random()
    return Grade.Hard if roll < 0.1 else Grade.Easy if roll > 0.9 else Grade.Good


def simulate(
    *,
    seed: int,
    cards: int,
    days: int,
    new_per_day: int,
    balance: bool,
    weekday_loads: Sequence[float] = EVEN_WEEK,
    exam: ExamGoal | None = None,
    start: date = START,
    states: dict[int, CardState] | None = None,
    catch_up_limit: int | None = None,
) -> Outcome:
    """Run the learner for `days` days from `start`; `states` starts from reviewed cards;
    `catch_up_limit`: bring cards due after the exam before it, within that many a day."""
    random.seed(seed)  # the scheduler's fuzz and balancing draws
    learner = random.Random(seed * 7919 + 1)
    load = CounterLoad()
    sched = scheduler(balance=balance, load=load, weekday_loads=weekday_loads, exam=exam)
    states = dict(states or {})
    due_on: dict[int, date] = {}
    """Each studied card's due study day, kept beside `states` (reading it from the due time
    for every card every day would be most of the run)."""
    for n, state in states.items():
        assert state.due is not None
        due_on[n] = day_of(state.due)
        load.due[due_on[n]] += 1
    unseen = [n for n in range(cards) if n not in states]
    daily: list[int] = []
    recalled = answered = left = 0
    for offset in range(days):
        today = start + timedelta(days=offset)
        now = at(today)
        fresh, unseen = unseen[:new_per_day], unseen[new_per_day:]
        if exam is not None and catch_up_limit is not None and today < exam.day:
            room = catch_up_limit - len(fresh)
            left = max(left, catch_up(sched, states, due_on, load, today, exam, room))
        due = [n for n, day in due_on.items() if day <= today]
        for n in [*due, *fresh]:
            before = states.get(n, NEW_CARD)
            if before.state is Phase.NEW:
                grade = Grade.Good
            else:
                load.due[due_on[n]] -= 1
                grade = grade_for_recall(learner, sched.retrievability(before, now))
                answered += 1
                recalled += grade is not Grade.Again
            after, _ = sched.review(before, grade, now)
            assert after.due is not None
            due_on[n] = day_of(after.due)
            load.due[due_on[n]] += 1
            states[n] = after
        daily.append(len(due) + len(fresh))
    end = start + timedelta(days=days)
    forecast = [load.due[end + timedelta(days=n)] for n in range(FORECAST_DAYS)]
    return Outcome(daily, forecast, recalled, answered, states, end, left)


def catch_up(
    sched: Scheduler,
    states: dict[int, CardState],
    due_on: dict[int, date],
    load: CounterLoad,
    today: date,
    exam: ExamGoal,
    limit: int,
) -> int:
    """What a review session does first for an exam deck (`bring_cards_forward`): move the
    cards due after the exam into their window, `limit` reviews a day at most (every card due
    is answered the day it is due here, so none is overdue); returns how many found no room."""
    later = [(str(n), states[n], None) for n, day in due_on.items() if day >= exam.day]
    if not later:
        return 0
    days = range((exam.day - today).days)
    room = [max(0, limit - load.due[today + timedelta(days=k)]) for k in days]
    moves, left = plan_exam_moves(later, sched, today, room)
    for move in moves:
        n = int(move.card_key)
        load.due[due_on[n]] -= 1
        states[n] = replace(states[n], due=move.due)
        due_on[n] = move.day
        load.due[move.day] += 1
    return left
