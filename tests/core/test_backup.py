"""Backups: online copies, retention, the daily backup, verification and restore."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.core.backup import (
    KEEP_OTHER,
    list_backups,
    newest_sound_backup,
    prune_backups,
    verify_backup,
)
from quiz.core.card_state import CardState, Phase
from quiz.core.storage import SCHEMA_VERSION, Store, restore_database
from quiz.errors import StoreError

NOW = datetime(2026, 3, 2, 20, 15, 7, tzinfo=timezone(timedelta(hours=1)))
"""Backups are named in the caller's (local) time: here UTC+1."""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "quiz.sqlite3"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store.open(db, now=NOW) as opened:
        opened.reconcile_deck(
            "geo",
            title="Geography",
            path=None,
            content_hash=None,
            card_keys=["a", "b"],
            question_count=2,
            now=NOW,
        )
        yield opened


def daily(store: Store, now: datetime) -> Path | None:
    """The day's backup, waited for (it runs on a thread of its own)."""
    job = store.start_daily_backup(now)
    return None if job is None else job.wait()


def review_state(reps: int) -> CardState:
    return CardState(Phase.REVIEW, None, 2.0 * reps, 5.0, NOW + timedelta(days=reps), NOW, reps, 0)


def answer(store: Store, reps: int) -> int:
    return store.record_review("geo", "a", after=review_state(reps), grade=3, reviewed_at=NOW)


def count_reviews(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        connection.close()


def test_backup_is_a_complete_single_file_named_by_time_and_reason(db: Path, store: Store) -> None:
    answer(store, 1)  # still in the WAL, not yet in the main file: the copy must include it
    written = store.backup_now("manual", now=NOW)
    assert written == db.parent / "backups" / "quiz-20260302-201507-manual.sqlite3"
    assert count_reviews(written) == 1
    assert not written.with_name(written.name + "-wal").exists()
    assert verify_backup(written, max_schema=SCHEMA_VERSION) == SCHEMA_VERSION
    again = store.backup_now("manual", now=NOW)
    assert again.name == "quiz-20260302-201507-2-manual.sqlite3"
    assert newest_sound_backup(db) == again


def test_backup_reason_must_be_a_slug(store: Store) -> None:
    with pytest.raises(ValueError, match="slug"):
        store.backup_now("../escape", now=NOW)


def test_naive_backup_time_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="aware"):
        store.backup_now("manual", now=datetime(2026, 1, 1))


def test_daily_backup_once_per_local_day_keeping_seven(db: Path, store: Store) -> None:
    taken = []
    for day in range(10):
        morning = NOW + timedelta(days=day, hours=-12)
        taken.append(daily(store, morning))
        assert daily(store, morning + timedelta(hours=3)) is None
    assert all(path is not None for path in taken)
    kept = [info.path for info in list_backups(db) if info.reason == "daily"]
    assert kept == taken[-7:]
    assert all(not path.exists() for path in taken[:3] if path is not None)


def test_other_reasons_keep_their_own_quota(db: Path, store: Store) -> None:
    daily(store, NOW)
    for minute in range(KEEP_OTHER + 3):
        store.backup_now("manual", now=NOW + timedelta(minutes=minute))
    reasons = [info.reason for info in list_backups(db)]
    assert reasons.count("manual") == KEEP_OTHER
    assert reasons.count("daily") == 1


def test_restore_round_trip_keeps_the_replaced_data(db: Path, store: Store) -> None:
    answer(store, 1)
    snapshot = store.backup_now("manual", now=NOW)
    answer(store, 2)
    answer(store, 3)
    later = NOW + timedelta(hours=1)
    result = restore_database(db, snapshot, now=later)
    assert result.restored_from == snapshot
    # The open store sees the restored data: the backup API wrote through SQLite's locks.
    assert store.card_state("geo", "a") == review_state(1)
    assert store.read("SELECT count(*) FROM reviews") == [(1,)]
    assert result.saved_current is not None and result.saved_current.name.endswith(
        "-pre-restore.sqlite3"
    )
    assert count_reviews(result.saved_current) == 3
    assert store.read("SELECT * FROM pragma_journal_mode") == [("wal",)]
    answer(store, 9)  # and it can keep writing
    with Store.open(db, now=later) as reopened:
        assert reopened.card_state("geo", "a") == review_state(9)


