"""Deck text on screen: always sanitised, never read as Rich/Textual markup.

Decks are downloaded and shared, so a prompt like `[@click=app.quit]x[/]` or an
escape sequence must show as the characters it is. Plain decks get a `Static`
holding a `Content` built from the plain string (no markup parsing); decks that
opt into `format = "markdown"` get Textual's `Markdown` widget, imported only then
because it costs ~30 ms per long prompt.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from quiz.core.judging.diff import letter_diff
from quiz.core.text import sanitize


def plain(text: str) -> Content:
    """Deck text as inert `Content`: control sequences stripped, brackets kept literally."""
    return Content(sanitize(text))


LETTER_STYLES = {"same": "", "wrong": "strike $text-error", "missing": "underline $text-success"}
"""How a letter-by-letter comparison marks what was typed wrong and what was missing."""


def compared(typed: str, answer: str) -> Content:
    """A typed answer merged with the one it came close to, letter by letter (as Anki's
    type-the-answer comparison): wrong letters struck out, missing ones underlined."""
    parts = [(text, LETTER_STYLES[mark]) for mark, text in letter_diff(typed, answer)]
    return Content.assemble(("Compared: ", "bold"), *parts)


class DeckText(Static):
    """A block of plain deck text."""

    def __init__(self, text: str, *, widget_id: str | None = None, classes: str = "") -> None:
        super().__init__(plain(text), id=widget_id, classes=classes, markup=False)


def deck_text(
    text: str, *, markdown: bool, widget_id: str | None = None, classes: str = ""
) -> Widget:
    """The widget for a prompt or explanation, honouring the deck's `format`."""
    if not markdown:
        return DeckText(text, widget_id=widget_id, classes=classes)
    from textual.widgets import Markdown

    # open_links=False: a hostile deck must not be able to launch a browser on a click.
    return Markdown(
        sanitize(text), id=widget_id, classes=f"deck-markdown {classes}".strip(), open_links=False
    )
