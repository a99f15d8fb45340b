"""`Store` methods for sync (`quiz.core.sync`): this device's events and the others'.

Own events are made at sync time from the rows studying wrote, not on the answer's path
(an answer stays one small transaction): `collect_own_events` turns every review, card
event and finished attempt that has no event yet into one, and every exported review or
card event whose row is gone (undone since) into an undo. They are stamped in the order
they happened, after everything this device had read before (`HybridClock`), which is
what causality needs: all of them happened after the previous sync's import.

`import_events` takes in other devices' events by id (a second copy changes nothing),
then replays every card they touch from all its events (`replay` is given by the caller,
so the store does not import the scheduler) and writes the outcome: the card's state and
marks, and one review row per answer in effect (an imported answer gets a row, an
answer undone elsewhere loses its row, a recomputed one gets its new states); a card
whose events are only answers in a clean chain, most of a long history, is written in
SQL with the outcome replay would give (`_write_chains`), and one whose events start with
such a chain is replayed from the chain's end. A bulk import (`bulk_import`: a first
sync of a long history) builds the secondary indexes of `sync_events` and `reviews` after
their rows (`EVENT_INDEXES`, `REVIEW_INDEXES`). Imported attempts become
attempt rows. Events of a card or deck this store does not have yet are
kept and applied by the sync after the deck is first opened.
"""

from __future__ import annotations

import heapq
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from quiz.core.card_state import CardMarks, CardState
from quiz.core.storage.card_actions import mark_values, snapshot_from_json
from quiz.core.storage.connection import Database
from quiz.core.storage.encoding import (
    STATE_COLUMNS,
    from_us,
    set_state,
    state_json_of_object,
    state_to_json,
    to_us,
)
from quiz.core.storage.records import MARK_COLUMNS
from quiz.core.sync.clock import HybridClock, Stamp
from quiz.core.sync.events import Event, answer_data, sched_data
from quiz.core.sync.replay import SCHEDULE_KINDS, CardReplay
from quiz.errors import StoreError


class UnreplayableCard(ValueError):
    """A card whose events do not replay (another device's file held something that no
    quiz writes): it keeps its state and waits, said to the learner."""


class Replay(Protocol):
    """Replays one card's events (`quiz.core.sync.replay.replay_card` with a recompute),
    from a clean prefix's recorded state when `after_prefix` is given."""

    def __call__(self, events: Sequence[Event], *, after_prefix: object = None) -> CardReplay:
        """The card's outcome."""
        ...


Scope = str

Progress = Callable[[str], None]
"""Told what a long sync is doing now, a short line at a time (`quiz sync` shows it on a
terminal): a first sync of years of history takes a minute or more."""

PROGRESS_EVERY = 10_000
"""Events made between two progress lines."""
"""`all` (a learner's own devices) or `attempts` (a class folder: attempts only)."""

_CARD_EVENT_KINDS = {
    "suspend": "suspend",
    "unsuspend": "unsuspend",
    "bury": "bury",
    "unbury": "unbury",
    "flag": "flag",
    "forget": "forget",
    "set-due": "set_due",
    "leech": "leech",
}
"""`card_events.kind` -> event kind."""

_ATTEMPT_FIELDS = (
    "deck_id, deck_hash, student, mode, seed, started_at, finished_at, score, max_score, pass_mark"
)
_ANSWER_FIELDS = (
    "position, question_key, response_json, correct, score, points, answered_at, duration_ms,"
    " overruled, checked_score, original_score, original_correct, regraded"
)
_QUESTION_FIELDS = "position, question_key, points"


EVENT_INDEXES = ("sync_events_card", "sync_events_device")
"""`sync_events`' secondary indexes that storing events never reads: a bulk import
builds them after the events (`Database.indexes_deferred`), before applying them."""

REVIEW_INDEXES = ("reviews_time", "reviews_deck_time", "reviews_mature", "reviews_overruled")
"""`reviews`' indexes that applying events never reads (it finds a card's rows by
`reviews_card`, an answer's by `reviews_event`): a bulk import builds them after its rows."""

BULK_EVENTS = 100_000
"""The fewest incoming events that make an import a bulk one (`SyncMethods.bulk_import`)."""

_LINE_BYTES = 512
"""About the length of an answer's line in an event file (to estimate events from bytes)."""


@dataclass(frozen=True)
class SyncFolderRecord:
    """A folder this device syncs through."""

    folder: str
    scope: Scope
    joined_at: datetime
    written_seq: int
    """This device's events up to this sequence number are in the folder."""


@dataclass(frozen=True)
class SyncSetup:
    """This device's sync identity: set once `quiz sync init` has run."""

    device: str
    clock: HybridClock
    next_seq: int
    folders: tuple[SyncFolderRecord, ...]


@dataclass
class ImportResult:
    """What one import brought in."""

    imported: int = 0
    cards: int = 0
    conflicts: int = 0
    attempts: int = 0
    waiting: int = 0
    """Events kept for cards or decks this store does not have yet."""
    devices: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DeviceSeen:
    """Another device as this store knows it (for `quiz sync status`)."""

    device: str
    events: int
    newest: datetime | None


