"""The card browser's two questions: forget these cards? and to which day move them?"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from quiz.core.card_query import QueryError, due_day
from quiz.core.text import counted


class ForgetScreen(ModalScreen[bool]):
    """Asks before cards go back to new; dismissed with True to forget them."""

    CSS_PATH = "forget.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "forget", "Forget", id="confirm-forget", priority=True),
        Binding("escape", "keep", "Keep them", id="keep-cards"),
    ]
    """Enter forgets; Escape leaves the cards as they are."""

    def __init__(self, cards: int) -> None:
        super().__init__()
        self.cards = cards

    def compose(self) -> ComposeResult:
        with Vertical(id="forget-box"):
            yield Label(
                f"Forget {counted(self.cards, 'card')}? They start again as new cards;"
                " their answers stay in the history, and u undoes it.",
                id="forget-question",
                markup=False,
            )
            yield Label("[Enter] forget  [Esc] keep them", id="forget-keys", markup=False)

    def action_forget(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)


class SetDueScreen(ModalScreen[date | None]):
    """Asks for the study day cards become due; dismissed with it, or None."""

    CSS_PATH = "set_due.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-due"),
    ]
    """Enter (in the box) moves the cards; Escape leaves them."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="due-box"):
            yield Label("Due on which day?", id="due-question")
            yield Input(placeholder="today, tomorrow, 7 (days), 2026-03-20", id="due-day")
            yield Label(
                "[Enter] set  [Esc] cancel  (new cards keep no date)", id="due-hint", markup=False
            )

    def on_mount(self) -> None:
        self.query_one("#due-day", Input).focus()

    @on(Input.Submitted, "#due-day")
    def _entered(self, event: Input.Submitted) -> None:
        try:
            day = due_day(event.value, self.today)
        except QueryError as error:
            self.query_one("#due-hint", Label).update(str(error))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
