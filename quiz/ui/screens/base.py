"""The base of quiz's screens: typed access to the app that carries the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from quiz.ui.app import QuizApp


class QuizAppScreen(Screen[None]):
    """A screen of `QuizApp`, reaching the store, settings and clock passed into the app."""

    @property
    def quiz_app(self) -> QuizApp:
        """`self.app` with its type; Textual types it as any `App`."""
        from quiz.ui.app import QuizApp  # the app imports the screens: import it here

        assert isinstance(self.app, QuizApp)
        return self.app
