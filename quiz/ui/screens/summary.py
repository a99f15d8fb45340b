"""The end of a quiz: score, pass or fail, time, every answer, and a retry of the missed ones.

The table fits the screen's width: its text columns share what the number and Result
columns leave, and long text wraps (up to three lines, then cut). A missed question
shows its right answer. After an exam every row gives the right answer (the learner
saw no feedback before), the highlighted row is shown in full below it (question,
answers, explanation), and there is no retry or new attempt: a new sitting is a new exam.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Label, Static

from quiz.core.cards import Card, cards_of_question, whole_card
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


CELL_LINES = 3
"""A table cell wraps to at most this many lines (the rest is cut with …): a long
question must not push the other rows off the screen. After an exam, whose table
shares the screen with the highlighted row in full, at most EXAM_CELL_LINES."""

EXAM_CELL_LINES = 2

TEXT_SHARES = (4, 3, 3)
"""How the Question, Your answer and Right answer columns share the width left."""


def cell_text(text: str, width: int, console: Console, most: int = CELL_LINES) -> Text:
    """Deck or learner text for a table cell: sanitised, wrapped to `width` cells, at most
    `most` lines (the last cut with … when there is more)."""
    lines = list(Text(" ".join(sanitize(text).split())).wrap(console, max(1, width)))
    if len(lines) > most:
        lines = lines[:most]
        last = lines[-1]
        last.truncate(max(0, width - 1))
        last.append("…")
    return Text("\n").join(lines)


TEXT_HEADERS = ("Question", "Your answer", "Right answer")


def text_widths(available: int) -> list[int]:
    """The widths of the three text columns in `available` cells, by TEXT_SHARES; the answer
    columns take from the question's share to keep their headers whole while it can spare."""
    total = sum(TEXT_SHARES)
    widths = [max(4, available * share // total) for share in TEXT_SHARES]
    widths[0] += max(0, available - sum(widths))
    for column in (1, 2):
        short = len(TEXT_HEADERS[column]) - widths[column]
        if short > 0 and widths[0] - short >= len(TEXT_HEADERS[0]):
            widths[0] -= short
            widths[column] += short
    return widths


def mark(row: QuestionResult) -> Text:
    """✓, ✗, ◐ (partial credit) or – (unanswered), with the points earned."""
    if row.result is None:
        return Text("– 0", style="dim")
    result = row.result
    symbol = VERDICT_SYMBOLS[result.verdict.value]
    style = VERDICT_STYLES[result.verdict]
    return Text(f"{symbol} {points_text(result.score)}/{points_text(result.points)}", style=style)


class AnswersTable(DataTable[Text]):
    """The table of answers; it tells its screen when its width changes (a scroll bar on the
    screen takes from it without resizing the screen)."""

    def on_resize(self, event: events.Resize) -> None:
        screen = self.screen
        if isinstance(screen, SummaryScreen):
            screen.fill_table(event.size.width)


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
        table = AnswersTable(
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
        self.fill_table(self.size.width - 2)  # its margins; refitted as the table resizes
        self.query_one(DataTable).focus()

    def fill_table(self, table_width: int) -> None:
        """Lay the table out for `table_width`: the number and Result columns at their
        natural width, the text columns sharing the rest, so that Result stays on screen
        (it keeps its highlighted row).

        A quiz gives the right answer of the missed questions only; an exam, of every one.
        """
        table: DataTable[Text] = self.query_one(DataTable)
        rows = self.summary.questions
        marks = [mark(row) for row in rows]
        number = len(str(len(rows)))
        result = max([len("Result"), *(m.cell_len for m in marks)])
        # Room for a vertical scroll bar (2); each of the 5 columns has padding.
        available = table_width - 2 - 2 * table.cell_padding * 5 - number - result
        widths = text_widths(max(12, available))
        if [c.width for c in table.columns.values()][1:4] == widths:
            return
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column("#", key="n", width=number)
        for header, key, width in zip(
            TEXT_HEADERS, ("question", "answer", "expected"), widths, strict=True
        ):
            table.add_column(header, key=key, width=width)
        table.add_column("Result", key="result", width=result)
        console = self.app.console
        most = EXAM_CELL_LINES if self.options.exam else CELL_LINES
        for row, verdict in zip(rows, marks, strict=True):
            question = row.question
            first = cards_of_question(question)[0]
            card = Card(key=first.question_key, question=question)
            missed = row.result is None or not row.result.correct
            expected = expected_text(question) if missed or self.options.exam else ""
            table.add_row(
                Text(str(row.position + 1)),
                cell_text(prompt_of(card), widths[0], console, most),
                cell_text(self._answer(row), widths[1], console, most),
                cell_text(expected, widths[2], console, most),
                verdict,
                key=str(row.position),
                height=None,
            )
        table.move_cursor(row=cursor, animate=False)

    @on(DataTable.RowHighlighted, "#answers")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """After an exam: the highlighted question in full, with both answers."""
        if not self.options.exam or event.row_key.value is None:
            return
        row = self.summary.questions[int(event.row_key.value)]
        question = row.question
        card = whole_card(question)
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
