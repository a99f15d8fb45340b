"""Opening the study database, and the locks and transactions every `Store` method runs in.

Durability is the point: an answer the learner saw confirmed is on disk (each write
is one `BEGIN IMMEDIATE` transaction, WAL mode, `synchronous=FULL` by default), two
`quiz` processes may share one database (WAL readers never block, writers queue for
up to 10 s instead of failing with "database is locked"), and a damaged file is
reported, never overwritten.

`synchronous="NORMAL"` skips the fsync per commit: an answer then survives a crash
of `quiz` but not a power cut (see `tests/bench/bench_store.py` for the cost).

A waiting writer polls the lock every millisecond or so (`_retry`) rather than
using SQLite's own busy handler, whose back-off grows to 100 ms: under a steady
stream of commits from another process that back-off rarely lands in the short
gap between two transactions, so a writer could starve until its timeout.

Every SQLite error that reaches a caller is a `StoreError` whose message says what
to do (a damaged file names the newest backup), except `sqlite3.ProgrammingError`,
which is a bug in this package.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import sqlite3
import stat
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

from quiz.core.backup import damage_advice, write_backup
from quiz.core.storage import schema
from quiz.errors import StoreError

BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another process's transaction before giving up."""
_POLL_S = 0.002
"""Longest pause between two attempts to take a busy lock (jittered from zero)."""
CACHE_KIB = 16_384
"""Page cache per connection (SQLite's default is 2 MiB): with 100k cards and 1M reviews
the pages an answer touches (card, log index) stay cached between answers, which cut
the CPU per answer by ~10% in `tests/bench/bench_study.py`. Memory is taken only as used."""

Synchronous = Literal["FULL", "NORMAL"]
_T = TypeVar("_T")
_Database = TypeVar("_Database", bound="Database")


def _not_the_files_fault(path: Path) -> str | None:
    """What around a healthy database can make SQLite fail as if it were damaged (a folder
    or device in its place, no write permission, a full or read-only disk), said plainly:
    moving a healthy database aside would be the wrong advice."""
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device or pipe)"
        return f"{path} is {kind}, not a database file; give --db a file path"
    folder = path.parent
    if mode is not None and not os.access(path, os.W_OK):
        return f"{path} is read-only: quiz writes every answer to it; check its permissions"
    if not os.access(folder, os.W_OK):
        return (
            f"the folder {folder} is read-only: quiz needs to create files beside the database"
            " (its -wal and -shm journal files, backups); check its permissions"
        )
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free < 1024 * 1024:
        return f"the disk holding {folder} is full ({free // 1024} KiB free): make room"
    return None


def _damaged(path: Path, reason: str) -> StoreError:
    """The error for a file SQLite cannot use: what is really wrong, if it is not the file
    (`_not_the_files_fault`), else damage, naming the backup to restore."""
    plain_cause = _not_the_files_fault(path)
    if plain_cause is not None:
        return StoreError(f"{plain_cause} ({reason}); nothing was changed")
    return StoreError(f"{path} is damaged ({reason}). {damage_advice(path)}")


_HEADER = b"SQLite format 3\x00"


