"""Study sessions: the API the full-screen UI, the plain line mode and the tests drive.

Two kinds of session share one store (`quiz.core.storage.Store`):

`ReviewSession(store, deck, settings, now)` is spaced repetition. It reconciles
the deck's cards with the store, then serves today's queue one card at a time::

    session = ReviewSession(store, deck, settings, now=clock)
    while (card := session.next_card()) is not None:
        labels = session.interval_labels(card)  # {Grade.Good: "7-9d", ...}
        ...                                   # show the card, get a grade
        outcome = session.answer(card, Grade.Good, duration_ms=4200)
    session.next_due()                        # "nothing due; next card at ..."

- Today's queue: learning and relearning cards that are due, then due reviews
  (most overdue first), then new cards in deck order. New cards are limited to
  `new_per_day` minus those introduced today; reviews plus new cards to
  `reviews_per_day` minus those done today (learning steps are not counted).
- The study day starts at `day_starts_at` local time (default 04:00), so a
  session past midnight still counts for the evening before; pass `tz` to pin the
  zone (tests), else the system's local zone is used, with its DST rules.
- Siblings (cards of one question: cloze blanks, a flashcard and its reverse)
  are not shown on the same study day: once one was answered today, or is in
  today's queue, the others wait for another day.
- A card answered into a learning step (Again on a new card, Good on the first
  step, ...) comes back in the same session when it is due; when nothing else is
  left, one due within `LEARN_AHEAD` is shown early, as Anki does.
- `answer` commits before it returns (the store's transaction); `undo` goes back
  any number of answers of this session, restoring the card's stored state and
  deleting the log row, and returns the card to show again.
- `suspend`, `bury` (until the next study day), `flag` and `forget` act on a card
  through the store's card actions (`quiz.core.storage.card_actions`); the first
  two and `forget` take it out of today's queue, a flag leaves it. They go on the
  same undo stack as answers, so `undo` takes back answers and actions alike, newest
  first. A leech suspended by its answer does not come back today either.
- `reload` swaps in an edited deck (same id): the store is reconciled, history stays
  with each card's key, and queued cards show their new text.
- `custom` (`quiz.core.custom_study.CustomStudy`) widens or narrows today's queue:
  reviews due some days ahead, extra new cards, one tag only.
- `next_card` is a peek: it returns the same card until that card is answered.
  The card's full state is read when it is shown, so a card another `quiz`
  process answered meanwhile shows fresh; `answer` raises `StoreConflict` if
  another process answers it while it is on screen.
- The scheduler balances reviews over the learner's whole workload (every deck's
  cards due per day, `quiz.core.balance.StoreLoad`) when `load_balancing` is on,
  and plans around the deck's `exam_date`; building the queue first brings cards
  scheduled past the exam before it (`quiz.core.exam_prep.bring_cards_forward`).
- `study_day` and `day_bounds` (in `quiz.core.days`, re-exported here) give the
  study day of a moment and the bounds of a day; `quiz.core.stats` and the
  library count days with them too.

`QuizSession(store, deck, ...)` is a quiz or an exam: a seeded selection and
order of whole questions, each answer checked with `quiz.core.checking.check` and
saved as an attempt answer at once, so an abandoned attempt keeps what was
answered. Attempts leave the review schedule alone unless `schedule=True`.

Time is a parameter: `now` is a callable returning an aware datetime; the
session calls it at each step, so tests pass a fake clock.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from quiz.config import Settings
from quiz.core.balance import StoreLoad
from quiz.core.card_state import CardMarks, CardState, Flag, Phase
from quiz.core.cards import (
    Card,
    cards_by_key,
    cards_of_question,
    question_identity,
    stale_questions,
)
from quiz.core.checking import CheckResult, Response, check, check_card
from quiz.core.custom_study import CustomStudy
from quiz.core.days import Clock, StudyDay, local_time, system_clock
from quiz.core.days import day_bounds as day_bounds  # re-exported: moved to days, fsrs-free
from quiz.core.days import study_day as study_day
from quiz.core.exam_prep import ExamCatchUp, ExamOutlook, bring_cards_forward, deck_exam_outlook
from quiz.core.judging import lexicon
from quiz.core.models import Deck, Question
from quiz.core.outline import draw, draw_seed, tagged
from quiz.core.queue import QueueRow, todays_queue
from quiz.core.reconcile import reconcile_if_changed
from quiz.core.scheduling import Grade, Scheduler, format_interval_range, grade_for
from quiz.core.storage import ReviewAmendment, Store, from_us
from quiz.core.storage.card_actions import leech_due
from quiz.errors import NothingToAsk, StoreError

LEARN_AHEAD = timedelta(minutes=20)
"""When nothing else is due, a learning card due within this long is shown early."""

# --- review sessions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Cards left today, by kind, including the card on screen (like Anki's three numbers)."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """What one answer did; `interval` is until the card is due again."""

    card: Card
    grade: Grade
    before: CardState
    after: CardState
    review_id: int
    duration_ms: int
    leech: bool = False
    """The answer made the card a leech (see `Settings.leech_threshold`): say so."""

    @property
    def interval(self) -> timedelta:
        assert self.after.due is not None and self.after.last_review is not None
        return self.after.due - self.after.last_review


@dataclass(frozen=True, slots=True)
class DayForecast:
    """A coming study day: cards due for review by its end, new cards it would introduce."""

    date: date
    due: int
    new: int


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """This session's answers: how many, by grade, new cards seen, and time spent."""

    answered: int
    grades: dict[Grade, int]
    new_cards: int
    duration_ms: int

    @property
    def again_share(self) -> float:
        """Share of answers graded Again (0 when nothing was answered)."""
        return self.grades[Grade.Again] / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class _Queued:
    """A card in today's queue: its phase and due time, and its full state once shown.

    The queue is read with a narrow query; the full state (the basis of the
    previews, the answer and the conflict check) is read when the card is shown.
    """

    card: Card
    phase: Phase
    due: datetime | None
    state: CardState | None = None


