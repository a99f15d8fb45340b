"""`QuizSession(questions=...)`: a retry asks exactly the questions given, in that order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz.core.library import load
from quiz.core.storage import Store
from quiz.core.study import QuizSession

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=NOW) as opened:
        yield opened


def test_retry_asks_exactly_the_given_questions(store: Store) -> None:
    deck = load(ROOT / "decks" / "chemistry-elements.toml").deck
    missed = [deck.questions[4], deck.questions[1]]
    session = QuizSession(store, deck, questions=missed, count=1, tags=["nope"], now=lambda: NOW)
    assert session.questions == missed
    summary = session.finish()
    assert summary.max_score == sum(q.points for q in missed)


def test_retry_refuses_questions_of_another_deck(store: Store) -> None:
    deck = load(ROOT / "decks" / "chemistry-elements.toml").deck
    other = load(ROOT / "decks" / "belarus-prisoner-release-2025.toml").deck
    with pytest.raises(ValueError, match="questions of the deck"):
        QuizSession(store, deck, questions=[other.questions[0]], now=lambda: NOW)


def test_given_questions_keep_their_order_unless_shuffled(store: Store) -> None:
    """A cram pass asks its questions shuffled with the recorded seed: the same seed gives
    the same order, and some seed gives an order other than the deck's."""
    deck = load(ROOT / "decks" / "chemistry-elements.toml").deck
    given = list(deck.questions)
    kept = QuizSession(store, deck, questions=given, seed=3, now=lambda: NOW)
    assert kept.questions == given
    orders = [
        [
            q.id
            for q in QuizSession(
                store, deck, questions=given, shuffle=True, seed=seed, now=lambda: NOW
            ).questions
        ]
        for seed in (1, 1, 2)
    ]
    assert orders[0] == orders[1]
    assert sorted(orders[0]) == sorted(q.id for q in given)
    assert orders[0] != [q.id for q in given] or orders[2] != [q.id for q in given]
