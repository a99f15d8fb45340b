"""`Store` methods for answers: the review log, written with the card's new state at once.

Each answer is one transaction: the card's state is set and the log row appended
together, and the review id is returned only after the commit, so an answer the
learner saw confirmed is on disk. Undo restores the state logged before the answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from quiz.core.card_state import CardState
from quiz.core.storage.card_actions import mark_leech, undo_events
from quiz.core.storage.connection import Database, decks_filter
from quiz.core.storage.encoding import (
    STATE_COLUMNS,
    set_state,
    state_from_json,
    state_to_json,
    to_us,
)
from quiz.core.storage.records import (
    CARD_COLUMNS,
    REVIEW_COLUMNS,
    CardRecord,
    ReviewRecord,
    card_from_row,
    invalid_state,
    review_from_row,
    state_from_row,
)
from quiz.errors import StoreConflict, StoreError


@dataclass(frozen=True, slots=True)
class ReviewAmendment:
    """A logged review to correct in place: its new grade and the state that grade gives
    (from the same state before), replacing `was`, the state the review had set."""

    review_id: int
    grade: int
    was: CardState
    after: CardState


def amend_review(db: sqlite3.Connection, amendment: ReviewAmendment) -> None:
    """Correct a review inside the caller's transaction: its grade and new state, and the
    card's state with it (compare-and-set on `was`). Only a card's newest review can change,
    as only it can be undone; `StoreConflict` otherwise."""
    row = db.execute(
        "SELECT deck_id, card_key FROM reviews WHERE id = ?", (amendment.review_id,)
    ).fetchone()
    if row is None:
        raise StoreConflict(f"review {amendment.review_id} no longer exists")
    deck_id, card_key = row
    newest = db.execute(
        "SELECT max(id) FROM reviews WHERE deck_id = ? AND card_key = ?", (deck_id, card_key)
    ).fetchone()[0]
    if newest != amendment.review_id or not set_state(
        db, deck_id, card_key, amendment.after, expect=amendment.was
    ):
        raise StoreConflict(f"card {deck_id}/{card_key} was answered again since")
    db.execute(
        # event_id: a synced answer amended is sent again (and its first event undone)
        "UPDATE reviews SET grade = ?, state_after_json = ?, event_id = NULL WHERE id = ?",
        (amendment.grade, state_to_json(amendment.after), amendment.review_id),
    )


class ReviewMethods(Database):
    """Answers: `record_review`, `undo_review`, `review`, `iter_reviews`."""

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
        leech: Literal["mark", "suspend"] | None = None,
    ) -> int:
        """Save one answer: set the card to `after` and append the log row, atomically.

        The state before is what was stored inside the transaction, so undo restores it
        exactly. With `expect_before`, raises `StoreConflict` if the card changed since
        the caller read it, e.g. answered by another `quiz` process: the update is then a
        compare-and-set on every state column, which saves reading the card again.
        `leech` ("mark", or "suspend" too) marks the card a leech in the same transaction,
        as an event that names this review (`card_actions.mark_leech`), so undoing the
        answer undoes the mark. Returns the review id once the transaction is committed.
        """
        if grade not in (1, 2, 3, 4):
            raise ValueError(f"grade must be 1-4 (Again, Hard, Good, Easy), not {grade}")
        with self._write() as db:
            if expect_before is None:
                row = db.execute(
                    f"SELECT {STATE_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
                    (deck_id, card_key),
                ).fetchone()
                if row is None:
                    raise StoreError(f"unknown card {deck_id}/{card_key}: reconcile the deck first")
                before = state_from_row(deck_id, card_key, row)
                set_state(db, deck_id, card_key, after)
            else:
                before = expect_before
                if not set_state(db, deck_id, card_key, after, expect=before):
                    if db.execute(
                        "SELECT 1 FROM cards WHERE deck_id = ? AND card_key = ?",
                        (deck_id, card_key),
                    ).fetchone():
                        raise StoreConflict(f"card {deck_id}/{card_key} changed since it was shown")
                    raise StoreError(f"unknown card {deck_id}/{card_key}: reconcile the deck first")
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
                    state_to_json(before),
                    state_to_json(after),
                ),
            )
            review_id = cursor.lastrowid
            assert review_id is not None
            if leech is not None:
                mark_leech(
                    db,
                    (deck_id, card_key),
                    review_id=review_id,
                    suspend=leech == "suspend",
                    stamp=to_us(reviewed_at),
                )
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
                before = state_from_json(before_json)
            except (ValueError, TypeError) as error:
                raise invalid_state(f"review {review_id}", error) from error
            undo_events(db, "review_id = ?", (review_id,))  # the leech mark it made
            set_state(db, deck_id, card_key, before)
            db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            restored = db.execute(
                f"SELECT {CARD_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
                (deck_id, card_key),
            ).fetchone()
        return card_from_row(restored)

    def review(self, review_id: int) -> ReviewRecord | None:
        """One row of the review log."""
        row = self._one(f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE id = ?", (review_id,))
        return None if row is None else review_from_row(row)

    def iter_reviews(
        self, deck_ids: Sequence[str] | None = None, *, batch: int = 5000
    ) -> Iterator[ReviewRecord]:
        """The review log in id order, read in batches (for export, stats and the optimizer)."""
        deck_sql, deck_params = decks_filter(deck_ids)
        last = 0
        while True:
            rows = self._rows(
                f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE id > ? AND {deck_sql}"
                " ORDER BY id LIMIT ?",
                (last, *deck_params, batch),
            )
            for row in rows:
                yield review_from_row(row)
            if len(rows) < batch:
                return
            last = rows[-1][0]
