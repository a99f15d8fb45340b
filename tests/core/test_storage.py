"""The study store: opening and refusing files, reconciling decks, answers, undo, queues, doctor."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.config import Settings
from quiz.core.card_state import CardState, Phase
from quiz.core.days import study_day
from quiz.core.queue import todays_queue
from quiz.core.storage import SCHEMA_VERSION, DeckFileRecord, Store, from_us, schema, to_us
from quiz.core.storage.doctor import _CANONICAL_STATE
from quiz.core.storage.encoding import state_from_json, state_to_json
from quiz.errors import StoreConflict, StoreError

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)
KEYS = ["capital", "capital:reverse", "river:blank-1", "river:blank-2", "year"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "quiz.sqlite3"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store.open(db, now=NOW) as opened:
        opened.reconcile_deck(
            "geo",
            title="Geography",
            path="decks/geo.toml",
            content_hash="h1",
            card_keys=KEYS,
            question_count=3,
            now=NOW,
        )
        yield opened


def reviewed(reps: int, due: datetime, state: Phase = Phase.REVIEW) -> CardState:
    return CardState(
        state=state,
        step=0 if state == Phase.LEARNING else None,
        stability=1.5 + reps,
        difficulty=5.25,
        due=due,
        last_review=NOW,
        reps=reps,
        lapses=0,
    )


def answer(store: Store, key: str, after: CardState, when: datetime = NOW) -> int:
    return store.record_review("geo", key, after=after, grade=3, reviewed_at=when)


# --- time -------------------------------------------------------------------------------


@given(st.datetimes(timezones=st.timezones()))
def test_times_round_trip_exactly_through_microseconds(moment: datetime) -> None:
    # Compared in UTC: Python never calls a time inside a DST fold equal across zones.
    assert from_us(to_us(moment)) == moment.astimezone(timezone.utc)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_us(datetime(2026, 1, 1))


# --- opening ----------------------------------------------------------------------------


def test_open_creates_folders_and_sets_durable_pragmas(db: Path) -> None:
    with Store.open(db, now=NOW) as store:
        pragmas = {
            name: store.read(f"SELECT * FROM pragma_{name}")[0][0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "user_version")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "user_version": SCHEMA_VERSION,
    }


def test_synchronous_normal_is_a_setting(db: Path) -> None:
    with Store.open(db, now=NOW, synchronous="NORMAL") as store:
        assert store.read("SELECT * FROM pragma_synchronous") == [(1,)]


def test_newer_schema_is_refused_and_left_untouched(db: Path) -> None:
    Store.open(db, now=NOW).close()
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.close()
    before = db.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store.open(db, now=NOW)
    assert str(caught.value) == (
        f"{db} was made by a newer quiz (schema {SCHEMA_VERSION + 5}); this quiz knows up to "
        f"{SCHEMA_VERSION}; nothing was changed. Upgrade quiz to use it."
    )
    assert db.read_bytes() == before


def test_another_programs_sqlite_file_is_refused(db: Path) -> None:
    db.parent.mkdir(parents=True)
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="not a quiz one; nothing was changed"):
        Store.open(db, now=NOW)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: b"this is a text file, not a database\n" * 40, "file is not a database"),
        (lambda data: data[: len(data) // 2], "file is truncated"),
        (lambda data: data[:60], "file is truncated"),
        (lambda data: data[:100] + b"\x00" * (len(data) - 100), "malformed"),
    ],
    ids=["garbage", "half", "header-only", "zeroed-pages"],
)
def test_damaged_file_names_the_newest_backup_and_is_not_written(
    db: Path, damage: object, reason: str
) -> None:
    with Store.open(db, now=NOW) as store:
        store.reconcile_deck(
            "geo",
            title="G",
            path=None,
            content_hash=None,
            card_keys=KEYS,
            question_count=3,
            now=NOW,
        )
        store.backup_now("manual", now=NOW - timedelta(days=1))
        newest = store.backup_now("daily", now=NOW)
    assert callable(damage)
    db.write_bytes(damage(db.read_bytes()))
    before = db.read_bytes()
    with pytest.raises(StoreError) as caught, Store.open(db, now=NOW) as store:
        store.count_new(None)  # a damaged page may only show when it is read
    message = str(caught.value)
    assert message.startswith(f"{db} is damaged (")
    assert reason in message
    assert message.endswith(
        f"Newest sound backup: {newest}. Restore it with: quiz restore {newest}"
    )
    assert db.read_bytes() == before


def test_damaged_file_without_backups_says_so(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"garbage" * 100)
    with pytest.raises(StoreError, match="No sound backup exists; move the file aside"):
        Store.open(db, now=NOW)


def test_a_device_or_folder_in_the_databases_place_is_named_not_called_damaged(
    tmp_path: Path,
) -> None:
    with pytest.raises(StoreError, match=r"is not a regular file .*give --db a file path"):
        Store.open("/dev/null", now=NOW)
    folder = tmp_path / "quiz.sqlite3"
    folder.mkdir()
    with pytest.raises(StoreError, match="is a folder, not a database file"):
        Store.open(folder, now=NOW)


@pytest.mark.parametrize(
    ("writable", "free", "message"),
    [
        ({"file": False}, 10**9, "is read-only: quiz writes every answer to it"),
        ({"folder": False}, 10**9, "is read-only: quiz needs to create files beside"),
        ({}, 4096, "is full (4 KiB free): make room"),
    ],
)
def test_a_healthy_database_that_cannot_be_written_is_not_called_damaged(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    writable: dict[str, bool],
    free: int,
    message: str,
) -> None:
    """A read-only file or folder, or a full disk, makes SQLite fail as if the file were
    damaged ("disk I/O error"): the message says what is wrong and never advises moving a
    healthy database aside. (Permissions are simulated: tests may run as root.)"""
    from quiz.core.storage import connection

    with Store.open(db, now=NOW):
        pass

    def access(path: object, mode: int) -> bool:
        key = "file" if Path(str(path)) == db else "folder"
        return writable.get(key, True)

    monkeypatch.setattr(connection.os, "access", access)
    monkeypatch.setattr(
        connection.shutil, "disk_usage", lambda _: type("Usage", (), {"free": free})()
    )
    error = connection._damaged(db, "disk I/O error")
    assert message in str(error) and "damaged" not in str(error)
    assert "move the file aside" not in str(error)


def test_an_impossible_location_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open"):
        Store.open(blocker / "quiz.sqlite3", now=NOW)


def test_migrating_an_existing_database_backs_it_up_first(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db, now=NOW) as store:
        store.reconcile_deck(
            "geo",
            title="G",
            path=None,
            content_hash=None,
            card_keys=KEYS,
            question_count=3,
            now=NOW,
        )

    def add_notes(connection: sqlite3.Connection) -> None:
        connection.execute("ALTER TABLE cards ADD COLUMN note TEXT")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, add_notes])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    later = NOW + timedelta(days=3)
    with Store.open(db, now=later) as store:
        assert store.read("SELECT * FROM pragma_user_version") == [(SCHEMA_VERSION + 1,)]
        assert store.read("SELECT count(note) FROM cards") == [(0,)]
    backups = list((db.parent / "backups").iterdir())
    assert [path.name for path in backups] == ["quiz-20260305-083000-pre-migrate.sqlite3"]
    copy = sqlite3.connect(backups[0])
    assert copy.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert copy.execute("SELECT count(*) FROM cards").fetchone() == (len(KEYS),)
    copy.close()


def test_a_new_database_is_not_backed_up(db: Path) -> None:
    Store.open(db, now=NOW).close()
    assert not (db.parent / "backups").exists()


# --- decks ------------------------------------------------------------------------------


def test_removed_cards_are_orphaned_with_history_and_come_back(store: Store) -> None:
    after = reviewed(1, NOW + timedelta(days=2))
    answer(store, "river:blank-2", after)
    result = store.reconcile_deck(
        "geo",
        title="Geography",
        path="moved/geo.toml",
        content_hash="h2",
        card_keys=["year", "capital"],
        question_count=2,
        now=NOW,
    )
    assert (result.added, result.orphaned, result.restored) == (0, 3, 0)
    gone = store.card("geo", "river:blank-2")
    assert gone is not None and gone.orphaned and gone.state == after
    assert store.count_new(["geo"]) == 2
    assert store.due_cards(["geo"], until=NOW + timedelta(days=9), limit=10) == []

    result = store.reconcile_deck(
        "geo",
        title="Geography",
        path="moved/geo.toml",
        content_hash="h3",
        card_keys=["river:blank-2", "year", "capital", "new-one"],
        question_count=4,
        now=NOW,
    )
    assert (result.added, result.orphaned, result.restored) == (1, 0, 1)
    back = store.card("geo", "river:blank-2")
    assert back is not None and not back.orphaned and back.state == after
    assert back.position == 0
    assert [
        c.card_key for c in store.due_cards(["geo"], until=NOW + timedelta(days=9), limit=9)
    ] == ["river:blank-2"]
    deck = store.deck("geo")
    assert deck is not None and (deck.path, deck.card_count) == ("moved/geo.toml", 4)


def test_reconciling_the_same_keys_changes_nothing(store: Store) -> None:
    result = store.reconcile_deck(
        "geo",
        title="Geography",
        path="decks/geo.toml",
        content_hash="h1",
        card_keys=KEYS,
        question_count=3,
        now=NOW,
    )
    assert (result.added, result.orphaned, result.restored) == (0, 0, 0)


def test_duplicate_card_keys_are_a_caller_bug(store: Store) -> None:
    with pytest.raises(ValueError, match="duplicate"):
        store.reconcile_deck(
            "geo",
            title="G",
            path=None,
            content_hash=None,
            card_keys=["a", "a"],
            question_count=1,
            now=NOW,
        )


def test_question_key_is_shared_by_siblings(store: Store) -> None:
    card = store.card("geo", "river:blank-2")
    assert card is not None and card.question_key == "river"


def test_deck_file_cache_hits_only_on_same_size_and_mtime(store: Store) -> None:
    record = DeckFileRecord(
        path="/decks/geo.toml",
        size=120,
        mtime_ns=99,
        content_hash="h1",
        deck_id="geo",
        title="Geography",
        question_count=3,
        card_count=5,
        meta_json="{}",
        first_error=None,
        checked_at=NOW,
    )
    store.cache_deck_file(record)
    assert store.cached_deck_file("/decks/geo.toml", size=120, mtime_ns=99) == record
    assert store.cached_deck_file("/decks/geo.toml", size=121, mtime_ns=99) is None
    assert store.cached_deck_file("/decks/geo.toml", size=120, mtime_ns=100) is None


# --- answers and undo -------------------------------------------------------------------


def test_record_review_updates_card_and_log_together(store: Store) -> None:
    after = reviewed(1, NOW + timedelta(minutes=10), Phase.LEARNING)
    review_id = store.record_review(
        "geo",
        "capital",
        after=after,
        grade=2,
        reviewed_at=NOW,
        response='"Paris"',
        correct=False,
        duration_ms=4200,
    )
    assert store.card_state("geo", "capital") == after
    logged = store.review(review_id)
    assert logged is not None
    assert (logged.before, logged.after, logged.state_before) == (CardState(), after, Phase.NEW)
    assert (logged.grade, logged.response, logged.correct, logged.duration_ms) == (
        2,
        '"Paris"',
        False,
        4200,
    )


def test_undo_restores_the_exact_previous_state_and_drops_the_row(store: Store) -> None:
    first = reviewed(1, NOW + timedelta(days=1))
    answer(store, "year", first)
    second_id = answer(store, "year", reviewed(2, NOW + timedelta(days=4)))
    restored = store.undo_review(second_id)
    assert restored.state == first
    assert store.card_state("geo", "year") == first
    assert store.review(second_id) is None
    with pytest.raises(StoreError, match="does not exist"):
        store.undo_review(second_id)


def test_only_the_newest_answer_of_a_card_can_be_undone(store: Store) -> None:
    older = answer(store, "year", reviewed(1, NOW + timedelta(days=1)))
    answer(store, "year", reviewed(2, NOW + timedelta(days=3)))
    with pytest.raises(StoreError, match="not the newest"):
        store.undo_review(older)


def test_a_card_changed_elsewhere_is_a_conflict(store: Store) -> None:
    seen = store.card_state("geo", "year")
    answer(store, "year", reviewed(1, NOW + timedelta(days=1)))
    with pytest.raises(StoreConflict):
        store.record_review(
            "geo", "year", after=reviewed(1, NOW), grade=3, reviewed_at=NOW, expect_before=seen
        )
    assert store.read("SELECT count(*) FROM reviews") == [(1,)]


@pytest.mark.parametrize("grade", [0, 5])
def test_grades_outside_1_to_4_are_refused(store: Store, grade: int) -> None:
    with pytest.raises(ValueError, match="grade"):
        store.record_review("geo", "year", after=CardState(), grade=grade, reviewed_at=NOW)


def test_unknown_cards_cannot_be_answered(store: Store) -> None:
    with pytest.raises(StoreError, match="reconcile the deck first"):
        store.record_review("geo", "nope", after=CardState(), grade=3, reviewed_at=NOW)


states = st.builds(
    CardState,
    state=st.sampled_from([Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING]),
    step=st.none() | st.integers(0, 3),
    stability=st.floats(0.01, 36500, allow_nan=False),
    difficulty=st.floats(1, 10, allow_nan=False),
    due=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    ),
    last_review=st.none()
    | st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    ),
    reps=st.integers(0, 10_000),
    lapses=st.integers(0, 1000),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEYS), states), min_size=1, max_size=12))
def test_undoing_every_answer_walks_back_through_each_state(
    tmp_path_factory: pytest.TempPathFactory, answers: list[tuple[str, CardState]]
) -> None:
    path = tmp_path_factory.mktemp("undo") / "q.sqlite3"
    with Store.open(path, now=NOW, synchronous="NORMAL") as store:
        store.reconcile_deck(
            "geo",
            title="G",
            path=None,
            content_hash=None,
            card_keys=KEYS,
            question_count=3,
            now=NOW,
        )
        history = []
        for key, after in answers:
            history.append((key, store.card_state("geo", key), answer(store, key, after)))
            assert store.card_state("geo", key) == after
        for key, before, review_id in reversed(history):
            store.undo_review(review_id)
            assert store.card_state("geo", key) == before
        assert all(store.card_state("geo", key) == CardState() for key in KEYS)
        assert store.read("SELECT count(*) FROM reviews") == [(0,)]


# --- queue queries ----------------------------------------------------------------------


def test_due_cards_most_overdue_first_by_phase_with_limit(store: Store) -> None:
    answer(store, "year", reviewed(3, NOW - timedelta(days=1)))
    answer(store, "capital", reviewed(2, NOW - timedelta(days=5)))
    answer(store, "river:blank-1", reviewed(1, NOW - timedelta(minutes=2), Phase.LEARNING))
    answer(store, "river:blank-2", reviewed(1, NOW + timedelta(days=1)))
    keys = [c.card_key for c in store.due_cards(["geo"], until=NOW, limit=10)]
    assert keys == ["capital", "year", "river:blank-1"]
    assert [c.card_key for c in store.due_cards(None, until=NOW, limit=1)] == ["capital"]
    learning = store.due_cards(
        ["geo"], until=NOW, limit=10, phases=[Phase.LEARNING, Phase.RELEARNING]
    )
    assert [c.card_key for c in learning] == ["river:blank-1"]
    assert store.count_due(["geo"], until=NOW) == 3
    assert store.count_due(["geo"], until=NOW, phases=[Phase.REVIEW]) == 2
    assert store.due_cards(["other"], until=NOW, limit=10) == []


def test_due_cards_merge_decks_and_phases_by_due(store: Store) -> None:
    store.reconcile_deck(
        "hist",
        title="History",
        path=None,
        content_hash=None,
        card_keys=["x", "y"],
        question_count=2,
        now=NOW,
    )
    answer(store, "year", reviewed(1, NOW - timedelta(days=3)))
    answer(store, "capital", reviewed(1, NOW - timedelta(days=1), Phase.LEARNING))
    store.record_review(
        "hist", "x", after=reviewed(1, NOW - timedelta(days=2)), grade=3, reviewed_at=NOW
    )
    store.record_review(
        "hist",
        "y",
        after=reviewed(1, NOW - timedelta(hours=1), Phase.RELEARNING),
        grade=1,
        reviewed_at=NOW,
    )
    due = store.due_cards(["geo", "hist", "geo"], until=NOW, limit=3)
    assert [(c.deck_id, c.card_key) for c in due] == [
        ("geo", "year"),
        ("hist", "x"),
        ("geo", "capital"),
    ]
    assert store.due_cards(["geo", "hist"], until=NOW, limit=0) == []
    assert store.next_due(["hist"]) == NOW - timedelta(days=2)
    assert store.next_due(None) == NOW - timedelta(days=3)
    assert store.next_due(["nothing-studied"]) is None


def test_new_cards_in_deck_order_and_counts_of_today(store: Store) -> None:
    answer(store, "capital", reviewed(1, NOW + timedelta(days=1)), NOW - timedelta(hours=2))
    answer(store, "year", reviewed(1, NOW + timedelta(days=1)), NOW - timedelta(days=1))
    answer(store, "year", reviewed(2, NOW + timedelta(days=3)), NOW - timedelta(minutes=1))
    assert [c.card_key for c in store.new_cards(["geo"], limit=2)] == [
        "capital:reverse",
        "river:blank-1",
    ]
    assert store.count_new(["geo"]) == 3
    day_start = NOW - timedelta(hours=4)
    assert store.read(
        "SELECT state_before, count(*) FROM reviews WHERE reviewed_at >= ? GROUP BY 1",
        (to_us(day_start),),
    ) == [(0, 1), (2, 1)]
    assert store.question_keys_reviewed_since(None, day_start) == {
        ("geo", "capital"),
        ("geo", "year"),
    }


def test_a_negative_limit_is_refused_not_read_as_unlimited(store: Store) -> None:
    with pytest.raises(ValueError, match="limit"):
        store.new_cards(["geo"], limit=-1)
    with pytest.raises(ValueError, match="limit"):
        store.due_cards(["geo"], until=NOW, limit=-1)


def test_a_corrupt_card_row_is_a_store_error_naming_doctor(db: Path, store: Store) -> None:
    connection = sqlite3.connect(db)
    connection.execute("UPDATE cards SET reps = 'many' WHERE card_key = 'year'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match=r"card geo/year has an invalid saved state .*doctor"):
        store.card_state("geo", "year")
    with pytest.raises(StoreError, match="doctor --repair"):
        store.record_review("geo", "year", after=CardState(), grade=3, reviewed_at=NOW)


def test_one_deck_id_string_is_refused_as_a_sequence(store: Store) -> None:
    with pytest.raises(TypeError):
        store.count_new("geo")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("due_cards", "cards_deck_due"),
        ("due_cards_all", "cards_due"),
        ("new_cards", "cards_new"),
        ("todays_queue", "cards_deck_due"),
        ("todays_queue", "cards_new"),
        ("todays_queue", "reviews_deck_time"),
    ],
)
def test_queue_queries_use_an_index_not_a_full_scan(
    store: Store, query: str, index: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans: list[str] = []
    real_rows = Store._rows

    def explained(self: Store, sql: str, params: object = ()) -> list[object]:
        plans.extend(
            row[3]
            for row in self._db.execute(f"EXPLAIN QUERY PLAN {sql}", params)  # type: ignore[arg-type]
        )
        return real_rows(self, sql, params)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_rows", explained)
    if query == "due_cards":
        store.due_cards(["geo"], until=NOW, limit=5)
    elif query == "due_cards_all":
        store.due_cards(None, until=NOW, limit=5)
    elif query == "new_cards":
        store.new_cards(["geo"], limit=5)
    else:
        todays_queue(store, "geo", Settings(), study_day(NOW, 4, timezone.utc))
    assert any(index in plan for plan in plans), plans
    assert not any(plan.startswith("SCAN") and "INDEX" not in plan for plan in plans), plans


# --- attempts ---------------------------------------------------------------------------


def test_attempt_answers_are_saved_each_and_summed_at_the_end(store: Store) -> None:
    attempt_id = store.start_attempt(
        "geo", mode="exam", started_at=NOW, deck_hash="h1", student="Ana", seed=7
    )
    store.record_attempt_answer(
        attempt_id,
        position=0,
        question_key="capital",
        response_json='"Rome"',
        correct=False,
        score=0,
        points=1,
        answered_at=NOW,
    )
    store.record_attempt_answer(  # answering a question again replaces the earlier answer
        attempt_id,
        position=0,
        question_key="capital",
        response_json='"Paris"',
        correct=True,
        score=1,
        points=1,
        answered_at=NOW + timedelta(seconds=5),
        duration_ms=5000,
    )
    store.record_attempt_answer(
        attempt_id,
        position=1,
        question_key="river",
        response_json='["Seine", "x"]',
        correct=False,
        score=0.5,
        points=2,
        answered_at=NOW + timedelta(seconds=9),
    )
    unfinished = store.attempt(attempt_id)
    assert unfinished is not None and unfinished.finished_at is None
    finished = store.finish_attempt(attempt_id, finished_at=NOW + timedelta(minutes=1))
    assert (finished.score, finished.max_score, finished.student, finished.mode) == (
        1.5,
        3.0,
        "Ana",
        "exam",
    )
    answers = store.attempt_answers(attempt_id)
    assert [(a.position, a.response_json, a.correct) for a in answers] == [
        (0, '"Paris"', True),
        (1, '["Seine", "x"]', False),
    ]
    assert store.finish_attempt(attempt_id, finished_at=NOW, max_score=10).max_score == 10
    assert [a.id for a in store.attempts("geo")] == [attempt_id]


def test_finishing_an_unknown_attempt_fails(store: Store) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        store.finish_attempt(404, finished_at=NOW)


# --- doctor -----------------------------------------------------------------------------


def break_database(db: Path) -> None:
    """Write the inconsistencies doctor looks for, as old bugs or hand edits could."""
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = OFF")
    state = state_to_json(reviewed(4, NOW + timedelta(days=6)))
    connection.executescript(
        f"""
        INSERT INTO reviews (deck_id, card_key, reviewed_at, grade, state_before,
            state_before_json, state_after_json)
            VALUES ('geo', 'lost-card', 1, 3, 2, '{state}', '{state}');
        INSERT INTO reviews (deck_id, card_key, reviewed_at, grade, state_before,
            state_before_json, state_after_json)
            VALUES ('ghost-deck', 'q1', 1, 3, 0, '{{"bad": 1}}', 'not json');
        INSERT INTO cards (deck_id, card_key, question_key, position, state, created_at)
            VALUES ('never-reconciled', 'a', 'a', 0, 0, 1);
        INSERT INTO attempt_answers (attempt_id, position, question_key, score, points,
            answered_at) VALUES (77, 0, 'capital', 1, 1, 1);
        UPDATE cards SET state = 9 WHERE card_key = 'capital';
        UPDATE cards SET state = 2, stability = 3, difficulty = 5, due = NULL, last_review = 5,
            reps = 1 WHERE card_key = 'year';
        """
    )
    connection.close()


def test_doctor_finds_and_repairs_idempotently(db: Path, store: Store) -> None:
    break_database(db)
    found = store.doctor(repair=False, now=NOW)
    assert found.integrity == ["ok"]
    assert {(f.check, f.count, f.repaired) for f in found.findings} == {
        ("unknown-deck", 2, False),
        ("unknown-card", 2, False),
        ("loose-answer", 1, False),
        ("bad-log-state", 2, False),
        ("bad-card-state", 1, False),
        ("no-due", 1, False),
    }
    assert not found.healthy
    assert (
        store.doctor(repair=False, now=NOW).findings == found.findings
    )  # checking changes nothing

    repaired = store.doctor(repair=True, now=NOW)
    assert all(f.repaired for f in repaired.findings) and repaired.healthy
    assert store.doctor(repair=True, now=NOW).findings == []
    assert store.read("SELECT * FROM pragma_foreign_key_check") == []

    lost = store.card("geo", "lost-card")
    assert lost is not None and lost.orphaned and lost.state == reviewed(4, NOW + timedelta(days=6))
    assert store.card_state("geo", "capital") == CardState()
    year = store.card_state("geo", "year")
    assert year is not None and year.due == from_us(5)
    assert store.read("SELECT count(*) FROM reviews") == [(2,)]  # history is never dropped


def test_doctor_reports_a_damaged_page(db: Path, store: Store) -> None:
    for n in range(400):
        answer(store, "year", reviewed(n + 1, NOW + timedelta(days=n)))
    store.close()  # the last connection checkpoints the WAL into the file
    data = bytearray(db.read_bytes())
    page = 4096
    data[-page + 8 : -8] = b"\xa5" * (page - 16)  # scribble over the last page's cells
    db.write_bytes(bytes(data))
    with Store.open(db, now=NOW) as reopened:
        report = reopened.doctor(repair=True, now=NOW)
    assert report.integrity != ["ok"] and not report.healthy and report.findings == []


@given(states)
def test_every_written_state_takes_doctors_fast_path(state: CardState) -> None:
    assert _CANONICAL_STATE.fullmatch(state_to_json(state))
    assert state_from_json(state_to_json(state)) == state


@given(st.from_regex(_CANONICAL_STATE, fullmatch=True))
def test_doctors_fast_path_accepts_only_states_that_parse(text: str) -> None:
    state_from_json(text)


def test_a_constraint_failure_is_a_store_error_and_rolls_back(store: Store) -> None:
    with pytest.raises(StoreError, match="FOREIGN KEY constraint failed"):
        store.start_attempt("never-reconciled", mode="quiz", started_at=NOW)
    assert store.attempts() == []
    answer(store, "year", reviewed(1, NOW))  # the store is still usable


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(KEYS), unique=True), min_size=1, max_size=6))
def test_reconciling_any_sequence_of_decks_keeps_every_card_and_its_state(
    tmp_path_factory: pytest.TempPathFactory, versions: list[list[str]]
) -> None:
    path = tmp_path_factory.mktemp("reconcile") / "q.sqlite3"
    with Store.open(path, now=NOW, synchronous="NORMAL") as store:
        seen: dict[str, CardState] = {}
        for number, keys in enumerate(versions):
            store.reconcile_deck(
                "geo",
                title="G",
                path=None,
                content_hash=str(number),
                card_keys=keys,
                question_count=len(keys),
                now=NOW,
            )
            for key in keys:  # study every current card once, so each has its own state
                after = reviewed(number + 1, NOW + timedelta(days=number))
                store.record_review("geo", key, after=after, grade=3, reviewed_at=NOW)
                seen[key] = after
            for key, state in seen.items():
                record = store.card("geo", key)
                assert record is not None and record.state == state
                assert record.orphaned == (key not in keys)
                if key in keys:
                    assert record.position == keys.index(key)


@pytest.mark.parametrize("deck_ids", [["geo"], ["geo", "other"], None])
def test_counting_due_cards_reads_only_an_index(store: Store, deck_ids: list[str] | None) -> None:
    """The library counts due cards of every deck at each start: the count must come from a
    covering index, never from the table (schema 3; see `schema._migration_3`)."""
    executed: list[str] = []
    store._db.set_trace_callback(executed.append)
    try:
        assert store.count_due(deck_ids, until=NOW) == 0
    finally:
        store._db.set_trace_callback(None)
    (query,) = [sql for sql in executed if sql.lstrip().upper().startswith("SELECT")]
    plan = " ".join(row[3] for row in store._db.execute("EXPLAIN QUERY PLAN " + query))
    assert "USING COVERING INDEX cards_" in plan, plan
