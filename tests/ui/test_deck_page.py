"""The deck page: today's numbers agree with the review it opens; Back from `quiz DECK`."""

from __future__ import annotations

from textual.widgets import Label, Static
from ui_support import DECKS, AppFactory

from quiz.config import Settings
from quiz.ui.app import Start
from quiz.ui.screens.deck import DeckScreen
from quiz.ui.screens.library import LibraryScreen
from quiz.ui.screens.review import ReviewScreen

CHEMISTRY = DECKS / "chemistry-elements.toml"
"""15 cards, two of them siblings of others: a review serves 13 on the first day."""


def today_line(screen: DeckScreen) -> str:
    return str(screen.query_one("#deck-today", Static).render())


async def test_deck_page_counts_what_the_review_serves(
    build_app: AppFactory, settings: Settings
) -> None:
    """Siblings and the daily limit: the page's new count is the review's "New" count, before
    and after a review, with the unseen total beside it."""
    app = build_app(Start(at="deck", deck=CHEMISTRY))
    async with app.run_test(size=(80, 24)) as pilot:
        page = app.screen
        assert isinstance(page, DeckScreen)
        assert "Today: 13 new (of 15) · 0 due for review" in today_line(page)
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert "New 13" in str(review.query_one("#counts", Label).content)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is page

        settings.new_per_day = 5  # the daily limit caps it; 13 unseen would not all come today
        page.refresh_counts()
        assert "Today: 5 new (of 15) · 0 due for review" in today_line(page)


async def test_back_from_a_deck_page_started_on_goes_to_the_library(
    build_app: AppFactory,
) -> None:
    """`quiz DECK` opens the deck page first; Back goes to the library, and Back there quits."""
    app = build_app(Start(at="deck", deck=CHEMISTRY))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, DeckScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # a deck page opened from the library: Back returns there
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
