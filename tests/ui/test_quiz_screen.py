"""Taking quizzes by pressing keys, as a learner would, and reading the results screen."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label
from ui_support import NEWS_DECK, UI_DATA, AppFactory, Clock, answer_keys, fails_once

from quiz.core.checking import expected_text
from quiz.core.library import load
from quiz.core.models import MultipleChoice, ShortAnswer
from quiz.core.storage import Store
from quiz.plain import run_quiz
from quiz.presentation.formatting import compared_text
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui.app import Start
from quiz.ui.screens.confirm_end import ConfirmEndScreen
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.summary import SummaryScreen
from quiz.ui.widgets.keybar import KeyBar

WRONG_KINDS = {"choice", "truefalse", "short", "flashcard"}


async def test_full_news_quiz_by_keyboard_scores_on_summary(build_app: AppFactory) -> None:
    """Every kind answered: right except the first of each kind in WRONG_KINDS."""
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=7)))
    wrong_done: set[str] = set()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        questions = list(screen.session.questions)
        assert len(questions) == 25
        expected = 0.0
        for number, question in enumerate(questions, start=1):
            assert screen.question is question
            assert f"Question {number} of 25" in str(screen.query_one("#position", Label).content)
            right = not (question.kind in WRONG_KINDS and question.kind not in wrong_done)
            if not right:
                wrong_done.add(question.kind)
            else:
                expected += question.points
            order = presented_order(question, loaded.deck.deck, screen.session.seed)
            await pilot.press(*answer_keys(question, order, right=right))
            await pilot.pause()
            verdict = str(screen.query_one("#verdict", Label).content)
            assert verdict.startswith("✓ Correct" if right else "✗ Wrong"), (question.id, verdict)
            await pilot.press("enter")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        figures = str(summary.query_one("#figures", Label).content)
        total = sum(q.points for q in questions)
        assert f"Score {expected:g} of {total:g} ({100 * expected / total:.0f}%)" in figures
        assert summary.summary.score == expected
        assert summary.query_one(DataTable).row_count == 25
        assert len(summary.missed) == len(WRONG_KINDS)


async def test_retry_missed_asks_only_the_missed_questions(build_app: AppFactory) -> None:
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=3, count=4)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        asked = list(screen.session.questions)
        for number, question in enumerate(asked):
            order = presented_order(question, loaded.deck.deck, screen.session.seed)
            keys = answer_keys(question, order, right=number % 2 == 0)
            await pilot.press(*keys, "enter")
            await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert summary.missed == [asked[1], asked[3]]
        await pilot.press("r")
        await pilot.pause()
        retry = app.screen
        assert isinstance(retry, QuizScreen) and retry.session is not None
        assert retry.session.questions == [asked[1], asked[3]]
        assert "Question 1 of 2" in str(retry.query_one("#position", Label).content)
        # Leaving after one answer still saves and scores the attempt.
        question = retry.question
        order = presented_order(question, loaded.deck.deck, retry.session.seed)
        await pilot.press(*answer_keys(question, order), "escape", "enter")
        await pilot.pause()
        final = app.screen
        assert isinstance(final, SummaryScreen)
        assert final.summary.score == question.points
        assert final.summary.max_score == asked[1].points + asked[3].points


async def test_time_limit_counts_down_and_ends_the_quiz(
    build_app: AppFactory, clock: Clock, store: Store
) -> None:
    app = build_app(Start(at="quiz", loaded=load(UI_DATA / "timed.toml")))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert str(screen.query_one("#clock", Label).content) == "⏱ 0:30 left"
        await pilot.press("t", "enter")
        clock.advance(seconds=12)
        await pilot.pause(1.2)
        assert str(screen.query_one("#clock", Label).content) == "⏱ 0:18 left"
        assert screen.query_one("#clock", Label).has_class("hurry")
        clock.advance(seconds=20)
        await pilot.pause(1.2)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert (summary.summary.score, summary.summary.max_score) == (1, 2)
    (attempt,) = store.attempts("timed")
    assert attempt.finished_at is not None


async def test_ctrl_q_mid_quiz_keeps_the_answered_questions(
    build_app: AppFactory, store: Store
) -> None:
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=7)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        question = screen.question
        order = presented_order(question, loaded.deck.deck, screen.session.seed)
        await pilot.press(*answer_keys(question, order), "enter", "ctrl+q")
        await pilot.pause()
    (attempt,) = store.attempts(loaded.deck.deck.id)
    assert attempt.finished_at is not None
    assert attempt.score == question.points
    assert attempt.max_score == sum(q.points for q in loaded.deck.questions)


async def test_partly_right_reads_the_same_in_plain_mode_and_on_screen(
    build_app: AppFactory, store: Store, clock: Clock
) -> None:
    """Two of the three primes and a non-prime: some of the points, not all, in both front ends."""
    loaded = load(UI_DATA / "every-kind.toml")
    options = QuizOptions(seed=1, tags=("multi",))
    (question,) = [q for q in loaded.deck.questions if "multi" in q.tags]
    assert isinstance(question, MultipleChoice)
    order = presented_order(question, loaded.deck.deck, seed=1)
    picks = [str(order.index(choice) + 1) for choice in ("2", "7", "9")]
    out = io.StringIO()
    run_quiz(store, loaded, options, now=clock, stdin=io.StringIO(" ".join(picks)), stdout=out)
    plain = re.search(r"(Correct|Partly right|Wrong)\. [\d.]+ of 2 points\.", out.getvalue())
    assert plain is not None, out.getvalue()
    app = build_app(Start(at="quiz", loaded=loaded, quiz=options))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*picks, "enter")
        await pilot.pause()
        on_screen = str(app.screen.query_one("#verdict", Label).content)
        marks = str(app.screen.query_one("#marks", Label).content).splitlines()
    symbol, _, rest = on_screen.partition(" ")
    assert plain.group(1) == rest.split("  ")[0] == "Partly right"
    assert symbol == "◐"
    # The same parts marked in both: 2 and 7 right, 9 not a right choice, 11 missed.
    expected = ["✓ 2", "✓ 7", "✗ 9 — not a right choice", "✗ 11 — missed"]
    assert marks == expected
    assert all(f"  {line}\n" in out.getvalue() for line in expected), out.getvalue()


async def test_a_typo_is_shown_letter_by_letter_in_both_front_ends(
    build_app: AppFactory, store: Store, clock: Clock
) -> None:
    """A forgiven typo says so and shows where it differs from the key, on screen and in
    plain mode, so the learner can judge the verdict at a glance."""
    loaded = load(UI_DATA / "every-kind.toml")
    options = QuizOptions(seed=1, tags=("short",))
    (question,) = [q for q in loaded.deck.questions if "short" in q.tags]
    assert isinstance(question, ShortAnswer) and question.answer == "Minsk"
    typo = "Misnk"  # two letters swapped: one slip, and no other word
    out = io.StringIO()
    run_quiz(store, loaded, options, now=clock, stdin=io.StringIO(typo + "\n"), stdout=out)
    assert f"Compared: {compared_text(typo, 'Minsk')}" in out.getvalue()
    app = build_app(Start(at="quiz", loaded=loaded, quiz=options))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*typo, "enter")
        await pilot.pause()
        screen = app.screen
        assert "Almost" in str(screen.query_one("#check-feedback", Label).content)
        compared = screen.query_one("#letter-diff", Label).content
        plain_text = compared_text(typo, "Minsk").replace("[-", "").replace("[+", "")
        assert str(compared) == "Compared: " + plain_text.replace("]", "")
        styles = [str(span.style) for span in compared.spans]
        assert any("strike" in style for style in styles)
        assert any("underline" in style for style in styles)


async def test_o_overrules_the_verdict_both_ways(
    build_app: AppFactory, store: Store, clock: Clock
) -> None:
    """A wrong verdict, `o`: counted right, the score follows, the stored answer says it was
    overruled; `o` again: back to the checker's verdict. (An exam keeps its verdicts:
    tests/core/test_quiz_overrule.py.)"""
    loaded = load(UI_DATA / "every-kind.toml")
    options = QuizOptions(seed=1, tags=("short",))
    app = build_app(Start(at="quiz", loaded=loaded, quiz=options))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        await pilot.press(*"Pinsk", "enter")  # another city: wrong
        await pilot.pause()
        assert "Wrong" in str(screen.query_one("#verdict", Label).content)
        assert "I was right" in str(screen.query_one(KeyBar).line)
        await pilot.press("o")
        await pilot.pause()
        assert "Correct" in str(screen.query_one("#verdict", Label).content)
        assert "overruled" in str(screen.query_one("#check-feedback", Label).content)
        assert "Score 1/1" in str(screen.query_one("#score", Label).content)
        (answer,) = store.attempt_answers(screen.session.attempt_id)
        assert (answer.correct, answer.overruled) == (True, True)
        await pilot.press("o")
        await pilot.pause()
        assert "Wrong" in str(screen.query_one("#verdict", Label).content)
        assert "Score 0/1" in str(screen.query_one("#score", Label).content)
        (answer,) = store.attempt_answers(screen.session.attempt_id)
        assert (answer.correct, answer.overruled) == (False, False)


async def test_the_right_answer_wraps_instead_of_being_cut(build_app: AppFactory) -> None:
    """At 60 columns the news deck's first answer (67 characters) takes two lines, whole."""
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(shuffle=False)))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press(*"nobody", "enter")
        await pilot.pause()
        expected = app.screen.query_one("#expected", Label)
        assert expected.size.height >= 2
        assert expected.size.width <= 60


