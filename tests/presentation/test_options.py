"""`QuizOptions`: the time limit both front ends count down from."""

from __future__ import annotations

import pytest

from quiz.core.models import DeckMeta
from quiz.presentation.options import QuizOptions


@pytest.mark.parametrize(
    ("flag", "deck", "limit"),
    [(None, None, None), (None, 600, 600), (90, 600, 90), (90, None, 90)],
)
def test_time_limit_is_the_flags_else_the_decks(
    flag: int | None, deck: int | None, limit: int | None
) -> None:
    meta = DeckMeta(id="deck", title="Deck", time_limit=deck)
    assert QuizOptions(time_limit=flag).time_limit_for(meta) == limit
