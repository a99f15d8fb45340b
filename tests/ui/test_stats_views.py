"""The statistics screen's two views: `t` switches charts and tables, and the key bar offers
the view not shown."""

from __future__ import annotations

from textual.widgets import ContentSwitcher, Static
from ui_support import DECKS, NOW, AppFactory

from quiz.core.library import load
from quiz.core.storage import Store
from quiz.screenshots import simulate_reviews
from quiz.ui.app import Start
from quiz.ui.screens.stats import StatsScreen
from quiz.ui.widgets.keybar import KeyBar


def shown_keys(screen: StatsScreen) -> str:
    return str(screen.query_one(KeyBar).render())


async def test_t_switches_between_charts_and_tables(build_app: AppFactory, store: Store) -> None:
    loaded = load(DECKS / "chemistry-elements.toml")
    simulate_reviews(store, loaded, days=35, until=NOW)
    key = store.read("SELECT card_key FROM cards WHERE lapses > 0 ORDER BY card_key LIMIT 1")[0][0]
    store._db.execute("UPDATE cards SET leech = 1 WHERE card_key = ?", (key,))
    prompt = store.read("SELECT prompt FROM card_texts WHERE card_key = ?", (key,))[0][0]
    app = build_app(Start(at="stats"))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        views = screen.query_one("#views", ContentSwitcher)
        assert views.current == "charts-view" and "Tables" in shown_keys(screen)
        await pilot.press("t")
        await pilot.pause()
        assert views.current == "tables-view"
        assert "Charts" in shown_keys(screen) and "Tables" not in shown_keys(screen)
        text = str(screen.query_one("#tables", Static).render())
        assert "True retention" in text and "Last 30 days" in text
        assert "Leeches 1" in text and prompt[:20] in text
        await pilot.press("t")
        await pilot.pause()
        assert views.current == "charts-view"


async def test_a_database_lacking_an_index_is_said_not_a_crash(
    build_app: AppFactory, store: Store
) -> None:
    """Statistics name their indexes; one missing (damage doctor mends) ends the screen with
    the way out, back on the library."""
    store._db.execute("DROP INDEX reviews_overruled")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("doctor --repair" in m and "reviews_overruled" in m for m in messages), messages
