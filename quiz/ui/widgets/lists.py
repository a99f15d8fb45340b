"""The answers picked from a list: one choice, several, true or false, an order, the pairs.

Imported when such a question is first shown (`quiz.ui.widgets.question`): a quiz that opens
on a typed answer draws its first frame without these classes (issue 15). Each collects a
response in the shape `quiz.core.checking` expects and never judges it; texts arrive in the
order to present them (`quiz.core.outline.shown_order`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from quiz.ui.widgets.answers import AnswerInput
from quiz.ui.widgets.deck_text import plain

NUMBER_KEYS = "123456789"


def _number_bindings(action: str, description: str) -> list[BindingType]:
    """Keys 1-9 for `action(n)`; only the first is shown, labelled `1-9`."""
    return [
        Binding(
            key,
            f"{action}({index})",
            description,
            show=index == 0,
            key_display="1-9" if index == 0 else None,
        )
        for index, key in enumerate(NUMBER_KEYS)
    ]


def _numbered(index: int, text: str) -> Content:
    """`3. Paris`; past the ninth no number, as no key picks it (a `10.` would invite a 1)."""
    label = f"{index + 1}. " if index < len(NUMBER_KEYS) else "   "
    return Content.assemble((label, "bold"), plain(text))


class ChoiceList(OptionList):
    """An option list where 1-9 pick an option directly."""

    BINDINGS: ClassVar[list[BindingType]] = _number_bindings("pick", "Choose")
    """1-9 choose the numbered option; arrows and Enter work as in any list."""

    class Picked(Message):
        """An option was chosen by its number key."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def action_pick(self, index: int) -> None:
        """Highlight option `index` and report it."""
        if index < self.option_count:
            self.highlighted = index
            self.post_message(self.Picked(index))


class SingleChoiceInput(AnswerInput):
    """Pick one choice: a number key or arrows and Enter."""

    def __init__(self, choices: Sequence[str]) -> None:
        super().__init__()
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        yield ChoiceList(
            *[Option(_numbered(i, c)) for i, c in enumerate(self.choices)],
            id="choices",
            markup=False,
        )

    @on(ChoiceList.Picked)
    def _picked(self, event: ChoiceList.Picked) -> None:
        self.submit(self.choices[event.index])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.submit(self.choices[event.option_index])


