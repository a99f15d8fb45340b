"""News goes stale: a question's `valid_until` caps its scheduling, and past it the question
is left out of reviews, quizzes and every count (its history kept), an exam keeps it with a
warning, and `quiz check` says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quiz.config import Settings
from quiz.core.card_state import CardState
from quiz.core.days import study_day
from quiz.core.deckfile.lint import lint_deck
from quiz.core.models import Deck
from quiz.core.queue import todays_queue
from quiz.core.scheduling import Grade, Scheduler
from quiz.core.storage import Store
from quiz.core.study import QuizSession, ReviewSession
from quiz.errors import NothingToAsk
from quiz.presentation.formatting import stale_notice

NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 1, 15, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York, study day Jan 15
STEADY = Settings(fuzz=False, new_per_day=50)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def deck(**valid_until: date) -> Deck:
    """Questions a, b, c (short answers); some valid until the given dates."""
    questions: list[dict[str, Any]] = []
    for key in "abc":
        question: dict[str, Any] = {"kind": "short", "id": key, "prompt": key, "answer": key}
        if key in valid_until:
            question["valid_until"] = valid_until[key]
        questions.append(question)
    return Deck.model_validate({"deck": {"id": "news", "title": "News"}, "questions": questions})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=T0) as opened:
        yield opened


# --- scheduling -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@example(  # at 03:00 local, the study day before; 36 days on, clocks had gone forward
    grades=[Grade.Easy, Grade.Easy, Grade.Easy, Grade.Hard, Grade.Hard],
    gaps=[0, 0, 0, 22620, 0, 0, 0, 0, 0, 0, 0, 0],
    days_left=51,
    fuzz=False,
)
@given(
    grades=st.lists(st.sampled_from(list(Grade)), min_size=1, max_size=12),
    gaps=st.lists(st.integers(min_value=0, max_value=40 * 24 * 60), min_size=12, max_size=12),
    days_left=st.integers(min_value=1, max_value=400),
    fuzz=st.booleans(),
)
def test_a_review_is_never_scheduled_past_the_last_valid_day(
    grades: list[Grade], gaps: list[int], days_left: int, fuzz: bool
) -> None:
    scheduler = Scheduler(fuzz=fuzz, day_starts_at=4, tz=NEW_YORK)
    state, now = CardState(), T0
    until = study_day(T0, 4, NEW_YORK).date + timedelta(days=days_left)
    last_valid = study_day(datetime.combine(until, datetime.min.time(), NEW_YORK), 4, NEW_YORK)
    for grade, gap in zip(grades, gaps, strict=False):
        today = study_day(now, 4, NEW_YORK).date
        previews = scheduler.preview_ranges(state, now, until=until)
        state, _ = scheduler.review(state, grade, now, until=until)
        assert state.due is not None
        if today < until:
            assert state.due < study_day(last_valid.end, 4, NEW_YORK).end
            assert study_day(state.due, 4, NEW_YORK).date <= until
            _, high = previews[grade]
            assert high <= timedelta(days=(until - today).days)
        now = min(state.due, now + timedelta(minutes=gap))  # answered early or on time


def test_the_cap_does_not_touch_a_card_due_before_it() -> None:
    scheduler = Scheduler(fuzz=False, day_starts_at=4, tz=NEW_YORK)
    far = date(2030, 1, 1)
    free, _ = scheduler.review(CardState(), Grade.Easy, T0)
    capped, _ = scheduler.review(CardState(), Grade.Easy, T0, until=far)
    assert free == capped


def test_on_the_last_valid_day_the_interval_is_left_alone() -> None:
    """A due time of "now" would only show the card again at once; tomorrow it is stale."""
    scheduler = Scheduler(fuzz=False, day_starts_at=4, tz=NEW_YORK)
    today = study_day(T0, 4, NEW_YORK).date
    free, _ = scheduler.review(CardState(), Grade.Easy, T0)
    last_day, _ = scheduler.review(CardState(), Grade.Easy, T0, until=today)
    assert last_day == free


# --- queues and counts ------------------------------------------------------------------------


def test_a_stale_question_leaves_every_queue_and_count_and_comes_back_when_renewed(
    store: Store,
) -> None:
    yesterday = study_day(T0, 4, NEW_YORK).date - timedelta(days=1)
    review = ReviewSession(store, deck(b=yesterday), STEADY, Clock(), tz=NEW_YORK)
    assert [q.id for q in review.stale_questions] == ["b"]
    shown = []
    while (card := review.next_card()) is not None:
        shown.append(card.key)
        review.answer(card, Grade.Again)
        if len(shown) > 20:
            break
    assert "b" not in shown and {"a", "c"} <= set(shown)
    day = study_day(T0, 4, NEW_YORK)
    assert store.count_new(["news"], on=day.date) == 0
    assert store.count_new(["news"]) == 1  # without a day, every card counts: b is kept
    queue = todays_queue(store, "news", STEADY, day)
    assert "b" not in [row.card_key for row in (*queue.new, *queue.learning, *queue.reviews)]
    # The teacher updates the facts and the date: the question is back, history and all.
    renewed = ReviewSession(
        store, deck(b=date(2027, 1, 1)), STEADY, Clock(), tz=NEW_YORK, content_hash="new"
    )
    assert renewed.stale_questions == []
    assert store.count_new(["news"], on=day.date) == 1


def test_a_studied_stale_card_is_neither_due_nor_counted(store: Store) -> None:
    today = study_day(T0, 4, NEW_YORK).date
    review = ReviewSession(store, deck(a=today + timedelta(days=3)), STEADY, Clock(), tz=NEW_YORK)
    card = review.next_card()
    while card is not None and card.key != "a":
        review.answer(card, Grade.Easy)
        card = review.next_card()
    assert card is not None
    labels = review.interval_labels(card)
    assert labels[Grade.Easy] == "3d"  # capped: the facts hold three more days
    review.answer(card, Grade.Easy)
    state = store.card_state("news", "a")
    assert state is not None and state.due is not None
    assert study_day(state.due, 4, NEW_YORK).date == today + timedelta(days=3)
    later = study_day(T0 + timedelta(days=4), 4, NEW_YORK)
    assert store.count_due(["news"], until=later.end, on=later.date) == 0
    assert store.count_due(["news"], until=later.end) >= 1  # kept, with its history
    assert store.next_due(["news"], on=later.date) != state.due


# --- quizzes and exams ------------------------------------------------------------------------


def test_a_quiz_leaves_stale_questions_out_and_an_exam_keeps_them_with_a_warning(
    store: Store,
) -> None:
    stale = deck(b=date(2026, 1, 1), c=date(2026, 1, 2))
    quiz = QuizSession(store, stale, shuffle=False, now=Clock())
    assert [q.id for q in quiz.questions] == ["a"]
    assert [q.id for q in quiz.stale_questions] == ["b", "c"]
    assert stale_notice(2, included=False) == (
        "2 questions are past their valid_until date and left out: the facts may no longer"
        " hold (quiz check lists them)."
    )
    exam = QuizSession(store, stale, mode="exam", shuffle=False, now=Clock())
    assert [q.id for q in exam.questions] == ["a", "b", "c"]
    assert [q.id for q in exam.stale_questions] == ["b", "c"]
    assert stale_notice(1, included=True) == (
        "This exam includes 1 question past its valid_until date: the facts may no longer"
        " hold (quiz check lists them)."
    )


def test_a_quiz_of_stale_questions_only_is_refused_with_a_reason(store: Store) -> None:
    old = date(2025, 6, 1)
    with pytest.raises(NothingToAsk, match="every question of news is past its valid_until"):
        QuizSession(store, deck(a=old, b=old, c=old), now=Clock())


# --- quiz check -------------------------------------------------------------------------------


def test_check_warns_at_each_stale_question(tmp_path: Path) -> None:
    path = tmp_path / "news.toml"
    path.write_text(
        '[deck]\nid = "news"\ntitle = "News"\nas_of = 2026-01-10\n\n'
        '[[questions]]\nid = "a"\nkind = "short"\nprompt = "a"\nanswer = "a"\n'
        "valid_until = 2026-01-31\n\n"
        '[[questions]]\nid = "b"\nkind = "short"\nprompt = "b"\nanswer = "b"\n'
        "valid_until = 2026-01-08\n",
        encoding="utf-8",
    )
    before = lint_deck(path, today=date(2026, 1, 6))
    assert [str(w) for w in before.warnings] == [
        f"{path}:18:1: warning: valid_until 2026-01-08 is before the date the facts are as of"
        " (2026-01-10)"
    ]
    after = lint_deck(path, today=date(2026, 2, 2))
    assert [str(w) for w in after.warnings] == [
        f"{path}:11:1: warning: valid until 2026-01-31 (2 days ago): left out of reviews and"
        " quizzes until its facts and date are updated",
        f"{path}:18:1: warning: valid until 2026-01-08 (25 days ago): left out of reviews and"
        " quizzes until its facts and date are updated",
    ]
