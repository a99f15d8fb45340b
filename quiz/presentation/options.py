"""`QuizOptions`: how a quiz is taken, and the one way both front ends start its session.

Nothing heavy at import: the app's `Start` holds options from the first screen
on, so this module must not cost the library's start anything (the session's
modules are imported when one starts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.config import Settings
    from quiz.core.days import Clock
    from quiz.core.library import LoadedDeck
    from quiz.core.models import DeckMeta, Question
    from quiz.core.outline import DeckOutline
    from quiz.core.storage import Store
    from quiz.core.study import QuizSession


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

    def time_limit_for(self, deck: DeckMeta | DeckOutline) -> int | None:
        """Seconds allowed: `--time-limit` if given, else the deck's `time_limit`, else None."""
        return self.time_limit if self.time_limit is not None else deck.time_limit


def start_quiz_session(
    store: Store,
    loaded: LoadedDeck,
    options: QuizOptions,
    *,
    settings: Settings | None,
    now: Clock,
    questions: Sequence[Question] | None = None,
) -> QuizSession:
    """Start the attempt `options` ask for on `loaded` (plain mode and the quiz screen both
    start theirs here); `questions` asks exactly these (a retry) instead of a fresh draw."""
    from quiz.core.study import QuizSession

    deck = loaded.deck
    return QuizSession(
        store,
        deck,
        student=options.student,
        mode="exam" if options.exam else "quiz",
        seed=options.seed_for(deck.deck.id),
        count=options.count,
        tags=options.tags,
        shuffle=options.shuffle,
        questions=questions,
        schedule=options.schedule,
        settings=settings,
        now=now,
        path=str(loaded.path),
        content_hash=loaded.content_hash,
    )
