"""A deck's page: what the deck is, today's numbers, past quiz scores, and what to do next."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, Static

from quiz.core.text import counted, sanitize
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.widgets.deck_text import DeckText, plain
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from quiz.core.library import LoadedDeck
    from quiz.ui.screens.custom_study import CustomChoice


class DeckScreen(QuizAppScreen):
    """One deck: description, source, counts, recent scores; T quiz, R review, S stats."""

    CSS_PATH = "deck.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "take", "Take quiz", id="deck-take"),
        Binding("r", "review", "Review", id="deck-review"),
        Binding("s", "stats", "Stats", id="deck-stats"),
        Binding("escape,q", "back", "Back", id="deck-back"),
        Binding("c", "custom", "Custom study", id="deck-custom"),
    ]
    """T, R and S start a quiz, a review or the deck's statistics; C opens custom study (review
    ahead, extra new cards, one tag, or a cram); q goes back."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.loaded: LoadedDeck | None = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        from quiz.core.deckfile.diagnostics import DeckError
        from quiz.core.library import load

        yield TitleBar()
        try:
            self.loaded = load(self.path, self.quiz_app.deck_cache)
        except DeckError as error:
            self.error = "\n".join(str(d) for d in error.diagnostics[:5])
        with VerticalScroll(id="deck-body"):
            if self.loaded is None:
                yield Label("This deck does not load:", classes="error-text")
                yield Static(plain(self.error or ""), id="deck-error", markup=False)
            else:
                yield from self._details(self.loaded)
        with Horizontal(id="deck-actions"):
            ok = self.loaded is not None
            yield Button("Take quiz (T)", id="take", variant="primary", disabled=not ok)
            yield Button("Review (R)", id="review", variant="success", disabled=not ok)
            yield Button("Stats (S)", id="stats", disabled=not ok)
        yield KeyBar()

    def _details(self, loaded: LoadedDeck) -> ComposeResult:
        meta = loaded.deck.deck
        yield Label(plain(meta.title), id="deck-title")
        if meta.description:
            yield DeckText(
                " ".join(sanitize(meta.description).split()), widget_id="deck-description"
            )
        facts = [counted(len(loaded.deck.questions), "question"), f"pass mark {meta.pass_mark:g}%"]
        if meta.time_limit:
            facts.append(f"time limit {meta.time_limit // 60}:{meta.time_limit % 60:02}")
        if meta.facts_as_of is not None:
            facts.append(f"facts as of {meta.facts_as_of.isoformat()}")
        if meta.tags:
            facts.append("tags " + ", ".join(meta.tags))
        yield Static(plain(" · ".join(facts)), id="deck-facts", classes="hint")
        if meta.source is not None:
            source = meta.source.title
            if meta.source.published:
                source += f" ({meta.source.published.isoformat()})"
            yield Static(Content.assemble(("Source: ", "bold"), plain(source)), id="deck-source")
        yield Static("", id="deck-today")
        if meta.exam_date is not None:
            yield Static("", id="deck-exam")
            yield Static("", id="deck-exam-warning", classes="error-text")
        yield Static("", id="deck-scores")

    def on_mount(self) -> None:
        self.sub_title = "Deck"
        if self.loaded is not None:
            self.title = sanitize(self.loaded.deck.deck.title)
            self.refresh_counts()
            self.query_one("#take", Button).focus()

    def shown_again(self) -> None:
        """Back from a quiz or a review: new counts and scores."""
        if self.loaded is not None:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        """Today's numbers and the last scores, read from the store (after each quiz or review).

        Today's cards are what a review would serve now: `todays_queue` is the review's own
        queue rule (daily limits, siblings), read without a scheduler or a session."""
        from quiz.core.days import study_day
        from quiz.core.library import reconcile
        from quiz.core.queue import todays_queue

        assert self.loaded is not None
        app = self.quiz_app
        reconcile(app.store, self.loaded, app.now())
        deck_id = self.loaded.deck.deck.id
        day = study_day(app.now(), app.settings.day_starts_at, app.tz)
        today = todays_queue(app.store, deck_id, app.settings, day)
        unseen = app.store.count_new([deck_id])
        new = f"{len(today.new)} new" + (f" (of {unseen})" if unseen != len(today.new) else "")
        due = len(today.learning) + len(today.reviews)
        self.query_one("#deck-today", Static).update(
            Content.assemble(("Today: ", "bold"), f"{new} · {due} due for review")
        )
        self._refresh_exam()
        scores = [
            f"{a.percent:.0f}%" + ("" if a.full else f" ({a.answered} of {a.deck_questions})")
            for a in app.store.recent_scores(deck_id, limit=5)
        ]
        self.query_one("#deck-scores", Static).update(
            Content.assemble(("Recent quizzes: ", "bold"), ", ".join(scores) or "none yet")
        )

    def _refresh_exam(self) -> None:
        """The exam line: predicted recall on the exam day, and why the goal is out of reach."""
        from quiz.core.exam_prep import deck_exam_outlook

        assert self.loaded is not None
        meta, app = self.loaded.deck.deck, self.quiz_app
        if meta.exam_date is None:
            return
        outlook = deck_exam_outlook(app.store, meta, app.settings, app.now(), app.tz)
        line = f"Exam {meta.exam_date.isoformat()}: past" if outlook is None else outlook.summary()
        when, _, what = line.partition(": ")
        warning = None if outlook is None else outlook.warning()
        self.query_one("#deck-exam", Static).update(Content.assemble((f"{when}: ", "bold"), what))
        shown = self.query_one("#deck-exam-warning", Static)
        shown.update(Content(warning or ""))
        shown.display = warning is not None

    def action_take(self) -> None:
        """Start a scored quiz on this deck."""
        if self.loaded is not None:
            self.quiz_app.open_quiz(self.loaded)

    def action_review(self) -> None:
        """Review this deck's due cards."""
        if self.loaded is not None:
            self.quiz_app.open_review(self.loaded)

    def action_stats(self) -> None:
        """This deck's statistics."""
        if self.loaded is not None:
            self.quiz_app.open_stats(self.loaded)

    def action_custom(self) -> None:
        """Custom study: a form, then a widened or narrowed review, or a cram pass."""
        from quiz.ui.screens.custom_study import CustomStudyScreen

        if self.loaded is not None:
            tags = [tag for q in self.loaded.deck.questions for tag in q.tags]
            self.app.push_screen(CustomStudyScreen(tags), self._custom_chosen)

    def _custom_chosen(self, choice: CustomChoice | None) -> None:
        """Start what the custom study form asked for."""
        if choice is None or self.loaded is None:
            return
        if choice.custom is not None:
            self.quiz_app.open_review(self.loaded, choice.custom)
            return
        assert choice.cram is not None
        from quiz.core.cards import cards_of
        from quiz.core.custom_study import cram_questions
        from quiz.presentation.options import QuizOptions

        app = self.quiz_app
        cards = cards_of(self.loaded.deck)
        questions = cram_questions(app.store, self.loaded.deck, choice.cram, cards)
        if not questions:
            self.notify(f"No card is {sanitize(str(choice.cram))}.", severity="warning")
            return
        app.open_quiz(
            self.loaded, QuizOptions(schedule=choice.schedule, shuffle=True), questions=questions
        )

    def action_back(self) -> None:
        """Back to the library."""
        self.quiz_app.go_back()

    @on(Button.Pressed, "#take")
    def _take(self) -> None:
        self.action_take()

    @on(Button.Pressed, "#review")
    def _review(self) -> None:
        self.action_review()

    @on(Button.Pressed, "#stats")
    def _stats(self) -> None:
        self.action_stats()
