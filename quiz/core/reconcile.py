"""Bringing the store's cards in line with a parsed deck (one call for every caller), with
the text of each card that the card browser shows and searches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from quiz.core.cards import Card, CardText, valid_until_of
from quiz.core.checking import expected_text
from quiz.core.models import CLOZE_BLANK, Cloze, Deck, Flashcard
from quiz.core.storage import ReconcileResult, Store


def reconcile_if_changed(
    store: Store,
    deck: Deck,
    cards: Mapping[str, Card],
    *,
    path: str | None,
    content_hash: str | None,
    now: datetime,
) -> None:
    """`reconcile_cards`, unless the store took this very file last time (same content hash,
    path and card count): opening an unchanged deck then costs one query, no card text."""
    known = store.deck(deck.deck.id)
    if (
        content_hash is not None
        and known is not None
        and known.content_hash == content_hash
        and known.card_count == len(cards)
        and known.path == path
    ):
        return
    reconcile_cards(
        store, deck, list(cards.values()), path=path, content_hash=content_hash, now=now
    )


def reconcile_cards(
    store: Store,
    deck: Deck,
    cards: Sequence[Card],
    *,
    path: str | None,
    content_hash: str | None,
    now: datetime,
) -> ReconcileResult:
    """Store `cards` (every card of `deck`, in order) with their stale dates and the text
    the card browser searches; see `Store.reconcile_deck`."""
    return store.reconcile_deck(
        deck.deck.id,
        title=deck.deck.title,
        path=path,
        content_hash=content_hash,
        card_keys=[card.key for card in cards],
        question_count=len(deck.questions),
        now=now,
        meta_json=deck.deck.model_dump_json(),  # a synced answer records the deck's retention
        valid_until=valid_until_of(cards),
        texts={card.key: card_text(card) for card in cards},
    )


def card_text(card: Card) -> CardText:
    """A card's prompt as asked and its answer as one line (`expected_text`); a cloze's
    prompt is its text with every blank filled in, so any of its words finds it."""
    question = card.question
    tags = " ".join(question.tags)
    answer = expected_text(card)
    if isinstance(question, Cloze):
        filled = CLOZE_BLANK.sub(
            lambda blank: blank.group(1).partition("|")[0].strip(), question.text
        )
        return CardText(question.kind, tags, filled, answer)
    if isinstance(question, Flashcard) and card.side == "back":  # asks the answer side
        return CardText(question.kind, tags, question.answer, answer)
    return CardText(question.kind, tags, question.prompt, answer)