class SyncMethods(Database):
    """Sync: the device identity, own events, importing and replaying the others'."""

    def sync_setup(self) -> SyncSetup | None:
        """This device's id, clock and folders; None until sync is set up."""
        row = self._one("SELECT device, clock_wall, clock_counter, next_seq FROM sync_device")
        if row is None:
            return None
        folders = tuple(
            SyncFolderRecord(folder, scope, from_us(joined), written)
            for folder, scope, joined, written in self._rows(
                "SELECT folder, scope, joined_at, written_seq FROM sync_folders ORDER BY folder"
            )
        )
        return SyncSetup(row[0], HybridClock(row[0], row[1], row[2]), row[3], folders)

    def join_sync_folder(self, folder: str, *, scope: Scope, device: str, now: datetime) -> str:
        """Sync through `folder` from now on; the device id (`device` if it had none yet)."""
        if scope not in ("all", "attempts"):
            raise ValueError(f"unknown sync scope {scope!r}")
        with self._write() as db:
            row = db.execute("SELECT device FROM sync_device").fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO sync_device (one, device, clock_wall, clock_counter, next_seq)"
                    " VALUES (1, ?, 0, 0, 1)",
                    (device,),
                )
            else:
                device = row[0]
            db.execute(
                "INSERT INTO sync_folders (folder, scope, joined_at) VALUES (?, ?, ?)"
                " ON CONFLICT (folder) DO UPDATE SET scope = excluded.scope",
                (folder, scope, to_us(now)),
            )
        return device

    def collect_own_events(
        self,
        *,
        now: datetime,
        sched_for: Callable[[str], Mapping[str, object]],
        progress: Progress | None = None,
    ) -> int:
        """Make events of everything studied or undone since the last sync (module
        docstring); `sched_for(deck_id)` is what that deck's answers are scheduled with."""
        with self._write() as db:
            row = db.execute(
                "SELECT device, clock_wall, clock_counter, next_seq FROM sync_device"
            ).fetchone()
            if row is None:
                raise StoreError("sync is not set up on this device: run quiz sync init DIR")
            device, clock = row[0], HybridClock(row[0], row[1], row[2])
            seq = row[3]
            made = 0
            for at_us, _, kind, deck, card, data, (table, row_id) in _new_own_events(
                db, device, now, sched_for
            ):
                stamp = clock.stamp(at_us)
                event = Event(device, seq, stamp, at_us, kind, deck, card, data)
                _insert_event(db, event, f"undo:{data['undoes']}" if kind == "undo" else None)
                if kind == "undo":  # an undo here restored the card as this device had it,
                    # without the other devices' events since: replay it from all of them
                    db.execute("INSERT OR IGNORE INTO sync_waiting VALUES (?, ?)", (deck, card))
                if table is not None:  # (a grade amended later clears reviews.event_id: the
                    # next sync undoes this answer and sends the amended one)
                    db.execute(f"UPDATE {table} SET event_id = ? WHERE id = ?", (event.id, row_id))
                seq += 1
                made += 1
                if progress is not None and made % PROGRESS_EVERY == 0:
                    progress(f"making events of this device's history: {made:,}")
            db.execute("DELETE FROM temp.sync_unsynced")
            db.execute("DELETE FROM sync_unlinked")  # undone now, or back (replayed), or not ours
            db.execute(
                "UPDATE sync_device SET clock_wall = ?, clock_counter = ?, next_seq = ?",
                (clock.wall_us, clock.counter, seq),
            )
        return made

    def own_events(
        self,
        after_seq: int,
        *,
        up_to: int | None = None,
        limit: int | None = None,
        attempts_only: bool = False,
    ) -> list[Event]:
        """This device's events past `after_seq` (up to `up_to`, at most `limit` of them), in
        order (to append to a folder)."""
        setup = self.sync_setup()
        if setup is None:
            return []
        kinds = " AND kind = 'attempt'" if attempts_only else ""
        rows = self._rows(
            f"SELECT {_EVENT_COLUMNS} FROM sync_events WHERE device = ? AND seq > ? AND seq <= ?"
            f"{kinds} ORDER BY seq LIMIT ?",
            (
                setup.device,
                after_seq,
                setup.next_seq - 1 if up_to is None else up_to,
                -1 if limit is None else limit,
            ),
        )
        return [_event_from_row(row) for row in rows]

    def set_written(self, folder: str, seq: int) -> None:
        """Record that this device's events up to `seq` are in `folder` (never going back)."""
        with self._write() as db:
            db.execute(
                "UPDATE sync_folders SET written_seq = max(written_seq, ?) WHERE folder = ?",
                (seq, folder),
            )

    def set_file_offsets(self, offsets: Mapping[str, tuple[str, int]], *, now: datetime) -> None:
        """Record how far files have been read or written (path -> (device, offset))."""
        with self._write() as db:
            _set_offsets(db, offsets, now)

    def sync_file_offsets(self) -> dict[str, int]:
        """How far each other device's file has been read (path -> byte offset)."""
        return dict(self._rows("SELECT path, offset FROM sync_files"))

    def import_events(
        self,
        events: Iterable[Event],
        *,
        offsets: Mapping[str, tuple[str, int]],
        replay: Replay,
        now: datetime,
    ) -> ImportResult:
        """`add_events` then `apply_waiting`: a small import in one call."""
        result = self.add_events(events, offsets=offsets, now=now)
        applied = self.apply_waiting(replay)
        result.cards, result.conflicts = applied.cards, applied.conflicts
        result.attempts, result.waiting = applied.attempts, applied.waiting
        result.problems += applied.problems
        return result

    def add_events(
        self,
        events: Iterable[Event],
        *,
        offsets: Mapping[str, tuple[str, int]],
        now: datetime,
    ) -> ImportResult:
        """Take in other devices' `events` (known ones are skipped) and record the file
        offsets they were read up to (path -> (device, offset)), in one transaction; the
        cards they touch wait in `sync_waiting` for `apply_waiting`, so an import cut short
        is finished by the next sync."""
        rows, problems = event_rows(events)
        result = self.add_rows(rows, offsets=offsets, now=now)
        result.problems[:0] = problems
        return result

    def add_rows(
        self,
        rows: Sequence[EventRow],
        *,
        offsets: Mapping[str, tuple[str, int]],
        now: datetime,
    ) -> ImportResult:
        """`add_events` of events already made rows (`event_rows`)."""
        with self._write() as db:
            largest = _largest_rowid(db)
            db.executemany(_INSERT_EVENT, rows)
            return _taken_in(db, largest, offsets, now)

    def add_rows_file(
        self, path: Path, *, offsets: Mapping[str, tuple[str, int]], now: datetime
    ) -> ImportResult:
        """`add_rows` of the rows a worker stored in the table `rows` of the SQLite file
        `path` (`write_rows_file`): copied by one statement, with no Python a row."""
        self._db.execute("ATTACH DATABASE ? AS piece", (os.fspath(path),))
        try:
            with self._write() as db:
                largest = _largest_rowid(db)
                db.execute(
                    f"INSERT OR IGNORE INTO sync_events ({_ROW_COLUMNS})"
                    f" SELECT {_ROW_COLUMNS} FROM piece.rows ORDER BY rowid"
                )
                return _taken_in(db, largest, offsets, now)
        finally:
            self._db.execute("DETACH DATABASE piece")

    def bulk_import(self, incoming_bytes: int) -> bool:
        """Whether `incoming_bytes` of other devices' event lines are a bulk import (a first
        sync of a long history): `BULK_EVENTS` or more, and more than the store holds
        events and reviews, so building `EVENT_INDEXES` and `REVIEW_INDEXES` after the
        rows costs less than keeping them up row by row."""
        incoming = incoming_bytes // _LINE_BYTES
        if incoming < BULK_EVENTS:
            return False
        held = self._one(
            "SELECT max(coalesce((SELECT max(id) FROM reviews), 0),"
            " coalesce((SELECT max(rowid) FROM sync_events), 0))"
        )
        return incoming > int(held[0])

    def apply_waiting(
        self, replay: Replay, *, batch: int = 5000, progress: Progress | None = None
    ) -> ImportResult:
        """Replay every waiting card that has a row here and write the outcome, `batch`
        cards a transaction; make rows of imported attempts whose deck is known. (Each
        commit of a long history costs ~0.2 s, most of it the WAL's checkpoint: 5,000
        cards, about a second of holding the write lock at most, applied 1M events 7 s
        faster than 2,000.)"""
        result = ImportResult()
        waiting = int(self._one("SELECT count(*) FROM sync_waiting")[0])
        done = 0
        refs = self._waiting_after(("", ""), batch)
        while refs:
            with self._write() as db:
                chained, prefixes = _write_chains(db, _chain_runs(db, refs))
                result.cards += len(chained)
                for ref in refs:
                    if ref in chained:
                        continue
                    try:
                        outcome = _apply_card(db, ref, replay, prefixes.get(ref, 0))
                    except UnreplayableCard as problem:
                        result.problems.append(f"{problem}; it is tried again at each sync")
                        result.waiting += 1
                        continue
                    if outcome is None:
                        result.waiting += 1  # no such card here yet: its deck not opened
                        continue
                    db.execute("DELETE FROM sync_waiting WHERE deck_id = ? AND card_key = ?", ref)
                    result.cards += 1
                    result.conflicts += outcome.conflicts
            done += len(refs)
            if progress is not None:
                progress(f"updating cards: {done:,} of {waiting:,}")
            refs = self._waiting_after(refs[-1], batch) if len(refs) == batch else []
        with self._write() as db:
            result.attempts = _apply_attempts(db)
            result.waiting += _attempts_waiting(db)
        return result

    def _waiting_after(self, after: tuple[str, str], batch: int) -> list[tuple[str, str]]:
        """The next `batch` waiting cards after `after`, in order."""
        return [
            (deck, card)
            for deck, card in self._rows(
                "SELECT deck_id, card_key FROM sync_waiting WHERE (deck_id, card_key) > (?, ?)"
                " ORDER BY deck_id, card_key LIMIT ?",
                (*after, batch),
            )
        ]

    def devices_seen(self) -> list[DeviceSeen]:
        """Every device whose events this store holds, with its newest event's time."""
        return [
            DeviceSeen(device, count, None if newest is None else from_us(newest))
            for device, count, newest in self._rows(
                "SELECT device, count(*), max(at) FROM sync_events WHERE kind != 'sched'"
                " GROUP BY device ORDER BY device"
            )
        ]

    def sched_records(self) -> dict[str, dict[str, Any]]:
        """Every scheduler record answers name (id -> record), from the `sched` events."""
        records: dict[str, dict[str, Any]] = {}
        for (data_json,) in self._rows("SELECT data_json FROM sync_events WHERE kind = 'sched'"):
            data = json.loads(data_json)
            if isinstance(data, dict) and isinstance(data.get("record"), dict):
                records[str(data.get("id"))] = data["record"]
        return records

    def card_sync_events(self, deck_id: str, card_key: str) -> list[Event]:
        """One card's events, own and imported (in no particular order)."""
        rows = self._rows(
            f"SELECT {_EVENT_COLUMNS} FROM sync_events WHERE deck_id = ? AND card_key = ?",
            (deck_id, card_key),
        )
        return [_event_from_row(row) for row in rows]


