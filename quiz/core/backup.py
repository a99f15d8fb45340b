"""Backups of the study database: naming, writing, listing, pruning and verifying copies.

A backup is a complete SQLite database written with SQLite's online backup API
(`sqlite3.Connection.backup`), so it is consistent even while another `quiz`
process is writing. Backups live in `backups/` beside the database
(`quiz.paths.backups_dir`) and are named `quiz-YYYYmmdd-HHMMSS-<reason>.sqlite3`
in the time zone of the `now` the caller passes (the learner's local time), so
names sort by age and say why they were taken.

Retention, per reason (see `KEEP`): the 7 newest `daily` backups (one per local
day when studying starts), and the 10 newest of every other reason (`manual`,
`pre-migrate`, `pre-restore`, `damaged`, and any a caller adds such as
`pre-import`). A backup is written under a temporary name and renamed when
complete, so a crash never leaves a half-written file that looks like a backup.

Every copy is checked (`PRAGMA quick_check`) before it is renamed into place: a
damaged database is never kept as a backup, so studying on one for a week cannot
rotate the last good `daily` backups out, and every message about damage names the
newest backup that passes the same check (`newest_sound_backup`). `quick_check`
rather than `integrity_check`: at 100k cards and 1M reviews (a 455 MiB file) it takes
0.53 s against 3.5 s, on top of a 0.8 s copy (`tests/bench/bench_backup.py`), and what
it skips (index entries that disagree with their table) loses no history: `quiz doctor
--repair` rebuilds indexes. The check runs on the copy, not the live file, so no
other process waits; the day's backup runs on a thread of its own (`BackupJob`), off
the path to the first question.

This module knows nothing of the schema; `quiz.core.storage` builds on it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quiz.errors import StoreError
from quiz.paths import backups_dir

KEEP: dict[str, int] = {"daily": 7}
"""How many backups of each reason survive pruning; reasons not named here keep `KEEP_OTHER`."""
KEEP_OTHER = 10
STALE_PARTIAL_S = 3600
"""A `.partial` file this old is the remains of a backup killed mid-way, not one in progress."""

_NAME = re.compile(r"^quiz-(\d{8})-(\d{6})(?:-(\d+))?-([a-z0-9][a-z0-9-]*)\.sqlite3$")
_REASON = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file, with the time and reason read back from its name."""

    path: Path
    taken: str
    """`YYYYmmdd-HHMMSS` (plus `-N` when several were taken in one second): sorts by age."""
    reason: str

    @property
    def day(self) -> str:
        """The `YYYYmmdd` day the backup was taken on."""
        return self.taken[:8]


def list_backups(database: Path) -> list[BackupInfo]:
    """The backups of `database`, oldest first; files with other names are ignored."""
    folder = backups_dir(database)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match and entry.is_file():
            day, clock, serial, reason = match.groups()
            taken = f"{day}-{clock}" + (f"-{int(serial):04d}" if serial else "")
            found.append(BackupInfo(entry, taken, reason))
    return sorted(found, key=lambda info: info.taken)


