"""Each part of a multi, cloze, order or match answer is marked, with what belongs there."""

from __future__ import annotations

import pytest

from quiz.core.checking import MarkedRow, Response, check
from quiz.core.models import Cloze, DeckMeta, Match, MultipleChoice, Order, Question

DECK = DeckMeta(id="d", title="D")

MULTI = MultipleChoice(
    id="m", kind="multi", prompt="Capitals?", choices=["Paris", "Lyon", "Rome", "Milan"],
    answers=["Paris", "Rome"],
)  # fmt: skip
ORDER = Order(id="o", kind="order", prompt="Order", items=["a", "b", "c", "d"])
MATCH = Match(id="x", kind="match", prompt="Match", pairs=[["France", "Paris"], ["Italy", "Rome"]])
CLOZE = Cloze(id="c", kind="cloze", text="{{Paris}} is in {{France}}.")

CASES: list[tuple[Question, Response, list[MarkedRow]]] = [
    (MULTI, ["Paris", "Rome"], [MarkedRow("Paris", True), MarkedRow("Rome", True)]),
    (
        MULTI,
        ["Paris", "Lyon"],
        [
            MarkedRow("Paris", True),
            MarkedRow("Lyon", False, "not a right choice"),
            MarkedRow("Rome", False, "missed"),
        ],
    ),
    (MULTI, [], [MarkedRow("Paris", False, "missed"), MarkedRow("Rome", False, "missed")]),
    (
        ORDER,
        ["b", "a", "c", "d"],
        [
            MarkedRow("b", False, "belongs 2nd"),
            MarkedRow("a", False, "belongs 1st"),
            MarkedRow("c", True),
            MarkedRow("d", True),
        ],
    ),
    (
        ORDER,
        ["d", "b", "c", "a"],
        [
            MarkedRow("d", False, "belongs 4th"),
            MarkedRow("b", True),
            MarkedRow("c", True),
            MarkedRow("a", False, "belongs 1st"),
        ],
    ),
    (
        MATCH,
        {"France": "Rome", "Italy": "Rome"},
        [MarkedRow("France → Rome", False, "Paris"), MarkedRow("Italy → Rome", True)],
    ),
    (
        MATCH,
        {"Italy": "Rome"},
        [MarkedRow("France → ?", False, "Paris"), MarkedRow("Italy → Rome", True)],
    ),
    (CLOZE, ["paris", "Spain"], [MarkedRow("paris", True), MarkedRow("Spain", False, "France")]),
    (CLOZE, ["Paris"], [MarkedRow("Paris", True), MarkedRow("(empty)", False, "France")]),
    (CLOZE, ["  ", "France"], [MarkedRow("(empty)", False, "Paris"), MarkedRow("France", True)]),
]


@pytest.mark.parametrize(("question", "response", "rows"), CASES)
def test_each_part_is_marked_with_what_belongs_there(
    question: Question, response: Response, rows: list[MarkedRow]
) -> None:
    result = check(question, response, DECK)
    assert list(result.rows) == rows
    assert result.correct == all(row.right for row in rows)


def test_ordinals_past_ten() -> None:
    items = [f"i{n}" for n in range(1, 24)]
    question = Order(id="o", kind="order", prompt="Order", items=items)
    result = check(question, list(reversed(items)), DECK)
    corrections = [row.correction for row in result.rows]
    assert corrections[:3] == ["belongs 23rd", "belongs 22nd", "belongs 21st"]
    assert "belongs 11th" in corrections and "belongs 12th" not in corrections  # 12th is right
    assert "belongs 13th" in corrections
