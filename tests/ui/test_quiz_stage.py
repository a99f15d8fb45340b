"""The quiz's off-screen stage: the next question waits laid out, unreachable, and Enter
brings exactly it on screen."""

from __future__ import annotations

from textual.widgets import Static
from ui_support import NEWS_DECK, AppFactory

from quiz.core.cards import Card, cards_of_question
from quiz.core.library import load
from quiz.core.models import Question
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import prompt_of
from quiz.screenshots import right_response
from quiz.ui.app import Start
from quiz.ui.screens.quiz import PREPARE_AFTER_S, QuizScreen
from quiz.ui.widgets.answers import AnswerInput
from quiz.ui.widgets.stage import Stage


def prompt_text(screen: QuizScreen) -> str:
    return str(screen.query_one("#prompt", Static).render())


async def test_next_question_waits_off_screen_and_enter_shows_it(build_app: AppFactory) -> None:
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=3)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        questions = screen.session.questions
        stage = screen.query_one(Stage)
        await pilot.pause(PREPARE_AFTER_S)  # the first is shown before the second is laid out
        for index in range(3):
            await pilot.pause()
            assert screen.prepared == index + 1  # laid out while this one is answered
            back = set(stage.back.walk_children())
            assert back and not back & set(screen.focus_chain)  # Tab cannot reach it
            assert stage.front.region.x == 0 and stage.back.region.x >= 80  # off screen
            assert prompt_text(screen).startswith(prompt_of_question(questions[index]))
            screen.view.query_one(AnswerInput).submit(right_response(screen.question))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert screen.index == index + 1
            assert prompt_text(screen).startswith(prompt_of_question(questions[index + 1]))
            assert screen.focused is not None and screen.focused in set(stage.front.walk_children())


async def test_enter_before_the_next_is_prepared_still_shows_it(build_app: AppFactory) -> None:
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=3)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        await pilot.pause(PREPARE_AFTER_S)
        screen.prepared = None  # as if the preparation had not finished
        screen.view.query_one(AnswerInput).submit(right_response(screen.question))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.index == 1
        expected = prompt_of_question(screen.session.questions[1])
        assert prompt_text(screen).startswith(expected)
        assert len(screen.query_one(Stage).front.children) == 1
        assert screen.prepared == 2


def prompt_of_question(question: Question) -> str:
    """The start of the prompt the quiz shows for `question`."""
    card = Card(key=cards_of_question(question)[0].question_key, question=question)
    return prompt_of(card)[:20]