def _set_offsets(
    db: sqlite3.Connection, offsets: Mapping[str, tuple[str, int]], now: datetime
) -> None:
    db.executemany(
        "INSERT INTO sync_files (path, device, offset, read_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (path) DO UPDATE SET offset = excluded.offset, read_at = excluded.read_at",
        [(path, device, offset, to_us(now)) for path, (device, offset) in offsets.items()],
    )


_encode_data = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
"""An event's data as stored (one encoder for every event: `json.dumps` makes one a call)."""

_EVENT_COLUMNS = (
    "id, device, seq, wall_us, counter, at, kind, deck_id, card_key, before_json, after_json,"
    " data_json"
)

_Made = tuple[int, int, str, str | None, str | None, dict[str, Any], tuple[str | None, int]]
"""(time, tie-break, kind, deck, card, data, (table, row id)) of an own event to make: the
local row it comes from gets its `event_id`."""

_PAGE = 2000
"""Rows read at a time when making own events: a first sync of a long history holds one
page of each table, not the history (1M reviews held as events took 2.5 GB)."""

_FIRST_KEY = (-(2**63), 0)
"""Before every (time, id) key: where keyset pagination starts."""


def _new_own_events(
    db: sqlite3.Connection,
    device: str,
    now: datetime,
    sched_for: Callable[[str], Mapping[str, object]],
) -> Iterator[_Made]:
    """Every own event a sync should make now (`SyncMethods.collect_own_events`), in the
    order they are stamped: by (time, tie-break), ties in the order scheduler records,
    answers, card changes, attempts, undos. Each source is read a page at a time in that
    order and merged, so memory does not grow with the history; the caller may write the
    rows already yielded (each page is a query of its own, run after those writes)."""
    # The unsynced reviews' keys, from one pass over the table: paging through the time
    # index instead looked up every review ever made (an everyday sync of a 1M-review
    # store took 2.2 s); a temporary table, not memory, holds them.
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS sync_unsynced (reviewed_at INTEGER, id INTEGER,"
        " PRIMARY KEY (reviewed_at, id)) WITHOUT ROWID"
    )
    db.execute("DELETE FROM temp.sync_unsynced")
    db.execute(
        "INSERT INTO temp.sync_unsynced SELECT reviewed_at, id FROM reviews WHERE event_id IS NULL"
    )
    scheds, made_scheds = _own_scheds(db, device, sched_for)
    stamp = to_us(now)
    # Own answers and card changes whose row is gone were undone here since the last sync
    # (read before anything is written). `sync_unlinked` (schema 11) names every event
    # whose row went since then, by triggers: as many as were undone, not the history.
    undos: list[_Made] = [
        (stamp, 0, "undo", deck, card, {"undoes": event_id}, (None, 0))
        for event_id, deck, card in db.execute(
            "SELECT s.id, s.deck_id, s.card_key FROM sync_unlinked AS u"
            " CROSS JOIN sync_events AS s ON s.id = u.event_id WHERE s.device = ?"
            " AND s.kind NOT IN ('undo', 'attempt', 'sched')"
            " AND NOT EXISTS (SELECT 1 FROM sync_events"
            "  WHERE kind = 'undo' AND source = 'undo:' || s.id)"
            # a card change of ours taken back from the folder (after a restore) has no row
            " AND (s.kind = 'answer' OR s.source IS NULL)"
            " AND NOT EXISTS (SELECT 1 FROM reviews WHERE event_id = s.id)"
            " AND NOT EXISTS (SELECT 1 FROM card_events WHERE event_id = s.id)"
            " ORDER BY s.rowid",
            (device,),
        ).fetchall()
    ]
    return heapq.merge(
        made_scheds,
        _own_answers(db, scheds),
        _own_card_changes(db),
        _own_attempts(db),
        undos,
        key=lambda item: (item[0], item[1]),
    )


