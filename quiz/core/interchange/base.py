"""Result types shared by every importer and exporter in `quiz.core.interchange`.

Foreign formats (GIFT, CSV, OpenTriviaQA, Anki) can express things a deck cannot,
and decks can express things those formats cannot. Nothing may be dropped
silently, so each converter returns what it could carry together with a list of
warnings that name the input line (when there is one) of what it could not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from quiz.core.models import Deck


@dataclass(frozen=True)
class ImportWarning:  # noqa: A001 - the agreed API name; the builtin warning class is unused here
    """Something in the input that was lost, changed or skipped.

    `line` is the 1-based line in the imported text, or `None` when the warning
    concerns the whole input or a whole deck question (on export).
    """

    line: int | None
    message: str
    question: int | None = None
    """On export: the index of the deck question it concerns (the command turns it into
    that question's line in the deck file)."""

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    """A deck built from foreign input, and what could not be carried into it."""

    deck: Deck
    warnings: list[ImportWarning] = field(default_factory=list)


@dataclass(frozen=True)
class ExportResult:
    """Text in a foreign format, and what of the deck that format could not carry."""

    text: str
    warnings: list[ImportWarning] = field(default_factory=list)


# fmt: off
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on
"""Tags that start a new line when HTML is read as plain text."""
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title", "template"})
_LOSSLESS_TAGS = frozenset({"br", "p", "div", "html", "body"})
"""Tags whose whole meaning (a line break, or nothing) survives in plain text."""
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0
        self.tags = 0
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _LOSSLESS_TAGS:
            self.tags += 1
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag == "img":
            self.images += 1
        if tag == "br" or (tag in _BLOCK_TAGS and self.lines[-1].strip()):
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS and tag != "br" and self.lines[-1].strip():
            self.lines.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.lines[-1] += _HTML_SPACE.sub(" ", data.replace("\xa0", " "))


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Plain text of an HTML fragment, and what was lost on the way ([] when nothing was).

    Paragraphs, list items and `<br>` become line breaks, runs of whitespace
    collapse as a browser would show them, entities are decoded, and scripts,
    styles and comments vanish. The second value names the losses for a warning
    ("formatting" for any tag beyond paragraphs and line breaks, "2 images").
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "\n".join(line.strip(" ") for line in parser.lines).strip("\n")
    lost: list[str] = []
    if parser.tags > parser.images:
        lost.append("formatting")
    if parser.images:
        lost.append(f"{parser.images} image{'s' if parser.images > 1 else ''}")
    return text, lost
