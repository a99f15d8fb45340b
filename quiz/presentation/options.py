"""`QuizOptions`: how a quiz is taken, as `quiz take` and the app's screens pass it on.

A dataclass and nothing heavy: the app's `Start` holds one from the first screen
on, so importing this module must not cost the library's start anything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuizOptions:
    """How a quiz picks and orders its questions (CLI flags `--shuffle --seed --count --tags`)."""

    shuffle: bool | None = None
    """None follows the deck's `shuffle` setting."""
    seed: int | None = None
    count: int | None = None
    tags: tuple[str, ...] = ()
    student: str | None = None
    """Recorded with the attempt (`quiz take --student`, one per browser tab of `quiz serve`)."""
    exam: bool = False
    """An exam (`--exam`): a name is required, no feedback until the end, no going back."""
    per_student: bool = False
    """An exam's default seed comes from the student's name and the deck id, not the id alone."""
    time_limit: int | None = None
    """Seconds for the whole attempt (`--time-limit`); None uses the deck's `time_limit`."""
    schedule: bool = False
    """Answers also move the cards' review schedule (`--schedule`)."""

    def seed_for(self, deck_id: str) -> int | None:
        """The seed to use: `seed` if given; an exam's default from `exam_seed`; else None
        (a quiz draws a random one)."""
        if self.seed is not None or not self.exam:
            return self.seed
        from quiz.core.study import exam_seed

        return exam_seed(deck_id, self.student if self.per_student else None)
