"""Exams in the full-screen app, by key presses: the first screen (seed, name), no feedback
until the end, Escape asks before handing in, the time limit, and the summary."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static
from ui_support import NEWS_DECK, AppFactory, Clock, answer_keys

from quiz.core.checking import expected_text
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.core.study import exam_seed
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui.app import Start
from quiz.ui.screens.confirm_end import ConfirmEndScreen
from quiz.ui.screens.exam import ExamStartScreen
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.summary import SummaryScreen

NEWS_ID = "belarus-prisoner-release-2025"


def label(screen: Screen[None], selector: str) -> str:
    return str(screen.query_one(selector, Label).content)


async def test_exam_asks_a_name_then_goes_straight_on_and_shows_all_at_the_end(
    build_app: AppFactory, store: Store
) -> None:
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(exam=True, count=3)))
    async with app.run_test(size=(80, 24)) as pilot:
        intro = app.screen
        assert isinstance(intro, ExamStartScreen)
        seed = exam_seed(NEWS_ID)
        assert f"seed {seed}" in label(intro, "#exam-seed")
        assert "3 questions" in label(intro, "#exam-figures")
        await pilot.press("enter")  # no name yet
        assert "Please type your name." in label(intro, "#exam-error")
        assert app.screen is intro and store.attempts(NEWS_ID) == []
        await pilot.press(*"Ann Lee", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        assert screen.sub_title == f"Exam · seed {seed}"
        asked = list(screen.session.questions)
        for number, question in enumerate(asked):
            assert screen.question is question
            order = presented_order(question, loaded.deck.deck, screen.session.seed)
            await pilot.press(*answer_keys(question, order, right=number != 1))
            await pilot.pause()
            if number < len(asked) - 1:  # straight on: no verdict, no Enter needed
                assert screen.index == number + 1
                assert not screen.query("#verdict")
                assert label(screen, "#score") == f"Answered {number + 1}"
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        (attempt,) = store.attempts(NEWS_ID)
        assert (attempt.mode, attempt.student, attempt.seed) == ("exam", "Ann Lee", seed)
        table = summary.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "#",
            "Question",
            "Your answer",
            "Right answer",
            "Result",
        ]
        assert table.row_count == 3
        # The highlighted row in full: the long texts the table cuts short, both answers.
        detail = str(summary.query_one("#detail-text", Static).render())
        assert asked[0].prompt in detail and f"Right answer: {expected_text(asked[0])}" in detail
        await pilot.press("down")
        detail = str(summary.query_one("#detail-text", Static).render())
        assert asked[1].prompt in detail and "Your answer:" in detail
        await pilot.press("tab")  # a long one scrolls from the keyboard
        assert app.focused is summary.query_one("#detail")
        assert not summary.query("#retry") and not summary.query("#again")
        await pilot.press("r")  # no retry after an exam
        assert app.screen is summary


async def test_escape_asks_then_enter_hands_the_exam_in_with_the_unanswered_questions(
    build_app: AppFactory, store: Store
) -> None:
    loaded = load(NEWS_DECK)
    options = QuizOptions(exam=True, student="Bob", count=4)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=options))
    async with app.run_test(size=(80, 24)) as pilot:
        intro = app.screen
        assert isinstance(intro, ExamStartScreen)
        assert not intro.query(Input)  # the name was given
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await pilot.press("escape")
        await pilot.pause()
        box = app.screen
        assert isinstance(box, ConfirmEndScreen)  # the quiz's own question, not a notification
        assert label(box, "#confirm-question") == (
            "Hand in the exam? 4 questions unanswered count as wrong."
        )
        assert label(box, "#confirm-keys") == "[Enter] hand in  [Esc] keep going"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and store.attempts(NEWS_ID)[0].finished_at is None
        await pilot.press("escape", "enter")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert summary.summary.score == 0 and summary.summary.max_score > 0
        (attempt,) = store.attempts(NEWS_ID)
        assert attempt.finished_at is not None
        assert len(store.attempt_questions(attempt.id)) == 4


async def test_the_time_limit_ends_the_exam_and_keeps_the_answers(
    build_app: AppFactory, store: Store, clock: Clock
) -> None:
    loaded = load(NEWS_DECK)
    options = QuizOptions(exam=True, student="Cy", count=5, time_limit=120)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=options))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        assert label(screen, "#clock") == "⏱ 2:00 left"
        question = screen.question
        order = presented_order(question, loaded.deck.deck, screen.session.seed)
        await pilot.press(*answer_keys(question, order))
        await pilot.pause()
        clock.advance(seconds=121)
        screen._tick()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert summary.summary.score == question.points
        assert [row.result is not None for row in summary.summary.questions] == [
            True,
            False,
            False,
            False,
            False,
        ]


async def test_the_exam_summary_keeps_the_result_column_at_60_columns(
    build_app: AppFactory,
) -> None:
    """At 60x20 the exam summary scrolls (the detail box takes room), and its table still
    fits inside what is left of the width: every column on screen."""
    loaded = load(NEWS_DECK)
    options = QuizOptions(exam=True, student="Di", count=3, seed=3)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=options))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape", "enter")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        await pilot.pause()
        table = summary.query_one(DataTable)
        used = sum(c.get_render_width(table) for c in table.columns.values())
        assert used <= table.scrollable_content_region.width
        assert str(list(table.columns.values())[-1].label) == "Result"
        assert [str(cell).startswith("–") for cell in table.get_column("result")] == [True] * 3
        assert all(str(cell).count("\n") <= 1 for cell in table.get_column("question"))
        assert any("\n" in str(cell) for cell in table.get_column("question"))
