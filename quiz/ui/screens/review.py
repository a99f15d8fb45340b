"""Spaced-repetition review: today's due cards, graded Again/Hard/Good/Easy.

The screen drives `quiz.core.study.ReviewSession`. A flashcard is revealed with
Space and graded by the learner (Space again is Good). Other kinds are answered
with their usual input and checked by `quiz.core.checking.check_card`; a wrong
answer is graded Again, a right one Hard, Good (Enter) or Easy. The learner has the
last word: `o` overrules the verdict ("I was right" opens Hard/Good/Easy, "I was
wrong" leaves Again), and 1 after a right answer is Again ("I did not really know
it"). Each button shows the interval that grade gives, from
`ReviewSession.interval_labels`. `!` suspends the card, `-` buries it until tomorrow,
`f` steps its flag through the colours, `x` forgets it, `e` edits its question in the
learner's editor; `u` undoes the last answer or action. A leech is announced.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label

from quiz.core.card_state import Flag
from quiz.core.cards import Card
from quiz.core.checking import CheckResult, Response, check_card
from quiz.core.models import Flashcard, Question
from quiz.core.outline import KIND_LABELS, asked_of, shown_order
from quiz.core.passage import Passage, source_passage
from quiz.core.scheduling import Grade
from quiz.core.text import counted, sanitize
from quiz.errors import StoreError
from quiz.presentation.card_actions import action_text, flag_name, leech_text, next_flag
from quiz.presentation.formatting import duration_text, forecast_text, stale_notice
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.screens.passage import PassageScreen
from quiz.ui.widgets.answers import AnswerInput
from quiz.ui.widgets.deck_text import deck_text
from quiz.ui.widgets.feedback import feedback_widgets
from quiz.ui.widgets.grades import GradeBar
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.question import answer_input
from quiz.ui.widgets.scrolling import bring_into_view
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from textual.timer import Timer

    from quiz.core.custom_study import CustomStudy
    from quiz.core.library import LoadedDeck
    from quiz.core.study import AnswerOutcome, CardActionOutcome, ReviewSession


def when_text(moment: datetime, now: datetime) -> str:
    """`in 10 minutes`, `in 3 hours`, `tomorrow`, `in 4 days` (to the nearest unit)."""
    delta = moment - now
    if delta <= timedelta(minutes=1):
        return "now"
    minutes = delta.total_seconds() / 60
    if minutes < 90:
        return f"in {round(minutes)} minutes"
    if minutes < 36 * 60:
        hours = round(minutes / 60)
        return f"in {counted(hours, 'hour')}"
    days = round(minutes / 1440)
    return "tomorrow" if days == 1 else f"in {days} days"


GRADES = Binding.Group("Grade")
CARD_ACTION_KEYS = ("review-suspend", "review-bury", "review-flag", "review-edit", "review-forget")
"""Shown on the key bar only where the answering keys leave room (`KeyBar(extras=)`)."""
"""The key bar shows the four grade keys as one entry, `1-4 Grade`."""


class ReviewScreen(QuizAppScreen):
    """One card at a time until nothing is due today."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "space", "Show/Good", id="reveal-or-good"),
        Binding("enter", "enter", "Good", id="grade-default", show=False),
        Binding("1", "grade(1)", "Again", id="grade-again", group=GRADES),
        Binding("2", "grade(2)", "Hard", id="grade-hard", group=GRADES),
        Binding("3", "grade(3)", "Good", id="grade-good", group=GRADES),
        Binding("4", "grade(4)", "Easy", id="grade-easy", group=GRADES),
        Binding("o", "overrule(True)", "I was right", id="overrule-right"),
        Binding("o", "overrule(False)", "I was wrong", id="overrule-wrong"),
        Binding("u,ctrl+z", "undo", "Undo", id="undo-answer", key_display="u/^z"),
        Binding("p", "passage", "Passage", id="review-passage"),
        Binding("escape,q", "leave", "End review", id="end-review"),
        Binding(
            "exclamation_mark",
            "suspend",
            "Suspend",
            id="review-suspend",
            key_display="!",
        ),
        Binding("minus", "bury", "Bury", id="review-bury", key_display="-"),
        Binding("f", "flag", "Flag", id="review-flag"),
        Binding("e", "edit", "Edit", id="review-edit"),
        Binding("x", "forget", "Forget", id="review-forget"),
        Binding("pageup", "scroll(-1)", "Scroll up", id="review-scroll-up", show=False),
        Binding("pagedown", "scroll(1)", "Scroll down", id="review-scroll-down", show=False),
    ]
    """Space shows a flashcard's answer, then grades Good; 1-4 (labelled on the buttons) grade
    Again/Hard/Good/Easy once the answer is shown; o overrules the checker's verdict; u
    (Ctrl+Z while typing) takes back the last answer or card action; q or Escape ends; !
    suspends the card, - buries it until tomorrow, f steps its flag through the colours, e
    edits its question, x forgets it (these act when no answer box has the keys; the bar
    shows them only in the room the other keys leave: `CARD_ACTION_KEYS`)."""

    def __init__(self, loaded: LoadedDeck, custom: CustomStudy | None = None) -> None:
        """`custom`: custom study (review ahead, extra new cards, one tag); None: today's queue."""
        super().__init__()
        self.loaded = loaded
        self.custom = custom
        self.session: ReviewSession | None = None
        self._backup_watch: Timer | None = None
        self._passage_of: tuple[Question, Passage | None] | None = None
        self.card: Card | None = None
        self.result: CheckResult | None = None
        """The checker's verdict on the shown card (None for a flashcard or before an answer)."""
        self.right: bool = False
        """The verdict that grades the card: the checker's, unless the learner overruled it."""
        self.response: Response | None = None
        self.revealed = False
        self.shown_at: datetime | None = None
        self.seed = 0

    @property
    def markdown(self) -> bool:
        return self.loaded.deck.deck.format == "markdown"

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="review-status"):
            yield Label("", id="counts")
            yield Label("", id="card-flag")
            yield Label("", id="done-count")
        with VerticalScroll(id="review-body", can_focus=False):
            yield Label("", id="kind")
            yield Vertical(id="card")
            yield Vertical(id="outcome")
        yield Vertical(id="grade-slot")
        yield KeyBar(extras=CARD_ACTION_KEYS)

    async def on_mount(self) -> None:
        from quiz.core.study import ReviewSession

        app = self.quiz_app
        self.title = sanitize(self.loaded.deck.deck.title)
        described = self.custom.describe() if self.custom is not None else ""
        self.sub_title = f"Review · {described}" if described else "Review"
        self.seed = int(app.now().timestamp())
        try:
            self.session = ReviewSession(
                app.store,
                self.loaded.deck,
                app.settings,
                app.now,
                tz=app.tz,
                path=str(self.loaded.path),
                content_hash=self.loaded.content_hash,
                custom=self.custom,
            )
        except StoreError as error:  # e.g. a damaged database
            app.leave_with_error(error, title="Cannot start the review")
            return
        if self.session.backup_pending:
            self._backup_watch = self.set_interval(0.5, self._report_backup)
        notice = stale_notice(len(self.session.stale_questions), included=False)
        if notice is not None:
            self.notify(notice, severity="warning", timeout=10)
        catch_up = self.session.exam_catch_up
        if catch_up is not None and (moved := catch_up.notice()) is not None:
            self.notify(moved, title="Exam", timeout=10, markup=False)
        await self.show_next()

    def _report_backup(self) -> None:
        """Say if the day's backup (running beside the review) failed; studying goes on."""
        assert self.session is not None
        problem = self.session.backup_problem()
        if problem is not None:
            self.notify(
                sanitize(problem), title="The day's backup failed", severity="error", timeout=30
            )
        if not self.session.backup_pending and self._backup_watch is not None:
            self._backup_watch.stop()

    # --- showing a card ---------------------------------------------------------------------

    async def show_next(self, card: Card | None = None) -> None:
        """Show `card` (after an undo) or the session's next card, or the end of the review."""
        assert self.session is not None
        card = card or self.session.next_card()
        box = self.query_one("#card", Vertical)
        outcome = self.query_one("#outcome", Vertical)
        await box.remove_children()
        await outcome.remove_children()
        await self.query_one("#grade-slot", Vertical).remove_children()
        self.card, self.result, self.response, self.revealed = card, None, None, False
        self._update_counts()
        self._show_flag()
        if card is None:
            await self._show_finished(box)
            self.refresh_bindings()
            return
        question = card.question
        asked = asked_of(card)
        self.query_one("#kind", Label).update(KIND_LABELS[question.kind])
        widgets: list[Widget] = [
            deck_text(asked.prompt, markdown=self.markdown, widget_id="prompt")
        ]
        flashcard = isinstance(question, Flashcard)
        if flashcard:
            widgets.append(Label("Space: show the answer", classes="hint", id="reveal-hint"))
        else:
            order = shown_order(asked, self.loaded.deck.deck.shuffle, self.seed)
            widgets.append(answer_input(asked, order=order, markdown=self.markdown))
        await box.mount_all(widgets)
        if not flashcard:
            self.call_after_refresh(self.query_one(AnswerInput).focus_input)
        else:
            self.set_focus(None)
        self.shown_at = self.quiz_app.now()
        self.query_one("#review-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    async def _show_finished(self, box: Vertical) -> None:
        """The end of today's queue: what was done and when to come back."""
        assert self.session is not None
        app = self.quiz_app
        now = app.now()
        self.query_one("#kind", Label).update("")
        summary = self.session.summary()
        lines: list[Widget] = []
        if summary.answered:
            grades = " · ".join(f"{g.name} {n}" for g, n in summary.grades.items())
            lines.append(
                Label(
                    Content.assemble(
                        ("Review done. ", "bold"),
                        f"{summary.answered} answered ({summary.new_cards} new) in "
                        f"{duration_text(timedelta(milliseconds=summary.duration_ms))}",
                    ),
                    id="review-summary",
                )
            )
            lines.append(Label(grades, id="review-grades"))
        else:
            lines.append(Label(Content("Nothing is due."), id="review-summary"))
        due = self.session.next_due()
        if due is None:
            lines.append(Label("This deck has no cards to study.", id="next-due"))
        else:
            lines.append(
                Label(
                    f"Next card due {when_text(due, now)} "
                    f"({due.astimezone(app.tz).strftime('%a %d %b %H:%M')}).",
                    id="next-due",
                )
            )
        lines.append(Label(forecast_text(self.session.tomorrow()), id="forecast"))
        lines.append(Label("u: undo the last answer or action · q: back", classes="hint"))
        await box.mount_all(lines)

    def _show_flag(self) -> None:
        """The shown card's flag, in its colour, beside the counts (nothing when unflagged)."""
        label = self.query_one("#card-flag", Label)
        flag = Flag.NONE if self.card is None or self.session is None else self._flag()
        for other in Flag:
            label.set_class(other is flag, f"flag-{flag_name(other)}")
        label.update("" if flag is Flag.NONE else f"⚑ {flag_name(flag)}   ")

    def _flag(self) -> Flag:
        assert self.session is not None and self.card is not None
        try:
            return self.session.marks(self.card).flag
        except (KeyError, StoreError):
            return Flag.NONE

    def _update_counts(self) -> None:
        assert self.session is not None
        counts = self.session.counts()
        self.query_one("#counts", Label).update(
            Content.assemble(
                ("New ", "bold"),
                (str(counts.new), "$text-primary"),
                ("  Learning ", "bold"),
                (str(counts.learning), "$text-error"),
                ("  Review ", "bold"),
                (str(counts.review), "$text-success"),
            )
        )
        self.query_one("#done-count", Label).update(f"Done {self.session.summary().answered}")

    async def reveal(self) -> None:
        """Show a flashcard's back and the grade buttons."""
        card = self.card
        if card is None or self.revealed or not isinstance(card.question, Flashcard):
            return
        self.revealed = True
        back = card.question.prompt if card.side == "back" else card.question.answer
        await self.query_one("#reveal-hint").remove()
        outcome = self.query_one("#outcome", Vertical)
        widgets: list[Widget] = [deck_text(back, markdown=self.markdown, widget_id="back")]
        if card.question.explanation:
            widgets.append(
                deck_text(
                    card.question.explanation, markdown=self.markdown, widget_id="explanation"
                )
            )
        await outcome.mount_all(widgets)
        await self._show_grades(tuple(Grade))
        self.call_after_refresh(bring_into_view, self.body, outcome)
        self.refresh_bindings()

    async def _show_grades(self, allowed: tuple[Grade, ...]) -> None:
        """The grade buttons, below the card and above the key bar: always in view, however
        long the card."""
        assert self.session is not None and self.card is not None
        slot = self.query_one("#grade-slot", Vertical)
        await slot.remove_children()
        await slot.mount(GradeBar(self.session.interval_labels(self.card), allowed))

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#review-body", VerticalScroll)

    def action_scroll(self, direction: int) -> None:
        """Scroll the card by a page."""
        body = self.body
        body.scroll_page_down() if direction > 0 else body.scroll_page_up()

    def on_click(self) -> None:
        """A click on the text must not strand the keyboard: focus goes back to the answer."""
        if not self.revealed and self.focused is None:
            for answer in self.query(AnswerInput):
                answer.focus_input()

    @on(AnswerInput.Submitted)
    async def _answered(self, event: AnswerInput.Submitted) -> None:
        if self.card is None or self.revealed:
            return
        self.response = event.response
        self.result = result = check_card(self.card, event.response, self.loaded.deck.deck)
        self.right = result.correct
        self.revealed = True
        outcome = self.query_one("#outcome", Vertical)
        self._mark_outcome(outcome)
        await outcome.mount_all(
            feedback_widgets(
                result,
                self.card.question,
                verdict=self._verdict_text(),
                way_on=self._way_on(),
                markdown=self.markdown,
            )
        )
        await self._show_grades(self._allowed())
        self.set_focus(None)
        self.call_after_refresh(bring_into_view, self.body, outcome)
        self.refresh_bindings()

    def _allowed(self) -> tuple[Grade, ...]:
        return tuple(Grade) if self.right else (Grade.Again,)

    def _verdict_text(self) -> Content:
        assert self.result is not None
        if self.right == self.result.correct:
            return Content.assemble(("✓ Correct" if self.right else "✗ Wrong", "bold"))
        words = "✓ Counted as right" if self.right else "✗ Counted as wrong"
        return Content.assemble((words, "bold"), " (you overruled the check; o undoes that)")

    def _way_on(self) -> str:
        """What Enter does now: Good after a right answer, Again after a wrong one."""
        return "Enter: Good" if self.right else "Enter: Again"

    def _mark_outcome(self, outcome: Vertical) -> None:
        outcome.set_class(self.right, "correct")
        outcome.set_class(not self.right, "wrong")

    async def action_overrule(self, right: bool) -> None:
        """The learner's last word on the verdict: "I was right" or "I was wrong"."""
        if self.result is None or not self.revealed or right == self.right:
            return
        self.right = right
        outcome = self.query_one("#outcome", Vertical)
        self._mark_outcome(outcome)
        self.query_one("#verdict", Label).update(self._verdict_text())
        self.query_one("#way-on", Label).update(self._way_on())
        await self._show_grades(self._allowed())
        self.refresh_bindings()

    # --- grading ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("grade", "enter"):
            return True if self.revealed else None
        if action == "overrule":
            applies = self.result is not None and self.revealed and self.card is not None
            return applies and parameters[0] != self.right
        if action == "space":  # "Good" would be refused after a wrong answer: not offered then
            wrong = self.revealed and self.result is not None and not self.right
            return None if self.card is None else not wrong
        if action == "undo":
            return True if self.session is not None and self.session.can_undo else None
        if action in ("suspend", "bury", "flag", "forget", "edit") and self._typing():
            return False  # the keys go into the answer; not offered on the bar meanwhile
        if action in ("suspend", "bury", "flag", "forget"):
            return self.card is not None
        if action == "edit":
            return self.card is not None and self.quiz_app.can_edit
        if action == "passage":
            return self.revealed and self._passage() is not None
        return True

    def _typing(self) -> bool:
        """Whether the focused widget takes typed characters (an answer box): Textual leaves
        out the bindings it would consume, except `-`, whose key name it cannot map."""
        return self.focused is not None and self.focused.check_consume_key("minus", "-")

    def _passage(self) -> Passage | None:
        """The article passage the shown card's question was made from, when the deck's
        source text is there (read once per question)."""
        if self.card is None or self.card.question.source_line is None:
            return None
        question = self.card.question
        if self._passage_of is None or self._passage_of[0] is not question:
            meta = self.loaded.deck.deck
            self._passage_of = (question, source_passage(self.loaded.path, meta, question))
        return self._passage_of[1]

    def action_passage(self) -> None:
        """Show the passage of the article the card comes from."""
        passage = self._passage() if self.revealed else None
        if passage is not None:
            self.app.push_screen(PassageScreen(passage))

    async def action_space(self) -> None:
        """Show the answer; once shown, grade Good."""
        if self.revealed:
            await self.action_grade(int(Grade.Good))
        else:
            await self.reveal()

    async def action_enter(self) -> None:
        """After an answer: Good when right, Again when wrong."""
        if self.revealed:
            right = self.result is None or self.right
            await self.action_grade(int(Grade.Good if right else Grade.Again))

    async def action_grade(self, value: int) -> None:
        """Grade the card 1 Again, 2 Hard, 3 Good or 4 Easy."""
        if self.session is None or self.card is None or not self.revealed:
            return
        grade = Grade(value)
        if self.result is not None and not self.right and grade is not Grade.Again:
            self.notify("A wrong answer is graded Again: press o if you were right.")
            return
        shown = self.shown_at or self.quiz_app.now()
        duration = max(0, int((self.quiz_app.now() - shown).total_seconds() * 1000))
        from quiz.errors import StoreConflict

        try:
            outcome = self.session.answer(
                self.card,
                grade,
                response=self.response,
                correct=None if self.result is None else self.result.correct,
                duration_ms=duration,
            )
            if outcome.leech:
                self._announce_leech(outcome)
        except StoreConflict:
            self.notify("This card was answered elsewhere meanwhile; skipped.", severity="warning")
        except StoreError as error:  # a full disk, a database locked too long: grade again
            self.notify(
                f"{sanitize(str(error))}. Grade the card again to save it.",
                title="Not saved",
                severity="error",
                timeout=15,
            )
            return
        await self.show_next()

    @on(GradeBar.Chosen)
    async def _chosen(self, event: GradeBar.Chosen) -> None:
        await self.action_grade(int(event.grade))

    def _announce_leech(self, outcome: AnswerOutcome) -> None:
        """Say that the card just answered is a leech (and suspended, if the settings say so)."""
        suspended = self.quiz_app.settings.leech_action == "suspend"
        keys = ("u", "e") if self.quiz_app.can_edit else None
        text = leech_text(outcome, suspended=suspended, keys=keys)
        self.notify(text, title="Leech", severity="warning", timeout=15, markup=False)

    # --- card actions -------------------------------------------------------------------------

    async def _act(self, act: Callable[[Card], CardActionOutcome]) -> None:
        """Run a card action on the shown card, say what it did, and show what comes next."""
        if self.session is None or self.card is None:
            return
        try:
            outcome = act(self.card)
        except StoreError as error:  # a full disk, a database locked too long: nothing changed
            self.notify(sanitize(str(error)), title="Not done", severity="error")
            return
        self.notify(action_text(outcome), timeout=3)
        if outcome.kind == "flag":
            self._show_flag()
            self.refresh_bindings()
        else:
            await self.show_next()

    async def action_suspend(self) -> None:
        """Suspend the card: out of every review until unsuspended."""
        if self.session is not None:
            await self._act(self.session.suspend)

    async def action_bury(self) -> None:
        """Bury the card until tomorrow."""
        if self.session is not None:
            await self._act(self.session.bury)

    async def action_flag(self) -> None:
        """Step the card's flag to the next colour (after purple: none)."""
        session = self.session
        if session is not None and self.card is not None:
            colour = next_flag(self._flag())
            await self._act(lambda card: session.flag(card, colour))

    async def action_forget(self) -> None:
        """Send the card back to new."""
        if self.session is not None:
            await self._act(self.session.forget)

    async def action_edit(self) -> None:
        """Edit the card's question in the learner's editor, then study the edited deck."""
        if self.session is None or self.card is None:
            return
        edited = self.quiz_app.edit_question(
            self.loaded.path, self.card.question, keeps="still studying the version before"
        )
        if edited is None:
            return
        self.loaded = edited
        self._passage_of = None
        try:
            card = self.session.reload(
                edited.deck, path=str(edited.path), content_hash=edited.content_hash
            )
        except (StoreError, ValueError) as error:
            self.notify(sanitize(str(error)), title="Not reloaded", severity="error")
            return
        self.notify("Deck reloaded: your history is kept.", timeout=3)
        await self.show_next(card)

    async def action_undo(self) -> None:
        """Take back the last answer or card action and show its card again."""
        if self.session is None:
            return
        try:
            card = self.session.undo()
        except StoreError as error:  # a full disk, a database locked too long: try again
            self.notify(
                f"{sanitize(str(error))}. Press u to try again.",
                title="Not undone",
                severity="error",
            )
            return
        if card is None:
            self.notify("Nothing to undo.")
            return
        await self.show_next(card)

    def action_leave(self) -> None:
        """End the review; every answer is already saved."""
        self.quiz_app.go_back()
