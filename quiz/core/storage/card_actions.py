"""`Store` methods for what a learner does to cards besides answering them.

Suspend and unsuspend, bury until a study day and unbury, flag, forget (back to new) and
set a due date (one for all, or each card its own: `set_dues`); and the leech mark an
answer can add (`mark_leech`, inside the answer's own transaction). Each action is one
transaction that writes one `card_events` row per card it changed, with the card's state
and marks before and after; the rows of one action share a `batch`, and
`undo_card_action(batch)` takes the action back whole, as undo takes back an answer.

An event's undo compares and restores only the columns its kind changed (a flag's undo
leaves alone an answer given since), and refuses with `StoreConflict` when one of them
changed since (another process, or a later action).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal

from quiz.core.card_state import CardMarks, CardState, Flag, Phase
from quiz.core.storage.connection import Database
from quiz.core.storage.encoding import (
    STATE_COLUMNS,
    from_us,
    state_from_json,
    state_to_json,
    state_values,
    to_us,
)
from quiz.core.storage.records import (
    CARD_COLUMNS,
    MARK_COLUMNS,
    CardRecord,
    card_from_row,
    invalid_state,
    marks_from_row,
    state_from_row,
)
from quiz.errors import StoreConflict, StoreError

EventKind = Literal["suspend", "unsuspend", "bury", "unbury", "flag", "forget", "set-due", "leech"]

CardRef = tuple[str, str]
"""A card anywhere in the store: (deck id, card key)."""

_MARK_NAMES = MARK_COLUMNS.split(", ")
_STATE_NAMES = STATE_COLUMNS.split(", ")
_TOUCHES: dict[str, tuple[str, ...]] = {
    "suspend": ("suspended",),
    "unsuspend": ("suspended",),
    "bury": ("buried_until",),
    "unbury": ("buried_until",),
    "flag": ("flag",),
    "forget": tuple(_STATE_NAMES),
    "set-due": tuple(_STATE_NAMES),
    "leech": ("leech", "suspended"),
}
"""The columns each kind of event changes: what its undo compares and restores."""


@dataclass(frozen=True, slots=True)
class CardEvent:
    """One card changed by one action (a row of `card_events`)."""

    id: int
    batch: int
    deck_id: str
    card_key: str
    at: datetime
    kind: EventKind
    value: str | None
    review_id: int | None
    before: tuple[CardState, CardMarks]
    after: tuple[CardState, CardMarks]


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action did: the batch to undo it by (None when no card changed), how many
    cards it changed, and how many it left as they were (already so, or not applicable)."""

    batch: int | None
    changed: int
    unchanged: int


def mark_values(marks: CardMarks) -> tuple[object, ...]:
    """Marks as the values of `MARK_COLUMNS`."""
    buried = None if marks.buried_until is None else marks.buried_until.isoformat()
    return (int(marks.suspended), buried, int(marks.flag), int(marks.leech))


