"""`Store`, the study database's API: its methods are grouped by concern in the mixins below.

* Opening, closing and `read` (one read-only query, for reports): `connection.Database`.
* Decks: `reconcile_deck(...) -> ReconcileResult`, `deck(deck_id)`, `decks()`,
  `cached_deck_file(path, size=, mtime_ns=)`, `cache_deck_file(DeckFileRecord)`
  (`decks.DeckMethods`).
* Cards: `card(deck_id, key)`, `card_state(deck_id, key)`; queue queries (never load
  every card): `due_cards(deck_ids, until=, limit=, phases=)` ordered by due;
  `new_cards(deck_ids, limit=)` in deck order; `next_due(deck_ids)` (when the next
  studied card is ready); `count_due`, `count_new`, `count_first_reviews_since` (new
  cards introduced since the day rolled over), `count_reviews_since`,
  `question_keys_reviewed_since` (for burying siblings). `deck_ids=None` means every
  deck (`queues.CardMethods`).
* Answers: `record_review(...) -> int` (card update and log row in one transaction;
  the id is returned only after the commit), `undo_review(review_id) -> CardRecord`,
  `review(review_id)`, `iter_reviews(deck_ids)` (`reviews.ReviewMethods`).
* Attempts: `start_attempt(..., questions=, pass_mark=) -> int`,
  `record_attempt_answer(...)` (committed per answer), `finish_attempt(...) ->
  AttemptRecord`, `attempt(id)`, `attempts(deck_id)`, `attempt_answers(id)`,
  `attempt_questions(id)`, `last_finished_percents()` (the library's "last full quiz")
  (`attempts.AttemptMethods`).
* Safety: `backup_now(reason, now=)`, `daily_backup_if_due(now)` (call when studying
  starts), here; `doctor(repair=, now=)` (`doctor.DoctorMethods`); restoring a
  backup is `restore.restore_database(db, source, now=)`.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from quiz.core.backup import has_daily_backup, write_backup
from quiz.core.storage.attempts import AttemptMethods
from quiz.core.storage.decks import DeckMethods
from quiz.core.storage.doctor import DoctorMethods
from quiz.core.storage.queues import CardMethods
from quiz.core.storage.reviews import ReviewMethods
from quiz.errors import StoreError
from quiz.paths import backups_dir


class Store(DeckMethods, CardMethods, ReviewMethods, AttemptMethods, DoctorMethods):
    """An open study database. Create with `Store.open`; one thread at a time may use it."""

    def backup_now(self, reason: str = "manual", *, now: datetime) -> Path:
        """Write a backup with SQLite's online backup API; returns its path.

        Raises `StoreError` when it cannot be written (a full disk, a read-only folder):
        the database itself is untouched.
        """
        with self._lock:
            try:
                return write_backup(self._db, self.path, reason, now)
            except (sqlite3.DatabaseError, OSError) as error:
                reason_text = getattr(error, "strerror", None) or str(error)
                raise StoreError(
                    f"could not write a backup of {self.path} in {backups_dir(self.path)}:"
                    f" {reason_text}; the database itself is unchanged"
                ) from error

    def daily_backup_if_due(self, now: datetime) -> Path | None:
        """Take the day's `daily` backup unless one exists for `now`'s local day.

        Call it when studying starts, with local time (`datetime.now().astimezone()`).
        """
        if has_daily_backup(self.path, now):
            return None
        return self.backup_now("daily", now=now)
