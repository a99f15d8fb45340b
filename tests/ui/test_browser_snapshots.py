"""Snapshots of the card browser at 80x24 and 60x20 (the `size` fixture), with a pinned clock:
the cards of two decks, one studied, flagged and suspended so every column has something.

Review changes with `pytest tests/ui/test_browser_snapshots.py` and accept them with
`--snapshot-update` only after looking at the report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from ui_support import NEWS_DECK, NOW, UI_DATA, AppFactory

from quiz.core.card_state import CardState, Flag, Phase
from quiz.core.library import load, reconcile
from quiz.core.storage import Store

SnapCompare = Callable[..., bool]


def decks(tmp_path: Path, store: Store) -> Path:
    """The news deck and every kind, reconciled, with a studied, a flagged and a suspended card."""
    folder = tmp_path / "decks"
    folder.mkdir()
    for deck in (NEWS_DECK, UI_DATA / "every-kind.toml"):
        (folder / deck.name).write_text(deck.read_text())
        reconcile(store, load(folder / deck.name), NOW)
    news = "belarus-prisoner-release-2025"
    state = CardState(
        Phase.REVIEW, None, 9.0, 5.0, NOW + timedelta(days=5), NOW - timedelta(days=4), 3, 1
    )
    store.record_review(news, "who-was-released", after=state, grade=3, reviewed_at=NOW)
    store.set_flag([(news, "who-was-released")], Flag.RED, now=NOW)
    store.suspend([(news, "release-conditions")], now=NOW)
    return folder


async def open_browser(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("b")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_browser(
    size: tuple[int, int],
    snap_compare: SnapCompare,
    build_app: AppFactory,
    store: Store,
    tmp_path: Path,
) -> None:
    app = build_app(deck_dirs=[decks(tmp_path, store)])
    assert snap_compare(app, terminal_size=size, run_before=open_browser)


def test_browser_selection_and_a_search(
    size: tuple[int, int],
    snap_compare: SnapCompare,
    build_app: AppFactory,
    store: Store,
    tmp_path: Path,
) -> None:
    app = build_app(deck_dirs=[decks(tmp_path, store)])

    async def search(pilot: Pilot[Any]) -> None:
        await open_browser(pilot)
        await pilot.press("slash", *"is:review -is:new", "enter")
        await pilot.pause(0.3)
        await pilot.app.workers.wait_for_complete()
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=search)
