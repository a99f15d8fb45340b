"""The four answer buttons of a review, each labelled with the interval it would give."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button
from textual.widgets.button import ButtonVariant

from quiz.core.scheduling import Grade

VARIANTS: dict[Grade, ButtonVariant] = {
    Grade.Again: "error",
    Grade.Hard: "warning",
    Grade.Good: "success",
    Grade.Easy: "primary",
}


class GradeBar(Horizontal):
    """Again / Hard / Good / Easy with their next intervals; keys 1-4 live on the screen."""

    DEFAULT_CSS = """
    GradeBar {
        height: auto;
        align-horizontal: center;
        padding: 0 1;
    }
    GradeBar Button {
        width: 1fr;
        max-width: 18;
        min-width: 0;
        margin: 0 0 0 1;
    }
    """

    class Chosen(Message):
        """A grade button was pressed."""

        def __init__(self, grade: Grade) -> None:
            super().__init__()
            self.grade = grade

    def __init__(
        self, intervals: Mapping[Grade, str], allowed: Collection[Grade] = tuple(Grade)
    ) -> None:
        super().__init__(id="grades")
        self.intervals = dict(intervals)
        """Each grade's interval label ("10m", "7-9d": `ReviewSession.interval_labels`)."""
        self.allowed = set(allowed)

    def compose(self) -> ComposeResult:
        for grade in Grade:
            label = f"{int(grade)} {grade.name} {self.intervals[grade]}"
            yield Button(
                label,
                id=f"grade-{grade.name.lower()}",
                variant=VARIANTS[grade],
                disabled=grade not in self.allowed,
                compact=True,
            )

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = (event.button.id or "").removeprefix("grade-").capitalize()
        self.post_message(self.Chosen(Grade[name]))
