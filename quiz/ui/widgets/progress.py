"""How far through the attempt the learner is: a bar and the percentage done, on one line.

Textual's `ProgressBar` is four widgets (a container, the bar, the percentage and a hidden
ETA) with a timer that updates them every second, for progress that may move at any time.
A quiz's moves only when a question is answered. This one widget draws the same line with
Textual's own bar renderable: one widget to style and lay out instead of four, and no
timer, which is ~10 ms of the quiz's first frame (issue 15).
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions
from rich.console import RenderResult as RichRenderResult
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget

PERCENT_WIDTH = 5
"""Cells for the percentage, right-aligned ("100%" and a space before it)."""


class Progress(Widget, can_focus=False):
    """The progress line of a quiz: `progress` of `total` questions answered."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"progress--bar", "progress--complete"}
    """The bar's colours while under way and once complete."""

    DEFAULT_CSS = """
    Progress {
        height: 1;
        & > .progress--bar {
            color: $primary;
            background: $surface;
        }
        & > .progress--complete {
            color: $success;
            background: $surface;
        }
    }
    """

    progress: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    """No questions (yet): an empty bar and "--%"."""

    def __init__(self, total: int, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.set_reactive(Progress.total, total)

    def render(self) -> RenderResult:
        fraction = min(1.0, self.progress / self.total) if self.total > 0 else None
        complete = fraction is not None and fraction >= 1
        colours = self.get_component_rich_style(
            "progress--complete" if complete else "progress--bar"
        )
        bar_width = max(0, self.content_size.width - PERCENT_WIDTH)
        filled = int(bar_width * 2 * (fraction or 0)) / 2  # whole half-cells, as ProgressBar
        bar = Bar(
            highlight_range=(0, filled),
            highlight_style=Style.from_color(colours.color),
            background_style=Style.from_color(colours.bgcolor),
            width=bar_width,
        )
        percent = "--%" if fraction is None else f"{round(fraction * 100)}%"
        return _Line(bar, percent.rjust(PERCENT_WIDTH))


class _Line:
    """The bar, then the percentage, on the same line."""

    def __init__(self, bar: Bar, percent: str) -> None:
        self.bar = bar
        self.percent = percent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RichRenderResult:
        yield from self.bar.__rich_console__(console, options)
        yield Text(self.percent, end="")
