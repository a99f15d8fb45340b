"""`Store.doctor`: check the database, and repair what can be repaired without losing history."""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone

from quiz.core.card_state import CardState
from quiz.core.storage.connection import Database, index_only
from quiz.core.storage.encoding import set_state, state_from_json, to_us
from quiz.core.storage.schema import MIGRATIONS
from quiz.core.text import counted


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
    except (ValueError, TypeError, OverflowError, RecursionError):
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


_TIME_COLUMNS = (
    ("decks", "synced_at", False, ":stamp"),
    ("deck_files", "checked_at", False, "0"),  # 0: checked long ago, so checked again
    ("cards", "created_at", False, ":stamp"),
    (
        "reviews",
        "reviewed_at",
        False,
        "coalesce((SELECT p.reviewed_at FROM reviews AS p WHERE p.id < reviews.id"
        " AND typeof(p.reviewed_at) = 'integer' AND p.reviewed_at BETWEEN :lo AND :hi"
        " ORDER BY p.id DESC LIMIT 1), :stamp)",
    ),
    ("attempts", "started_at", False, ":stamp"),
    ("attempts", "finished_at", True, "started_at"),
    (
        "attempt_answers",
        "answered_at",
        False,
        "coalesce((SELECT started_at FROM attempts WHERE id = attempt_id), :stamp)",
    ),
)
"""Every stored time: (table, column, may be NULL, SQL for its replacement when it is out of
range). Fixed names, never user input, so they are put into the SQL as they are."""


@functools.cache
def _expected_schema() -> dict[str, tuple[str, str | None]]:
    """Name: (type, SQL) of every table and index a database of this version has."""
    connection = sqlite3.connect(":memory:")
    try:
        for migration in MIGRATIONS:
            migration(connection)
        return {
            name: (kind, sql)
            for name, kind, sql in connection.execute(
                "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'index')"
            )
        }
    finally:
        connection.close()


class DoctorMethods(Database):
    """`doctor` and its checks, one method per kind of problem."""

    def doctor(self, *, repair: bool, now: datetime) -> DoctorReport:
        """Check the database and, with `repair`, fix what can be fixed without losing history.

        Checks: the tables and indexes of the schema (a missing table is damage; a missing
        index is created again); `PRAGMA integrity_check` (index entries that disagree with
        their table are rebuilt with `REINDEX`; other damage ends the check); stored times
        outside what a date can hold (reviews take the time of the review logged before
        them, other rows the time of the repair); reviews of unknown cards (repaired by
        recreating the card, orphaned, from its last logged state); cards or attempts of
        decks never reconciled (a placeholder deck row is added and the cards are orphaned);
        attempt answers without an attempt (deleted: nothing can show them); card states
        that do not parse (reset to the last logged state, else to new); card marks no quiz
        wrote (cleared); log states that do
        not parse (cleared; the row stays); review-phase cards without a due time (made due
        at their last review). Repairs are idempotent: a second run finds nothing.
        """
        missing_tables, missing_indexes = self._missing_schema()
        if missing_tables:
            return DoctorReport(integrity=[f"table {name} is missing" for name in missing_tables])
        integrity = self._integrity_problems() or ["ok"]
        index_problems: list[str] = []
        if index_only(integrity):
            index_problems, integrity = integrity, ["ok"]
        if integrity != ["ok"]:
            return DoctorReport(integrity=integrity)
        findings: list[Finding] = []
        stamp = to_us(now)
        # Checking alone reads one consistent snapshot; repairing is one write transaction.
        with self._write() if repair else self._snapshot():
            findings += self._check_indexes(missing_indexes, index_problems, repair)
            findings += self._check_times(repair, stamp)
            findings += self._check_unknown_decks(repair, stamp)
            findings += self._check_unknown_cards(repair, stamp)
            findings += self._check_loose_answers(repair)
            findings += self._check_log_states(repair)
            findings += self._check_card_states(repair)
            findings += self._check_card_marks(repair)
            findings += self._check_due_missing(repair, stamp)
        return DoctorReport(integrity=integrity, findings=findings)

    def _missing_schema(self) -> tuple[list[str], dict[str, str]]:
        """The tables (names) and indexes (name: SQL to create it) of this version's schema
        that the database lacks."""
        present = {row[0] for row in self._rows("SELECT name FROM sqlite_master")}
        expected = _expected_schema()
        tables = [n for n, (kind, _) in expected.items() if kind == "table" and n not in present]
        indexes = {
            name: sql
            for name, (kind, sql) in expected.items()
            if kind == "index" and sql is not None and name not in present
        }
        return tables, indexes

    def _check_indexes(
        self, missing: dict[str, str], problems: list[str], repair: bool
    ) -> list[Finding]:
        findings = []
        if missing:
            if repair:
                for sql in missing.values():
                    self._db.execute(sql)
            names = ", ".join(sorted(missing))
            findings.append(
                Finding("missing-index", len(missing), f"indexes missing: {names}", repair)
            )
        if problems:
            if repair:
                self._db.execute("REINDEX")
            findings.append(
                Finding(
                    "damaged-index",
                    len(problems),
                    f"indexes disagree with their tables ({counted(len(problems), 'problem')},"
                    f" first: {problems[0]}); no history is lost",
                    repair,
                )
            )
        return findings

    def _check_times(self, repair: bool, stamp: int) -> list[Finding]:
        findings = []
        for table, column, nullable, replacement in _TIME_COLUMNS:
            bad = f"NOT (typeof({column}) = 'integer' AND {column} BETWEEN :lo AND :hi)"
            if nullable:
                bad = f"{column} IS NOT NULL AND {bad}"
            bounds = {"lo": _MIN_US, "hi": _MAX_US, "stamp": stamp}
            count = self._db.execute(f"SELECT count(*) FROM {table} WHERE {bad}", bounds)
            (found,) = count.fetchone()
            if not found:
                continue
            if repair:
                self._db.execute(f"UPDATE {table} SET {column} = {replacement} WHERE {bad}", bounds)
            findings.append(
                Finding(
                    "bad-time",
                    found,
                    f"{counted(found, 'time')} out of range in {table}.{column}",
                    repair,
                )
            )
        return findings

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

    def _check_card_marks(self, repair: bool) -> list[Finding]:
        """Marks no quiz wrote (a flag out of range, a buried day that is not a date) would
        make every read of the card fail: they are cleared (not suspended, not buried, no
        flag; a leech mark kept only if it was 1)."""
        where = (
            "suspended NOT IN (0, 1) OR leech NOT IN (0, 1) OR flag NOT IN (0, 1, 2, 3, 4, 5)"
            " OR typeof(suspended) != 'integer' OR typeof(leech) != 'integer'"
            " OR typeof(flag) != 'integer' OR (buried_until IS NOT NULL AND"
            " (typeof(buried_until) != 'text'"
            " OR date(buried_until, '+0 days') IS NOT buried_until))"
        )
        count = self._db.execute(f"SELECT count(*) FROM cards WHERE {where}").fetchone()[0]
        if not count:
            return []
        if repair:
            self._db.execute(
                "UPDATE cards SET suspended = 0, buried_until = NULL, flag = 0,"
                f" leech = (leech IS 1) WHERE {where}"
            )
        return [Finding("bad-card-marks", count, f"{count} card(s) with invalid marks", repair)]

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
            with contextlib.suppress(ValueError, TypeError, RecursionError):
                return state_from_json(text)
        return None
