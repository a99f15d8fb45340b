"""The first screen of an exam: the rules, the seed of the question order, and the name.

A teacher reads the seed aloud (or checks it on every screen of the class): the
same seed means the same questions in the same order. A name is required; it is
asked here when `quiz take --exam` was not given `--student`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from quiz.core.text import counted, sanitize
from quiz.presentation.formatting import duration_text
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.screens.quiz import points_text
from quiz.ui.widgets.deck_text import plain
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from quiz.core.library import LoadedDeck
    from quiz.presentation.options import QuizOptions


def order_text(loaded: LoadedDeck, options: QuizOptions) -> str:
    """How the questions are ordered, with the seed when everyone shares it."""
    seed = options.seed_for(loaded.deck.deck.id)
    if options.per_student and options.seed is None:
        if options.student is None:
            return "Question order: your own, from your name and this deck"
        return f"Question order: seed {seed} (from your name and this deck)"
    return f"Question order: seed {seed} (the same for everyone with this seed)"


class ExamStartScreen(QuizAppScreen):
    """Rules, seed and time limit of an exam; the student types their name and starts."""

    CSS_PATH = "exam.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start exam", id="start-exam", priority=True),
        # priority: Enter in the name box starts too
        Binding("escape", "leave", "Leave", id="leave-exam"),
    ]
    """Enter starts the exam (with a name); Escape leaves before anything is recorded."""

    def __init__(self, loaded: LoadedDeck, options: QuizOptions) -> None:
        super().__init__()
        self.loaded = loaded
        self.options = options

    def compose(self) -> ComposeResult:
        meta = self.loaded.deck.deck
        options = self.options
        wanted = set(options.tags)
        asked = [q for q in self.loaded.deck.questions if not wanted or wanted & set(q.tags)]
        if options.count is not None:
            asked = asked[: options.count]
        limit = options.time_limit_for(meta)
        timing = (
            "No time limit"
            if limit is None
            else f"Time limit: {duration_text(timedelta(seconds=limit))}; when it runs out"
            " the exam ends and what you answered counts"
        )
        yield TitleBar()
        with Vertical(id="exam-intro"):
            yield Label(plain(meta.title).stylize("bold"), id="exam-title")
            yield Label(
                f"Exam · {counted(len(asked), 'question')}"
                f" · {points_text(sum(q.points for q in asked))} points"
                f" · pass mark {points_text(meta.pass_mark)}%",
                id="exam-figures",
            )
            yield Label(order_text(self.loaded, options), id="exam-seed")
            yield Label(timing, id="exam-time")
            yield Label(
                "Each answer is saved when you give it and you go straight on: no feedback"
                " and no going back until the end, where you see every answer and your score.",
                id="exam-rules",
            )
            if options.student is None:
                yield Label("Your name", id="exam-name-label")
                yield Input(placeholder="First and last name", id="exam-name", max_length=80)
            else:
                yield Label(
                    Content.assemble("Student: ", plain(sanitize(options.student))),
                    id="exam-student",
                )
            yield Label("", id="exam-error")
            yield Label("Enter: start the exam   Esc: leave", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = sanitize(self.loaded.deck.deck.title)
        self.sub_title = "Exam"
        if self.options.student is None:
            self.query_one("#exam-name", Input).focus()

    def action_start(self) -> None:
        """Check the name, then ask the first question (the attempt starts now)."""
        from quiz.presentation.students import StudentNameError, clean_student_name

        student = self.options.student
        if student is None:
            try:
                student = clean_student_name(self.query_one("#exam-name", Input).value)
            except StudentNameError as error:
                self.query_one("#exam-error", Label).update(str(error))
                return
        from quiz.ui.screens.quiz import QuizScreen

        self.app.switch_screen(QuizScreen(self.loaded, replace(self.options, student=student)))

    def action_leave(self) -> None:
        """Leave without starting: nothing is recorded."""
        self.quiz_app.go_back()
