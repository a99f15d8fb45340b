"""The deck library: every deck found, with today's counts; type to filter, Enter to open.

The list comes from `quiz.core.library.scan`, which reads the store's deck-file
cache, so the screen appears at once however many decks there are; the scan
runs in a worker thread and fills the list when done. A deck that does not load
is listed with its first error instead of being hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Key
from textual.widgets import Header, Input, Label, OptionList
from textual.widgets.option_list import Option

from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.widgets.deck_text import plain
from quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from quiz.core.library import LibraryEntry, LoadedDeck


def cut(text: str, width: int) -> str:
    """`text` on one line, at most `width` cells, with `…` when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(1, width - 1)].rstrip() + "…"


def entry_prompt(entry: LibraryEntry, width: int = 72) -> Content:
    """Three lines per deck: title, today's counts, one line of description (or the error)."""
    if not entry.ok:
        return Content.assemble(
            ("⚠ ", "bold $text-error"),
            plain(entry.title).stylize("bold"),
            "\n  ",
            plain(entry.error or "").stylize("$text-error"),
        )
    figures = [f"{entry.question_count} questions", f"{entry.new} new", f"{entry.due} due"]
    if entry.last_percent is not None:
        figures.append(f"last quiz {entry.last_percent:.0f}%")
    return Content.assemble(
        plain(cut(entry.title, width)).stylize("bold"),
        ("\n  " + " · ".join(figures), "$text-muted"),
        "\n  ",
        plain(cut(entry.description, width - 2) or "(no description)").stylize("italic"),
    )


class LibraryScreen(QuizAppScreen):
    """Every deck in the deck folders."""

    CSS_PATH = "library.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open deck", id="open-deck"),
        Binding("t", "take", "Quiz", id="take-quiz"),
        Binding("r", "review", "Review", id="review-deck"),
        Binding("s", "stats", "Stats", id="all-stats"),
        Binding("slash", "filter", "Filter", id="filter-decks", show=False),
        Binding("f5,ctrl+r", "rescan", "Rescan", id="rescan-decks", show=False),
        Binding("escape,q", "back", "Quit", id="quit-library"),
    ]
    """Enter opens the highlighted deck; T quizzes and R reviews it straight away;
    any other letter starts filtering the list."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[LibraryEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Type to filter decks", id="filter")
        yield OptionList(id="decks", markup=False)
        yield Label("Looking for decks…", id="library-status", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "quiz"
        self.sub_title = "Library"
        self.query_one("#decks", OptionList).focus()
        self.scan()

    def on_resize(self) -> None:
        if self.entries:
            self.refill()

    def on_screen_resume(self) -> None:
        """Counts change after a quiz or a review: rescan (cheap, it reads the cache)."""
        if self.entries:
            self.scan()

    @work(thread=True, exclusive=True, group="scan")
    def scan(self) -> None:
        """Read the library in a worker so the first frame never waits for the disk."""
        from quiz.core.library import scan

        app = self.quiz_app
        entries = scan(app.store, app.deck_dirs, settings=app.settings, now=app.now(), tz=app.tz)
        self.app.call_from_thread(self.show_entries, entries)

    def show_entries(self, entries: list[LibraryEntry]) -> None:
        """Fill the list, keeping the filter and the highlighted deck."""
        self.entries = entries
        self.refill()
        broken = sum(1 for e in entries if not e.ok)
        status = f"{len(entries)} deck{'s' if len(entries) != 1 else ''}"
        if broken:
            status += f", {broken} with errors (fix them, then F5)"
        if not entries:
            folders = ", ".join(str(d) for d in self.quiz_app.deck_dirs)
            status = f"No decks found in {folders}. Put .toml decks there, then press F5."
        self.query_one("#library-status", Label).update(plain(status))

    def shown_entries(self) -> list[LibraryEntry]:
        words = self.query_one("#filter", Input).value.casefold().split()
        return [
            e
            for e in self.entries
            if all(w in f"{e.title} {e.description} {e.deck_id or ''}".casefold() for w in words)
        ]

    def refill(self) -> None:
        decks = self.query_one("#decks", OptionList)
        current = self.highlighted()
        shown = self.shown_entries()
        decks.clear_options()
        width = max(20, decks.scrollable_content_region.width - 2)
        decks.add_options(Option(entry_prompt(e, width), id=str(e.path)) for e in shown)
        if shown:
            keep = next((i for i, e in enumerate(shown) if current and e.path == current.path), 0)
            decks.highlighted = keep

    def highlighted(self) -> LibraryEntry | None:
        decks = self.query_one("#decks", OptionList)
        if decks.highlighted is None or decks.option_count == 0:
            return None
        option_id = decks.get_option_at_index(decks.highlighted).id
        return next((e for e in self.entries if str(e.path) == option_id), None)

    # --- filtering ------------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filtered(self) -> None:
        self.refill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.action_open()

    def on_key(self, event: Key) -> None:
        """Up/Down move the list while typing; a letter typed on the list starts filtering."""
        decks = self.query_one("#decks", OptionList)
        search = self.query_one("#filter", Input)
        if search.has_focus and event.key in ("up", "down"):
            decks.action_cursor_up() if event.key == "up" else decks.action_cursor_down()
            event.prevent_default()
        elif (
            decks.has_focus
            and event.character
            and event.character.isalnum()
            and event.key not in self.active_bindings  # t, r, s and q keep their meaning
        ):
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.prevent_default()
            event.stop()

    def action_filter(self) -> None:
        """Type to narrow the list by title or description."""
        self.query_one("#filter", Input).focus()

    # --- actions on the highlighted deck ----------------------------------------------------

    def _chosen(self) -> LibraryEntry | None:
        entry = self.highlighted()
        if entry is None:
            return None
        if not entry.ok:
            self.notify(entry.error or "", title="This deck has errors", severity="error")
            return None
        return entry

    @on(OptionList.OptionSelected, "#decks")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Open the highlighted deck's page."""
        if entry := self._chosen():
            self.quiz_app.open_deck(entry.path)

    def action_take(self) -> None:
        """Start a quiz on the highlighted deck."""
        if (entry := self._chosen()) and (loaded := self._load(entry)):
            self.quiz_app.open_quiz(loaded)

    def action_review(self) -> None:
        """Review the highlighted deck's due cards."""
        if (entry := self._chosen()) and (loaded := self._load(entry)):
            self.quiz_app.open_review(loaded)

    def action_stats(self) -> None:
        """Statistics of all decks."""
        self.quiz_app.open_stats(None)

    def action_rescan(self) -> None:
        """Look for new, changed or fixed decks."""
        self.scan()

    def action_back(self) -> None:
        """Clear the filter, or quit."""
        search = self.query_one("#filter", Input)
        if search.value or search.has_focus:
            search.value = ""
            self.query_one("#decks", OptionList).focus()
            return
        self.quiz_app.go_back()

    def _load(self, entry: LibraryEntry) -> LoadedDeck | None:
        from quiz.core.library import load
        from quiz.core.loading import DeckError

        try:
            return load(entry.path)
        except DeckError as error:
            self.notify(str(error.diagnostics[0]), title="Cannot load deck", severity="error")
            return None
