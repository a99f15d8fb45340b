"""A one-line key bar: the visible bindings of the screen, drawn as one piece of text.

Textual's `Footer` recomposes a widget per key whenever the bindings change
(focus moves, a question is answered), which cost ~90 ms of CPU per question in
the quiz (tests/bench/bench_ui.py). This bar renders the same information as a single
`Content` line, so moving to the next question stays within a frame.

Overflow: when the keys do not fit the width, whole keys are dropped, never cut.
The importance of a key is its place in the bar (the focused widget's keys, then
its parents' up to the app's, each in the order its class declares them in `BINDINGS`,
most important first), so keys drop from the right, dimmed (unavailable) keys
before available ones; the help key (`?/F1`, binding id `help`) is never dropped,
and the Ctrl+P palette hint goes only when help alone leaves no room for it. The
bar recomputes this on every resize.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import RenderResult
from textual.binding import ActiveBinding, Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget


@dataclass
class _Entry:
    """One entry of the bar: a binding, or a `Binding.Group` of them under one description."""

    keys: list[str]
    description: str
    enabled: bool
    is_help: bool

    def text(self) -> Content:
        """` key description `; a group of consecutive digits reads `1-4`, others `a/b`."""
        keys = "/".join(self.keys)
        if len(self.keys) > 2 and "".join(self.keys) in "123456789":
            keys = f"{self.keys[0]}-{self.keys[-1]}"
        if self.enabled:
            return Content.assemble(
                (f" {keys} ", "bold $footer-key-foreground"), f"{self.description} "
            )
        return Content(f" {keys} {self.description} ").stylize("dim")


class KeyBar(Widget):
    """Keys with `show=True` that apply now; disabled ones dimmed; Ctrl+P on the right.

    Keys that do not fit are dropped whole, last and dimmed first, help never (module
    docstring). The keys of a `Binding.Group` make one entry under the group's description
    (review's `1-4 Grade`)."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.line = Content("")

    def render(self) -> RenderResult:
        return self.line

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh_keys())
        self.refresh_keys()

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh_keys()

    def refresh_keys(self) -> None:
        """Redraw the bar from the screen's active bindings, dropping what does not fit."""
        entries: dict[object, _Entry] = {}
        palette: Content | None = None
        for active in in_declared_order(self.screen.active_bindings.values()):
            binding = active.binding
            if binding.action == "app.command_palette" or binding.action == "command_palette":
                key = self.app.get_key_display(binding)
                palette = Content.assemble((f" {key}", "bold $footer-key-foreground"), " palette ")
                continue
            if not binding.show:
                continue
            key = binding.key_display or self.app.get_key_display(binding)
            group = binding.group
            slot = group or (binding.action, binding.description)
            if slot in entries:  # a key of a group, or a second key of the same action
                entry = entries[slot]
                entry.enabled = entry.enabled or active.enabled
                if group is not None and key not in entry.keys:  # K and Shift+Up: one ⇧↑
                    entry.keys.append(key)
                continue
            description = binding.description if group is None else group.description
            entries[slot] = _Entry([key], description, active.enabled, binding.id == "help")
        keys = [(entry.text(), entry.enabled, entry.is_help) for entry in entries.values()]
        width = self.size.width or self.app.size.width
        room = width - (palette.cell_length + 1 if palette else 0)  # 1: the gap before it
        kept = fitting(keys, room)
        if palette is not None and sum(text.cell_length for text, _, _ in kept) > room:
            palette = None
            kept = fitting(keys, width)
        line = Content("").join(text for text, _, _ in kept)
        if palette is not None:
            gap = max(1, width - line.cell_length - palette.cell_length)
            line = Content.assemble(line, " " * gap, palette)
        # Content's == compares the text only: a key turning dim keeps the text the same.
        if (line.plain, line.spans) != (self.line.plain, self.line.spans):
            self.line = line
            self.refresh()  # one line, fixed height: no layout pass needed

    def on_resize(self) -> None:
        self.refresh_keys()


def fitting(keys: list[tuple[Content, bool, bool]], width: int) -> list[tuple[Content, bool, bool]]:
    """`keys` (text, enabled, is help) without the least important ones that overflow
    `width`: dimmed keys from the right first, then available ones from the right; help
    stays even if it alone overflows; an available key dropped early comes back if the
    room made after it holds it."""
    dropped: set[int] = set()
    used = sum(text.cell_length for text, _, _ in keys)
    for enabled in (False, True):
        for index in reversed(range(len(keys))):
            text, available, is_help = keys[index]
            if used <= width:
                break
            if available is enabled and not is_help:
                dropped.add(index)
                used -= text.cell_length
    for index in sorted(dropped):  # a short key dropped before a longer one may fit again
        text, available, _ = keys[index]
        if available and used + text.cell_length <= width:
            dropped.discard(index)
            used += text.cell_length
    return [key for index, key in enumerate(keys) if index not in dropped]


def in_declared_order(bindings: Iterable[ActiveBinding]) -> list[ActiveBinding]:
    """`bindings` grouped by node as Textual gives them (focused widget first), each node's
    in the order its class declares them: Textual keeps a base class's place for a key a
    subclass rebinds, which would put `OptionList`'s arrows before `MatchList`'s digits."""
    listed = list(bindings)
    ranks: dict[DOMNode, dict[str, int]] = {}
    for active in listed:
        if active.node not in ranks:
            ranks[active.node] = _declared_rank(active.node)
    places = {node: place for place, node in enumerate(ranks)}

    def importance(active: ActiveBinding) -> tuple[int, int]:
        rank = ranks[active.node]
        return places[active.node], rank.get(active.binding.action, len(rank))

    return sorted(listed, key=importance)


def _declared_rank(node: DOMNode) -> dict[str, int]:
    """Each action's place in the node class's `BINDINGS`, a subclass's declarations first."""
    rank: dict[str, int] = {}
    for klass in type(node).__mro__:
        for binding in klass.__dict__.get("BINDINGS", []):
            action = binding.action if isinstance(binding, Binding) else binding[1]
            rank.setdefault(action, len(rank))
    return rank