def _own_scheds(
    db: sqlite3.Connection, device: str, sched_for: Callable[[str], Mapping[str, object]]
) -> tuple[dict[str, str], list[_Made]]:
    """Each deck with unsynced answers -> the id of its scheduler record; and an event of
    each record this device has not written yet, timed as the first answer (by row id)
    of the first deck naming it, so that it goes out before that answer."""
    written = {
        str(json.loads(data)["id"])
        for (data,) in db.execute(
            "SELECT data_json FROM sync_events WHERE kind = 'sched' AND device = ?", (device,)
        )
    }
    scheds: dict[str, str] = {}
    made: list[_Made] = []
    for deck, at, _ in db.execute(
        "SELECT r.deck_id, r.reviewed_at, min(r.id) AS first FROM temp.sync_unsynced AS u"
        " CROSS JOIN reviews AS r ON r.id = u.id JOIN cards AS c USING (deck_id, card_key)"
        " GROUP BY r.deck_id ORDER BY first"
    ).fetchall():
        sched = sched_data(sched_for(deck))
        scheds[deck] = sched["id"]
        if sched["id"] not in written:
            written.add(sched["id"])
            made.append((at, -1, "sched", None, None, sched, (None, 0)))
    made.sort(key=lambda item: (item[0], item[1]))  # stable: ties stay in deck order
    return scheds, made


def _keyset_pages(db: sqlite3.Connection, select: str) -> Iterator[Any]:
    """The rows of `select`, whose first two columns are its (time, id) order and which
    takes `:at` and `:id` to start after, a page at a time."""
    after = _FIRST_KEY
    while True:
        rows = db.execute(select, {"at": after[0], "id": after[1], "page": _PAGE}).fetchall()
        yield from rows
        if len(rows) < _PAGE:
            return
        after = (rows[-1][0], rows[-1][1])


def _own_answers(db: sqlite3.Connection, scheds: Mapping[str, str]) -> Iterator[_Made]:
    """An answer event of each review without one, by (time, id)."""
    for (
        at,
        review_id,
        deck,
        card,
        grade,
        response,
        correct,
        duration,
        before,
        after,
        until,
    ) in _keyset_pages(
        db,
        "SELECT r.reviewed_at, r.id, r.deck_id, r.card_key, r.grade, r.response,"
        " r.correct, r.duration_ms, r.state_before_json, r.state_after_json, c.valid_until"
        # the keys first (CROSS JOIN): each page starts where the last one ended
        " FROM temp.sync_unsynced AS u CROSS JOIN reviews AS r ON r.id = u.id"
        " CROSS JOIN cards AS c USING (deck_id, card_key)"
        " WHERE (u.reviewed_at, u.id) > (:at, :id)"
        " ORDER BY u.reviewed_at, u.id LIMIT :page",
    ):
        data = answer_data(
            grade=grade,
            before_json=before,
            after_json=after,
            sched=scheds[deck],
            duration_ms=duration or 0,
            until=until,
            response=response,
            correct=None if correct is None else bool(correct),
        )
        yield (at, review_id, "answer", deck, card, data, ("reviews", review_id))


