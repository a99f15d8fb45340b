"""The scored quiz: one question at a time, feedback after each answer, then the summary.

The screen drives a `quiz.core.study.QuizSession`: it shows the session's
questions in the session's order, hands each response to `session.answer` (which
checks and saves it at once) and shows the verdict. Leaving early asks first (how
the unanswered questions will count), then finishes the attempt with what was
answered, so nothing answered is lost; one left before any answer is discarded.

Ctrl+S (or F2) skips a question: it comes back after the others.

In an exam (`QuizOptions.exam`) an answer goes straight on to the next question:
no verdict and no running score until the summary, and ending early hands the exam
in. The time limit (`--time-limit`, else the deck's) ends any attempt when it runs
out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Label

from quiz.core.days import study_day
from quiz.core.outline import KIND_LABELS, Asked, OutlinedDeck, draw, draw_seed, shown_order
from quiz.core.text import sanitize
from quiz.errors import QuizError, StoreConflict, StoreError
from quiz.presentation.options import start_quiz_session
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.widgets.answers import AnswerInput
from quiz.ui.widgets.deck_text import deck_text
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.progress import Progress
from quiz.ui.widgets.question import answer_input
from quiz.ui.widgets.scrolling import bring_into_view
from quiz.ui.widgets.stage import Pane, Stage
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from quiz.core.checking import CheckResult
    from quiz.core.library import LoadedDeck
    from quiz.core.models import Question
    from quiz.core.passage import Passage
    from quiz.core.study import QuizSession, QuizSummary
    from quiz.presentation.options import QuizOptions


VERDICT_SYMBOLS = {"Correct": "✓", "Partly right": "◐", "Wrong": "✗"}
"""Shown before the verdict's word (`Verdict.value`), here and in the summary's table."""


BEGIN_AFTER_S = 0.001
"""A quiz drawn from an outline starts its session on a timer this short: it runs after the
first frame (a refresh callback would run before it, while the screen waits for the
terminal's size)."""

PREPARE_AFTER_S = 0.15
"""How long after the quiz screen comes on top its second question is laid out."""


def points_text(value: float) -> str:
    """`1`, `0.5`, `2.25`: points to two decimals without pointless zeros; a sum of partial
    scores that lands a hair off a whole number (0.67 + 3.33) reads `4`, not `4.`."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


class QuizScreen(QuizAppScreen):
    """Asks the questions of one attempt and shows feedback after each.

    Given a deck the cache holds an outline of (`OutlinedDeck`, as `quiz take` starts), the
    screen draws the attempt's questions from the outline, shows the first, and loads the
    deck and starts the session only after that first frame: the deck models, the store and
    the judge are ~200 ms of imports (issue 15). Given a loaded deck, it starts the session
    first.
    """

    CSS_PATH = "quiz.tcss"
    BLANK = True  # its background is covered everywhere: no need to draw it again on each focus
    AUTO_FOCUS = ""  # None would fall back to the app's "*"
    """The screen gives the keyboard itself (the answer box, or nothing during feedback).
    Textual's default focused the first focusable widget when a dialog closed over the
    feedback: the next question's, laid out off screen."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next", id="next-question", priority=False),
        Binding("o", "overrule(True)", "I was right", id="quiz-overrule-right"),
        Binding("o", "overrule(False)", "I was wrong", id="quiz-overrule-wrong"),
        Binding("escape,q", "leave", "End quiz", id="end-quiz"),
        Binding("ctrl+s,f2", "skip", "Skip", id="skip-question", key_display="^s"),
        Binding("p", "passage", "Passage", id="quiz-passage"),
        Binding("e", "edit", "Edit", id="quiz-edit"),
        Binding("pageup", "scroll(-1)", "Scroll up", id="quiz-scroll-up", show=False),
        Binding("pagedown", "scroll(1)", "Scroll down", id="quiz-scroll-down", show=False),
    ]
    """Enter moves on after the feedback; o overrules its verdict (not in an exam); Escape
    or q asks, then ends the quiz, keeping the answers; Ctrl+S or F2 skips a question (keys
    that are not text in an answer box; not in an exam; on a narrow bar it goes before
    Escape); e edits the question in the learner's editor after its feedback (not in an
    exam: the new version counts from the next quiz); PageUp/PageDown scroll a long
    question (the answer input keeps the focus)."""

    def __init__(
        self,
        deck: LoadedDeck | OutlinedDeck,
        options: QuizOptions,
        *,
        questions: Sequence[Question] | None = None,
    ) -> None:
        """`questions` asks exactly these (a retry of missed ones) instead of a fresh draw."""
        super().__init__()
        self.outlined = deck if isinstance(deck, OutlinedDeck) else None
        self._loaded = None if isinstance(deck, OutlinedDeck) else deck
        self.options = options
        self.only = list(questions) if questions is not None else None
        self._passage_of: tuple[Question, Passage | None] | None = None
        self.session: QuizSession | None = None
        self.early: AnswerInput.Submitted | None = None
        """An answer given before the session had started: taken as it starts."""
        self.seed: int | None = None
        """The seed the first frame drew the attempt with (from the outline), given to the
        session; `options` stay the command's, so a retake draws afresh."""
        self.first_asked: tuple[str, Asked] | None = None
        """The identity and card of the question the first frame showed, from the outline."""
        self.order: list[int] = []
        """The positions (in `session.questions`) in the order they are asked: a skipped
        question's position is added again at the end."""
        self.index = 0
        """The turn in `order` being asked."""
        self.earned = 0.0
        self.possible = 0.0
        self.answered = 0
        self.asked_at: datetime | None = None
        self.showing_feedback = False
        self.result: CheckResult | None = None
        """The verdict on the current question once answered (the learner's, if overruled)."""
        self.clock: Timer | None = None
        self.prepared: int | None = None
        """The index of the question laid out in the stage's back pane, if any."""
        self.preparing = asyncio.Lock()
        """One preparation at a time (a quick Enter can ask for the next before one ends)."""
        self.ended = False

    @property
    def loaded(self) -> LoadedDeck:
        """The deck being asked (loaded once the session has started)."""
        assert self._loaded is not None, "the deck loads as the session starts"
        return self._loaded

    @property
    def markdown(self) -> bool:
        if self.outlined is not None:
            return self.outlined.outline.markdown
        return self.loaded.deck.deck.format == "markdown"

    @property
    def deck_shuffle(self) -> bool:
        if self.outlined is not None:
            return self.outlined.outline.shuffle
        return self.loaded.deck.deck.shuffle

    def compose(self) -> ComposeResult:
        first = self._first_view()
        yield TitleBar()
        with Horizontal(id="status"):
            yield Label(f"Question 1 of {len(self.order)}", id="position")
            yield Label("", id="score")
            yield Label("", id="clock")
        yield Progress(len(self.order), id="progress")
        yield Stage(first)
        yield KeyBar(extras=("quiz-edit",))

    def _first_view(self) -> Vertical | None:
        """The first question's widgets: drawn from the outline, or asked of the session
        (started here); None when it cannot start (said in `on_mount`)."""
        outlined = self.outlined
        if outlined is None:
            self._start_session()
            return None if self.session is None else self.view_of(0)
        outline = outlined.outline
        given = self.options.seed_for(outline.deck_id)
        seed = draw_seed() if given is None else given
        self.seed = seed
        app = self.quiz_app
        today = study_day(app.now(), app.settings.day_starts_at).date  # as the session's
        shuffle = outline.shuffle if self.options.shuffle is None else self.options.shuffle
        chosen = draw(
            outline.questions,
            self.options.tags,
            self.options.count,
            seed,
            shuffle,
            today=today,
            keep_stale=self.options.exam,
        )
        self.order = list(range(len(chosen)))
        if not chosen:
            return None  # every question stale: the session says so as it starts
        self.first_asked = (chosen[0].identity, chosen[0].asked)
        return self.question_view(chosen[0].asked, seed)

    def _start_session(self) -> None:
        """Start the attempt (`self.session`), or leave the screen saying why not."""
        app = self.quiz_app
        options = self.options if self.seed is None else replace(self.options, seed=self.seed)
        try:
            self.session = start_quiz_session(
                app.store,
                self.loaded,
                options,
                settings=app.settings,
                now=app.now,
                questions=self.only,
            )
        except QuizError as error:  # every question stale, a damaged database
            self.call_later(app.leave_with_error, error, title="Cannot start the quiz")
            return
        self.order = list(range(len(self.session.questions)))

    async def on_mount(self) -> None:
        self.title = sanitize(
            self.outlined.outline.title if self.outlined else self.loaded.deck.deck.title
        )
        self.sub_title = "Exam" if self.options.exam else "Quiz"
        self._update_score()  # then only answers change it
        self._tick()
        if self.outlined is not None:
            self._show_first()
            # After the first frame: Textual paints it once this handler and the refreshes
            # it asked for are done, and a timer's callback runs after that.
            self.set_timer(BEGIN_AFTER_S, self._begin)
        elif self.session is not None:
            self._started()
            self._show_first()

    def _show_first(self) -> None:
        """The first question is on screen: take answers for it."""
        if self.order:
            self.view.query_one(AnswerInput).focus_input()
        self.asked_at = self.quiz_app.now()

    async def _begin(self) -> None:
        """Load the deck and start the session for the question the first frame shows."""
        app = self.quiz_app
        outlined = self.outlined
        assert outlined is not None
        try:
            self._loaded = app.load_outlined(outlined)
        except QuizError as error:
            app.leave_with_error(error, title="Cannot start the quiz")
            return
        self.outlined = None
        self._start_session()
        if self.session is None:
            return
        if self.first_asked != self._asked(0):
            # The deck file changed since its outline was kept, or the day did: ask what the
            # session asks (an answer given meanwhile was to another question).
            self.early = None
            with self.app.batch_update():
                await self.query_one(Stage).show(self.view_of(0))
                self._show_first()
        self._started()
        self.set_timer(PREPARE_AFTER_S, self.prepare_next)  # the one on resume came too soon

    def _started(self) -> None:
        """The session is under way: what the status line and the key bar know of it."""
        session = self.session
        assert session is not None
        from quiz.presentation.formatting import stale_notice  # not before the first frame

        notice = stale_notice(len(session.stale_questions), included=self.options.exam)
        if notice is not None:
            self.notify(notice, severity="warning", timeout=10)
        self.sub_title = f"Exam · seed {session.seed}" if self.options.exam else "Quiz"
        total = len(session.questions)
        self.query_one("#position", Label).update(f"Question 1 of {total}")
        self.query_one(Progress).total = total
        if self.time_limit is not None:
            self.clock = self.set_interval(1, self._tick)
        self._tick()
        self.refresh_bindings()
        if self.early is not None:
            self.call_later(self._answered, self.early)
            self.early = None

    # --- asking ---------------------------------------------------------------------------------

    def _asked(self, turn: int) -> tuple[str, Asked]:
        """The identity and the quiz card of the question asked at `turn` (a quiz asks a whole
        question as one card: every blank of a cloze at once)."""
        from quiz.core.cards import question_identity
        from quiz.core.outline import quiz_asked

        assert self.session is not None
        question = self.session.questions[self.order[turn]]
        return question_identity(question), quiz_asked(question)

    @property
    def question(self) -> Question:
        assert self.session is not None
        return self.session.questions[self.order[self.index]]

    def question_view(self, asked: Asked, seed: int) -> Vertical:
        """The widgets of a question: kind, prompt, answer input, and room for feedback."""
        points = points_text(asked.points)
        kind = f"{KIND_LABELS[asked.kind]} · {points} point{'s' if asked.points != 1 else ''}"
        order = shown_order(asked, self.deck_shuffle, seed)
        feedback = Vertical(id="feedback")
        feedback.display = False
        return Vertical(
            Label(kind, id="kind"),
            deck_text(asked.prompt, markdown=self.markdown, widget_id="prompt"),
            answer_input(asked, order=order, markdown=self.markdown),
            feedback,
            classes="question-view",
        )

    def view_of(self, turn: int) -> Vertical:
        """The widgets of the question asked at `turn`."""
        assert self.session is not None
        return self.question_view(self._asked(turn)[1], self.session.seed)

    @property
    def body(self) -> Pane:
        """The scrolling pane that shows the question."""
        return self.query_one(Stage).front

    @property
    def view(self) -> Vertical:
        """The question on screen (the next one may wait in the stage's back pane)."""
        return self.body.query_children(".question-view").first(Vertical)

    async def prepare_next(self) -> None:
        """Build and lay out the next question off screen while the learner answers this one,
        so that Enter only has to move it on screen."""
        async with self.preparing:
            if self.session is None or self.ended:
                return
            index = self.index + 1
            if index >= len(self.order) or self.prepared == index:
                return
            self.prepared = None
            await self.query_one(Stage).prepare(self.view_of(index))
            if self.index + 1 == index:  # not overtaken by a quick Enter meanwhile
                self.prepared = index

    async def show_question(self) -> None:
        """Put the current question on screen: the prepared one if it is ready."""
        assert self.session is not None
        stage = self.query_one(Stage)
        with self.app.batch_update():
            total = len(self.session.questions)
            again = " · skipped before" if self.index >= total else ""
            self.query_one("#position", Label).update(
                f"Question {self.answered + 1} of {total}{again}"
            )
            self.query_one(Progress).progress = self.answered
            self.showing_feedback = False
            if self.prepared == self.index:
                stage.swap()
            else:
                await stage.show(self.view_of(self.index))
            self.prepared = None
            self.view.query_one(AnswerInput).focus_input()
        self.asked_at = self.quiz_app.now()
        self.call_after_refresh(self.prepare_next)

    def on_screen_resume(self) -> None:
        """Prepare the next question a moment after this screen comes on top.

        Not after a refresh: the first frame of a screen pushed as the app starts is drawn
        only once the terminal's size arrives, after the mount's refreshes, and the ~30 ms
        of laying out the next question delayed it (issue 15). Nobody answers in 0.15 s,
        and Enter before then shows an unprepared question the slower way."""
        super().on_screen_resume()
        self.set_timer(PREPARE_AFTER_S, self.prepare_next)

    def action_scroll(self, direction: int) -> None:
        """Scroll the question and feedback by a page."""
        body = self.body
        body.scroll_page_down() if direction > 0 else body.scroll_page_up()

    def on_click(self) -> None:
        """A click on the text must not strand the keyboard: focus goes back to the answer."""
        if not self.showing_feedback and self.focused is None:
            self.view.query_one(AnswerInput).focus_input()

    @on(AnswerInput.Submitted)
    async def _answered(self, event: AnswerInput.Submitted) -> None:
        if self.session is None and self.outlined is not None:
            self.early = event  # the session starts right after the first frame
            return
        if self.session is None or self.showing_feedback or self.ended:
            return
        duration = self.quiz_app.now() - (self.asked_at or self.quiz_app.now())
        try:
            result = self.session.answer(
                self.question,
                event.response,
                duration_ms=max(0, int(duration.total_seconds() * 1000)),
            )
        except StoreError as error:  # a full disk, a database locked too long: try again
            answer = self.view.query_one(AnswerInput)
            answer.disabled = False
            answer.focus_input()
            self.notify(
                f"{sanitize(str(error))}. Your answer is still here: submit it again.",
                title="Not saved",
                severity="error",
                timeout=15,
            )
            return
        self.answered += 1
        self.result = result
        self.earned += result.score
        self.possible += result.points
        self._update_score()
        self.query_one(Progress).progress = self.answered
        if self.options.exam:  # no verdict until the end: straight on
            self.showing_feedback = True  # blocks a second answer until the next one shows
            self.call_after_refresh(self.action_next)
            return
        await self.show_feedback(result)

    async def show_feedback(self, result: CheckResult) -> None:
        """Right or wrong, what was wrong and the right answer, the explanation and the points
        earned; scrolled into view with the way on ("Enter: next question") beside the
        verdict."""
        self.showing_feedback = True
        feedback = self.view.query_one("#feedback", Vertical)
        feedback.set_class(result.correct, "correct")
        feedback.set_class(not result.correct, "wrong")
        verdict = Content.assemble(
            (f"{VERDICT_SYMBOLS[result.verdict.value]} {result.verdict.value}", "bold"),
            f"  +{points_text(result.score)} of {points_text(result.points)}",
        )
        from quiz.ui.widgets.feedback import feedback_widgets

        last = self.index + 1 >= len(self.order)
        widgets = feedback_widgets(
            result,
            self.question,
            verdict=verdict,
            way_on="Enter: see your results" if last else "Enter: next question",
            markdown=self.markdown,
        )
        with self.app.batch_update():
            await feedback.remove_children()
            await feedback.mount_all(widgets)
            feedback.display = True
            self.set_focus(None)
        self.refresh_bindings()
        self.call_after_refresh(bring_into_view, self.body, feedback)
        self.call_after_refresh(self.query_one(Stage).warm)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.showing_feedback
        if action == "skip":  # pointless for the last question left: it would come straight back
            unasked = self.index + 1 < len(self.order)
            return not self.options.exam and not self.showing_feedback and unasked
        if action == "overrule":
            shown = self.showing_feedback and not self.options.exam and self.result is not None
            return shown and self.result is not None and parameters[0] != self.result.correct
        if action == "passage":
            return self.showing_feedback and self._passage() is not None
        if action == "edit":
            return self.showing_feedback and not self.options.exam and self.quiz_app.can_edit
        return True

    def _passage(self) -> Passage | None:
        """The article passage the current question was made from, when the deck's source
        text is there (read once per question)."""
        question = self.question
        if question.source_line is None:
            return None
        if self._passage_of is None or self._passage_of[0] is not question:
            from quiz.core.passage import source_passage

            loaded = self.loaded
            self._passage_of = (question, source_passage(loaded.path, loaded.deck.deck, question))
        return self._passage_of[1]

    def action_passage(self) -> None:
        """Show the passage of the article the question comes from."""
        passage = self._passage() if self.showing_feedback else None
        if passage is not None:
            from quiz.ui.screens.passage import PassageScreen

            self.app.push_screen(PassageScreen(passage))

    async def action_overrule(self, right: bool) -> None:
        """The learner's last word: "I was right" or "I was wrong" about the verdict shown."""
        if self.session is None or self.result is None or self.options.exam:
            return
        if not self.showing_feedback or right == self.result.correct:
            return
        try:
            verdict = self.session.overrule(self.question, right)
        except StoreConflict:
            self.notify(
                "This card was answered elsewhere meanwhile; not changed.", severity="warning"
            )
            return
        except StoreError as error:  # a full disk, a database locked too long: try again
            self.notify(sanitize(str(error)), title="Verdict not changed", severity="error")
            return
        self.earned += verdict.score - self.result.score
        self.result = verdict
        self._update_score()
        await self.show_feedback(verdict)

    async def action_skip(self) -> None:
        """Leave this question unanswered for now: it is asked again after the others."""
        if self.options.exam or self.showing_feedback or self.ended:
            return
        if self.index + 1 >= len(self.order):
            return
        self.order.append(self.order[self.index])
        self.index += 1
        await self.show_question()

    def action_edit(self) -> None:
        """Edit the question just answered; this attempt keeps the questions it started with,
        the next quiz or review takes the edited deck."""
        if not self.showing_feedback or self.options.exam:
            return
        edited = self.quiz_app.edit_question(
            self.loaded.path, self.question, keeps="the version before stays"
        )
        if edited is not None:  # this attempt (and a retry of it) keeps its questions
            self.notify("Saved: the next quiz or review asks the new version.", timeout=5)

    async def action_next(self) -> None:
        """Go on to the next question, or to the results after the last one."""
        if not self.showing_feedback or self.session is None:
            return
        if self.index + 1 >= len(self.order):
            self.finish()
            return
        self.index += 1
        await self.show_question()  # focusing its input refreshes the key bar

    # --- score, clock, end ----------------------------------------------------------------------

    def _update_score(self) -> None:
        if self.options.exam:
            self.query_one("#score", Label).update(f"Answered {self.answered}")
            return
        self.query_one("#score", Label).update(
            f"Score {points_text(self.earned)}/{points_text(self.possible)}"
        )

    @property
    def time_limit(self) -> int | None:
        """Seconds for the attempt: `--time-limit`, else the deck's `time_limit`."""
        deck = self.outlined.outline if self.outlined is not None else self.loaded.deck.deck
        return self.options.time_limit_for(deck)

    def remaining(self) -> float | None:
        """Seconds left of the time limit, or None without one."""
        limit = self.time_limit
        if limit is None or self.session is None:
            return None
        spent = (self.quiz_app.now() - self.session.started_at).total_seconds()
        return limit - spent

    def _tick(self) -> None:
        left = self.remaining()
        label = self.query_one("#clock", Label)
        label.display = left is not None
        if left is None:
            return
        from datetime import timedelta

        from quiz.presentation.formatting import duration_text  # not before the first frame

        label.update(f"⏱ {duration_text(timedelta(seconds=max(0.0, left)))} left")
        label.set_class(left < 30, "hurry")
        if left <= 0:
            self.notify("Time is up.", severity="warning")
            self.finish()

    def action_leave(self) -> None:
        """Ask, then end the quiz; answered questions are kept and scored. A stray Escape
        must not throw away a half-typed answer and count the rest as wrong."""
        if self.session is None or self.ended:
            return
        from quiz.ui.screens.confirm_end import ConfirmEndScreen

        def answer(end: bool | None) -> None:
            if end:
                self.finish()

        unanswered = len(self.session.questions) - self.answered
        box = ConfirmEndScreen(
            exam=self.options.exam, answered=self.answered, unanswered=unanswered
        )
        self.app.push_screen(box, answer)

    def close_attempt(self) -> QuizSummary | None:
        """Finish the attempt in the store (once); one left before any answer is discarded,
        never counted as failed (an exam is handed in all the same: its unanswered questions
        count)."""
        if self.ended or self.session is None:
            return None
        if self.clock is not None:
            self.clock.stop()
        if self.answered == 0 and not self.options.exam:
            self.session.discard()
            summary = None
        else:
            summary = self.session.finish()  # a StoreError leaves it open, to try again
        self.ended = True
        return summary

    def finish(self) -> None:
        """Close the attempt and show the summary in place of this screen (nothing answered:
        just leave)."""
        if self.ended:
            return
        from quiz.ui.screens.confirm_end import ConfirmEndScreen

        if isinstance(self.app.screen, ConfirmEndScreen):  # the time ran out while asking
            self.app.pop_screen()
        try:
            summary = self.close_attempt()
        except StoreError as error:
            self.notify(
                f"{sanitize(str(error))}. Every answer is saved; end the quiz again to retry.",
                title="Quiz not closed",
                severity="error",
            )
            return
        if summary is None:
            self.quiz_app.go_back()
            return
        from quiz.ui.screens.summary import SummaryScreen

        self.app.switch_screen(SummaryScreen(self.loaded, self.options, summary))
