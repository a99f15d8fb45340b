"""Results out of the study store: attempts as answer or summary rows, written as CSV or JSON.

A student writes their file with `quiz results -o NAME.csv` and hands it in; see
`records` for the columns and the file format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from quiz.core.interchange.deck_table import spreadsheet_cell
from quiz.core.results.records import FILE_FORMAT, FILE_VERSION, AnswerRow, SummaryRow

if TYPE_CHECKING:
    from quiz.core.storage import AttemptAnswer, AttemptRecord, Store


def _attempts(store: Store, deck_id: str | None, student: str | None) -> list[AttemptRecord]:
    return [a for a in store.attempts(deck_id) if student is None or a.student == student]


def answer_rows(
    store: Store, *, deck_id: str | None = None, student: str | None = None
) -> list[AnswerRow]:
    """Every question asked in every attempt (of one deck, of one student), oldest first.

    Unanswered questions get a row with no response, correct false and 0 points.
    """
    rows = []
    for attempt in _attempts(store, deck_id, student):
        given = store.attempt_answers(attempt.id)
        answered = {answer.position for answer in given}
        asked = [(a.position, answer_row(attempt, a)) for a in given]
        asked += [
            (q.position, _row(attempt, q.question_key, max_points=q.points, **_UNANSWERED))
            for q in store.attempt_questions(attempt.id)
            if q.position not in answered
        ]
        rows += [row for _, row in sorted(asked, key=lambda pair: pair[0])]
    return rows


_UNANSWERED: dict[str, Any] = {"response": None, "correct": False, "points": 0.0, "time_ms": None}
"""The row of a question an attempt asked and never had answered."""


def answer_row(attempt: AttemptRecord, answer: AttemptAnswer) -> AnswerRow:
    """One answer recorded in the study database, as a row of a result file."""
    return _row(
        attempt,
        answer.question_key,
        response=decoded_response(answer.response_json),
        correct=answer.correct,
        points=answer.score,
        max_points=answer.points,
        time_ms=answer.duration_ms,
        overruled=answer.overruled,
        checked_points=answer.checked_score,
        original_points=answer.original_score,
        original_correct=answer.original_correct,
        regraded=answer.regraded,
    )


def _row(attempt: AttemptRecord, question_id: str, **fields: Any) -> AnswerRow:
    return AnswerRow(
        student=attempt.student or "",
        deck_id=attempt.deck_id,
        deck_hash=attempt.deck_hash or "",
        attempt_id=attempt.id,
        mode=attempt.mode,
        started=attempt.started_at,
        finished=attempt.finished_at,
        attempt_max_score=attempt.max_score,
        question_id=question_id,
        **fields,
    )


def decoded_response(text: str | None) -> object:
    """The stored response as data; text that is not JSON (an older writer) stays text."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def summary_rows(
    store: Store,
    *,
    deck_id: str | None = None,
    student: str | None = None,
    pass_marks: Mapping[str, float] | None = None,
) -> list[SummaryRow]:
    """One row per attempt; `passed` by the attempt's stored pass mark, else by `pass_marks`
    (deck id -> percent, for attempts from before the store kept it).

    An unfinished attempt (abandoned, or still running) is scored by its answers so far.
    """
    marks = pass_marks or {}
    rows = []
    for attempt in _attempts(store, deck_id, student):
        answers = store.attempt_answers(attempt.id)
        score = attempt.score
        if score is None or attempt.finished_at is None:
            score = sum(answer.score for answer in answers)
        maximum = attempt.max_score
        if maximum is None:  # unfinished: what it asked, else (schema 1) what was answered
            asked = store.attempt_questions(attempt.id)
            maximum = sum(q.points for q in asked) if asked else sum(a.points for a in answers)
        mark = attempt.pass_mark if attempt.pass_mark is not None else marks.get(attempt.deck_id)
        percent = 100.0 * score / maximum if maximum else None
        rows.append(
            SummaryRow(
                student=attempt.student or "",
                deck_id=attempt.deck_id,
                deck_hash=attempt.deck_hash or "",
                attempt_id=attempt.id,
                mode=attempt.mode,
                started=attempt.started_at,
                finished=attempt.finished_at,
                answered=len(answers),
                score=float(score),
                max_score=float(maximum),
                passed=None if mark is None or percent is None else percent >= mark,
            )
        )
    return rows


def _text(value: object) -> str:
    """A value as CSV text: empty for None, true/false, integral floats without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return spreadsheet_cell(str(value))


def to_csv(columns: Sequence[str], records: Iterable[Mapping[str, object]]) -> str:
    """A CSV table (RFC 4180 line ends) with a header row; see `_text` for the cells."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_text(record[column]) for column in columns])
    return buffer.getvalue()


def to_json(kind: Literal["answers", "summary"], records: Sequence[Mapping[str, object]]) -> str:
    """A result file as JSON, one row per line (diffable; errors can name the line)."""
    head = json.dumps({"format": FILE_FORMAT, "version": FILE_VERSION, "kind": kind})[:-1]
    if not records:
        return f'{head}, "rows": []}}\n'
    body = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return f'{head}, "rows": [\n{body}\n]}}\n'
