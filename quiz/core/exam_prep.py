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
  before the exam date was set, and no room was left to bring them before it) or their last
  possible review does not reach the goal.

Cards scheduled past the exam before its date was set (or moved earlier) would never meet
the scheduler's exam window: their next review comes too late. `bring_cards_forward`, which
a review session runs as it starts, moves them into their window (`exam_review_days`) as
one undoable card action (`Store.set_dues`), within `reviews_per_day` on each day and never
past the question's `valid_until`; those the limits leave no room for stay where they are
and are said (`ExamCatchUp.notice`), as the outlook's short cards.

Only the days matter, as for the scheduler: the exam is at the start of its study day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
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
MAX_BROUGHT_FORWARD = 1000
"""Cards `bring_cards_forward` plans at most per session start: 0.4 s for 1,000 (the window
of each found by bisection, then one action); more wait for the next session."""
MAX_EXAM_DAYS = 366
"""Days before an exam whose room `bring_cards_forward` reads at most (a window is at most
this long; a card whose window opens later waits for a later session)."""


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
    catch_up: ExamCatchUp | None = None
    """What the session bringing cards before the exam did as it started, to be said."""

    @property
    def reachable(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """ "Exam in 12 days: predicted recall 91%" (new cards counted as 0 are said)."""
        when = "today" if self.days_left == 0 else f"in {counted(self.days_left, 'day')}"
        text = f"Exam {when}: predicted recall {100 * self.predicted_recall:.0f}%"
        if self.new_cards:
            text += f" ({counted(self.new_cards, 'card')} not studied yet count as 0)"
        notice = None if self.catch_up is None else self.catch_up.notice()
        return text if notice is None else f"{text}; {notice}"

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
    exam_start = scheduler.study_day(goal.day).start  # in the learner's zone, not UTC's
    days_left = (goal.day - today).days
    start = scheduler.study_day(today).start
    recalls: list[float] = []
    new = reviews = short = 0
    for state in states:
        if state.state is Phase.NEW:
            new += 1
            recalls.append(0.0)
            continue
        final, count = _follow(scheduler, state, start, exam_time)
        recall = scheduler.retrievability(final, exam_start)
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


# --- cards scheduled past the exam -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExamMove:
    """Where a card due after the exam goes: study `day`, due at its start."""

    card_key: str
    day: date
    due: datetime


@dataclass(frozen=True, slots=True)
class ExamCatchUp:
    """What `bring_cards_forward` did as a session started."""

    moved: int
    batch: int | None
    """The card action that moved them (`quiz spread --undo BATCH`)."""
    full: bool
    """`reviews_per_day` left no room for some cards due after the exam: they stay there and
    fall short (the outlook counts them)."""

    def notice(self) -> str | None:
        """One line for the learner; None when nothing was moved or left."""
        parts = []
        if self.moved:
            undo = "" if self.batch is None else f" (undo: quiz spread --undo {self.batch})"
            verb = "was" if self.moved == 1 else "were"
            parts.append(
                f"{counted(self.moved, 'card')} due after the exam {verb} brought before it{undo}"
            )
        if self.full:
            more = "more cards" if self.moved else "the cards"
            parts.append(f"reviews_per_day leaves no room before the exam for {more} due after it")
        return "; ".join(parts) or None


def plan_exam_moves(
    cards: Sequence[tuple[str, CardState, date | None]],
    scheduler: Scheduler,
    today: date,
    room: Sequence[int],
) -> tuple[list[ExamMove], int]:
    """Where to move each card whose predicted recall on the exam day falls short and whose
    next review comes too late for it, and how many find no room.

    `cards`: (card key, state, the question's `valid_until`); `room`: the reviews still
    allowed on each day from `today` on (index 0 is today). A card goes to a day of its window
    (`Scheduler.exam_review_days`: from the first day whose review reaches the goal to the
    eve of the exam), no earlier than today and no later than its `valid_until` (if that comes
    before the window, to `valid_until`: the most a review can do). Of those days it takes
    the one with the most room left, the later on a tie (a later review is fresher on the
    day); the least flexible cards choose first. Deterministic: no draw.
    """
    goal = scheduler.exam
    if goal is None or goal.day <= today:
        return [], 0
    exam_start = scheduler.study_day(goal.day).start
    spans: list[tuple[int, int, float, str]] = []
    for key, state, until in cards:
        if state.due is None or scheduler.day_time(state.due).date() < goal.day:
            continue  # its next review comes before the exam, which plans it
        recall = scheduler.retrievability(state, exam_start)
        window = scheduler.exam_review_days(state) if recall < goal.retention else None
        if window is None:
            continue
        latest = window[1] if until is None else min(window[1], until)
        if latest < today:
            continue  # stale before it could be reviewed: not shown again
        earliest = min(max(window[0], today), latest)
        spans.append(((earliest - today).days, (latest - today).days, recall, key))
    spans.sort(key=lambda span: (span[1] - span[0], span[1], span[2], span[3]))
    free = list(room)
    moves: list[ExamMove] = []
    left = 0
    for first, last, _, key in spans:
        if first >= len(free):
            continue  # its window opens past the days read: a later session moves it
        offsets = [n for n in range(first, min(last, len(free) - 1) + 1) if free[n] > 0]
        if not offsets:
            left += 1
            continue
        chosen = max(offsets, key=lambda n: (free[n], n))
        free[chosen] -= 1
        day = today + timedelta(days=chosen)
        moves.append(ExamMove(key, day, scheduler.study_day(day).start))
    return moves, left


def bring_cards_forward(
    store: Store, deck: DeckMeta, settings: Settings, now: datetime, tz: tzinfo | None = None
) -> ExamCatchUp | None:
    """Move the deck's cards due after its exam, whose recall would fall short, into their
    window, as one undoable card action (see the module docstring); None when the deck has no
    exam ahead or no such card.

    Cheap when there is none, the usual case once done: one indexed query that stops at the
    first card due after the exam whose recall has faded below the goal by then. Otherwise
    the room left under `reviews_per_day` on each day before the exam is read (today's queue,
    a count per later day), and no more such cards than that room holds (nor than
    `MAX_BROUGHT_FORWARD`), soonest due first.
    """
    from quiz.core.queue import todays_queue

    today = study_day(now, settings.day_starts_at, tz)
    if deck.exam_date is None or deck.exam_date <= today.date:
        return None
    scheduler = Scheduler.for_deck(replace(settings, fuzz=False), deck, tz=tz)
    goal = ExamGoal(deck.exam_date, deck.exam_target)
    exam_start = scheduler.study_day(goal.day).start

    def fading(limit: int) -> list[tuple[str, CardState, date | None]]:
        return store.reviews_fading_by(
            deck.id,
            due_from=exam_start,
            at=exam_start,
            holds_for=scheduler.recall_holds_for(goal.retention),
            on=today.date,
            limit=limit,
        )

    if not fading(1):
        return None
    days = [
        scheduler.study_day(today.date + timedelta(days=n))
        for n in range(1, min((goal.day - today.date).days, MAX_EXAM_DAYS))
    ]
    later = store.due_per_day([deck.id], [(day.start, day.end) for day in days])
    room = [
        todays_queue(store, deck.id, settings, today).review_room,
        *(max(0, settings.reviews_per_day - count) for count in later),
    ]
    cards = fading(min(sum(room) + 1, MAX_BROUGHT_FORWARD))  # one more: is the room enough?
    moves, left = plan_exam_moves(cards, scheduler, today.date, room)
    if not moves and not left:
        return None  # only cards whose recall holds after all
    result = (
        store.set_dues({(deck.id, move.card_key): move.due for move in moves}, now=now)
        if moves
        else None
    )
    return ExamCatchUp(
        moved=0 if result is None else result.changed,
        batch=None if result is None else result.batch,
        full=left > 0,
    )
