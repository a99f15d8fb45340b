"""Snapshots of the exam screens at 80x24 and 60x20: the first screen (seed, rules, name) and the
summary with the right answers. Review the report before `--snapshot-update`."""

from __future__ import annotations

from typing import Any

from test_snapshots import SnapCompare, settle
from textual.pilot import Pilot
from ui_support import NEWS_DECK, AppFactory, answer_keys

from quiz.core.library import load
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui.app import Start
from quiz.ui.screens.quiz import QuizScreen


def test_exam_start(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory
) -> None:
    app = build_app(Start(at="quiz", loaded=load(NEWS_DECK), quiz=QuizOptions(exam=True)))
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_exam_summary(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory
) -> None:
    loaded = load(NEWS_DECK)
    options = QuizOptions(exam=True, student="Ann Lee", count=3)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=options))

    async def take(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        for number, question in enumerate(list(screen.session.questions)):
            order = presented_order(question, loaded.deck.deck, screen.session.seed)
            await pilot.press(*answer_keys(question, order, right=number != 1))
            await pilot.pause()
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=take)