def quick_check_problem(path: Path) -> str | None:
    """What `PRAGMA quick_check` finds wrong with the database file at `path` (read-only),
    or None when it passes."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.DatabaseError as error:
        return str(error)
    try:
        return _quick_check(connection)
    finally:
        connection.close()


def newest_sound_backup(database: Path) -> Path | None:
    """The newest backup of `database` that passes `quick_check` now (copies of a damaged
    database set aside by a restore are never candidates): the one to restore."""
    for info in reversed(list_backups(database)):
        if info.reason != "damaged" and quick_check_problem(info.path) is None:
            return info.path
    return None


def damage_advice(database: Path) -> str:
    """The sentence every message about a damaged database ends with: what to restore."""
    backup = newest_sound_backup(database)
    if backup is None:
        return "No sound backup exists; move the file aside to start a new database."
    return f"Newest sound backup: {backup}. Restore it with: quiz restore {backup}"


class DamagedDatabaseError(StoreError):
    """The database failed the check a backup runs first; nothing was written."""


def _target(database: Path, reason: str, now: datetime) -> Path:
    if not _REASON.match(reason):
        raise ValueError(f"backup reason must be a lowercase slug, not {reason!r}")
    folder = backups_dir(database)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"quiz-{stamp}-{reason}.sqlite3"
    serial = 1
    while candidate.exists():
        serial += 1
        candidate = folder / f"quiz-{stamp}-{serial}-{reason}.sqlite3"
    return candidate


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_backup(
    source: sqlite3.Connection, database: Path, reason: str, now: datetime, *, prune: bool = True
) -> Path:
    """Copy the database behind `source` into a new backup file and prune old ones.

    `now` must be timezone-aware; its own zone names the file, so pass local time.
    `prune=False` defers pruning (a restore must not delete the backup it is about
    to read). Returns the path written. Raises `DamagedDatabaseError` when the copy
    fails `quick_check` (the copy is deleted: the database itself is still there).
    """
    if now.tzinfo is None:
        raise ValueError("backup time must be timezone-aware")
    target = _target(database, reason, now)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
            # A self-contained single file: no -wal sidecar to lose when it is copied around.
            destination.execute("PRAGMA journal_mode=DELETE")
            problem = _quick_check(destination)
        finally:
            destination.close()
        if problem is not None:
            raise DamagedDatabaseError(
                f"{database} is damaged ({problem}); no backup was taken of it."
                f" {damage_advice(database)}"
            )
        _fsync(partial)
        os.replace(partial, target)
    except BaseException:  # a full disk, a kill: no half backup left to be mistaken for one
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # directory fsync is not possible on every platform
        _fsync(target.parent)
    if prune:
        prune_backups(database)
    return target


def _quick_check(connection: sqlite3.Connection) -> str | None:
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if [tuple(row) for row in rows] == [("ok",)] else str(rows[0][0])


class BackupJob:
    """A backup written on a thread of its own, through its own read-only connection, so
    that studying starts at once (a 1M-review database takes seconds to copy and check).

    The thread is not a daemon: a process that ends while it runs waits for it. `wait()`
    returns the file written, or raises the `StoreError` that stopped it.
    """

    def __init__(self, database: Path, reason: str, now: datetime) -> None:
        self._database = database
        self._reason = reason
        self._now = now
        self._written: Path | None = None
        self._error: StoreError | None = None
        self._thread = threading.Thread(target=self._run, name=f"quiz-backup-{reason}")
        self._thread.start()

    def _run(self) -> None:
        try:
            source = sqlite3.connect(f"{self._database.resolve().as_uri()}?mode=ro", uri=True)
            try:
                self._written = write_backup(source, self._database, self._reason, self._now)
            finally:
                source.close()
        except StoreError as error:
            self._error = error
        except (sqlite3.DatabaseError, OSError) as error:
            self._error = backup_failed(self._database, error)

    def done(self) -> bool:
        """Whether the backup has finished, well or not."""
        return not self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> Path | None:
        """Wait for the backup; the file written (None if still running after `timeout`)."""
        self._thread.join(timeout)
        if self._error is not None:
            raise self._error
        return self._written


_daily_jobs: dict[Path, BackupJob] = {}
_daily_jobs_lock = threading.Lock()


def start_daily_backup(database: Path, now: datetime) -> BackupJob | None:
    """Start the `daily` backup of `now`'s local day, unless one was taken that day or is
    being taken by this process (two sessions starting one after the other)."""
    with _daily_jobs_lock:
        running = _daily_jobs.get(database)
        if running is not None and not running.done():
            return None
        with contextlib.suppress(OSError):  # an unreadable folder: the job will say so
            if has_daily_backup(database, now):
                return None
        job = _daily_jobs[database] = BackupJob(database, "daily", now)
        return job


def backup_failed(database: Path, error: sqlite3.DatabaseError | OSError) -> StoreError:
    """The error for a backup that could not be written (a full disk, a read-only folder)."""
    reason_text = getattr(error, "strerror", None) or str(error)
    return StoreError(
        f"could not write a backup of {database} in {backups_dir(database)}:"
        f" {reason_text}; the database itself is unchanged"
    )


def prune_backups(database: Path) -> list[Path]:
    """Delete the oldest backups beyond each reason's quota; returns what was deleted.

    A backup's `-wal`/`-shm` sidecars (kept with copies of a damaged database) go
    with it, and so do stale `.partial` files left by a backup that was killed.
    """
    by_reason: dict[str, list[BackupInfo]] = {}
    for info in list_backups(database):
        by_reason.setdefault(info.reason, []).append(info)
    deleted = []
    for reason, infos in by_reason.items():
        keep = KEEP.get(reason, KEEP_OTHER)
        for info in infos[: max(0, len(infos) - keep)]:
            for path in (info.path, *_sidecars(info.path)):
                if path.exists():
                    path.unlink()
                    deleted.append(path)
    cutoff = time.time() - STALE_PARTIAL_S
    for partial in backups_dir(database).glob("quiz-*.partial"):
        with contextlib.suppress(OSError):  # another process may have just renamed it
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
                deleted.append(partial)
    return deleted


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def has_daily_backup(database: Path, now: datetime) -> bool:
    """Whether a `daily` backup was already taken on `now`'s calendar day (in `now`'s zone)."""
    today = now.strftime("%Y%m%d")
    return any(info.reason == "daily" and info.day == today for info in list_backups(database))


def verify_backup(path: Path, *, max_schema: int) -> int:
    """Check that `path` is a healthy quiz database this version can read; returns its schema.

    Opens the file read-only, runs `PRAGMA integrity_check` and compares its
    `user_version` with `max_schema`. Raises `StoreError` saying what is wrong.
    """
    if not path.is_file():
        raise StoreError(f"{path}: no such backup file")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is not a usable backup ({error})") from error
    if [tuple(row) for row in rows] != [("ok",)]:
        raise StoreError(f"{path} is damaged: {rows[0][0]}")
    if version > max_schema:
        raise StoreError(
            f"{path} was made by a newer quiz (schema {version}); "
            f"this quiz knows up to {max_schema}"
        )
    if version == 0 or "cards" not in tables:
        raise StoreError(f"{path} is not a quiz study database")
    return version
