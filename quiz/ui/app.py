"""`QuizApp`: the full-screen interface. It holds services and navigation, no domain logic.

Everything the app needs (the study store, settings, where decks live, the
clock) is passed into `__init__`, so tests and screenshots build the same app
as the CLI with a pinned `now` and a temporary database. Screens are imported
when first shown: the library must appear fast, and a learner who never opens
the stats screen never pays for plotext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from quiz.core.text import sanitize
from quiz.errors import StoreError
from quiz.presentation.options import QuizOptions
from quiz.ui.screens.base import QuizAppScreen

if TYPE_CHECKING:
    from quiz.config import Settings
    from quiz.core.custom_study import CustomStudy
    from quiz.core.deck_cache import DeckCache
    from quiz.core.library import BackgroundScan, LoadedDeck
    from quiz.core.models import Question
    from quiz.core.outline import OutlinedDeck
    from quiz.core.storage import Store
    from quiz.ui.stylesheet_cache import StylesheetCache

StartAt = Literal["library", "deck", "quiz", "review", "stats"]


class Start(NamedTuple):
    """Which screen the app opens on, and for which deck."""

    at: StartAt = "library"
    deck: Path | None = None
    """The deck file of the deck page."""
    loaded: LoadedDeck | None = None
    """The deck of a quiz, review or stats start, loaded by the CLI (errors reported there)."""
    outlined: OutlinedDeck | None = None
    """A quiz's deck as the cache outlines it: the quiz loads the deck after its first frame."""
    quiz: QuizOptions = QuizOptions()
    questions: tuple[Question, ...] | None = None
    """A quiz of exactly these questions of the deck (a cram pass, `quiz review --cram`)."""
    custom: CustomStudy | None = None
    """A review's custom study (`quiz review --ahead --extra-new --tag`)."""
    library_scan: BackgroundScan | None = None
    """The library's scan, when the CLI started it before importing Textual."""


LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class QuizApp(App[None]):
    """The quiz TUI: library, deck page, quiz, review, stats and help screens."""

    CSS_PATH = "app.tcss"
    TITLE = "quiz"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="help", key_display="?/F1"),
        Binding("ctrl+l", "toggle_theme", "Light/dark", id="toggle-theme", show=False),
    ]
    """App-wide keys: `?` (F1 while typing) lists the current screen's keys; Ctrl+L flips
    light/dark."""

    def __init__(
        self,
        *,
        store: Store | Callable[[], Store],
        settings: Settings,
        deck_dirs: Sequence[Path],
        now: Callable[[], datetime],
        start: Start | None = None,
        settings_path: Path | None = None,
        tz: tzinfo | None = None,
        deck_cache: DeckCache | None = None,
        stylesheet_cache: Path | None = None,
    ) -> None:
        """`settings_path` is where a theme change is remembered (None: in memory only);
        `tz` is the zone of study days and shown times (None: the system's); `deck_cache`
        keeps the decks the app parses for the next start (None: every open parses);
        `stylesheet_cache` is the folder where the parsed CSS of a start is kept for the
        next (`quiz.ui.stylesheet_cache`; None: every start parses).
        `store` may be a function that opens it: it is called when a screen first needs the
        store (a quiz started from a deck's outline, after its first frame)."""
        super().__init__()
        self._store = None if callable(store) else store
        self._open_store = store if callable(store) else None
        self.settings = settings
        self.deck_dirs = list(deck_dirs)
        self.now = now
        self.start = start or Start()
        self.settings_path = settings_path
        self.tz = tz
        self.deck_cache = deck_cache
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        self._first_screen = self.first_screen()
        # Its stylesheet is read with the app's: Textual does not load a default screen's
        # CSS_PATH, and reading it apart would parse the whole stylesheet a second time.
        self.css_path = [*self.css_path, *self._first_screen.css_path]
        self._stylesheets: StylesheetCache | None = None
        if stylesheet_cache is not None:
            from quiz.ui.stylesheet_cache import StylesheetCache

            self._stylesheets = StylesheetCache(stylesheet_cache, type(self._first_screen).__name__)
            self._stylesheets.restore(self.stylesheet)

    @property
    def store(self) -> Store:
        """The study store (opened on first use when the command left that to the app)."""
        if self._store is None:
            assert self._open_store is not None
            self._store = self._open_store()
        return self._store

    def load_outlined(self, outlined: OutlinedDeck) -> LoadedDeck:
        """The deck whose outline a quiz started from: the cache's entry for the outline's
        content hash, else the file parsed again (it may have changed since).

        Raises:
            DeckError: the file no longer loads.
        """
        from quiz.core.library import LoadedDeck, load

        cache = self.deck_cache
        deck = None if cache is None else cache.get(outlined.content_hash)
        if deck is not None:
            return LoadedDeck(deck, outlined.path, outlined.content_hash)
        return load(outlined.path, cache)

    def get_default_screen(self) -> Screen[Any]:
        """The first screen is the bottom of the stack, not pushed over Textual's blank one:
        a screen pushed as the app mounts is laid out once more before the first frame
        (~30 ms of the quiz's start, issue 15)."""
        screen = self._first_screen
        # As `switch_screen` does for the screen it puts on top: a screen on the stack has a
        # result callback, and switching away from this one (the summary after a quiz) pops
        # it. Textual does not give the default screen one (textual#2650).
        screen._push_result_callback(screen, None)
        return screen

    async def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        # The app takes keys once it has mounted; the first screen mounts beside it, and a
        # key that came before the screen had focused its answer box would reach no widget
        # (the first letter typed ahead of the first frame). Ready when the screen is.
        if isinstance(self._first_screen, QuizAppScreen):
            await self._first_screen.mounted.wait()
        if self._stylesheets is not None:
            self.call_after_refresh(self._stylesheets.keep, self.stylesheet)

    def refresh_css(self, animate: bool = True) -> None:
        """Textual parses the stylesheet again with the theme's variables (a theme set at
        start from the settings, or changed since); rules kept for those variables serve the
        widgets still to come."""
        super().refresh_css(animate)
        if self._stylesheets is not None:
            self._stylesheets.restore(self.stylesheet)

    def first_screen(self) -> Screen[Any]:
        """The screen the command asked for; backing out of it quits."""
        start = self.start
        if start.at == "quiz" and start.loaded is not None and start.quiz.exam:
            from quiz.ui.screens.exam import ExamStartScreen

            return ExamStartScreen(start.loaded, start.quiz)
        deck = start.loaded or start.outlined
        if start.at == "quiz" and deck is not None:
            from quiz.ui.screens.quiz import QuizScreen

            return QuizScreen(deck, start.quiz, questions=start.questions)
        if start.at == "review" and start.loaded is not None:
            from quiz.ui.screens.review import ReviewScreen

            return ReviewScreen(start.loaded, start.custom)
        if start.at == "deck" and start.deck is not None:
            from quiz.ui.screens.deck import DeckScreen

            return DeckScreen(start.deck)
        if start.at == "stats":
            from quiz.ui.screens.stats import StatsScreen

            return StatsScreen(start.loaded)
        from quiz.ui.screens.library import LibraryScreen

        return LibraryScreen(start.library_scan)

    # --- navigation: screens move between each other through these ------------------------------

    def leave_with_error(self, error: Exception, *, title: str) -> None:
        """Leave the current screen because of `error`: said in a notification on the screen
        below, or, when this was the first screen, printed as `Error: ...` on exit (status 1)
        as the command line says any error."""
        text = sanitize(str(error))
        if len(self.screen_stack) > 1:
            self.pop_screen()
            self.notify(text, title=title, severity="error")
        else:
            self.exit(return_code=1, message=Text(f"Error: {text}"))

    def go_back(self) -> None:
        """Leave the current screen; leaving the first one quits the app, except a deck page
        (`quiz DECK`), which goes up to the library as a deck page opened there would.

        The bottom of the stack is the first screen (`get_default_screen`).
        """
        from quiz.ui.screens.deck import DeckScreen

        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif isinstance(self.screen, DeckScreen):
            from quiz.ui.screens.library import LibraryScreen

            self.switch_screen(LibraryScreen())
        else:
            self.exit()

    def open_deck(self, path: Path) -> None:
        """Show a deck's page: its description, counts and the quiz/review/stats actions."""
        from quiz.ui.screens.deck import DeckScreen

        self.push_screen(DeckScreen(path))

    def open_quiz(
        self,
        loaded: LoadedDeck,
        options: QuizOptions | None = None,
        questions: Sequence[Question] | None = None,
    ) -> None:
        """Start a scored quiz on a deck (`questions`: exactly these, for a retry)."""
        from quiz.ui.screens.quiz import QuizScreen

        self.push_screen(QuizScreen(loaded, options or self.start.quiz, questions=questions))

    def open_review(self, loaded: LoadedDeck, custom: CustomStudy | None = None) -> None:
        """Start a spaced-repetition review of a deck's due cards (`custom`: custom study)."""
        from quiz.ui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(loaded, custom))

    def open_stats(self, loaded: LoadedDeck | None = None) -> None:
        """Show study statistics, for one deck or (None) all of them."""
        from quiz.ui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(loaded))

    def open_browser(self, deck_ids: Sequence[str] | None = None) -> None:
        """Show the card browser: every card (or those of `deck_ids`), to find and manage."""
        from quiz.ui.screens.browser import BrowserScreen

        self.push_screen(BrowserScreen(deck_ids))

    # --- editing a deck where the learner is ------------------------------------------------------

    @property
    def can_edit(self) -> bool:
        """Whether `edit_question` may open an editor: not in a browser tab of `quiz serve`
        (the deck files are the teacher's, and a tab has no terminal to lend)."""
        return not self.is_web

    def edit_question(
        self, deck_path: Path, question: Question, *, keeps: str
    ) -> LoadedDeck | None:
        """Open `$VISUAL`/`$EDITOR` at `question`'s line of `deck_path`, with the app suspended,
        and read the deck again afterwards. Returns the edited deck when it changed and still
        loads; otherwise None, after saying why: no editor here, it could not start, the deck
        is unchanged, or its located errors (`keeps` says what the screen goes on with)."""
        import subprocess

        from textual.app import SuspendNotSupported

        from quiz.core.deckfile.diagnostics import DeckError
        from quiz.core.editing import editor_command, open_for_edit, reread

        if not self.can_edit:
            self.notify("Editing is not available here.", severity="warning")
            return None
        try:
            before, line = open_for_edit(deck_path, question)
        except DeckError as error:
            self.notify(sanitize(str(error)), title="Cannot edit", severity="error")
            return None
        command = editor_command(deck_path, line)
        try:
            try:
                with self.suspend():
                    subprocess.run(command, check=False)
            except SuspendNotSupported:  # a headless driver (tests): nothing to hand over
                subprocess.run(command, check=False, capture_output=True)
        except OSError as error:
            self.notify(
                f"{sanitize(command[0])}: {sanitize(error.strerror or str(error))}",
                title="The editor did not start (set $EDITOR)",
                severity="error",
            )
            return None
        edited = reread(before)
        if edited.errors:
            self.notify(
                sanitize("\n".join(edited.errors[:3])),
                title=f"The edited deck does not load: {keeps}",
                severity="error",
                timeout=30,
                markup=False,
            )
        elif edited.loaded is None:
            self.notify("The deck is unchanged.", timeout=3)
        return edited.loaded

    # --- app-wide actions ------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit at once (Ctrl+Q); a quiz under way is first closed with what was answered."""
        from quiz.ui.screens.quiz import QuizScreen

        for screen in self.screen_stack:
            if isinstance(screen, QuizScreen):
                try:
                    screen.close_attempt()
                except StoreError as error:  # its answers are saved; only the close is lost
                    self.exit(return_code=1, message=Text(f"Error: {sanitize(str(error))}"))
                    return
        self.exit()

    def action_help(self) -> None:
        """Show the keys of the current screen."""
        from quiz.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def _remember_theme(self, _theme: object) -> None:
        """Store the chosen theme in the settings file so the next start uses it.

        Not from a browser tab of `quiz serve`: that session is a student's, and the
        settings file is the teacher's; the theme changes for the tab only.
        """
        if self.settings.theme == self.theme or self.is_web:
            return
        self.settings.theme = self.theme
        if self.settings_path is not None:
            from quiz.errors import ConfigError

            try:
                self.settings.save(self.settings_path)
            except (ConfigError, OSError) as error:
                self.notify(
                    sanitize(str(error)), title="Theme not saved", severity="warning", markup=False
                )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers Textual's commands plus every binding of the current screen."""
        yield from super().get_system_commands(screen)
        from quiz.ui.screens.help import binding_rows

        seen: set[str] = {"Help"}
        yield SystemCommand("Help", "List the keys of this screen", self.action_help)
        for row in binding_rows(screen):
            if row.description in seen or len(row.actions) > 1:
                continue  # a family like 1-9 is for keys, not for a list of commands
            if row.actions[0] == "command_palette":
                continue
            seen.add(row.description)
            yield SystemCommand(
                row.description, f"Key: {' / '.join(row.keys)}", _runner(row.node, row.actions[0])
            )


def _runner(node: DOMNode, action: str) -> Callable[[], object]:
    """A callback running `action` on the node that declared its binding."""
    return lambda: node.app.run_action(action, node)
