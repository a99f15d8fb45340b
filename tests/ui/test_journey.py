"""The README's path for a new user, by keyboard: library, deck, quiz, review, next day, stats."""

from __future__ import annotations

from textual.widgets import Label, Static
from ui_support import AppFactory, Clock, answer_keys

from quiz.config import Settings
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui.app import Start
from quiz.ui.screens.deck import DeckScreen
from quiz.ui.screens.library import LibraryScreen
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.review import ReviewScreen
from quiz.ui.screens.stats import StatsScreen
from quiz.ui.screens.summary import SummaryScreen


async def answer_current_review_card(pilot: object, screen: ReviewScreen, grade: str) -> None:
    card = screen.card
    assert card is not None
    if card.question.kind == "flashcard":
        keys = ["space"]
    else:
        order = presented_order(card.question, screen.loaded.deck.deck, screen.seed)
        keys = answer_keys(card.question, order)
    await pilot.press(*keys, grade)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_library_quiz_review_next_day_stats(
    build_app: AppFactory, settings: Settings, clock: Clock
) -> None:
    settings.new_per_day = 2
    start = Start(quiz=QuizOptions(seed=5, count=3))  # the library, with short quizzes
    app = build_app(start)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        await pilot.press("slash", *"belarus", "enter", "enter")  # / filters, Enter keeps it, opens
        deck_page = app.screen
        assert isinstance(deck_page, DeckScreen)

        await pilot.press("t")  # take a quiz: three questions, all right
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and quiz.session is not None
        for question in list(quiz.session.questions):
            order = presented_order(question, quiz.loaded.deck.deck, quiz.session.seed)
            await pilot.press(*answer_keys(question, order), "enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.percent == 100
        await pilot.press("q")
        assert app.screen is deck_page
        assert "Recent quizzes: 100%" in str(deck_page.query_one("#deck-scores", Static).render())

        await pilot.press("r")  # review today's two new cards: Good, so they come back soon
        review = app.screen
        assert isinstance(review, ReviewScreen)
        for _ in range(2):
            await answer_current_review_card(pilot, review, "3")
        await pilot.press("escape", "escape")  # a learning card is back: Escape, as q is typed
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is library

    clock.advance(days=1)  # the next day, a new start of the app
    app = build_app(start)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        news = next(e for e in library.entries if e.deck_id == "belarus-prisoner-release-2025")
        assert (news.new, news.due) == (2, 2), "yesterday's cards are due, two new ones wait"
        assert news.last_percent is None, "a 3-question quiz is not a full one: no last quiz"
        await pilot.press("r")
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.session is not None
        counts = review.session.counts()
        assert (counts.new, counts.learning) == (2, 2)
        while review.card is not None:
            await answer_current_review_card(pilot, review, "4")
        assert "4 answered (2 new)" in str(review.query_one("#review-summary", Label).content)
        await pilot.press("q", "s")
        stats = app.screen
        assert isinstance(stats, StatsScreen) and stats.stats is not None
        assert stats.stats.total_reviews == 6
        assert [d.count for d in stats.stats.reviews_per_day[-2:]] == [2, 4]
