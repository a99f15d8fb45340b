"""Card actions in the store: suspend, bury, flag, forget, set due, leeches, their undo, and
the card text the browser searches."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.config import Settings
from quiz.core.card_state import CardMarks, CardState, Flag, Phase
from quiz.core.cards import cards_of
from quiz.core.days import study_day
from quiz.core.deckfile.loading import parse_deck
from quiz.core.outline import QUESTION_KINDS
from quiz.core.queue import todays_queue
from quiz.core.reconcile import card_text
from quiz.core.scheduling import Grade
from quiz.core.storage import Store
from quiz.core.storage.card_actions import leech_due
from quiz.core.study import ReviewSession
from quiz.errors import StoreConflict, StoreError

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)
TODAY = study_day(NOW, 4, timezone.utc)
KEYS = ["a", "b", "c:blank-1", "c:blank-2", "d"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "quiz.sqlite3", now=NOW) as opened:
        opened.reconcile_deck(
            "geo",
            title="Geo",
            path=None,
            content_hash=None,
            card_keys=KEYS,
            question_count=4,
            now=NOW,
        )
        yield opened


def studied(due: datetime) -> CardState:
    return CardState(Phase.REVIEW, None, 4.0, 5.0, due, NOW - timedelta(days=4), 3, 1)


def queue_keys(store: Store) -> set[str]:
    """The cards of today's review queue."""
    queue = todays_queue(store, "geo", Settings(), TODAY)
    return {row.card_key for row in (*queue.learning, *queue.reviews, *queue.new)}


def test_suspended_cards_leave_every_queue_and_count_until_unsuspended(store: Store) -> None:
    store.record_review(
        "geo", "a", after=studied(NOW), grade=3, reviewed_at=NOW - timedelta(days=4)
    )
    result = store.suspend([("geo", "a"), ("geo", "b"), ("geo", "b")], now=NOW)
    assert (result.changed, result.unchanged) == (2, 0)
    assert store.count_due(["geo"], until=NOW) == 0
    assert store.count_new(["geo"]) == 3
    assert [c.card_key for c in store.new_cards(["geo"], limit=10)] == [
        "c:blank-1",
        "c:blank-2",
        "d",
    ]
    assert store.next_due(["geo"]) is None
    assert "a" not in queue_keys(store) and "b" not in queue_keys(store)
    card = store.card("geo", "a")
    assert card is not None and card.marks == CardMarks(suspended=True)
    again = store.suspend([("geo", "a")], now=NOW)
    assert (again.batch, again.changed, again.unchanged) == (None, 0, 1)
    store.unsuspend([("geo", "a")], now=NOW)
    assert store.count_due(["geo"], until=NOW) == 1


def test_a_buried_card_returns_on_the_day_it_was_buried_until(store: Store) -> None:
    tomorrow = TODAY.date + timedelta(days=1)
    store.bury([("geo", "d")], until=tomorrow, now=NOW)
    assert store.count_new(["geo"], on=TODAY.date) == 4
    assert store.count_new(["geo"], on=tomorrow) == 5
    card = store.card("geo", "d")
    assert card is not None and card.marks.buried_on(TODAY.date)
    assert not card.marks.buried_on(tomorrow)
    store.unbury([("geo", "d")], now=NOW)
    assert store.count_new(["geo"], on=TODAY.date) == 5


