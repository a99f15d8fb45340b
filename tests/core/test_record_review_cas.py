"""`record_review(expect_before=...)` is a compare-and-set on every state column.

The study loop passes the state it showed instead of letting the store read the
card again; these tests pin that the conditional update accepts exactly the
stored state, whatever its values, and refuses any other without writing.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.card_state import CardState, Phase
from quiz.core.storage import Store
from quiz.errors import StoreConflict, StoreError

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
)
states = st.builds(
    CardState,
    state=st.sampled_from(list(Phase)),
    step=st.none() | st.integers(0, 3),
    stability=st.none() | st.floats(0.0, 36500, allow_nan=False),
    difficulty=st.none() | st.floats(1, 10, allow_nan=False),
    due=st.none() | moments,
    last_review=st.none() | moments,
    reps=st.integers(0, 10_000),
    lapses=st.integers(0, 1000),
)
AFTER = CardState(
    state=Phase.REVIEW, stability=3.0, difficulty=5.0, due=NOW + timedelta(days=3), last_review=NOW
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("cas") / "q.sqlite3"
    with Store.open(path, now=NOW, synchronous="NORMAL") as opened:
        opened.reconcile_deck(
            "d", title="D", path=None, content_hash=None, card_keys=["a"], question_count=1, now=NOW
        )
        yield opened


def put(store: Store, state: CardState) -> CardState:
    """Store `state` as card a's (an answer without a check), and return it as read back."""
    store.record_review("d", "a", after=state, grade=3, reviewed_at=NOW)
    shown = store.card_state("d", "a")
    assert shown == state
    return shown


def log_size(store: Store) -> int:
    return int(store.read("SELECT count(*) FROM reviews")[0][0])


@settings(max_examples=60, deadline=None)
@given(states)
def test_the_state_read_back_always_matches(store: Store, state: CardState) -> None:
    shown = put(store, state)
    review_id = store.record_review(
        "d", "a", after=AFTER, grade=3, reviewed_at=NOW, expect_before=shown
    )
    logged = store.review(review_id)
    assert logged is not None
    assert (logged.before, logged.after, logged.state_before) == (state, AFTER, state.state)
    assert store.card_state("d", "a") == AFTER


changes = {
    "state": lambda s: s.state % 3 + 1,
    "step": lambda s: 7 if s.step is None else None,
    # The next float up: a relative nudge vanishes for subnormal values (found by hypothesis).
    "stability": lambda s: math.nextafter(s.stability or 1.0, math.inf),
    "difficulty": lambda s: None if s.difficulty is not None else 5.0,
    "due": lambda s: (s.due or NOW) + timedelta(microseconds=1),
    "last_review": lambda s: None if s.last_review is not None else NOW,
    "reps": lambda s: s.reps + 1,
    "lapses": lambda s: s.lapses + 1,
}


@pytest.mark.parametrize("field", sorted(changes))
@settings(max_examples=10, deadline=None)
@given(state=states)
def test_any_other_state_is_a_conflict_and_writes_nothing(
    store: Store, field: str, state: CardState
) -> None:
    shown = put(store, state)
    stale = dataclasses.replace(shown, **{field: changes[field](shown)})
    rows = log_size(store)
    with pytest.raises(StoreConflict):
        store.record_review("d", "a", after=AFTER, grade=3, reviewed_at=NOW, expect_before=stale)
    assert store.card_state("d", "a") == state
    assert log_size(store) == rows


def test_an_unknown_card_is_not_reported_as_a_conflict(store: Store) -> None:
    with pytest.raises(StoreError, match="reconcile the deck first") as caught:
        store.record_review(
            "d", "nope", after=AFTER, grade=3, reviewed_at=NOW, expect_before=CardState()
        )
    assert not isinstance(caught.value, StoreConflict)


def test_an_invalid_stored_state_names_doctor(tmp_path: Path) -> None:
    with Store.open(tmp_path / "q.sqlite3", now=NOW) as store:
        store.reconcile_deck(
            "d", title="D", path=None, content_hash=None, card_keys=["a"], question_count=1, now=NOW
        )
        store._db.execute("UPDATE cards SET state = 9")
        with pytest.raises(StoreError, match=r"card d/a has an invalid saved state.*doctor"):
            store.card_state("d", "a")