def test_restore_defaults_to_the_newest_backup(db: Path, store: Store) -> None:
    store.backup_now("manual", now=NOW)
    answer(store, 1)
    newest = store.backup_now("daily", now=NOW + timedelta(minutes=1))
    answer(store, 2)
    assert restore_database(db, None, now=NOW + timedelta(minutes=2)).restored_from == newest
    assert store.card_state("geo", "a") == review_state(1)


def test_restore_replaces_a_damaged_database_and_keeps_its_bytes(db: Path, store: Store) -> None:
    answer(store, 1)
    snapshot = store.backup_now("manual", now=NOW)
    store.close()
    damaged = b"not a database at all" * 50
    db.write_bytes(damaged)
    result = restore_database(db, None, now=NOW + timedelta(minutes=1))
    assert result.restored_from == snapshot
    assert result.saved_current is not None and result.saved_current.read_bytes() == damaged
    with Store.open(db, now=NOW) as reopened:
        assert reopened.card_state("geo", "a") == review_state(1)


def test_restore_refuses_a_bad_backup_and_changes_nothing(
    db: Path, store: Store, tmp_path: Path
) -> None:
    answer(store, 1)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 500)
    with pytest.raises(StoreError, match=r"is not a usable backup \(file is not a database\)"):
        restore_database(db, bad, now=NOW)
    assert store.card_state("geo", "a") == review_state(1)
    assert list_backups(db) == []


def test_restore_refuses_a_backup_from_a_newer_quiz(db: Path, store: Store, tmp_path: Path) -> None:
    newer = store.backup_now("manual", now=NOW)
    connection = sqlite3.connect(newer)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(StoreError, match="newer quiz"):
        restore_database(db, newer, now=NOW)


def test_restore_without_backups_says_so(db: Path, store: Store) -> None:
    with pytest.raises(StoreError, match="no sound backup"):
        restore_database(db, None, now=NOW)


def test_restore_into_a_missing_database_creates_it(db: Path, store: Store, tmp_path: Path) -> None:
    answer(store, 1)
    snapshot = store.backup_now("manual", now=NOW)
    elsewhere = tmp_path / "other" / "quiz.sqlite3"
    result = restore_database(elsewhere, snapshot, now=NOW)
    assert result.saved_current is None
    with Store.open(elsewhere, now=NOW) as copy:
        assert copy.card_state("geo", "a") == review_state(1)


def test_pruning_takes_sidecars_and_only_stale_partials(db: Path) -> None:
    folder = db.parent / "backups"
    folder.mkdir()
    names = [f"quiz-202603{day:02d}-101500-damaged.sqlite3" for day in range(1, KEEP_OTHER + 2)]
    for name in names:
        (folder / name).write_bytes(b"copy")
        (folder / f"{name}-wal").write_bytes(b"wal")
    stale = folder / "quiz-20260301-000000-daily.sqlite3.partial"
    fresh = folder / "quiz-20260302-000000-daily.sqlite3.partial"
    stale.write_bytes(b"")
    fresh.write_bytes(b"")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    deleted = prune_backups(db)
    assert sorted(deleted) == sorted([folder / names[0], folder / f"{names[0]}-wal", stale])
    assert fresh.exists() and (folder / f"{names[1]}-wal").exists()


def test_restoring_the_oldest_kept_backup_does_not_prune_it_first(db: Path, store: Store) -> None:
    answer(store, 1)
    oldest = store.backup_now("pre-restore", now=NOW)
    for minute in range(1, KEEP_OTHER):
        store.backup_now("pre-restore", now=NOW + timedelta(minutes=minute))
    answer(store, 2)
    result = restore_database(db, oldest, now=NOW + timedelta(hours=1))
    assert result.restored_from == oldest
    assert store.card_state("geo", "a") == review_state(1)
    assert [info.reason for info in list_backups(db)].count("pre-restore") == KEEP_OTHER


def test_a_backup_that_cannot_be_written_is_a_store_error_and_leaves_nothing(
    db: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while the copy is written used to end `quiz backup` and the review's
    daily backup in a traceback; now it is a StoreError and no `.partial` file is left."""
    import errno

    from quiz.core import backup

    def disk_full(path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", disk_full)
    with pytest.raises(StoreError, match=r"could not write a backup .*No space left on device"):
        store.backup_now("manual", now=NOW)
    with pytest.raises(StoreError, match="the database itself is unchanged"):
        daily(store, NOW)
    assert list((db.parent / "backups").iterdir()) == []
    monkeypatch.undo()
    assert store.backup_now("manual", now=NOW).exists()  # room again: it works
