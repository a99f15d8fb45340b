"""A one-line key bar: the visible bindings of the screen, drawn as one piece of text.

Textual's `Footer` recomposes a widget per key whenever the bindings change
(focus moves, a question is answered), which cost ~90 ms of CPU per question in
the quiz (tests/bench/bench_ui.py). This bar renders the same information as a single
`Content` line, so moving to the next question stays within a frame.

Overflow: when the keys do not fit the width, whole keys are dropped, never cut. Keys are
kept in order of importance while they fit, a shorter one after a key that did not fit
still taking the room left: the help key (`?/F1`, binding id `help`) always; then the
available keys in the bar's order (the focused widget's keys, then its parents' up to the
app's, each in the order its class declares them in `BINDINGS`, most important first);
then the Ctrl+P palette hint; then the screen's extras (`KeyBar(extras=...)`: binding ids
of keys worth showing only where every key above fits, such as review's card actions); then
dimmed (unavailable) keys. What is kept is drawn in the bar's order, the palette hint on
the right. The bar recomputes this on every resize; `?` lists every key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from textual.app import RenderResult
from textual.binding import ActiveBinding, Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

HELP, AVAILABLE, PALETTE, EXTRA, DIMMED = range(5)
"""The ranks of the bar's entries, most important first."""


@dataclass
class _Entry:
    """One entry of the bar: a binding, or a `Binding.Group` of them under one description."""

    keys: list[str]
    description: str
    enabled: bool
    is_help: bool
    is_extra: bool

    @property
    def rank(self) -> int:
        """Importance, lowest first (module docstring): help, available, (palette), extra,
        dimmed."""
        if self.is_help:
            return HELP
        if not self.enabled:
            return DIMMED
        return EXTRA if self.is_extra else AVAILABLE

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

    Keys that do not fit are dropped whole, least important first, help never (module
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

    def __init__(self, extras: Collection[str] = ()) -> None:
        """`extras`: ids of bindings shown only in the room the other keys and the palette
        hint leave."""
        super().__init__()
        self.extras = frozenset(extras)
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
            entries[slot] = _Entry(
                [key], description, active.enabled, binding.id == "help", binding.id in self.extras
            )
        ranked = [(entry.text(), entry.rank) for entry in entries.values()]
        if palette is not None:
            ranked.append((Content.assemble(" ", palette), PALETTE))  # " ": the gap before it
        width = self.size.width or self.app.size.width
        fitted = fitting(ranked, width)
        line = Content("").join(text for text, rank in fitted if rank != PALETTE)
        if palette is not None and any(rank == PALETTE for _, rank in fitted):
            gap = max(1, width - line.cell_length - palette.cell_length)
            line = Content.assemble(line, " " * gap, palette)
        # Content's == compares the text only: a key turning dim keeps the text the same.
        if (line.plain, line.spans) != (self.line.plain, self.line.spans):
            self.line = line
            self.refresh()  # one line, fixed height: no layout pass needed

    def on_resize(self) -> None:
        self.refresh_keys()


def fitting(keys: list[tuple[Content, int]], width: int) -> list[tuple[Content, int]]:
    """`keys` (text, rank) that fit `width`, in their order: taken by rank, then order, each
    kept if it fits the room the keys taken before it leave (module docstring); help
    (rank `HELP`) stays even if it alone overflows; extras only when every key ranked
    above them is kept."""
    room = width
    kept: set[int] = set()
    all_kept = True
    for index in sorted(range(len(keys)), key=lambda i: (keys[i][1], i)):
        text, rank = keys[index]
        if rank == HELP or (text.cell_length <= room and (rank != EXTRA or all_kept)):
            kept.add(index)
            room -= text.cell_length
        elif rank < EXTRA:
            all_kept = False
    return [key for index, key in enumerate(keys) if index in kept]


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
