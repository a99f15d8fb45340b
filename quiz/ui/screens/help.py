"""The `?` screen: every key binding active on the screen it was opened from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

from quiz.ui.widgets.keybar import KeyBar


@dataclass
class BindingRow:
    """One action bound on a screen, with all the keys that trigger it."""

    keys: list[str]
    description: str
    actions: list[str]
    """One action, or several that share a description (`1-9 Choose`: pick(0)..pick(8))."""
    node: DOMNode


def ours(node: DOMNode, action: str) -> bool:
    """Whether help lists this binding: the app's keys, and the actions quiz's own classes
    declare (not the cursor keys a text box or list inherits from Textual)."""
    if node is node.app:
        return True
    for cls in type(node).__mro__:
        if cls.__module__.startswith("quiz."):
            for declared in cls.__dict__.get("BINDINGS", []):
                name = declared.action if isinstance(declared, Binding) else declared[1]
                if name == action:
                    return True
    return False


def binding_rows(screen: Screen[object]) -> list[BindingRow]:
    """What each key on `screen` (its focused widgets and the app included) does, one row per
    description with all its keys.

    A binding with several keys (`shift+up,K`) appears once with its keys joined;
    a family shown with a `key_display` (1-9) appears once under that display.
    Hidden bindings are listed too: help is where people look for them. The
    standard keys of Textual's own widgets (cursor movement in a text box) are
    left out; the screen's keys come first, the app's last.
    """
    grouped: dict[tuple[int, str], BindingRow] = {}
    labelled: set[tuple[int, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not ours(active.node, binding.action):
            continue
        description = binding.description or binding.tooltip or binding.action
        slot = (id(active.node), description)
        row = grouped.setdefault(slot, BindingRow([], description, [], active.node))
        if binding.action not in row.actions:
            row.actions.append(binding.action)
        if binding.key_display is not None:
            row.keys = [binding.key_display]
            labelled.add(slot)
        elif slot not in labelled:
            display = screen.app.get_key_display(Binding(key, binding.action))
            if display not in row.keys:
                row.keys.append(display)
    rank = {id(screen): 0, id(screen.app): 2}
    return sorted(grouped.values(), key=lambda row: rank.get(id(row.node), 1))


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen beneath; any of q, Escape or ? closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="close-help"),
    ]
    """Help closes with the keys that opened or would back out of any screen."""

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.rows = binding_rows(screen)
        self.title_text = f"Keys of this screen ({screen.sub_title or 'quiz'})"

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(self.title_text, id="help-title", markup=False)
            table: DataTable[str] = DataTable(
                id="help-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("Key", "Does")
            for row in self.rows:
                table.add_row(" / ".join(row.keys), row.description)
            yield table
            yield Label("Ctrl+P opens the command palette: every action by name.", classes="hint")
        yield KeyBar()
