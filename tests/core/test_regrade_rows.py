"""Regrading rows of a result file: each kind's recorded response is checked again, the
learner's overrule and the teacher's hand mark stand, the first verdict is kept."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from quiz.core.models import Deck
from quiz.core.results.records import AnswerRow
from quiz.core.results.regrade import regraded_rows, response_for

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

DECK = Deck.model_validate(
    {
        "deck": {"id": "d", "title": "D"},
        "questions": [
            {"kind": "short", "id": "s", "prompt": "?", "answer": "Kyiv", "accept": ["Kiev"]},
            {"kind": "choice", "id": "c", "prompt": "?", "choices": ["a", "b"], "answer": "b"},
            {
                "kind": "multi",
                "id": "m",
                "prompt": "?",
                "choices": ["a", "b", "c"],
                "answers": ["a", "b"],
            },
            {"kind": "numeric", "id": "n", "prompt": "?", "answer": 10, "tolerance": 1},
            {"kind": "order", "id": "o", "prompt": "?", "items": ["1", "2", "3"]},
            {"kind": "match", "id": "p", "prompt": "?", "pairs": [["x", "1"], ["y", "2"]]},
            {"kind": "cloze", "id": "z", "text": "{{Paris}} and {{Rome}}"},
            {"kind": "truefalse", "id": "t", "prompt": "?", "answer": True},
            {"kind": "flashcard", "id": "f", "prompt": "?", "answer": "x"},
        ],
    }
)


def row(question_id: str, response: Any, correct: bool, points: float, **extra: Any) -> AnswerRow:
    return AnswerRow(
        "ann", "d", "", 1, "quiz", T0, T0, None, question_id, response, correct, points, 2.0,
        1000, **extra,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("question_id", "stored", "expected"),
    [
        ("s", "Kiev", "Kiev"),
        ("c", "b", "b"),
        ("m", '["a","b"]', ["a", "b"]),  # CSV: JSON text
        ("m", ["a", "b"], ["a", "b"]),  # JSON file: a list
        ("o", '["1","2","3"]', ["1", "2", "3"]),
        ("p", '{"x":"1","y":"2"}', {"x": "1", "y": "2"}),
        ("z", '["Paris","Rome"]', ["Paris", "Rome"]),
        ("t", "true", True),
        ("t", False, False),
        ("n", "10.5", "10.5"),
        ("m", "not json", None),
        ("p", '["x"]', None),
        ("s", "", None),
    ],
)
def test_a_stored_response_is_read_for_its_kind(
    question_id: str, stored: Any, expected: Any
) -> None:
    question = next(q for q in DECK.questions if q.id == question_id)
    assert response_for(question, stored) == expected


def test_every_kind_is_checked_again_on_the_points_of_the_attempt() -> None:
    rows = [
        row("s", "Kiev", False, 0),
        row("c", "b", False, 0),
        row("m", '["a","b"]', False, 0),
        row("n", "10.5", False, 0),
        row("o", '["1","2","3"]', False, 0),
        row("p", '{"x":"1","y":"2"}', False, 0),
        row("z", '["Paris","Rome"]', False, 0),
        row("t", "true", False, 0),
        row("f", "false", False, 0),  # self-graded: never re-checked
    ]
    out, changes = regraded_rows(rows, DECK)
    assert [c.question_id for c in changes] == ["s", "c", "m", "n", "o", "p", "z", "t"]
    assert all(r.points == 2.0 and r.correct and r.original_points == 0 for r in out[:8])
    assert out[8] == rows[8]


def test_an_overrule_stands_and_a_hand_mark_outlasts_a_later_regrade() -> None:
    overruled = row("s", "Kiev", True, 2.0, overruled=True, checked_points=0.0)
    out, changes = regraded_rows([overruled], DECK)
    assert changes == []
    assert (out[0].points, out[0].checked_points, out[0].overruled) == (2.0, 2.0, True)
    marked, _ = regraded_rows([row("s", "Kiev", True, 2.0)], DECK, {("ann", 1, "s"): False})
    assert (marked[0].correct, marked[0].points, marked[0].regraded) == (False, 0.0, "hand")
    again, changes = regraded_rows(marked, DECK)
    assert again == marked and changes == []
