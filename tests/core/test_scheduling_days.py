"""FSRS counts time in study days, as Anki does, and the buttons tell the truth about fuzz.

A review card shows any time on the day it is due, so fsrs must see the days between two
reviews as study days: a card due at 19:27 and answered at 19:03 the next evening was
reviewed after one day, not after 0 (a same-day repeat). The reference is py-fsrs's own
`Scheduler` fed each review time mapped to the start of its study day.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.card_state import CardState, Phase
from quiz.core.scheduling import (
    NEW_CARD,
    Grade,
    Scheduler,
    format_interval_range,
    fuzz_range,
    to_fsrs,
)

ZONE = ZoneInfo("Europe/Berlin")
DAY_STARTS_AT = 4
T0 = datetime(2026, 3, 20, 17, 0, tzinfo=timezone.utc)  # spans the change to summer time


def ours(*, fuzz: bool = False) -> Scheduler:
    return Scheduler(fuzz=fuzz, day_starts_at=DAY_STARTS_AT, tz=ZONE)


def study_date(moment: datetime) -> date:
    """The study day's date: local time, four hours back (written apart from quiz.core.days)."""
    return (moment.astimezone(ZONE) - timedelta(hours=DAY_STARTS_AT)).date()


def at_day_start(moment: datetime) -> datetime:
    return datetime.combine(study_date(moment), time(0), tzinfo=timezone.utc)


REFERENCE = fsrs.Scheduler(enable_fuzzing=False)


def reference_review(card: fsrs.Card, grade: Grade, moment: datetime) -> fsrs.Card:
    """py-fsrs reviewing at the start of the study day, its last review mapped the same way."""
    mapped = fsrs.Card.from_dict(card.to_dict())
    if mapped.last_review is not None:
        mapped.last_review = at_day_start(mapped.last_review)
    reviewed, _ = REFERENCE.review_card(mapped, grade.rating, at_day_start(moment))
    return reviewed


GAPS = st.one_of(
    st.integers(1, 90).map(lambda m: timedelta(minutes=m)),
    st.integers(60, 60 * 48).map(lambda m: timedelta(minutes=m)),
    st.integers(1, 120).map(lambda d: timedelta(days=d, minutes=d * 37 % 1440)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(Grade)), GAPS), min_size=1, max_size=12))
def test_every_review_matches_py_fsrs_in_study_days(steps: list[tuple[Grade, timedelta]]) -> None:
    scheduler, state, now = ours(), NEW_CARD, T0
    card = fsrs.Card(card_id=1, due=now)
    card.last_review = None
    for grade, gap in steps:
        after, _ = scheduler.review(state, grade, now)
        expected = reference_review(card, grade, now)
        assert after.stability == expected.stability
        assert after.difficulty == expected.difficulty
        assert after.state is Phase(int(expected.state))
        assert after.step == expected.step
        assert after.due is not None
        assert after.due - now == expected.due - at_day_start(now)
        assert after.last_review == now
        card = fsrs.Card.from_dict(expected.to_dict())
        card.last_review = now  # the real time, mapped again at the next review
        state, now = after, now + gap


def test_an_evening_review_a_day_later_counts_one_day_even_23_hours_on() -> None:
    reviewed = datetime(2026, 3, 1, 19, 27, tzinfo=ZONE)
    state = CardState(Phase.REVIEW, None, 0.28, 6.0, reviewed + timedelta(days=1), reviewed, 3, 0)
    answered = datetime(2026, 3, 2, 19, 3, tzinfo=ZONE)
    after, _ = ours().review(state, Grade.Good, answered)
    one_day = fsrs.Card.from_dict(to_fsrs(state, answered).to_dict())
    one_day.last_review = datetime(2026, 3, 1, tzinfo=timezone.utc)
    expected, _ = REFERENCE.review_card(
        one_day, Grade.Good.rating, datetime(2026, 3, 2, tzinfo=timezone.utc)
    )
    same_day, _ = REFERENCE.review_card(
        to_fsrs(state, answered), Grade.Good.rating, answered.astimezone(timezone.utc)
    )
    assert after.stability == expected.stability
    assert after.stability != same_day.stability, "23.6 hours must not read as 0 days"
    assert after.stability is not None and after.stability > 1


def test_a_review_after_midnight_belongs_to_the_evening_before() -> None:
    scheduler = ours()
    late = datetime(2026, 3, 3, 1, 30, tzinfo=ZONE)  # before 04:00: still Monday's study day
    assert scheduler.day_time(late) == datetime(2026, 3, 2, tzinfo=timezone.utc)


def test_the_fuzzed_interval_always_falls_in_the_range_the_button_shows() -> None:
    scheduler = ours(fuzz=True)
    checked = 0
    for seed in range(400):
        generator = random.Random(seed)
        state, now = NEW_CARD, T0 + timedelta(minutes=generator.randrange(0, 1440))
        for _ in range(generator.randrange(2, 6)):
            state, _ = scheduler.review(state, Grade.Good, now)
            assert state.due is not None
            now = state.due + timedelta(hours=generator.randrange(0, 30))
        grade = generator.choice([Grade.Hard, Grade.Good, Grade.Easy])
        low, high = scheduler.preview_ranges(state, now)[grade]
        random.seed(seed)
        after, _ = scheduler.review(state, grade, now)
        assert after.due is not None
        assert low <= after.due - now <= high, (seed, low, after.due - now, high)
        checked += low < high
    assert checked > 300, "most of these intervals are long enough to be fuzzed"


def test_the_range_is_the_interval_itself_without_fuzz_or_below_three_days() -> None:
    assert fuzz_range(timedelta(days=2), 36500) == (timedelta(days=2), timedelta(days=2))
    low, high = fuzz_range(timedelta(days=8), 36500)
    assert low < timedelta(days=8) < high
    state, _ = ours().review(NEW_CARD, Grade.Easy, T0)
    ranges = ours().preview_ranges(state, T0 + timedelta(days=8))
    assert all(low == high for low, high in ranges.values())


def test_range_labels() -> None:
    day = timedelta(days=1)
    assert format_interval_range(8 * day, 8 * day) == "8d"
    assert format_interval_range(7 * day, 9 * day) == "7-9d"
    assert format_interval_range(33 * day, 39 * day) == "1.1-1.3mo"
    assert format_interval_range(25 * day, 31 * day) == "25d-1mo"
