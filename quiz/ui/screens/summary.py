"""The end of a quiz: score, pass or fail, time, every answer, and a retry of the missed ones.

After an exam the table also gives the right answer (the learner saw no feedback
before), the highlighted row is shown in full below it (question, answers,
explanation), and there is no retry or new attempt: a new sitting is a new exam.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Label, Static

from quiz.core.cards import Card, cards_of_question
from quiz.core.checking import Verdict, expected_text
from quiz.core.models import Flashcard
from quiz.core.text import sanitize
from quiz.presentation.formatting import duration_text, response_text
from quiz.presentation.questions import prompt_of
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.screens.quiz import VERDICT_SYMBOLS, points_text
from quiz.ui.widgets.deck_text import plain
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from quiz.core.library import LoadedDeck
    from quiz.core.models import Question
    from quiz.core.study import QuestionResult, QuizSummary
    from quiz.presentation.options import QuizOptions


VERDICT_STYLES = {Verdict.CORRECT: "green", Verdict.PARTLY_RIGHT: "yellow", Verdict.WRONG: "red"}


def one_line(text: str, width: int = 60) -> Text:
    """Deck or learner text for a table cell: sanitised, on one line, cut to `width`."""
    flat = " ".join(sanitize(text).split())
    return Text(flat if len(flat) <= width else flat[: width - 1] + "…")


def mark(row: QuestionResult) -> Text:
    """✓, ✗, ◐ (partial credit) or – (unanswered), with the points earned."""
    if row.result is None:
        return Text("– 0", style="dim")
    result = row.result
    symbol = VERDICT_SYMBOLS[result.verdict]
    style = VERDICT_STYLES[result.verdict]
    return Text(f"{symbol} {points_text(result.score)}/{points_text(result.points)}", style=style)


class SummaryScreen(QuizAppScreen):
    """The results of one attempt."""

    CSS_PATH = "summary.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry missed", id="retry-missed"),
        Binding("a", "again", "New attempt", id="quiz-again"),
        Binding("escape,q", "close", "Done", id="close-summary"),
    ]
    """R retries only the questions answered wrong; A starts a fresh attempt; q leaves."""

    def __init__(self, loaded: LoadedDeck, options: QuizOptions, summary: QuizSummary) -> None:
        super().__init__()
        self.loaded = loaded
        self.options = options
        self.summary = summary
        self.missed = [
            row.question
            for row in summary.questions
            if row.result is None or not row.result.correct
        ]

    def compose(self) -> ComposeResult:
        summary = self.summary
        meta = self.loaded.deck.deck
        verdict = "Passed" if summary.passed else "Not passed"
        yield TitleBar()
        with Vertical(id="result", classes="passed" if summary.passed else "failed"):
            yield Label(
                Content.assemble(
                    (f"{verdict} ", "bold"), f"· pass mark {points_text(meta.pass_mark)}%"
                ),
                id="verdict",
            )
            yield Label(
                f"Score {points_text(summary.score)} of {points_text(summary.max_score)}"
                f" ({summary.percent:.0f}%)   Time {duration_text(summary.duration)}"
                f"   Right {sum(1 for r in summary.questions if r.result and r.result.correct)}"
                f" of {len(summary.questions)}",
                id="figures",
            )
        table: DataTable[Text] = DataTable(
            id="answers",
            cursor_type="row",
            zebra_stripes=True,
            classes="exam" if self.options.exam else "",
        )
        yield table
        if self.options.exam:  # Tab focuses it, to scroll a long one with the arrows
            with VerticalScroll(id="detail"):
                yield Static("", id="detail-text", markup=False)
        with Horizontal(id="actions"):
            if not self.options.exam:
                yield Button(
                    f"Retry {len(self.missed)} missed (R)",
                    id="retry",
                    variant="primary",
                    disabled=not self.missed,
                )
                yield Button("New attempt (A)", id="again")
            yield Button("Done (Q)", id="done")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = sanitize(self.loaded.deck.deck.title)
        exam = self.options.exam
        self.sub_title = "Exam results" if exam else "Results"
        table = self.query_one(DataTable)
        table.add_column("#", key="n")
        table.add_column("Question", key="question", width=22 if exam else 30)
        table.add_column("Your answer", key="answer", width=15 if exam else 24)
        if exam:
            table.add_column("Right answer", key="expected", width=15)
        table.add_column("Result", key="result")
        for row in self.summary.questions:
            question = row.question
            first = cards_of_question(question)[0]
            card = Card(key=first.question_key, question=question)
            answer = self._answer(row)
            cells = [Text(str(row.position + 1)), one_line(prompt_of(card)), one_line(answer)]
            if exam:
                cells.append(one_line(expected_text(question)))
            table.add_row(*cells, mark(row), key=str(row.position))
        table.focus()

    @on(DataTable.RowHighlighted, "#answers")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """After an exam: the highlighted question in full, with both answers."""
        if not self.options.exam or event.row_key.value is None:
            return
        row = self.summary.questions[int(event.row_key.value)]
        question = row.question
        card = Card(key=cards_of_question(question)[0].question_key, question=question)
        lines: list[Content | str] = [
            plain(" ".join(prompt_of(card).split())).stylize("bold"),
            Content.assemble(("Your answer: ", "bold"), plain(self._answer(row))),
            Content.assemble(("Right answer: ", "bold"), plain(expected_text(question))),
        ]
        if row.result is not None and row.result.remark:
            lines.append(plain(row.result.remark))
        if question.explanation:
            lines.append(plain(" ".join(question.explanation.split())))
        self.query_one("#detail-text", Static).update(Content("\n").join(lines))
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    @staticmethod
    def _answer(row: QuestionResult) -> str:
        if row.response is None:
            return "—"
        if isinstance(row.question, Flashcard):
            return "knew it" if row.response is True else "did not know"
        return response_text(row.response)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("retry", "again") and self.options.exam:
            return False
        if action == "retry":
            return True if self.missed else None
        return True

    def action_retry(self) -> None:
        """Take a new attempt with only the questions missed in this one."""
        if self.missed:
            self.app.switch_screen(self._quiz(self.missed))

    def action_again(self) -> None:
        """Take a fresh attempt with the same options."""
        self.app.switch_screen(self._quiz(None))

    def _quiz(self, questions: Sequence[Question] | None) -> Screen[None]:
        from quiz.ui.screens.quiz import QuizScreen

        return QuizScreen(self.loaded, self.options, questions=questions)

    def action_close(self) -> None:
        """Back to where the quiz was started from."""
        self.quiz_app.go_back()

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        self.action_retry()

    @on(Button.Pressed, "#again")
    def _again(self) -> None:
        self.action_again()

    @on(Button.Pressed, "#done")
    def _done(self) -> None:
        self.action_close()
