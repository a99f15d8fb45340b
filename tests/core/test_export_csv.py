"""CSV export: one row per question, readable in a spreadsheet, safe against formula cells."""

from __future__ import annotations

import csv
import io
from typing import Any

from quiz.core.interchange.csv_tsv import EXPORT_COLUMNS, export_csv, import_table
from quiz.core.models import Deck

QUESTIONS: list[dict[str, Any]] = [
    {"kind": "flashcard", "id": "f", "prompt": "Front", "answer": "Back", "tags": ["a", "b"]},
    {"kind": "short", "id": "s", "prompt": "Who?", "answer": "Ann", "accept": ["A.", "Anna"]},
    {"kind": "choice", "id": "c", "prompt": "Pick", "choices": ["x", "y"], "answer": "y"},
    {
        "kind": "multi",
        "id": "m",
        "prompt": "All",
        "choices": ["x", "y", "z"],
        "answers": ["x", "z"],
    },
    {"kind": "truefalse", "id": "t", "prompt": "True?", "answer": False},
    {
        "kind": "numeric",
        "id": "n",
        "prompt": "g?",
        "answer": 9.81,
        "tolerance": 0.1,
        "unit": "m/s²",
    },
    {"kind": "numeric", "id": "n2", "prompt": "Minus?", "answer": -5},
    {"kind": "cloze", "id": "z", "prompt": "Fill in", "text": "{{Paris|city}} is in {{France}}"},
    {"kind": "order", "id": "o", "prompt": "Sort", "items": ["1", "2", "3"]},
    {"kind": "match", "id": "p", "prompt": "Pair", "pairs": [["a", "1"], ["b", "2"]]},
    {
        "kind": "flashcard",
        "prompt": '=HYPERLINK("http://x")',
        "answer": "@SUM(A1)",
        "explanation": 'Line one\nline "two", with comma',
    },
]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_question_with_every_kind() -> None:
    deck = Deck.model_validate({"deck": {"id": "d", "title": "D"}, "questions": QUESTIONS})
    result = export_csv(deck)
    assert result.warnings == []
    table = rows(result.text)
    assert tuple(table[0]) == EXPORT_COLUMNS
    got = [(r["id"], r["kind"], r["prompt"], r["answer"], r["accept"], r["choices"]) for r in table]
    assert got[:10] == [
        ("f", "flashcard", "Front", "Back", "", ""),
        ("s", "short", "Who?", "Ann", "A. | Anna", ""),
        ("c", "choice", "Pick", "y", "", "x | y"),
        ("m", "multi", "All", "x | z", "", "x | y | z"),
        ("t", "truefalse", "True?", "false", "", ""),
        ("n", "numeric", "g?", "9.81 ± 0.1 m/s²", "", ""),
        ("n2", "numeric", "Minus?", "-5", "", ""),
        ("z", "cloze", "Fill in\n{{Paris|city}} is in {{France}}", "Paris | France", "", ""),
        ("o", "order", "Sort", "1 | 2 | 3", "", ""),
        ("p", "match", "Pair", "a = 1 | b = 2", "", ""),
    ]
    assert table[0]["tags"] == "a, b"


def test_formula_cells_are_defused_and_odd_text_survives() -> None:
    deck = Deck.model_validate({"deck": {"id": "d", "title": "D"}, "questions": QUESTIONS})
    last = rows(export_csv(deck).text)[-1]
    assert last["id"].startswith("h-")  # no id: the prompt hash that keys its history
    assert last["prompt"] == '\'=HYPERLINK("http://x")'
    assert last["answer"] == "'@SUM(A1)"
    assert last["explanation"] == 'Line one\nline "two", with comma'


def test_exported_flashcards_import_back() -> None:
    deck = Deck.model_validate({"deck": {"id": "d", "title": "D"}, "questions": QUESTIONS[:1]})
    result = import_table(export_csv(deck).text, deck_id="d", title="D")
    assert result.deck == deck
    assert [str(w) for w in result.warnings] == [
        "line 1: column 'kind' ignored",
        "line 1: column 'accept' ignored",
        "line 1: column 'choices' ignored",
    ]
