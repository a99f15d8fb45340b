"""Snapshots of every screen at 80x24 and 60x20 (the `size` fixture), from the app `make_app`
builds, with a pinned clock.

Review changes with `pytest tests/ui/test_snapshots.py` (a report opens on failure) and
accept them with `--snapshot-update` only after looking at the report.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from ui_support import DECKS, NOW, UI_DATA, AppFactory, answer_keys

from quiz.core.library import load
from quiz.core.storage import Store
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.screenshots import simulate_reviews
from quiz.ui.app import Start
from quiz.ui.screens.quiz import QuizScreen

EVERY_KIND = UI_DATA / "every-kind.toml"
KINDS = ["flashcard", "short", "choice", "multi", "truefalse", "numeric", "cloze", "order", "match"]

SnapCompare = Callable[..., bool]
Before = Callable[[Pilot[Any]], Awaitable[None]]


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for workers and layout, and stop the cursor blinking, so the picture is stable."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def then_settle(*keys: str) -> Before:
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)
        await settle(pilot)

    return run


def quiz_start(*tags: str) -> Start:
    return Start(at="quiz", loaded=load(EVERY_KIND), quiz=QuizOptions(seed=1, tags=tags))


def test_library(
    size: tuple[int, int],
    snap_compare: SnapCompare,
    build_app: AppFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "decks"
    shutil.copytree(DECKS, folder, ignore=shutil.ignore_patterns("sources"))
    shutil.copy(UI_DATA / "broken.toml", folder)
    monkeypatch.chdir(tmp_path)  # relative paths: the broken deck's error reads decks/broken.toml
    app = build_app(deck_dirs=[Path("decks")])
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_deck_page(size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory) -> None:
    app = build_app(Start(at="deck", deck=DECKS / "belarus-prisoner-release-2025.toml"))
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("kind", KINDS)
def test_question(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory, kind: str
) -> None:
    app = build_app(quiz_start(kind))
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_feedback_wrong(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory
) -> None:
    app = build_app(quiz_start("short"))
    assert snap_compare(app, terminal_size=size, run_before=then_settle(*"Pinsk", "enter"))


def test_feedback_partly_right(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory
) -> None:
    app = build_app(quiz_start("multi"))
    order = ["2", "4", "7", "9", "11"]  # shuffle = false: as written
    keys = [str(order.index(pick) + 1) for pick in ("2", "7", "9")]
    assert snap_compare(app, terminal_size=size, run_before=then_settle(*keys, "enter"))


async def _take_every_kind(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen) and screen.session is not None
    deck = screen.loaded.deck.deck
    for question in list(screen.session.questions):
        order = presented_order(question, deck, screen.session.seed)
        right = question.kind not in ("short", "order")
        await pilot.press(*answer_keys(question, order, right=right), "enter")
        await pilot.pause()
    await settle(pilot)


def test_summary(size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory) -> None:
    app = build_app(quiz_start())
    assert snap_compare(app, terminal_size=size, run_before=_take_every_kind)


def test_review_with_interval_buttons(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory
) -> None:
    app = build_app(Start(at="review", loaded=load(EVERY_KIND)))
    assert snap_compare(app, terminal_size=size, run_before=then_settle("space"))


def test_order_marked_in_a_quiz(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory
) -> None:
    """Each row of a wrong order marked with where it belongs, the feedback in view."""
    app = build_app(quiz_start("order"))
    assert snap_compare(app, terminal_size=size, run_before=then_settle("shift+down", "enter"))


def test_review_wrong_multi(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory
) -> None:
    """A wrong multi in a review: marks, and the grade buttons in view below the card."""
    app = build_app(Start(at="review", loaded=load(UI_DATA / "tall-shapes.toml")))
    assert snap_compare(app, terminal_size=size, run_before=then_settle("2", "enter"))


def test_help(size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory) -> None:
    app = build_app(quiz_start("choice"))
    assert snap_compare(app, terminal_size=size, run_before=then_settle("question_mark"))


def test_stats(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory, store: Store
) -> None:
    simulate_reviews(store, load(DECKS / "chemistry-elements.toml"), days=35, until=NOW)
    app = build_app(Start(at="stats"))
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_stats_tables(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory, store: Store
) -> None:
    """True retention by period and age, and the leeches with their prompts."""
    loaded = load(DECKS / "chemistry-elements.toml")
    simulate_reviews(store, loaded, days=35, until=NOW)
    leech = store.read("SELECT card_key FROM cards WHERE lapses > 0 ORDER BY card_key LIMIT 1")
    store.suspend([(loaded.deck.deck.id, leech[0][0])], now=NOW)
    store._db.execute("UPDATE cards SET leech = 1 WHERE card_key = ?", leech[0])
    app = build_app(Start(at="stats"))
    assert snap_compare(app, terminal_size=size, run_before=then_settle("t"))