def _snapshot_json(state: CardState, marks: CardMarks) -> str:
    """A card's state and marks as canonical JSON, kept with each event."""
    return json.dumps(
        {
            "state": json.loads(state_to_json(state)),
            "marks": dict(zip(_MARK_NAMES, mark_values(marks), strict=True)),
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def snapshot_from_json(text: str) -> tuple[CardState, CardMarks]:
    data = json.loads(text)
    if not isinstance(data, dict) or set(data) != {"state", "marks"}:
        raise ValueError("an event snapshot must be an object with 'state' and 'marks'")
    marks = data["marks"]
    if not isinstance(marks, dict) or set(marks) != set(_MARK_NAMES):
        raise ValueError(f"event marks must have the keys {_MARK_NAMES}")
    state = state_from_json(json.dumps(data["state"]))
    return state, marks_from_row([marks[name] for name in _MARK_NAMES])


def _values(state: CardState, marks: CardMarks) -> dict[str, object]:
    """Every column an event may touch, by name, as stored."""
    return {
        **dict(zip(_STATE_NAMES, state_values(state), strict=True)),
        **dict(zip(_MARK_NAMES, mark_values(marks), strict=True)),
    }


def _read(db: sqlite3.Connection, deck_id: str, card_key: str) -> tuple[CardState, CardMarks]:
    row = db.execute(
        f"SELECT {STATE_COLUMNS}, {MARK_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
        (deck_id, card_key),
    ).fetchone()
    if row is None:
        raise StoreError(f"unknown card {deck_id}/{card_key}")
    try:
        return state_from_row(deck_id, card_key, row[:8]), marks_from_row(row[8:])
    except ValueError as error:  # a mark no quiz wrote
        raise invalid_state(f"card {deck_id}/{card_key}", error) from error


def _write_columns(
    db: sqlite3.Connection,
    deck_id: str,
    card_key: str,
    columns: Sequence[str],
    new: dict[str, object],
    expect: dict[str, object],
) -> bool:
    """Set `columns` to `new`'s values where they still hold `expect`'s; True if written."""
    assigns = ", ".join(f"{column} = ?" for column in columns)
    checks = "".join(f" AND {column} IS ?" for column in columns)
    cursor = db.execute(
        f"UPDATE cards SET {assigns} WHERE deck_id = ? AND card_key = ?{checks}",
        (*(new[c] for c in columns), deck_id, card_key, *(expect[c] for c in columns)),
    )
    return cursor.rowcount == 1


def _log_event(
    db: sqlite3.Connection,
    *,
    batch: int | None,
    ref: CardRef,
    stamp: int,
    kind: EventKind,
    value: str | None,
    before: tuple[CardState, CardMarks],
    after: tuple[CardState, CardMarks],
    review_id: int | None = None,
) -> int:
    """Append one event row; the first of an action (`batch` None) becomes the action's batch."""
    cursor = db.execute(
        "INSERT INTO card_events (batch, deck_id, card_key, at, kind, value, review_id,"
        " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            0 if batch is None else batch,
            *ref,
            stamp,
            kind,
            value,
            review_id,
            _snapshot_json(*before),
            _snapshot_json(*after),
        ),
    )
    event_id = cursor.lastrowid
    assert event_id is not None
    if batch is None:
        db.execute("UPDATE card_events SET batch = id WHERE id = ?", (event_id,))
    return event_id


def leech_due(before: CardState, after: CardState, threshold: int) -> bool:
    """Whether this answer makes the card a leech: it just lapsed for the `threshold`-th
    time, or another half threshold since (as Anki does, so a leech unsuspended and
    failed again is announced again)."""
    if after.lapses <= before.lapses or after.lapses < threshold:
        return False
    return (after.lapses - threshold) % max(1, threshold // 2) == 0


def mark_leech(
    db: sqlite3.Connection,
    ref: CardRef,
    *,
    review_id: int,
    suspend: bool,
    stamp: int,
) -> None:
    """Mark a card a leech (and suspend it, if asked) inside the answer's transaction; the
    event names the answer, so undoing the answer undoes the mark too."""
    before = _read(db, *ref)
    marks = replace(before[1], leech=True, suspended=before[1].suspended or suspend)
    after = (before[0], marks)
    columns = _TOUCHES["leech"]
    _write_columns(db, *ref, columns, _values(*after), _values(*before))
    _log_event(
        db,
        batch=None,
        ref=ref,
        stamp=stamp,
        kind="leech",
        value="suspend" if suspend else None,
        before=before,
        after=after,
        review_id=review_id,
    )


def undo_events(db: sqlite3.Connection, where: str, params: tuple[object, ...]) -> list[CardRef]:
    """Take back the events `where` selects, newest first, inside the caller's transaction:
    each card's touched columns go back to what they were before, if they still hold what
    the event left (else `StoreConflict`, and the caller's transaction rolls back)."""
    rows = db.execute(
        "SELECT id, deck_id, card_key, kind, before_json, after_json FROM card_events"
        f" WHERE {where} ORDER BY id DESC",
        params,
    ).fetchall()
    refs: list[CardRef] = []
    for event_id, deck_id, card_key, kind, before_json, after_json in rows:
        try:
            before, after = snapshot_from_json(before_json), snapshot_from_json(after_json)
        except (ValueError, TypeError, RecursionError) as error:
            raise invalid_state(f"card event {event_id}", error) from error
        columns = _TOUCHES.get(kind)
        if columns is None:
            raise StoreError(f"card event {event_id} has an unknown kind {kind!r}")
        if not _write_columns(db, deck_id, card_key, columns, _values(*before), _values(*after)):
            raise StoreConflict(f"card {deck_id}/{card_key} changed since; cannot undo {kind}")
        db.execute("DELETE FROM card_events WHERE id = ?", (event_id,))
        refs.append((deck_id, card_key))
    return refs


Change = Callable[[CardState, CardMarks], tuple[CardState, CardMarks] | None]
"""What an action does to one card: its new state and marks, or None to leave it."""


class CardActionMethods(Database):
    """Suspend, bury, flag, forget, set due, their undo, and a card's event history."""

    def suspend(self, cards: Sequence[CardRef], *, now: datetime) -> ActionResult:
        """Keep cards out of every queue until unsuspended (their schedule waits)."""
        return self._act(cards, "suspend", None, now, lambda s, m: (s, replace(m, suspended=True)))

    def unsuspend(self, cards: Sequence[CardRef], *, now: datetime) -> ActionResult:
        """Let suspended cards back into the queues, where their schedule says."""
        return self._act(
            cards, "unsuspend", None, now, lambda s, m: (s, replace(m, suspended=False))
        )

    def bury(self, cards: Sequence[CardRef], *, until: date, now: datetime) -> ActionResult:
        """Keep cards out of the queues until study day `until` (tomorrow, usually)."""
        return self._act(
            cards, "bury", until.isoformat(), now, lambda s, m: (s, replace(m, buried_until=until))
        )

    def unbury(self, cards: Sequence[CardRef], *, now: datetime) -> ActionResult:
        """Bring buried cards back today."""
        return self._act(
            cards, "unbury", None, now, lambda s, m: (s, replace(m, buried_until=None))
        )

    def set_flag(self, cards: Sequence[CardRef], flag: Flag, *, now: datetime) -> ActionResult:
        """Put a coloured flag on cards (`Flag.NONE` takes it off)."""
        return self._act(
            cards, "flag", str(int(flag)), now, lambda s, m: (s, replace(m, flag=Flag(flag)))
        )

    def forget(
        self, cards: Sequence[CardRef], *, now: datetime, reset_counts: bool = False
    ) -> ActionResult:
        """Send cards back to new, in their deck position; their review log stays. The
        repetition and lapse counts stay unless `reset_counts` (they drive the leech rule)."""

        def forget_one(state: CardState, marks: CardMarks) -> tuple[CardState, CardMarks]:
            counts = (0, 0) if reset_counts else (state.reps, state.lapses)
            return CardState(reps=counts[0], lapses=counts[1]), marks

        return self._act(cards, "forget", "reset" if reset_counts else None, now, forget_one)

    def set_due(self, cards: Sequence[CardRef], *, due: datetime, now: datetime) -> ActionResult:
        """Make studied cards due at `due` (new cards have no schedule yet: left as they are,
        counted as unchanged)."""

        def move(state: CardState, marks: CardMarks) -> tuple[CardState, CardMarks] | None:
            if state.state is Phase.NEW:
                return None
            return replace(state, due=due), marks

        return self._act(cards, "set-due", str(to_us(due)), now, move)

    def set_dues(self, dues: Mapping[CardRef, datetime], *, now: datetime) -> ActionResult:
        """Make each studied card due at its own time, as one action (one batch, one undo):
        a backlog spread over the coming days. New cards are left as they are."""

        def moves(ref: CardRef) -> tuple[str, Change]:
            def move(state: CardState, marks: CardMarks) -> tuple[CardState, CardMarks] | None:
                if state.state is Phase.NEW:
                    return None
                return replace(state, due=dues[ref]), marks

            return str(to_us(dues[ref])), move

        return self._act_each(list(dues), "set-due", now, moves)

    def _act(
        self,
        cards: Sequence[CardRef],
        kind: EventKind,
        value: str | None,
        now: datetime,
        change: Change,
    ) -> ActionResult:
        """Apply `change` to each card in one transaction, logging one event per card changed."""
        return self._act_each(cards, kind, now, lambda _: (value, change))

    def _act_each(
        self,
        cards: Sequence[CardRef],
        kind: EventKind,
        now: datetime,
        change_for: Callable[[CardRef], tuple[str | None, Change]],
    ) -> ActionResult:
        """`_act` with a value and a change of each card's own (`change_for(card)`)."""
        stamp = to_us(now)
        batch: int | None = None
        changed = 0
        columns = _TOUCHES[kind]
        with self._write() as db:
            for ref in dict.fromkeys(cards):
                value, change = change_for(ref)
                before = _read(db, *ref)
                after = change(*before)
                if after is None or after == before:
                    continue
                _write_columns(db, *ref, columns, _values(*after), _values(*before))
                event_id = _log_event(
                    db,
                    batch=batch,
                    ref=ref,
                    stamp=stamp,
                    kind=kind,
                    value=value,
                    before=before,
                    after=after,
                )
                batch = event_id if batch is None else batch
                changed += 1
        return ActionResult(batch=batch, changed=changed, unchanged=len(set(cards)) - changed)

    def undo_card_action(self, batch: int) -> list[CardRecord]:
        """Take back a whole action (`ActionResult.batch`); the cards as they are now restored.

        Raises `StoreConflict` (changing nothing) when a card changed since in a way the
        undo would overwrite, and `StoreError` when the action is already undone.
        """
        with self._write() as db:
            refs = undo_events(db, "batch = ? AND review_id IS NULL", (batch,))
            if not refs:
                raise StoreError(f"card action {batch} does not exist (already undone?)")
            rows = [
                db.execute(
                    f"SELECT {CARD_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?", ref
                ).fetchone()
                for ref in reversed(refs)
            ]
        return [card_from_row(row) for row in rows]

    def card_events(self, deck_id: str, card_key: str) -> list[CardEvent]:
        """A card's events, oldest first (for the browser's history of a card)."""
        rows = self._rows(
            "SELECT id, batch, deck_id, card_key, at, kind, value, review_id, before_json,"
            " after_json FROM card_events WHERE deck_id = ? AND card_key = ? ORDER BY id",
            (deck_id, card_key),
        )
        return [_event_from_row(row) for row in rows]


def _event_from_row(row: Any) -> CardEvent:
    try:
        return CardEvent(
            id=row[0],
            batch=row[1],
            deck_id=row[2],
            card_key=row[3],
            at=from_us(row[4]),
            kind=row[5],
            value=row[6],
            review_id=row[7],
            before=snapshot_from_json(row[8]),
            after=snapshot_from_json(row[9]),
        )
    except (ValueError, TypeError, RecursionError) as error:
        raise invalid_state(f"card event {row[0]}", error) from error
