"""Custom study, from the deck page's `c`: review ahead, extra new cards, one tag, or a cram.

A small form over `quiz.core.custom_study`: the numbers and the tag become a
`CustomStudy` for a review; a cram filter (`tag:X`, `flag:red`, `lapses:3`) becomes a
quiz over those questions that leaves the schedule alone unless the box is ticked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from quiz.core.custom_study import CramFilter, CustomStudy
from quiz.core.text import sanitize


@dataclass(frozen=True, slots=True)
class CustomChoice:
    """What the form asked for: a widened or narrowed review, or a cram pass."""

    custom: CustomStudy | None = None
    cram: CramFilter | None = None
    schedule: bool = False
    """A cram's grades also move the schedule."""


def read_form(ahead: str, extra: str, tag: str, cram: str, *, tags: Sequence[str]) -> CustomChoice:
    """The form's fields as a choice; ValueError says which field is wrong and how."""
    days, more = _count(ahead, "Review ahead"), _count(extra, "Extra new cards")
    tag, cram = tag.strip(), cram.strip()
    if cram:
        if days or more or tag:
            raise ValueError("A cram is a pass of its own: clear the other fields, or the cram.")
        return CustomChoice(cram=CramFilter.parse(cram))
    if tag and tag not in tags:
        raise ValueError(f"No question has the tag {tag!r}.")
    if not (days or more or tag):
        raise ValueError("Fill in a field: days ahead, extra new cards, a tag or a cram.")
    return CustomChoice(custom=CustomStudy(ahead_days=days, extra_new=more, tag=tag or None))


def _count(text: str, name: str) -> int:
    text = text.strip()
    if not text:
        return 0
    if not text.isdecimal() or len(text) > 5:
        raise ValueError(f"{name}: a whole number, like 3.")
    return int(text)


class CustomStudyScreen(ModalScreen[CustomChoice | None]):
    """The custom study form; dismissed with the choice, or None when cancelled."""

    CSS_PATH = "custom_study.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="custom-cancel"),
    ]
    """Enter (in any field) studies as filled in; Tab moves between fields; Escape cancels."""

    def __init__(self, tags: Sequence[str]) -> None:
        """`tags`: the deck's question tags, offered as the tag field's hint."""
        super().__init__()
        self.tags = sorted(set(tags))

    def compose(self) -> ComposeResult:
        hint = ", ".join(self.tags[:4]) + (" ..." if len(self.tags) > 4 else "")
        with Vertical(id="custom-box"):
            yield Label("Custom study", id="custom-title")
            yield from _row("Review ahead (days)", "custom-ahead", "0", integer=True)
            yield from _row("Extra new cards today", "custom-extra", "0", integer=True)
            yield from _row("Only the tag", "custom-tag", sanitize(hint) or "no tags")
            yield Label("Or cram, the schedule left alone:", id="custom-or")
            yield from _row("Cram", "custom-cram", "tag:X  flag:red  lapses:3")
            yield Checkbox("Cram grades move the schedule", id="custom-schedule")
            yield Label("", id="custom-error", markup=False)
            yield Label("[Enter] study  [Tab] next  [Esc] cancel", id="custom-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#custom-ahead", Input).focus()

    @on(Input.Submitted)
    def action_study(self) -> None:
        """Study as filled in, or say what is wrong."""
        values = [
            self.query_one(f"#custom-{name}", Input).value
            for name in ("ahead", "extra", "tag", "cram")
        ]
        try:
            choice = read_form(*values, tags=self.tags)
        except ValueError as error:
            self.query_one("#custom-error", Label).update(sanitize(str(error)))
            return
        if choice.cram is not None:
            schedule = self.query_one("#custom-schedule", Checkbox).value
            choice = CustomChoice(cram=choice.cram, schedule=schedule)
        self.dismiss(choice)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _row(label: str, widget_id: str, placeholder: str, *, integer: bool = False) -> ComposeResult:
    with Horizontal(classes="custom-row"):
        yield Label(label, classes="custom-label")
        yield Input(
            placeholder=placeholder,
            id=widget_id,
            type="integer" if integer else "text",
            compact=True,
        )
