"""A card's scheduling state: what the scheduler computes and the store keeps.

The fields mirror `fsrs.Card` (`state`, `step`, `stability`, `difficulty`, `due`,
`last_review`) plus `reps` and `lapses`, so `quiz.core.scheduling` converts field
by field. How a state is written to the database is `quiz.core.storage`'s concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class Phase(IntEnum):
    """Where a card is in its life; 1-3 are the values of `fsrs.State`.

    `NEW` (never reviewed, `due` is None) is quiz's own: fsrs does not tell a new
    card from one at its first learning step.
    """

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True, slots=True)
class CardState:
    """A card's scheduling state; fields mirror `fsrs.Card` so conversion is field by field."""

    state: Phase = Phase.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
