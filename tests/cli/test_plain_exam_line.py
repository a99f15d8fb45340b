"""Plain mode's review says how ready the deck is for its exam date, and when it cannot be."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz.config import Settings
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.plain import run_review

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=NOW) as opened:
        yield opened


def deck_with_exam(folder: Path, exam: str, questions: int) -> Path:
    path = folder / "exam.toml"
    path.write_text(
        f'[deck]\nid = "exam"\ntitle = "Exam"\nexam_date = {exam}\nexam_retention = 0.95\n'
        + "".join(
            f'\n[[questions]]\nid = "q{n}"\nkind = "short"\nprompt = "Q{n}?"\nanswer = "a{n}"\n'
            for n in range(questions)
        ),
        encoding="utf-8",
    )
    return path


def opening_lines(store: Store, deck: Path, settings: Settings) -> list[str]:
    out = io.StringIO()
    run_review(store, load(deck), settings, now=lambda: NOW, stdin=io.StringIO(":q\n"), stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize(
    ("exam", "questions", "new_per_day", "expected", "warning"),
    [
        (
            "2026-03-14",
            3,
            20,
            "Exam in 12 days: predicted recall 0% (3 cards not studied yet count as 0).",
            None,
        ),
        (
            "2026-03-05",
            12,
            2,
            "Exam in 3 days: predicted recall 0% (12 cards not studied yet count as 0).",
            "The exam goal of 95% is out of reach: 12 new cards at 2 a day take 6 days,"
            " 3 days left.",
        ),
    ],
)
def test_the_review_opens_with_the_exam_outlook(
    store: Store,
    tmp_path: Path,
    exam: str,
    questions: int,
    new_per_day: int,
    expected: str,
    warning: str | None,
) -> None:
    lines = opening_lines(
        store, deck_with_exam(tmp_path, exam, questions), Settings(new_per_day=new_per_day)
    )
    assert lines[1] == expected
    assert (lines[2] == warning) if warning else not lines[2].startswith("The exam goal")


def test_a_past_exam_says_nothing(store: Store, tmp_path: Path) -> None:
    lines = opening_lines(store, deck_with_exam(tmp_path, "2026-03-01", 2), Settings())
    assert not any(line.startswith("Exam") for line in lines)
