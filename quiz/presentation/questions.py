"""How a question is put to the learner, shared by the full-screen UI and plain mode.

No Textual import here: plain mode must start without it. The functions decide
what text to show and in which order choices appear; judging the answer stays in
`quiz.core.checking`. Orders are drawn from the attempt's seed and the question's
position, so the same `--seed` shows the same screens.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.core.cards import Card
from quiz.core.models import (
    CLOZE_BLANK,
    Cloze,
    DeckMeta,
    Flashcard,
    Match,
    Order,
    Question,
    _WithChoices,
)

KIND_LABELS = {
    "flashcard": "Flashcard",
    "short": "Type the answer",
    "choice": "Choose one",
    "multi": "Choose all that apply",
    "truefalse": "True or false?",
    "numeric": "Type a number",
    "cloze": "Fill in the blanks",
    "order": "Put in order",
    "match": "Match the pairs",
}


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


@dataclass(frozen=True, slots=True)
class Gap:
    """A blank the learner fills in: its number among the asked blanks (from 0) and hint."""

    number: int
    hint: str | None


def cloze_parts(text: str, asked: Sequence[int] | None = None) -> list[str | Gap]:
    """The cloze text as text pieces and `Gap`s, for typing the blanks inline.

    Blanks not in `asked` (a review card asks one) are filled in with their answer;
    `asked` None asks every blank.
    """
    parts: list[str | Gap] = []
    start = shown = 0
    for index, match in enumerate(CLOZE_BLANK.finditer(text)):
        parts.append(text[start : match.start()])
        answer, _, hint = match.group(1).partition("|")
        if asked is not None and index not in asked:
            parts.append(answer.strip())
        else:
            parts.append(Gap(shown, hint.strip() or None))
            shown += 1
        start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part != ""]


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
    """The order to show choices, order items or match partners in; None for other kinds.

    Choices follow the question's or deck's `shuffle`; order items and match
    partners are always shuffled (in their written order they give the answer
    away), and never left in the right order when they can be moved.
    """
    rng = random.Random(f"{seed}:{question.kind}:{getattr(question, 'prompt', '')}")
    if isinstance(question, _WithChoices):
        choices = list(question.choices)
        shuffle = deck.shuffle if question.shuffle is None else question.shuffle
        if shuffle:
            rng.shuffle(choices)
        return choices
    if isinstance(question, Order):
        return _derange(list(question.items), rng)
    if isinstance(question, Match):
        return _derange([right for _, right in question.pairs], rng)
    return None


def _derange(items: list[str], rng: random.Random) -> list[str]:
    """`items` shuffled and, if the shuffle left them as written, rotated by one."""
    original = list(items)
    rng.shuffle(items)
    return items[1:] + items[:1] if items == original else items
