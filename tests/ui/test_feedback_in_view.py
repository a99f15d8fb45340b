"""After an answer the verdict, the right answer and the way on are in view, with no key pressed.

Long lists, many blanks and pairs and long explanations push the feedback below the
fold; the app must scroll it into view itself (the verdict first when the feedback is
taller than the screen), and a review's grade buttons must stay on screen.
"""

from __future__ import annotations

import pytest
from ui_support import UI_DATA, AppFactory, answer_keys, assert_feedback_in_view

from quiz.core.library import load
from quiz.core.models import Flashcard
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui.app import Start
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.review import ReviewScreen

TALL = UI_DATA / "tall-shapes.toml"
EVERY_KIND = UI_DATA / "every-kind.toml"
SIZES = [(80, 24), (60, 20), (160, 45)]


CASES = [(size, False) for size in SIZES] + [((60, 20), True)]
"""Wrong answers at every size (the right answer shown makes the longest feedback); right
ones at the smallest."""


@pytest.mark.parametrize(
    ("size", "right"),
    CASES,
    ids=[f"{w}x{h}-{'right' if right else 'wrong'}" for (w, h), right in CASES],
)
@pytest.mark.parametrize("deck", [TALL, EVERY_KIND], ids=lambda path: path.stem)
async def test_quiz_feedback_is_in_view_after_every_answer(
    build_app: AppFactory, size: tuple[int, int], deck: object, right: bool
) -> None:
    loaded = load(deck)  # type: ignore[arg-type]
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=5)))
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        for question in list(screen.session.questions):
            order = presented_order(question, loaded.deck.deck, screen.session.seed)
            await pilot.press(*answer_keys(question, order, right=right))
            await pilot.pause()
            assert screen.showing_feedback, question.id
            assert_feedback_in_view(screen, f"{question.id} at {size}")
            await pilot.press("enter")
            await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("right", [False, True], ids=["wrong", "right"])
async def test_review_feedback_and_grades_are_in_view(
    build_app: AppFactory, size: tuple[int, int], right: bool
) -> None:
    loaded = load(TALL)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        answered = 0
        while screen.card is not None and answered < 8:
            card = screen.card
            assert not isinstance(card.question, Flashcard)
            order = presented_order(card.question, loaded.deck.deck, screen.seed)
            keys = answer_keys(card.question, order, right=right)
            if card.blank is not None:  # a review asks one blank at a time
                blank = card.question.blanks[card.blank]  # type: ignore[union-attr]
                keys = [*(blank.answer if right else "qqqq"), "enter"]
            await pilot.press(*keys)
            await pilot.pause()
            assert screen.revealed, card.key
            assert_feedback_in_view(screen, f"{card.key} at {size}")
            await pilot.press("enter")
            await pilot.pause()
            answered += 1
        assert answered >= 8


async def test_resizing_during_feedback_keeps_the_choices_whole(build_app: AppFactory) -> None:
    """160x45 -> 60x20 -> 80x24 with the feedback shown: the choices list is not left a row
    short with a scroll bar of its own, and the feedback is still whole."""
    from textual.widgets import OptionList

    loaded = load(EVERY_KIND)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("multi",))))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("1", "3", "enter")
        await pilot.pause()
        for size in [(60, 20), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        choices = screen.view.query_one(OptionList)
        assert not choices.show_vertical_scrollbar
        assert choices.size.height >= choices.option_count
        screen.body.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert_feedback_in_view(screen, "after resizing")
