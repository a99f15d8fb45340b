"""`Store.doctor`: check the database, and repair what can be repaired without losing history."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone

from quiz.core.card_state import CardState
from quiz.core.storage.connection import Database
from quiz.core.storage.encoding import set_state, state_from_json, to_us
from quiz.errors import StoreError


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
"""Exactly what `state_to_json` writes: lets `doctor` accept a log row without parsing it."""


def _parses(text: str) -> bool:
    if _CANONICAL_STATE.fullmatch(text):
        return True
    try:
        state_from_json(text)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _placeholder_deck(db: sqlite3.Connection, deck_id: str, stamp: int) -> None:
    db.execute(
        "INSERT OR IGNORE INTO decks (id, title, synced_at) VALUES (?, ?, ?)",
        (deck_id, deck_id, stamp),
    )


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
"""What `checked_state` accepts, in SQL, so `doctor` checks 100k cards without building them."""


class DoctorMethods(Database):
    """`doctor` and its checks, one method per kind of problem."""

    def doctor(self, *, repair: bool, now: datetime) -> DoctorReport:
        """Check the database and, with `repair`, fix what can be fixed without losing history.

        Checks: `PRAGMA integrity_check`; reviews of unknown cards (repaired by
        recreating the card, orphaned, from its last logged state); cards or attempts
        of decks never reconciled (a placeholder deck row is added and the cards are
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
                f"{len(missing)} deck id(s) with cards or attempts but never reconciled: {names}",
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
                set_state(self._db, deck_id, card_key, state)
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
                set_state(self._db, deck_id, card_key, state)
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
                return state_from_json(text)
        return None
