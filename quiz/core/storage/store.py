"""`Store`, the study database's API: its methods are grouped by concern in the mixins below.

* Opening, closing and `read` (one read-only query, for reports): `connection.Database`.
* Decks: `reconcile_deck(...) -> ReconcileResult`, `deck(deck_id)`, `decks()`,
  `cached_deck_file(path, size=, mtime_ns=)`, `cache_deck_file(DeckFileRecord)`
  (`decks.DeckMethods`).
* Cards: `card(deck_id, key)`, `card_state(deck_id, key)`; queue queries (never load
  every card): `due_cards(deck_ids, until=, limit=, phases=)` ordered by due;
  `new_cards(deck_ids, limit=)` in deck order; `next_due(deck_ids)` (when the next
  studied card is ready); `count_due`, `count_new`, `question_keys_reviewed_since` (for
  burying siblings). `deck_ids=None` means every deck (`queues.CardMethods`). Today's
  queue under the daily limits is `quiz.core.queue.todays_queue`.
* Answers: `record_review(...) -> int` (card update and log row in one transaction;
  the id is returned only after the commit), `undo_review(review_id) -> CardRecord`,
  `review(review_id)`, `iter_reviews(deck_ids)` (`reviews.ReviewMethods`).
* Card actions (`card_actions.CardActionMethods`), each one transaction logged in
  `card_events` and undone whole by `undo_card_action(batch)`: `suspend`, `unsuspend`,
  `bury(until=)`, `unbury`, `set_flag`, `forget`, `set_due`; `card_events(deck, key)`.
  `record_review(..., leech=)` marks a leech with the answer. Card text for search:
  `reconcile_deck(..., texts=)` keeps `card_texts` and its FTS5 index `card_search`.
* Finding cards (`card_search.CardSearchMethods`): `search_cards(query, context=,
  order_by=, descending=, limit=, offset=) -> list[CardRow]`, `count_cards`, `card_refs`
  (every match, for an action), `card_reviews(deck, key)`.
* Attempts: `start_attempt(..., questions=, pass_mark=) -> int`,
  `record_attempt_answer(...)` (committed per answer), `finish_attempt(...) ->
  AttemptRecord`, `attempt(id)`, `attempts(deck_id)`, `attempt_answers(id)`,
  `attempt_questions(id)`, `last_finished_percents()` (the library's "last full quiz")
  (`attempts.AttemptMethods`).
* Sync (`sync_log.SyncMethods`): `sync_setup()`, `join_sync_folder`, `collect_own_events`,
  `own_events`, `set_written`, `sync_file_offsets`, `import_events`, `devices_seen`,
  `card_sync_events`; the sync itself is `quiz.core.sync.engine`.
* Safety: `backup_now(reason, now=)`, `start_daily_backup(now) -> BackupJob | None`
  (call when studying starts; it runs on a thread of its own), here; `doctor(repair=,
  now=)` (`doctor.DoctorMethods`); restoring a backup is
  `restore.restore_database(db, source, now=)`.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from quiz.core.backup import BackupJob, backup_failed, start_daily_backup, write_backup
from quiz.core.storage.attempts import AttemptMethods
from quiz.core.storage.card_actions import CardActionMethods
from quiz.core.storage.card_search import CardSearchMethods
from quiz.core.storage.decks import DeckMethods
from quiz.core.storage.doctor import DoctorMethods
from quiz.core.storage.queues import CardMethods
from quiz.core.storage.reviews import ReviewMethods
from quiz.core.storage.sync_log import SyncMethods


class Store(
    DeckMethods,
    CardMethods,
    CardActionMethods,
    CardSearchMethods,
    ReviewMethods,
    AttemptMethods,
    DoctorMethods,
    SyncMethods,
):
    """An open study database. Create with `Store.open`; one thread at a time may use it."""

    def backup_now(self, reason: str = "manual", *, now: datetime) -> Path:
        """Write a backup with SQLite's online backup API; returns its path.

        Raises `StoreError` when it cannot be written (a full disk, a read-only folder) and
        `DamagedDatabaseError` when the database fails the check a backup runs first: the
        database itself is untouched either way.
        """
        with self._lock:
            try:
                return write_backup(self._db, self.path, reason, now)
            except (sqlite3.DatabaseError, OSError) as error:
                raise backup_failed(self.path, error) from error

    def start_daily_backup(self, now: datetime) -> BackupJob | None:
        """Start the day's `daily` backup unless one exists for `now`'s local day.

        Call it when studying starts, with local time (`datetime.now().astimezone()`); the
        copy and its check run on a thread of their own (`BackupJob.wait()` for the outcome).
        None when there is nothing to start (`backup.start_daily_backup`).
        """
        return start_daily_backup(self.path, now)
