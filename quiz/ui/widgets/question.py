"""What a card looks like on screen: the prompt text and the answer input for its kind.

Shared by the quiz and the review screens so both ask a question the same way.
The order of choices, items and match partners comes from the caller
(`quiz.presentation.questions.presented_order`, seeded); this module never shuffles.
"""

from __future__ import annotations

from collections.abc import Sequence

from quiz.core.cards import Card
from quiz.core.models import (
    Cloze,
    Flashcard,
    Match,
    MultipleChoice,
    Numeric,
    Order,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from quiz.presentation.questions import cloze_parts
from quiz.ui.widgets.answers import (
    AnswerInput,
    FlashcardInput,
    MatchInput,
    MultiChoiceInput,
    OrderInput,
    SingleChoiceInput,
    TrueFalseInput,
    TypedInput,
)
from quiz.ui.widgets.cloze import InlineClozeInput


def answer_input(
    card: Card,
    *,
    order: Sequence[str] | None = None,
    markdown: bool = False,
) -> AnswerInput:
    """The input widget for a card. `order` is the presented order of choices/items/partners."""
    question = card.question
    if isinstance(question, Flashcard):
        back = question.prompt if card.side == "back" else question.answer
        return FlashcardInput(back, markdown=markdown)
    if isinstance(question, SingleChoice):
        return SingleChoiceInput(order or question.choices)
    if isinstance(question, MultipleChoice):
        return MultiChoiceInput(order or question.choices)
    if isinstance(question, TrueFalse):
        return TrueFalseInput()
    if isinstance(question, Numeric):
        return TypedInput(placeholder="Type a number", unit=question.unit)
    if isinstance(question, ShortAnswer):
        return TypedInput()
    if isinstance(question, Cloze):
        asked = None if card.blank is None else [card.blank]
        parts = cloze_parts(question.text, asked)
        return InlineClozeInput(parts, one_blank_card=card.blank is not None)
    if isinstance(question, Order):
        return OrderInput(order or question.items)
    if isinstance(question, Match):
        lefts = [left for left, _ in question.pairs]
        return MatchInput(lefts, order or [right for _, right in question.pairs])
    raise TypeError(f"no input for question kind {question.kind!r}")
