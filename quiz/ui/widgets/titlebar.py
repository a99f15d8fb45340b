"""A one-line title bar: the screen's title and subtitle, drawn as one piece of text.

Textual's `Header` is four widgets (icon, title, clock space, the header) with
their own styles, and setting a title lays the screen out again; on the library,
the first screen of every start, that was ~15 ms of the ~100 ms between Textual's
start and the list on screen (tests/bench/bench_ui.py). This bar shows what the header
showed, `title — sub_title` centred, and only repaints itself when either changes.
The command palette stays on Ctrl+P (the key bar says so).
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.widget import Widget


class TitleBar(Widget):
    """`screen.title — screen.sub_title` (the app's title when the screen has none)."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def render(self) -> RenderResult:
        screen = self.screen
        return self.app.format_title(screen.title or self.app.title, screen.sub_title or "")

    def on_mount(self) -> None:
        # Both are plain text already (screens sanitise deck titles before setting them).
        self.watch(self.screen, "title", self._changed, init=False)
        self.watch(self.screen, "sub_title", self._changed, init=False)

    def _changed(self) -> None:
        self.refresh()
