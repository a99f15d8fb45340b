"""The quiz's progress line looks exactly as Textual's ProgressBar (without ETA) looked: the
same bar, half-cells, colours and percentage, at every step of a quiz and at every width."""

from __future__ import annotations

from typing import Any

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import ProgressBar
from textual.widgets._progress_bar import Bar, PercentageStatus

from quiz.ui.widgets.progress import Progress


def cells(widget: Widget) -> list[tuple[str, Any, ...]]:
    """Each cell of the widget's one line as a terminal shows it: character, colours, and
    the attributes that change how it looks (an attribute set to off looks as one unset)."""
    (strip,) = widget.render_lines(Region(0, 0, widget.size.width, 1))
    return [
        (
            char,
            style.color,
            style.bgcolor,
            bool(style.bold),
            bool(style.italic),
            bool(style.underline),
            bool(style.reverse),
        )
        for segment in strip
        if (style := segment.style or Style()) is not None
        for char in segment.text
    ]


class Both(App[None]):
    CSS = """
    ProgressBar, Progress { width: 100%; }
    ProgressBar Bar { width: 1fr; }
    """
    """As quiz.tcss lays the line out, without the padding (the same CSS for both)."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=self.total, show_eta=False)
        yield Progress(self.total)


@pytest.mark.parametrize("total", [1, 3, 7, 25, 101])
@pytest.mark.parametrize("width", [20, 60, 80, 133])
async def test_the_progress_line_looks_as_textuals_progress_bar(total: int, width: int) -> None:
    app = Both(total)
    async with app.run_test(size=(width, 4)) as pilot:
        theirs, ours = app.query_one(ProgressBar), app.query_one(Progress)
        for done in sorted({0, 1, total // 3, total // 2, total - 1, total}):
            theirs.progress = done
            ours.progress = done
            await pilot.pause()
            expected = cells(theirs.query_one(Bar)) + cells(theirs.query_one(PercentageStatus))
            assert cells(ours) == expected, f"{done} of {total} at {width} columns"
