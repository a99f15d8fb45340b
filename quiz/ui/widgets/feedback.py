"""The feedback after an answer, the same in a quiz and a review.

The verdict comes first with the way on beside it ("Enter: next question"), so the
two are read together and one scroll brings both into view, however long the
explanation. Then the checker's remark, the letter comparison, each part of a
multi, cloze, order or match answer marked with what belongs there, the right answer
and the explanation.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label

from quiz.core.checking import CheckResult, MarkedRow
from quiz.core.models import Order, Question
from quiz.ui.widgets.deck_text import compared, deck_text, plain


class VerdictRow(Horizontal):
    """The verdict on the left, the way on at the right."""

    DEFAULT_CSS = """
    VerdictRow {
        height: auto;
    }
    VerdictRow #verdict {
        width: 1fr;
    }
    VerdictRow #way-on {
        width: auto;
        padding: 0 0 0 2;
        color: $text-muted;
    }
    """

    def __init__(self, verdict: Content, way_on: str) -> None:
        super().__init__(
            Label(verdict, id="verdict"), Label(way_on, id="way-on", markup=False), id="verdict-row"
        )


def marked_rows(rows: Sequence[MarkedRow]) -> Content:
    """One line per part of the answer: ✓ or ✗, the part, and what belongs there."""
    lines: list[Content] = []
    for row in rows:
        mark = ("✓ ", "$text-success") if row.right else ("✗ ", "$text-error")
        line = Content.assemble(mark, plain(row.given))
        if row.correction:
            line = Content.assemble(line, (" — ", "dim"), plain(row.correction).stylize("bold"))
        lines.append(line)
    return Content("\n").join(lines)


def feedback_widgets(
    result: CheckResult,
    question: Question,
    *,
    verdict: Content,
    way_on: str,
    markdown: bool,
) -> list[Widget]:
    """The widgets of the feedback, top to bottom."""
    widgets: list[Widget] = [VerdictRow(verdict, way_on)]
    if result.remark:
        widgets.append(Label(plain(result.remark), id="check-feedback", markup=False))
    if result.close_to:
        widgets.append(Label(compared(result.typed, result.close_to), id="letter-diff"))
    if not result.correct and result.rows:
        widgets.append(Label(marked_rows(result.rows), id="marks"))
    if not result.correct and (not result.rows or isinstance(question, Order)):
        # Marks give each wrong part's answer; an order's whole answer is easier read in line.
        widgets.append(
            Label(Content.assemble(("Answer: ", "bold"), plain(result.expected)), id="expected")
        )
    if question.explanation:
        widgets.append(deck_text(question.explanation, markdown=markdown, widget_id="explanation"))
    return widgets