def _own_card_changes(db: sqlite3.Connection) -> Iterator[_Made]:
    """An event of each card change without one, by (time, id)."""
    for at, row_id, deck, card, kind, value, before_json, after_json in _keyset_pages(
        db,
        "SELECT at, id, deck_id, card_key, kind, value, before_json, after_json"
        " FROM card_events WHERE event_id IS NULL AND (at, id) > (:at, :id)"
        " ORDER BY at, id LIMIT :page",
    ):
        data = _card_event_data(kind, value, before_json, after_json)
        yield (at, row_id, _CARD_EVENT_KINDS[kind], deck, card, data, ("card_events", row_id))


def _own_attempts(db: sqlite3.Connection) -> Iterator[_Made]:
    """An event of each finished attempt without one, by (time, id)."""
    for _, attempt_id in _keyset_pages(
        db,
        "SELECT finished_at, id FROM attempts WHERE event_id IS NULL"
        " AND finished_at IS NOT NULL AND (finished_at, id) > (:at, :id)"
        " ORDER BY finished_at, id LIMIT :page",
    ):
        at, data = _attempt_data(db, attempt_id)
        yield (at, attempt_id, "attempt", None, None, data, ("attempts", attempt_id))


def _card_event_data(
    kind: str, value: str | None, before_json: str, after_json: str
) -> dict[str, Any]:
    """The `data` of the event made from a `card_events` row."""
    if kind == "bury":
        return {"until": value}
    if kind == "flag":
        return {"flag": int(value or 0)}
    if kind == "leech":
        return {"suspend": value == "suspend"}
    if kind in ("forget", "set-due"):
        before, after = snapshot_from_json(before_json)[0], snapshot_from_json(after_json)[0]
        data: dict[str, Any] = {
            "before": json.loads(state_to_json(before)),
            "after": json.loads(state_to_json(after)),
        }
        if kind == "forget":
            data["reset"] = value == "reset"
        else:
            data["due"] = int(value or 0)
        return data
    return {}


def _attempt_data(db: sqlite3.Connection, attempt_id: int) -> tuple[int, dict[str, Any]]:
    """A finished attempt, its questions and answers, as an event's data; and its time."""
    attempt = db.execute(
        f"SELECT {_ATTEMPT_FIELDS} FROM attempts WHERE id = ?", (attempt_id,)
    ).fetchone()
    names = [name.strip() for name in _ATTEMPT_FIELDS.split(",")]
    data: dict[str, Any] = dict(zip(names, attempt, strict=True))
    data["questions"] = [
        list(row)
        for row in db.execute(
            f"SELECT {_QUESTION_FIELDS} FROM attempt_questions WHERE attempt_id = ?"
            " ORDER BY position",
            (attempt_id,),
        )
    ]
    data["answers"] = [
        list(row)
        for row in db.execute(
            f"SELECT {_ANSWER_FIELDS} FROM attempt_answers WHERE attempt_id = ? ORDER BY position",
            (attempt_id,),
        )
    ]
    return int(data["finished_at"]), data


EventRow = tuple[
    str,
    str,
    int,
    int,
    int,
    int,
    str,
    str | None,
    str | None,
    str | None,
    str | None,
    str,
    str | None,
]
"""An event as a row of `sync_events` (`_event_row`): id, device, seq, wall_us, counter,
at, kind, deck_id, card_key, before_json, after_json, data_json, source."""


def event_rows(events: Iterable[Event]) -> tuple[list[EventRow], list[str]]:
    """Other devices' events as rows to store, and a problem for each one refused (a state
    that is not one)."""
    rows, problems = [], []
    for event in events:
        try:
            rows.append(imported_row(event))
        except (ValueError, TypeError, KeyError) as error:
            problems.append(f"event {event.id} was skipped: {error}")
    return rows, problems


def imported_row(event: Event) -> EventRow:
    """Another device's event as a row to store; ValueError if it holds a state that is
    not one."""
    return _event_row(event, "imported")


def _event_row(event: Event, source: str | None) -> EventRow:
    """An event as a row of `sync_events`. A schedule change's states go to columns of their
    own, as `state_to_json` text (a state that is not one is refused: ValueError)."""
    data, before, after = event.data, None, None
    if event.kind in SCHEDULE_KINDS:
        before = state_json_of_object(data.get("before"), strict=True)
        after = state_json_of_object(data.get("after"), strict=True)
        data_json = _answer_json(data) if event.kind == "answer" else None
        if data_json is None:
            data_json = _encode_data({k: v for k, v in data.items() if k not in _STATES})
    else:
        data_json = _encode_data(data)
    return (
        event.id,
        event.device,
        event.seq,
        event.stamp.wall_us,
        event.stamp.counter,
        event.at_us,
        event.kind,
        event.deck,
        event.card,
        before,
        after,
        data_json,
        source,
    )


_STATES = ("before", "after")
_ANSWER_KEYS = frozenset(answer_data(grade=1, before_json="{}", after_json="{}", sched=""))
_encode_text = json.encoder.encode_basestring  # (C) as `_encode_data` writes text


def _answer_json(data: dict[str, Any]) -> str | None:
    """`_encode_data` of an answer's data but its states, written by hand where it holds
    just what quiz writes, of the types it writes (~2 µs less an event of a long history);
    None for anything else."""
    grade, duration, correct = data.get("grade"), data.get("duration_ms"), data.get("correct")
    response, sched, until = data.get("response"), data.get("sched"), data.get("until")
    if not (
        data.keys() == _ANSWER_KEYS
        and type(grade) is int
        and (duration is None or type(duration) is int)
        and (correct is None or correct is True or correct is False)
        and (response is None or type(response) is str)
        and type(sched) is str
        and (until is None or type(until) is str)
    ):
        return None
    return (
        f'{{"correct":{"null" if correct is None else "true" if correct else "false"},'
        f'"duration_ms":{"null" if duration is None else duration},"grade":{grade},'
        f'"response":{"null" if response is None else _encode_text(response)},'
        f'"sched":{_encode_text(sched)},'
        f'"until":{"null" if until is None else _encode_text(until)}}}'
    )