def test_flags_forget_and_set_due(store: Store) -> None:
    store.record_review(
        "geo", "a", after=studied(NOW + timedelta(days=3)), grade=3, reviewed_at=NOW
    )
    store.set_flag([("geo", "a")], Flag.GREEN, now=NOW)
    card = store.card("geo", "a")
    assert card is not None and card.marks.flag is Flag.GREEN
    moved = store.set_due([("geo", "a"), ("geo", "b")], due=NOW, now=NOW)
    assert (moved.changed, moved.unchanged) == (1, 1)  # "b" is new: it has no schedule to move
    assert store.count_due(["geo"], until=NOW) == 1
    store.forget([("geo", "a")], now=NOW)
    card = store.card("geo", "a")
    assert card is not None
    assert (card.state.state, card.state.due, card.state.reps, card.state.lapses) == (
        Phase.NEW,
        None,
        3,
        1,
    )
    assert card.marks.flag is Flag.GREEN  # forgetting the schedule keeps the learner's flag
    store.forget([("geo", "a")], now=NOW, reset_counts=True)
    card = store.card("geo", "a")
    assert card is not None and (card.state.reps, card.state.lapses) == (0, 0)
    assert [e.kind for e in store.card_events("geo", "a")] == [
        "flag",
        "set-due",
        "forget",
        "forget",
    ]


def test_undo_takes_back_a_whole_action_and_only_once(store: Store) -> None:
    before = {key: store.card("geo", key) for key in KEYS}
    result = store.suspend([("geo", "a"), ("geo", "d")], now=NOW)
    assert result.batch is not None
    restored = store.undo_card_action(result.batch)
    assert [(c.card_key, c.marks.suspended) for c in restored] == [("a", False), ("d", False)]
    assert {key: store.card("geo", key) for key in KEYS} == before
    assert store.card_events("geo", "a") == []
    with pytest.raises(StoreError, match="already undone"):
        store.undo_card_action(result.batch)


def test_an_undo_that_would_overwrite_a_later_change_is_refused_whole(store: Store) -> None:
    first = store.set_flag([("geo", "a"), ("geo", "b")], Flag.RED, now=NOW)
    store.set_flag([("geo", "b")], Flag.BLUE, now=NOW)
    assert first.batch is not None
    with pytest.raises(StoreConflict):
        store.undo_card_action(first.batch)
    flags = [store.card("geo", key).marks.flag for key in ("a", "b")]  # type: ignore[union-attr]
    assert flags == [Flag.RED, Flag.BLUE]  # nothing changed, not even "a"


def test_undoing_a_flag_keeps_an_answer_given_since(store: Store) -> None:
    flagged = store.set_flag([("geo", "a")], Flag.ORANGE, now=NOW)
    store.record_review(
        "geo", "a", after=studied(NOW + timedelta(days=2)), grade=3, reviewed_at=NOW
    )
    assert flagged.batch is not None
    (card,) = store.undo_card_action(flagged.batch)
    assert card.marks.flag is Flag.NONE and card.state.state is Phase.REVIEW


@pytest.mark.parametrize(
    ("before", "after", "threshold", "leech"),
    [
        (7, 8, 8, True),  # the threshold's lapse
        (8, 8, 8, False),  # no new lapse
        (8, 9, 8, False),
        (11, 12, 8, True),  # every half threshold after it
        (15, 16, 8, True),
        (0, 1, 1, True),
        (1, 2, 1, True),
        (2, 3, 3, True),
        (3, 4, 3, True),  # half of 3 rounds down to 1
        (6, 7, 8, False),
    ],
)
def test_leech_rule(before: int, after: int, threshold: int, leech: bool) -> None:
    assert leech_due(CardState(lapses=before), CardState(lapses=after), threshold) is leech


LEECH_DECK = """
[deck]
id = "leechy"
title = "Leechy"

[[questions]]
id = "hard"
kind = "flashcard"
prompt = "What is the capital of Burkina Faso?"
answer = "Ouagadougou"
tags = ["africa"]
"""