_Learning = tuple[datetime, int, _Queued]
"""A learning card waiting for its step: (due, arrival serial for stable order, card)."""


CardActionKind = Literal["suspend", "bury", "flag", "forget"]


@dataclass(frozen=True, slots=True)
class CardActionOutcome:
    """What one card action did: the store's batch to undo it by (None: nothing changed,
    e.g. the flag it already had), and the flag set, for a flag."""

    card: Card
    kind: CardActionKind
    batch: int | None
    flag: Flag | None = None


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """The queues as they were just before one answer or card action, so undo can put
    them back."""

    step: AnswerOutcome | CardActionOutcome
    day: date
    main: list[_Queued]
    learning: list[_Learning]


class ReviewSession:
    """Spaced-repetition review of one deck; see the module docstring for the rules.

    Args:
        store: the open study database.
        deck: the parsed deck; its cards are reconciled with the store unless
            `content_hash` matches the last reconciliation (opening a large unchanged deck
            then costs no write).
        settings: limits, steps and retention (`Settings.load()`).
        now: the clock; aware datetimes.
        tz: the zone of the study day; the system's when None.
        path: the deck file, remembered in the store's `decks` table.
        content_hash: a hash of the deck file's bytes, if the caller has one.
        daily_backup: start the day's backup of the database if it has none yet
            (studying starting is when the store wants it taken); it runs beside the
            session, and `backup_problem` says if it failed.
        custom: custom study (review ahead, extra new cards, one tag); None: today's queue.
    """

    def __init__(
        self,
        store: Store,
        deck: Deck,
        settings: Settings,
        now: Clock = system_clock,
        *,
        tz: tzinfo | None = None,
        path: str | None = None,
        content_hash: str | None = None,
        daily_backup: bool = True,
        custom: CustomStudy | None = None,
    ) -> None:
        self.store = store
        self.custom = custom or CustomStudy()
        self.deck = deck
        self.settings = settings
        self._now = now
        self._tz = tz
        self.deck_id = deck.deck.id
        self.scheduler = Scheduler.for_deck(settings, deck.deck, tz=tz, load=StoreLoad(store))
        lexicon.warm_up(deck.deck.language)
        self._cards = cards_by_key(deck)
        self._reconcile(path, content_hash)
        self._backup = store.start_daily_backup(local_time(now(), tz)) if daily_backup else None
        self._main: list[_Queued] = []
        self._learning: list[_Learning] = []
        self._serial = 0
        self._current: _Queued | None = None
        self._undo: list[_Snapshot] = []
        self._outcomes: list[AnswerOutcome] = []
        self.exam_catch_up: ExamCatchUp | None = None
        """Cards due after the deck's exam that building the queue brought before it."""
        if self.custom.extra_new:  # today's allowance, kept so a restart keeps it
            today = study_day(now(), settings.day_starts_at, tz).date
            store.set_extra_new(self.deck_id, today, self.custom.extra_new)
        self._day = self._build_queue()

    def _reconcile(self, path: str | None, content_hash: str | None) -> None:
        reconcile_if_changed(
            self.store,
            self.deck,
            self._cards,
            path=path,
            content_hash=content_hash,
            now=self._now(),
        )

    @property
    def stale_questions(self) -> list[Question]:
        """Questions left out today because their facts no longer hold (`valid_until`
        passed); their cards and history stay, and return if the date is moved."""
        return stale_questions(self.deck, self._day.date)

    # -- the queue --

    def _build_queue(self) -> StudyDay:
        """Read today's queue (`quiz.core.queue.todays_queue`, shared with the deck page)."""
        now = self._now()
        day = study_day(now, self.settings.day_starts_at, self._tz)
        catch_up = bring_cards_forward(self.store, self.deck.deck, self.settings, now, self._tz)
        self.exam_catch_up = catch_up or self.exam_catch_up
        custom = self.custom
        queue = todays_queue(
            self.store,
            self.deck_id,
            self.settings,
            day,
            known=custom.served(self._cards),
            due_by=day.end + timedelta(days=custom.ahead_days) if custom.ahead_days else None,
        )
        self._main = [self._queued(row) for row in (*queue.reviews, *queue.new)]
        self._learning = []
        for row in queue.learning:
            self._push_learning(self._queued(row))
        self._current = None
        return day

    def _queued(self, row: QueueRow) -> _Queued:
        due = None if row.due is None else from_us(row.due)
        return _Queued(self._cards[row.card_key], Phase(row.phase), due)

    def _push_learning(self, item: _Queued) -> None:
        assert item.due is not None
        self._serial += 1
        bisect.insort(self._learning, (item.due, self._serial, item), key=_due_order)

    @property
    def day(self) -> StudyDay:
        """The study day the current queue belongs to."""
        return self._day

    def next_card(self) -> Card | None:
        """The card to show now, or None when nothing is due (see `next_due`).

        A new study day (the clock passed `day_starts_at`) rebuilds the queue.
        """
        now = self._now()
        if now >= self._day.end:
            self._day = self._build_queue()
        while self._current is None:
            item = self._pick(now)
            if item is None:
                return None
            state = self.store.card_state(self.deck_id, item.card.key)
            if state is not None:  # None: gone from the store since the queue was read
                self._current = _Queued(item.card, state.state, state.due, state)
        return self._current.card

    def _pick(self, now: datetime) -> _Queued | None:
        if self._learning and self._learning[0][0] <= now:
            return self._learning.pop(0)[2]
        if self._main:
            return self._main.pop(0)
        if self._learning and self._learning[0][0] <= now + LEARN_AHEAD:
            return self._learning.pop(0)[2]
        return None

    def counts(self) -> QueueCounts:
        """New, learning and review cards left today, the current card included."""
        items = [*self._main, *(entry[2] for entry in self._learning)]
        if self._current is not None:
            items.append(self._current)
        phases = [item.phase for item in items]
        return QueueCounts(
            new=phases.count(Phase.NEW),
            learning=phases.count(Phase.LEARNING) + phases.count(Phase.RELEARNING),
            review=phases.count(Phase.REVIEW),
        )

    def state(self, card: Card) -> CardState:
        """The card's scheduling state (as read for the queue, else from the store)."""
        if self._current is not None and self._current.card.key == card.key:
            assert self._current.state is not None, "next_card reads the state of the card it shows"
            return self._current.state
        state = self.store.card_state(self.deck_id, card.key)
        if state is None:
            raise KeyError(f"card {card.key!r} is not in deck {self.deck_id!r}")
        return state

    def intervals(self, card: Card) -> dict[Grade, timedelta]:
        """The interval each grade would give now, unfuzzed (see `Scheduler`)."""
        return self.scheduler.preview(
            self.state(card), self._now(), until=card.question.valid_until
        )

    @property
    def backup_pending(self) -> bool:
        """Whether the day's backup has an outcome `backup_problem` has not yet given."""
        return self._backup is not None

    def backup_problem(self, *, wait: bool = False) -> str | None:
        """Why the day's backup failed, once (None while it runs, after it worked, and once
        said); `wait` waits for it to end. A failed backup never stops the review: the
        answers still go into the database, which the next backup copies."""
        if self._backup is None or not (wait or self._backup.done()):
            return None
        job, self._backup = self._backup, None
        try:
            job.wait()
        except StoreError as error:
            return str(error)
        return None

    def interval_labels(self, card: Card) -> dict[Grade, str]:
        """What each grade button says: the interval, or the range fuzz draws it from
        ("10m", "7-9d"), so the label is true whatever day the card comes back."""
        ranges = self.scheduler.preview_ranges(
            self.state(card), self._now(), until=card.question.valid_until
        )
        return {grade: format_interval_range(*bounds) for grade, bounds in ranges.items()}

    # -- answers --

    def answer(
        self,
        card: Card,
        grade: Grade,
        *,
        response: Response | None = None,
        correct: bool | None = None,
        duration_ms: int = 0,
    ) -> AnswerOutcome:
        """Grade a card; the answer is committed to the store before this returns.

        `response` and `correct` (what the learner typed or picked, and the
        checker's verdict) go to the log; scheduling uses `grade` only, which for
        auto-checked kinds comes from `quiz.core.scheduling.grade_for`.

        Raises:
            quiz.errors.StoreConflict: another process answered the card since
                it was read; the card is dropped from this session.
        """
        now = self._now()
        before = self.state(card)
        self._take_out(card)
        main, learning = list(self._main), list(self._learning)
        after, review_id, leech = _schedule_and_log(
            self.store,
            self.scheduler,
            self.deck_id,
            card.key,
            before,
            grade,
            now,
            response=response,
            correct=correct,
            duration_ms=duration_ms,
            until=card.question.valid_until,
            settings=self.settings,
        )
        outcome = AnswerOutcome(card, grade, before, after, review_id, duration_ms, leech)
        self._undo.append(_Snapshot(outcome, self._day.date, main, learning))
        self._outcomes.append(outcome)
        learning_step = after.state in (Phase.LEARNING, Phase.RELEARNING)
        suspended = leech and self.settings.leech_action == "suspend"
        if learning_step and not suspended and after.due is not None and after.due < self._day.end:
            self._push_learning(_Queued(card, after.state, after.due, after))
        return outcome

    def _take_out(self, card: Card) -> None:
        """Remove `card` from wherever it waits in today's queue."""
        if self._current is not None and self._current.card.key == card.key:
            self._current = None
            return  # a shown card was taken off its queue by next_card
        self._main = [item for item in self._main if item.card.key != card.key]
        self._learning = [entry for entry in self._learning if entry[2].card.key != card.key]

    # -- card actions --

    def marks(self, card: Card) -> CardMarks:
        """The card's marks (suspended, buried, flag, leech) as stored now."""
        record = self.store.card(self.deck_id, card.key)
        if record is None:
            raise KeyError(f"card {card.key!r} is not in deck {self.deck_id!r}")
        return record.marks

    def suspend(self, card: Card) -> CardActionOutcome:
        """Suspend the card: out of every queue until unsuspended (the browser does that)."""
        result = self.store.suspend([(self.deck_id, card.key)], now=self._now())
        return self._acted(CardActionOutcome(card, "suspend", result.batch), leaves=True)

    def bury(self, card: Card) -> CardActionOutcome:
        """Bury the card until the next study day."""
        tomorrow = self._day.date + timedelta(days=1)
        result = self.store.bury([(self.deck_id, card.key)], until=tomorrow, now=self._now())
        return self._acted(CardActionOutcome(card, "bury", result.batch), leaves=True)

    def flag(self, card: Card, flag: Flag) -> CardActionOutcome:
        """Put a coloured flag on the card (`Flag.NONE` takes it off); it stays in the queue."""
        result = self.store.set_flag([(self.deck_id, card.key)], flag, now=self._now())
        return self._acted(CardActionOutcome(card, "flag", result.batch, flag), leaves=False)

    def forget(self, card: Card) -> CardActionOutcome:
        """Send the card back to new (its log and lapse count stay); it leaves today's queue
        and comes back as a new card on a later day, under the new-card limit."""
        result = self.store.forget([(self.deck_id, card.key)], now=self._now())
        return self._acted(CardActionOutcome(card, "forget", result.batch), leaves=True)

    def _acted(self, outcome: CardActionOutcome, *, leaves: bool) -> CardActionOutcome:
        """Record an action on the undo stack and, if `leaves`, take its card out of today."""
        main, learning = list(self._main), list(self._learning)
        self._undo.append(_Snapshot(outcome, self._day.date, main, learning))
        if leaves:
            self._take_out(outcome.card)
        return outcome

    # -- undo --

    @property
    def can_undo(self) -> bool:
        """Whether there is an answer or card action of this session to take back."""
        return bool(self._undo)

    def undo(self) -> Card | None:
        """Take back the newest answer or card action of this session and return its card,
        to show again.

        An answer's card state is restored exactly and its log row deleted; an action is
        undone whole by the store. The queue is put back as it was (rebuilt, if the step
        was on an earlier study day). Repeated calls go further back; None when there is
        nothing to undo.
        """
        if not self._undo:
            return None
        snapshot = self._undo[-1]
        step = snapshot.step
        if isinstance(step, AnswerOutcome):
            state = self.store.undo_review(step.review_id).state  # a StoreError changes nothing
            self._outcomes.remove(step)
        else:
            if step.batch is not None:
                self.store.undo_card_action(step.batch)
            state = self.state_in_store(step.card)
        self._undo.pop()
        card = self._cards.get(step.card.key, step.card)  # its text as now loaded
        if snapshot.day == self._day.date:
            self._main, self._learning = snapshot.main, snapshot.learning
        else:
            self._day = self._build_queue()
        self._current = None
        self._take_out(card)  # from the queues: it is shown now
        self._current = _Queued(card, state.state, state.due, state)
        return card

    def state_in_store(self, card: Card) -> CardState:
        """The card's state as stored now (not the one read when it was shown)."""
        state = self.store.card_state(self.deck_id, card.key)
        if state is None:
            raise KeyError(f"card {card.key!r} is not in deck {self.deck_id!r}")
        return state

    # -- editing --

    def reload(self, deck: Deck, *, path: str | None, content_hash: str | None) -> Card | None:
        """Study `deck`, an edited version of this session's deck (same id), from now on.

        The store is reconciled (a card keeps its history by key; a question whose key
        changed starts as new, the old one orphaned with its history). Queued cards take
        their new text; cards gone from the deck leave the queue. Returns the card on
        screen in its new version, or None if it is gone (then `next_card` goes on).
        """
        if deck.deck.id != self.deck_id:
            raise ValueError(f"the edited deck's id is {deck.deck.id!r}, not {self.deck_id!r}")
        self.deck = deck
        self.scheduler = Scheduler.for_deck(self.settings, deck.deck, tz=self._tz)
        self._cards = cards_by_key(deck)
        self._reconcile(path, content_hash)
        self._main = [fresh for item in self._main if (fresh := self._renewed(item))]
        self._learning = [
            (due, serial, fresh)
            for due, serial, item in self._learning
            if (fresh := self._renewed(item))
        ]
        if self._current is not None:
            self._current = self._renewed(self._current)
        return None if self._current is None else self._current.card

    def _renewed(self, item: _Queued) -> _Queued | None:
        card = self._cards.get(item.card.key)
        return None if card is None else replace(item, card=card)

    def next_due(self) -> datetime | None:
        """When a card is next available: now, a learning step, the next study day, or later.

        Cards held back today (daily limits reached, siblings buried) make it the
        start of the next study day. None when the deck has nothing to study.
        """
        now = self._now()
        if self._current is not None or self._main:
            return now
        if self._learning:
            return max(now, self._learning[0][0])
        today = self._day.date
        has_new = bool(self.store.new_cards([self.deck_id], limit=1, on=today))
        first = self.store.next_due([self.deck_id], on=today)
        if has_new or (first is not None and first < self._day.end):
            return self._day.end
        return first

    def exam_outlook(self) -> ExamOutlook | None:
        """The deck's readiness for its `exam_date` (None without one ahead), with what
        bringing cards before it did (`exam_catch_up`)."""
        outlook = deck_exam_outlook(
            self.store, self.deck.deck, self.settings, self._now(), self._tz
        )
        if outlook is None or self.exam_catch_up is None:
            return outlook
        return replace(outlook, catch_up=self.exam_catch_up)

    def tomorrow(self) -> DayForecast:
        """What the next study day will hold, as far as is known now.

        `due`: learning and review cards due by its end (those left today carry
        over); `new`: the new cards it would introduce, under both daily limits.
        """
        tomorrow = study_day(self._day.end, self.settings.day_starts_at, self._tz)
        due = self.store.count_due([self.deck_id], until=tomorrow.end, on=tomorrow.date)
        new = min(
            self.settings.new_per_day,
            self.store.count_new([self.deck_id], on=tomorrow.date),
            max(0, self.settings.reviews_per_day - due),
        )
        return DayForecast(tomorrow.date, due=due, new=new)

    def summary(self) -> ReviewSummary:
        """This session's answers (undone ones excluded)."""
        grades = dict.fromkeys(Grade, 0)
        for outcome in self._outcomes:
            grades[outcome.grade] += 1
        return ReviewSummary(
            answered=len(self._outcomes),
            grades=grades,
            new_cards=sum(o.before.state is Phase.NEW for o in self._outcomes),
            duration_ms=sum(o.duration_ms for o in self._outcomes),
        )


