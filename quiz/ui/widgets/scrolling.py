"""Bringing feedback into view without the learner scrolling."""

from __future__ import annotations

from textual.containers import ScrollableContainer
from textual.widget import Widget


def bring_into_view(scroller: ScrollableContainer, widget: Widget, *, tries: int = 3) -> None:
    """Scroll `scroller` at once so that `widget` shows whole, or from its top when it is
    taller than the view (the verdict first, then as much as fits).

    Freshly mounted widgets may not have their size until the next layout; until then
    there is nothing to scroll to, so this waits a refresh (a few times at most).
    """
    if not widget.is_attached:
        return
    if not widget.size.height and tries:
        scroller.call_after_refresh(bring_into_view, scroller, widget, tries=tries - 1)
        return
    scroller.scroll_to_widget(widget, animate=False, immediate=True, origin_visible=True)
