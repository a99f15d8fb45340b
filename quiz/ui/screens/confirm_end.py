"""The question before a quiz or an exam ends early: how the unanswered questions will count.

Escape (or q) in a quiz used to end it at once, dropping a half-typed answer; now it
opens this box, and only Enter ends. A quiz and an exam ask the same way.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label


def end_question(*, exam: bool, answered: int, unanswered: int) -> str:
    """What ending now means: "End the quiz? 3 questions unanswered count as wrong."."""
    ask = "Hand in the exam?" if exam else "End the quiz?"
    if answered == 0 and not exam:
        return f"{ask} Nothing is answered yet: this quiz will not be recorded."
    if unanswered == 0:
        return f"{ask} Every question is answered."
    are = "question unanswered counts" if unanswered == 1 else "questions unanswered count"
    return f"{ask} {unanswered} {are} as wrong."


class ConfirmEndScreen(ModalScreen[bool]):
    """Asks before a quiz or exam ends early; dismissed with True to end it."""

    CSS_PATH = "confirm_end.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "end", "End", id="confirm-end", priority=True),
        Binding("escape", "keep", "Keep going", id="keep-going"),
    ]
    """Enter ends (priority: nothing here takes Enter otherwise); Escape goes back to the
    question, with whatever was typed still there."""

    def __init__(self, *, exam: bool, answered: int, unanswered: int) -> None:
        super().__init__()
        self.question = end_question(exam=exam, answered=answered, unanswered=unanswered)
        self.end_label = "hand in" if exam else "end"

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(self.question, id="confirm-question", markup=False)
            yield Label(
                f"[Enter] {self.end_label}  [Esc] keep going",
                id="confirm-keys",
                markup=False,
            )

    def action_end(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)
