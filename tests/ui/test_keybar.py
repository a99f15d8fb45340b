"""The key bar's overflow rule on real screens: whole keys dropped, help always there."""

from __future__ import annotations

import re

from textual.pilot import Pilot
from ui_support import NEWS_DECK, UI_DATA, AppFactory, answer_keys

from quiz.config import Settings
from quiz.core.library import load
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui.app import QuizApp, Start
from quiz.ui.screens.review import ReviewScreen
from quiz.ui.widgets.keybar import KeyBar


def entries(app: QuizApp) -> list[str]:
    """The keys the bar shows, as `key description` strings."""
    return re.split(r"\s{2,}", app.screen.query_one(KeyBar).line.plain.strip())


async def bar_at(pilot: Pilot[None], width: int) -> list[str]:
    await pilot.resize_terminal(width, 24)
    await pilot.pause()
    bar = pilot.app.screen.query_one(KeyBar)
    assert bar.line.cell_length <= width, bar.line.plain
    return entries(pilot.app)


async def assert_drops_whole_keys(pilot: Pilot[None]) -> None:
    """At 160 columns every key; at 80 and 60 a prefix-ordered subset, whole, with help."""
    every = await bar_at(pilot, 160)
    assert "?/F1 Help" in every and "^p palette" in every
    for width in (80, 60, 40):
        shown = await bar_at(pilot, width)
        assert "?/F1 Help" in shown, (width, shown)
        assert set(shown) <= set(every), (width, shown)  # never a key cut in the middle
        kept = [entry for entry in every if entry in shown]
        assert kept == shown  # the order stays
    shown = await bar_at(pilot, 80)
    assert shown[0] == every[0]  # the most important key stays at 80 columns
    assert "^p palette" in shown


async def test_quiz_feedback_bar_fits_80_and_60_columns(build_app: AppFactory) -> None:
    """Feedback's "⏎ Next  o I was right  esc End quiz  ?/F1 Help  ^p palette": at 60
    columns the last keys go whole, help and Next stay."""
    loaded = load(UI_DATA / "every-kind.toml")
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("short",))))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Pinsk", "enter")  # wrong: the feedback offers o
        await pilot.pause()
        assert "o I was right" in await bar_at(pilot, 160)
        await assert_drops_whole_keys(pilot)
        shown = await bar_at(pilot, 60)
        assert shown[0] == "⏎ Next" and shown[-1] == "^p palette"
        assert len(shown) < len(await bar_at(pilot, 160))


async def test_review_bar_after_an_answer_fits(build_app: AppFactory, settings: Settings) -> None:
    """Review after an answer (grades, overrule, undo, end): whole keys at 80, 60 and 40."""
    settings.new_per_day = 3
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        order = presented_order(screen.card.question, loaded.deck.deck, screen.seed)
        await pilot.press(*answer_keys(screen.card.question, order))
        await pilot.pause()
        await assert_drops_whole_keys(pilot)
