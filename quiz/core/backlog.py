"""Spreading a backlog after a break: overdue reviews over the next days, at-risk cards first.

After a week away, hundreds of reviews are due at once. Doing them all today is a
wall; leaving them to the daily limit serves them most overdue first, which is not
the order that saves the most memories. `plan_backlog` spreads the cards due by the
end of today over `days` study days (today first), evenly, the cards least likely
still remembered (lowest retrievability) first and those most likely still
remembered last: they lose the least by waiting. The plan is pure; applying it (one
undoable action, `Store.set_dues`) is the `quiz spread` command's business.

A card planned for a later day is made due at the start of that study day, so it
shows whenever the learner studies that day; cards planned for today keep their due
time. Learning and relearning cards are not moved: their steps are minutes apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from quiz.core.card_state import CardState, Phase
from quiz.core.scheduling import Scheduler

CardRef = tuple[str, str]
"""A card: (deck id, card key)."""


@dataclass(frozen=True, slots=True)
class BacklogMove:
    """Where the plan puts one overdue card: the study `day` and the `due` time that gives."""

    card: CardRef
    retrievability: float
    """Predicted recall now: the lower, the sooner the card is planned."""
    day: date
    due: datetime
    moved: bool
    """Whether the due time changes (cards planned for today keep theirs)."""


def plan_backlog(
    cards: Sequence[tuple[CardRef, CardState]],
    scheduler: Scheduler,
    now: datetime,
    days: int,
) -> list[BacklogMove]:
    """Plan `cards` (review cards due by the end of today) over `days` study days from today.

    Each day gets the same number of cards, give or take one (the earlier days take the
    extra ones), lowest retrievability first; ties keep the given order. Cards not in
    review are left out of the plan. The scheduler's zone decides the study days.
    """
    if days < 1:
        raise ValueError(f"days must be 1 or more, not {days}")
    today = scheduler.day_time(now).date()
    reviews = [(ref, state) for ref, state in cards if state.state is Phase.REVIEW]
    recalls = [scheduler.retrievability(state, now) for _, state in reviews]
    order = sorted(range(len(reviews)), key=lambda index: recalls[index])
    share, extra = divmod(len(order), days)
    moves: list[BacklogMove] = []
    for offset in range(days):
        label = today + timedelta(days=offset)
        start = scheduler.study_day(label).start
        taken, order = order[: share + (offset < extra)], order[share + (offset < extra) :]
        for index in taken:
            ref, state = reviews[index]
            assert state.due is not None
            due = state.due if offset == 0 else start
            moves.append(BacklogMove(ref, recalls[index], label, due, offset > 0))
    return moves
