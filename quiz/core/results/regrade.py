"""Regrading after a teacher fixes an answer key or adds `accept`s: every recorded answer to
the deck's questions checked again with the deck as it is now, and answers marked right or
wrong by hand (the exam counterpart of a learner's overrule).

It works on result files students handed in (`regraded_rows`, on `AnswerRow`s) and on the
attempts of the study database (`regrade_store`) alike. The first verdict is kept beside
the new one (`original_points`, `original_correct`), and every change is listed
(`Change`). Self-graded flashcards are never re-checked (only marked by hand); an answer
the learner overruled keeps their call, and only the checker's points beside it change;
an answer marked by hand keeps the teacher's mark until they mark it again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from quiz.core.cards import question_identity
from quiz.core.checking import Response, check
from quiz.core.models import Deck, Flashcard, Question, TrueFalse
from quiz.core.results.export import answer_row
from quiz.core.results.records import AnswerRow
from quiz.core.storage import Store

MarkKey = tuple[str, int, str]
"""(student, attempt id, question id): which answer a teacher marks by hand."""


@dataclass(frozen=True, slots=True)
class Change:
    """One answer whose verdict changed."""

    student: str
    deck_id: str
    attempt_id: int
    question_id: str
    was_correct: bool | None
    correct: bool
    was_points: float
    points: float
    max_points: float
    how: Literal["key", "hand"]

    @classmethod
    def of(
        cls, row: AnswerRow, correct: bool, points: float, how: Literal["key", "hand"]
    ) -> Change:
        """The change from `row`'s verdict to a new one."""
        return cls(
            row.student, row.deck_id, row.attempt_id, row.question_id, row.correct, correct,
            row.points, points, row.max_points, how,
        )  # fmt: skip

    def __str__(self) -> str:
        who = f"{self.student}:{self.attempt_id}:{self.question_id}"  # as --mark takes it
        verdict = f"{_verdict(self.was_correct)} -> {_verdict(self.correct)}"
        was, now, of = (_number(v) for v in (self.was_points, self.points, self.max_points))
        score = f"{was} -> {now} of {of}"
        by = "marked by hand" if self.how == "hand" else "answer key"
        return f"{who}: {verdict} ({score}; {by})"


def _verdict(correct: bool | None) -> str:
    return "right" if correct else "wrong"


def _number(value: float) -> str:
    return f"{value:g}"


def response_for(question: Question, raw: object) -> Response | None:
    """A recorded response as `check` takes it for `question`'s kind; None when there is
    none or it cannot be one (a CSV file writes lists and mappings as JSON text)."""
    if raw is None or raw == "":
        return None
    if isinstance(question, Flashcard | TrueFalse):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        return {"true": True, "false": False}.get(text)
    if question.kind in ("multi", "order", "cloze", "match") and isinstance(raw, str):
        text = raw
        try:
            raw = json.loads(text)
        except (ValueError, RecursionError):
            return text if question.kind == "cloze" else None  # a one-blank cloze as text
    if question.kind == "match":
        if isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
            return {str(key): str(value) for key, value in raw.items()}
        return None
    if question.kind in ("multi", "order", "cloze"):
        if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            return [str(item) for item in raw]
        if isinstance(raw, str) and question.kind == "cloze":
            return raw
        return None
    return raw if isinstance(raw, str) else None


def _checked(
    question: Question, raw: object, deck: Deck, max_points: float
) -> tuple[bool, float] | None:
    """The verdict and points the deck as it is now gives `raw`, scaled to the points the
    question was worth in the attempt; None for what cannot be re-checked."""
    response = response_for(question, raw)
    if response is None or isinstance(question, Flashcard):
        return None
    result = check(question, response, deck.deck)
    share = result.score / result.points if result.points else 0.0
    return result.correct, share * max_points


def questions_by_id(deck: Deck) -> dict[str, Question]:
    """The deck's questions by the id results name them with (`question_identity`)."""
    return {question_identity(question): question for question in deck.questions}


def regraded_rows(
    rows: Sequence[AnswerRow], deck: Deck, marks: Mapping[MarkKey, bool] = {}
) -> tuple[list[AnswerRow], list[Change]]:
    """The rows of a result file regraded against `deck` (rows of other decks unchanged),
    with `marks` applied, and the changes."""
    questions = questions_by_id(deck)
    out: list[AnswerRow] = []
    changes: list[Change] = []
    for row in rows:
        question = questions.get(row.question_id) if row.deck_id == deck.deck.id else None
        mark = marks.get((row.student, row.attempt_id, row.question_id))
        if row.deck_id != deck.deck.id or (question is None and mark is None):
            out.append(row)
            continue
        new = _new_verdict(row, question, deck, mark)
        if new is None:
            out.append(row)
            continue
        correct, points, how = new
        if how == "key" and row.overruled:  # the learner's call stands; the checker's moves
            out.append(replace(row, checked_points=points))
            continue
        if (correct, points) == (row.correct, row.points):
            out.append(row)
            continue
        changes.append(Change.of(row, correct, points, how))
        out.append(
            replace(
                row,
                correct=correct,
                points=points,
                overruled=False if how == "hand" else row.overruled,
                checked_points=None if how == "hand" else row.checked_points,
                original_points=row.points if row.original_points is None else row.original_points,
                original_correct=row.correct if row.regraded is None else row.original_correct,
                regraded=how,
            )
        )
    return out, changes


def _new_verdict(
    row: AnswerRow, question: Question | None, deck: Deck, mark: bool | None
) -> tuple[bool, float, Literal["key", "hand"]] | None:
    if mark is not None:
        return mark, row.max_points if mark else 0.0, "hand"
    if question is None or row.response is None or row.regraded == "hand":
        return None  # a teacher's mark by hand stands until they mark the answer again
    checked = _checked(question, row.response, deck, row.max_points)
    return None if checked is None else (*checked, "key")


def regrade_store(store: Store, deck: Deck, marks: Mapping[MarkKey, bool] = {}) -> list[Change]:
    """Regrade every answer recorded in the study database to `deck`'s questions (see the
    module docstring); each answer's new verdict is committed as it is made."""
    questions = questions_by_id(deck)
    changes: list[Change] = []
    for attempt in store.attempts(deck.deck.id):
        student = attempt.student or ""
        for answer in store.attempt_answers(attempt.id):
            row = answer_row(attempt, answer)
            mark = marks.get((student, attempt.id, answer.question_key))
            new = _new_verdict(row, questions.get(answer.question_key), deck, mark)
            if new is None:
                continue
            correct, points, how = new
            if how == "key" and answer.overruled:
                if points != answer.checked_score:  # the learner's call stands
                    store.regrade_attempt_answer(
                        attempt.id, answer.position, correct=correct, score=points, how=how
                    )
                continue
            if (correct, points) == (answer.correct, answer.score):
                continue
            store.regrade_attempt_answer(
                attempt.id, answer.position, correct=correct, score=points, how=how
            )
            changes.append(Change.of(row, correct, points, how))
    return changes