_INSERT_EVENT = (
    "INSERT OR IGNORE INTO sync_events (id, device, seq, wall_us, counter, at, kind,"
    " deck_id, card_key, before_json, after_json, data_json, source)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
"""Store an event's row (`_event_row`), unless its id is known."""


def _insert_event(db: sqlite3.Connection, event: Event, source: str | None) -> bool:
    """Store one event; False when it was there already."""
    return db.execute(_INSERT_EVENT, _event_row(event, source)).rowcount == 1


def _largest_rowid(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT coalesce(max(rowid), 0) FROM sync_events").fetchone()[0])


def _taken_in(
    db: sqlite3.Connection, largest: int, offsets: Mapping[str, tuple[str, int]], now: datetime
) -> ImportResult:
    """After storing events (known ones skipped by their id): what was new, which is the
    rows past rowid `largest` (rowids only grow). Their cards wait in `sync_waiting`, the
    clock moves past their stamps, this device's sequence past any of its own (events from
    before a backup was restored), and the files' offsets are recorded with them."""
    row = db.execute("SELECT device, clock_wall, clock_counter FROM sync_device").fetchone()
    if row is None:
        raise StoreError("sync is not set up on this device: run quiz sync init DIR")
    clock = HybridClock(*row)
    known = {"largest": largest, "device": clock.device}
    new = "FROM sync_events WHERE rowid > :largest"
    studied = f"{new} AND kind != 'sched'"  # a scheduler record: bookkeeping, not counted
    result = ImportResult()
    result.imported = int(db.execute(f"SELECT count(*) {studied}", known).fetchone()[0])
    result.devices = {
        device for (device,) in db.execute(f"SELECT DISTINCT device {studied}", known)
    }
    db.execute(
        "INSERT OR IGNORE INTO sync_waiting SELECT deck_id, card_key"
        f" {studied} AND deck_id IS NOT NULL AND card_key IS NOT NULL",
        known,
    )
    newest = db.execute(
        f"SELECT wall_us, counter, device {new} ORDER BY wall_us DESC, counter DESC LIMIT 1",
        known,
    ).fetchone()
    if newest is not None:
        clock.observe(Stamp(*newest))
    (own_seq,) = db.execute(
        f"SELECT coalesce(max(seq), 0) {new} AND device = :device", known
    ).fetchone()
    db.execute(
        "UPDATE sync_device SET clock_wall = ?, clock_counter = ?, next_seq = max(next_seq, ?)",
        (clock.wall_us, clock.counter, own_seq + 1),
    )
    _set_offsets(db, offsets, now)
    return result


_ROW_COLUMNS = (
    "id, device, seq, wall_us, counter, at, kind, deck_id, card_key, before_json, after_json,"
    " data_json, source"
)
"""`EventRow`'s columns of `sync_events`, in order."""


def write_rows_file(path: Path, rows: Sequence[EventRow]) -> None:
    """`rows` into the table `rows` of a new SQLite file `path` (`add_rows_file` copies
    them): a worker's piece of a long history, without a journal (a file of the moment)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(f"CREATE TABLE rows ({_ROW_COLUMNS})")
        connection.execute("BEGIN")
        marks = ", ".join("?" * len(_ROW_COLUMNS.split(",")))
        connection.executemany(f"INSERT INTO rows VALUES ({marks})", rows)
        connection.execute("COMMIT")
    finally:
        connection.close()


def _event_from_row(row: Any) -> Event:
    _, device, seq, wall, counter, at, kind, deck, card, before, after, data_json = row
    stamp = Stamp(wall, counter, device)
    data = json.loads(data_json)
    if before is not None:
        data["before"], data["after"] = json.loads(before), json.loads(after)
    return Event(device, seq, stamp, at, kind, deck, card, data)


def _apply_card(
    db: sqlite3.Connection, ref: tuple[str, str], replay: Replay, clean: int = 0
) -> CardReplay | None:
    """Replay one card from all its events and write the outcome; None if the store has no
    such card yet (its events wait). The first `clean` events (in replay order) are a
    clean chain of answers whose review rows `_write_chains` wrote: replay starts after
    them, from the last one's recorded state, and parses only the rest."""
    deck, card = ref
    if (
        db.execute(
            "SELECT 1 FROM cards WHERE deck_id = ? AND card_key = ?", (deck, card)
        ).fetchone()
        is None
    ):
        return None
    rows = db.execute(
        f"SELECT {_EVENT_COLUMNS} FROM sync_events WHERE deck_id = ? AND card_key = ?",
        (deck, card),
    ).fetchall()
    after_prefix, kept = None, set()
    if clean:
        rows.sort(key=lambda row: (row[3], row[4], row[1], row[2]))  # `Event.order`
        after_prefix = json.loads(rows[clean - 1][10])  # its after_json
        kept = {row[0] for row in rows[:clean]}
        rows = rows[clean:]
    try:
        outcome = replay([_event_from_row(row) for row in rows], after_prefix=after_prefix)
    except (ValueError, TypeError, KeyError, ArithmeticError) as error:
        # Events checked as they were read can still not replay together: an answer
        # naming a scheduler record no device wrote, or a record fsrs refuses.
        raise UnreplayableCard(f"card {card} of deck {deck} was not updated: {error}") from None
    set_state(db, deck, card, outcome.state)
    marks = mark_values(outcome.marks)
    assignments = ", ".join(f"{name.strip()} = ?" for name in MARK_COLUMNS.split(","))
    db.execute(
        f"UPDATE cards SET {assignments} WHERE deck_id = ? AND card_key = ?",
        (*marks, deck, card),
    )
    kept.update(change.event.id for change in outcome.changes if change.event.kind == "answer")
    for (event_id,) in db.execute(
        "SELECT event_id FROM reviews WHERE deck_id = ? AND card_key = ? AND event_id IS NOT NULL",
        (deck, card),
    ).fetchall():
        if event_id not in kept:
            db.execute(
                "DELETE FROM card_events WHERE review_id IN"
                " (SELECT id FROM reviews WHERE event_id = ?)",
                (event_id,),
            )
            db.execute("DELETE FROM reviews WHERE event_id = ?", (event_id,))
    rows = []
    texts: dict[int, str] = {}  # id(state) -> its text: one answer's after is the next's before
    for change in outcome.changes:
        before = texts.get(id(change.before)) or state_to_json(change.before)
        after = state_to_json(change.after)
        texts = {id(change.after): after}
        if change.event.kind != "answer":
            continue
        data = change.event.data
        correct = data.get("correct")
        rows.append(
            (
                deck,
                card,
                change.event.at_us,
                int(data["grade"]),
                int(change.before.state),
                data.get("response"),
                None if correct is None else int(bool(correct)),
                data.get("duration_ms"),
                before,
                after,
                change.event.id,
            )
        )
    db.executemany(
        "INSERT INTO reviews (deck_id, card_key, reviewed_at, grade, state_before, response,"
        " correct, duration_ms, state_before_json, state_after_json, event_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO UPDATE SET"
        " state_before = excluded.state_before,"
        " state_before_json = excluded.state_before_json,"
        " state_after_json = excluded.state_after_json",
        rows,
    )
    return outcome


_NEW_STATE_JSON = state_to_json(CardState())
"""A new card's state as `sync_events` keeps it: the state before a card's first answer."""

_CHAIN_ORDER = "ORDER BY e.wall_us, e.counter, e.device, e.seq"
"""`Event.order` in SQL (text compares by code point in both). The statements below take
the cards in order (`PARTITION BY` or `ORDER BY` the batch's columns, which the joins make
equal to the event's) and each card's events in this order from `sync_events_card`, which
ends with it (schema 10): SQLite then sorts none of them."""

_CHAINED_LINK = (
    "e.kind = 'answer' AND e.before_json IS lag(e.after_json, 1, :new) OVER card"
    " AND instr(e.after_json, 'NaN') = 0"
    " AND json_type(e.data_json, '$.grade') = 'integer'"
    " AND json_extract(e.data_json, '$.grade') BETWEEN 1 AND 4"
    " AND coalesce(json_type(e.data_json, '$.response'), 'null') IN ('text', 'null')"
    " AND coalesce(json_type(e.data_json, '$.correct'), 'null') IN ('true', 'false', 'null')"
    " AND coalesce(json_type(e.data_json, '$.duration_ms'), 'null') IN ('integer', 'null')"
    " AND abs(coalesce(json_extract(e.data_json, '$.duration_ms'), 0)) < 1e15"
)
"""An event that replay keeps exactly as recorded, with a review row SQL writes as
`_apply_card` would: an answer whose state before is the state after of the card's
previous event (text compares as the parsed objects replay compares, but for NaN, which
equals nothing) and whose grade, response, verdict and duration bind as they are."""

_STATE_FROM_AFTER = ", ".join(
    f"json_extract(c.after_json, '$.{name}')" for name in STATE_COLUMNS.split(", ")
)


@dataclass(frozen=True)
class _Run:
    """A waiting card's events as `_chain_runs` finds them."""

    ref: tuple[str, str]
    after_json: str | None
    """The recorded state after its last event."""
    clean: int
    """How many of its first events are a clean chain (`_CHAINED_LINK` for each)."""
    events: int
    undos: int


def _chain_runs(db: sqlite3.Connection, refs: Sequence[tuple[str, str]]) -> list[_Run]:
    """For each waiting card from `refs[0]` to `refs[-1]` that has a row here: its events
    in replay order, how many of the first are a clean chain of answers (`_CHAINED_LINK`
    for each: replay would keep every recorded state) and its undos."""
    (d0, c0), (d1, c1) = refs[0], refs[-1]
    rows = db.execute(
        # max(n): the bare after_json is the card's last event's (SQLite's min/max rule)
        "SELECT deck_id, card_key, after_json, max(n),"
        " coalesce(min(CASE WHEN broken THEN n END) - 1, max(n)), sum(kind = 'undo') FROM ("
        "  SELECT e.deck_id, e.card_key, e.after_json, e.kind,"
        f"  NOT coalesce({_CHAINED_LINK}, 0) AS broken, row_number() OVER card AS n"
        # CROSS JOIN here and below: the batch's cards first, then each card's rows by
        # index (a temporary table has no statistics: the planner would scan every event
        # or review of the deck each batch, which made a 1M history 4x slower)
        "  FROM sync_waiting AS w CROSS JOIN cards USING (deck_id, card_key)"
        "  CROSS JOIN sync_events AS e USING (deck_id, card_key)"
        "  WHERE (w.deck_id, w.card_key) BETWEEN (:d0, :c0) AND (:d1, :c1)"
        f" WINDOW card AS (PARTITION BY w.deck_id, w.card_key {_CHAIN_ORDER}))"
        " GROUP BY deck_id, card_key",
        {"new": _NEW_STATE_JSON, "d0": d0, "c0": c0, "d1": d1, "c1": c1},
    ).fetchall()
    return [
        _Run((deck, card), after, clean, events, undos)
        for deck, card, after, events, clean, undos in rows
    ]


def _write_chains(
    db: sqlite3.Connection, runs: Sequence[_Run]
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], int]]:
    """Write, in SQL, each card of `runs` whose events are only answers in one clean chain:
    replay would keep every recorded state, so the card's state is the last answer's
    after, its marks none, and one review row per answer. Most of a long history is such
    cards, and replaying them one event at a time in Python is what made it slow. The
    cards written; and the other cards (without undos) whose events start with such a
    chain, with its length: their review rows of it are written here, and replay starts
    after it (a card answered on two devices offline conflicts near its end, not from its
    first answer)."""
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS sync_chained (deck_id TEXT, card_key TEXT,"
        " after_json TEXT, PRIMARY KEY (deck_id, card_key)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS sync_prefixed (deck_id TEXT, card_key TEXT,"
        " clean INTEGER, PRIMARY KEY (deck_id, card_key)) WITHOUT ROWID"
    )
    db.execute("DELETE FROM temp.sync_chained")
    db.execute("DELETE FROM temp.sync_prefixed")
    chained = {run.ref for run in runs if run.clean == run.events}
    # The others without undos (an undo may take back an answer of the prefix)
    prefixes = {run.ref: run.clean for run in runs if 0 < run.clean < run.events and run.undos == 0}
    db.executemany(
        "INSERT INTO temp.sync_chained VALUES (?, ?, ?)",
        [(*run.ref, run.after_json) for run in runs if run.ref in chained],
    )
    db.executemany(
        "INSERT INTO temp.sync_prefixed VALUES (?, ?, ?)",
        [(deck, card, clean) for (deck, card), clean in prefixes.items()],
    )
    assignments = ", ".join(f"{name.strip()} = ?" for name in MARK_COLUMNS.split(","))
    db.execute(
        f"UPDATE cards SET ({STATE_COLUMNS}) = (SELECT {_STATE_FROM_AFTER}"
        " FROM temp.sync_chained AS c"
        f" WHERE c.deck_id = cards.deck_id AND c.card_key = cards.card_key), {assignments}"
        " WHERE (deck_id, card_key) IN (SELECT deck_id, card_key FROM temp.sync_chained)",
        mark_values(CardMarks()),
    )
    gone = (
        "SELECT r.id FROM temp.sync_chained AS c CROSS JOIN reviews AS r USING (deck_id, card_key)"
        " WHERE r.event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_events AS e"
        " WHERE e.id = r.event_id AND e.deck_id = c.deck_id AND e.card_key = c.card_key)"
    )
    db.execute(f"DELETE FROM card_events WHERE review_id IN ({gone})")
    db.execute(f"DELETE FROM reviews WHERE id IN ({gone})")
    db.execute(
        "INSERT INTO reviews (deck_id, card_key, reviewed_at, grade, state_before, response,"
        " correct, duration_ms, state_before_json, state_after_json, event_id)"
        " SELECT e.deck_id, e.card_key, e.at, json_extract(e.data_json, '$.grade'),"
        " json_extract(e.before_json, '$.state'), json_extract(e.data_json, '$.response'),"
        " json_extract(e.data_json, '$.correct'), json_extract(e.data_json, '$.duration_ms'),"
        " e.before_json, e.after_json, e.id"
        " FROM temp.sync_chained AS c CROSS JOIN sync_events AS e USING (deck_id, card_key)"
        f" {_CHAIN_ORDER.replace('ORDER BY', 'ORDER BY c.deck_id, c.card_key,')}"
        " ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO UPDATE SET"
        " state_before = excluded.state_before,"
        " state_before_json = excluded.state_before_json,"
        " state_after_json = excluded.state_after_json"
    )
    db.execute(
        "INSERT INTO reviews (deck_id, card_key, reviewed_at, grade, state_before, response,"
        " correct, duration_ms, state_before_json, state_after_json, event_id)"
        " SELECT deck_id, card_key, at, json_extract(data_json, '$.grade'),"
        " json_extract(before_json, '$.state'), json_extract(data_json, '$.response'),"
        " json_extract(data_json, '$.correct'), json_extract(data_json, '$.duration_ms'),"
        " before_json, after_json, id FROM ("
        "  SELECT e.*, p.clean, row_number() OVER card AS n"
        "  FROM temp.sync_prefixed AS p CROSS JOIN sync_events AS e USING (deck_id, card_key)"
        f" WINDOW card AS (PARTITION BY p.deck_id, p.card_key {_CHAIN_ORDER}))"
        " WHERE n <= clean ORDER BY deck_id, card_key, n"
        " ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO UPDATE SET"
        " state_before = excluded.state_before,"
        " state_before_json = excluded.state_before_json,"
        " state_after_json = excluded.state_after_json"
    )
    db.execute(
        "DELETE FROM sync_waiting WHERE (deck_id, card_key) IN"
        " (SELECT deck_id, card_key FROM temp.sync_chained)"
    )
    return chained, prefixes