class TrueFalseInput(AnswerInput):
    """True or false: T/F keys, 1/2, or arrows and Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "answer(True)", "True", id="answer-true"),
        Binding("f", "answer(False)", "False", id="answer-false"),
    ]
    """T and F answer at once, wherever the focus is inside the input."""

    def compose(self) -> ComposeResult:
        yield ChoiceList(Option(_numbered(0, "True")), Option(_numbered(1, "False")), id="choices")

    def action_answer(self, value: bool) -> None:
        """Answer true or false."""
        self.submit(value)

    @on(ChoiceList.Picked)
    def _picked(self, event: ChoiceList.Picked) -> None:
        self.submit(event.index == 0)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.submit(event.option_index == 0)


class MultiChoiceList(ChoiceList):
    """A choice list where numbers and Space toggle, and Enter submits the set."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_number_bindings("pick", "Toggle"),
        Binding("space", "tick", "Toggle", id="toggle-choice", show=False),
        Binding("enter", "select", "Submit", id="submit-choices"),
    ]
    """1-9 or Space tick a choice; Enter submits every ticked choice."""

    class Toggled(Message):
        """The highlighted option was ticked or unticked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Done(Message):
        """The learner submitted the ticked set."""

    def action_pick(self, index: int) -> None:
        """Tick or untick option `index`."""
        if index < self.option_count:
            self.highlighted = index
            self.post_message(self.Toggled(index))

    def action_tick(self) -> None:
        """Tick or untick the highlighted option."""
        if self.highlighted is not None:
            self.post_message(self.Toggled(self.highlighted))

    def action_select(self) -> None:
        """Submit instead of selecting one option."""
        self.post_message(self.Done())


class MultiChoiceInput(AnswerInput):
    """Tick every right choice, then Enter."""

    def __init__(self, choices: Sequence[str]) -> None:
        super().__init__()
        self.choices = list(choices)
        self.ticked: set[int] = set()

    def compose(self) -> ComposeResult:
        yield MultiChoiceList(
            *[Option(self._prompt(i)) for i in range(len(self.choices))], id="choices"
        )
        yield Label("Tick with 1-9 or Space, submit with Enter.", classes="hint")

    def _prompt(self, index: int) -> Content:
        box = "[x] " if index in self.ticked else "[ ] "
        return Content.assemble(box, _numbered(index, self.choices[index]))

    @on(MultiChoiceList.Toggled)
    def _toggled(self, event: MultiChoiceList.Toggled) -> None:
        self.ticked ^= {event.index}
        self.query_one(MultiChoiceList).replace_option_prompt_at_index(
            event.index, self._prompt(event.index)
        )

    @on(MultiChoiceList.Done)
    def _done(self) -> None:
        self.submit([self.choices[i] for i in sorted(self.ticked)])


MOVE = Binding.Group("Move")


class OrderList(OptionList):
    """A list whose highlighted item moves with Shift+Up/Down; Enter submits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("shift+up,ctrl+up,K", "move(-1)", "Move up", id="move-up", key_display="⇧↑",
                group=MOVE),
        Binding("shift+down,ctrl+down,J", "move(1)", "Move down", id="move-down",
                key_display="⇧↓", group=MOVE),
        Binding("enter", "select", "Submit", id="submit-order"),
    ]  # fmt: skip
    """Shift+Up/Down (or K/J) move the highlighted item; Enter submits the order. The bar
    shows the two moves as one entry, `⇧↑/⇧↓ Move`."""

    class Moved(Message):
        """The highlighted item moved by `delta` places."""

        def __init__(self, index: int, delta: int) -> None:
            super().__init__()
            self.index = index
            self.delta = delta

    class Done(Message):
        """The learner submitted the order."""

    def action_move(self, delta: int) -> None:
        """Move the highlighted item up (-1) or down (+1); the highlight follows it here, not
        when the move is shown, so keys typed fast each move the item one place further."""
        index = self.highlighted
        if index is not None and 0 <= index + delta < self.option_count:
            self.post_message(self.Moved(index, delta))
            self.highlighted = index + delta

    def action_select(self) -> None:
        """Submit the current order."""
        self.post_message(self.Done())


class OrderInput(AnswerInput):
    """Put items in order with move-up/move-down."""

    def __init__(self, items: Sequence[str]) -> None:
        super().__init__()
        self.items = list(items)

    def compose(self) -> ComposeResult:
        yield OrderList(*self._options(), id="order")
        yield Label("Move with Shift+Up/Down (or K/J), submit with Enter.", classes="hint")

    def _options(self) -> list[Option]:
        return [Option(_numbered(i, item)) for i, item in enumerate(self.items)]

    @on(OrderList.Moved)
    def _moved(self, event: OrderList.Moved) -> None:
        a, b = event.index, event.index + event.delta
        self.items[a], self.items[b] = self.items[b], self.items[a]
        order = self.query_one(OrderList)
        for index in (a, b):  # in place: the highlight keeps up with keys already handled
            order.replace_option_prompt_at_index(index, _numbered(index, self.items[index]))

    @on(OrderList.Done)
    def _done(self) -> None:
        self.submit(list(self.items))