@pytest.mark.parametrize("action", ["mark", "suspend"])
def test_a_leech_is_marked_with_the_answer_and_undone_with_it(tmp_path: Path, action: str) -> None:
    deck = parse_deck(LEECH_DECK, "leechy.toml")
    clock = [NOW]
    options = Settings(leech_threshold=2, leech_action=action, fuzz=False)
    with Store.open(tmp_path / "q.sqlite3", now=NOW) as store:
        session = ReviewSession(
            store, deck, options, lambda: clock[0], tz=timezone.utc, daily_backup=False
        )
        outcomes = []
        for grade in (Grade.Good, Grade.Good, Grade.Again, Grade.Good, Grade.Good, Grade.Again):
            state = store.card_state("leechy", "hard")
            assert state is not None
            if state.due is not None:
                clock[0] = max(clock[0], state.due) + timedelta(days=1)
            session = ReviewSession(
                store, deck, options, lambda: clock[0], tz=timezone.utc, daily_backup=False
            )
            card = session.next_card()
            assert card is not None
            outcomes.append(session.answer(card, grade))
        assert [o.after.lapses for o in outcomes][-1] == 2
        assert [o.leech for o in outcomes] == [False, False, False, False, False, True]
        card_record = store.card("leechy", "hard")
        assert card_record is not None
        assert card_record.marks == CardMarks(leech=True, suspended=action == "suspend")
        (event,) = store.card_events("leechy", "hard")
        assert (event.kind, event.review_id) == ("leech", outcomes[-1].review_id)
        session.undo()
        card_record = store.card("leechy", "hard")
        assert card_record is not None and card_record.marks == CardMarks()
        assert store.card_events("leechy", "hard") == []


def test_card_text_is_stored_searchable_and_follows_edits(tmp_path: Path) -> None:
    deck = parse_deck(LEECH_DECK, "leechy.toml")
    with Store.open(tmp_path / "q.sqlite3", now=NOW) as store:
        ReviewSession(store, deck, Settings(), lambda: NOW, daily_backup=False, content_hash="1")
        search = (
            "SELECT t.card_key FROM card_search JOIN card_texts t ON t.id = card_search.rowid"
            " WHERE card_search MATCH ?"
        )
        assert store.read(search, ("ouaga*",)) == [("hard",)]
        assert store.read(search, ("africa",)) == [("hard",)]
        edited = parse_deck(LEECH_DECK.replace("Ouagadougou", "Wagadugu"), "leechy.toml")
        ReviewSession(store, edited, Settings(), lambda: NOW, daily_backup=False, content_hash="2")
        assert store.read(search, ("ouaga*",)) == []
        assert store.read(search, ("wagadugu",)) == [("hard",)]
        assert store.read("SELECT count(*) FROM card_texts") == [(1,)]


EVERY_KIND = """
[deck]
id = "kinds"
title = "Every kind"

[[questions]]
id = "f"
kind = "flashcard"
prompt = "Front"
answer = "Back"
reverse = true

[[questions]]
id = "s"
kind = "short"
prompt = "Capital of Peru?"
answer = "Lima"

[[questions]]
id = "c"
kind = "choice"
prompt = "Largest ocean?"
choices = ["Pacific", "Atlantic"]
answer = "Pacific"

[[questions]]
id = "m"
kind = "multi"
prompt = "Primes?"
choices = ["2", "3", "4"]
answers = ["2", "3"]

[[questions]]
id = "t"
kind = "truefalse"
prompt = "Water is wet."
answer = true

[[questions]]
id = "n"
kind = "numeric"
prompt = "Boiling point of water?"
answer = 100
unit = "°C"

[[questions]]
id = "z"
kind = "cloze"
text = "{{Paris|city}} is the capital of {{France}}."

[[questions]]
id = "o"
kind = "order"
prompt = "Smallest first"
items = ["1", "2", "3"]

[[questions]]
id = "p"
kind = "match"
prompt = "Match capitals"
pairs = [["France", "Paris"], ["Peru", "Lima"]]
"""


