"""The database schema and the migrations that build it (version kept in `PRAGMA user_version`).

* `decks(id PK, title, path, content_hash, question_count, card_count, meta_json,
  synced_at)`: one row per deck id ever reconciled with a deck file (`synced_at` is
  when it last was). The id, not the path, is the key, so a moved or renamed deck
  file keeps its history.
* `deck_files(path PK, size, mtime_ns, content_hash, deck_id, title, question_count,
  card_count, meta_json, first_error, checked_at)`: the start-up cache the library
  reads instead of parsing every deck; a row is valid while the file's size and
  mtime_ns match. Separate from `decks` because a broken file has no deck id and two
  files may carry the same id.
* `cards(deck_id, card_key PK, question_key, position, state, step, stability,
  difficulty, due, last_review, reps, lapses, orphaned, created_at)`. Cards are
  never deleted: a card gone from its deck is `orphaned = 1` and comes back with its
  history when the question returns. Partial indexes (`WHERE orphaned = 0`):
  `cards_deck_due(deck_id, state, due, orphaned)` and `cards_due(state, due,
  orphaned)` for due queues and counts (covering: see `_migration_3`),
  `cards_new(deck_id, position) WHERE state = 0` for new cards. A query that wants
  one of them must say `orphaned = 0` (and `state = 0` for `cards_new`) and fix
  `state` (one phase per query): see `due_cards` and `next_due`.
* `reviews(id PK, deck_id, card_key, reviewed_at, grade, state_before, response,
  correct, duration_ms, state_before_json, state_after_json)`: append-only log (only
  `undo_review` deletes, and only the newest row of a card). `state_before` is the
  `Phase` before the answer, so `state_before = 0` marks a card's first review (a new
  card introduced). Indexes: `(deck_id, card_key, id)`, `(reviewed_at)` and
  `(deck_id, reviewed_at)` ("today's reviews" of all decks or of some), and the
  partial `reviews_mature` (reviews of cards scheduled 21+ days, for statistics).
* `attempts(id PK, deck_id, deck_hash, student, mode 'quiz'|'exam', seed, started_at,
  finished_at, score, max_score, pass_mark)` and `attempt_answers(attempt_id, position PK,
  question_key, response_json, correct, score, points, answered_at, duration_ms)`.
  `attempt_questions(attempt_id, position PK, question_key, points)` (schema 2) lists
  every question an attempt asked, written with the attempt, so an unanswered one
  still counts as asked; `pass_mark` (schema 2) is the deck's when the attempt began.
  Attempts made under schema 1 have no such rows and a NULL pass mark. `overruled` and
  `checked_score` (schema 4): the learner turned the checker's verdict, whose score is kept.

Times are INTEGER microseconds since the Unix epoch, UTC (`encoding.to_us`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# Schema 1, in four parts. The statements keep the indentation they had inside the
# first release's migration function: SQLite stores each one's text in `sqlite_master`,
# and tests/core/test_schema.py holds every version's schema to the byte.

_DECKS_1 = """
        CREATE TABLE decks (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            path TEXT,
            content_hash TEXT,
            question_count INTEGER NOT NULL DEFAULT 0,
            card_count INTEGER NOT NULL DEFAULT 0,
            meta_json TEXT NOT NULL DEFAULT '{}',
            synced_at INTEGER NOT NULL
        );
        CREATE TABLE deck_files (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            content_hash TEXT,
            deck_id TEXT,
            title TEXT,
            question_count INTEGER NOT NULL DEFAULT 0,
            card_count INTEGER NOT NULL DEFAULT 0,
            meta_json TEXT NOT NULL DEFAULT '{}',
            first_error TEXT,
            checked_at INTEGER NOT NULL
        );
