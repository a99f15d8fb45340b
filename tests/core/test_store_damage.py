"""Damage SQLite can still open: never copied into a backup, named with the backup to restore,
and mended by `doctor` where no history is lost (indexes, times out of range)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.core.backup import DamagedDatabaseError, list_backups
from quiz.core.card_state import CardState, Phase
from quiz.core.storage import Store, restore_database
from quiz.errors import StoreError

NOW = datetime(2026, 3, 2, 20, 15, 7, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "quiz.sqlite3"


def reconcile(store: Store, deck_id: str = "geo", keys: tuple[str, ...] = ("a", "b")) -> None:
    store.reconcile_deck(
        deck_id,
        title=deck_id,
        path=None,
        content_hash=None,
        card_keys=list(keys),
        question_count=len(keys),
        now=NOW,
    )


def studied(reps: int) -> CardState:
    return CardState(Phase.REVIEW, None, 2.0 * reps, 5.0, NOW + timedelta(days=reps), NOW, reps, 0)


@pytest.fixture
def healthy(db: Path) -> Iterator[Path]:
    """A database with a deck and 300 reviews (several pages), closed and checkpointed."""
    with Store.open(db, now=NOW) as store:
        reconcile(store)
        for reps in range(300):
            store.record_review("geo", "a", after=studied(reps), grade=3, reviewed_at=NOW)
    yield db


def page_of(db: Path, name: str) -> tuple[int, int]:
    """The byte offset and size of the root page of table or index `name`."""
    connection = sqlite3.connect(db)
    try:
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()
        (size,) = connection.execute("PRAGMA page_size").fetchone()
    finally:
        connection.close()
    return (root - 1) * size, size


def misreport_fragmentation(db: Path, table: str) -> None:
    """Damage SQLite opens and reads but `quick_check` finds: a b-tree page header that
    misstates its fragmented free bytes (byte 7 of the page header)."""
    offset, _ = page_of(db, table)
    data = bytearray(db.read_bytes())
    data[offset + 7] = (data[offset + 7] + 9) % 256
    db.write_bytes(bytes(data))


def test_a_damaged_database_is_never_backed_up_so_the_good_daily_backup_outlives_a_week(
    healthy: Path,
) -> None:
    """Seven study days on a damaged file used to rotate every good `daily` backup out."""
    with Store.open(healthy, now=NOW) as store:
        good = store.backup_now("daily", now=NOW)
    misreport_fragmentation(healthy, "reviews")
    for day in range(1, 9):
        later = NOW + timedelta(days=day)
        with Store.open(healthy, now=later) as store:  # it opens: the damage is deep inside
            job = store.start_daily_backup(later)
            assert job is not None
            with pytest.raises(DamagedDatabaseError) as caught:
                job.wait()
        message = str(caught.value)
        assert message.startswith(f"{healthy} is damaged (")
        assert message.endswith(
            f"Newest sound backup: {good}. Restore it with: quiz restore {good}"
        )
    assert [info.path for info in list_backups(healthy)] == [good]
    assert not list(good.parent.glob("*.partial"))


def test_quiz_backup_of_a_damaged_database_refuses_and_restore_sets_it_aside(
    healthy: Path,
) -> None:
    with Store.open(healthy, now=NOW) as store:
        good = store.backup_now("manual", now=NOW)
    misreport_fragmentation(healthy, "reviews")
    damaged_bytes = healthy.read_bytes()
    with Store.open(healthy, now=NOW) as store, pytest.raises(DamagedDatabaseError):
        store.backup_now("manual", now=NOW + timedelta(minutes=1))
    result = restore_database(healthy, None, now=NOW + timedelta(minutes=2))
    assert result.restored_from == good
    assert result.saved_current is not None
    assert result.saved_current.name.endswith("-damaged.sqlite3")  # byte for byte
    assert result.saved_current.read_bytes() == damaged_bytes
    with Store.open(healthy, now=NOW) as store:
        assert store.doctor(repair=False, now=NOW).healthy


def test_the_newest_backup_is_not_recommended_when_it_fails_the_check(healthy: Path) -> None:
    with Store.open(healthy, now=NOW) as store:
        good = store.backup_now("manual", now=NOW)
        bad = store.backup_now("manual", now=NOW + timedelta(minutes=1))
    misreport_fragmentation(bad, "reviews")  # damaged at rest, after it was taken
    healthy.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match=f"Newest sound backup: {good}\\."):
        Store.open(healthy, now=NOW)


def stale_index_entry(db: Path) -> None:
    """Index damage: the decks key index keeps the entry of a row that was deleted."""
    with Store.open(db, now=NOW) as store:
        reconcile(store, "extra", ("x",))
    offset, size = page_of(db, "sqlite_autoindex_decks_1")
    before = db.read_bytes()[offset : offset + size]
    connection = sqlite3.connect(db)
    connection.execute("DELETE FROM cards WHERE deck_id = 'extra'")
    connection.execute("DELETE FROM decks WHERE id = 'extra'")
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(db.read_bytes())
    data[offset : offset + size] = before
    db.write_bytes(bytes(data))


def test_an_index_that_disagrees_with_its_table_is_named_and_doctor_rebuilds_it(
    healthy: Path,
) -> None:
    stale_index_entry(healthy)
    with Store.open(healthy, now=NOW) as store:
        with pytest.raises(StoreError) as caught:
            reconcile(store, "extra", ("x",))
        assert "has a damaged index (wrong # of entries in index sqlite_autoindex_decks_1" in str(
            caught.value
        )
        assert str(caught.value).endswith(
            "no history is lost: run quiz doctor --repair to rebuild it"
        )
        found = store.doctor(repair=False, now=NOW)
        assert found.integrity == ["ok"]
        assert [(f.check, f.repaired) for f in found.findings] == [("damaged-index", False)]
        assert not found.healthy
        assert [(f.check, f.repaired) for f in store.doctor(repair=True, now=NOW).findings] == [
            ("damaged-index", True)
        ]
        reconcile(store, "extra", ("x",))  # works again
        assert store.doctor(repair=False, now=NOW).findings == []
        assert len(list(store.iter_reviews())) == 300


def drop(db: Path, sql: str) -> None:
    connection = sqlite3.connect(db)
    connection.execute(sql)
    connection.commit()
    connection.close()


def test_doctor_calls_a_missing_table_damage_and_recreates_a_missing_index(healthy: Path) -> None:
    drop(healthy, "DROP INDEX reviews_time")
    with Store.open(healthy, now=NOW) as store:
        report = store.doctor(repair=False, now=NOW)
        assert [(f.check, f.message) for f in report.findings] == [
            ("missing-index", "indexes missing: reviews_time")
        ]
        store.doctor(repair=True, now=NOW)
        assert store.doctor(repair=False, now=NOW).healthy
        assert store.read("SELECT count(*) FROM sqlite_master WHERE name = 'reviews_time'") == [
            (1,)
        ]
        store.backup_now("manual", now=NOW)
    drop(healthy, "DROP TABLE attempt_questions")
    with Store.open(healthy, now=NOW) as store:
        report = store.doctor(repair=True, now=NOW)
        assert report.integrity == ["table attempt_questions is missing"]
        assert not report.healthy
        with pytest.raises(StoreError, match=r"is damaged \(no such table: attempt_questions\)"):
            store.attempt_questions(1)


@pytest.mark.parametrize("version", [-1, -(2**31)])
def test_a_negative_schema_version_is_damage_not_an_old_schema_to_migrate(
    healthy: Path, version: int
) -> None:
    drop(healthy, f"PRAGMA user_version = {version}")
    before = healthy.read_bytes()
    with pytest.raises(StoreError, match=rf"is damaged \(schema version {version}, which no quiz"):
        Store.open(healthy, now=NOW)
    assert healthy.read_bytes() == before


def test_times_out_of_range_are_a_message_and_doctor_mends_them(healthy: Path) -> None:
    with Store.open(healthy, now=NOW) as store:
        attempt = store.start_attempt("geo", mode="quiz", started_at=NOW)
    drop(healthy, f"UPDATE attempts SET started_at = {2**63 - 1}, finished_at = {-(2**63)}")
    drop(healthy, f"UPDATE reviews SET reviewed_at = {2**63 - 1} WHERE id % 100 = 7")
    with Store.open(healthy, now=NOW) as store:
        with pytest.raises(StoreError, match=r"a time out of range .*run: quiz doctor --repair"):
            store.attempt(attempt)
        with pytest.raises(StoreError, match="run: quiz doctor --repair"):
            list(store.iter_reviews())
        found = store.doctor(repair=False, now=NOW)
        assert [(f.check, f.count, f.message) for f in found.findings] == [
            ("bad-time", 3, "3 times out of range in reviews.reviewed_at"),
            ("bad-time", 1, "1 time out of range in attempts.started_at"),
            ("bad-time", 1, "1 time out of range in attempts.finished_at"),
        ]
        store.doctor(repair=True, now=NOW)
        assert store.doctor(repair=False, now=NOW).healthy
        record = store.attempt(attempt)
        assert record is not None
        assert record.started_at == record.finished_at == NOW
        assert {review.reviewed_at for review in store.iter_reviews()} == {NOW}
