"""`Store` methods for cards and the study queues, which never load every card.

The queues are read through the partial indexes of `cards` (see `schema`): a query
names `orphaned = 0` (and `state = 0` for new cards) and one phase at a time, so
each walks one index range. `deck_ids=None` means every deck.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Collection, Sequence
from datetime import date, datetime

from quiz.core.card_state import CardState, Phase
from quiz.core.storage.connection import Database, decks_filter
from quiz.core.storage.encoding import STATE_COLUMNS, from_us, to_us
from quiz.core.storage.records import CARD_COLUMNS, CardRecord, card_from_row, state_from_row


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


def studiable_sql(on: date | None) -> tuple[str, tuple[str, ...]]:
    """SQL (to append to a WHERE) leaving out suspended cards and, on study day `on`, cards
    buried past it or whose question is stale (None: no day, so neither), and its
    parameters: the one condition every queue and count uses. The queue indexes end with
    these columns, so it costs no table lookup."""
    if on is None:
        return " AND suspended = 0", ()
    day = on.isoformat()
    return (
        " AND suspended = 0 AND (valid_until IS NULL OR valid_until >= ?)"
        " AND (buried_until IS NULL OR buried_until <= ?)",
        (day, day),
    )


class CardMethods(Database):
    """Cards (`card`, `card_state`), queues (`due_cards`, `new_cards`, `next_due`) and counts."""

    def card(self, deck_id: str, card_key: str) -> CardRecord | None:
        """One card, orphaned or not; None if the deck never had it."""
        row = self._one(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
            (deck_id, card_key),
        )
        return None if row is None else card_from_row(row)

    def card_state(self, deck_id: str, card_key: str) -> CardState | None:
        """The scheduling state of one card, or None if the deck never had it.

        Read for every card a session shows, so it reads the state columns only.
        """
        row = self._one(
            f"SELECT {STATE_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
            (deck_id, card_key),
        )
        return None if row is None else state_from_row(deck_id, card_key, row)

    def due_cards(
        self,
        deck_ids: Sequence[str] | None,
        *,
        until: datetime,
        limit: int,
        phases: Collection[Phase] = (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING),
        on: date | None = None,
    ) -> list[CardRecord]:
        """Non-orphaned, unsuspended cards in `phases` due at or before `until`, most overdue
        first; with `on`, not those buried or stale that study day.

        One query per (deck, phase), each an ordered walk of an index stopped at
        `limit`, merged here: a single query over several decks or phases would
        have SQLite sort every due card first.
        """
        _check_limit(limit)
        stamp = to_us(until)
        studiable, studiable_params = studiable_sql(on)
        streams = [
            self._rows(
                f"SELECT {CARD_COLUMNS} FROM cards WHERE {deck_sql} AND state = ?"
                f" AND orphaned = 0 AND due <= ?{studiable} ORDER BY due LIMIT ?",
                (*deck_params, phase, stamp, *studiable_params, limit),
            )
            for deck_sql, deck_params in _per_deck(deck_ids)
            for phase in sorted({int(p) for p in phases} - {int(Phase.NEW)})
        ]
        rows = heapq.merge(*streams, key=lambda row: (row[8], row[0], row[1]))
        return [card_from_row(row) for row in itertools.islice(rows, limit)]

    def next_due(
        self, deck_ids: Sequence[str] | None, *, on: date | None = None
    ) -> datetime | None:
        """The earliest due time of any studied, non-orphaned, studiable card (see
        `studiable_sql`): when a card is next ready."""
        studiable, studiable_params = studiable_sql(on)
        found = [
            row[0]
            for deck_sql, deck_params in _per_deck(deck_ids)
            for phase in (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING)
            for row in self._rows(
                f"SELECT min(due) FROM cards WHERE {deck_sql} AND state = ? AND orphaned = 0"
                + studiable,
                (*deck_params, int(phase), *studiable_params),
            )
            if row[0] is not None
        ]
        return from_us(min(found)) if found else None

    def new_cards(
        self, deck_ids: Sequence[str] | None, *, limit: int, on: date | None = None
    ) -> list[CardRecord]:
        """Never-reviewed, non-orphaned, studiable cards (see `studiable_sql`) in deck order
        (deck id, then position)."""
        _check_limit(limit)
        deck_sql, deck_params = decks_filter(deck_ids)
        studiable, studiable_params = studiable_sql(on)
        rows = self._rows(
            f"SELECT {CARD_COLUMNS} FROM cards INDEXED BY cards_new"
            f" WHERE state = 0 AND orphaned = 0 AND {deck_sql}{studiable}"
            " ORDER BY deck_id, position LIMIT ?",
            (*deck_params, *studiable_params, limit),
        )
        return [card_from_row(row) for row in rows]

    def count_due(
        self,
        deck_ids: Sequence[str] | None,
        *,
        until: datetime,
        phases: Collection[Phase] = (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING),
        on: date | None = None,
    ) -> int:
        """How many non-orphaned, studiable cards (see `studiable_sql`) in `phases` are due at
        or before `until`."""
        deck_sql, deck_params = decks_filter(deck_ids)
        wanted = sorted(int(p) for p in phases if p != Phase.NEW)
        if not wanted:
            return 0
        studiable, studiable_params = studiable_sql(on)
        row = self._one(
            f"SELECT count(*) FROM cards WHERE {deck_sql} AND due <= ?"
            f" AND state IN ({','.join('?' * len(wanted))}) AND orphaned = 0{studiable}",
            (*deck_params, to_us(until), *wanted, *studiable_params),
        )
        return int(row[0])

    def due_per_day(
        self, deck_ids: Sequence[str] | None, days: Sequence[tuple[datetime, datetime]]
    ) -> list[int]:
        """How many studied, non-orphaned cards fall due in each of `days` (start <= due <
        end, aware times): the load balancer's view of the coming days.

        One statement: a count per day and phase, each an index range of `cards_due` or
        `cards_deck_due` read without touching the table (the day bounds come from the
        caller, who knows the learner's zone and DST). Suspended cards are left out; stale
        and buried ones are counted on their due day (a balancer's estimate needs no more).
        """
        if not days:
            return []
        studiable, _ = studiable_sql(None)  # suspended cards are not shown, buried ones are later
        filters = [
            (deck_sql, deck_params, int(phase))
            for deck_sql, deck_params in _per_deck(deck_ids)
            for phase in (Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING)
        ]
        counts = " + ".join(
            f"(SELECT count(*) FROM cards WHERE {deck_sql} AND state = {phase}"
            f" AND orphaned = 0{studiable} AND due >= day.start AND due < day.stop)"
            for deck_sql, _, phase in filters
        )
        bounds = [
            value
            for position, (start, end) in enumerate(days)
            for value in (position, to_us(start), to_us(end))
        ]
        rows = self._rows(
            "WITH day(position, start, stop) AS (VALUES "
            + ", ".join("(?, ?, ?)" for _ in days)
            + f") SELECT {counts or '0'} FROM day ORDER BY position",
            (*bounds, *(param for _, params, _ in filters for param in params)),
        )
        return [int(row[0]) for row in rows]

    def studied_states(self, deck_id: str, *, on: date | None = None) -> list[CardState]:
        """The scheduling state of every studied, non-orphaned, studiable card of one deck
        (see `studiable_sql`): what a forecast over the whole deck, such as its exam outlook,
        reads. One deck's studied cards, never every card of the database."""
        studiable, studiable_params = studiable_sql(on)
        rows = self._rows(
            f"SELECT card_key, {STATE_COLUMNS} FROM cards"
            f" WHERE deck_id = ? AND state != 0 AND orphaned = 0{studiable}",
            (deck_id, *studiable_params),
        )
        return [state_from_row(deck_id, row[0], row[1:]) for row in rows]

    def reviews_fading_by(
        self,
        deck_id: str,
        *,
        due_from: datetime,
        at: datetime,
        holds_for: float,
        on: date,
        limit: int,
    ) -> list[tuple[str, CardState, date | None]]:
        """Studiable cards in review of one deck due at or after `due_from` whose predicted
        recall will have fallen below a goal by `at`: last reviewed more than `holds_for` times
        their stability days before it (less two days, as the caller counts whole study days
        and checks each card exactly). With each its question's `valid_until`; soonest due
        first, at most `limit`: one range of the `cards_deck_due` index, a row read each.
        What bringing cards before an exam reads (`quiz.core.exam_prep`)."""
        _check_limit(limit)
        studiable, studiable_params = studiable_sql(on)
        rows = self._rows(
            f"SELECT card_key, {STATE_COLUMNS}, valid_until FROM cards"
            f" WHERE deck_id = ? AND state = ? AND orphaned = 0 AND due >= ?{studiable}"
            " AND ? - last_review > (stability * ? - 2) * 86400000000 ORDER BY due LIMIT ?",
            (
                deck_id,
                int(Phase.REVIEW),
                to_us(due_from),
                *studiable_params,
                to_us(at),
                holds_for,
                limit,
            ),
        )
        return [
            (
                row[0],
                state_from_row(deck_id, row[0], row[1:-1]),
                None if row[-1] is None else date.fromisoformat(row[-1]),
            )
            for row in rows
        ]

    def count_new(self, deck_ids: Sequence[str] | None, *, on: date | None = None) -> int:
        """How many non-orphaned, studiable cards (see `studiable_sql`) were never reviewed."""
        deck_sql, deck_params = decks_filter(deck_ids)
        studiable, studiable_params = studiable_sql(on)
        row = self._one(
            "SELECT count(*) FROM cards INDEXED BY cards_new"
            f" WHERE state = 0 AND orphaned = 0 AND {deck_sql}{studiable}",
            (*deck_params, *studiable_params),
        )
        return int(row[0])

    def question_keys_reviewed_since(
        self, deck_ids: Sequence[str] | None, since: datetime
    ) -> set[tuple[str, str]]:
        """(deck id, question key) pairs answered since `since`: their siblings wait a day."""
        deck_sql, deck_params = decks_filter(deck_ids, column="r.deck_id")
        rows = self._rows(
            "SELECT DISTINCT c.deck_id, c.question_key FROM reviews r"
            " JOIN cards c ON c.deck_id = r.deck_id AND c.card_key = r.card_key"
            f" WHERE r.reviewed_at >= ? AND {deck_sql}",
            (to_us(since), *deck_params),
        )
        return {(row[0], row[1]) for row in rows}

    def extra_new(self, deck_id: str, day: date) -> int:
        """The extra new cards custom study allowed `deck_id` on study day `day` (0: none)."""
        row = self._one(
            "SELECT extra_new FROM study_extras WHERE deck_id = ? AND day = ?",
            (deck_id, day.isoformat()),
        )
        return 0 if row is None else int(row[0])

    def set_extra_new(self, deck_id: str, day: date, count: int) -> None:
        """Allow `deck_id` `count` new cards beyond `new_per_day` on study day `day` (what was
        asked last that day holds, so asking again for 10 does not make it 20)."""
        if count < 0:
            raise ValueError(f"extra new cards cannot be negative, not {count}")
        with self._write() as db:
            db.execute(
                "INSERT INTO study_extras (deck_id, day, extra_new) VALUES (?, ?, ?)"
                " ON CONFLICT (deck_id, day) DO UPDATE SET extra_new = excluded.extra_new",
                (deck_id, day.isoformat(), count),
            )