"""
"""The decks ever reconciled, and the deck-file cache."""

_CARDS_1 = """
        CREATE TABLE cards (
            deck_id TEXT NOT NULL REFERENCES decks(id),
            card_key TEXT NOT NULL,
            question_key TEXT NOT NULL,
            position INTEGER NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due INTEGER,
            last_review INTEGER,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            orphaned INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (deck_id, card_key)
        ) WITHOUT ROWID;
        CREATE INDEX cards_deck_due ON cards(deck_id, state, due) WHERE orphaned = 0;
        CREATE INDEX cards_due ON cards(state, due) WHERE orphaned = 0;
        CREATE INDEX cards_new ON cards(deck_id, position) WHERE state = 0 AND orphaned = 0;
"""
"""Every card with its scheduling state, and the indexes of the due and new queues."""

_REVIEWS_1 = """
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            deck_id TEXT NOT NULL,
            card_key TEXT NOT NULL,
            reviewed_at INTEGER NOT NULL,
            grade INTEGER NOT NULL,
            state_before INTEGER NOT NULL,
            response TEXT,
            correct INTEGER,
            duration_ms INTEGER,
            state_before_json TEXT,
            state_after_json TEXT,
            FOREIGN KEY (deck_id, card_key) REFERENCES cards(deck_id, card_key)
        );
        CREATE INDEX reviews_card ON reviews(deck_id, card_key, id);
        CREATE INDEX reviews_time ON reviews(reviewed_at);
        CREATE INDEX reviews_deck_time ON reviews(deck_id, reviewed_at);
        -- Reviews of mature cards (scheduled 21 days or more), for true retention in
        -- quiz.core.stats, which repeats this WHERE clause to select the index.
        CREATE INDEX reviews_mature ON reviews(deck_id, reviewed_at, grade)
            WHERE state_before = 2 AND json_valid(state_before_json)
            AND json_extract(state_before_json, '$.due')
            - json_extract(state_before_json, '$.last_review') >= 1814400000000;
"""
"""The review log, with the indexes of a card's history, today's reviews and statistics."""

_ATTEMPTS_1 = """
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            deck_id TEXT NOT NULL REFERENCES decks(id),
            deck_hash TEXT,
            student TEXT,
            mode TEXT NOT NULL CHECK (mode IN ('quiz', 'exam')),
            seed INTEGER,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            score REAL,
            max_score REAL
        );
        CREATE INDEX attempts_deck ON attempts(deck_id, started_at);
        CREATE TABLE attempt_answers (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            question_key TEXT NOT NULL,
            response_json TEXT,
            correct INTEGER,
            score REAL NOT NULL,
            points REAL NOT NULL,
            answered_at INTEGER NOT NULL,
            duration_ms INTEGER,
            PRIMARY KEY (attempt_id, position)
        );
"""
"""Quiz and exam sittings and their answers."""


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """Run `;`-separated DDL inside the caller's transaction (`executescript` would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _migration_1(connection: sqlite3.Connection) -> None:
    """Create every table and index: decks, cards, the review log and attempts."""
    for script in (_DECKS_1, _CARDS_1, _REVIEWS_1, _ATTEMPTS_1):
        _run_script(connection, script)


def _migration_2(connection: sqlite3.Connection) -> None:
    """Record what an attempt asked and the pass mark it was held to.

    With only the answers stored, a question left unanswered (an exam that ran out
    of time) looked "not asked" in the results; `attempt_questions` lists every
    question an attempt put, with its points, from the moment it starts. The pass
    mark is copied from the deck so `quiz results --summary` can say passed or not
    without the deck file. Attempts from schema 1 have neither (NULL, no rows).
    """
    _run_script(
        connection,
        """
        ALTER TABLE attempts ADD COLUMN pass_mark REAL;
        CREATE TABLE attempt_questions (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            question_key TEXT NOT NULL,
            points REAL NOT NULL,
            PRIMARY KEY (attempt_id, position)
        ) WITHOUT ROWID;
        """,
    )


