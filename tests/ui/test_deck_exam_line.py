"""The deck page says how ready the deck is for its exam date, and warns when it cannot be."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Static
from ui_support import NOW, AppFactory

from quiz.config import Settings
from quiz.core.card_state import CardState, Phase
from quiz.core.cards import cards_of
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.core.study import ReviewSession
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


DAY = timedelta(days=1)


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


async def test_a_review_says_which_cards_it_brought_before_a_late_exam(
    build_app: AppFactory, settings: Settings, store: Store, tmp_path: Path
) -> None:
    """Cards scheduled past an exam set later are brought before it when the review starts
    (`quiz.core.exam_prep`), and the review says so, with the undo command."""
    plain = load(deck_with_exam(tmp_path, None, questions=4))
    ReviewSession(store, plain.deck, settings, lambda: NOW, daily_backup=False)
    for card in cards_of(plain.deck):
        weak = CardState(Phase.REVIEW, None, 3.0, 5.0, NOW + 40 * DAY, NOW - 2 * DAY, 3, 0)
        store.record_review("exam", card.key, after=weak, grade=3, reviewed_at=NOW - 2 * DAY)
    exam_day = (NOW + 10 * DAY).date().isoformat()
    app = build_app(Start(at="review", loaded=load(deck_with_exam(tmp_path, exam_day, 4))))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert any("brought before it (undo: quiz spread --undo" in str(m) for m in notices), (
            notices
        )
    due = [store.card_state("exam", card.key) for card in cards_of(plain.deck)]
    assert all(s is not None and s.due is not None and s.due < NOW + 10 * DAY for s in due)
