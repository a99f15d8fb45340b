"""`quiz spread DECK --days N`: the plan printed, applied as one undoable action, undone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quiz.cli import main
from quiz.core.card_state import CardState, Phase
from quiz.core.storage import Store

NOW = datetime.now(timezone.utc).replace(microsecond=0)
"""The command reads the system clock: the cards are made overdue relative to it."""
KEYS = [f"q{n}" for n in range(6)]
DECK = '[deck]\nid = "geo"\ntitle = "Geo"\n' + "".join(
    f'\n[[questions]]\nid = "{key}"\nkind = "flashcard"\nprompt = "{key}?"\nanswer = "a"\n'
    for key in KEYS
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "geo.toml"
    path.write_text(DECK, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Five overdue review cards (the higher the number, the stronger) and one new card."""
    path = tmp_path / "quiz.sqlite3"
    with Store.open(path, now=NOW) as store:
        store.reconcile_deck(
            "geo", title="Geo", path=None, content_hash=None, card_keys=KEYS,
            question_count=len(KEYS), now=NOW,
        )  # fmt: skip
        for n, key in enumerate(KEYS[:5]):
            state = CardState(
                Phase.REVIEW, None, 2.0 + 10 * n, 5.0, NOW - timedelta(days=8),
                NOW - timedelta(days=20), 3, 0,
            )  # fmt: skip
            store.record_review("geo", key, after=state, grade=3, reviewed_at=NOW)
    return path


def dues(db: Path) -> dict[str, datetime | None]:
    with Store.open(db, now=NOW) as store:
        return {key: store.card_state("geo", key).due for key in KEYS}  # type: ignore[union-attr]


def test_spread_moves_the_strongest_cards_later_in_one_undoable_action(
    db: Path, deck: Path
) -> None:
    before = dues(db)
    dry = run("--db", str(db), "spread", str(deck), "--days", "3", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would move 3 cards of 5 (dry run)" in dry.output
    assert dues(db) == before

    result = run("--db", str(db), "spread", str(deck), "--days", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(": ")[1].split(",")[0] for line in lines[:3]] == ["2 cards"] * 2 + ["1 card"]
    assert lines[-1].startswith("moved 3 cards of 5 over 3 days; undo: quiz spread --undo ")
    after = dues(db)
    assert after["q0"] == before["q0"] and after["q1"] == before["q1"]  # weakest: today
    assert after["q4"] is not None and after["q2"] is not None and after["q4"] > after["q2"]
    assert after["q5"] is None  # a new card has nothing to spread

    action = lines[-1].rsplit(" ", 1)[1]
    undone = run("--db", str(db), "spread", "--undo", action)
    assert undone.exit_code == 0, undone.output
    assert "undone: 3 cards due as before" in undone.output
    assert dues(db) == before
    again = run("--db", str(db), "spread", "--undo", action)
    assert again.exit_code == 1 and "already undone" in again.output


def test_spread_needs_a_deck_and_days(db: Path, deck: Path) -> None:
    assert run("--db", str(db), "spread", str(deck)).exit_code == 2
    assert run("--db", str(db), "spread", str(deck), "--days", "0").exit_code == 2
