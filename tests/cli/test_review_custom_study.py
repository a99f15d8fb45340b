"""`quiz review` custom study options through the real CLI, in plain mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quiz.cli import main

DECK = """\
[deck]
id = "geo"
title = "Geography"

[[questions]]
id = "fr"
kind = "flashcard"
prompt = "Capital of France?"
answer = "Paris"
tags = ["europe"]

[[questions]]
id = "pe"
kind = "flashcard"
prompt = "Capital of Peru?"
answer = "Lima"
"""


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "geo.toml"
    path.write_text(DECK, encoding="utf-8")
    return path


def run(*args: str, given: str = "") -> Result:
    return CliRunner().invoke(main, list(args), input=given)


def test_tag_limits_the_review_to_its_questions(deck: Path) -> None:
    result = run("review", str(deck), "--plain", "--tag", "europe", given="\n4\n")
    assert result.exit_code == 0, result.output
    assert "(tag europe)" in result.output and "Capital of France?" in result.output
    assert "Peru" not in result.output


def test_ahead_and_extra_new_are_said(deck: Path) -> None:
    result = run("review", str(deck), "--plain", "--ahead", "3", "--extra-new", "2", given=":q\n")
    assert "(3 days ahead, 2 extra new)" in result.output


def test_cram_by_tag_is_a_quiz_that_leaves_the_schedule_alone(deck: Path) -> None:
    result = run("review", str(deck), "--plain", "--cram", "tag:europe", given="\ny\n\n")
    assert result.exit_code == 0, result.output
    assert "Quiz: Geography (1 question)" in result.output
    again = run("review", str(deck), "--plain", given=":q\n")
    assert "Left today: 2 new" in again.output  # nothing was reviewed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cram", "flag:red"], "no card of geo is flag:red"),
        (["--cram", "color:red"], "use tag:NAME, flag:COLOUR"),
        (["--cram", "tag:x", "--tag", "europe"], "--cram is a pass of its own"),
        (["--schedule"], "--schedule is for --cram"),
        (["--tag", "asia"], "no question of geo has the tag asia"),
        (["--ahead", "0"], "0 is not in the range"),
    ],
)
def test_bad_custom_study_options_are_refused(deck: Path, args: list[str], message: str) -> None:
    result = run("review", str(deck), "--plain", *args)
    assert result.exit_code != 0 and message in result.output, result.output
