"""`quiz take --schedule` in the full-screen app: a quiz answer also reviews the card."""

from __future__ import annotations

from ui_support import NEWS_DECK, AppFactory, answer_keys

from quiz.core.library import load
from quiz.core.storage import Store
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui.app import Start
from quiz.ui.screens.quiz import QuizScreen

NEWS_ID = "belarus-prisoner-release-2025"


async def test_scheduled_quiz_moves_the_card_and_a_plain_one_does_not(
    build_app: AppFactory, store: Store
) -> None:
    loaded = load(NEWS_DECK)
    for schedule in (False, True):
        options = QuizOptions(seed=1, count=1, shuffle=False, schedule=schedule)
        app = build_app(Start(at="quiz", loaded=loaded, quiz=options))
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, QuizScreen) and screen.session is not None
            question = screen.question
            order = presented_order(question, loaded.deck.deck, screen.session.seed)
            await pilot.press(*answer_keys(question, order))
            await pilot.pause()
            assert screen.answered == 1
        state = store.card_state(NEWS_ID, str(question.id))
        assert state is not None
        assert state.reps == (1 if schedule else 0), schedule
