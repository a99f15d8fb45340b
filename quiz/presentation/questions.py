"""How a question is put to the learner, shared by the full-screen UI and plain mode.

No Textual import here: plain mode must start without it. The functions decide
what text to show and in which order choices appear; judging the answer stays in
`quiz.core.checking`. Orders are drawn from the attempt's seed and the question's
position, so the same `--seed` shows the same screens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from quiz.core.cards import Card
from quiz.core.models import CLOZE_BLANK, Cloze, DeckMeta, Flashcard, Question
from quiz.core.outline import quiz_asked, shown_order


def cloze_display(text: str, asked: Sequence[int] | None = None) -> str:
    """The cloze text with the asked blanks as `[n: hint]` gaps and the others filled in.

    `asked` None asks every blank (a quiz question); a review card asks its one blank.
    """
    counter = iter(range(10_000))
    shown = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal shown
        index = next(counter)
        answer, _, hint = match.group(1).partition("|")
        if asked is not None and index not in asked:
            return answer.strip()
        shown += 1
        label = f"{shown}: {hint.strip()}" if hint.strip() else f"{shown}"
        return f"[{label} ____]"

    return CLOZE_BLANK.sub(replace, text)


def prompt_of(card: Card, *, inline_cloze: bool = False) -> str:
    """The text asked: a flashcard's back for its reverse card, a cloze's text with gaps.

    `inline_cloze`: the cloze text is shown by its input (`cloze_parts`), so only
    the cloze's own prompt is returned.
    """
    question = card.question
    if isinstance(question, Flashcard) and card.side == "back":
        return question.answer
    if isinstance(question, Cloze) and inline_cloze:
        return question.prompt
    if isinstance(question, Cloze):
        asked = None if card.blank is None else [card.blank]
        body = cloze_display(question.text, asked)
        return f"{question.prompt}\n\n{body}" if question.prompt else body
    return question.prompt


def presented_order(question: Question, deck: DeckMeta, seed: int) -> list[str] | None:
    """The order to show a question's choices, order items or match partners in (None for
    other kinds): `quiz.core.outline.shown_order` of its quiz card."""
    return shown_order(quiz_asked(question), deck.shuffle, seed)
