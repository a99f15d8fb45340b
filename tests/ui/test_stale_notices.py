"""Stale questions in the app: a review and a quiz say they left some out, an exam warns
that it kept them, a quiz with nothing left to ask goes back with the reason, and the deck
page and the library say what date the facts are as of."""

from __future__ import annotations

from pathlib import Path

from ui_support import NEWS_DECK, AppFactory

from quiz.core.library import load
from quiz.presentation.options import QuizOptions
from quiz.ui.app import Start
from quiz.ui.screens.deck import DeckScreen
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.review import ReviewScreen

QUESTION = '[[questions]]\nid = "{id}"\nkind = "short"\nprompt = "{id}?"\nanswer = "{id}"\n'


def stale_deck(tmp_path: Path, *stale: str, fresh: str = "") -> Path:
    """A deck whose questions `stale` ended before the UI tests' clock (2026-03-02)."""
    parts = ['[deck]\nid = "news"\ntitle = "News"\nas_of = 2025-11-30\n']
    for key in stale:
        parts.append(QUESTION.format(id=key) + "valid_until = 2026-01-31\n")
    for key in fresh:
        parts.append(QUESTION.format(id=key))
    path = tmp_path / "news.toml"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def notices(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_a_review_and_a_quiz_say_what_they_left_out(
    build_app: AppFactory, tmp_path: Path
) -> None:
    deck = load(stale_deck(tmp_path, "a", "b", fresh="c"))
    app = build_app(Start(at="review", loaded=deck))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None
        assert app.screen.card.key == "c"
        assert notices(app) == [
            "2 questions are past their valid_until date and left out: the facts may no longer"
            " hold (quiz check lists them)."
        ]
    options = QuizOptions(exam=True, student="Ann", shuffle=False)
    app = build_app(Start(at="quiz", loaded=deck, quiz=options))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # past the exam's start page
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and app.screen.session is not None
        assert len(app.screen.session.questions) == 3
        assert notices(app) == [
            "This exam includes 2 questions past their valid_until date: the facts may no"
            " longer hold (quiz check lists them)."
        ]


async def test_a_quiz_with_nothing_left_to_ask_goes_back_with_the_reason(
    build_app: AppFactory, tmp_path: Path
) -> None:
    path = stale_deck(tmp_path, "a")
    app = build_app(Start(at="deck", deck=path), deck_dirs=[tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen)
        assert "facts as of 2025-11-30" in str(app.screen.query_one("#deck-facts").render())
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen)
        assert any("every question of news is past its valid_until" in m for m in notices(app))


async def test_the_library_says_what_date_the_facts_are_as_of(build_app: AppFactory) -> None:
    app = build_app(Start(at="library"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)
        from textual.widgets import OptionList

        options = app.screen.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        news = next(text for text in texts if text.startswith("Belarus"))
        assert "facts as of 2025-12-13" in news
        assert NEWS_DECK.exists()
