"""`quiz results regrade`: after a fixed answer key, every recorded answer checked again, in
the study database and in the files students handed in; answers marked by hand; the first
verdict kept beside the new one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_results_command import CLASS, DECK, T0, handed_in, run, sit

from quiz.core.storage import Store

__all__ = ["handed_in"]  # the result files each student hands in: a fixture shared with merge


@pytest.fixture
def fixed_deck(tmp_path: Path) -> Path:
    """The exam's deck after the teacher accepts "no idea" for q2 (a key too strict)."""
    fixed = tmp_path / "capitals.toml"
    text = DECK.read_text("utf-8").replace(
        'answer = "Lima"', 'answer = "Lima"\naccept = ["no idea"]'
    )
    fixed.write_text(text, encoding="utf-8")
    return fixed


def test_handed_in_files_are_regraded_into_a_folder_keeping_the_first_verdict(
    handed_in: dict[str, Path], fixed_deck: Path, tmp_path: Path
) -> None:
    out = tmp_path / "regraded"
    files = list(handed_in.values())
    listed = run("results", "regrade", fixed_deck, *files, "--mark", "ann:1:q1=wrong")
    assert listed.exit_code == 0, listed.output
    assert not out.exists()  # without -o: only the list
    result = run("results", "regrade", fixed_deck, *files, "-o", out, "--mark", "ann:1:q1=wrong")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ann:1:q1: right -> wrong (1 -> 0 of 1; marked by hand)",
        "cy:1:q2: wrong -> right (0 -> 1 of 1; answer key)",
        "dee:1:q2: wrong -> right (0 -> 1 of 1; answer key)",
    ]
    assert f"{handed_in['ann']}: 1 answer regraded (1 marked by hand)" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ann.csv", "bob.json", "cy.csv", "dee.json"]
    dee = json.loads((out / "dee.json").read_text("utf-8"))["rows"]
    q2 = next(row for row in dee if row["question_id"] == "q2")
    assert (q2["correct"], q2["points"], q2["original_correct"], q2["original_points"]) == (
        True, 1, False, 0,
    )  # fmt: skip
    assert q2["regraded"] == "key"
    merged = run("results", "merge", *sorted(out.iterdir()))
    assert "ann,capitals,1,3,4,75" in merged.stdout.replace("\r\n", "\n")
    assert "capitals,q2,4,4,1,,too easy" in merged.stdout.replace("\r\n", "\n")
    again = run("results", "regrade", fixed_deck, *sorted(out.iterdir()))
    assert again.stdout == ""  # already regraded: nothing changes twice


def test_the_study_database_is_regraded_and_the_attempt_rescored(
    tmp_path: Path, fixed_deck: Path
) -> None:
    db = tmp_path / "cy.sqlite3"
    sit(db, "cy", CLASS["cy"], 0)
    result = run("--db", db, "results", "regrade", fixed_deck, "--mark", "cy:1:q3=right")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "cy:1:q2: wrong -> right (0 -> 1 of 1; answer key)",
        "cy:1:q3: wrong -> right (0 -> 1 of 1; marked by hand)",
    ]
    with Store.open(db, now=T0) as store:
        (attempt,) = store.attempts("capitals")
        assert attempt.score == 4
        answers = {a.question_key: a for a in store.attempt_answers(attempt.id)}
        assert (answers["q2"].original_score, answers["q2"].regraded) == (0, "key")
        assert (answers["q3"].original_correct, answers["q3"].regraded) == (False, "hand")
    assert run("--db", db, "results", "regrade", fixed_deck).stdout == ""
    summary = run("--db", db, "results", "--summary")
    assert ",4,4,100,true" in summary.stdout


@pytest.mark.parametrize(
    "mark",
    ["ann:1:q1", "ann:one:q1=right", "ann:1:q1=maybe", "q1=right"],
)
def test_a_mark_it_cannot_read_is_a_usage_error(fixed_deck: Path, mark: str) -> None:
    result = run("results", "regrade", fixed_deck, "--mark", mark)
    assert result.exit_code == 2
    assert "STUDENT:ATTEMPT:QUESTION=right" in result.stderr or "number" in result.stderr
