"""What a card looks like on screen: the answer input for its kind.

Shared by the quiz and the review screens so both ask a question the same way. The inputs
of list kinds and clozes are imported when first needed. It works
from an `Asked` (plain data, `quiz.core.outline`), so the quiz's first question can be put
on screen before the deck models are imported. The order of choices, items and match
partners comes from the caller (`quiz.core.outline.shown_order`, seeded); this module never
shuffles.
"""

from __future__ import annotations

from collections.abc import Sequence

from quiz.core.outline import Asked
from quiz.ui.widgets.answers import AnswerInput, FlashcardInput, TypedInput


def answer_input(
    asked: Asked,
    *,
    order: Sequence[str] | None = None,
    markdown: bool = False,
) -> AnswerInput:
    """The input widget for a card. `order` is the presented order of choices/items/partners."""
    kind = asked.kind
    if kind == "flashcard":
        return FlashcardInput(asked.back, markdown=markdown)
    if kind == "numeric":
        return TypedInput(placeholder="Type a number", unit=asked.unit)
    if kind == "short":
        return TypedInput()
    if kind == "cloze":
        from quiz.ui.widgets.cloze import InlineClozeInput

        return InlineClozeInput(asked.cloze, one_blank_card=asked.one_blank)
    from quiz.ui.widgets import lists

    if kind == "choice":
        return lists.SingleChoiceInput(order or asked.options)
    if kind == "multi":
        return lists.MultiChoiceInput(order or asked.options)
    if kind == "truefalse":
        return lists.TrueFalseInput()
    if kind == "order":
        return lists.OrderInput(order or asked.options)
    if kind == "match":
        return lists.MatchInput(asked.lefts, order or asked.options)
    raise TypeError(f"no input for question kind {kind!r}")
