"""The SQLite study store: decks seen, card scheduling state, the review log and quiz attempts.

Durability is the point of this module: an answer the learner saw confirmed is on
disk (each write is one `BEGIN IMMEDIATE` transaction, WAL mode, `synchronous=FULL`
by default), two `quiz` processes may share one database (WAL readers never block,
writers queue for up to 10 s instead of failing with "database is locked"), and a
damaged file is reported, never overwritten.

A waiting writer polls the lock every millisecond or so (`_retry`) rather than
using SQLite's own busy handler, whose back-off grows to 100 ms: under a steady
stream of commits from another process that back-off rarely lands in the short
gap between two transactions, so a writer could starve until its timeout.

Opening::

    store = Store.open(path, now=datetime.now().astimezone())   # or synchronous="NORMAL"
    ...
    store.close()                                                 # or `with Store.open(...)`

`synchronous="NORMAL"` skips the fsync per commit: an answer then survives a
crash of `quiz` but not a power cut (see `bench/bench_store.py` for the cost).

Conventions
-----------
* Every time is a timezone-aware `datetime` in the API (naive ones are refused) and
  an INTEGER of microseconds since the Unix epoch, UTC, in the database: lossless,
  compact and index-friendly (`datetime` round-trips exactly).
* A card's scheduling state is `CardState`, whose fields mirror `fsrs.Card`
  (`state`, `step`, `stability`, `difficulty`, `due`, `last_review`) plus `reps` and
  `lapses`. `state` is a `Phase`: `NEW` (0, never reviewed; `due` is None) or the
  `fsrs.State` values `LEARNING` 1, `REVIEW` 2, `RELEARNING` 3.
* Card keys come from `quiz.core.cards` (`ID`, `ID:reverse`, `ID:blank-N`); the
  question key is the part before the first colon (siblings share it).

Schema (version `SCHEMA_VERSION`, kept in `PRAGMA user_version`)
-----------------------------------------------------------------
* `decks(id PK, title, path, content_hash, question_count, card_count, meta_json,
  synced_at)`: one row per deck id ever synced. The id, not the path, is the key,
  so a moved or renamed deck file keeps its history.
* `deck_files(path PK, size, mtime_ns, content_hash, deck_id, title, question_count,
  card_count, meta_json, first_error, checked_at)`: the start-up cache the library
  reads instead of parsing every deck; a row is valid while the file's size and
  mtime_ns match. Separate from `decks` because a broken file has no deck id and two
  files may carry the same id.
* `cards(deck_id, card_key PK, question_key, position, state, step, stability,
  difficulty, due, last_review, reps, lapses, orphaned, created_at)`. Cards are
  never deleted: a card gone from its deck is `orphaned = 1` and comes back with its
  history when the question returns. Partial indexes (`WHERE orphaned = 0`):
  `cards_deck_due(deck_id, state, due, orphaned)` and `cards_due(state, due,
  orphaned)` for due queues and counts (covering: see `_migration_3`),
  `cards_new(deck_id, position) WHERE state = 0` for new cards. A query that wants
  one of them must say `orphaned = 0` (and `state = 0` for `cards_new`) and fix
  `state` (one phase per query): see `due_cards` and `next_due`.
* `reviews(id PK, deck_id, card_key, reviewed_at, grade, state_before, response,
  correct, duration_ms, state_before_json, state_after_json)`: append-only log (only
  `undo_review` deletes, and only the newest row of a card). `state_before` is the
  `Phase` before the answer, so `state_before = 0` marks a card's first review (a new
  card introduced). Indexes: `(deck_id, card_key, id)`, `(reviewed_at)` and
  `(deck_id, reviewed_at)` ("today's reviews" of all decks or of some), and the
  partial `reviews_mature` (reviews of cards scheduled 21+ days, for statistics).
* `attempts(id PK, deck_id, deck_hash, student, mode 'quiz'|'exam', seed, started_at,
  finished_at, score, max_score, pass_mark)` and `attempt_answers(attempt_id, position PK,
  question_key, response_json, correct, score, points, answered_at, duration_ms)`.
  `attempt_questions(attempt_id, position PK, question_key, points)` (schema 2) lists
  every question an attempt asked, written with the attempt, so an unanswered one
  still counts as asked; `pass_mark` (schema 2) is the deck's when the attempt began.
  Attempts made under schema 1 have no such rows and a NULL pass mark.

API (all methods of `Store`)
----------------------------
* Decks: `sync_deck(...) -> SyncResult`, `deck(deck_id)`, `decks()`,
  `cached_deck_file(path, size=, mtime_ns=)`, `cache_deck_file(DeckFileRecord)`.
* Cards: `card(deck_id, key)`, `card_state(deck_id, key)`.
* Queue queries (never load every card): `due_cards(deck_ids, until=, limit=,
  phases=)` ordered by due; `new_cards(deck_ids, limit=)` in deck order;
  `next_due(deck_ids)` (when the next studied card is ready);
  `count_due`, `count_new`, `count_first_reviews_since` (new cards introduced since
  the day rolled over), `count_reviews_since`, `question_keys_reviewed_since`
  (for burying siblings). `deck_ids=None` means every deck.
* Answers: `record_review(...) -> int` (card update and log row in one transaction;
  the id is returned only after the commit), `undo_review(review_id) -> CardRecord`,
  `review(review_id)`, `iter_reviews(deck_ids)`.
* Attempts: `start_attempt(..., questions=, pass_mark=) -> int`,
  `record_attempt_answer(...)` (committed per answer), `finish_attempt(...) ->
  AttemptRecord`, `attempt(id)`, `attempts(deck_id)`, `attempt_answers(id)`,
  `attempt_questions(id)`, `last_finished_percents()` (the library's "last quiz").
* Safety: `backup_now(reason, now=)`, `daily_backup_if_due(now)` (call when studying
  starts), `doctor(repair=, now=)`; module-level `restore_database(db, source, now=)`.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import os
import random
import re
import shutil
import sqlite3
import struct
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import IntEnum
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

from quiz.core.backup import (
    has_daily_backup,
    list_backups,
    newest_backup,
    prune_backups,
    verify_backup,
    write_backup,
)
from quiz.errors import StoreConflict, StoreError

__all__ = [
    "SCHEMA_VERSION",
    "AttemptAnswer",
    "AttemptQuestion",
    "AttemptRecord",
    "CardRecord",
    "CardState",
    "DeckFileRecord",
    "DeckRecord",
    "DoctorReport",
    "Finding",
    "Phase",
    "RestoreResult",
    "ReviewRecord",
    "Store",
    "SyncResult",
    "from_us",
    "restore_database",
    "to_us",
]

BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another process's transaction before giving up."""
_POLL_S = 0.002
CACHE_KIB = 16_384
"""Page cache per connection (SQLite's default is 2 MiB): with 100k cards and 1M reviews
the pages an answer touches (card, log index) stay cached between answers, which cut
the CPU per answer by ~10% in `bench/bench_study.py`. Memory is taken only as used."""
"""Longest pause between two attempts to take a busy lock (jittered from zero)."""

Synchronous = Literal["FULL", "NORMAL"]
_T = TypeVar("_T")