def _due_order(entry: _Learning) -> tuple[datetime, int]:
    return entry[0], entry[1]


def _plain(response: Response) -> object:
    """A response as JSON-able data: sets of choices sorted, sequences and mappings copied."""
    if isinstance(response, (str, bool)):
        return response
    if isinstance(response, Mapping):
        return dict(response)
    if isinstance(response, Sequence):
        return list(response)
    return sorted(response)


def _schedule_and_log(
    store: Store,
    scheduler: Scheduler,
    deck_id: str,
    card_key: str,
    before: CardState,
    grade: Grade,
    now: datetime,
    *,
    response: Response | None,
    correct: bool | None,
    duration_ms: int,
    until: date | None,
    settings: Settings,
) -> tuple[CardState, int, bool]:
    """Grade one card with FSRS and commit its new state and log row (compare-and-set on
    `before`): a review's answer and a scheduled quiz's answer log alike. Returns the new
    state, the review row's id, and whether the answer made the card a leech (marked, and
    suspended if `leech_action` says so, in the same transaction)."""
    after, _ = scheduler.review(before, grade, now, duration_ms, until=until)
    leech = leech_due(before, after, settings.leech_threshold)
    review_id = store.record_review(
        deck_id,
        card_key,
        after=after,
        grade=int(grade),
        reviewed_at=now,
        response=encode_response(response),
        correct=correct,
        duration_ms=duration_ms,
        expect_before=before,
        leech=("suspend" if settings.leech_action == "suspend" else "mark") if leech else None,
    )
    return after, review_id, leech


