"""`quiz stats` and `quiz optimize` through the real CLI, on a small database."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quiz import config
from quiz.cli import main
from quiz.core import scheduling
from quiz.core.card_state import CardState, Phase
from quiz.core.storage import Store

NOW = datetime.now(timezone.utc).replace(microsecond=0)
DECK = """\
[deck]
id = "geo"
title = "Geography \\u001b[31m"

[[questions]]
id = "fr"
kind = "flashcard"
prompt = "Capital of France?"
answer = "Paris"

[[questions]]
id = "de"
kind = "flashcard"
prompt = "Capital of Germany?"
answer = "Berlin"
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def lapsed(at: datetime) -> CardState:
    return CardState(Phase.REVIEW, None, 3.0, 5.0, at + timedelta(days=3), at, 4, 2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "quiz.sqlite3"
    with Store.open(path, now=NOW) as store:
        store.reconcile_deck(
            "geo",
            title="Geography \x1b[31m",
            path=None,
            content_hash=None,
            card_keys=["fr", "de"],
            question_count=2,
            now=NOW,
        )
        store.record_review(
            "geo", "fr", after=lapsed(NOW), grade=1, reviewed_at=NOW, duration_ms=1500
        )
    return path


def test_stats_prints_tables_without_escape_sequences(db: Path, tmp_path: Path) -> None:
    deck = tmp_path / "geo.toml"
    deck.write_text(DECK, encoding="utf-8")
    result = run("--db", str(db), "stats", str(deck))
    assert result.exit_code == 0, result.output
    for heading in ("Cards", "Reviews", "Last 14 days", "Due in the next 30 days"):
        assert heading in result.output
    assert "fr: Capital of France?" in result.output and "1.5 s" in result.output
    assert "\x1b" not in result.output


def test_stats_json_of_every_deck(db: Path) -> None:
    result = run("--db", str(db), "stats", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["decks"] == ["geo"] and data["total_reviews"] == 1
    assert data["cards"] == {
        "new": 1,
        "learning": 0,
        "review": 1,
        "due_today": 0,
        "suspended": 0,
        "buried": 0,
        "leeches": 0,
        "total": 2,
    }
    assert data["hardest"] == [
        {"deck_id": "geo", "card_key": "fr", "lapses": 2, "reps": 4, "prompt": None}
    ]
    assert [row["period"] for row in data["retention_table"]] == ["today", "week", "month"]
    assert data["leeches"] == []


def test_stats_lists_leeches_and_suspended_cards(db: Path, tmp_path: Path) -> None:
    with Store.open(db, now=NOW) as store:
        store.suspend([("geo", "de")], now=NOW)
        store._db.execute("UPDATE cards SET leech = 1 WHERE card_key = 'fr'")
    deck = tmp_path / "geo.toml"
    deck.write_text(DECK, encoding="utf-8")
    result = run("--db", str(db), "stats", str(deck))
    assert result.exit_code == 0, result.output
    assert "Leeches" in result.output and "True retention" in result.output
    lines = [line.strip() for line in result.output.splitlines()]
    leeches = lines[lines.index("Leeches") : lines.index("Forgotten most often")]
    assert any("fr: Capital of France?" in line for line in leeches), leeches
    data = json.loads(run("--db", str(db), "stats", "--format", "json").output)
    assert (data["cards"]["suspended"], data["cards"]["leeches"], data["cards"]["new"]) == (1, 1, 0)


def test_stats_by_deck_id(db: Path) -> None:
    result = run("--db", str(db), "stats", "geo", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["decks"] == ["geo"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stats", "nope"], "no deck file or studied deck id 'nope'"),
        (["optimize", "nope"], "no deck file or studied deck id 'nope'"),
    ],
)
def test_unknown_decks_are_one_line_errors(
    db: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduling, "optimizer_available", lambda: True)
    result = run("--db", str(db), *args)
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_stats_without_a_database(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "missing.sqlite3"), "stats")
    assert result.exit_code == 1 and "no study database" in result.output


def test_optimize_without_the_optimizer_says_how_to_install_it(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduling, "optimizer_available", lambda: False)
    result = run("--db", str(db), "optimize")
    assert result.exit_code == 1
    assert 'pip install "fsrs[optimizer]"' in result.output
    assert not config.config_path().exists()


def test_optimize_saves_fitted_parameters(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    seen: list[int] = []
    fitted = [*DEFAULT_PARAMETERS[:-1], 0.2]

    def fake_fit(logs: list[object]) -> list[float]:
        seen.append(len(logs))
        return fitted

    monkeypatch.setattr(scheduling, "optimizer_available", lambda: True)
    monkeypatch.setattr(scheduling, "fit_parameters", fake_fit)
    result = run("--db", str(db), "optimize")
    assert result.exit_code == 0, result.output
    assert seen == [1]
    assert config.Settings.load().parameters == fitted


def test_optimize_with_too_little_data_changes_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduling, "optimizer_available", lambda: True)
    monkeypatch.setattr(scheduling, "fit_parameters", lambda logs: None)
    result = run("--db", str(db), "optimize")
    assert result.exit_code == 1 and "not enough reviews" in result.output
    assert not config.config_path().exists()


def test_optimize_dry_run_prints_without_saving(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    monkeypatch.setattr(scheduling, "optimizer_available", lambda: True)
    monkeypatch.setattr(scheduling, "fit_parameters", lambda logs: list(DEFAULT_PARAMETERS))
    result = run("--db", str(db), "optimize", "--dry-run")
    assert result.exit_code == 0 and json.loads(result.stdout)[0] == round(DEFAULT_PARAMETERS[0], 4)
    assert not config.config_path().exists()


def test_stats_counts_the_verdicts_learners_overruled(db: Path) -> None:
    with Store.open(db, now=NOW) as store:
        store.record_review(
            "geo", "de", after=lapsed(NOW), grade=1, reviewed_at=NOW, correct=True
        )  # judged right, graded Again: "I did not really know it"
    result = run("--db", str(db), "stats")
    assert result.exit_code == 0, result.output
    assert "Verdicts overruled" in result.output
    assert "check its answer keys" in result.output
    data = json.loads(run("--db", str(db), "stats", "--format", "json").output)
    assert data["overrules"] == [
        {"deck_id": "geo", "again_after_right": 1, "right_after_wrong": 0, "quiz_answers": 0}
    ]
