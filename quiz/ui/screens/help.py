"""The `?` screen: every key binding active on the screen it was opened from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Label


@dataclass
class BindingRow:
    """One action bound on a screen, with all the keys that trigger it."""

    keys: list[str]
    description: str
    action: str
    node: DOMNode


def binding_rows(screen: Screen[object]) -> list[BindingRow]:
    """Each action bound on `screen`, its focused widgets and the app, once with all its keys.

    A binding with several keys (`shift+up,K`) appears once with its keys joined,
    and hidden bindings are listed too: help is where people look for them.
    """
    grouped: dict[tuple[int, str], BindingRow] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.key_display is not None:
            display = binding.key_display
        else:
            display = screen.app.get_key_display(Binding(key, binding.action))
        slot = (id(active.node), binding.action)
        if slot in grouped:
            if display not in grouped[slot].keys:
                grouped[slot].keys.append(display)
            continue
        description = binding.description or binding.tooltip or binding.action
        grouped[slot] = BindingRow([display], description, binding.action, active.node)
    return list(grouped.values())


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
        self.title_text = f"Keys: {screen.title or screen.__class__.__name__}"

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
        yield Footer()
