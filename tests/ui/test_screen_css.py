"""Each screen's stylesheet styles that screen only: Textual reads a screen's CSS_PATH into
the app's one stylesheet, so an unscoped `#forecast` in the review's file padded the
statistics chart of the same id once a review had been shown."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from textual.screen import Screen
from ui_support import UI_DATA, AppFactory

import quiz.ui.screens
from quiz.ui.app import Start
from quiz.ui.screens.stats import DayBars


def screens_with_css() -> list[type[Screen[object]]]:
    found: list[type[Screen[object]]] = []
    for info in pkgutil.iter_modules(quiz.ui.screens.__path__):
        module = importlib.import_module(f"quiz.ui.screens.{info.name}")
        for value in vars(module).values():
            own = isinstance(value, type) and value.__module__ == module.__name__
            if own and issubclass(value, Screen) and "CSS_PATH" in vars(value):
                found.append(value)
    return found


def top_level_selectors(css: str) -> list[str]:
    """The selectors of the outermost blocks of `css` (comments dropped)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors, depth, start = [], 0, 0
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                selectors.append(css[start:index].strip())
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                start = index + 1
    assert depth == 0
    return selectors


def test_every_screen_with_a_stylesheet_is_found() -> None:
    assert len(screens_with_css()) >= 9


@pytest.mark.parametrize("screen", screens_with_css(), ids=lambda screen: screen.__name__)
def test_each_rule_is_under_its_screen(screen: type[Screen[object]]) -> None:
    path = screen.CSS_PATH
    assert isinstance(path, str)
    folder = Path(importlib.import_module(screen.__module__).__file__ or "").parent
    css = (folder / path).read_text()
    assert top_level_selectors(css) == [screen.__name__]


async def test_statistics_after_a_review_look_as_they_do_first(build_app: AppFactory) -> None:
    app = build_app(Start(at="deck", deck=UI_DATA / "every-kind.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("space", "3", "escape")
        await pilot.pause()
        await pilot.press("question_mark", "escape", "s")
        await pilot.pause()
        charts = list(app.screen.query(DayBars))
        assert len(charts) == 2
        assert {chart.styles.padding.top for chart in charts} == {0}
        assert charts[0].size == charts[1].size
