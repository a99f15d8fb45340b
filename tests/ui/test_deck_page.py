"""The deck page: today's numbers agree with the review it opens; Back from `quiz DECK`."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path
from typing import NoReturn

import pytest
from textual.widgets import Label, Static
from ui_support import DECKS, AppFactory, Clock

from quiz.commands.ui import make_app
from quiz.config import Settings
from quiz.core.deck_cache import DeckCache
from quiz.core.deckfile import loading
from quiz.core.storage import Store
from quiz.ui.app import QuizApp, Start
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


async def test_a_deck_page_and_its_review_run_from_the_deck_cache(
    store: Store,
    settings: Settings,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first app parses the deck and keeps it; the next one opens the page and reviews
    without parsing (a parse would fail here), and answers like the first."""
    cache = DeckCache(tmp_path / "cache")

    def app() -> QuizApp:
        return make_app(
            store=store,
            settings=settings,
            start=Start(at="deck", deck=CHEMISTRY),
            now=clock,
            deck_dirs=[DECKS],
            tz=timezone.utc,
            deck_cache=cache,
        )

    first = app()
    async with first.run_test(size=(80, 24)):
        assert isinstance(first.screen, DeckScreen) and first.screen.loaded is not None
    assert cache.info().entries == 1

    def no_parse(text: str, path: object) -> NoReturn:
        raise AssertionError(f"{path} was parsed")

    monkeypatch.setattr(loading, "parse_deck", no_parse)
    second = app()
    async with second.run_test(size=(80, 24)) as pilot:
        assert "Today: 13 new (of 15)" in today_line(second.screen)  # type: ignore[arg-type]
        await pilot.press("r")
        await pilot.pause()
        review = second.screen
        assert isinstance(review, ReviewScreen)
        await pilot.press("space", "3")  # show the answer, then Good
        await pilot.pause()
        assert "New 12" in str(review.query_one("#counts", Label).content)
    assert store.read("SELECT count(*) FROM reviews")[0][0] == 1
