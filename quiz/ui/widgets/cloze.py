"""Cloze blanks typed inline: the text wraps as one paragraph and each blank is filled in place.

Textual lays widgets out in boxes, so an `Input` per blank cannot sit inside
wrapped text. `ClozeText` is one focusable widget that draws the whole text as
`Content` (deck text via `plain`: no markup, no escapes) with the blanks as
highlighted gaps, and edits the current gap itself: type to fill it, Backspace
to take a character back, Ctrl+U to clear it, Tab / Shift+Tab (or Enter) to
move between gaps; Enter on the last gap submits. The response has the shape
`quiz.core.checking` expects of a cloze: a list with one entry per blank of a
question (one blank or many), a string for a review card that asks one blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label

from quiz.core.outline import Gap
from quiz.core.text import sanitize
from quiz.ui.widgets.answers import AnswerInput
from quiz.ui.widgets.deck_text import plain

MIN_GAP = 6
"""Cells an empty gap takes, so it reads as a gap (a hint longer than that widens it)."""


_EDIT_KEYS = [
    Binding("tab", "move(1)", "Next blank", id="cloze-next"),
    Binding("shift+tab", "move(-1)", "Previous blank", id="cloze-previous", show=False),
    Binding("ctrl+u", "clear", "Clear blank", id="cloze-clear", show=False),
]


class ClozeText(Widget, can_focus=True):
    """The cloze text with editable gaps; see the module docstring for the keys."""

    DEFAULT_CSS = """
    ClozeText {
        height: auto;
        padding: 0 1;
        border-left: blank;
    }
    ClozeText:focus {
        border-left: outer $accent;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(_EDIT_KEYS)
    """Tab and Shift+Tab move between blanks (they stay in the text); Ctrl+U clears one.
    Listed for the key bar and help; `on_key` runs them as the key arrives (see there)."""

    KEY_ACTIONS: ClassVar[dict[str, str]] = {binding.key: binding.action for binding in _EDIT_KEYS}

    current: reactive[int] = reactive(0)

    class Done(Message):
        """Enter on the last blank: the learner's entries, one per gap."""

        def __init__(self, values: list[str]) -> None:
            super().__init__()
            self.values = values

    def __init__(self, parts: Sequence[str | Gap]) -> None:
        super().__init__()
        self.parts = list(parts)
        self.gaps = [part for part in self.parts if isinstance(part, Gap)]
        if not self.gaps:
            raise ValueError("a cloze text needs at least one gap")
        self.values = [""] * len(self.gaps)

    def render(self) -> RenderResult:
        pieces: list[Content | tuple[str, str] | str] = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(plain(part))
            else:
                pieces.append(self._gap(part))
        return Content.assemble(*pieces)

    def _gap(self, gap: Gap) -> Content:
        """A gap: the typed text, else its hint (dim); highlighted when current, else ruled."""
        value = sanitize(self.values[gap.number])
        here = gap.number == self.current and self.has_focus
        style, fill = ("reverse bold", " ") if here else ("underline", "_")
        if value:
            text = value + (" " if here else "")
            return Content.assemble(
                Content.styled(text, style),
                Content.styled(fill * max(MIN_GAP - len(text), 0), f"{style} dim"),
            )
        # In brackets, so that a hint never reads as words of the sentence.
        hint = f"({sanitize(gap.hint)})" if gap.hint else ""
        return Content.assemble(
            Content.styled(hint, f"{style} italic dim"),
            Content.styled(fill * max(MIN_GAP - len(hint), 1), f"{style} dim"),
        )

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, delta: int) -> None:
        """Go to the next (or previous) blank, wrapping around."""
        self.current = (self.current + delta) % len(self.gaps)

    def action_clear(self) -> None:
        """Empty the current blank."""
        self.values[self.current] = ""
        self.refresh()

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Printable keys are typed into the blank: the key bar leaves out bindings they
        would otherwise name (as it does for an `Input`)."""
        return character is not None and character.isprintable()

    async def on_key(self, event: events.Key) -> None:
        """Typing fills the current blank; Enter moves on, and submits from the last.

        Every key is handled here, in arrival order: a binding would only run after the
        key had bubbled up to the app, so with fast typing ("x Tab y" in one read) the
        next letter would land in the blank before Tab had moved on."""
        if event.key in self.KEY_ACTIONS:
            await self.run_action(self.KEY_ACTIONS[event.key])
        elif event.key == "backspace":
            self.values[self.current] = self.values[self.current][:-1]
        elif event.key == "enter":
            if self.current + 1 < len(self.gaps):
                self.current += 1
            else:
                self.post_message(self.Done(list(self.values)))
        elif event.is_printable and event.character is not None:
            self.values[self.current] += event.character
        else:
            return
        event.stop()
        event.prevent_default()
        self.refresh()

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text goes into the current blank, on one line and without control codes."""
        event.stop()
        self.values[self.current] += " ".join(sanitize(event.text).split())
        self.refresh()

    def watch_current(self) -> None:
        self.refresh()


class InlineClozeInput(AnswerInput):
    """A cloze answered in its own text (`ClozeText`), with a line on the keys."""

    def __init__(self, parts: Sequence[str | Gap], *, one_blank_card: bool = False) -> None:
        """`one_blank_card`: a review card asking one blank, answered by a string; a whole
        cloze question is answered by a list, even when it has one blank."""
        super().__init__()
        self.parts = list(parts)
        self.one_blank_card = one_blank_card

    def compose(self) -> ComposeResult:
        text = ClozeText(self.parts)
        yield text
        several = len(text.gaps) > 1
        hint = (
            "Type in the blanks: Tab or Enter for the next, Enter on the last to answer."
            if several
            else "Type in the highlighted blank, then Enter."
        )
        yield Label(hint, classes="hint")

    @on(ClozeText.Done)
    def _done(self, event: ClozeText.Done) -> None:
        event.stop()
        self.submit(event.values[0] if self.one_blank_card else event.values)