def test_card_text_of_every_kind() -> None:
    texts = {card.key: card_text(card) for card in cards_of(parse_deck(EVERY_KIND, "k.toml"))}
    assert {key: (t.prompt, t.answer) for key, t in texts.items()} == {
        "f": ("Front", "Back"),
        "f:reverse": ("Back", "Front"),
        "s": ("Capital of Peru?", "Lima"),
        "c": ("Largest ocean?", "Pacific"),
        "m": ("Primes?", "2; 3"),
        "t": ("Water is wet.", "True"),
        "n": ("Boiling point of water?", "100 °C"),
        "z:blank-1": ("Paris is the capital of France.", "Paris"),
        "z:blank-2": ("Paris is the capital of France.", "France"),
        "o": ("Smallest first", "1 → 2 → 3"),
        "p": ("Match capitals", "France = Paris; Peru = Lima"),
    }
    assert {t.kind for t in texts.values()} == set(QUESTION_KINDS)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["suspend", "unsuspend", "bury", "unbury", "flag", "forget", "set-due"]),
        st.lists(st.sampled_from(KEYS), min_size=1, max_size=3),
        st.sampled_from(list(Flag)),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(operations=OPERATIONS)
def test_undoing_every_action_newest_first_restores_every_card(
    operations: list[tuple[str, list[str], Flag]],
) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "q.sqlite3", now=NOW) as store,
    ):
        store.reconcile_deck(
            "geo",
            title="Geo",
            path=None,
            content_hash=None,
            card_keys=KEYS,
            question_count=4,
            now=NOW,
        )
        store.record_review("geo", "a", after=studied(NOW), grade=3, reviewed_at=NOW)
        undo_all_restores(store, operations)


def undo_all_restores(store: Store, operations: list[tuple[str, list[str], Flag]]) -> None:
    """Apply the actions, undo them newest first, and find every card as it was."""
    start = {key: store.card("geo", key) for key in KEYS}
    batches = []
    for kind, keys, flag in operations:
        refs = [("geo", key) for key in keys]
        if kind == "suspend":
            result = store.suspend(refs, now=NOW)
        elif kind == "unsuspend":
            result = store.unsuspend(refs, now=NOW)
        elif kind == "bury":
            result = store.bury(refs, until=TODAY.date + timedelta(days=1), now=NOW)
        elif kind == "unbury":
            result = store.unbury(refs, now=NOW)
        elif kind == "flag":
            result = store.set_flag(refs, flag, now=NOW)
        elif kind == "forget":
            result = store.forget(refs, now=NOW)
        else:
            result = store.set_due(refs, due=NOW + timedelta(days=9), now=NOW)
        assert result.changed + result.unchanged == len(set(keys))
        if result.batch is not None:
            batches.append(result.batch)
    for batch in reversed(batches):
        store.undo_card_action(batch)
    assert {key: store.card("geo", key) for key in KEYS} == start
    assert store.read("SELECT count(*) FROM card_events") == [(0,)]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("flag", 9),
        ("flag", "red"),
        ("suspended", 2),
        ("leech", -1),
        ("buried_until", "tomorrow"),
        ("buried_until", "2026-02-30"),
        ("buried_until", 20260303),
    ],
)
def test_doctor_clears_marks_no_quiz_wrote(store: Store, column: str, value: object) -> None:
    store.set_flag([("geo", "b")], Flag.BLUE, now=NOW)
    store._db.execute(f"UPDATE cards SET {column} = ? WHERE card_key = 'a'", (value,))
    with pytest.raises(StoreError, match="doctor --repair"):
        store.card("geo", "a")
    found = store.doctor(repair=False, now=NOW)
    assert [(f.check, f.count) for f in found.findings] == [("bad-card-marks", 1)]
    store.doctor(repair=True, now=NOW)
    card = store.card("geo", "a")
    assert card is not None and card.marks == CardMarks()
    assert store.card("geo", "b").marks.flag is Flag.BLUE  # type: ignore[union-attr]
    assert store.doctor(repair=True, now=NOW).findings == []


def test_a_missing_index_a_query_names_points_at_doctor(store: Store) -> None:
    from quiz.core.stats import collect

    store._db.execute("DROP INDEX cards_leech")
    with pytest.raises(StoreError, match=r"lacks an index.*doctor --repair"):
        collect(store, None, now=NOW)
    assert [f.check for f in store.doctor(repair=True, now=NOW).findings] == ["missing-index"]
    assert collect(store, None, now=NOW).cards.leeches == 0