def _migration_3(connection: sqlite3.Connection) -> None:
    """Make the due-card indexes covering: `orphaned` joins their columns.

    `cards` is WITHOUT ROWID, and SQLite does not take a partial index's
    `WHERE orphaned = 0` as proof for the query's own `orphaned = 0`, so counting
    due cards through `(deck_id, state, due)` looked up every matching row in the
    table (4,000 due cards: 9 ms; 80,000: 150 ms, slower than no index at all),
    and the planner preferred the primary key instead (0.13 ms for a 2,000-card
    deck with nothing due). With `orphaned` in the index the count reads the index
    alone: 0.3 ms, 7 ms and 0.01 ms.
    """
    _run_script(
        connection,
        """
        DROP INDEX cards_deck_due;
        DROP INDEX cards_due;
        CREATE INDEX cards_deck_due ON cards(deck_id, state, due, orphaned) WHERE orphaned = 0;
        CREATE INDEX cards_due ON cards(state, due, orphaned) WHERE orphaned = 0;
        """,
    )


def _migration_4(connection: sqlite3.Connection) -> None:
    """The learner's last word on a quiz answer: `overruled` marks an answer whose verdict
    the learner turned ("I was right" / "I was wrong"); `checked_score` keeps the score the
    checker gave, so the teacher and `quiz stats` see both."""
    _run_script(
        connection,
        """
        ALTER TABLE attempt_answers ADD COLUMN overruled INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE attempt_answers ADD COLUMN checked_score REAL;
        """,
    )


def _migration_5(connection: sqlite3.Connection) -> None:
    """News goes stale: `valid_until` is the last study day (`YYYY-MM-DD`) a card's question
    holds, copied from the deck when it is reconciled, so every queue and count (the
    library's too, which never parses decks) leaves stale cards out with one condition; the
    card and its history stay. The queue indexes end with it, so counts still read the
    index alone (see migration 3). Forgetting each deck's content hash makes the next
    session reconcile it, which fills the column in."""
    _run_script(
        connection,
        """
        ALTER TABLE cards ADD COLUMN valid_until TEXT;
        DROP INDEX cards_new;
        DROP INDEX cards_deck_due;
        DROP INDEX cards_due;
        CREATE INDEX cards_new ON cards(deck_id, position, valid_until)
            WHERE state = 0 AND orphaned = 0;
        CREATE INDEX cards_deck_due ON cards(deck_id, state, due, orphaned, valid_until)
            WHERE orphaned = 0;
        CREATE INDEX cards_due ON cards(state, due, orphaned, valid_until) WHERE orphaned = 0;
        UPDATE decks SET content_hash = NULL;
        """,
    )


def _migration_6(connection: sqlite3.Connection) -> None:
    """A teacher's regrading: `regraded` says how an answer's verdict was changed after the
    attempt (`key`: re-checked against a corrected answer key; `hand`: marked by hand), and
    `original_score` / `original_correct` keep what it was first given."""
    _run_script(
        connection,
        """
        ALTER TABLE attempt_answers ADD COLUMN original_score REAL;
        ALTER TABLE attempt_answers ADD COLUMN original_correct INTEGER;
        ALTER TABLE attempt_answers ADD COLUMN regraded TEXT;
        """,
    )