OVERRULED_RIGHT = "Counted as right: you overruled the check"
OVERRULED_WRONG = "Counted as wrong: you overruled the check"


@dataclass(frozen=True, slots=True)
class _LoggedReview:
    """A review a scheduled quiz answer wrote, as needed to regrade it in place."""

    review_id: int
    checked_correct: bool
    """The checker's verdict on this card (a cloze blank's own)."""
    before: CardState
    after: CardState
    reviewed_at: datetime
    duration_ms: int
    until: date | None
    """The question's `valid_until`: a regraded review is not scheduled past it either."""

    def regraded(
        self, scheduler: Scheduler, right: bool, as_checked: bool
    ) -> tuple[_LoggedReview, ReviewAmendment]:
        """This review graded for the learner's verdict, or for the checker's again."""
        grade = grade_for(self.checked_correct if as_checked else right)
        after, _ = scheduler.review(
            self.before, grade, self.reviewed_at, self.duration_ms, until=self.until
        )
        amendment = ReviewAmendment(self.review_id, int(grade), was=self.after, after=after)
        return replace(self, after=after), amendment


def encode_response(response: Response | None) -> str | None:
    """A learner's response as log text: typed text as is, anything else as JSON."""
    if response is None or isinstance(response, str):
        return response
    return json.dumps(_plain(response), ensure_ascii=False)


