"""The answer inputs, each posting `AnswerInput.Submitted(response)`: their base, the typed
answer and the flashcard here; the kinds picked from a list in `quiz.ui.widgets.lists`, the
cloze in `quiz.ui.widgets.cloze`.

The widgets only collect a response in the shape `quiz.core.checking` expects
(bool, str, list of str, or left->right mapping); they never judge it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label

from quiz.ui.widgets.deck_text import plain

if TYPE_CHECKING:
    from quiz.core.checking import Response


class AnswerInput(Vertical):
    """Base of the answer inputs: a container that posts `Submitted` once."""

    DEFAULT_CSS = """
    AnswerInput {
        height: auto;
        margin-top: 1;
    }
    AnswerInput OptionList {
        height: auto;
        max-height: 12;
    }
    AnswerInput .hint {
        width: 1fr;
        color: $text-muted;
    }
    AnswerInput:disabled .hint {
        display: none;  /* how to answer, once answered: room for the feedback */
    }
    AnswerInput .typed-row {
        height: auto;
    }
    AnswerInput .typed-row Input {
        width: 1fr;
    }
    AnswerInput .unit {
        width: auto;
        padding: 1 1 0 1;
    }
    AnswerInput #match {
        height: auto;
    }
    AnswerInput #lefts {
        width: 1fr;
    }
    AnswerInput #rights {
        width: 1fr;
        padding: 0 1;
    }
    AnswerInput .buttons {
        height: auto;
        align-horizontal: center;
    }
    AnswerInput .buttons Button {
        margin: 0 1;
    }
    AnswerInput #back {
        border-left: thick $accent;
        padding-left: 1;
        margin-bottom: 1;
    }
    """

    class Submitted(Message):
        """The learner committed an answer."""

        def __init__(self, response: Response) -> None:
            super().__init__()
            self.response = response

    def __init__(self) -> None:
        super().__init__(id="answer")

    def submit(self, response: Response) -> None:
        """Post the response and lock the input so a second key press cannot answer twice."""
        if self.disabled:
            return
        self.post_message(self.Submitted(response))
        self.disabled = True

    def focus_input(self) -> None:
        """Give keyboard focus to the first widget that takes the answer."""
        focusable = [w for w in self.query("*") if w.focusable]
        if focusable:
            focusable[0].focus()


class TypedInput(AnswerInput):
    """A typed answer (short or numeric); Enter submits."""

    def __init__(
        self,
        *,
        placeholder: str = "Type your answer",
        unit: str | None = None,
    ) -> None:
        super().__init__()
        self.placeholder = placeholder
        self.unit = unit

    def compose(self) -> ComposeResult:
        with Horizontal(classes="typed-row"):
            yield Input(placeholder=self.placeholder, id="typed")
            if self.unit:
                yield Label(plain(self.unit), classes="unit", markup=False)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)


class FlashcardInput(AnswerInput):
    """Reveal the back with Space, then say whether you knew it (Space/Y) or not (N)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal_or_knew", "Reveal / knew it", id="reveal"),
        Binding("y", "grade(True)", "Knew it", id="knew-it", show=False),
        Binding("n", "grade(False)", "Missed it", id="missed-it", show=False),
    ]
    """Space reveals the answer and, once shown, counts the card as known."""

    can_focus = True

    def __init__(self, back: str, *, markdown: bool = False) -> None:
        super().__init__()
        self.back = back
        self.markdown = markdown
        self.revealed = False

    def compose(self) -> ComposeResult:
        yield Label("Press Space to show the answer.", id="reveal-hint", classes="hint")
        with Horizontal(id="self-grade", classes="buttons"):
            yield Button("Missed it (N)", id="missed", variant="error")
            yield Button("Knew it (Space/Y)", id="knew", variant="success")

    def on_mount(self) -> None:
        self.query_one("#self-grade").display = False

    def focus_input(self) -> None:
        self.focus()

    def reveal(self) -> None:
        """Show the back of the card and the self-grading buttons."""
        if self.revealed:
            return
        from quiz.ui.widgets.deck_text import deck_text

        self.revealed = True
        self.mount(deck_text(self.back, markdown=self.markdown, widget_id="back"), before=0)
        self.query_one("#reveal-hint").display = False
        self.query_one("#self-grade").display = True

    def action_reveal_or_knew(self) -> None:
        """Reveal the answer; once revealed, count it as known."""
        if self.revealed:
            self.submit(True)
        else:
            self.reveal()

    def action_grade(self, knew: bool) -> None:
        """Say whether you knew the answer (only after revealing it)."""
        if self.revealed:
            self.submit(knew)

    def submit(self, response: Response) -> None:
        """Answer, and drop the self-grading buttons: the feedback takes their place."""
        super().submit(response)
        self.query_one("#self-grade").display = False

    @on(Button.Pressed, "#knew")
    def _knew(self) -> None:
        self.submit(True)

    @on(Button.Pressed, "#missed")
    def _missed(self) -> None:
        self.submit(False)