def _preflight(path: Path) -> int:
    """Check an existing file without writing to it; returns its schema version.

    A truncated file can look healthy until a missing page is read, and the write
    pragmas of a normal open would touch it, so the header is checked by hand and
    the first queries run on a read-only connection.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(_HEADER):
        raise _damaged(path, "file is not a database")
    if len(header) < 100:
        raise _damaged(path, "file is truncated")
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    try:  # another process may delete its -wal at any moment (last connection closing)
        wal_pending = path.with_name(path.name + "-wal").stat().st_size > 0
    except FileNotFoundError:
        wal_pending = False
    if not wal_pending and change_counter == valid_for and size < page_size * page_count:
        raise _damaged(path, "file is truncated")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = [
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise StoreError(f"{path} is locked by another program; try again") from error
        raise _damaged(path, str(error)) from error
    except sqlite3.DatabaseError as error:
        raise _damaged(path, str(error)) from error
    if version < 0:
        raise _damaged(path, f"schema version {version}, which no quiz writes")
    if version > schema.SCHEMA_VERSION:
        raise StoreError(
            f"{path} was made by a newer quiz (schema {version}); this quiz knows up to "
            f"{schema.SCHEMA_VERSION}; nothing was changed. Upgrade quiz to use it."
        )
    if version == 0 and tables:
        raise StoreError(f"{path} is an SQLite database but not a quiz one; nothing was changed")
    return version


def _is_busy(error: sqlite3.DatabaseError) -> bool:
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in str(error) or "busy" in str(error)
    )


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    text = str(error)
    return (
        "malformed" in text
        or "not a database" in text
        or "disk I/O" in text
        # a table or column every quiz database of this version has: its schema was damaged
        or text.startswith(("no such table", "no such column"))
    )


_INDEX_PROBLEM = re.compile(
    r"^(?:row \d+ missing from index|wrong # of entries in index|non-unique entry in index) "
)


def index_only(problems: Sequence[str]) -> bool:
    """Whether `integrity_check` found only index entries that disagree with their tables:
    no history is lost, and `REINDEX` (`quiz doctor --repair`) mends them."""
    return bool(problems) and all(_INDEX_PROBLEM.match(line) for line in problems)


def decks_filter(
    deck_ids: Sequence[str] | None, column: str = "deck_id"
) -> tuple[str, tuple[str, ...]]:
    """SQL and parameters selecting rows of some decks (`deck_ids`) or of all (None)."""
    if deck_ids is None:
        return "1", ()
    if isinstance(deck_ids, str):
        raise TypeError("deck_ids must be a sequence of ids, not one string")
    return f"{column} IN ({','.join('?' * len(deck_ids))})", tuple(deck_ids)


class Database:
    """An open study database: the connection, its lock, and the transactions of `Store`.

    One thread at a time may use it (the lock makes another thread wait).
    """

    def __init__(
        self, connection: sqlite3.Connection, path: Path, busy_timeout: float = BUSY_TIMEOUT_S
    ) -> None:
        self._db = connection
        self.path = path
        self._busy_timeout = busy_timeout
        self._lock = threading.RLock()

    # -- life cycle --

    @classmethod
    def open(
        cls: type[_Database],
        path: Path | str,
        *,
        now: datetime,
        synchronous: Synchronous = "FULL",
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> _Database:
        """Open (creating or migrating) the database at `path`.

        Raises `StoreError` for a damaged file (naming the newest backup), a schema
        newer than this quiz knows, or a non-quiz SQLite file; such files are never
        written to. Before migrating an existing database a `pre-migrate` backup is
        taken. `now` (aware, local) names that backup.
        """
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and not path.is_file():
                raise StoreError(_not_the_files_fault(path) or f"{path} is not a database file")
            if path.exists() and path.stat().st_size > 0:
                _preflight(path)
        except OSError as error:
            raise StoreError(f"cannot open {path}: {error.strerror or error}") from error
        try:
            # timeout=0: no SQLite busy handler; `_retry` waits instead (see module doc).
            connection = sqlite3.connect(
                path, timeout=0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot open {path}: {error}") from error
        store = cls(connection, path, busy_timeout)
        try:
            mode = store._retry(lambda: connection.execute("PRAGMA journal_mode=WAL").fetchone()[0])
            if str(mode).lower() != "wal":
                raise StoreError(
                    f"{path}: the file system does not support SQLite's WAL mode ({mode})"
                )
            connection.execute(f"PRAGMA synchronous={synchronous}")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            store._create_deferred_indexes()  # before migrating: a migration may name them
            store._migrate(now)
        except sqlite3.DatabaseError as error:
            connection.close()
            if _is_damage(error):
                raise _damaged(path, str(error)) from error
            plain_cause = _not_the_files_fault(path)
            if plain_cause is not None:
                raise StoreError(f"{plain_cause} ({error}); nothing was changed") from error
            raise StoreError(f"cannot open {path}: {error}") from error
        except BaseException:
            connection.close()
            raise
        return store

    def _migrate(self, now: datetime) -> None:
        version = self._user_version()
        if version == schema.SCHEMA_VERSION:
            return
        if version > 0:
            write_backup(self._db, self.path, "pre-migrate", now)
        with self._write():
            version = self._user_version()  # another process may have migrated meanwhile
            for migration in schema.MIGRATIONS[version:]:
                migration(self._db)
            self._db.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION}")

    @contextlib.contextmanager
    def indexes_deferred(self, names: Sequence[str]) -> Iterator[None]:
        """Drop the indexes `names` for the block, and create them after it: a bulk of rows
        goes in faster without them, and each is then built in one sorted pass. The
        transaction that drops an index records it in `deferred_indexes` (migration 10),
        so one that a killed process left dropped is created by the next `open`. (An `open`
        cannot tell that process from one still at work: a store opened beside a bulk
        import builds its indexes then, and the import goes on with them, slower.)"""
        if names:
            with self._write() as db:
                for name in names:
                    row = db.execute(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
                    ).fetchone()
                    if row is None:
                        continue  # deferred already (another import) or not there at all
                    db.execute(
                        "INSERT OR REPLACE INTO deferred_indexes VALUES (?, ?)", (name, row[0])
                    )
                    db.execute(f'DROP INDEX "{name}"')
        try:
            yield
        finally:
            self._create_deferred_indexes(names)

    def _create_deferred_indexes(self, names: Sequence[str] | None = None) -> None:
        """Create the deferred indexes (`names` of them, or all), one transaction each so that
        the write lock is held one index's build at a time."""
        if names is not None and not names:
            return
        if self._user_version() < schema.DEFERRED_INDEXES_SINCE:
            return
        deferred = [name for (name,) in self._rows("SELECT name FROM deferred_indexes")]
        if deferred:  # SQLite sorts an index's entries on helper threads if let (~20% faster)
            self._db.execute(f"PRAGMA threads = {min(os.cpu_count() or 1, 4)}")
        for name in deferred:
            if names is not None and name not in names:
                continue
            with self._write() as db:
                row = db.execute(
                    "SELECT sql FROM deferred_indexes WHERE name = ?", (name,)
                ).fetchone()
                if row is None:
                    continue  # another process created it meanwhile
                exists = db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
                ).fetchone()
                if exists is None:  # (`quiz doctor --repair` may have made it already)
                    db.execute(row[0])
                db.execute("DELETE FROM deferred_indexes WHERE name = ?", (name,))

    def _deferred(self, index: str) -> bool:
        """Whether `index` is dropped for now by an import (`indexes_deferred`)."""
        if self._user_version() < schema.DEFERRED_INDEXES_SINCE:
            return False
        return bool(self._rows("SELECT 1 FROM deferred_indexes WHERE name = ?", (index,)))

    def _user_version(self) -> int:
        return int(self._retry(lambda: self._db.execute("PRAGMA user_version").fetchone()[0]))

    def close(self) -> None:
        """Close the connection; the data is already committed.

        Waits for a query or transaction of another thread (the library's background
        scan) to end first; that thread's next call then fails cleanly.
        """
        with self._lock:
            self._db.close()

    def __enter__(self: _Database) -> _Database:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- transactions --

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes as one: committed together when the block ends, or none of them
        (a scheduled quiz answer and the reviews of its cards). Writes inside join it."""
        with self._write():
            yield

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front (no lock upgrade deadlock);
        inside `transaction()`, part of that one."""
        with self._lock:
            if self._db.in_transaction:
                yield self._db
                return
            try:
                self._retry(lambda: self._db.execute("BEGIN IMMEDIATE"))
            except sqlite3.DatabaseError as error:
                raise self._translate(error) from error
            try:
                yield self._db
            except sqlite3.DatabaseError as error:
                self._rollback()
                if isinstance(error, sqlite3.ProgrammingError):
                    raise  # a bug in this package, not a state of the database
                raise self._translate(error) from error
            except BaseException:
                self._rollback()
                raise
            try:
                self._retry(lambda: self._db.execute("COMMIT"))
            except sqlite3.DatabaseError as error:
                self._rollback()
                raise self._translate(error) from error

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already rolled it back itself."""
        if self._db.in_transaction:
            with contextlib.suppress(sqlite3.DatabaseError):
                self._db.execute("ROLLBACK")

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same state of the database (inside
        `transaction()`, that one's)."""
        with self._lock:
            if self._db.in_transaction:
                yield self._db
                return
            self._retry(lambda: self._db.execute("BEGIN"))
            try:
                yield self._db
            finally:
                self._db.execute("ROLLBACK")

    def _retry(self, action: Callable[[], _T]) -> _T:
        """Run `action`, retrying every millisecond or two while another process holds a lock."""
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                return action()
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(0, _POLL_S))

    def _translate(self, error: sqlite3.DatabaseError) -> StoreError:
        damage = _is_damage(error)
        # quiz never breaks its own constraints: an IntegrityError is damage too, if the
        # check finds some; damage confined to indexes is mended without a backup
        if damage or isinstance(error, sqlite3.IntegrityError):
            problems = self._integrity_problems()
            if index_only(problems):
                return StoreError(
                    f"{self.path} has a damaged index ({problems[0]}, so: {error});"
                    " no history is lost: run quiz doctor --repair to rebuild it"
                )
            if damage:
                return _damaged(self.path, str(error))
            if problems:
                return _damaged(self.path, f"{problems[0]}, so: {error}")
        if str(error).startswith("no such index"):  # a query names one; it is mended in place
            index = str(error).rpartition(": ")[2]
            if self._deferred(index):
                return StoreError(
                    f"{self.path}: a sync is taking in a long history and builds the index"
                    f" {index} when it is done; try again then"
                )
            return StoreError(
                f"{self.path} lacks an index ({error}); no history is lost:"
                " run quiz doctor --repair to create it"
            )
        if _is_busy(error):
            return StoreError(
                f"{self.path} stayed locked by another program for {self._busy_timeout:g} s;"
                " try again"
            )
        return StoreError(f"{self.path}: {error}")

    def _integrity_problems(self) -> list[str]:
        """What `PRAGMA integrity_check` finds (empty when it passes; damage that stops the
        check is its own message): for `doctor` and on an error path only, for it reads every
        page (3.5 s at 1M reviews)."""
        with self._lock:
            try:
                rows = self._retry(lambda: self._db.execute("PRAGMA integrity_check").fetchall())
            except sqlite3.DatabaseError as error:
                return [str(error)]
        problems = [str(row[0]) for row in rows]
        return [] if problems == ["ok"] else problems

    # -- reads --

    def _rows(self, sql: str, params: Sequence[object] | Mapping[str, object] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._retry(lambda: self._db.execute(sql, params).fetchall())
            except sqlite3.DatabaseError as error:
                if isinstance(error, sqlite3.ProgrammingError):
                    raise
                raise self._translate(error) from error

    def _one(self, sql: str, params: Sequence[object] | Mapping[str, object] = ()) -> Any:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run one read-only query (a SELECT or WITH) and return its rows.

        For aggregates that live beside their only user (`quiz.core.stats`,
        `quiz.core.study`) instead of growing this API by one method per report.
        Anything that writes is refused: writes go through the typed methods.
        """
        if sql.lstrip().split(None, 1)[0].upper() not in ("SELECT", "WITH"):
            raise ValueError("Store.read runs SELECT or WITH queries only")
        with self._lock:
            self._db.execute("PRAGMA query_only = ON")
            try:
                return [tuple(row) for row in self._rows(sql, params)]
            finally:
                self._db.execute("PRAGMA query_only = OFF")
