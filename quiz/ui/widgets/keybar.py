"""A one-line key bar: the visible bindings of the screen, drawn as one piece of text.

Textual's `Footer` recomposes a widget per key whenever the bindings change
(focus moves, a question is answered), which cost ~90 ms of CPU per question in
the quiz (tests/bench/bench_ui.py). This bar renders the same information as a single
`Content` line, so moving to the next question stays within a frame.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    """Keys with `show=True` that apply now; disabled ones dimmed; Ctrl+P on the right."""

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
        """Redraw the bar from the screen's active bindings."""
        parts: list[Content] = []
        seen: set[tuple[str, str]] = set()
        palette: Content | None = None
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.action == "app.command_palette" or binding.action == "command_palette":
                key = self.app.get_key_display(binding)
                palette = Content.assemble((f" {key}", "bold $footer-key-foreground"), " palette ")
                continue
            if not binding.show or (binding.action, binding.description) in seen:
                continue
            seen.add((binding.action, binding.description))
            key = binding.key_display or self.app.get_key_display(binding)
            if active.enabled:
                parts.append(
                    Content.assemble(
                        (f" {key} ", "bold $footer-key-foreground"), f"{binding.description} "
                    )
                )
            else:
                parts.append(Content(f" {key} {binding.description} ").stylize("dim"))
        line = Content("").join(parts)
        if palette is not None:
            width = self.size.width or self.app.size.width
            gap = max(1, width - line.cell_length - palette.cell_length)
            line = Content.assemble(line, " " * gap, palette)
        # Content's == compares the text only: a key turning dim keeps the text the same.
        if (line.plain, line.spans) != (self.line.plain, self.line.spans):
            self.line = line
            self.refresh()  # one line, fixed height: no layout pass needed

    def on_resize(self) -> None:
        self.refresh_keys()
