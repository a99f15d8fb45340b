"""Bringing feedback into view without the learner scrolling."""

from __future__ import annotations

from textual.containers import ScrollableContainer
from textual.widget import Widget


def bring_into_view(scroller: ScrollableContainer, widget: Widget, *, passes: int = 3) -> None:
    """Scroll `scroller` at once so that `widget` shows whole, or from its top when it is
    taller than the view (the verdict first, then as much as fits).

    The layout may not have settled yet: a freshly mounted widget has no size until the
    next layout, and the review's grade buttons take rows from the view as they mount.
    So this looks again after each of the next few refreshes (scrolling to where it
    already is does nothing).
    """
    if not widget.is_attached or passes <= 0:
        return
    if widget.size.height:
        scroller.scroll_to_widget(widget, animate=False, immediate=True, origin_visible=True)
    scroller.call_after_refresh(bring_into_view, scroller, widget, passes=passes - 1)
