"""`Store` methods for decks: reconciling a deck file's cards with the store, and the file cache."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.core.storage.connection import Database
from quiz.core.storage.encoding import to_us
from quiz.core.storage.records import (
    DECK_COLUMNS,
    DECK_FILE_COLUMNS,
    DeckFileRecord,
    DeckRecord,
    deck_file_from_row,
    deck_from_row,
)

if TYPE_CHECKING:
    from quiz.core.cards import CardText


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    """What `reconcile_deck` changed: cards added, cards orphaned, orphans brought back."""

    added: int
    orphaned: int
    restored: int


class DeckMethods(Database):
    """Decks: `reconcile_deck`, `deck`, `decks`, `cached_deck_file`, `cache_deck_file`."""

    def reconcile_deck(
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
        valid_until: Mapping[str, date] | None = None,
        texts: Mapping[str, CardText] | None = None,
    ) -> ReconcileResult:
        """Bring the deck's cards in line with `card_keys` (in deck order), in one transaction.

        New keys become new cards; cards whose key is gone are marked orphaned (their
        history stays); orphans whose key is back are restored with their state. Each
        card's `valid_until` (the last day its question holds; absent: no limit) is stored
        so the queues can leave stale cards out. `texts` (card key: its text) refreshes
        what the card browser searches (`_store_texts`).
        """
        limits = {key: day.isoformat() for key, day in (valid_until or {}).items()}
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
            existing: dict[str, tuple[int, bool]] = {}
            stored_limits: dict[str, str | None] = {}
            for key, position, orphaned, limit in db.execute(
                "SELECT card_key, position, orphaned, valid_until FROM cards WHERE deck_id = ?",
                (deck_id,),
            ):
                existing[key] = (position, bool(orphaned))
                stored_limits[key] = limit
            inserts = []
            updates = []
            restored = 0
            for position, key in enumerate(card_keys):
                known = existing.get(key)
                limit = limits.get(key)
                if known is None:
                    inserts.append((deck_id, key, key.split(":", 1)[0], position, stamp, limit))
                elif known != (position, False) or stored_limits[key] != limit:
                    restored += known[1]
                    updates.append((position, limit, deck_id, key))
            current = set(card_keys)
            gone = [
                (deck_id, key)
                for key, (_, orphaned) in existing.items()
                if key not in current and not orphaned
            ]
            db.executemany(
                "INSERT INTO cards (deck_id, card_key, question_key, position, created_at,"
                " valid_until) VALUES (?, ?, ?, ?, ?, ?)",
                inserts,
            )
            db.executemany(
                "UPDATE cards SET position = ?, valid_until = ?, orphaned = 0"
                " WHERE deck_id = ? AND card_key = ?",
                updates,
            )
            db.executemany("UPDATE cards SET orphaned = 1 WHERE deck_id = ? AND card_key = ?", gone)
            if texts is not None:
                _store_texts(db, deck_id, texts)
        return ReconcileResult(added=len(inserts), orphaned=len(gone), restored=restored)

    def deck(self, deck_id: str) -> DeckRecord | None:
        """The last reconciliation of a deck id, or None if it was never reconciled."""
        row = self._one(f"SELECT {DECK_COLUMNS} FROM decks WHERE id = ?", (deck_id,))
        return None if row is None else deck_from_row(row)

    def decks(self) -> list[DeckRecord]:
        """Every deck ever reconciled, by title."""
        return [
            deck_from_row(row)
            for row in self._rows(f"SELECT {DECK_COLUMNS} FROM decks ORDER BY title")
        ]

    def cached_deck_file(
        self, path: Path | str, *, size: int, mtime_ns: int
    ) -> DeckFileRecord | None:
        """The cached parse of a deck file, if the file still has this size and mtime."""
        row = self._one(
            f"SELECT {DECK_FILE_COLUMNS} FROM deck_files"
            " WHERE path = ? AND size = ? AND mtime_ns = ?",
            (str(path), size, mtime_ns),
        )
        return None if row is None else deck_file_from_row(row)

    def cache_deck_file(self, record: DeckFileRecord) -> None:
        """Remember what parsing a deck file gave, replacing the previous entry for the path."""
        with self._write() as db:
            db.execute(
                f"INSERT OR REPLACE INTO deck_files ({DECK_FILE_COLUMNS})"
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


def _store_texts(db: sqlite3.Connection, deck_id: str, texts: Mapping[str, CardText]) -> None:
    """Bring `card_texts` and its FTS5 index in step with the deck's cards: rows that
    changed are replaced, rows of cards no longer given are kept (an orphan is still
    found, as orphaned). The index has external content, so each replaced row is first
    deleted from it with its old values (FTS5's 'delete' command)."""
    stored = {
        key: (rowid, (kind, tags, prompt, answer))
        for rowid, key, kind, tags, prompt, answer in db.execute(
            "SELECT id, card_key, kind, tags, prompt, answer FROM card_texts WHERE deck_id = ?",
            (deck_id,),
        )
    }
    for key, text in texts.items():
        values = astuple(text)
        known = stored.get(key)
        if known is not None and known[1] == values:
            continue
        if known is not None:
            rowid, (_, old_tags, old_prompt, old_answer) = known
            db.execute(
                "INSERT INTO card_search (card_search, rowid, prompt, answer, tags)"
                " VALUES ('delete', ?, ?, ?, ?)",
                (rowid, old_prompt, old_answer, old_tags),
            )
            db.execute(
                "UPDATE card_texts SET kind = ?, tags = ?, prompt = ?, answer = ? WHERE id = ?",
                (*values, rowid),
            )
        else:
            rowid = db.execute(
                "INSERT INTO card_texts (deck_id, card_key, kind, tags, prompt, answer)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (deck_id, key, *values),
            ).lastrowid
        _, tags, prompt, answer = values
        db.execute(
            "INSERT INTO card_search (rowid, prompt, answer, tags) VALUES (?, ?, ?, ?)",
            (rowid, prompt, answer, tags),
        )
