"""`p` in a question's feedback shows the passage of the article it was made from."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import Label
from ui_support import AppFactory

from quiz.cli import main
from quiz.core.library import load
from quiz.presentation.options import QuizOptions
from quiz.ui.app import Start
from quiz.ui.screens.passage import PassageScreen
from quiz.ui.screens.quiz import PREPARE_AFTER_S, QuizScreen
from quiz.ui.screens.review import ReviewScreen
from quiz.ui.widgets.keybar import KeyBar

ARTICLE = Path(__file__).parents[1] / "data" / "articles" / "corpus" / "bridge_closure.txt"


def imported(tmp_path: Path) -> Path:
    (tmp_path / "sources").mkdir()
    shutil.copy(ARTICLE, tmp_path / "sources" / "bridge.txt")
    deck = tmp_path / "bridge.toml"
    result = CliRunner().invoke(
        main,
        ["import", str(tmp_path / "sources" / "bridge.txt"), "--from", "article", "-o", str(deck)],
    )
    assert result.exit_code == 0, result.output
    return deck


async def test_p_shows_the_questions_passage_and_escape_goes_back(
    build_app: AppFactory, tmp_path: Path
) -> None:
    loaded = load(imported(tmp_path))
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(shuffle=False)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert "Passage" not in str(screen.query_one(KeyBar).line)  # not before the answer
        await pilot.press(*"no idea", "enter")
        await pilot.pause()
        assert "Passage" in str(screen.query_one(KeyBar).line)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PassageScreen)
        passage = app.screen.passage
        assert passage.focus == 21
        shown = dict(passage.lines)
        assert shown[21] == "Q: When does the bridge close to traffic?"
        assert shown[22].startswith("A: From 16 March")
        assert "line 21" in str(app.screen.query_one("#passage-title", Label).content)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.showing_feedback


async def test_no_passage_when_the_article_is_gone(build_app: AppFactory, tmp_path: Path) -> None:
    deck = imported(tmp_path)
    (tmp_path / "sources" / "bridge.txt").unlink()
    app = build_app(Start(at="review", loaded=load(deck)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        await pilot.press(*"no idea", "enter")
        await pilot.pause()
        assert screen.revealed
        assert "Passage" not in str(screen.query_one(KeyBar).line)
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is screen


async def test_closing_the_passage_leaves_the_keyboard_with_the_feedback(
    build_app: AppFactory, tmp_path: Path
) -> None:
    """Not in the next question, laid out off screen meanwhile: its 1-9 would answer it
    unseen, and Enter and e would be gone from the key bar."""
    loaded = load(imported(tmp_path))
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(shuffle=False)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await pilot.press(*"no idea", "enter")
        await pilot.pause(PREPARE_AFTER_S + 0.2)
        assert screen.prepared == 1, "the next question waits in the back pane"
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.showing_feedback
        assert screen.focused is None
        assert "Next" in str(screen.query_one(KeyBar).line)
