"""Bringing the store's cards in line with a parsed deck: one call for every caller."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from quiz.core.cards import Card, card_text, valid_until_of
from quiz.core.models import Deck
from quiz.core.storage import ReconcileResult, Store


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
        valid_until=valid_until_of(cards),
        texts={card.key: card_text(card) for card in cards},
    )
