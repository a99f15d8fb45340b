"""The passage of the article a question was made from, over the question's feedback (`p`)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from quiz.core.passage import Passage


class PassageScreen(ModalScreen[None]):
    """The source text around a question's line, that line marked; any of its keys closes it."""

    CSS_PATH = "passage.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,p,q,enter", "close", "Close", id="close-passage"),
    ]

    def __init__(self, passage: Passage) -> None:
        super().__init__()
        self.passage = passage

    def compose(self) -> ComposeResult:
        with Vertical(id="passage-box"):
            yield Label(
                f"{self.passage.file.name}, line {self.passage.focus}",
                id="passage-title",
                markup=False,
            )
            with VerticalScroll(id="passage-lines"):
                yield Static(self._text(), id="passage-text")
            yield Label("[Esc] back to the question", id="passage-keys", markup=False)

    def _text(self) -> Table:
        """Line numbers beside the lines, a wrapped line indented under its own text; the
        question's line marked."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        for number, line in self.passage.lines:
            style = "bold reverse" if number == self.passage.focus else ""
            grid.add_row(str(number), Text(line.strip() or " ", style=style))  # Text: no markup
        return grid

    def action_close(self) -> None:
        self.dismiss(None)