def _migration_7(connection: sqlite3.Connection) -> None:
    """Managing cards: the learner's marks, an undoable log of what changed them, and the
    card text a search reads.

    * `cards.suspended`, `buried_until` (the study day a buried card returns), `flag` and
      `leech`. Every queue leaves suspended and buried cards out with one condition, so
      the queue indexes end with both columns and counts still read the index alone
      (see migration 3); `cards_leech` lists the leeches without reading every card, and
      `reviews_overruled` the reviews whose grade turned the checker's verdict without
      reading the whole log (statistics read both on every start of the stats screen).
    * `card_events`: one row per card an action changed (suspend, unsuspend, bury,
      unbury, flag, forget, set-due, leech), with the card's state and marks before and
      after as JSON. The cards of one action share a `batch` (its first row's id), which
      undo takes back whole; a leech mark made by an answer names its `review_id`, so
      undoing the answer undoes the mark.
    * `study_extras`: extra new cards custom study allowed a deck on one study day, so the
      allowance holds however often the app is started that day.
    * `card_texts` and its FTS5 index `card_search` (external content, kept in step by
      `reconcile_deck`, the one writer): what the card browser searches without parsing
      every deck; `card_texts_prompt` hands the browser's sort by prompt its order (a
      page without sorting 100k prompts). Forgetting each deck's content hash and the
      library's deck-file cache makes the next library scan (or session) parse and
      reconcile every deck once, which fills them in.
    """
    _run_script(
        connection,
        """
        ALTER TABLE cards ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE cards ADD COLUMN buried_until TEXT;
        ALTER TABLE cards ADD COLUMN flag INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE cards ADD COLUMN leech INTEGER NOT NULL DEFAULT 0;
        DROP INDEX cards_new;
        DROP INDEX cards_deck_due;
        DROP INDEX cards_due;
        CREATE INDEX cards_new ON cards(deck_id, position, valid_until, suspended, buried_until)
            WHERE state = 0 AND orphaned = 0;
        CREATE INDEX cards_deck_due
            ON cards(deck_id, state, due, orphaned, valid_until, suspended, buried_until)
            WHERE orphaned = 0;
        CREATE INDEX cards_due ON cards(state, due, orphaned, valid_until, suspended, buried_until)
            WHERE orphaned = 0;
        CREATE INDEX cards_leech ON cards(deck_id, lapses) WHERE leech = 1 AND orphaned = 0;
        -- Reviews whose grade turned the checker's verdict, for quiz.core.stats, which
        -- repeats this WHERE clause to select the index.
        CREATE INDEX reviews_overruled ON reviews(deck_id, correct, grade)
            WHERE (correct = 1 AND grade = 1) OR (correct = 0 AND grade > 1);
        CREATE TABLE card_events (
            id INTEGER PRIMARY KEY,
            batch INTEGER NOT NULL,
            deck_id TEXT NOT NULL,
            card_key TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            value TEXT,
            review_id INTEGER,
            before_json TEXT NOT NULL,
            after_json TEXT NOT NULL,
            FOREIGN KEY (deck_id, card_key) REFERENCES cards(deck_id, card_key)
        );
        CREATE INDEX card_events_card ON card_events(deck_id, card_key, id);
        CREATE INDEX card_events_batch ON card_events(batch);
        CREATE INDEX card_events_review ON card_events(review_id) WHERE review_id IS NOT NULL;
        CREATE TABLE card_texts (
            id INTEGER PRIMARY KEY,
            deck_id TEXT NOT NULL,
            card_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            tags TEXT NOT NULL,
            prompt TEXT NOT NULL,
            answer TEXT NOT NULL,
            UNIQUE (deck_id, card_key)
        );
        -- The browser's sort by prompt reads this in order instead of sorting every card.
        CREATE INDEX card_texts_prompt ON card_texts(prompt COLLATE NOCASE);
        CREATE VIRTUAL TABLE card_search USING fts5(
            prompt, answer, tags, content = 'card_texts', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        );
        CREATE TABLE study_extras (
            deck_id TEXT NOT NULL,
            day TEXT NOT NULL,
            extra_new INTEGER NOT NULL,
            PRIMARY KEY (deck_id, day)
        ) WITHOUT ROWID;
        UPDATE decks SET content_hash = NULL;
        DELETE FROM deck_files;
        """,
    )


