"""`quiz cards` through the real CLI: listing as JSON and as a table, every action flag with
its undo, and wrong arguments as usage errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quiz.cli import main

DECK = """\
[deck]
id = "geo"
title = "Geography \\u001b[31m"

[[questions]]
id = "fr"
kind = "flashcard"
prompt = "Capital of [bold]France[/]?"
answer = "Paris"
tags = ["europe"]

[[questions]]
id = "ke"
kind = "short"
prompt = "Capital of Kenya?"
answer = "Nairobi"
tags = ["africa"]

[[questions]]
id = "eg"
kind = "short"
prompt = "Capital of Egypt? \\u001b]52;c;SGVsbG8=\\u0007"
answer = "Cairo"
tags = ["africa"]
"""

FIELDS = {
    "deck_id",
    "deck_title",
    "card_key",
    "kind",
    "prompt",
    "answer",
    "tags",
    "state",
    "due",
    "due_day",
    "interval_days",
    "reps",
    "lapses",
    "retrievability",
    "suspended",
    "buried_until",
    "flag",
    "leech",
    "orphaned",
    "created",
}


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "geo.toml"
    path.write_text(DECK)
    return path


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), "cards", *args])


def listed(db: Path, *args: str) -> list[dict[str, object]]:
    result = run(db, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    cards: list[dict[str, object]] = json.loads(result.output)
    return cards


def test_a_deck_file_is_read_and_its_cards_listed_as_json(deck: Path, tmp_path: Path) -> None:
    cards = listed(tmp_path / "q.sqlite3", str(deck))
    assert [card["card_key"] for card in cards] == ["fr", "ke", "eg"]
    assert all(set(card) == FIELDS for card in cards)
    first = cards[0]
    assert first["prompt"] == "Capital of [bold]France[/]?"
    assert (first["state"], first["due"], first["flag"], first["tags"]) == (
        "new",
        None,
        None,
        ["europe"],
    )


def test_search_sort_and_limit(deck: Path, tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite3"
    assert [c["card_key"] for c in listed(db, str(deck), "--search", "tag:africa")] == ["ke", "eg"]
    by_prompt = listed(db, "geo", "--sort", "prompt", "--reverse", "--limit", "2")
    assert [c["card_key"] for c in by_prompt] == ["ke", "eg"]
    assert listed(db, "--search", "nairo") == listed(db, "--search", "kind:short tag:africa")[:1]


@pytest.mark.parametrize(
    ("flags", "said", "field", "value"),
    [
        (["--suspend"], "suspended", "suspended", True),
        (["--bury"], "buried", "buried_until", "tomorrow"),
        (["--flag", "purple"], "flagged", "flag", "purple"),
    ],
)
def test_each_action_then_its_undo(
    deck: Path, tmp_path: Path, flags: list[str], said: str, field: str, value: object
) -> None:
    db = tmp_path / "q.sqlite3"
    run(db, str(deck))
    result = run(db, "--search", "tag:africa", *flags)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{said} 2 cards; undo with: quiz cards --undo ")
    africa = listed(db, "--search", "tag:africa")
    if value == "tomorrow":
        assert all(card[field] is not None for card in africa)
    else:
        assert all(card[field] == value for card in africa)
    assert all(card[field] in (False, None) for card in listed(db, "--search", "tag:europe"))

    batch = result.output.rsplit("--undo ", 1)[1].strip()
    undone = run(db, "--undo", batch)
    assert undone.exit_code == 0 and "2 cards" in undone.output
    assert all(card[field] in (False, None) for card in listed(db, "--search", "tag:africa"))


def test_unsuspend_unbury_forget_and_set_due_report_what_they_changed(
    deck: Path, tmp_path: Path
) -> None:
    db = tmp_path / "q.sqlite3"
    run(db, str(deck), "--search", "tag:africa", "--suspend")
    assert run(db, "--search", "is:suspended", "--unsuspend").output.startswith(
        "unsuspended 2 cards"
    )
    assert run(db, "--unbury").output == "unburied 0 cards (3 left as they were)\n"
    assert run(db, "--forget").output.startswith("forgot 0 cards")  # new cards: nothing to do
    result = run(db, "--set-due", "tomorrow")
    assert result.output == "rescheduled 0 cards (3 left as they were)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--search", "is:sleepy"], "unknown state 'is:sleepy'"),
        (["--flag", "pink"], "unknown flag 'pink'"),
        (["--set-due", "yesterday"], "is not a due day"),
        (["--sort", "colour"], "Invalid value for '--sort'"),
        (["--limit", "-1"], "Invalid value for '--limit'"),
        (["--suspend", "--forget"], "one action at a time"),
        (["--undo", "3", "--search", "x"], "--undo takes no deck"),
        (["nosuchdeck"], "no deck file or studied deck id 'nosuchdeck'"),
    ],
)
def test_wrong_arguments_are_usage_errors(
    deck: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    db = tmp_path / "q.sqlite3"
    run(db, str(deck))
    result = run(db, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_broken_deck_file_is_a_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[deck]\nid = "x"\n')
    result = run(tmp_path / "q.sqlite3", str(broken))
    assert result.exit_code == 2 and "broken.toml" in result.output


def test_no_database_yet_says_so(tmp_path: Path) -> None:
    result = run(tmp_path / "q.sqlite3")
    assert result.exit_code == 1
    assert "no study database" in result.output
    assert not (tmp_path / "q.sqlite3").exists()


def test_undoing_twice_says_it_is_done(deck: Path, tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite3"
    batch = run(db, str(deck), "--suspend").output.rsplit("--undo ", 1)[1].strip()
    assert run(db, "--undo", batch).exit_code == 0
    again = run(db, "--undo", batch)
    assert again.exit_code == 1 and "already undone" in again.output


def test_the_table_shows_deck_text_literally(deck: Path, tmp_path: Path) -> None:
    result = run(tmp_path / "q.sqlite3", str(deck))
    assert result.exit_code == 0
    assert "Capital of [bold]France[" in result.output  # cut to the column, not styled
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert result.output.rstrip().endswith("3 cards")
