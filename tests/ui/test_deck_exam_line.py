"""The deck page says how ready the deck is for its exam date, and warns when it cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from ui_support import AppFactory

from quiz.config import Settings
from quiz.ui.app import Start
from quiz.ui.screens.deck import DeckScreen


def deck_with_exam(folder: Path, exam: str | None, questions: int = 12) -> Path:
    path = folder / "exam.toml"
    exam_line = f"exam_date = {exam}\n" if exam else ""
    path.write_text(
        f'[deck]\nid = "exam"\ntitle = "Exam"\n{exam_line}'
        + "".join(
            f'\n[[questions]]\nid = "q{n}"\nkind = "short"\nprompt = "Q{n}?"\nanswer = "a{n}"\n'
            for n in range(questions)
        ),
        encoding="utf-8",
    )
    return path


def text_of(screen: DeckScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.parametrize(
    ("exam", "new_per_day", "line", "warning"),
    [
        ("2026-03-14", 20, "Exam in 12 days: predicted recall 0% (12 cards not studied", None),
        (
            "2026-03-05",
            2,
            "Exam in 3 days: predicted recall 0%",
            "The exam goal of 90% is out of reach: 12 new cards at 2 a day take 6 days",
        ),
        ("2026-02-20", 20, "Exam 2026-02-20: past", None),
    ],
)
async def test_the_deck_page_shows_the_exam_outlook(
    build_app: AppFactory,
    settings: Settings,
    tmp_path: Path,
    exam: str,
    new_per_day: int,
    line: str,
    warning: str | None,
) -> None:
    settings.new_per_day = new_per_day
    app = build_app(Start(at="deck", deck=deck_with_exam(tmp_path, exam)))
    async with app.run_test(size=(80, 24)):
        page = app.screen
        assert isinstance(page, DeckScreen)
        assert line in text_of(page, "#deck-exam")
        shown = page.query_one("#deck-exam-warning", Static)
        assert shown.display == (warning is not None)
        if warning is not None:
            assert warning in text_of(page, "#deck-exam-warning")


async def test_a_deck_without_an_exam_has_no_exam_line(
    build_app: AppFactory, tmp_path: Path
) -> None:
    app = build_app(Start(at="deck", deck=deck_with_exam(tmp_path, None)))
    async with app.run_test(size=(80, 24)):
        assert not app.screen.query("#deck-exam")