class Phase(IntEnum):
    """Where a card is in its life; 1-3 are the values of `fsrs.State`."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime: how times are stored."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: quiz stores aware UTC times only")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(value: int) -> datetime:
    """The aware UTC datetime of a stored microsecond timestamp."""
    return _EPOCH + timedelta(microseconds=value)


def _opt_us(moment: datetime | None) -> int | None:
    return None if moment is None else to_us(moment)


def _opt_dt(value: int | None) -> datetime | None:
    return None if value is None else from_us(value)


@dataclass(frozen=True, slots=True)
class CardState:
    """A card's scheduling state; fields mirror `fsrs.Card` so conversion is field by field."""

    state: Phase = Phase.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def to_json(self) -> str:
        """The exact, lossless text kept in the review log for undo."""
        return _encode_state(
            {
                "state": int(self.state),
                "step": self.step,
                "stability": self.stability,
                "difficulty": self.difficulty,
                "due": _opt_us(self.due),
                "last_review": _opt_us(self.last_review),
                "reps": self.reps,
                "lapses": self.lapses,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> CardState:
        """Parse `to_json` output; raises ValueError on anything else (see `doctor`)."""
        data = json.loads(text)
        if not isinstance(data, dict) or set(data) != _STATE_KEYS:
            raise ValueError("card state must be an object with the keys " + str(_STATE_KEYS))
        return _checked_state(
            data["state"],
            data["step"],
            data["stability"],
            data["difficulty"],
            data["due"],
            data["last_review"],
            data["reps"],
            data["lapses"],
        )


_STATE_KEYS = {"state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses"}
_PHASES = frozenset(int(phase) for phase in Phase)
_encode_state = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
"""`json.dumps` with options builds a new encoder per call, and every answer logs two states."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _checked_state(
    state: object,
    step: object,
    stability: object,
    difficulty: object,
    due: object,
    last_review: object,
    reps: object,
    lapses: object,
) -> CardState:
    """Build a CardState from stored values, refusing ones no scheduler wrote."""
    if not _is_int(state) or state not in _PHASES:
        raise ValueError(f"unknown card state {state!r}")
    for name, value in (("step", step), ("due", due), ("last_review", last_review)):
        if value is not None and not _is_int(value):
            raise ValueError(f"{name} must be an integer or null, not {value!r}")
    for name, value in (("stability", stability), ("difficulty", difficulty)):
        if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            raise ValueError(f"{name} must be a number or null, not {value!r}")
    for name, value in (("reps", reps), ("lapses", lapses)):
        if not _is_int(value) or value < 0:  # type: ignore[operator]
            raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return CardState(
        state=Phase(state),
        step=step,  # type: ignore[arg-type]
        stability=None if stability is None else float(stability),  # type: ignore[arg-type]
        difficulty=None if difficulty is None else float(difficulty),  # type: ignore[arg-type]
        due=_opt_dt(due),  # type: ignore[arg-type]
        last_review=_opt_dt(last_review),  # type: ignore[arg-type]
        reps=reps,  # type: ignore[arg-type]
        lapses=lapses,  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A row of `cards`: identity, deck position and scheduling state."""

    deck_id: str
    card_key: str
    question_key: str
    position: int
    state: CardState
    orphaned: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DeckRecord:
    """A row of `decks`: the last sync of one deck id."""

    id: str
    title: str
    path: str | None
    content_hash: str | None
    question_count: int
    card_count: int
    meta_json: str
    synced_at: datetime


@dataclass(frozen=True, slots=True)
class DeckFileRecord:
    """A row of the deck-file cache: what parsing `path` gave when it had this size and mtime."""

    path: str
    size: int
    mtime_ns: int
    content_hash: str | None
    deck_id: str | None
    title: str | None
    question_count: int
    card_count: int
    meta_json: str
    first_error: str | None
    """The first diagnostic (`FILE:LINE:COL: error: MSG`) when the deck does not load."""
    checked_at: datetime


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What `sync_deck` changed: cards added, cards orphaned, orphans brought back."""

    added: int
    orphaned: int
    restored: int


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A row of the review log; the states are None only if `doctor` cleared unparsable text."""

    id: int
    deck_id: str
    card_key: str
    reviewed_at: datetime
    grade: int
    state_before: Phase
    response: str | None
    correct: bool | None
    duration_ms: int | None
    before: CardState | None
    after: CardState | None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """A row of `attempts`: one quiz or exam sitting; score fields are set when finished."""

    id: int
    deck_id: str
    deck_hash: str | None
    student: str | None
    mode: Literal["quiz", "exam"]
    seed: int | None
    started_at: datetime
    finished_at: datetime | None
    score: float | None
    max_score: float | None
    pass_mark: float | None = None
    """The deck's pass mark (percent) when the attempt began; None before schema 2."""


@dataclass(frozen=True, slots=True)
class AttemptQuestion:
    """A row of `attempt_questions`: one question an attempt asked, answered or not."""

    attempt_id: int
    position: int
    question_key: str
    points: float


@dataclass(frozen=True, slots=True)
class AttemptAnswer:
    """A row of `attempt_answers`: one answered question of an attempt."""

    attempt_id: int
    position: int
    question_key: str
    response_json: str | None
    correct: bool | None
    score: float
    points: float
    answered_at: datetime
    duration_ms: int | None


@dataclass(frozen=True, slots=True)
class Finding:
    """One kind of problem `doctor` found: how many rows, and whether it was repaired."""

    check: str
    count: int
    message: str
    repaired: bool


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """The result of `Store.doctor`: integrity messages (`["ok"]` when healthy) and findings."""

    integrity: list[str]
    findings: list[Finding] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when there is nothing left to fix."""
        return self.integrity == ["ok"] and not any(not f.repaired for f in self.findings)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What `restore_database` did: the file restored, and where the replaced data was saved."""

    restored_from: Path
    saved_current: Path | None


# --- schema -------------------------------------------------------------------------------


def _migration_1(connection: sqlite3.Connection) -> None:
    """Create every table and index."""
    _run_script(
        connection,
        """
        CREATE TABLE decks (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            path TEXT,
            content_hash TEXT,
            question_count INTEGER NOT NULL DEFAULT 0,
            card_count INTEGER NOT NULL DEFAULT 0,
            meta_json TEXT NOT NULL DEFAULT '{}',
            synced_at INTEGER NOT NULL
        );
        CREATE TABLE deck_files (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            content_hash TEXT,
            deck_id TEXT,
            title TEXT,
            question_count INTEGER NOT NULL DEFAULT 0,
            card_count INTEGER NOT NULL DEFAULT 0,
            meta_json TEXT NOT NULL DEFAULT '{}',
            first_error TEXT,
            checked_at INTEGER NOT NULL
        );
        CREATE TABLE cards (
            deck_id TEXT NOT NULL REFERENCES decks(id),
            card_key TEXT NOT NULL,
            question_key TEXT NOT NULL,
            position INTEGER NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due INTEGER,
            last_review INTEGER,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            orphaned INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (deck_id, card_key)
        ) WITHOUT ROWID;
        CREATE INDEX cards_deck_due ON cards(deck_id, state, due) WHERE orphaned = 0;
        CREATE INDEX cards_due ON cards(state, due) WHERE orphaned = 0;
        CREATE INDEX cards_new ON cards(deck_id, position) WHERE state = 0 AND orphaned = 0;
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            deck_id TEXT NOT NULL,
            card_key TEXT NOT NULL,
            reviewed_at INTEGER NOT NULL,
            grade INTEGER NOT NULL,
            state_before INTEGER NOT NULL,
            response TEXT,
            correct INTEGER,
            duration_ms INTEGER,
            state_before_json TEXT,
            state_after_json TEXT,
            FOREIGN KEY (deck_id, card_key) REFERENCES cards(deck_id, card_key)
        );
        CREATE INDEX reviews_card ON reviews(deck_id, card_key, id);
        CREATE INDEX reviews_time ON reviews(reviewed_at);
        CREATE INDEX reviews_deck_time ON reviews(deck_id, reviewed_at);
        -- Reviews of mature cards (scheduled 21 days or more), for true retention in
        -- quiz.core.stats, which repeats this WHERE clause to select the index.
        CREATE INDEX reviews_mature ON reviews(deck_id, reviewed_at, grade)
            WHERE state_before = 2 AND json_valid(state_before_json)
            AND json_extract(state_before_json, '$.due')
            - json_extract(state_before_json, '$.last_review') >= 1814400000000;
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            deck_id TEXT NOT NULL REFERENCES decks(id),
            deck_hash TEXT,
            student TEXT,
            mode TEXT NOT NULL CHECK (mode IN ('quiz', 'exam')),
            seed INTEGER,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            score REAL,
            max_score REAL
        );
        CREATE INDEX attempts_deck ON attempts(deck_id, started_at);
        CREATE TABLE attempt_answers (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            question_key TEXT NOT NULL,
            response_json TEXT,
            correct INTEGER,
            score REAL NOT NULL,
            points REAL NOT NULL,
            answered_at INTEGER NOT NULL,
            duration_ms INTEGER,
            PRIMARY KEY (attempt_id, position)
        );
        """,
    )


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """Run `;`-separated DDL inside the caller's transaction (`executescript` would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _migration_2(connection: sqlite3.Connection) -> None:
    """Record what an attempt asked and the pass mark it was held to.

    With only the answers stored, a question left unanswered (an exam that ran out
    of time) looked "not asked" in the results; `attempt_questions` lists every
    question an attempt put, with its points, from the moment it starts. The pass
    mark is copied from the deck so `quiz results --summary` can say passed or not
    without the deck file. Attempts from schema 1 have neither (NULL, no rows).
    """
    _run_script(
        connection,
        """
        ALTER TABLE attempts ADD COLUMN pass_mark REAL;
        CREATE TABLE attempt_questions (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            question_key TEXT NOT NULL,
            points REAL NOT NULL,
            PRIMARY KEY (attempt_id, position)
        ) WITHOUT ROWID;
        """,
    )


def _migration_3(connection: sqlite3.Connection) -> None:
    """Make the due-card indexes covering: `orphaned` joins their columns.

    `cards` is WITHOUT ROWID, and SQLite does not take a partial index's
    `WHERE orphaned = 0` as proof for the query's own `orphaned = 0`, so counting
    due cards through `(deck_id, state, due)` looked up every matching row in the
    table (4,000 due cards: 9 ms; 80,000: 150 ms, slower than no index at all),
    and the planner preferred the primary key instead (0.13 ms for a 2,000-card
    deck with nothing due). With `orphaned` in the index the count reads the index
    alone: 0.3 ms, 7 ms and 0.01 ms.
    """
    _run_script(
        connection,
        """
        DROP INDEX cards_deck_due;
        DROP INDEX cards_due;
        CREATE INDEX cards_deck_due ON cards(deck_id, state, due, orphaned) WHERE orphaned = 0;
        CREATE INDEX cards_due ON cards(state, due, orphaned) WHERE orphaned = 0;
        """,
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2, _migration_3]
"""Migration N+1 turns schema N into N+1; append, never edit a released one."""

SCHEMA_VERSION = len(MIGRATIONS)


# --- opening ------------------------------------------------------------------------------


def _damaged(path: Path, reason: str) -> StoreError:
    backup = newest_backup(path)
    if backup is None:
        advice = "No backup exists; move the file aside to start a new database."
    else:
        advice = f"Newest backup: {backup}. Restore it with: quiz restore {backup}"
    return StoreError(f"{path} is damaged ({reason}). {advice}")


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
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was made by a newer quiz (schema {version}); this quiz knows up to "
            f"{SCHEMA_VERSION}; nothing was changed. Upgrade quiz to use it."
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
    return "malformed" in text or "not a database" in text or "disk I/O" in text


class Store:
    """An open study database. Create with `Store.open`; one thread at a time may use it."""

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
        cls,
        path: Path | str,
        *,
        now: datetime,
        synchronous: Synchronous = "FULL",
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> Store:
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
            store._migrate(now)
        except sqlite3.DatabaseError as error:
            connection.close()
            if _is_damage(error):
                raise _damaged(path, str(error)) from error
            raise StoreError(f"cannot open {path}: {error}") from error
        except BaseException:
            connection.close()
            raise
        return store

    def _migrate(self, now: datetime) -> None:
        version = self._user_version()
        if version == SCHEMA_VERSION:
            return
        if version > 0:
            write_backup(self._db, self.path, "pre-migrate", now)
        with self._write():
            version = self._user_version()  # another process may have migrated meanwhile
            for migration in MIGRATIONS[version:]:
                migration(self._db)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _user_version(self) -> int:
        return int(self._retry(lambda: self._db.execute("PRAGMA user_version").fetchone()[0]))

    def close(self) -> None:
        """Close the connection; the data is already committed.

        Waits for a query or transaction of another thread (the library's background
        scan) to end first; that thread's next call then fails cleanly.
        """
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front (no lock upgrade deadlock)."""
        with self._lock:
            try:
                self._retry(lambda: self._db.execute("BEGIN IMMEDIATE"))
            except sqlite3.DatabaseError as error:
                raise self._translate(error) from error
            try:
                yield self._db
            except sqlite3.DatabaseError as error:
                self._rollback()
                if isinstance(error, sqlite3.ProgrammingError):
                    raise  # a bug in this module, not a state of the database
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
        """A read transaction: every query inside sees the same state of the database."""
        with self._lock:
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
        if _is_damage(error):
            return _damaged(self.path, str(error))
        if _is_busy(error):
            return StoreError(
                f"{self.path} stayed locked by another program for {self._busy_timeout:g} s;"
                " try again"
            )
        return StoreError(f"{self.path}: {error}")

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._retry(lambda: self._db.execute(sql, params).fetchall())
            except sqlite3.DatabaseError as error:
                if isinstance(error, sqlite3.ProgrammingError):
                    raise
                raise self._translate(error) from error

    def _one(self, sql: str, params: Sequence[object] = ()) -> Any:
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

    # -- backups --

    def backup_now(self, reason: str = "manual", *, now: datetime) -> Path:
        """Write a backup with SQLite's online backup API; returns its path."""
        with self._lock:
            return write_backup(self._db, self.path, reason, now)

    def daily_backup_if_due(self, now: datetime) -> Path | None:
        """Take the day's `daily` backup unless one exists for `now`'s local day.

        Call it when studying starts, with local time (`datetime.now().astimezone()`).
        """
        if has_daily_backup(self.path, now):
            return None
        return self.backup_now("daily", now=now)

    # -- decks --

    def sync_deck(
        self,
        deck_id: str,
        *,
        title: str,
        path: Path | str | None,
        content_hash: str | None,
        card_keys: Sequence[str],
        question_count: int,
        now: datetime,
        meta_json: str = "{}",
    ) -> SyncResult:
        """Bring the deck's cards in line with `card_keys` (in deck order), in one transaction.

        New keys become new cards; cards whose key is gone are marked orphaned (their
        history stays); orphans whose key is back are restored with their state.
        """
        if len(set(card_keys)) != len(card_keys):
            raise ValueError(f"deck {deck_id!r} has duplicate card keys")
        stamp = to_us(now)
        with self._write() as db:
            db.execute(
                "INSERT INTO decks (id, title, path, content_hash, question_count, card_count,"
                " meta_json, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET title = excluded.title, path = excluded.path,"
                " content_hash = excluded.content_hash,"
                " question_count = excluded.question_count, card_count = excluded.card_count,"
                " meta_json = excluded.meta_json, synced_at = excluded.synced_at",
                (
                    deck_id,
                    title,
                    None if path is None else str(path),
                    content_hash,
                    question_count,
                    len(card_keys),
                    meta_json,
                    stamp,
                ),
            )
            existing = {
                key: (position, bool(orphaned))
                for key, position, orphaned in db.execute(
                    "SELECT card_key, position, orphaned FROM cards WHERE deck_id = ?",
                    (deck_id,),
                )
            }
            inserts = []
            updates = []
            restored = 0
            for position, key in enumerate(card_keys):
                known = existing.get(key)
                if known is None:
                    inserts.append((deck_id, key, key.split(":", 1)[0], position, stamp))
                elif known != (position, False):
                    restored += known[1]
                    updates.append((position, deck_id, key))
            current = set(card_keys)
            gone = [
                (deck_id, key)
                for key, (_, orphaned) in existing.items()
                if key not in current and not orphaned
            ]
            db.executemany(
                "INSERT INTO cards (deck_id, card_key, question_key, position, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                inserts,
            )
            db.executemany(
                "UPDATE cards SET position = ?, orphaned = 0 WHERE deck_id = ? AND card_key = ?",
                updates,
            )
            db.executemany("UPDATE cards SET orphaned = 1 WHERE deck_id = ? AND card_key = ?", gone)
        return SyncResult(added=len(inserts), orphaned=len(gone), restored=restored)

    def deck(self, deck_id: str) -> DeckRecord | None:
        """The last sync of a deck id, or None if it was never synced."""
        row = self._one(f"SELECT {_DECK_COLUMNS} FROM decks WHERE id = ?", (deck_id,))
        return None if row is None else _deck(row)

    def decks(self) -> list[DeckRecord]:
        """Every deck ever synced, by title."""
        return [
            _deck(row) for row in self._rows(f"SELECT {_DECK_COLUMNS} FROM decks ORDER BY title")
        ]

    def cached_deck_file(
        self, path: Path | str, *, size: int, mtime_ns: int
    ) -> DeckFileRecord | None:
        """The cached parse of a deck file, if the file still has this size and mtime."""
        row = self._one(
            f"SELECT {_FILE_COLUMNS} FROM deck_files WHERE path = ? AND size = ? AND mtime_ns = ?",
            (str(path), size, mtime_ns),
        )
        return None if row is None else _deck_file(row)

    def cache_deck_file(self, record: DeckFileRecord) -> None:
        """Remember what parsing a deck file gave, replacing the previous entry for the path."""
        with self._write() as db:
            db.execute(
                f"INSERT OR REPLACE INTO deck_files ({_FILE_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.path,
                    record.size,
                    record.mtime_ns,
                    record.content_hash,
                    record.deck_id,
                    record.title,
                    record.question_count,
                    record.card_count,
                    record.meta_json,
                    record.first_error,
                    to_us(record.checked_at),
                ),
            )

    # -- cards and queues --

    def card(self, deck_id: str, card_key: str) -> CardRecord | None:
        """One card, orphaned or not; None if the deck never had it."""
        row = self._one(
            f"SELECT {_CARD_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
            (deck_id, card_key),
        )
        return None if row is None else _card(row)

    def card_state(self, deck_id: str, card_key: str) -> CardState | None:
        """The scheduling state of one card, or None if the deck never had it.

        Read for every card a session shows, so it reads the state columns only.
        """
        row = self._one(
            f"SELECT {_STATE_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
            (deck_id, card_key),
        )
        return None if row is None else _stored_state(deck_id, card_key, row)

    def due_cards(
        self,
        deck_ids: Sequence[str] | None,
        *,
        until: datetime,
        limit: int,
        phases: Collection[Phase] = (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING),
    ) -> list[CardRecord]:
        """Non-orphaned cards in `phases` due at or before `until`, most overdue first.

        One query per (deck, phase), each an ordered walk of an index stopped at
        `limit`, merged here: a single query over several decks or phases would
        have SQLite sort every due card first.
        """
        _check_limit(limit)
        stamp = to_us(until)
        streams = [
            self._rows(
                f"SELECT {_CARD_COLUMNS} FROM cards WHERE {deck_sql} AND state = ?"
                " AND orphaned = 0 AND due <= ? ORDER BY due LIMIT ?",
                (*deck_params, phase, stamp, limit),
            )
            for deck_sql, deck_params in _per_deck(deck_ids)
            for phase in sorted({int(p) for p in phases} - {int(Phase.NEW)})
        ]
        rows = heapq.merge(*streams, key=lambda row: (row[8], row[0], row[1]))
        return [_card(row) for row in itertools.islice(rows, limit)]

    def next_due(self, deck_ids: Sequence[str] | None) -> datetime | None:
        """The earliest due time of any studied, non-orphaned card: when a card is next ready."""
        found = [
            row[0]
            for deck_sql, deck_params in _per_deck(deck_ids)
            for phase in (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING)
            for row in self._rows(
                f"SELECT min(due) FROM cards WHERE {deck_sql} AND state = ? AND orphaned = 0",
                (*deck_params, int(phase)),
            )
            if row[0] is not None
        ]
        return from_us(min(found)) if found else None

    def new_cards(self, deck_ids: Sequence[str] | None, *, limit: int) -> list[CardRecord]:
        """Never-reviewed, non-orphaned cards in deck order (deck id, then position)."""
        _check_limit(limit)
        deck_sql, deck_params = _decks_filter(deck_ids)
        rows = self._rows(
            f"SELECT {_CARD_COLUMNS} FROM cards INDEXED BY cards_new"
            f" WHERE state = 0 AND orphaned = 0 AND {deck_sql}"
            " ORDER BY deck_id, position LIMIT ?",
            (*deck_params, limit),
        )
        return [_card(row) for row in rows]

    def count_due(
        self,
        deck_ids: Sequence[str] | None,
        *,
        until: datetime,
        phases: Collection[Phase] = (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING),
    ) -> int:
        """How many non-orphaned cards in `phases` are due at or before `until`."""
        deck_sql, deck_params = _decks_filter(deck_ids)
        wanted = sorted(int(p) for p in phases if p != Phase.NEW)
        if not wanted:
            return 0
        row = self._one(
            f"SELECT count(*) FROM cards WHERE {deck_sql} AND due <= ?"
            f" AND state IN ({','.join('?' * len(wanted))}) AND orphaned = 0",
            (*deck_params, to_us(until), *wanted),
        )
        return int(row[0])

    def count_new(self, deck_ids: Sequence[str] | None) -> int:
        """How many non-orphaned cards were never reviewed."""
        deck_sql, deck_params = _decks_filter(deck_ids)
        row = self._one(
            "SELECT count(*) FROM cards INDEXED BY cards_new"
            f" WHERE state = 0 AND orphaned = 0 AND {deck_sql}",
            deck_params,
        )
        return int(row[0])

    def count_first_reviews_since(self, deck_ids: Sequence[str] | None, since: datetime) -> int:
        """New cards introduced since `since` (reviews whose card was new before): the new limit."""
        deck_sql, deck_params = _decks_filter(deck_ids)
        row = self._one(
            f"SELECT count(*) FROM reviews WHERE reviewed_at >= ? AND state_before = 0"
            f" AND {deck_sql}",
            (to_us(since), *deck_params),
        )
        return int(row[0])

    def count_reviews_since(
        self, deck_ids: Sequence[str] | None, since: datetime, *, include_new: bool = False
    ) -> int:
        """Reviews logged since `since`; first reviews of new cards only with `include_new`."""
        deck_sql, deck_params = _decks_filter(deck_ids)
        new_sql = "" if include_new else " AND state_before <> 0"
        row = self._one(
            f"SELECT count(*) FROM reviews WHERE reviewed_at >= ?{new_sql} AND {deck_sql}",
            (to_us(since), *deck_params),
        )
        return int(row[0])

    def question_keys_reviewed_since(
        self, deck_ids: Sequence[str] | None, since: datetime
    ) -> set[tuple[str, str]]:
        """(deck id, question key) pairs answered since `since`: their siblings wait a day."""
        deck_sql, deck_params = _decks_filter(deck_ids, column="r.deck_id")
        rows = self._rows(
            "SELECT DISTINCT c.deck_id, c.question_key FROM reviews r"
            " JOIN cards c ON c.deck_id = r.deck_id AND c.card_key = r.card_key"
            f" WHERE r.reviewed_at >= ? AND {deck_sql}",
            (to_us(since), *deck_params),
        )
        return {(row[0], row[1]) for row in rows}

    # -- answers --

    def record_review(
        self,
        deck_id: str,
        card_key: str,
        *,
        after: CardState,
        grade: int,
        reviewed_at: datetime,
        response: str | None = None,
        correct: bool | None = None,
        duration_ms: int | None = None,
        expect_before: CardState | None = None,
    ) -> int:
        """Save one answer: set the card to `after` and append the log row, atomically.

        The state before is what was stored inside the transaction, so undo restores it
        exactly. With `expect_before`, raises `StoreConflict` if the card changed since
        the caller read it, e.g. answered by another `quiz` process: the update is then a
        compare-and-set on every state column, which saves reading the card again.
        Returns the review id once the transaction is committed.
        """
        if grade not in (1, 2, 3, 4):
            raise ValueError(f"grade must be 1-4 (Again, Hard, Good, Easy), not {grade}")
        with self._write() as db:
            if expect_before is None:
                row = db.execute(
                    f"SELECT {_STATE_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
                    (deck_id, card_key),
                ).fetchone()
                if row is None:
                    raise StoreError(f"unknown card {deck_id}/{card_key}: sync the deck first")
                before = _stored_state(deck_id, card_key, row)
                _set_state(db, deck_id, card_key, after)
            else:
                before = expect_before
                if not _set_state(db, deck_id, card_key, after, expect=before):
                    if db.execute(
                        "SELECT 1 FROM cards WHERE deck_id = ? AND card_key = ?",
                        (deck_id, card_key),
                    ).fetchone():
                        raise StoreConflict(f"card {deck_id}/{card_key} changed since it was shown")
                    raise StoreError(f"unknown card {deck_id}/{card_key}: sync the deck first")
            cursor = db.execute(
                "INSERT INTO reviews (deck_id, card_key, reviewed_at, grade, state_before,"
                " response, correct, duration_ms, state_before_json, state_after_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    deck_id,
                    card_key,
                    to_us(reviewed_at),
                    grade,
                    int(before.state),
                    response,
                    None if correct is None else int(correct),
                    duration_ms,
                    before.to_json(),
                    after.to_json(),
                ),
            )
            review_id = cursor.lastrowid
        assert review_id is not None
        return review_id

    def undo_review(self, review_id: int) -> CardRecord:
        """Undo one answer: restore the card's state before it and delete the log row.

        Only the newest review of a card can be undone (an older one would leave the
        card in a state no review produced); raises `StoreError` otherwise.
        """
        with self._write() as db:
            row = db.execute(
                "SELECT deck_id, card_key, state_before_json FROM reviews WHERE id = ?",
                (review_id,),
            ).fetchone()
            if row is None:
                raise StoreError(f"review {review_id} does not exist (already undone?)")
            deck_id, card_key, before_json = row
            newest = db.execute(
                "SELECT max(id) FROM reviews WHERE deck_id = ? AND card_key = ?",
                (deck_id, card_key),
            ).fetchone()[0]
            if newest != review_id:
                raise StoreError(
                    f"review {review_id} is not the newest answer to {deck_id}/{card_key}"
                )
            if before_json is None:
                raise StoreError(f"review {review_id} has no saved state to restore")
            try:
                before = CardState.from_json(before_json)
            except (ValueError, TypeError) as error:
                raise _invalid(f"review {review_id}", error) from error
            _set_state(db, deck_id, card_key, before)
            db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            restored = db.execute(
                f"SELECT {_CARD_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
                (deck_id, card_key),
            ).fetchone()
        return _card(restored)

    def review(self, review_id: int) -> ReviewRecord | None:
        """One row of the review log."""
        row = self._one(f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE id = ?", (review_id,))
        return None if row is None else _review(row)

    def iter_reviews(
        self, deck_ids: Sequence[str] | None = None, *, batch: int = 5000
    ) -> Iterator[ReviewRecord]:
        """The review log in id order, read in batches (for export, stats and the optimizer)."""
        deck_sql, deck_params = _decks_filter(deck_ids)
        last = 0
        while True:
            rows = self._rows(
                f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE id > ? AND {deck_sql}"
                " ORDER BY id LIMIT ?",
                (last, *deck_params, batch),
            )
            for row in rows:
                yield _review(row)
            if len(rows) < batch:
                return
            last = rows[-1][0]

    # -- attempts --

    def start_attempt(
        self,
        deck_id: str,
        *,
        mode: Literal["quiz", "exam"],
        started_at: datetime,
        deck_hash: str | None = None,
        student: str | None = None,
        seed: int | None = None,
        questions: Sequence[tuple[str, float]] = (),
        pass_mark: float | None = None,
    ) -> int:
        """Record the start of a quiz or exam on a synced deck; returns the attempt id.

        `questions` are the (question key, points) asked, in order, stored with the
        attempt in one transaction: a question never answered still counts as asked.
        """
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO attempts (deck_id, deck_hash, student, mode, seed, started_at,"
                " pass_mark) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (deck_id, deck_hash, student, mode, seed, to_us(started_at), pass_mark),
            )
            attempt_id = cursor.lastrowid
            assert attempt_id is not None
            db.executemany(
                "INSERT INTO attempt_questions (attempt_id, position, question_key, points)"
                " VALUES (?, ?, ?, ?)",
                [
                    (attempt_id, position, key, points)
                    for position, (key, points) in enumerate(questions)
                ],
            )
        return attempt_id

    def record_attempt_answer(
        self,
        attempt_id: int,
        *,
        position: int,
        question_key: str,
        response_json: str | None,
        correct: bool | None,
        score: float,
        points: float,
        answered_at: datetime,
        duration_ms: int | None = None,
    ) -> None:
        """Save (or replace) the answer at `position` of an attempt, committed at once."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO attempt_answers (attempt_id, position, question_key,"
                " response_json, correct, score, points, answered_at, duration_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    attempt_id,
                    position,
                    question_key,
                    response_json,
                    None if correct is None else int(correct),
                    score,
                    points,
                    to_us(answered_at),
                    duration_ms,
                ),
            )

    def finish_attempt(
        self, attempt_id: int, *, finished_at: datetime, max_score: float | None = None
    ) -> AttemptRecord:
        """Close an attempt; its score is the sum of its answers' scores.

        `max_score` defaults to the sum of the answered questions' points; pass the
        deck's total when unanswered questions count (an exam that ran out of time).
        """
        with self._write() as db:
            total, points = db.execute(
                "SELECT coalesce(sum(score), 0), coalesce(sum(points), 0)"
                " FROM attempt_answers WHERE attempt_id = ?",
                (attempt_id,),
            ).fetchone()
            cursor = db.execute(
                "UPDATE attempts SET finished_at = ?, score = ?, max_score = ? WHERE id = ?",
                (to_us(finished_at), total, points if max_score is None else max_score, attempt_id),
            )
            if cursor.rowcount != 1:
                raise StoreError(f"attempt {attempt_id} does not exist")
            row = db.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,)
            ).fetchone()
        return _attempt(row)

    def attempt(self, attempt_id: int) -> AttemptRecord | None:
        """One attempt."""
        row = self._one(f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,))
        return None if row is None else _attempt(row)

    def attempts(self, deck_id: str | None = None) -> list[AttemptRecord]:
        """Attempts, oldest first, of one deck or of all."""
        deck_sql, deck_params = _decks_filter(None if deck_id is None else [deck_id])
        rows = self._rows(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE {deck_sql} ORDER BY started_at, id",
            deck_params,
        )
        return [_attempt(row) for row in rows]

    def attempt_answers(self, attempt_id: int) -> list[AttemptAnswer]:
        """The answers of an attempt, by position."""
        rows = self._rows(
            f"SELECT {_ANSWER_COLUMNS} FROM attempt_answers WHERE attempt_id = ? ORDER BY position",
            (attempt_id,),
        )
        return [_answer(row) for row in rows]

    def attempt_questions(self, attempt_id: int) -> list[AttemptQuestion]:
        """The questions an attempt asked, by position (none for a schema-1 attempt)."""
        rows = self._rows(
            "SELECT attempt_id, position, question_key, points FROM attempt_questions"
            " WHERE attempt_id = ? ORDER BY position",
            (attempt_id,),
        )
        return [AttemptQuestion(*row) for row in rows]

    def last_finished_percents(self, deck_ids: Sequence[str] | None = None) -> dict[str, float]:
        """Deck id -> percent of its latest finished attempt, in one grouped query.

        For the library, which shows it beside every deck: one pass over `attempts`
        (SQLite's bare-column `max()` picks the row of the latest finish). Decks
        without a finished attempt (or whose latest is worth 0 points) are left out.
        """
        deck_sql, deck_params = _decks_filter(deck_ids)
        rows = self._rows(
            "SELECT deck_id, score, max_score, max(finished_at) FROM attempts"
            f" WHERE finished_at IS NOT NULL AND {deck_sql} GROUP BY deck_id",
            deck_params,
        )
        return {
            deck_id: 100.0 * (score or 0.0) / maximum
            for deck_id, score, maximum, _ in rows
            if maximum
        }

    # -- doctor --

    def doctor(self, *, repair: bool, now: datetime) -> DoctorReport:
        """Check the database and, with `repair`, fix what can be fixed without losing history.

        Checks: `PRAGMA integrity_check`; reviews of unknown cards (repaired by
        recreating the card, orphaned, from its last logged state); cards or attempts
        of decks never synced (a placeholder deck row is added and the cards are
        orphaned); attempt answers without an attempt (deleted: nothing can show
        them); card states that do not parse (reset to the last logged state, else to
        new); log states that do not parse (cleared; the row stays); review-phase
        cards without a due time (made due at their last review). Repairs are
        idempotent: a second run finds nothing.
        """
        try:
            integrity = [row[0] for row in self._rows("PRAGMA integrity_check")]
        except StoreError as error:  # some damage stops the check itself: report it too
            integrity = [str(error)]
        if integrity != ["ok"]:
            return DoctorReport(integrity=integrity)
        findings: list[Finding] = []
        stamp = to_us(now)
        # Checking alone reads one consistent snapshot; repairing is one write transaction.
        with self._write() if repair else self._snapshot():
            findings += self._check_unknown_decks(repair, stamp)
            findings += self._check_unknown_cards(repair, stamp)
            findings += self._check_loose_answers(repair)
            findings += self._check_log_states(repair)
            findings += self._check_card_states(repair)
            findings += self._check_due_missing(repair, stamp)
        return DoctorReport(integrity=integrity, findings=findings)

    def _check_unknown_decks(self, repair: bool, stamp: int) -> list[Finding]:
        missing = [
            row[0]
            for row in self._db.execute(
                "SELECT deck_id FROM cards WHERE deck_id NOT IN (SELECT id FROM decks)"
                " UNION SELECT deck_id FROM attempts WHERE deck_id NOT IN (SELECT id FROM decks)"
                " UNION SELECT deck_id FROM reviews WHERE deck_id NOT IN (SELECT id FROM decks)"
            )
        ]
        if not missing:
            return []
        if repair:
            for deck_id in missing:
                _placeholder_deck(self._db, deck_id, stamp)
                self._db.execute("UPDATE cards SET orphaned = 1 WHERE deck_id = ?", (deck_id,))
        names = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        return [
            Finding(
                "unknown-deck",
                len(missing),
                f"{len(missing)} deck id(s) with cards or attempts but never synced: {names}",
                repair,
            )
        ]

    def _check_unknown_cards(self, repair: bool, stamp: int) -> list[Finding]:
        missing = self._db.execute(  # grouped first: one lookup per card, not per review
            "SELECT r.deck_id, r.card_key, r.n FROM (SELECT deck_id, card_key, count(*) AS n"
            " FROM reviews GROUP BY deck_id, card_key) AS r"
            " LEFT JOIN cards c ON c.deck_id = r.deck_id AND c.card_key = r.card_key"
            " WHERE c.card_key IS NULL"
        ).fetchall()
        if not missing:
            return []
        if repair:
            for deck_id, card_key, _ in missing:
                _placeholder_deck(self._db, deck_id, stamp)
                state = self._last_logged_state(deck_id, card_key) or CardState()
                position = self._db.execute(
                    "SELECT coalesce(max(position), -1) + 1 FROM cards WHERE deck_id = ?",
                    (deck_id,),
                ).fetchone()[0]
                self._db.execute(
                    "INSERT INTO cards (deck_id, card_key, question_key, position, orphaned,"
                    " created_at) VALUES (?, ?, ?, ?, 1, ?)",
                    (deck_id, card_key, card_key.split(":", 1)[0], position, stamp),
                )
                _set_state(self._db, deck_id, card_key, state)
        reviews = sum(row[2] for row in missing)
        return [
            Finding(
                "unknown-card",
                reviews,
                f"{reviews} review(s) of {len(missing)} card(s) that are not in the cards table",
                repair,
            )
        ]

    def _check_loose_answers(self, repair: bool) -> list[Finding]:
        where = "attempt_id NOT IN (SELECT id FROM attempts)"
        count = self._db.execute(f"SELECT count(*) FROM attempt_answers WHERE {where}").fetchone()[
            0
        ]
        if not count:
            return []
        if repair:
            self._db.execute(f"DELETE FROM attempt_answers WHERE {where}")
        return [
            Finding("loose-answer", count, f"{count} attempt answer(s) without an attempt", repair)
        ]

    def _check_log_states(self, repair: bool) -> list[Finding]:
        bad = []
        for review_id, before, after in self._db.execute(  # streamed: the log may be huge
            "SELECT id, state_before_json, state_after_json FROM reviews"
            " WHERE state_before_json IS NOT NULL OR state_after_json IS NOT NULL"
        ):
            broken = [
                column
                for column, text in (("state_before_json", before), ("state_after_json", after))
                if text is not None and not _parses(text)
            ]
            bad += [(review_id, column) for column in broken]
        if not bad:
            return []
        if repair:
            for review_id, column in bad:
                self._db.execute(f"UPDATE reviews SET {column} = NULL WHERE id = ?", (review_id,))
        return [
            Finding("bad-log-state", len(bad), f"{len(bad)} unparsable state(s) in the log", repair)
        ]

    def _check_card_states(self, repair: bool) -> list[Finding]:
        bad = self._db.execute(
            f"SELECT deck_id, card_key FROM cards WHERE NOT ({_VALID_CARD_SQL})",
            (_MIN_US, _MAX_US, _MIN_US, _MAX_US),
        ).fetchall()
        if not bad:
            return []
        if repair:
            for deck_id, card_key in bad:
                state = self._last_logged_state(deck_id, card_key) or CardState()
                _set_state(self._db, deck_id, card_key, state)
        return [
            Finding("bad-card-state", len(bad), f"{len(bad)} card(s) with invalid state", repair)
        ]

    def _check_due_missing(self, repair: bool, stamp: int) -> list[Finding]:
        where = "state IN (1, 2, 3) AND due IS NULL"
        count = self._db.execute(f"SELECT count(*) FROM cards WHERE {where}").fetchone()[0]
        if not count:
            return []
        if repair:
            self._db.execute(
                f"UPDATE cards SET due = coalesce(last_review, ?) WHERE {where}",
                (stamp,),
            )
        return [Finding("no-due", count, f"{count} studied card(s) without a due time", repair)]

    def _last_logged_state(self, deck_id: str, card_key: str) -> CardState | None:
        for (text,) in self._db.execute(
            "SELECT state_after_json FROM reviews WHERE deck_id = ? AND card_key = ?"
            " AND state_after_json IS NOT NULL ORDER BY id DESC",
            (deck_id, card_key),
        ):
            with contextlib.suppress(ValueError, TypeError):
                return CardState.from_json(text)
        return None


# JSON's number grammar in ASCII digits (`\d` would also match other scripts' digits).
_COUNT = r"(?:0|[1-9][0-9]{0,17})"
_INT = rf"-?{_COUNT}"
_NUM = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_TIME = r"(?:0|-[1-9][0-9]{0,15}|[1-9][0-9]{0,16})"  # well inside datetime's range
_CANONICAL_STATE = re.compile(
    "".join(
        (
            rf'\{{"difficulty":(?:{_NUM}|null),"due":(?:{_TIME}|null),"lapses":{_COUNT},',
            rf'"last_review":(?:{_TIME}|null),"reps":{_COUNT},"stability":(?:{_NUM}|null),',
            rf'"state":[0-3],"step":(?:{_INT}|null)\}}',
        )
    )
)
"""Exactly what `CardState.to_json` writes: lets `doctor` accept a log row without parsing it."""


def _parses(text: str) -> bool:
    if _CANONICAL_STATE.fullmatch(text):
        return True
    try:
        CardState.from_json(text)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _placeholder_deck(db: sqlite3.Connection, deck_id: str, stamp: int) -> None:
    db.execute(
        "INSERT OR IGNORE INTO decks (id, title, synced_at) VALUES (?, ?, ?)",
        (deck_id, deck_id, stamp),
    )


_STATE_COLUMNS = "state, step, stability, difficulty, due, last_review, reps, lapses"
"""The columns of a card's scheduling state, in `_checked_state`'s argument order."""


def _state_values(state: CardState) -> tuple[object, ...]:
    """A state as the values of `_STATE_COLUMNS`."""
    return (
        int(state.state),
        state.step,
        state.stability,
        state.difficulty,
        _opt_us(state.due),
        _opt_us(state.last_review),
        state.reps,
        state.lapses,
    )


_SET_STATE = (
    "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?,"
    " last_review = ?, reps = ?, lapses = ? WHERE deck_id = ? AND card_key = ?"
)
_SET_STATE_IF = _SET_STATE + "".join(f" AND {column} IS ?" for column in _STATE_COLUMNS.split(", "))


def _set_state(
    db: sqlite3.Connection,
    deck_id: str,
    card_key: str,
    state: CardState,
    *,
    expect: CardState | None = None,
) -> bool:
    """Store a card's state; with `expect`, only if the stored one equals it. True if written.

    `IS` compares NULL with NULL as equal, and a stored REAL with the float it was
    written from exactly (the columns' affinities keep each value's type), so the row
    matches exactly when it holds `expect`.
    """
    if expect is None:
        cursor = db.execute(_SET_STATE, (*_state_values(state), deck_id, card_key))
    else:
        cursor = db.execute(
            _SET_STATE_IF,
            (*_state_values(state), deck_id, card_key, *_state_values(expect)),
        )
    return cursor.rowcount == 1


def _check_limit(limit: int) -> None:
    """SQLite reads a negative LIMIT as "no limit": a caller bug that would load every card."""
    if limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")


def _per_deck(deck_ids: Sequence[str] | None) -> list[tuple[str, tuple[str, ...]]]:
    """One `deck_id = ?` filter per deck (or one match-all), so each query walks one index range."""
    if deck_ids is None:
        return [("1", ())]
    if isinstance(deck_ids, str):
        raise TypeError("deck_ids must be a sequence of ids, not one string")
    return [("deck_id = ?", (deck_id,)) for deck_id in dict.fromkeys(deck_ids)]


def _decks_filter(
    deck_ids: Sequence[str] | None, column: str = "deck_id"
) -> tuple[str, tuple[str, ...]]:
    if deck_ids is None:
        return "1", ()
    if isinstance(deck_ids, str):
        raise TypeError("deck_ids must be a sequence of ids, not one string")
    return f"{column} IN ({','.join('?' * len(deck_ids))})", tuple(deck_ids)


_MIN_US = to_us(datetime.min.replace(tzinfo=timezone.utc))
_MAX_US = to_us(datetime.max.replace(tzinfo=timezone.utc))
_VALID_CARD_SQL = """
    typeof(state) = 'integer' AND state BETWEEN 0 AND 3
    AND typeof(step) IN ('integer', 'null')
    AND typeof(stability) IN ('integer', 'real', 'null')
    AND typeof(difficulty) IN ('integer', 'real', 'null')
    AND (due IS NULL OR (typeof(due) = 'integer' AND due BETWEEN ? AND ?))
    AND (last_review IS NULL OR (typeof(last_review) = 'integer' AND last_review BETWEEN ? AND ?))
    AND typeof(reps) = 'integer' AND reps >= 0
    AND typeof(lapses) = 'integer' AND lapses >= 0
"""
"""What `_checked_state` accepts, in SQL, so `doctor` checks 100k cards without building them."""

_DECK_COLUMNS = "id, title, path, content_hash, question_count, card_count, meta_json, synced_at"
_FILE_COLUMNS = (
    "path, size, mtime_ns, content_hash, deck_id, title, question_count, card_count,"
    " meta_json, first_error, checked_at"
)
_CARD_COLUMNS = (
    "deck_id, card_key, question_key, position, state, step, stability, difficulty, due,"
    " last_review, reps, lapses, orphaned, created_at"
)
_REVIEW_COLUMNS = (
    "id, deck_id, card_key, reviewed_at, grade, state_before, response, correct, duration_ms,"
    " state_before_json, state_after_json"
)
_ATTEMPT_COLUMNS = (
    "id, deck_id, deck_hash, student, mode, seed, started_at, finished_at, score, max_score,"
    " pass_mark"
)
_ANSWER_COLUMNS = (
    "attempt_id, position, question_key, response_json, correct, score, points, answered_at,"
    " duration_ms"
)


def _deck(row: Any) -> DeckRecord:
    return DeckRecord(
        id=row[0],
        title=row[1],
        path=row[2],
        content_hash=row[3],
        question_count=row[4],
        card_count=row[5],
        meta_json=row[6],
        synced_at=from_us(row[7]),
    )


def _deck_file(row: Any) -> DeckFileRecord:
    return DeckFileRecord(
        path=row[0],
        size=row[1],
        mtime_ns=row[2],
        content_hash=row[3],
        deck_id=row[4],
        title=row[5],
        question_count=row[6],
        card_count=row[7],
        meta_json=row[8],
        first_error=row[9],
        checked_at=from_us(row[10]),
    )


def _card(row: Any) -> CardRecord:
    """A card row as a record; a row no quiz wrote is a `StoreError` pointing at `doctor`."""
    try:
        return CardRecord(
            deck_id=row[0],
            card_key=row[1],
            question_key=row[2],
            position=row[3],
            state=_checked_state(*row[4:12]),
            orphaned=bool(row[12]),
            created_at=from_us(row[13]),
        )
    except (ValueError, TypeError, OverflowError) as error:
        raise _invalid(f"card {row[0]}/{row[1]}", error) from error


def _stored_state(deck_id: str, card_key: str, row: Sequence[Any]) -> CardState:
    """The state in a row of `_STATE_COLUMNS`; an invalid one is a `StoreError`, like `_card`."""
    try:
        return _checked_state(*row)
    except (ValueError, TypeError, OverflowError) as error:
        raise _invalid(f"card {deck_id}/{card_key}", error) from error


def _invalid(what: str, error: Exception) -> StoreError:
    return StoreError(f"{what} has an invalid saved state ({error}); run: quiz doctor --repair")


def _optional_state(text: str | None) -> CardState | None:
    return None if text is None else CardState.from_json(text)


def _review(row: Any) -> ReviewRecord:
    try:
        return ReviewRecord(
            id=row[0],
            deck_id=row[1],
            card_key=row[2],
            reviewed_at=from_us(row[3]),
            grade=row[4],
            state_before=Phase(row[5]),
            response=row[6],
            correct=None if row[7] is None else bool(row[7]),
            duration_ms=row[8],
            before=_optional_state(row[9]),
            after=_optional_state(row[10]),
        )
    except (ValueError, TypeError, OverflowError) as error:
        raise _invalid(f"review {row[0]}", error) from error


def _attempt(row: Any) -> AttemptRecord:
    return AttemptRecord(
        id=row[0],
        deck_id=row[1],
        deck_hash=row[2],
        student=row[3],
        mode=row[4],
        seed=row[5],
        started_at=from_us(row[6]),
        finished_at=_opt_dt(row[7]),
        score=row[8],
        max_score=row[9],
        pass_mark=row[10],
    )


def _answer(row: Any) -> AttemptAnswer:
    return AttemptAnswer(
        attempt_id=row[0],
        position=row[1],
        question_key=row[2],
        response_json=row[3],
        correct=None if row[4] is None else bool(row[4]),
        score=row[5],
        points=row[6],
        answered_at=from_us(row[7]),
        duration_ms=row[8],
    )


# --- restore ------------------------------------------------------------------------------


def restore_database(database: Path, source: Path | None, *, now: datetime) -> RestoreResult:
    """Replace `database` with the backup `source` (default: the newest backup).

    The backup is verified first (`integrity_check`, known schema). The current data
    is saved before it is replaced: as a `pre-restore` backup when it opens, or, when
    it is damaged, by copying its files byte for byte into the backups folder as
    `...-damaged.sqlite3`. A healthy database is overwritten through the backup API
    (safe with other connections open); a damaged one is replaced by renaming.
    """
    if source is None:
        source = newest_backup(database)
        if source is None:
            raise StoreError(f"no backups of {database} to restore")
    verify_backup(source, max_schema=SCHEMA_VERSION)
    if not database.exists():
        database.parent.mkdir(parents=True, exist_ok=True)
        _copy_database(source, database)
        return RestoreResult(restored_from=source, saved_current=None)
    # Pruning waits until the restore is done: it could otherwise delete `source`.
    try:
        store = Store.open(database, now=now)
    except StoreError:
        saved = _set_aside(database, now)
        _copy_database(source, database)
    else:
        with store, store._lock:
            saved = write_backup(store._db, database, "pre-restore", now, prune=False)
            reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
            try:
                reader.backup(store._db)
            finally:
                reader.close()
    prune_backups(database)
    return RestoreResult(restored_from=source, saved_current=saved)


def _set_aside(database: Path, now: datetime) -> Path:
    """Copy a damaged database and its -wal/-shm files into backups/, untouched."""
    from quiz.paths import backups_dir

    folder = backups_dir(database)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"quiz-{now.strftime('%Y%m%d-%H%M%S')}-damaged.sqlite3"
    serial = 1
    while target.exists():
        serial += 1
        target = folder / f"quiz-{now.strftime('%Y%m%d-%H%M%S')}-{serial}-damaged.sqlite3"
    shutil.copy2(database, target)
    for suffix in ("-wal", "-shm"):
        sidecar = database.with_name(database.name + suffix)
        if sidecar.exists():
            shutil.copy2(sidecar, target.with_name(target.name + suffix))
    return target


def _copy_database(source: Path, database: Path) -> None:
    """Write `source` to `database` via a temporary file and an atomic rename."""
    partial = database.with_name(database.name + ".restoring")
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    writer = sqlite3.connect(partial)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
    descriptor = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(partial, database)


def backups_of(database: Path) -> list[Path]:
    """Backup files of `database`, oldest first (for `quiz restore` listings)."""
    return [info.path for info in list_backups(database)]
