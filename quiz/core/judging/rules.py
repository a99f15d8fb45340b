"""What a deck or question allows in a typed answer, and what each setting means.

Apart from the judge itself so that `quiz check` can explain the settings to teachers
without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Typos = Literal["lenient", "normal", "strict", "off"]

TYPO_LEVELS: tuple[tuple[float, Typos, str], ...] = (
    (100, "off", "100 forgives no typo (as exact = true)"),
    (90, "strict", "90-99 forgives one slip in words of 8 letters or more"),
    (80, "normal", "80-89 forgives one slip in words of 4-6 letters, two in longer words"),
    (0, "lenient", "below 80 forgives one more slip in words of 7 letters or more"),
)
"""`typo_threshold` (once a rapidfuzz similarity) read as how many slips are forgiven, from
the highest threshold down: its direction is kept, 100 still forgives nothing."""


def typos_for(threshold: float, *, exact: bool = False) -> Typos:
    """The typo rule of a question with this `typo_threshold` (and `exact`)."""
    if exact:
        return "off"
    return next(mode for floor, mode, _ in TYPO_LEVELS if threshold >= floor)


def typo_level_words(threshold: float) -> str:
    """What a `typo_threshold` now does, in a teacher's words."""
    return next(words for floor, _, words in TYPO_LEVELS if threshold >= floor)


@dataclass(frozen=True, slots=True)
class TextRules:
    """What a deck or question allows in a typed answer."""

    language: str = "en"
    fold_accents: bool = True
    """False: an answer right but for its accents is "accents" (score 0, shown as close)."""
    typos: Typos = "normal"
    """"off" (`exact = true`) forgives no slip; "strict" one slip in a word of 8+ letters;
    "lenient" one more than "normal" in words of 7+ letters."""
    context: str = ""
    """The question's own text: words of it that the learner repeats are not extra words."""
