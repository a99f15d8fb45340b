"""`Store` methods for quiz and exam attempts: what was asked, each answer, and the score.

An attempt is written as it goes (its questions when it starts, each answer when
given), so an abandoned quiz keeps what was answered and an unanswered question
still counts as asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from quiz.core.storage.connection import Database, decks_filter
from quiz.core.storage.encoding import to_us
from quiz.core.storage.records import (
    ANSWER_COLUMNS,
    ATTEMPT_COLUMNS,
    AttemptAnswer,
    AttemptQuestion,
    AttemptRecord,
    AttemptScore,
    answer_from_row,
    attempt_from_row,
)
from quiz.core.storage.reviews import ReviewAmendment, amend_review
from quiz.errors import StoreError

_ANSWERED = "(SELECT count(*) FROM attempt_answers AS r WHERE r.attempt_id = a.id)"
"""How many questions attempt `a` answered (SQL)."""


class AttemptMethods(Database):
    """Attempts: start, answer and finish one; read them back for results and the library."""

    def start_attempt(
        self,
        deck_id: str,
        *,
        mode: Literal["quiz", "exam"],
        started_at: datetime,
        deck_hash: str | None = None,
        student: str | None = None,
        seed: int | None = None,
        questions: Sequence[tuple[str, float]] = (),
        pass_mark: float | None = None,
    ) -> int:
        """Record the start of a quiz or exam on a reconciled deck; returns the attempt id.

        `questions` are the (question key, points) asked, in order, stored with the
        attempt in one transaction: a question never answered still counts as asked.
        """
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO attempts (deck_id, deck_hash, student, mode, seed, started_at,"
                " pass_mark) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (deck_id, deck_hash, student, mode, seed, to_us(started_at), pass_mark),
            )
            attempt_id = cursor.lastrowid
            assert attempt_id is not None
            db.executemany(
                "INSERT INTO attempt_questions (attempt_id, position, question_key, points)"
                " VALUES (?, ?, ?, ?)",
                [
                    (attempt_id, position, key, points)
                    for position, (key, points) in enumerate(questions)
                ],
            )
        return attempt_id

    def record_attempt_answer(
        self,
        attempt_id: int,
        *,
        position: int,
        question_key: str,
        response_json: str | None,
        correct: bool | None,
        score: float,
        points: float,
        answered_at: datetime,
        duration_ms: int | None = None,
    ) -> None:
        """Save (or replace) the answer at `position` of an attempt, committed at once."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO attempt_answers (attempt_id, position, question_key,"
                " response_json, correct, score, points, answered_at, duration_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    attempt_id,
                    position,
                    question_key,
                    response_json,
                    None if correct is None else int(correct),
                    score,
                    points,
                    to_us(answered_at),
                    duration_ms,
                ),
            )

    def overrule_attempt_answer(
        self,
        attempt_id: int,
        position: int,
        *,
        right: bool,
        score: float,
        reviews: Sequence[ReviewAmendment] = (),
    ) -> None:
        """The learner's last word on an answer: set its verdict to `right` with `score`,
        keeping the checker's score beside it (or dropping it when the learner turns back to
        the checker's verdict), and correct the review rows that answer wrote (a quiz under
        `--schedule`) with their new grade and state, all in one transaction.

        Raises `StoreConflict` when a card was answered again since (its newest review is
        not the one to correct, or its state changed): nothing is written then.
        """
        with self._write() as db:
            row = db.execute(
                "SELECT correct, score, overruled, checked_score FROM attempt_answers"
                " WHERE attempt_id = ? AND position = ?",
                (attempt_id, position),
            ).fetchone()
            if row is None:
                raise StoreError(f"attempt {attempt_id} has no answer at position {position}")
            checked_score = row[3] if row[2] else row[1]
            checked_right = bool(row[0]) != bool(row[2])
            back = right == checked_right
            db.execute(
                "UPDATE attempt_answers SET correct = ?, score = ?, overruled = ?,"
                " checked_score = ? WHERE attempt_id = ? AND position = ?",
                (
                    int(right),
                    score,
                    int(not back),
                    None if back else checked_score,
                    attempt_id,
                    position,
                ),
            )
            for amendment in reviews:
                amend_review(db, amendment)

    def regrade_attempt_answer(
        self,
        attempt_id: int,
        position: int,
        *,
        correct: bool,
        score: float,
        how: Literal["key", "hand"],
    ) -> None:
        """A teacher's new verdict on an answer, after the attempt: `key` (re-checked against a
        corrected answer key; an answer the learner overruled keeps their call, and only the
        checker's score beside it changes) or `hand` (the teacher's mark, over everything).
        The first verdict is kept in `original_score` / `original_correct`, and a finished
        attempt's score is summed again, in one transaction."""
        with self._write() as db:
            row = db.execute(
                "SELECT correct, score, overruled FROM attempt_answers"
                " WHERE attempt_id = ? AND position = ?",
                (attempt_id, position),
            ).fetchone()
            if row is None:
                raise StoreError(f"attempt {attempt_id} has no answer at position {position}")
            db.execute(
                "UPDATE attempt_answers SET original_score = coalesce(original_score, score),"
                " original_correct = coalesce(original_correct, correct), regraded = ?"
                " WHERE attempt_id = ? AND position = ?",
                (how, attempt_id, position),
            )
            if how == "key" and row[2]:
                db.execute(
                    "UPDATE attempt_answers SET checked_score = ?"
                    " WHERE attempt_id = ? AND position = ?",
                    (score, attempt_id, position),
                )
            else:
                db.execute(
                    "UPDATE attempt_answers SET correct = ?, score = ?, overruled = 0,"
                    " checked_score = NULL WHERE attempt_id = ? AND position = ?",
                    (int(correct), score, attempt_id, position),
                )
            db.execute(
                "UPDATE attempts SET score = (SELECT coalesce(sum(score), 0) FROM"
                " attempt_answers WHERE attempt_id = attempts.id)"
                " WHERE id = ? AND finished_at IS NOT NULL",
                (attempt_id,),
            )

    def finish_attempt(
        self, attempt_id: int, *, finished_at: datetime, max_score: float | None = None
    ) -> AttemptRecord:
        """Close an attempt; its score is the sum of its answers' scores.

        `max_score` defaults to the sum of the answered questions' points; pass the
        deck's total when unanswered questions count (an exam that ran out of time).
        """
        with self._write() as db:
            total, points = db.execute(
                "SELECT coalesce(sum(score), 0), coalesce(sum(points), 0)"
                " FROM attempt_answers WHERE attempt_id = ?",
                (attempt_id,),
            ).fetchone()
            cursor = db.execute(
                "UPDATE attempts SET finished_at = ?, score = ?, max_score = ? WHERE id = ?",
                (to_us(finished_at), total, points if max_score is None else max_score, attempt_id),
            )
            if cursor.rowcount != 1:
                raise StoreError(f"attempt {attempt_id} does not exist")
            row = db.execute(
                f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,)
            ).fetchone()
        return attempt_from_row(row)

    def discard_attempt(self, attempt_id: int) -> None:
        """Delete an unfinished attempt that has no answer (a quiz left before its first
        answer), so that results, the library's last score and stats never count it.

        Raises `StoreError` when the attempt is finished or has an answer: those are kept.
        """
        with self._write() as db:
            cursor = db.execute(
                "DELETE FROM attempts WHERE id = ? AND finished_at IS NULL AND NOT EXISTS"
                " (SELECT 1 FROM attempt_answers WHERE attempt_id = attempts.id)",
                (attempt_id,),
            )
            if cursor.rowcount != 1:
                raise StoreError(f"attempt {attempt_id} is finished, answered or missing")

    def attempt(self, attempt_id: int) -> AttemptRecord | None:
        """One attempt."""
        row = self._one(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,))
        return None if row is None else attempt_from_row(row)

    def attempts(self, deck_id: str | None = None) -> list[AttemptRecord]:
        """Attempts, oldest first, of one deck or of all."""
        deck_sql, deck_params = decks_filter(None if deck_id is None else [deck_id])
        rows = self._rows(
            f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE {deck_sql} ORDER BY started_at, id",
            deck_params,
        )
        return [attempt_from_row(row) for row in rows]

    def attempt_answers(self, attempt_id: int) -> list[AttemptAnswer]:
        """The answers of an attempt, by position."""
        rows = self._rows(
            f"SELECT {ANSWER_COLUMNS} FROM attempt_answers WHERE attempt_id = ? ORDER BY position",
            (attempt_id,),
        )
        return [answer_from_row(row) for row in rows]

    def attempt_questions(self, attempt_id: int) -> list[AttemptQuestion]:
        """The questions an attempt asked, by position (none for a schema-1 attempt)."""
        rows = self._rows(
            "SELECT attempt_id, position, question_key, points FROM attempt_questions"
            " WHERE attempt_id = ? ORDER BY position",
            (attempt_id,),
        )
        return [AttemptQuestion(*row) for row in rows]

    def last_finished_percents(self, deck_ids: Sequence[str] | None = None) -> dict[str, float]:
        """Deck id -> percent of its latest finished full attempt, in one grouped query.

        For the library, which shows it beside every deck: one pass over `attempts`
        (SQLite's bare-column `max()` picks the row of the latest finish). Only a full
        attempt counts, one that answered every question of the deck as the store knows
        it (`decks.question_count`, `AttemptScore.full`); counting an attempt's answers is
        a range of the `attempt_answers` primary key. Decks without a finished full
        attempt (or whose latest is worth 0 points) are left out.
        """
        deck_sql, deck_params = decks_filter(deck_ids, "a.deck_id")
        rows = self._rows(
            "SELECT a.deck_id, a.score, a.max_score, max(a.finished_at)"
            " FROM attempts AS a JOIN decks AS d ON d.id = a.deck_id"
            f" WHERE a.finished_at IS NOT NULL AND {deck_sql}"
            f" AND {_ANSWERED} >= d.question_count"
            " GROUP BY a.deck_id",
            deck_params,
        )
        return {
            deck_id: 100.0 * (score or 0.0) / maximum
            for deck_id, score, maximum, _ in rows
            if maximum
        }

    def recent_scores(self, deck_id: str, limit: int) -> list[AttemptScore]:
        """The latest `limit` finished attempts of a deck worth points, oldest first, each
        saying whether it was full (the deck page labels the others)."""
        rows = self._rows(
            f"SELECT a.score, a.max_score, {_ANSWERED}, d.question_count"
            " FROM attempts AS a JOIN decks AS d ON d.id = a.deck_id"
            " WHERE a.deck_id = ? AND a.finished_at IS NOT NULL AND a.max_score > 0"
            " ORDER BY a.finished_at DESC, a.id DESC LIMIT ?",
            (deck_id, limit),
        )
        return [
            AttemptScore(100.0 * (score or 0.0) / maximum, answered, questions)
            for score, maximum, answered, questions in reversed(rows)
        ]
