"""Two scrolling panes in one place: the one on screen, and one just past the right edge.

Showing freshly mounted widgets costs Textual more than one layout pass: the first
gives the new widgets their sizes, and each size change asks for another pass. The
quiz builds the next question in the pane off screen while the learner answers, so
Textual lays it out there at the very width it will have on screen; `swap` then only
moves the two panes, the question's widgets keep their sizes and one layout pass
and one frame put it on screen. `warm` renders the waiting pane's lines once
beforehand, so that frame mostly reuses Textual's line caches.

Only the pane on screen lends focus to its widgets, so Tab can never reach a
question that is not shown yet.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.errors import NoWidget
from textual.geometry import Region
from textual.widget import Widget


class Pane(VerticalScroll):
    """One of the two panes of a `Stage`."""

    BLANK = True  # no border or content of its own: its lines are its background

    def __init__(self, on_stage: bool) -> None:
        super().__init__(classes="pane", can_focus=False)
        self.on_stage = on_stage
        self.styles.offset = (0, 0) if on_stage else ("100%", 0)

    def allow_focus_children(self) -> bool:
        return self.on_stage

    def move(self, on_stage: bool) -> None:
        """Come on screen, or go just off its right edge (same size either way)."""
        self.on_stage = on_stage
        self.styles.offset = (0, 0) if on_stage else ("100%", 0)


class Stage(Widget):
    """A pane on screen (`front`) and one waiting off screen (`back`)."""

    BLANK = True

    DEFAULT_CSS = """
    Stage {
        height: 1fr;
        overflow: hidden hidden;
    }
    Stage > .pane {
        position: absolute;
        height: 100%;
    }
    """

    def __init__(self, first: Widget | None = None) -> None:
        """`first`: what the front pane shows from the start (the screen's first frame)."""
        super().__init__()
        self._first = first

    def compose(self) -> ComposeResult:
        with Pane(on_stage=True):
            if self._first is not None:
                yield self._first
        yield Pane(on_stage=False)

    @property
    def front(self) -> Pane:
        """The pane on screen; always the first child, so queries find its widgets first."""
        pane = self.children[0]
        assert isinstance(pane, Pane)
        return pane

    @property
    def back(self) -> Pane:
        """The pane waiting off screen."""
        pane = self.children[1]
        assert isinstance(pane, Pane)
        return pane

    async def show(self, widget: Widget) -> None:
        """Put `widget` on screen at once, in place of what the front pane held."""
        front = self.front
        await front.remove_children()
        front.scroll_home(animate=False, immediate=True)
        await front.mount(widget)

    async def prepare(self, widget: Widget) -> None:
        """Lay `widget` out in the back pane, in place of what it held."""
        back = self.back
        await back.remove_children()
        back.scroll_home(animate=False, immediate=True)
        back.display = True
        await back.mount(widget)

    def swap(self) -> None:
        """Bring the back pane on screen and send the front one off."""
        front, back = self.front, self.back
        back.move(on_stage=True)
        front.move(on_stage=False)
        front.display = False  # nothing to lay out there until the next `prepare`
        self.move_child(back, before=front)

    def warm(self) -> None:
        """Render what the back pane will show, once, so the frame of `swap` finds those
        lines in Textual's caches (a pane that changes after this just renders again)."""
        back = self.back
        screen = self.screen
        try:
            pane = screen.find_widget(back).region
        except NoWidget:
            return
        widgets: list[Widget] = [back, *back.walk_children(Widget)]
        if back.show_vertical_scrollbar:
            widgets.append(back.vertical_scrollbar)
        for widget in widgets:
            try:
                region = screen.find_widget(widget).region
            except NoWidget:  # not displayed
                continue
            shown = region.intersection(pane)
            if shown:
                widget.render_lines(
                    Region(shown.x - region.x, shown.y - region.y, shown.width, shown.height)
                )
