"""Load balancing: which day of a review's fuzz range gets the card, as in Anki 24.11.

Fuzz already lets a review land on any day of a small range (`fuzz_range`); picking
that day at random leaves the daily workload as lumpy as it was. The balancer
picks it by weight instead, Anki's weight (`select_weighted_interval` in Anki's
`load_balancer.rs`): fewer cards already due that day (`(share / cards) ** LOAD_EXPONENT`)
and a shorter interval (`interval ** -DISTANCE_EXPONENT`, else the later days of every
range would win and intervals would creep up); a day with no card due weighs 1 whatever
its distance, so empty days are filled first. `share` is the weekday's share of the load:
1 on an ordinary day, `easy_day_load` on an easy day, so an easy day ends up with about
that share of an ordinary day's cards (an empty easy day weighs `share ** LOAD_EXPONENT`;
Anki ignores easy days on empty days). The draw is weighted, not the heaviest day always,
so cards answered together still spread over the range. The counts include the cards
placed a moment ago, as Anki's do; unlike Anki, siblings are not kept apart.

The counts come from a `DayLoad`: the store's indexed per-day count in a session
(`StoreLoad`), a dictionary in the simulations. Nothing here knows fsrs or SQLite.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from quiz.core.days import StudyDay

if TYPE_CHECKING:
    from quiz.core.storage import Store

LOAD_EXPONENT = 2.15
"""Anki's: a day with twice the cards is about 4.4 times less likely."""
DISTANCE_EXPONENT = 3
"""Anki's: a bias to the early days of a range, against intervals creeping up."""
MAX_BALANCED_DAYS = 90
"""Past this interval the spread of one review hardly moves the workload (Anki's limit);
such reviews keep plain fuzz and spare the count."""
NO_LOAD_SHARE = 0.0001
"""The share an easy day of load 0 is weighted with: nearly never picked, yet a range made
only of such days still works."""


class DayLoad(Protocol):
    """How many cards are already due on each of some coming study days."""

    def due_per_day(self, days: Sequence[StudyDay]) -> list[int]:
        """One count per day of `days`, in their order."""
        ...


@dataclass(frozen=True, slots=True)
class StoreLoad:
    """A `DayLoad` read from the study database: cards due per day in `deck_ids` (None: every
    deck, the learner's whole workload)."""

    store: Store
    deck_ids: Sequence[str] | None = None

    def due_per_day(self, days: Sequence[StudyDay]) -> list[int]:
        return self.store.due_per_day(self.deck_ids, [(day.start, day.end) for day in days])


def day_weight(cards_due: int, interval_days: int, share: float) -> float:
    """How strongly the balancer favours a day: emptier, sooner, not an easy day."""
    share = max(share, NO_LOAD_SHARE)
    if cards_due <= 0:
        return float(share**LOAD_EXPONENT)
    load = (share / cards_due) ** LOAD_EXPONENT
    return float(load / max(interval_days, 1) ** DISTANCE_EXPONENT)


def pick_interval(
    intervals: Sequence[int],
    cards_due: Sequence[int],
    shares: Sequence[float],
    draw: float | None = None,
) -> int:
    """One of `intervals` (days), drawn by `day_weight` of the cards due and the weekday's
    share on each; `draw` in [0, 1) pins the draw (tests), else `random.random()` (seeded by
    `random.seed`, as fsrs's own fuzz is)."""
    if not intervals:
        raise ValueError("no interval to pick from")
    weights = [
        day_weight(count, days, share)
        for days, count, share in zip(intervals, cards_due, shares, strict=True)
    ]
    point = (random.random() if draw is None else draw) * sum(weights)
    for days, weight in zip(intervals, weights, strict=True):
        point -= weight
        if point < 0:
            return days
    return intervals[-1]
