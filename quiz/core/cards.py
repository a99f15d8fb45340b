"""Cards: the units that are studied and scheduled, derived from a deck's questions.

Most questions are one card. A flashcard with `reverse = true` is two (front and
back), and a cloze is one card per blank. Each card has a stable key, so review
history follows a question when its text is edited or the questions reordered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from quiz.core.lazy_questions import LazyQuestions
from quiz.core.models import Cloze, Deck, Flashcard, Question
from quiz.core.text import normalize

CardSide = Literal["front", "back"]


def question_identity(question: Question) -> str:
    """The question's `id`, or a hash of its normalised prompt when it has none.

    The hash changes when the prompt is edited, which loses history: that is why
    `quiz check` warns about questions without an id.
    """
    if question.id is not None:
        return question.id
    basis = question.text if isinstance(question, Cloze) else question.prompt
    digest = hashlib.sha1(f"{question.kind}\n{normalize(basis)}".encode()).hexdigest()
    return f"h-{digest[:12]}"


@dataclass(frozen=True, slots=True)
class CardText:
    """A card's text as the store keeps it for the card browser and its search."""

    kind: str
    tags: str
    prompt: str
    answer: str


@dataclass(frozen=True, slots=True)
class Card:
    """One studyable unit of a question.

    `blank` is the 0-based cloze blank this card asks for; `side` is "back" for
    the reversed card of a flashcard.
    """

    key: str
    question: Question
    blank: int | None = None
    side: CardSide = "front"

    @property
    def question_key(self) -> str:
        """The identity of the question this card belongs to (shared by siblings)."""
        return self.key.split(":", 1)[0]


def cards_of_question(question: Question) -> list[Card]:
    """The cards one question yields, keyed `ID`, `ID:reverse` or `ID:blank-N` (1-based)."""
    identity = question_identity(question)
    if isinstance(question, Cloze):
        return [
            Card(key=f"{identity}:blank-{n + 1}", question=question, blank=n)
            for n in range(len(question.blanks))
        ]
    cards = [Card(key=identity, question=question)]
    if isinstance(question, Flashcard) and question.reverse:
        cards.append(Card(key=f"{identity}:reverse", question=question, side="back"))
    return cards


def whole_card(question: Question) -> Card:
    """The card a quiz asks: the whole question, one card covering every cloze blank."""
    return Card(key=question_identity(question), question=question)


def cards_of(deck: Deck) -> list[Card]:
    """Every card of a deck, in deck order."""
    return [card for question in deck.questions for card in cards_of_question(question)]


def cards_by_key(deck: Deck) -> Mapping[str, Card]:
    """Every card of a deck by key; a deck from the cache builds a card only when asked."""
    if isinstance(deck.questions, LazyQuestions):
        return deck.questions.cards()
    return {card.key: card for card in cards_of(deck)}


def stale_questions(deck: Deck, day: date) -> list[Question]:
    """The questions whose facts no longer hold on study day `day`, in deck order."""
    if isinstance(deck.questions, LazyQuestions):
        return deck.questions.stale_on(day)
    return [question for question in deck.questions if question.stale_on(day)]


def valid_until_of(cards: Iterable[Card]) -> dict[str, date]:
    """Card key -> the last day its question holds, for the cards whose question has one
    (what `Store.reconcile_deck` stores so the queues leave stale cards out)."""
    limits = {}
    for card in cards:
        if card.question.valid_until is not None:
            limits[card.key] = card.question.valid_until
    return limits