def _migration_8(connection: sqlite3.Connection) -> None:
    """Study history shared through a sync folder (`quiz.core.sync`).

    `sync_device` (one row once sync is set up): this device's id, its clock and the next
    sequence number of its events. `sync_folders`: the folders it syncs through, each
    for everything or for attempts only (a class folder), and how far this device's
    events have been written there. `sync_events`: every event this store knows, its own
    and the other devices', by id, the states before and after of a schedule change in
    columns of their own (`state_to_json` text, as the review log keeps them, so a chain
    of answers can be checked in SQL); `source` is `undo:EVENT` for an undo made here (each
    event is undone once), `imported` for an event read from the folder, NULL for the rest
    made here. `reviews.event_id`, `card_events.event_id` and `attempts.event_id` tie
    a local row to its event (row ids are reused after a delete; event ids never are): an
    own row without one is new since the last sync, an own event whose row is gone was
    undone since, and an imported answer or attempt is found again, never doubled.
    `sync_files`: how far each other device's file has been read.
    `sync_waiting`: cards with imported events but no row here yet (their deck not opened
    on this device), replayed by the first sync after they get one.
    """
    _run_script(
        connection,
        """
        CREATE TABLE sync_device (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            device TEXT NOT NULL,
            clock_wall INTEGER NOT NULL,
            clock_counter INTEGER NOT NULL,
            next_seq INTEGER NOT NULL
        );
        CREATE TABLE sync_folders (
            folder TEXT PRIMARY KEY,
            scope TEXT NOT NULL CHECK (scope IN ('all', 'attempts')),
            joined_at INTEGER NOT NULL,
            written_seq INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE sync_events (
            id TEXT PRIMARY KEY,
            device TEXT NOT NULL,
            seq INTEGER NOT NULL,
            wall_us INTEGER NOT NULL,
            counter INTEGER NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            deck_id TEXT,
            card_key TEXT,
            before_json TEXT,
            after_json TEXT,
            data_json TEXT NOT NULL,
            source TEXT
        ) WITHOUT ROWID;
        CREATE INDEX sync_events_card ON sync_events(deck_id, card_key)
            WHERE card_key IS NOT NULL;
        CREATE INDEX sync_events_source ON sync_events(source) WHERE source IS NOT NULL;
        CREATE INDEX sync_events_device ON sync_events(device, seq);
        CREATE TABLE sync_files (
            path TEXT PRIMARY KEY,
            device TEXT NOT NULL,
            offset INTEGER NOT NULL,
            read_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE sync_waiting (
            deck_id TEXT NOT NULL,
            card_key TEXT NOT NULL,
            PRIMARY KEY (deck_id, card_key)
        ) WITHOUT ROWID;
        ALTER TABLE reviews ADD COLUMN event_id TEXT;
        CREATE UNIQUE INDEX reviews_event ON reviews(event_id) WHERE event_id IS NOT NULL;
        ALTER TABLE attempts ADD COLUMN event_id TEXT;
        CREATE UNIQUE INDEX attempts_event ON attempts(event_id) WHERE event_id IS NOT NULL;
        ALTER TABLE card_events ADD COLUMN event_id TEXT;
        CREATE UNIQUE INDEX card_events_event ON card_events(event_id)
            WHERE event_id IS NOT NULL;
        """,
    )


def _migration_9(connection: sqlite3.Connection) -> None:
    """`sync_events` becomes a rowid table, and only undos are indexed by `source`.

    Keyed by its text id (`device:seq`, which does not sort in arrival order), the table
    put each ~450-byte row at a random place of its b-tree; a rowid table appends the rows
    and keeps only the id in the key's index. The `source` index held every imported
    event, though it is only searched for the undo of an event: it now holds the undos.
    Storing an event: 6.5 -> 5.1 us CPU (300k inserts alone); the 1M-event history of
    `tests/bench/bench_sync.py`: 45.5 -> 42.6 s CPU.
    """
    _run_script(
        connection,
        """
        ALTER TABLE sync_events RENAME TO sync_events_8;
        CREATE TABLE sync_events (
            id TEXT NOT NULL PRIMARY KEY,
            device TEXT NOT NULL,
            seq INTEGER NOT NULL,
            wall_us INTEGER NOT NULL,
            counter INTEGER NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            deck_id TEXT,
            card_key TEXT,
            before_json TEXT,
            after_json TEXT,
            data_json TEXT NOT NULL,
            source TEXT
        );
        INSERT INTO sync_events SELECT * FROM sync_events_8 ORDER BY device, seq;
        DROP TABLE sync_events_8;
        CREATE INDEX sync_events_card ON sync_events(deck_id, card_key)
            WHERE card_key IS NOT NULL;
        CREATE INDEX sync_events_undo ON sync_events(source) WHERE kind = 'undo';
        CREATE INDEX sync_events_device ON sync_events(device, seq);
        """,
    )


