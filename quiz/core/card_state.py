"""A card's scheduling state: what the scheduler computes and the store keeps.

The fields mirror `fsrs.Card` (`state`, `step`, `stability`, `difficulty`, `due`,
`last_review`) plus `reps` and `lapses`, so `quiz.core.scheduling` converts field
by field. How a state is written to the database is `quiz.core.storage`'s concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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


class Flag(IntEnum):
    """A learner's coloured flag on a card (0: none), for finding it again or cramming it."""

    NONE = 0
    RED = 1
    ORANGE = 2
    GREEN = 3
    BLUE = 4
    PURPLE = 5


@dataclass(frozen=True, slots=True)
class CardMarks:
    """What the learner (or the leech rule) put on a card besides its schedule.

    Kept in the store, never in the deck file: a deck is the teacher's, these are the
    learner's. `buried_until` is the study day the card comes back; `leech` is set when
    the card lapsed `leech_threshold` times.
    """

    suspended: bool = False
    buried_until: date | None = None
    flag: Flag = Flag.NONE
    leech: bool = False

    def buried_on(self, day: date) -> bool:
        """Whether the card is still buried on study day `day`."""
        return self.buried_until is not None and day < self.buried_until
