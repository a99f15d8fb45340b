"""The deck library: every deck found, with today's counts; `/` filters, Enter opens.

The list comes from `quiz.core.library.scan`, which reads the store's deck-file
cache, so the screen appears at once however many decks there are. `quiz` starts
that scan before Textual is even imported and hands it in (`preloaded`): when it
is done by the time the screen mounts, the first frame already holds the list;
otherwise a worker waits for it and fills the list then. A deck that does not load
is listed with its first error instead of being hidden.

Filtering works as in less, vim and htop: the filter box is hidden until `/`, and
while it is typed in, letters are text; Enter keeps the filter and gives the keys
back to the list, Escape drops it. Everywhere else `t`, `r`, `s`, `q` and `?` act,
so a stray letter never empties the list behind the learner's back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Key
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from quiz.core.text import counted, one_line, sanitize
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.widgets.deck_text import plain
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from concurrent.futures import Future

    from quiz.core.library import BackgroundScan, LibraryEntry, LoadedDeck, ScanProgress


def entry_prompt(entry: LibraryEntry) -> Content:
    """Three lines per deck: title, today's counts, the date of its facts and one line of
    description (or the error)."""
    if entry.missing:
        return Content.assemble(
            ("? ", "bold $text-warning"),
            plain(one_line(entry.title)).stylize("bold"),
            ("\n  file gone: ", "$text-warning"),
            plain(one_line(str(entry.path))),
            ("\n  its history is kept; put the file back to study it", "$text-muted"),
        )
    if not entry.ok:
        return Content.assemble(
            ("⚠ ", "bold $text-error"),
            plain(entry.title).stylize("bold"),
            "\n  ",
            plain(entry.error or "").stylize("$text-error"),
        )
    figures = [counted(entry.question_count, "question"), f"{entry.new} new", f"{entry.due} due"]
    if entry.last_percent is not None:
        figures.append(f"last full quiz {entry.last_percent:.0f}%")  # retries are not
    facts = f"facts as of {entry.facts_as_of.isoformat()} · " if entry.facts_as_of else ""
    return Content.assemble(
        plain(one_line(entry.title)).stylize("bold"),
        ("\n  " + " · ".join(figures), "$text-muted"),
        "\n  ",
        (facts, "$text-muted"),  # first on its line: the date shows however narrow the screen
        plain(one_line(entry.description) or "(no description)").stylize("italic"),
    )


class LibraryScreen(QuizAppScreen):
    """Every deck in the deck folders."""

    CSS_PATH = "library.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open deck", id="open-deck"),
        Binding(
            "enter",
            "keep_filter",
            "Open deck (in the filter: keep it)",  # help lists one Enter: this one shadows
            id="keep-filter",
            priority=True,
            show=False,
        ),
        Binding("t", "take", "Quiz", id="take-quiz"),
        Binding("r", "review", "Review", id="review-deck"),
        Binding("s", "stats", "Stats", id="all-stats"),
        Binding("slash", "filter", "Filter", id="filter-decks", key_display="/", priority=True),
        Binding("f5,ctrl+r", "rescan", "Rescan", id="rescan-decks", show=False),
        Binding("m", "missing", "Missing decks", id="missing-decks", show=False),
        Binding("escape", "back", "Quit", id="quit-library", priority=True),
        Binding("b", "browse", "Cards", id="browse-cards"),  # last: a narrow bar drops it first
        Binding("q", "back", "Quit", id="quit-library-q", show=False),
    ]
    """Enter opens the highlighted deck; T quizzes and R reviews it straight away; B browses
    every card;
    `/` types a filter (these keys act whenever the filter is not being typed in).

    `/`, Enter in the filter and Escape move the focus between the filter and the list,
    so they are priority bindings: the app runs them before it hands the next key on,
    and letters typed (or pasted) right after them go where the learner meant, not where
    the focus was a moment before. Enter on the list is not: it must come after the
    Up and Down typed before it.
    """

    def __init__(self, preloaded: BackgroundScan | None = None) -> None:
        """`preloaded`: a scan already under way (`quiz.core.library.scan_in_background`)."""
        super().__init__()
        self.entries: list[LibraryEntry] = []
        self._preloaded = preloaded
        self._progress: ScanProgress | None = None
        self.show_missing = False
        """Whether decks whose file is gone are listed (`m`)."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(placeholder="Filter: words of a title or description", id="filter")
        yield OptionList(id="decks", markup=False)
        yield Label("Looking for decks…", id="library-status", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "quiz"
        self.sub_title = "Library"
        self.query_one("#decks", OptionList).focus()
        self._ticker = self.set_interval(0.2, self._show_progress, pause=True)
        ready = self._preloaded.entries if self._preloaded is not None else None
        if ready is not None and ready.done() and ready.exception() is None:
            self._preloaded = None
            self.show_entries(ready.result())  # before the first frame
        else:
            self.scan()

    def shown_again(self) -> None:
        """Back from a quiz or a review, counts have changed: rescan (cheap, it reads the cache)."""
        self.scan()

    def scan(self) -> None:
        """Read the library (or wait for the scan handed in) in a worker: the screen never
        waits for the disk, and says how far a long scan has got."""
        from quiz.core.library import ScanProgress

        preloaded, self._preloaded = self._preloaded, None
        self._progress = preloaded.progress if preloaded is not None else ScanProgress()
        self._ticker.resume()
        self._read(preloaded, self._progress)

    @work(thread=True, exclusive=True, group="scan")
    def _read(self, preloaded: BackgroundScan | None, progress: ScanProgress) -> None:
        from quiz.core.library import scan
        from quiz.errors import StoreError

        app = self.quiz_app
        try:
            if preloaded is not None:
                entries = self._wait_for(preloaded.entries)
                if entries is None:
                    return  # cancelled: the app is closing, or F5 started a new scan
            else:
                entries = scan(
                    app.store,
                    app.deck_dirs,
                    settings=app.settings,
                    now=app.now(),
                    tz=app.tz,
                    progress=progress,
                )
        except StoreError as error:  # the database is locked or damaged: say so, keep the app
            self.app.call_from_thread(self.show_scan_error, sanitize(str(error)))
        else:
            self.app.call_from_thread(self.show_entries, entries)

    @staticmethod
    def _wait_for(preloaded: Future[list[LibraryEntry]]) -> list[LibraryEntry] | None:
        """The preloaded scan's entries, or None once this worker is cancelled.

        Quitting cancels the worker; waiting on in short steps lets the app close at once
        instead of after a first scan that may take seconds (asyncio joins the threads).
        """
        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                return preloaded.result(timeout=0.05)
            except TimeoutError:
                continue
        return None

    def _show_progress(self) -> None:
        """`Reading decks… 12 of 50` while a scan parses decks (a first start, many changes)."""
        progress = self._progress
        if progress is not None and progress.files and progress.done < progress.files:
            self.query_one("#library-status", Label).update(
                f"Reading decks… {progress.done} of {progress.files}"
            )

    def _scan_ended(self) -> None:
        self._progress = None
        self._ticker.pause()

    def show_scan_error(self, message: str) -> None:
        self._scan_ended()
        self.query_one("#library-status", Label).update(
            plain(f"Could not read the library: {message} (F5 tries again)")
        )
        self.notify(
            sanitize(message), title="Could not read the library", severity="error", markup=False
        )

    def show_entries(self, entries: list[LibraryEntry]) -> None:
        """Fill the list, keeping the filter and the highlighted deck."""
        self._scan_ended()
        self.entries = entries
        self.refill()

    def show_status(self, shown: int) -> None:
        """How many decks there are, and how many of them a filter hides: a list narrowed
        by a forgotten filter must not pass for the whole library."""
        entries = self.entries
        broken = sum(1 for e in entries if e.error is not None)
        missing = sum(1 for e in entries if e.missing)
        query = self.query_one("#filter", Input).value.strip()
        if not entries:
            folders = ", ".join(str(d) for d in self.quiz_app.deck_dirs)
            status = f"No decks found in {folders}. Put .toml decks there, then press F5."
        elif query:
            status = (
                f"{shown} of {counted(len(entries), 'deck')} shown: filter '{one_line(query)}'"
                " (Esc clears it)"
            )
        else:
            status = counted(len(entries) - (0 if self.show_missing else missing), "deck")
            if broken:
                status += f", {broken} with errors (fix them, then F5)"
            if missing and not self.show_missing:
                status += f"; {missing} whose file is gone not listed (m lists them)"
            elif missing:
                status += f", {missing} whose file is gone (m hides them)"
        self.query_one("#library-status", Label).update(plain(status))

    def shown_entries(self) -> list[LibraryEntry]:
        words = self.query_one("#filter", Input).value.casefold().split()
        return [
            e
            for e in self.entries
            if (self.show_missing or not e.missing)
            and all(w in f"{e.title} {e.description} {e.deck_id or ''}".casefold() for w in words)
        ]

    def refill(self) -> None:
        decks = self.query_one("#decks", OptionList)
        current = self.highlighted()
        shown = self.shown_entries()
        decks.clear_options()
        decks.add_options(Option(entry_prompt(e), id=str(e.path)) for e in shown)
        if shown:
            keep = next((i for i, e in enumerate(shown) if current and e.path == current.path), 0)
            decks.highlighted = keep
        self.show_status(len(shown))

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

    def on_key(self, event: Key) -> None:
        """Up/Down move the list while the filter is typed in."""
        search = self.query_one("#filter", Input)
        if self.focused is search and event.key in ("up", "down"):
            decks = self.query_one("#decks", OptionList)
            decks.action_cursor_up() if event.key == "up" else decks.action_cursor_down()
            event.prevent_default()

    def action_filter(self) -> None:
        """Show the filter box and type in it: narrow the list by title or description."""
        search = self.query_one("#filter", Input)
        if self.focused is search:  # a `/` in the filter is text
            search.insert_text_at_cursor("/")
            return
        search.display = True
        self.set_focus(search)  # now, not later (`focus()`): the next key is typed in it

    def _leave_filter(self) -> None:
        """Back to the list; the box stays in view only while it holds a filter."""
        search = self.query_one("#filter", Input)
        search.display = bool(search.value.strip())
        self.set_focus(self.query_one("#decks", OptionList))

    # --- actions on the highlighted deck ----------------------------------------------------

    def _chosen(self) -> LibraryEntry | None:
        entry = self.highlighted()
        if entry is None:
            return None
        if entry.missing:
            self.notify(
                sanitize(f"{entry.path} is gone; put it back (its history is kept) to study it."),
                title="No deck file",
                severity="warning",
                markup=False,
            )
            return None
        if not entry.ok:
            self.notify(
                sanitize(entry.error or ""),
                title="This deck has errors",
                severity="error",
                markup=False,  # deck text and file names: "[@click=app.quit]" stays text
            )
            return None
        return entry

    @on(OptionList.OptionSelected, "#decks")
    def _selected(self) -> None:
        self.action_open()

    def action_keep_filter(self) -> None:
        """Enter in the filter keeps it and gives the keys back to the list (as htop's
        filter does); on the list, Enter is left to it (`SkipAction`)."""
        if self.focused is not self.query_one("#filter", Input):  # not `has_focus`: that
            # changes only when the Focus event arrives, after keys already on their way
            raise SkipAction
        self._leave_filter()

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

    def action_browse(self) -> None:
        """Find and manage the cards of every deck."""
        self.quiz_app.open_browser()

    def action_missing(self) -> None:
        """List (or stop listing) the decks whose file is gone: studied from a file since
        moved or deleted, they are not listed unless asked for, and their history stays."""
        self.show_missing = not self.show_missing
        self.refill()

    def action_rescan(self) -> None:
        """Look for new, changed or fixed decks."""
        self.scan()

    def action_back(self) -> None:
        """Clear the filter, or quit.

        Escape drops the filter rather than keeping it, as Escape abandons a search or a
        filter being typed in less and htop: the learner gets the whole list back at once,
        and a kept filter is one Enter away.
        """
        search = self.query_one("#filter", Input)
        if search.value or self.focused is search:
            search.value = ""
            self.refill()  # now, not when Input.Changed arrives: the status says "N decks"
            self._leave_filter()
            return
        self.quiz_app.go_back()

    def _load(self, entry: LibraryEntry) -> LoadedDeck | None:
        from quiz.core.deckfile.diagnostics import DeckError
        from quiz.core.library import load

        try:
            return load(entry.path, self.quiz_app.deck_cache)
        except DeckError as error:
            self.notify(
                str(error.diagnostics[0]), title="Cannot load deck", severity="error", markup=False
            )
            return None