def _migration_10(connection: sqlite3.Connection) -> None:
    """`deferred_indexes`, and `sync_events_card` in replay order.

    `deferred_indexes`: the indexes a bulk write dropped, to be built after its rows. A
    first sync of a long history inserts about a million rows into `sync_events` and
    `reviews`; kept up row by row, their secondary indexes cost more than building them
    once, sorted, afterwards (`Database.indexes_deferred`). An index is dropped in the
    same transaction that records its `sql` here, and created again in the one that
    deletes the record, so a process killed in between leaves the record, and the next
    open of the store creates the index from it.

    `sync_events_card` ends with the replay order (`Event.order`), so the statements that
    check and write a card's chain of answers read its events in order instead of sorting
    them (a window over every event of a batch of cards).

    `sync_events_attempt` and `sync_events_sched` hold the few attempts and scheduler
    records: every sync looked for them by reading every event (three scans, ~0.7 s warm
    at a million events).
    """
    _run_script(
        connection,
        """
        CREATE TABLE deferred_indexes (
            name TEXT PRIMARY KEY,
            sql TEXT NOT NULL
        ) WITHOUT ROWID;
        DROP INDEX sync_events_card;
        CREATE INDEX sync_events_card
            ON sync_events(deck_id, card_key, wall_us, counter, device, seq)
            WHERE card_key IS NOT NULL;
        CREATE INDEX sync_events_attempt ON sync_events(kind) WHERE kind = 'attempt';
        CREATE INDEX sync_events_sched ON sync_events(kind) WHERE kind = 'sched';
        """,
    )


_UNLINKED_11 = """
        CREATE TRIGGER {table}_unlinked AFTER DELETE ON {table}
        WHEN old.event_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO sync_unlinked VALUES (old.event_id);
        END
"""

_RELINKED_11 = """
        CREATE TRIGGER {table}_relinked AFTER UPDATE OF event_id ON {table}
        WHEN old.event_id IS NOT NULL AND new.event_id IS NOT old.event_id
        BEGIN
            INSERT OR IGNORE INTO sync_unlinked VALUES (old.event_id);
        END
"""


def _migration_11(connection: sqlite3.Connection) -> None:
    """`sync_unlinked`: the events whose review or card-change row went (undone, or an
    amended grade's `event_id` cleared) since the last sync, kept by triggers.

    A sync turns this device's such events into undos. It found them by checking every
    event this device ever made against the review log (~0.75 s at a million); with the
    triggers it reads only these, whatever code path deleted the row. The table starts
    with what that search would find now, so nothing undone before the upgrade is missed.
    """
    connection.execute("CREATE TABLE sync_unlinked (event_id TEXT PRIMARY KEY) WITHOUT ROWID")
    for table in ("reviews", "card_events"):
        connection.execute(_UNLINKED_11.format(table=table))
        connection.execute(_RELINKED_11.format(table=table))
    connection.execute(
        "INSERT INTO sync_unlinked SELECT s.id FROM sync_events AS s"
        " WHERE s.device = (SELECT device FROM sync_device)"
        " AND s.kind NOT IN ('undo', 'attempt', 'sched')"
        " AND NOT EXISTS (SELECT 1 FROM reviews WHERE event_id = s.id)"
        " AND NOT EXISTS (SELECT 1 FROM card_events WHERE event_id = s.id)"
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
    _migration_10,
    _migration_11,
]
"""Migration N+1 turns schema N into N+1; append, never edit a released one."""

SCHEMA_VERSION = len(MIGRATIONS)

DEFERRED_INDEXES_SINCE = 10
"""The first schema version with `deferred_indexes` (migration 10)."""
