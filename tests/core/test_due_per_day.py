"""`Store.due_per_day`: the load balancer's count of cards due on each coming study day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.core.card_state import CardState, Phase
from quiz.core.storage import Store

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)
DAY = timedelta(days=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "quiz.sqlite3", now=NOW) as opened:
        for deck, keys in (("geo", ["a", "b", "c", "d", "e"]), ("art", ["x", "y"])):
            opened.reconcile_deck(
                deck, title=deck, path=None, content_hash=None, card_keys=keys,
                question_count=len(keys), now=NOW,
            )  # fmt: skip
        yield opened


def due_in(store: Store, deck: str, key: str, days: float, phase: Phase = Phase.REVIEW) -> None:
    after = CardState(
        state=phase, stability=5.0, difficulty=5.0, due=NOW + days * DAY, last_review=NOW, reps=1
    )
    store.record_review(deck, key, after=after, grade=3, reviewed_at=NOW)


def days_ahead(count: int) -> list[tuple[datetime, datetime]]:
    return [(NOW + i * DAY, NOW + (i + 1) * DAY) for i in range(count)]


def test_counts_each_day_for_one_deck_or_all(store: Store) -> None:
    due_in(store, "geo", "a", 0.5)
    due_in(store, "geo", "b", 1.2)
    due_in(store, "geo", "c", 1.9)
    due_in(store, "geo", "d", 3.0)  # exactly the start of day 3
    due_in(store, "geo", "e", 0.1, Phase.RELEARNING)
    due_in(store, "art", "x", 1.5)
    assert store.due_per_day(["geo"], days_ahead(4)) == [2, 2, 0, 1]
    assert store.due_per_day(None, days_ahead(4)) == [2, 3, 0, 1]
    assert store.due_per_day(["geo", "art"], days_ahead(4)) == [2, 3, 0, 1]
    assert store.due_per_day([], days_ahead(2)) == [0, 0]
    assert store.due_per_day(None, []) == []


def test_orphaned_and_new_cards_are_not_counted(store: Store) -> None:
    due_in(store, "art", "x", 0.5)
    due_in(store, "art", "y", 0.5)
    store.reconcile_deck(
        "art", title="art", path=None, content_hash=None, card_keys=["x"], question_count=1,
        now=NOW,
    )  # fmt: skip
    assert store.due_per_day(["art"], days_ahead(1)) == [1]
    assert store.due_per_day(["geo"], days_ahead(1)) == [0]  # five new cards, none due


@pytest.mark.parametrize("deck_ids", [["geo"], None])
def test_reads_the_due_index_alone(store: Store, deck_ids: list[str] | None) -> None:
    plans: list[str] = []
    real_rows = Store._rows

    def explained(self: Store, sql: str, params: object = ()) -> list[object]:
        plans.extend(
            row[3]
            for row in self._db.execute(f"EXPLAIN QUERY PLAN {sql}", params)  # type: ignore[arg-type]
        )
        return real_rows(self, sql, params)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "_rows", explained)
        store.due_per_day(deck_ids, days_ahead(3))
    searches = [plan for plan in plans if "cards" in plan and "SEARCH" in plan]
    index = "cards_deck_due" if deck_ids else "cards_due"
    assert searches and all(f"COVERING INDEX {index}" in plan for plan in searches), plans


def test_studied_states_are_one_decks_studied_cards(store: Store) -> None:
    due_in(store, "geo", "a", 2.0)
    due_in(store, "geo", "b", 3.0, Phase.RELEARNING)
    due_in(store, "art", "x", 1.0)
    states = store.studied_states("geo")
    assert sorted((s.state, s.due) for s in states) == [
        (Phase.REVIEW, NOW + 2 * DAY),
        (Phase.RELEARNING, NOW + 3 * DAY),
    ]
    assert store.studied_states("nothing") == []


def test_suspended_cards_are_not_counted(store: Store) -> None:
    due_in(store, "geo", "a", 0.5)
    due_in(store, "geo", "b", 0.5)
    store.suspend([("geo", "a")], now=NOW)
    assert store.due_per_day(["geo"], days_ahead(1)) == [1]