def _apply_attempts(db: sqlite3.Connection) -> int:
    """Make attempt rows of imported attempt events whose deck this store knows."""
    made = 0
    for event_id, data_json in db.execute(
        "SELECT s.id, s.data_json FROM sync_events AS s WHERE s.kind = 'attempt'"
        " AND NOT EXISTS (SELECT 1 FROM attempts WHERE event_id = s.id)"
        " AND EXISTS (SELECT 1 FROM decks WHERE id = json_extract(s.data_json, '$.deck_id'))"
    ).fetchall():
        data = json.loads(data_json)
        names = [name.strip() for name in _ATTEMPT_FIELDS.split(",")]
        cursor = db.execute(
            f"INSERT INTO attempts ({_ATTEMPT_FIELDS}, event_id)"
            f" VALUES ({', '.join('?' * (len(names) + 1))})",
            (*(data[name] for name in names), event_id),
        )
        attempt_id = cursor.lastrowid
        db.executemany(
            f"INSERT INTO attempt_questions (attempt_id, {_QUESTION_FIELDS}) VALUES (?, ?, ?, ?)",
            [(attempt_id, *row) for row in data["questions"]],
        )
        db.executemany(
            f"INSERT INTO attempt_answers (attempt_id, {_ANSWER_FIELDS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(attempt_id, *row) for row in data["answers"]],
        )
        made += 1
    return made


def _attempts_waiting(db: sqlite3.Connection) -> int:
    """Imported attempts of decks this store does not know yet."""
    row = db.execute(
        "SELECT count(*) FROM sync_events AS s WHERE s.kind = 'attempt'"
        " AND NOT EXISTS (SELECT 1 FROM attempts WHERE event_id = s.id)"
    ).fetchone()
    return int(row[0])


__all__ = [
    "DeviceSeen",
    "ImportResult",
    "Replay",
    "SyncFolderRecord",
    "SyncMethods",
    "SyncSetup",
]
