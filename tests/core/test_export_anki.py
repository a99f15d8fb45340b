"""Anki export: a valid .apkg whose notes keep their GUIDs across exports."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import genanki
import pytest

from quiz.core.cards import question_identity
from quiz.core.deckfile.loading import load_deck
from quiz.core.interchange.anki import anki_deck_id, export_anki
from quiz.core.models import Deck

ROOT = Path(__file__).parents[2]

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "flashcard",
        "id": "f",
        "prompt": "<b>Front</b>",
        "answer": "Back\nline 2",
        "tags": ["human rights"],
        "explanation": "Why & how",
    },
    {"kind": "flashcard", "id": "r", "prompt": "Hund", "answer": "dog", "reverse": True},
    {"kind": "short", "id": "s", "prompt": "Who?", "answer": "Ann", "accept": ["Anna"]},
    {"kind": "choice", "id": "c", "prompt": "Pick", "choices": ["x", "y"], "answer": "y"},
    {"kind": "cloze", "id": "z", "text": "{{Paris|city}} is in {{France}} <3"},
    {"kind": "truefalse", "prompt": "No id?", "answer": True},
]


def read_package(path: Path) -> dict[str, Any]:
    """Notes (by GUID), card count and note types from an .apkg's SQLite collection."""
    with zipfile.ZipFile(path) as package:
        assert "collection.anki2" in package.namelist()
        db_path = path.with_suffix(".anki2")
        db_path.write_bytes(package.read("collection.anki2"))
    db = sqlite3.connect(db_path)
    try:
        notes = {
            guid: {"fields": flds.split("\x1f"), "tags": tags.split(), "mid": mid}
            for guid, flds, tags, mid in db.execute("SELECT guid, flds, tags, mid FROM notes")
        }
        cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
        models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
        decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    finally:
        db.close()
    return {"notes": notes, "cards": cards, "models": models, "decks": decks}


@pytest.fixture
def deck() -> Deck:
    return Deck.model_validate({"deck": {"id": "demo", "title": "Demo"}, "questions": QUESTIONS})


def test_package_holds_the_expected_notes(deck: Deck, tmp_path: Path) -> None:
    warnings = export_anki(deck, tmp_path / "demo.apkg")
    package = read_package(tmp_path / "demo.apkg")
    notes = package["notes"]
    assert set(notes) == {
        genanki.guid_for("demo", key)
        for key in ("f", "r", "s", "c", "z", question_identity(deck.questions[5]))
    }
    front = notes[genanki.guid_for("demo", "f")]
    assert front["fields"] == ["&lt;b&gt;Front&lt;/b&gt;", "Back<br>line 2", "Why &amp; how"]
    assert front["tags"] == ["human_rights"]
    cloze = notes[genanki.guid_for("demo", "z")]
    assert cloze["fields"][0] == "{{c1::Paris::city}} is in {{c2::France}} &lt;3"
    choice = notes[genanki.guid_for("demo", "c")]
    assert choice["fields"][0] == 'Pick<ol type="A" class="choices"><li>x</li><li>y</li></ol>'
    # flashcards 1 + reversed 2 + short 1 + choice 1 + cloze 2 blanks + truefalse 1
    assert package["cards"] == 8
    names = {model["name"] for model in package["models"].values()}
    assert {"quiz Basic", "quiz Basic (and reversed card)", "quiz Cloze"} <= names
    assert str(anki_deck_id("demo")) in package["decks"]
    assert [str(w) for w in warnings] == [
        "Anki checks no answers: 1 short, 1 choice, 1 truefalse question(s) become "
        "self-graded front/back cards"
    ]


def test_guids_and_ids_are_stable_across_exports(tmp_path: Path) -> None:
    deck = load_deck(ROOT / "decks" / "belarus-prisoner-release-2025.toml")
    export_anki(deck, tmp_path / "one.apkg")
    export_anki(deck, tmp_path / "two.apkg")
    one, two = read_package(tmp_path / "one.apkg"), read_package(tmp_path / "two.apkg")
    assert len(one["notes"]) == len(deck.questions)
    assert {g: n["fields"] for g, n in one["notes"].items()} == {
        g: n["fields"] for g, n in two["notes"].items()
    }
    assert {g: n["mid"] for g, n in one["notes"].items()} == {
        g: n["mid"] for g, n in two["notes"].items()
    }
    assert set(one["decks"]) == set(two["decks"])
    assert genanki.guid_for(deck.deck.id, "who-was-released") in one["notes"]


def test_markdown_decks_are_flagged(tmp_path: Path) -> None:
    deck = Deck.model_validate(
        {"deck": {"id": "md", "title": "MD", "format": "markdown"}, "questions": QUESTIONS[:1]}
    )
    warnings = export_anki(deck, tmp_path / "md.apkg")
    assert [str(w) for w in warnings] == ["Markdown is written as plain text: Anki fields are HTML"]
