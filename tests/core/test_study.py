"""Review and quiz sessions against a real SQLite store, with a fake clock and pinned zones."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.config import Settings
from quiz.core.card_state import CardState, Phase
from quiz.core.cards import Card
from quiz.core.models import Deck
from quiz.core.scheduling import Grade
from quiz.core.storage import Store
from quiz.core.study import QuizSession, ReviewSession, study_day
from quiz.errors import StoreConflict, StoreError

NEW_YORK = ZoneInfo("America/New_York")
"""Not UTC, and with DST: 04:00 local is 09:00 UTC in winter, 08:00 UTC in summer."""
T0 = datetime(2026, 1, 15, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
STEADY = Settings(fuzz=False)


class Clock:
    """A settable clock: the sessions call it at every step."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def flash(key: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "flashcard", "id": key, "prompt": f"front {key}", "answer": key, **extra}


def make_deck(*questions: dict[str, Any], deck_id: str = "d", **meta: Any) -> Deck:
    return Deck.model_validate(
        {"deck": {"id": deck_id, "title": "Deck", **meta}, "questions": list(questions)}
    )


def plain_deck(count: int) -> Deck:
    return make_deck(*(flash(f"q{n:02d}") for n in range(count)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=T0) as opened:
        yield opened


def session(
    store: Store, deck: Deck, clock: Clock, config: Settings = STEADY, **kw: Any
) -> ReviewSession:
    return ReviewSession(store, deck, config, clock, tz=NEW_YORK, **kw)


def drain(review: ReviewSession, grade: Grade = Grade.Good, most: int = 50) -> list[str]:
    """Answer up to `most` cards shown now; the keys in the order they came."""
    keys = []
    while len(keys) < most and (card := review.next_card()) is not None:
        keys.append(card.key)
        review.answer(card, grade)
    return keys


def set_state(store: Store, deck_id: str, key: str, state: CardState, at: datetime) -> None:
    """Put a card into a state the way the app does: through a logged answer."""
    store.record_review(deck_id, key, after=state, grade=3, reviewed_at=at)


def review_state(due: datetime, *, last: datetime | None = None) -> CardState:
    last = last or due - 10 * DAY
    return CardState(
        state=Phase.REVIEW, stability=10.0, difficulty=5.0, due=due, last_review=last, reps=3
    )


def all_states(store: Store, deck_id: str = "d") -> dict[str, tuple[Any, ...]]:
    rows = store.read(
        "SELECT card_key, state, step, stability, difficulty, due, last_review, reps, lapses"
        " FROM cards WHERE deck_id = ? ORDER BY card_key",
        (deck_id,),
    )
    return {row[0]: row[1:] for row in rows}


def review_count(store: Store) -> int:
    return int(store.read("SELECT count(*) FROM reviews")[0][0])


# --- study days ---


@pytest.mark.parametrize(
    ("moment", "day", "start", "end"),
    [
        # 10:00 local on Jan 15: the day began at 04:00 local = 09:00 UTC.
        (T0, "2026-01-15", "2026-01-15 09:00", "2026-01-16 09:00"),
        # 02:00 local on Jan 16 still belongs to Jan 15.
        (datetime(2026, 1, 16, 7, tzinfo=timezone.utc), "2026-01-15", "2026-01-15 09:00", None),
        # 04:00 local exactly starts Jan 16.
        (datetime(2026, 1, 16, 9, tzinfo=timezone.utc), "2026-01-16", "2026-01-16 09:00", None),
        # DST starts at 02:00 on 2026-03-08: the study day of March 7 is 23 hours long.
        (
            datetime(2026, 3, 8, 5, tzinfo=timezone.utc),
            "2026-03-07",
            "2026-03-07 09:00",
            "2026-03-08 08:00",
        ),
    ],
)
def test_study_day_rolls_over_at_four_local(
    moment: datetime, day: str, start: str, end: str | None
) -> None:
    found = study_day(moment, 4, NEW_YORK)
    assert str(found.date) == day
    assert found.start.strftime("%Y-%m-%d %H:%M") == start
    assert found.start.tzinfo is timezone.utc
    if end is not None:
        assert found.end.strftime("%Y-%m-%d %H:%M") == end


def test_system_zone_is_the_default() -> None:
    day = study_day(T0, 4)
    assert day.start <= T0 < day.end and day.end - day.start in (23 * 60 * MIN, DAY, 25 * 60 * MIN)


# --- queue ---


def test_queue_order_learning_then_most_overdue_reviews_then_new_in_deck_order(
    store: Store,
) -> None:
    deck = plain_deck(8)
    clock = Clock()
    session(store, deck, clock)  # reconcile
    set_state(store, "d", "q05", review_state(T0 - DAY), T0 - 11 * DAY)
    set_state(store, "d", "q06", review_state(T0 - 5 * DAY), T0 - 15 * DAY)
    set_state(store, "d", "q07", review_state(T0 + 2 * DAY), T0 - 8 * DAY)  # not due
    learning = CardState(
        state=Phase.LEARNING,
        step=1,
        stability=2.0,
        difficulty=5.0,
        due=T0 - MIN,
        last_review=T0 - 11 * MIN,
        reps=1,
    )
    set_state(store, "d", "q03", learning, T0 - 11 * MIN)
    review = session(store, deck, clock)
    assert review.counts().learning == 1 and review.counts().review == 2
    assert review.counts().new == 4
    order = drain(review, Grade.Easy)
    assert order == ["q03", "q06", "q05", "q00", "q01", "q02", "q04"]


def test_review_due_later_today_is_in_todays_queue(store: Store) -> None:
    deck = plain_deck(1)
    clock = Clock()
    session(store, deck, clock)
    set_state(store, "d", "q00", review_state(T0 + 6 * 60 * MIN), T0 - 9 * DAY)  # 16:00 local
    assert session(store, deck, clock).counts().review == 1
    set_state(store, "d", "q00", review_state(T0 + DAY), T0 - 9 * DAY)  # tomorrow
    assert session(store, deck, clock).counts().review == 0


def test_daily_new_limit_counts_cards_introduced_earlier_today(store: Store) -> None:
    deck = plain_deck(10)
    clock = Clock()
    config = Settings(fuzz=False, new_per_day=3)
    first = session(store, deck, clock, config)
    assert first.counts().new == 3
    for _ in range(2):
        card = first.next_card()
        assert card is not None
        first.answer(card, Grade.Easy)
    clock.advance(60 * MIN)
    again = session(store, deck, clock, config)
    assert again.counts().new == 1
    assert drain(again, Grade.Easy) == ["q02"]


def test_review_limit_caps_reviews_and_then_new_cards(store: Store) -> None:
    deck = plain_deck(8)
    clock = Clock()
    session(store, deck, clock)
    for n in range(5):
        set_state(store, "d", f"q{n:02d}", review_state(T0 - (n + 1) * DAY), T0 - 20 * DAY)
    config = Settings(fuzz=False, reviews_per_day=3, new_per_day=5)
    review = session(store, deck, clock, config)
    assert (review.counts().review, review.counts().new) == (3, 0)
    assert drain(review, Grade.Easy) == ["q04", "q03", "q02"]
    roomy = Settings(fuzz=False, reviews_per_day=6, new_per_day=5)
    later = session(store, deck, clock, roomy)
    assert (later.counts().review, later.counts().new) == (2, 1)


def test_new_day_starts_at_four_local_not_midnight(store: Store) -> None:
    deck = plain_deck(10)
    config = Settings(fuzz=False, new_per_day=2)
    late = Clock(datetime(2026, 1, 16, 4, 30, tzinfo=timezone.utc))  # 23:30 local, Jan 15
    assert drain(session(store, deck, late, config), Grade.Easy) == ["q00", "q01"]
    after_midnight = Clock(datetime(2026, 1, 16, 8, 59, tzinfo=timezone.utc))  # 03:59 local
    assert session(store, deck, after_midnight, config).counts().new == 0
    morning = Clock(datetime(2026, 1, 16, 9, 0, tzinfo=timezone.utc))  # 04:00 local
    assert drain(session(store, deck, morning, config), Grade.Easy) == ["q02", "q03"]


def test_a_running_session_rolls_over_to_the_next_day(store: Store) -> None:
    deck = plain_deck(6)
    clock = Clock(datetime(2026, 1, 16, 8, 0, tzinfo=timezone.utc))  # 03:00 local
    review = session(store, deck, clock, Settings(fuzz=False, new_per_day=2))
    assert drain(review, Grade.Easy) == ["q00", "q01"]
    clock.advance(60 * MIN)  # 04:00 local
    assert review.next_card() is not None and review.counts().new == 2
    back = review.undo()  # an answer of yesterday: the queue is rebuilt around it
    assert back is not None and back.key == "q01"
    assert review.next_card() is back and review.counts().new == 2


def test_cloze_siblings_wait_for_another_day(store: Store) -> None:
    deck = make_deck(
        {"kind": "cloze", "id": "c", "text": "{{one}} {{two}} {{three}}"},
        flash("f", reverse=True),
        flash("g"),
    )
    clock = Clock()
    review = session(store, deck, clock)
    assert review.counts().new == 3  # c:blank-1, f, g: one card per question
    shown = drain(review, Grade.Again, most=3)
    assert shown == ["c:blank-1", "f", "g"]
    clock.advance(2 * MIN)
    assert drain(review, Grade.Easy) == ["c:blank-1", "f", "g"]  # learning steps return
    clock.advance(60 * MIN)
    assert drain(session(store, deck, clock)) == [], "siblings are buried for today"
    clock.now = datetime(2026, 1, 16, 10, tzinfo=timezone.utc)  # next study day
    next_day = drain(session(store, deck, clock), Grade.Easy)
    assert sorted(key.split(":")[0] for key in next_day) == ["c", "f", "g"], "one card each"


def test_new_cloze_blanks_come_one_a_day(store: Store) -> None:
    deck = make_deck({"kind": "cloze", "id": "c", "text": "{{one}} {{two}} {{three}}"})
    clock = Clock()
    days = []
    for _ in range(3):
        days.append(drain(session(store, deck, clock), Grade.Easy))
        clock.advance(DAY)
    assert days == [["c:blank-1"], ["c:blank-2"], ["c:blank-3"]]


def test_a_sibling_answered_today_buries_an_overdue_review(store: Store) -> None:
    deck = make_deck({"kind": "cloze", "id": "c", "text": "{{one}} {{two}}"})
    clock = Clock()
    session(store, deck, clock)
    set_state(store, "d", "c:blank-2", review_state(T0 - DAY), T0 - 11 * DAY)
    set_state(store, "d", "c:blank-1", review_state(T0 + 3 * DAY), T0 - MIN)  # answered today
    assert session(store, deck, clock).counts().total == 0


def test_learning_cards_come_back_when_due_and_early_when_nothing_else(store: Store) -> None:
    deck = plain_deck(2)
    clock = Clock()
    review = session(store, deck, clock)
    first = review.next_card()
    assert first is not None and first.key == "q00"
    outcome = review.answer(first, Grade.Again)
    assert outcome.interval == MIN and outcome.after.state is Phase.LEARNING
    assert review.counts().learning == 1 and review.counts().new == 1
    second = review.next_card()
    assert second is not None and second.key == "q01"
    clock.advance(2 * MIN)
    assert review.next_card() is second, "next_card peeks until the card is answered"
    review.answer(second, Grade.Good)  # learning, due in 10 minutes
    again = review.next_card()
    assert again is not None and again.key == "q00"  # due a minute ago
    review.answer(again, Grade.Good)  # next step: 10 minutes
    early = review.next_card()
    assert early is not None and early.key == "q01", "learn ahead: due in 10 min, nothing else"
    review.answer(early, Grade.Good)  # graduates
    last = review.next_card()
    assert last is not None and last.key == "q00"
    review.answer(last, Grade.Good)
    assert review.next_card() is None
    assert review.counts().total == 0


def test_next_due(store: Store) -> None:
    deck = plain_deck(3)
    clock = Clock()
    review = session(store, deck, clock, Settings(fuzz=False, new_per_day=1, learning_steps=[30]))
    assert review.next_due() == T0
    card = review.next_card()
    assert card is not None
    review.answer(card, Grade.Again)  # 30 minutes: beyond learn-ahead
    assert review.next_card() is None
    assert review.next_due() == T0 + 30 * MIN
    clock.advance(30 * MIN)
    card = review.next_card()
    assert card is not None
    review.answer(card, Grade.Good)  # graduates to days
    assert review.next_card() is None
    assert review.next_due() == review.day.end, "new cards wait for tomorrow's limit"


def test_next_due_is_the_next_review_when_nothing_else_waits(store: Store) -> None:
    deck = plain_deck(1)
    clock = Clock()
    review = session(store, deck, clock)
    card = review.next_card()
    assert card is not None
    outcome = review.answer(card, Grade.Easy)
    assert review.next_card() is None
    assert review.next_due() == outcome.after.due and outcome.interval == 8 * DAY


@pytest.mark.parametrize(
    ("due_in_days", "limits", "expected"),
    [
        # Reviews due tomorrow (day 1) and one left over from today (day 0) count; one due
        # the day after does not. New cards: the daily limit, all six being unseen.
        ([0, 1, 1, 2], {"new_per_day": 4}, (3, 4)),
        ([0, 1, 1, 2], {"new_per_day": 10}, (3, 6)),
        # The review limit leaves room for only two new cards.
        ([1, 1, 1], {"new_per_day": 4, "reviews_per_day": 5}, (3, 2)),
        ([], {"new_per_day": 4}, (0, 4)),
    ],
)
def test_tomorrow_forecast(
    store: Store, due_in_days: list[int], limits: dict[str, int], expected: tuple[int, int]
) -> None:
    deck = plain_deck(len(due_in_days) + 6)
    clock = Clock()
    review = session(store, deck, clock, Settings(fuzz=False, **limits))
    for n, days in enumerate(due_in_days):
        due = review.day.start + days * DAY + 2 * HOUR
        set_state(store, "d", f"q{n:02d}", review_state(due), T0 - 20 * DAY)
    forecast = session(store, deck, clock, Settings(fuzz=False, **limits)).tomorrow()
    assert forecast.date == date(2026, 1, 16)
    assert (forecast.due, forecast.new) == expected


def test_intervals_preview_each_grade(store: Store) -> None:
    review = session(store, plain_deck(1), Clock())
    card = review.next_card()
    assert card is not None
    intervals = review.intervals(card)
    assert intervals == {
        Grade.Again: MIN,
        Grade.Hard: 5.5 * MIN,
        Grade.Good: 10 * MIN,
        Grade.Easy: 8 * DAY,
    }
    assert review.answer(card, Grade.Good).interval == intervals[Grade.Good]


def test_answer_is_committed_before_it_returns(store: Store, tmp_path: Path) -> None:
    review = session(store, plain_deck(2), Clock())
    card = review.next_card()
    assert card is not None
    outcome = review.answer(card, Grade.Hard, response="typed", correct=True, duration_ms=1234)
    other = sqlite3.connect(tmp_path / "study.sqlite3")
    try:
        row = other.execute(
            "SELECT id, card_key, grade, response, correct, duration_ms FROM reviews"
        ).fetchone()
    finally:
        other.close()
    assert row == (outcome.review_id, "q00", 2, "typed", 1, 1234)


def test_structured_responses_are_logged_as_json(store: Store) -> None:
    review = session(store, plain_deck(1), Clock())
    card = review.next_card()
    assert card is not None
    outcome = review.answer(card, Grade.Good, response=["a", "b"])
    logged = store.review(outcome.review_id)
    assert logged is not None and logged.response == '["a", "b"]'


def test_undo_several_steps_restores_state_and_removes_log_rows(store: Store) -> None:
    deck = plain_deck(4)
    clock = Clock()
    session(store, deck, clock)
    set_state(store, "d", "q03", review_state(T0 - 2 * DAY), T0 - 12 * DAY)
    review = session(store, deck, clock)
    initial, logged = all_states(store), review_count(store)
    history = []
    for grade in (Grade.Again, Grade.Good, Grade.Easy, Grade.Hard):
        card = review.next_card()
        assert card is not None
        history.append((card.key, all_states(store), review.counts()))
        review.answer(card, grade)
        clock.advance(3 * MIN)
    assert review_count(store) == logged + 4
    for key, states, counts in reversed(history):
        back = review.undo()
        assert back is not None and back.key == key
        assert all_states(store) == states
        assert review.next_card() is back and review.counts() == counts
    assert review.undo() is None
    assert all_states(store) == initial and review_count(store) == logged
    assert review.summary().answered == 0


def test_undo_then_answer_differently(store: Store) -> None:
    review = session(store, plain_deck(2), Clock())
    card = review.next_card()
    assert card is not None
    review.answer(card, Grade.Again)
    assert review.undo() is card
    outcome = review.answer(card, Grade.Easy)
    assert outcome.before == CardState() and outcome.after.state is Phase.REVIEW
    summary = review.summary()
    assert summary.answered == 1 and summary.grades[Grade.Easy] == 1 and summary.new_cards == 1


def test_summary_counts_grades_new_cards_and_time(store: Store) -> None:
    review = session(store, plain_deck(3), Clock())
    for grade, ms in ((Grade.Again, 1000), (Grade.Good, 2500), (Grade.Easy, 500)):
        card = review.next_card()
        assert card is not None
        review.answer(card, grade, duration_ms=ms)
    summary = review.summary()
    assert (summary.answered, summary.new_cards, summary.duration_ms) == (3, 3, 4000)
    assert summary.grades == {Grade.Again: 1, Grade.Hard: 0, Grade.Good: 1, Grade.Easy: 1}
    assert summary.again_share == pytest.approx(1 / 3)


def test_two_sessions_answering_the_same_card_conflict(store: Store, tmp_path: Path) -> None:
    deck = plain_deck(2)
    clock = Clock()
    mine = session(store, deck, clock)
    shown = mine.next_card()
    assert shown is not None and shown.key == "q00"
    with Store.open(tmp_path / "study.sqlite3", now=T0) as other_store:
        theirs = session(other_store, deck, clock)
        card = theirs.next_card()
        assert card is not None and card.key == "q00"
        theirs.answer(card, Grade.Good)
    with pytest.raises(StoreConflict):
        mine.answer(shown, Grade.Good)
    nxt = mine.next_card()
    assert nxt is not None and nxt.key == "q01", "the conflicting card left the queue"


def test_a_card_answered_elsewhere_is_shown_with_its_fresh_state(
    store: Store, tmp_path: Path
) -> None:
    deck = plain_deck(1)
    clock = Clock()
    mine = session(store, deck, clock)
    with Store.open(tmp_path / "study.sqlite3", now=T0) as other_store:
        theirs = session(other_store, deck, clock)
        card = theirs.next_card()
        assert card is not None
        theirs.answer(card, Grade.Again)
    shown = mine.next_card()
    assert shown is not None and mine.state(shown).reps == 1
    assert mine.answer(shown, Grade.Good).before.reps == 1


def test_removed_questions_leave_the_queue_and_come_back_with_history(store: Store) -> None:
    clock = Clock()
    full = plain_deck(3)
    review = session(store, full, clock)
    card = review.next_card()
    assert card is not None
    review.answer(card, Grade.Easy)
    smaller = make_deck(flash("q01"), flash("q02"))
    assert drain(session(store, smaller, clock), Grade.Easy) == ["q01", "q02"]
    record = store.card("d", "q00")
    assert record is not None and record.orphaned
    session(store, full, clock)
    back = store.card("d", "q00")
    assert back is not None and not back.orphaned and back.state.reps == 1


def test_unchanged_content_hash_skips_the_reconciliation(store: Store) -> None:
    clock = Clock()
    session(store, plain_deck(2), clock, content_hash="abc")
    session(store, plain_deck(2), clock, content_hash="abc")
    record = store.deck("d")
    assert record is not None and record.reconciled_at == T0
    clock.advance(MIN)
    session(store, plain_deck(3), clock, content_hash="def")
    record = store.deck("d")
    assert record is not None and record.reconciled_at == T0 + MIN and record.card_count == 3


def test_deck_retention_is_used(store: Store) -> None:
    deck = make_deck(flash("a"), desired_retention=0.8)
    review = session(store, deck, Clock())
    assert review.scheduler.desired_retention == 0.8


def test_a_daily_backup_is_taken_when_studying_starts(store: Store, tmp_path: Path) -> None:
    first = session(store, plain_deck(1), Clock())
    second = session(store, plain_deck(1), Clock())  # while the first may still be copying
    assert first.backup_problem(wait=True) is None
    assert second.backup_problem(wait=True) is None
    assert not first.backup_pending
    backups = sorted((tmp_path / "backups").glob("*daily*.sqlite3"))
    assert len(backups) == 1


# --- properties ---


GRADES = st.sampled_from(list(Grade))
GAPS = st.integers(min_value=0, max_value=3 * 24 * 60)  # minutes between answers


@settings(max_examples=40, deadline=None)
@given(steps=st.lists(st.tuples(GRADES, GAPS), min_size=1, max_size=30))
def test_undo_after_any_sequence_restores_every_previous_state(
    steps: list[tuple[Grade, int]],
) -> None:
    deck = make_deck(
        flash("a", reverse=True), {"kind": "cloze", "id": "c", "text": "{{x}} {{y}}"}, flash("b")
    )
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.sqlite3"
        with Store.open(path, now=T0, synchronous="NORMAL") as db:
            review = ReviewSession(db, deck, STEADY, clock, tz=NEW_YORK, daily_backup=False)
            before: list[dict[str, tuple[Any, ...]]] = []
            for grade, gap in steps:
                clock.advance(timedelta(minutes=gap))
                card = review.next_card()
                if card is None:
                    continue
                before.append(all_states(db))
                outcome = review.answer(card, grade)
                assert outcome.after.due is not None and outcome.after.due > clock.now
                assert outcome.after.last_review == clock.now
            assert review_count(db) == len(before)
            for states in reversed(before):
                assert review.undo() is not None
                assert all_states(db) == states
            assert review.undo() is None and review_count(db) == 0


# --- quiz attempts ---


def quiz_deck() -> Deck:
    return make_deck(
        flash("f"),
        {"kind": "short", "id": "s", "prompt": "Capital of France?", "answer": "Paris"},
        {"kind": "choice", "id": "k", "prompt": "Pick", "choices": ["x", "y"], "answer": "y"},
        {"kind": "cloze", "id": "c", "text": "{{red}} and {{blue}}", "points": 2},
        {"kind": "truefalse", "id": "t", "prompt": "True?", "answer": True, "tags": ["logic"]},
        pass_mark=50,
    )


def by_id(quiz: QuizSession, key: str) -> Any:
    return next(q for q in quiz.questions if q.id == key)


def test_each_quiz_answer_is_saved_at_once_and_the_schedule_is_untouched(
    store: Store, tmp_path: Path
) -> None:
    clock = Clock()
    quiz = QuizSession(store, quiz_deck(), now=clock, seed=7, student="Ana")
    states = all_states(store)
    other = sqlite3.connect(tmp_path / "study.sqlite3")
    try:
        result = quiz.answer(by_id(quiz, "s"), "paris")
        assert result.correct
        rows = other.execute("SELECT question_key, response_json, correct FROM attempt_answers")
        assert rows.fetchall() == [("s", '"paris"', 1)]
        quiz.answer(by_id(quiz, "c"), ["red", "green"])
        count = other.execute("SELECT count(*) FROM attempt_answers").fetchone()[0]
        assert count == 2
    finally:
        other.close()
    assert all_states(store) == states and review_count(store) == 0
    attempt = store.attempt(quiz.attempt_id)
    assert attempt is not None and attempt.student == "Ana" and attempt.seed == 7


def test_finish_scores_every_question_asked(store: Store) -> None:
    clock = Clock()
    quiz = QuizSession(store, quiz_deck(), now=clock, seed=1, mode="exam")
    quiz.answer(by_id(quiz, "s"), "Paris")  # 1 of 1
    quiz.answer(by_id(quiz, "c"), ["red", "green"])  # 1 of 2
    quiz.answer(by_id(quiz, "k"), "x")  # 0 of 1
    clock.advance(5 * MIN)
    summary = quiz.finish()
    assert (summary.score, summary.max_score) == (2.0, 6.0)
    assert summary.percent == pytest.approx(100 * 2 / 6) and not summary.passed
    assert summary.duration == 5 * MIN
    answered = {row.question.id: row.result for row in summary.questions}
    assert answered["f"] is None and answered["t"] is None
    assert answered["c"] is not None and answered["c"].score == 1.0
    attempt = store.attempt(quiz.attempt_id)
    assert attempt is not None and attempt.mode == "exam" and attempt.max_score == 6.0


def test_passing_uses_the_deck_pass_mark(store: Store) -> None:
    quiz = QuizSession(store, quiz_deck(), now=Clock(), seed=1, tags=["logic"])
    assert [q.id for q in quiz.questions] == ["t"]
    quiz.answer(quiz.questions[0], True)
    summary = quiz.finish()
    assert summary.passed and summary.percent == 100.0


def test_seed_fixes_selection_and_order(store: Store) -> None:
    deck = plain_deck(12)
    orders = {
        tuple(q.id for q in QuizSession(store, deck, now=Clock(), seed=3, count=5).questions)
        for _ in range(3)
    }
    assert len(orders) == 1 and len(next(iter(orders))) == 5
    other = tuple(q.id for q in QuizSession(store, deck, now=Clock(), seed=4).questions)
    assert other != tuple(f"q{n:02d}" for n in range(12)), "the deck shuffles by default"
    kept = QuizSession(store, deck, now=Clock(), seed=4, shuffle=False, count=3).questions
    assert [q.id for q in kept] == ["q00", "q01", "q02"]


def test_unknown_tags_are_an_error(store: Store) -> None:
    with pytest.raises(ValueError, match="no question"):
        QuizSession(store, quiz_deck(), now=Clock(), tags=["nope"])


def test_an_abandoned_attempt_keeps_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "study.sqlite3"
    with Store.open(path, now=T0) as db:
        quiz = QuizSession(db, quiz_deck(), now=Clock(), seed=2)
        quiz.answer(by_id(quiz, "t"), False)
        quiz.answer(by_id(quiz, "k"), "y")
        attempt_id = quiz.attempt_id
    with Store.open(path, now=T0) as db:
        attempt = db.attempt(attempt_id)
        assert attempt is not None and attempt.finished_at is None
        answers = db.attempt_answers(attempt_id)
        assert sorted((a.question_key, a.correct) for a in answers) == [
            ("k", True),
            ("t", False),
        ]


def test_reanswering_replaces_the_answer(store: Store) -> None:
    quiz = QuizSession(store, quiz_deck(), now=Clock(), seed=2)
    quiz.answer(by_id(quiz, "k"), "x")
    quiz.answer(by_id(quiz, "k"), "y")
    answers = store.attempt_answers(quiz.attempt_id)
    assert [(a.question_key, a.correct) for a in answers] == [("k", True)]


def test_schedule_true_reviews_each_card_once(store: Store) -> None:
    clock = Clock()
    quiz = QuizSession(store, quiz_deck(), now=clock, seed=5, schedule=True, settings=STEADY)
    quiz.answer(by_id(quiz, "c"), ["red", "green"])
    quiz.answer(by_id(quiz, "k"), "y")
    quiz.answer(by_id(quiz, "k"), "x")  # a second answer does not review again
    grades = dict(store.read("SELECT card_key, grade FROM reviews"))
    assert grades == {"c:blank-1": 3, "c:blank-2": 1, "k": 3}
    state = store.card_state("d", "k")
    assert state is not None and state.reps == 1 and state.state is Phase.LEARNING


def test_quiz_responses_are_stored_as_json(store: Store) -> None:
    deck = make_deck(
        {"kind": "multi", "id": "m", "prompt": "P", "choices": ["a", "b", "c"], "answers": ["a"]},
        {"kind": "match", "id": "p", "prompt": "M", "pairs": [["x", "1"], ["y", "2"]]},
    )
    quiz = QuizSession(store, deck, now=Clock(), seed=1, shuffle=False)
    quiz.answer(quiz.questions[0], {"c", "a"})
    quiz.answer(quiz.questions[1], {"x": "1", "y": "2"})
    saved = [json.loads(a.response_json or "null") for a in store.attempt_answers(quiz.attempt_id)]
    assert saved == [["a", "c"], {"x": "1", "y": "2"}]


def test_review_states_round_trip_through_the_store(store: Store) -> None:
    review = session(store, plain_deck(1), Clock())
    card = review.next_card()
    assert isinstance(card, Card)
    outcome = review.answer(card, Grade.Good)
    assert store.card_state("d", card.key) == outcome.after
    assert replace(outcome.after, reps=0) != outcome.after


def test_an_attempt_left_before_any_answer_is_discarded(store: Store) -> None:
    """Nothing answered: the attempt is deleted, so results and last scores never see it;
    once answered (or finished) it is kept."""
    quiz = QuizSession(store, quiz_deck(), now=Clock(), seed=2)
    quiz.discard()
    assert store.attempt(quiz.attempt_id) is None and store.attempts() == []
    assert store.attempt_questions(quiz.attempt_id) == []
    answered = QuizSession(store, quiz_deck(), now=Clock(), seed=2)
    answered.answer(by_id(answered, "t"), False)
    with pytest.raises(StoreError):
        answered.discard()
    finished = QuizSession(store, quiz_deck(), now=Clock(), seed=2)
    finished.finish()
    with pytest.raises(StoreError):
        finished.discard()
    assert [a.id for a in store.attempts()] == [answered.attempt_id, finished.attempt_id]
    assert store.last_finished_percents() == {}  # neither answered every question


def test_a_scheduled_answer_and_its_reviews_are_one_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure (or a kill) while the second blank of a cloze is reviewed leaves neither the
    answer nor the first blank's review: all of it is committed together or not at all."""
    quiz = QuizSession(store, quiz_deck(), now=Clock(), seed=2, schedule=True)
    real = store.record_review
    calls: list[str] = []

    def second_fails(*args: Any, **kwargs: Any) -> int:
        calls.append(args[1])
        if len(calls) == 2:
            raise OSError("disk gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "record_review", second_fails)
    with pytest.raises(OSError):
        quiz.answer(by_id(quiz, "c"), ["red", "green"])
    assert len(calls) == 2
    assert store.attempt_answers(quiz.attempt_id) == []
    assert store.read("SELECT count(*) FROM reviews") == [(0,)]
    monkeypatch.setattr(store, "record_review", real)
    quiz.answer(by_id(quiz, "c"), ["red", "green"])  # asked again, it reviews both blanks
    assert store.read("SELECT correct FROM reviews ORDER BY id") == [(1,), (0,)]
    assert len(store.attempt_answers(quiz.attempt_id)) == 1


def test_a_quiz_on_an_unchanged_deck_file_does_not_reconcile_it_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same content hash, path and cards as last time: the store's cards are already right, so
    a quiz or a review starts without writing them (or building every card's text) again; a
    changed file is reconciled."""
    written: list[str | None] = []
    real = store.reconcile_deck

    def counting(deck_id: str, **rest: Any) -> Any:
        written.append(rest["content_hash"])
        return real(deck_id, **rest)

    monkeypatch.setattr(store, "reconcile_deck", counting)
    deck = plain_deck(3)
    for _ in range(2):
        QuizSession(store, deck, now=Clock(), seed=1, path="d.toml", content_hash="aa")
        session(store, deck, Clock(), path="d.toml", content_hash="aa", daily_backup=False)
    assert written == ["aa"]
    QuizSession(store, deck, now=Clock(), seed=1, path="d.toml", content_hash="bb")
    QuizSession(store, deck, now=Clock(), seed=1, path="moved.toml", content_hash="bb")
    QuizSession(store, deck, now=Clock(), seed=1)  # no file known: always reconciled
    assert written == ["aa", "bb", "bb", None]