def test_a_missed_flashcard_in_a_quiz_promises_nothing() -> None:
    """ "You will see it again soon" is true only in review; a quiz does not schedule."""
    from quiz.core.checking import check
    from quiz.core.models import DeckMeta, Flashcard

    card = Flashcard(kind="flashcard", prompt="Capital of Peru?", answer="Lima")
    assert check(card, False, DeckMeta(id="d", title="D")).feedback == "Not known yet"


THREE_KINDS = QuizOptions(tags=("short", "choice", "truefalse"))
"""The every-kind deck's short answer, single choice and true/false questions, in order."""


async def test_escape_asks_before_ending_and_keeps_a_half_typed_answer(
    build_app: AppFactory, store: Store
) -> None:
    """Escape opens a box that says how the unanswered questions count; Escape in it goes
    back to the question with what was typed; Enter ends with the answers kept."""
    app = build_app(Start(at="quiz", loaded=load(UI_DATA / "every-kind.toml"), quiz=THREE_KINDS))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.question.kind == "short"
        await pilot.press(*"Min", "escape")
        await pilot.pause()
        box = app.screen
        assert isinstance(box, ConfirmEndScreen)
        assert str(box.query_one("#confirm-question", Label).content) == (
            "End the quiz? Nothing is answered yet: this quiz will not be recorded."
        )
        assert str(box.query_one("#confirm-keys", Label).content) == (
            "[Enter] end  [Esc] keep going"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.view.query_one(Input).value == "Min"
        await pilot.press(*"sk", "enter")  # the focus is back in the answer
        await pilot.pause()
        assert str(screen.query_one("#verdict", Label).content).startswith("✓ Correct")
        await pilot.press("enter", "q")  # q on a choice question is a key, not text
        await pilot.pause()
        box = app.screen
        assert isinstance(box, ConfirmEndScreen)
        assert str(box.query_one("#confirm-question", Label).content) == (
            "End the quiz? 2 questions unanswered count as wrong."
        )
        await pilot.press("enter")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert (summary.summary.score, summary.summary.max_score) == (1, 3)
    (attempt,) = store.attempts("every-kind")
    assert attempt.finished_at is not None and attempt.score == 1


async def test_a_quiz_left_before_any_answer_is_not_recorded(
    build_app: AppFactory, store: Store
) -> None:
    """Neither results nor the library's last score count a quiz ended before its first
    answer as a failed attempt: it is not in the store at all."""
    app = build_app(Start(at="quiz", loaded=load(UI_DATA / "every-kind.toml"), quiz=THREE_KINDS))
    async with app.run_test(size=(80, 24)) as pilot:
        assert store.attempts("every-kind") != []
        await pilot.press(*"Min", "escape", "enter")  # the quiz was the first screen: quits
        await pilot.pause()
    assert store.attempts("every-kind") == []
    assert store.last_finished_percents() == {}


async def test_the_time_limit_ends_the_quiz_while_the_end_box_is_open(
    build_app: AppFactory, clock: Clock
) -> None:
    app = build_app(Start(at="quiz", loaded=load(UI_DATA / "timed.toml")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", "enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmEndScreen)
        clock.advance(seconds=31)
        await pilot.pause(1.2)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert (summary.summary.score, summary.summary.max_score) == (1, 2)


async def test_ctrl_s_skips_a_question_until_after_the_others(
    build_app: AppFactory, store: Store
) -> None:
    """Ctrl+S while typing skips (s would be text); the skipped question comes back last,
    fresh, and the key is offered only while another question is left to ask."""
    loaded = load(UI_DATA / "every-kind.toml")
    app = build_app(Start(at="quiz", loaded=loaded, quiz=THREE_KINDS))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        short, choice, truefalse = screen.session.questions
        assert "^s Skip" in str(screen.query_one(KeyBar).line)
        await pilot.press(*"Mi", "ctrl+s")
        await pilot.pause()
        assert screen.question is choice
        assert str(screen.query_one("#position", Label).content) == "Question 1 of 3"
        for question in (choice, truefalse):
            order = presented_order(question, loaded.deck.deck, screen.session.seed)
            await pilot.press(*answer_keys(question, order), "enter")
            await pilot.pause()
        assert screen.question is short
        assert str(screen.query_one("#position", Label).content) == (
            "Question 3 of 3 · skipped before"
        )
        assert screen.view.query_one(Input).value == ""
        assert "Skip" not in str(screen.query_one(KeyBar).line)  # nothing left to skip to
        await pilot.press("f2")
        await pilot.pause()
        assert screen.question is short
        await pilot.press(*"Minsk", "enter")
        await pilot.pause()
        assert str(screen.query_one("#way-on", Label).content) == "Enter: see your results"
        await pilot.press("enter")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert (summary.summary.score, summary.summary.max_score) == (3, 3)
    (attempt,) = store.attempts("every-kind")
    answers = store.attempt_answers(attempt.id)
    assert [(a.position, a.question_key) for a in answers] == [
        (0, "capital"),
        (1, "planet"),
        (2, answers[2].question_key),
    ]


async def test_an_exam_offers_no_skip(build_app: AppFactory) -> None:
    loaded = load(UI_DATA / "every-kind.toml")
    options = QuizOptions(exam=True, student="Ana", tags=("short", "choice"))
    app = build_app(Start(at="quiz", loaded=loaded, quiz=options))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        first = screen.question
        assert "Skip" not in str(screen.query_one(KeyBar).line)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.question is first


async def test_the_summary_table_fits_80_and_60_columns_with_the_right_answers(
    build_app: AppFactory,
) -> None:
    """Every column on screen at 80x24, at 60x20 and after a resize between them, the Result
    column included; long text wraps (at most three lines) instead of being cut at the
    edge; a missed question shows its right answer, a right one leaves that cell empty."""
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=3, count=4)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        asked = list(screen.session.questions)
        for number, question in enumerate(asked):
            order = presented_order(question, loaded.deck.deck, screen.session.seed)
            await pilot.press(*answer_keys(question, order, right=number % 2 == 0), "enter")
            await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        for size in ((80, 24), (60, 20), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            table = summary.query_one(DataTable)
            assert [str(c.label) for c in table.columns.values()] == [
                "#",
                "Question",
                "Your answer",
                "Right answer",
                "Result",
            ]
            used = sum(c.get_render_width(table) for c in table.columns.values())
            assert used <= table.scrollable_content_region.width <= size[0]
            assert all(c.width >= len(str(c.label)) for c in table.columns.values())
            cells = [[str(cell) for cell in table.get_row_at(i)] for i in range(4)]
            for number, (question, row) in enumerate(zip(asked, cells, strict=True)):
                right = number % 2 == 0
                assert row[0] == str(number + 1)
                assert row[4].startswith("✓" if right else "✗"), row
                if right:
                    assert row[3] == ""
                else:
                    expected = expected_text(question)
                    assert row[3].replace("\n", " ").startswith(expected.split()[0]), row
            wrapped = [row for row in cells if "\n" in row[1]]
            assert wrapped, "a long question wraps"
            assert all(row[1].count("\n") < 3 for row in cells)
            for question, row in zip(asked, cells, strict=True):
                shown = " ".join(row[1].removesuffix("…").split())
                assert " ".join(question.prompt.split()).startswith(shown)


async def test_match_partners_past_the_ninth_are_reached_with_the_arrows(
    build_app: AppFactory, tmp_path: Path
) -> None:
    """Number keys reach nine partners; Right/Left step through all of them. A wrong pairing
    is marked with the right partner."""
    pairs = ", ".join(f'["L{n}", "R{n}"]' for n in range(1, 12))
    deck = tmp_path / "pairs.toml"
    deck.write_text(
        f'[deck]\nid = "pairs"\ntitle = "Pairs"\n\n[[questions]]\nid = "m"\nkind = "match"\n'
        f'prompt = "Match"\npairs = [{pairs}]\n',
        encoding="utf-8",
    )
    loaded = load(deck)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        question = screen.session.questions[0]
        order = presented_order(question, loaded.deck.deck, screen.session.seed)
        assert order is not None
        keys = answer_keys(question, order, right=True)
        assert "right" in keys  # some partner is past the ninth
        await pilot.press(*keys[:-1], "left", "enter")  # the last pair stepped one back
        await pilot.pause()
        assert str(screen.query_one("#verdict", Label).content).startswith("◐ Partly right")
        marks = str(screen.view.query_one("#marks", Label).content).splitlines()
        assert len(marks) == 11 and sum(line.startswith("✗") for line in marks) == 1
        wrong = next(line for line in marks if line.startswith("✗"))
        assert wrong.startswith("✗ L") and wrong.endswith(f"— R{wrong.split()[1][1:]}")


async def test_an_answer_the_store_could_not_save_stays_to_submit_again(
    build_app: AppFactory, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk when the answer is written: the learner is told, the typed answer stays
    in its box, unlocked, and Enter saves it once there is room."""
    fails_once(store, "record_attempt_answer", monkeypatch)
    loaded = load(UI_DATA / "every-kind.toml")
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("short",))))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await pilot.press(*"Minsk", "enter")
        await pilot.pause()
        assert screen.answered == 0 and not screen.showing_feedback
        assert screen.query_one("#typed", Input).value == "Minsk"
        messages = [str(n.message) for n in app._notifications]
        assert any("database or disk is full" in m and "submit it again" in m for m in messages)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.answered == 1 and screen.showing_feedback
        assert len(store.attempt_answers(screen.session.attempt_id)) == 1  # type: ignore[union-attr]


async def test_an_overrule_or_an_end_the_store_could_not_save_can_be_tried_again(
    build_app: AppFactory, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk as the verdict is overruled, then as the quiz is closed: each is said,
    nothing changes on screen, and the same key does it once there is room."""
    fails_once(store, "overrule_attempt_answer", monkeypatch)
    fails_once(store, "finish_attempt", monkeypatch)
    loaded = load(UI_DATA / "every-kind.toml")
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("short",))))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        await pilot.press(*"Pinsk", "enter", "o")
        await pilot.pause()
        assert "Wrong" in str(screen.query_one("#verdict", Label).content)
        assert "Score 0/1" in str(screen.query_one("#score", Label).content)
        titles = [n.title for n in app._notifications]
        assert titles == ["Verdict not changed"]
        await pilot.press("o")
        await pilot.pause()
        assert "Score 1/1" in str(screen.query_one("#score", Label).content)

        await pilot.press("enter")  # the last question: the quiz ends, but cannot be closed
        await pilot.pause()
        assert app.screen is screen and not screen.ended
        assert [n.title for n in app._notifications][-1] == "Quiz not closed"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        record = store.attempt(screen.session.attempt_id)
        assert record is not None and record.finished_at is not None and record.score == 1