# --- quiz and exam attempts ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """One question of a finished attempt: the response (None if unanswered) and its verdict."""

    position: int
    question: Question
    response: Response | None
    result: CheckResult | None


@dataclass(frozen=True, slots=True)
class QuizSummary:
    """The result of an attempt; unanswered questions score 0 and count in `max_score`."""

    attempt_id: int
    score: float
    max_score: float
    percent: float
    passed: bool
    duration: timedelta
    questions: list[QuestionResult] = field(default_factory=list)


class QuizSession:
    """A quiz or exam on a deck: chosen questions, checked answers, a recorded attempt.

    Args:
        store: the open study database (the deck is reconciled with it first).
        deck: the parsed deck.
        student: a name recorded with the attempt (class use), or None.
        mode: "quiz" (feedback after each answer) or "exam" (at the end); the
            UI decides what to show, the session records which it was.
        seed: makes the selection and order reproducible; drawn at random and
            recorded with the attempt when None.
        count: ask at most this many questions.
        tags: only questions carrying at least one of these tags.
        shuffle: shuffle the question order; the deck's `shuffle` when None.
        questions: ask exactly these questions of `deck` (a retry of the ones missed, a
            cram pass), in this order unless `shuffle` is True (then in the seed's order);
            `count` and `tags` are then unused.
        schedule: also review the questions' cards with FSRS (off by default:
            cramming for a test must not wreck the intervals).
        settings: the settings used when `schedule` is on.
        now: the clock.
    """

    def __init__(
        self,
        store: Store,
        deck: Deck,
        *,
        student: str | None = None,
        mode: Literal["quiz", "exam"] = "quiz",
        seed: int | None = None,
        count: int | None = None,
        tags: Collection[str] = (),
        shuffle: bool | None = None,
        questions: Sequence[Question] | None = None,
        schedule: bool = False,
        settings: Settings | None = None,
        now: Clock = system_clock,
        path: str | None = None,
        content_hash: str | None = None,
    ) -> None:
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        self.store = store
        self.deck = deck
        self.mode = mode
        self.schedule = schedule
        self._now = now
        self.seed = seed if seed is not None else draw_seed()
        reconciled_at = now()
        today = study_day(reconciled_at, (settings or Settings()).day_starts_at).date
        stale = [q for q in deck.questions if q.stale_on(today)]
        if questions is not None:
            if any(not any(q is d for d in deck.questions) for q in questions):
                raise ValueError("questions must be questions of the deck")
            self.questions = list(questions)
            if shuffle:
                random.Random(self.seed).shuffle(self.questions)
        else:
            shuffled = deck.deck.shuffle if shuffle is None else shuffle
            self.questions = draw(
                deck.questions,
                tags,
                count,
                self.seed,
                shuffled,
                today=today,
                keep_stale=mode == "exam",
            )
        if not self.questions and stale:
            raise NothingToAsk(
                f"every question of {deck.deck.id} is past its valid_until date: its facts may"
                " no longer hold (quiz check lists them)"
            )
        if not self.questions:
            raise ValueError(f"no question of deck {deck.deck.id!r} has the tags {sorted(tags)}")
        asked = {id(q) for q in self.questions}
        self.stale_questions = [
            q for q in stale if (id(q) in asked) == (mode == "exam") and tagged(q, tags)
        ]
        """Questions past their `valid_until`: left out of a quiz (listed so the learner is
        told), kept in an exam (listed so the teacher is warned at its start)."""
        reconcile_if_changed(
            store, deck, cards_by_key(deck), path=path, content_hash=content_hash, now=reconciled_at
        )
        self._settings = settings or Settings()
        self._scheduler = Scheduler.for_deck(self._settings, deck.deck, load=StoreLoad(store))
        lexicon.warm_up(deck.deck.language)
        self.started_at = now()
        self.attempt_id = store.start_attempt(
            deck.deck.id,
            mode=mode,
            started_at=self.started_at,
            deck_hash=content_hash,
            student=student,
            seed=self.seed,
            questions=[(question_identity(q), float(q.points)) for q in self.questions],
            pass_mark=deck.deck.pass_mark,
        )
        self._answers: dict[int, tuple[Response, CheckResult]] = {}
        self._checked: dict[int, CheckResult] = {}
        """The checker's verdict on each answer, whatever the learner made of it."""
        self._logged: dict[int, list[_LoggedReview]] = {}
        """The reviews each answer wrote (with `schedule`), for an overrule to correct."""

    def answer(
        self, question: Question, response: Response, *, duration_ms: int = 0
    ) -> CheckResult:
        """Check and save the answer to one of `questions` (committed before returning).

        Answering a question again replaces its answer; with `schedule`, only the
        first answer reviews its cards.
        """
        position = self._position(question)
        result = check(question, response, self.deck.deck)
        now = self._now()
        first = position not in self._answers
        # One transaction: a kill between the answer and its reviews left an answer
        # without them (5 of 40 kills), or a cloze with some blanks reviewed.
        logged: list[_LoggedReview] = []
        with self.store.transaction():
            self.store.record_attempt_answer(
                self.attempt_id,
                position=position,
                question_key=question_identity(question),
                response_json=json.dumps(_plain(response), ensure_ascii=False),
                correct=result.correct,
                score=result.score,
                points=result.points,
                answered_at=now,
                duration_ms=duration_ms,
            )
            if self.schedule and first:
                logged = self._review(question, response, result.correct, now, duration_ms)
        self._answers[position] = (response, result)
        self._checked[position] = result
        if logged:
            self._logged[position] = logged
        return result

    def _position(self, question: Question) -> int:
        for position, asked in enumerate(self.questions):
            if asked is question:
                return position
        raise ValueError("that question is not part of this attempt")

    def _review(
        self,
        question: Question,
        response: Response,
        correct_whole: bool,
        now: datetime,
        duration_ms: int,
    ) -> list[_LoggedReview]:
        """Review the question's cards: each cloze blank by its own answer, else the front
        (`correct_whole`: the verdict on the whole answer). Returns what it logged."""
        logged: list[_LoggedReview] = []
        for card in cards_of_question(question):
            if card.side == "back":
                continue  # a quiz asks the front; the reverse card was not tested
            if card.blank is not None:
                typed = [response] if isinstance(response, str) else _plain(response)
                blanks = typed if isinstance(typed, list) else []
                given = blanks[card.blank] if card.blank < len(blanks) else ""
                correct = check_card(card, str(given), self.deck.deck).correct
            else:
                correct = correct_whole
            state = self.store.card_state(self.deck.deck.id, card.key)
            assert state is not None, "the deck was reconciled when the session started"
            after, review_id, _ = _schedule_and_log(
                self.store,
                self._scheduler,
                self.deck.deck.id,
                card.key,
                state,
                grade_for(correct),
                now,
                response=response,
                correct=correct,
                duration_ms=duration_ms,
                until=question.valid_until,
                settings=self._settings,
            )
            logged.append(
                _LoggedReview(
                    review_id, correct, state, after, now, duration_ms, question.valid_until
                )
            )
        return logged

    def overrule(self, question: Question, right: bool) -> CheckResult:
        """The learner's last word on an answer's verdict ("I was right" / "I was wrong"):
        its score becomes all or nothing, the checker's is kept beside it, and with
        `schedule` the reviews the answer wrote are regraded (Good or Again; the checker's
        grades again when the learner turns back to its verdict), all in one transaction.
        Exams keep the checker's verdict: the teacher regrades by hand.

        Raises:
            ValueError: in an exam, or for a question not answered yet.
            quiz.errors.StoreConflict: a card of the answer was reviewed again since.
        """
        if self.mode == "exam":
            raise ValueError("an exam keeps the checker's verdict")
        position = self._position(question)
        if position not in self._answers:
            raise ValueError("that question has not been answered")
        response, current = self._answers[position]
        if right == current.correct:
            return current
        checked = self._checked[position]
        if right == checked.correct:
            verdict = checked
        else:
            feedback = OVERRULED_RIGHT if right else OVERRULED_WRONG
            verdict = replace(
                checked,
                correct=right,
                score=checked.points if right else 0.0,
                feedback=feedback,
            )
        logged = self._logged.get(position, [])
        regraded = [entry.regraded(self._scheduler, right, verdict is checked) for entry in logged]
        self.store.overrule_attempt_answer(
            self.attempt_id,
            position,
            right=right,
            score=verdict.score,
            reviews=[amendment for _, amendment in regraded],
        )
        self._logged[position] = [entry for entry, _ in regraded]
        self._answers[position] = (response, verdict)
        return verdict

    def discard(self) -> None:
        """Forget an attempt left before its first answer: it was never taken, so it must not
        count as a failed one.

        Raises:
            quiz.errors.StoreError: a question was answered (finish it instead).
        """
        self.store.discard_attempt(self.attempt_id)

    def finish(self) -> QuizSummary:
        """Close the attempt and score it; every question asked counts toward the maximum."""
        maximum = float(sum(question.points for question in self.questions))
        record = self.store.finish_attempt(
            self.attempt_id, finished_at=self._now(), max_score=maximum
        )
        score = record.score or 0.0
        percent = 100.0 * score / maximum if maximum else 0.0
        assert record.finished_at is not None
        rows = [
            QuestionResult(position, question, *self._answers.get(position, (None, None)))
            for position, question in enumerate(self.questions)
        ]
        return QuizSummary(
            attempt_id=self.attempt_id,
            score=score,
            max_score=maximum,
            percent=percent,
            passed=percent >= self.deck.deck.pass_mark,
            duration=record.finished_at - record.started_at,
            questions=rows,
        )


def exam_seed(deck_id: str, student: str | None = None) -> int:
    """An exam's seed when none is given: one for the whole class, or one per student.

    From the deck id alone, every student gets the same order; with `student`, from
    the name (case-folded) and the deck id, so each gets their own order and the
    same one again on a retake. SHA-256, not `hash()`, which Python salts per
    process: the seed must be the same on every machine. 31 bits, like drawn seeds.
    """
    text = deck_id if student is None else f"{student.casefold()}\n{deck_id}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") >> 1
