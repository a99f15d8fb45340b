"""App-wide keys: help lists the screen's bindings, the palette reaches them, themes persist."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable
from ui_support import NEWS_DECK, AppFactory

from quiz.config import Settings
from quiz.core.library import load
from quiz.presentation.options import QuizOptions
from quiz.ui.app import QuizApp, Start
from quiz.ui.screens.help import HelpScreen
from quiz.ui.screens.library import LibraryScreen
from quiz.ui.screens.quiz import QuizScreen


def help_rows(screen: HelpScreen) -> dict[str, str]:
    table = screen.query_one(DataTable)
    return {
        str(table.get_row_at(i)[1]): str(table.get_row_at(i)[0]) for i in range(table.row_count)
    }


async def test_help_lists_the_current_screens_keys(build_app: AppFactory) -> None:
    app = build_app(Start(at="quiz", loaded=load(NEWS_DECK), quiz=QuizOptions(seed=7)))
    async with app.run_test(size=(80, 24)) as pilot:
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        assert quiz.question.kind == "truefalse"
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = help_rows(help_screen)
        assert rows["True"] == "t"
        assert rows["False"] == "f"
        assert rows["Choose"] == "1-9"
        assert rows["End quiz"] == "esc / q"
        assert rows["Light/dark"] == "^l"
        assert "Move cursor left" not in rows, "a text box's own keys are left out"
        await pilot.press("escape")
        assert app.screen is quiz

        commands = {command.title for command in app.get_system_commands(quiz)}
        assert {"True", "False", "End quiz", "Help", "Light/dark"} <= commands


async def test_library_help_says_what_enter_does(build_app: AppFactory, tmp_path: Path) -> None:
    """Enter opens the highlighted deck, and in the filter keeps the filter: one key, both
    meanings in one row (the filter's binding shadows the list's in Textual's map)."""
    app = build_app(deck_dirs=[tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("question_mark")
        rows = help_rows(app.screen)
        assert rows["Open deck (in the filter: keep it)"] == "⏎"
        assert "Keep filter" not in rows


async def test_theme_switch_is_remembered(build_app: AppFactory, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    app = build_app(settings_path=config)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LibraryScreen)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.theme == "textual-light"
    assert Settings.load(config).theme == "textual-light"
    assert 'theme = "textual-light"' in config.read_text()


async def test_a_served_session_does_not_save_the_theme(
    build_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In `quiz serve` each browser tab is a student's: Ctrl+L changes their tab only, never
    the teacher's settings file."""
    config = tmp_path / "config.toml"
    monkeypatch.setattr(QuizApp, "is_web", property(lambda app: True))
    app = build_app(settings_path=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.theme == "textual-light"
    assert not config.exists()
