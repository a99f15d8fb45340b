"""Schema 1 -> 3: a database written by the first schema opens, is backed up, and keeps its
attempts, which results then read without the questions or pass mark schema 2 records."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from quiz.core.backup import list_backups, verify_backup
from quiz.core.models import Deck
from quiz.core.results.export import answer_rows, summary_rows
from quiz.core.storage import SCHEMA_VERSION, Store, to_us
from quiz.core.storage.schema import MIGRATIONS
from quiz.core.study import QuizSession

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

DECK = Deck.model_validate(
    {
        "deck": {"id": "capitals", "title": "Capitals", "pass_mark": 50},
        "questions": [
            {"kind": "short", "id": f"q{n}", "prompt": f"Capital {n}?", "answer": answer}
            for n, answer in enumerate(("Paris", "Lima", "Abuja"), start=1)
        ],
    }
)


def version_1_database(path: Path) -> None:
    """What the first release wrote: migration 1 only, and an attempt with one of two answered.

    The rows are inserted with the columns the schema-1 `Store` wrote (no pass
    mark, no list of questions asked).
    """
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("BEGIN IMMEDIATE")
    MIGRATIONS[0](connection)
    connection.execute("PRAGMA user_version=1")
    connection.execute(
        "INSERT INTO decks (id, title, synced_at) VALUES ('capitals', 'Capitals', ?)", (to_us(NOW),)
    )
    connection.execute(
        "INSERT INTO deck_files (path, size, mtime_ns, content_hash, deck_id, title, checked_at)"
        " VALUES ('/decks/capitals.toml', 10, 1, 'h', 'capitals', 'Capitals', ?)",
        (to_us(NOW),),
    )
    connection.execute(
        "INSERT INTO attempts (id, deck_id, student, mode, seed, started_at, finished_at, score,"
        " max_score) VALUES (1, 'capitals', 'ann', 'exam', 7, ?, ?, 1, 2)",
        (to_us(NOW), to_us(NOW + timedelta(minutes=1))),
    )
    connection.execute(
        "INSERT INTO attempt_answers (attempt_id, position, question_key, response_json, correct,"
        " score, points, answered_at, duration_ms) VALUES (1, 0, 'q1', '\"Paris\"', 1, 1, 1, ?,"
        " 900)",
        (to_us(NOW + timedelta(seconds=20)),),
    )
    connection.execute("COMMIT")
    connection.close()


def test_a_version_1_database_is_backed_up_and_migrated(tmp_path: Path) -> None:
    db = tmp_path / "study.sqlite3"
    version_1_database(db)
    assert SCHEMA_VERSION == 11
    with Store.open(db, now=NOW) as store:
        old = store.attempt(1)
        assert old is not None
        assert (old.student, old.score, old.max_score, old.pass_mark) == ("ann", 1, 2, None)
        assert store.attempt_questions(1) == []  # schema 1 did not record them
        # Results of an old attempt: its answers only, and the deck's pass mark if given.
        assert [(r.question_id, r.correct) for r in answer_rows(store)] == [("q1", True)]
        assert summary_rows(store)[0].passed is None
        assert summary_rows(store, pass_marks={"capitals": 50})[0].passed is True
        # A new attempt on the migrated database records what it asks and its pass mark.
        session = QuizSession(store, DECK, student="bob", shuffle=False, now=lambda: NOW)
        session.answer(session.questions[0], "Paris")
        session.finish()
        new = store.attempt(session.attempt_id)
        assert new is not None and new.pass_mark == 50
        assert [(q.question_key, q.points) for q in store.attempt_questions(new.id)] == [
            ("q1", 1.0),
            ("q2", 1.0),
            ("q3", 1.0),
        ]
        bob = [r for r in answer_rows(store) if r.student == "bob"]
        assert [(r.question_id, r.correct, r.points) for r in bob] == [
            ("q1", True, 1.0),
            ("q2", False, 0.0),
            ("q3", False, 0.0),
        ]
        assert [r.passed for r in summary_rows(store, student="bob")] == [False]
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 11
        old_answer = connection.execute(
            "SELECT overruled, checked_score FROM attempt_answers WHERE attempt_id = 1"
        ).fetchone()
        assert old_answer == (0, None)  # schema 4: an answer of old was nobody's overrule
        # schema 5: no card is stale, and the deck is reconciled again by the next session
        assert connection.execute("SELECT count(valid_until) FROM cards").fetchone() == (0,)
        # schema 7: no card is suspended, buried, flagged or a leech; the browser's text
        # is filled in when the deck is next reconciled
        assert connection.execute(
            "SELECT count(*) FROM cards WHERE suspended OR buried_until IS NOT NULL OR flag"
            " OR leech"
        ).fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM card_events").fetchone() == (0,)
        # ... and the library's file cache is dropped, so its next scan reads every deck
        assert connection.execute("SELECT count(*) FROM deck_files").fetchone() == (0,)
    backups = list_backups(db)
    assert [b.reason for b in backups] == ["pre-migrate"]
    assert verify_backup(backups[0].path, max_schema=SCHEMA_VERSION) == 1  # the old file, as it was


def test_migrating_again_is_a_no_op(tmp_path: Path) -> None:
    db = tmp_path / "study.sqlite3"
    version_1_database(db)
    Store.open(db, now=NOW).close()
    Store.open(db, now=NOW + timedelta(days=1)).close()
    assert len(list_backups(db)) == 1  # only the first open migrated


def test_schema_8_sync_events_are_kept_as_they_were(tmp_path: Path) -> None:
    """Schema 9 rebuilds `sync_events` as a rowid table: every event, own, imported and
    undo, comes through unchanged, and an own event still knows it was undone."""
    db = tmp_path / "study.sqlite3"
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    for migration in MIGRATIONS[:8]:
        migration(connection)
    connection.execute("PRAGMA user_version=8")
    rows = [
        ("me:1", "me", 1, 10, 0, 10, "answer", "geo", "a", "{}", "{}", '{"grade":3}', None),
        (
            "me:2",
            "me",
            2,
            11,
            0,
            11,
            "undo",
            "geo",
            "a",
            None,
            None,
            '{"undoes":"me:1"}',
            "undo:me:1",
        ),
        ("you:10", "you", 10, 12, 1, 9, "flag", "geo", "b", None, None, '{"flag":1}', "imported"),
    ]
    connection.executemany(
        "INSERT INTO sync_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    connection.execute("COMMIT")
    connection.close()
    Store.open(db, now=NOW).close()
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert connection.execute("SELECT * FROM sync_events ORDER BY id").fetchall() == rows
        assert connection.execute(
            "SELECT id FROM sync_events WHERE kind = 'undo' AND source = 'undo:me:1'"
        ).fetchall() == [("me:2",)]
    finally:
        connection.close()
