"""Results out of the study store: attempts as answer or summary rows, written as CSV or JSON.

A student writes their file with `quiz results -o NAME.csv` and hands it in; see
`records` for the columns and the file format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from quiz.core.interchange.deck_table import spreadsheet_cell
from quiz.core.results.records import FILE_FORMAT, FILE_VERSION, AnswerRow, SummaryRow

if TYPE_CHECKING:
    from quiz.core.storage import AttemptRecord, Store


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
        answers = [
            (
                a.position,
                a.question_key,
                dict(
                    response=_decoded(a.response_json),
                    correct=a.correct,
                    points=a.score,
                    max_points=a.points,
                    time_ms=a.duration_ms,
                    overruled=a.overruled,
                    checked_points=a.checked_score,
                    original_points=a.original_score,
                    original_correct=a.original_correct,
                    regraded=a.regraded,
                ),
            )
            for a in given
        ]
        answers += [
            (
                q.position,
                q.question_key,
                dict(response=None, correct=False, points=0.0, max_points=q.points, time_ms=None),
            )
            for q in store.attempt_questions(attempt.id)
            if q.position not in answered
        ]
        for _, question_id, fields in sorted(answers, key=lambda answer: answer[0]):
            rows.append(
                AnswerRow(
                    student=attempt.student or "",
                    deck_id=attempt.deck_id,
                    deck_hash=attempt.deck_hash or "",
                    attempt_id=attempt.id,
                    mode=attempt.mode,
                    started=attempt.started_at,
                    finished=attempt.finished_at,
                    attempt_max_score=attempt.max_score,
                    question_id=question_id,
                    **fields,  # type: ignore[arg-type]
                )
            )
    return rows


def _decoded(text: str | None) -> object:
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