class MatchList(ChoiceList):
    """Left items; a number key gives the highlighted one that partner; Enter submits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *_number_bindings("pick", "Partner"),
        Binding("enter", "select", "Submit", id="submit-match"),
        Binding("backspace,delete", "unpick", "Clear", id="clear-partner"),
        Binding("right", "cycle(1)", "Step", id="next-partner", key_display="←→"),
        Binding("left", "cycle(-1)", "Step back", id="previous-partner", show=False),
    ]
    """1-9 pair the highlighted item with that partner; Right/Left step through every partner
    (past the ninth too); Backspace clears; Enter submits."""

    class Paired(Message):
        """Left item `left` now goes with right option `right` (None: cleared)."""

        def __init__(self, left: int, right: int | None) -> None:
            super().__init__()
            self.left = left
            self.right = right

    class Stepped(Message):
        """Left item `left` steps `step` partners on from the one it has."""

        def __init__(self, left: int, step: int) -> None:
            super().__init__()
            self.left = left
            self.step = step

    class Done(Message):
        """The learner submitted the pairs."""

    def __init__(self, *options: Option, partner_count: int, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(*options, id=id)
        self.partner_count = partner_count
        """How many partners there are to pick from: a higher number key does nothing."""

    def action_pick(self, index: int) -> None:
        """Pair the highlighted item with partner `index` and highlight the next item (here,
        not when the pairing is shown, so keys typed fast each go to their own item)."""
        left = self.highlighted
        if left is None or index >= self.partner_count:
            return
        self.post_message(self.Paired(left, index))
        if left + 1 < self.option_count:
            self.highlighted = left + 1

    def action_cycle(self, step: int) -> None:
        """Give the highlighted item the next (or previous) partner, keeping the highlight."""
        if self.highlighted is not None:
            self.post_message(self.Stepped(self.highlighted, step))

    def action_unpick(self) -> None:
        """Clear the highlighted item's partner."""
        if self.highlighted is not None:
            self.post_message(self.Paired(self.highlighted, None))

    def action_select(self) -> None:
        """Submit the pairs."""
        self.post_message(self.Done())


class MatchInput(AnswerInput):
    """Pick a partner for each left item from the numbered right side."""

    def __init__(self, lefts: Sequence[str], rights: Sequence[str]) -> None:
        super().__init__()
        self.lefts = list(lefts)
        self.rights = list(rights)
        self.partners: dict[int, int] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="match"):
            yield MatchList(
                *[Option(self._prompt(i)) for i in range(len(self.lefts))],
                partner_count=len(self.rights),
                id="lefts",
            )
            yield Static(
                Content("\n").join(_numbered(i, r) for i, r in enumerate(self.rights)),
                id="rights",
                markup=False,
            )
        yield Label(
            "Highlight an item, press its partner's number (←/→ step through them all);"
            " Enter submits.",
            classes="hint",
        )

    def _prompt(self, index: int) -> Content:
        """`France → 3. Paris`: the partner (its number while keys reach it), or `?`."""
        right = self.partners.get(index)
        partner = _numbered(right, self.rights[right]) if right is not None else Content("?")
        return Content.assemble(plain(self.lefts[index]), (" → ", "bold"), partner)

    def _pair(self, left: int, right: int | None) -> None:
        """Give item `left` partner `right` (None: no partner) and show it."""
        if right is None:
            self.partners.pop(left, None)
        else:
            self.partners[left] = right
        self.query_one(MatchList).replace_option_prompt_at_index(left, self._prompt(left))

    @on(MatchList.Paired)
    def _paired(self, event: MatchList.Paired) -> None:
        self._pair(event.left, event.right)

    @on(MatchList.Stepped)
    def _stepped(self, event: MatchList.Stepped) -> None:
        """From no partner, Right starts at the first and Left at the last."""
        current = self.partners.get(event.left)
        if current is None:
            right = 0 if event.step > 0 else len(self.rights) - 1
        else:
            right = (current + event.step) % len(self.rights)
        self._pair(event.left, right)

    @on(MatchList.Done)
    def _done(self) -> None:
        if len(self.partners) < len(self.lefts):
            self.notify("Give every item a partner first.", severity="warning")
            return
        self.submit({self.lefts[i]: self.rights[r] for i, r in self.partners.items()})
