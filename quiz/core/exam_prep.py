"""How ready a deck is for its exam date: predicted recall on the day, and whether the goal
can be reached within the daily limits.

The scheduler already aims each review at the exam (`Scheduler.exam_window`); this
module forecasts where that leads. Each studied card is followed through the
reviews it would get if every one came on its due day and was answered Good (the
unfuzzed schedule, exam window included), up to the exam; its predicted recall is
then read on the exam day. Cards never studied count as 0: nothing is known of them
yet, and an exam would find them unlearnt. The goal is out of reach when

- the new cards cannot all be introduced before the exam at `new_per_day`;
- the reviews the plan needs (those of the studied cards, and about as many for each
  new card as a card started today gets) exceed `reviews_per_day` over the days left;
- some studied cards will still fall short: they are due after the exam (scheduled
  before the exam date was set) or their last possible review does not reach the goal.

Only the days matter, as for the scheduler: the exam is at the start of its study day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timezone, tzinfo
from typing import TYPE_CHECKING

from quiz.config import Settings
from quiz.core.card_state import CardState, Phase
from quiz.core.days import study_day
from quiz.core.models import DeckMeta
from quiz.core.scheduling import NEW_CARD, ExamGoal, Grade, Scheduler
from quiz.core.text import counted

if TYPE_CHECKING:
    from quiz.core.storage import Store

MAX_PLANNED_REVIEWS = 40
"""Reviews followed per card at most: a card still due daily after that many is assumed
reviewed on the eve of the exam."""


@dataclass(frozen=True, slots=True)
class ExamOutlook:
    """A deck's predicted readiness for its exam."""

    goal: ExamGoal
    days_left: int
    """Study days before the exam day (today included)."""
    predicted_recall: float
    """Mean predicted recall on the exam day over the deck's cards, new cards as 0."""
    cards: int
    new_cards: int
    reviews_needed: int
    """Reviews the plan needs before the exam (new cards' first answers included)."""
    short_cards: int
    """Studied cards whose predicted recall stays below the goal even if every review is done."""
    problems: tuple[str, ...]
    """Why the goal is out of reach; empty when it is reachable."""

    @property
    def reachable(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """ "Exam in 12 days: predicted recall 91%" (new cards counted as 0 are said)."""
        when = "today" if self.days_left == 0 else f"in {counted(self.days_left, 'day')}"
        text = f"Exam {when}: predicted recall {100 * self.predicted_recall:.0f}%"
        if self.new_cards:
            text += f" ({counted(self.new_cards, 'card')} not studied yet count as 0)"
        return text

    def warning(self) -> str | None:
        """One line when the goal is out of reach, with the reasons."""
        if self.reachable:
            return None
        goal = f"{100 * self.goal.retention:.0f}%"
        return f"The exam goal of {goal} is out of reach: " + "; ".join(self.problems)


def deck_exam_outlook(
    store: Store, deck: DeckMeta, settings: Settings, now: datetime, tz: tzinfo | None = None
) -> ExamOutlook | None:
    """The exam outlook of a deck as stored (the deck page and plain mode show it); None when
    the deck has no exam ahead. Reads the deck's studied cards (`Store.studied_states`)."""
    today = study_day(now, settings.day_starts_at, tz).date
    if deck.exam_date is None or deck.exam_date < today:
        return None
    states = store.studied_states(deck.id, on=today)
    new = store.count_new([deck.id], on=today)
    scheduler = Scheduler.for_deck(replace(settings, fuzz=False), deck, tz=tz)
    return exam_outlook([*states, *[NEW_CARD] * new], scheduler, settings, today)


def exam_outlook(
    states: Iterable[CardState],
    scheduler: Scheduler,
    settings: Settings,
    today: date,
) -> ExamOutlook | None:
    """The outlook of a deck whose scheduler has an exam (None without one, or once it passed).

    `states`: every card of the deck; `scheduler`: the deck's, without fuzz (the forecast
    follows the schedule as planned, not one draw of it); `today`: the current study day.
    """
    goal = scheduler.exam
    if goal is None or goal.day < today:
        return None
    if scheduler.fuzzed:
        raise ValueError("the outlook follows the unfuzzed schedule: pass a scheduler without fuzz")
    exam_time = datetime.combine(goal.day, time(0), tzinfo=timezone.utc)
    days_left = (goal.day - today).days
    start = datetime.combine(today, time(12), tzinfo=timezone.utc)
    recalls: list[float] = []
    new = reviews = short = 0
    for state in states:
        if state.state is Phase.NEW:
            new += 1
            recalls.append(0.0)
            continue
        final, count = _follow(scheduler, state, start, exam_time)
        recall = scheduler.retrievability(final, exam_time)
        recalls.append(recall)
        reviews += count
        short += recall < goal.retention
    per_new = _follow(scheduler, NEW_CARD, start, exam_time)[1] if new else 0
    reviews += new * per_new
    problems = _problems(settings, days_left, new, reviews, short)
    mean = math.fsum(recalls) / len(recalls) if recalls else 0.0
    return ExamOutlook(goal, days_left, mean, len(recalls), new, reviews, short, problems)


def _follow(
    planner: Scheduler, state: CardState, start: datetime, exam_time: datetime
) -> tuple[CardState, int]:
    """The card after every review it gets before the exam (each Good, on its due day or
    `start` if overdue), and how many study days had one."""
    days: set[date] = set()
    for _ in range(MAX_PLANNED_REVIEWS):
        when = start if state.due is None else max(state.due, start)
        if planner.day_time(when) >= exam_time:
            break
        days.add(planner.day_time(when).date())
        state, _ = planner.review(state, Grade.Good, when)
    return state, len(days)


def _problems(
    settings: Settings, days_left: int, new: int, reviews: int, short: int
) -> tuple[str, ...]:
    """The reasons the goal is out of reach, in the learner's words."""
    problems = []
    if new and new > settings.new_per_day * days_left:
        needed = math.ceil(new / settings.new_per_day) if settings.new_per_day else None
        takes = f"take {counted(needed, 'day')}" if needed else "never come (new_per_day = 0)"
        problems.append(
            f"{counted(new, 'new card')} at {settings.new_per_day} a day {takes},"
            f" {counted(days_left, 'day')} left"
        )
    allowed = settings.reviews_per_day * days_left
    if reviews > allowed:
        problems.append(
            f"about {reviews} reviews are needed in {counted(days_left, 'day')},"
            f" more than reviews_per_day ({settings.reviews_per_day}) allows"
        )
    if short:
        problems.append(
            f"{counted(short, 'card')} will fall short (due after the exam, or too close to it)"
        )
    return tuple(problems)
