"""A deck's exam date: the fields, the scheduler bringing reviews forward, and the outlook."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from quiz.config import Settings
from quiz.core.card_state import CardState, Phase
from quiz.core.days import StudyDay
from quiz.core.deckfile.lint import lint_deck
from quiz.core.exam_prep import ExamOutlook, exam_outlook
from quiz.core.models import DeckMeta
from quiz.core.scheduling import NEW_CARD, ExamGoal, Grade, Scheduler

NOW = datetime(2027, 1, 4, 10, 0, tzinfo=timezone.utc)
TODAY = date(2027, 1, 4)
DAY = timedelta(days=1)


def exam_time(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def review_card(stability: float, reviewed_days_ago: int) -> CardState:
    return CardState(
        state=Phase.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=NOW,
        last_review=NOW - reviewed_days_ago * DAY,
        reps=3,
    )


def for_exam(day: date, retention: float = 0.95, **options: object) -> Scheduler:
    return Scheduler(tz=timezone.utc, exam=ExamGoal(day, retention), **options)  # type: ignore[arg-type]


# --- the fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"exam_date": date(2027, 1, 20)}, None),
        ({"exam_date": date(2027, 1, 20), "exam_retention": 0.95}, None),
        ({"exam_retention": 0.95}, "exam_retention needs exam_date"),
        ({"exam_date": date(2027, 1, 20), "exam_retention": 0.7}, "greater than 0.7"),
        ({"exam_date": date(2027, 1, 20), "exam_retention": 1.0}, "less than 1"),
        ({"exam_date": "2027-01-20"}, "valid date"),
    ],
)
def test_exam_fields_are_validated(fields: dict[str, object], error: str | None) -> None:
    if error is None:
        meta = DeckMeta(id="d", title="D", **fields)  # type: ignore[arg-type]
        assert meta.exam_target == fields.get("exam_retention", 0.9)
        return
    with pytest.raises(ValidationError, match=error):
        DeckMeta(id="d", title="D", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("today", "warned"), [(date(2027, 1, 21), True), (date(2027, 1, 20), False)]
)
def test_quiz_check_warns_when_the_exam_is_past(tmp_path: Path, today: date, warned: bool) -> None:
    path = tmp_path / "deck.toml"
    path.write_text(
        '[deck]\nid = "d"\ntitle = "D"\nexam_date = 2027-01-20\n\n'
        '[[questions]]\nid = "q"\nkind = "flashcard"\nprompt = "p"\nanswer = "a"\n',
        encoding="utf-8",
    )
    messages = [str(d) for d in lint_deck(path, today=today).diagnostics]
    past = [m for m in messages if "exam_date 2027-01-20 is past (1 day ago)" in m]
    assert bool(past) == warned, messages
    assert not past or past[0].startswith(f"{path}:4:")


# --- the scheduler ------------------------------------------------------------------------


def test_a_review_that_would_skip_the_exam_comes_before_it_and_reaches_the_goal() -> None:
    state = review_card(stability=10.0, reviewed_days_ago=10)  # Good: a month (stability 32)
    exam = TODAY + 25 * DAY  # recall then 92% without another review
    plain, _ = Scheduler(fuzz=False, tz=timezone.utc).review(state, Grade.Good, NOW)
    assert plain.due is not None and plain.due.date() > exam
    scheduler = for_exam(exam, fuzz=False)
    after, _ = scheduler.review(state, Grade.Good, NOW)
    assert after.due is not None and after.due.date() < exam
    assert scheduler.retrievability(after, exam_time(exam)) < 0.95  # so a review is needed
    final, _ = scheduler.review(after, Grade.Good, after.due)
    assert scheduler.retrievability(final, exam_time(exam)) >= 0.95


def test_the_window_starts_at_the_first_day_whose_good_review_reaches_the_goal() -> None:
    exam = TODAY + 40 * DAY
    scheduler = for_exam(exam, fuzz=False)
    card = scheduler._in_days(review_card(stability=30.0, reviewed_days_ago=30), NOW)
    card.last_review = scheduler.day_time(NOW)  # just reviewed, as `review` asks it
    window = scheduler.exam_window(card)
    assert window is not None
    first, last = window
    assert last == 39 * DAY and first < last

    def recall_after_review_in(days: timedelta) -> float:
        assert card.last_review is not None
        reviewed, _ = scheduler._steady.review_card(
            card, Grade.Good.rating, card.last_review + days
        )
        return scheduler._recall_at(reviewed, exam_time(exam))

    assert recall_after_review_in(first) >= 0.95 > recall_after_review_in(first - DAY)


def test_an_interval_past_the_exam_is_kept_when_recall_holds_anyway() -> None:
    state = review_card(stability=200.0, reviewed_days_ago=60)
    exam = TODAY + 10 * DAY
    plain, _ = Scheduler(fuzz=False, tz=timezone.utc).review(state, Grade.Good, NOW)
    after, _ = for_exam(exam, fuzz=False).review(state, Grade.Good, NOW)
    assert after.due == plain.due and after.due is not None and after.due.date() > exam


@pytest.mark.parametrize("exam_in", [0, 1, -5])
def test_an_exam_today_tomorrow_or_past_changes_nothing(exam_in: int) -> None:
    state = review_card(stability=30.0, reviewed_days_ago=30)
    plain, _ = Scheduler(fuzz=False, tz=timezone.utc).review(state, Grade.Good, NOW)
    after, _ = for_exam(TODAY + exam_in * DAY, fuzz=False).review(state, Grade.Good, NOW)
    assert after.due == plain.due


def test_valid_until_caps_before_the_exam_does() -> None:
    state = review_card(stability=30.0, reviewed_days_ago=30)
    until = TODAY + 5 * DAY
    after, _ = for_exam(TODAY + 20 * DAY).review(state, Grade.Good, NOW, until=until)
    assert after.due is not None and after.due.date() == until


@settings(max_examples=150, deadline=None)
@given(
    stability=st.floats(0.5, 300.0),
    reviewed_days_ago=st.integers(1, 200),
    grade=st.sampled_from([Grade.Hard, Grade.Good, Grade.Easy]),
    exam_in=st.integers(2, 120),
    retention=st.floats(0.75, 0.98),
    fuzz=st.booleans(),
    balanced=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_a_review_never_leaves_the_exam_short_when_a_review_can_help(
    stability: float,
    reviewed_days_ago: int,
    grade: Grade,
    exam_in: int,
    retention: float,
    fuzz: bool,
    balanced: bool,
    seed: int,
) -> None:
    """Either recall on the exam day holds without another review, or the next review comes
    before the exam; a next review in the window reaches the goal when graded Good; and the
    interval lies in the range the button shows."""

    class Even:
        def due_per_day(self, days: Sequence[StudyDay]) -> list[int]:
            return [7] * len(days)

    state = review_card(stability, reviewed_days_ago)
    exam = TODAY + exam_in * DAY
    scheduler = for_exam(exam, retention, fuzz=fuzz, load=Even() if balanced else None)
    low, high = scheduler.preview_ranges(state, NOW)[grade]
    random.seed(seed)
    after, _ = scheduler.review(state, grade, NOW)
    assert after.due is not None
    assert low <= after.due - NOW <= high
    if scheduler.retrievability(after, exam_time(exam)) >= retention:
        return
    assert after.due.date() < exam
    final, _ = scheduler.review(after, Grade.Good, after.due)
    if final.due is not None and final.due.date() >= exam:  # that was the last review
        assert scheduler.retrievability(final, exam_time(exam)) >= retention


# --- the outlook --------------------------------------------------------------------------


def outlook_of(states: list[CardState], exam_in: int, **limits: int) -> ExamOutlook | None:
    settings = Settings(**limits)  # type: ignore[arg-type]
    scheduler = for_exam(TODAY + exam_in * DAY, fuzz=False)
    return exam_outlook(states, scheduler, settings, TODAY)


def test_studied_cards_due_before_the_exam_reach_the_goal() -> None:
    states = [review_card(5.0 + n, 5) for n in range(20)]
    outlook = outlook_of(states, 30)
    assert outlook is not None
    assert outlook.reachable and outlook.warning() is None
    assert outlook.predicted_recall >= 0.95
    assert outlook.summary().startswith("Exam in 30 days: predicted recall 9")


@pytest.mark.parametrize(
    ("new", "limits", "reason"),
    [
        (100, {"new_per_day": 20}, "100 new cards at 20 a day take 5 days, 3 days left"),
        (10, {"new_per_day": 0}, "10 new cards at 0 a day never come (new_per_day = 0)"),
        (50, {"new_per_day": 50, "reviews_per_day": 10}, "more than reviews_per_day (10) allows"),
    ],
)
def test_an_unreachable_goal_says_why(new: int, limits: dict[str, int], reason: str) -> None:
    outlook = outlook_of([NEW_CARD] * new, 3, **limits)
    assert outlook is not None
    assert not outlook.reachable
    assert outlook.predicted_recall == 0.0
    warning = outlook.warning()
    assert warning is not None
    assert warning.startswith("The exam goal of 95% is out of reach: ") and reason in warning
    assert f"({new} cards not studied yet count as 0)" in outlook.summary()


def test_cards_scheduled_past_the_exam_before_it_was_set_fall_short() -> None:
    far = CardState(
        state=Phase.REVIEW,
        stability=10.0,
        difficulty=5.0,
        due=NOW + 60 * DAY,
        last_review=NOW - 10 * DAY,
        reps=3,
    )
    outlook = outlook_of([far, review_card(5.0, 5)], 30)
    assert outlook is not None
    assert outlook.short_cards == 1
    assert "1 card will fall short" in str(outlook.warning())


def test_the_outlook_refuses_a_fuzzed_scheduler() -> None:
    with pytest.raises(ValueError, match="without fuzz"):
        exam_outlook([], for_exam(TODAY + 5 * DAY), Settings(), TODAY)


def test_no_outlook_without_an_exam_or_after_it() -> None:
    assert exam_outlook([], Scheduler(), Settings(), TODAY) is None
    assert outlook_of([], -1) is None
    today = outlook_of([review_card(5.0, 5)], 0)
    assert today is not None and today.summary().startswith("Exam today")
