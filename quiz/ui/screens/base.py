"""The base of quiz's screens: typed access to the app that carries the services, and a
hook for a screen shown again after the one pushed over it has closed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import events, on
from textual.screen import Screen

if TYPE_CHECKING:
    from quiz.ui.app import QuizApp


class QuizAppScreen(Screen[None]):
    """A screen of `QuizApp`, reaching the store, settings and clock passed into the app."""

    _covered = False
    """Another screen was pushed over this one and has not closed yet."""
    _shown = False
    """The screen has come on top once."""

    def __init__(self) -> None:
        super().__init__()
        self.mounted = asyncio.Event()
        """Set once the screen's own `on_mount` has run (Textual calls `@on` handlers after
        it): it has given the keyboard to what it asks first."""

    @on(events.Mount)
    def _mounted(self) -> None:
        self.mounted.set()

    @on(events.ScreenResume)
    def _styled_as_mounted(self, event: events.ScreenResume) -> None:
        """On its first showing Textual styles every widget of the screen again, though each
        was styled as it mounted a moment before: ~5 ms of the quiz's first frame (issue 15).
        Runs before Textual's own handler (subclasses first)."""
        if not self._shown:
            self._shown = True
            event.refresh_styles = False

    def on_screen_suspend(self) -> None:
        self._covered = True

    def on_screen_resume(self) -> None:
        if self._covered:
            self._covered = False
            self.shown_again()

    def shown_again(self) -> None:
        """Back on top after a screen pushed over this one closed (a quiz, a review, help);
        not on the first showing. Screens showing figures that may have changed re-read
        them here."""

    @property
    def quiz_app(self) -> QuizApp:
        """`self.app` with its type; Textual types it as any `App`."""
        from quiz.ui.app import QuizApp  # the app imports the screens: import it here

        assert isinstance(self.app, QuizApp)
        return self.app
