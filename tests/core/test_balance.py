"""Load balancing and easy days: the settings, the weighted pick, and the scheduler using them."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.config import Settings, config_path
from quiz.core.balance import day_weight, pick_interval
from quiz.core.card_state import CardState, Phase
from quiz.core.days import StudyDay
from quiz.core.scheduling import Grade, Scheduler, fuzz_range
from quiz.errors import ConfigError

NOW = datetime(2027, 1, 4, 10, 0, tzinfo=timezone.utc)  # a Monday, study day 2027-01-04
TODAY = date(2027, 1, 4)
DAY = timedelta(days=1)


class FixedLoad:
    """Cards due per day as given; records which days were asked about."""

    def __init__(self, due: dict[date, int] | None = None, default: int = 0) -> None:
        self.due = Counter(due or {})
        self.default = default
        self.asked: list[date] = []

    def due_per_day(self, days: Sequence[StudyDay]) -> list[int]:
        self.asked += [day.date for day in days]
        return [self.due.get(day.date, self.default) for day in days]


def review_card(stability: float, reviewed_days_ago: int = 10) -> CardState:
    """A card in review, due now, last reviewed `reviewed_days_ago` days ago."""
    return CardState(
        state=Phase.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=NOW,
        last_review=NOW - reviewed_days_ago * DAY,
        reps=3,
    )


def balanced(load: FixedLoad, **options: object) -> Scheduler:
    return Scheduler(day_starts_at=4, tz=timezone.utc, load=load, **options)  # type: ignore[arg-type]


# --- settings -----------------------------------------------------------------------------


def test_defaults_balance_with_no_easy_days() -> None:
    assert Settings().load_balancing is True
    assert Settings().weekday_loads == (1.0,) * 7
    assert Settings(easy_days=["sat", "sun"], easy_day_load=0.25).weekday_loads == (
        (1.0,) * 5 + (0.25, 0.25)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("load_balancing = 1", "load_balancing: Input should be a valid boolean"),
        ('easy_days = "sat"', "easy_days: Input should be a valid list"),
        ('easy_days = ["saturday"]', "easy_days.0: Input should be 'mon' or 'tue'"),
        ('easy_days = ["sun", 6]', "easy_days.1: Input should be a valid string"),
        ("easy_day_load = 1.5", "easy_day_load: Input should be less than or equal to 1"),
        ("easy_day_load = -0.1", "easy_day_load: Input should be greater than or equal to 0"),
    ],
)
def test_a_broken_balancing_setting_is_a_one_line_error(text: str, message: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Settings.load()
    assert message in str(caught.value) and "\n" not in str(caught.value)


# --- the weighted pick --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "shares", "expected"),
    [
        ([9, 0, 9], [1, 1, 1], 11),  # the empty day
        ([0, 0, 0], [1, 1, 1], 10),  # all alike: the shortest
        ([4, 4, 4], [1, 0, 1], 10),  # an easy day of load 0 is avoided
        ([0, 9, 9], [0.0, 1, 1], 11),  # even when it is empty
    ],
)
def test_the_heaviest_weight_wins_a_low_draw_when_it_dominates(
    due: list[int], shares: list[float], expected: int
) -> None:
    intervals = [10, 11, 12]
    weights = [day_weight(c, d, s) for d, c, s in zip(intervals, due, shares, strict=True)]
    assert intervals[weights.index(max(weights))] == expected
    draws = [pick_interval(intervals, due, shares, draw=n / 200) for n in range(200)]
    assert Counter(draws).most_common(1)[0][0] == expected


def test_an_easy_day_gets_about_its_share_at_equal_weight() -> None:
    """Half the load on an easy day weighs the same as a full load on an ordinary one."""
    assert day_weight(10, 10, 0.5) == pytest.approx(day_weight(20, 10, 1.0))
    assert day_weight(11, 10, 0.5) < day_weight(20, 10, 1.0)


def test_an_empty_day_weighs_one_whatever_its_distance_as_in_anki() -> None:
    assert day_weight(0, 3, 1.0) == day_weight(0, 60, 1.0) == 1.0
    assert day_weight(1, 3, 1.0) == pytest.approx(1 / 27)
    assert day_weight(0, 10, 0.5) == pytest.approx(0.5**2.15)


def test_pick_needs_candidates() -> None:
    with pytest.raises(ValueError):
        pick_interval([], [], [])


# --- the scheduler ------------------------------------------------------------------------


def test_a_balanced_review_goes_to_the_empty_day_of_its_range() -> None:
    state = review_card(stability=30.0, reviewed_days_ago=30)
    low, high = Scheduler(tz=timezone.utc).preview_ranges(state, NOW)[Grade.Good]
    quiet = TODAY + (low + DAY * 2).days * DAY
    busy = {TODAY + n * DAY: 50 for n in range(low.days, high.days + 1)}
    load = FixedLoad(busy | {quiet: 0})
    random.seed(1)
    after, _ = balanced(load).review(state, Grade.Good, NOW)
    assert after.due is not None
    assert after.due.date() == quiet
    assert sorted(set(load.asked)) == sorted(busy)


def test_without_fuzz_or_with_balancing_off_the_load_is_not_read() -> None:
    state = review_card(stability=30.0, reviewed_days_ago=30)
    load = FixedLoad()
    Scheduler(fuzz=False, tz=timezone.utc, load=load).review(state, Grade.Good, NOW)
    Scheduler.for_deck(Settings(load_balancing=False), load=load).review(state, Grade.Good, NOW)
    assert load.asked == []
    Scheduler.for_deck(Settings(), tz=timezone.utc, load=load).review(state, Grade.Good, NOW)
    assert load.asked


def test_short_and_learning_intervals_are_not_balanced() -> None:
    load = FixedLoad()
    scheduler = balanced(load)
    learning, _ = scheduler.review(CardState(), Grade.Good, NOW)  # 10 minutes
    short, _ = scheduler.review(review_card(stability=0.1, reviewed_days_ago=1), Grade.Good, NOW)
    assert learning.due == NOW + timedelta(minutes=10)
    assert short.due == NOW + 2 * DAY  # below 3 days: no fuzz, nothing to balance
    assert load.asked == []


def test_easy_days_get_less_in_a_range_that_spans_a_weekend() -> None:
    """Even load, Saturday and Sunday at share 0: nothing lands on them while a weekday is
    in range (a 54-65 day range)."""
    state = review_card(stability=20.0, reviewed_days_ago=20)
    scheduler = balanced(FixedLoad(default=5), weekday_loads=(1.0,) * 5 + (0.0, 0.0))
    days = []
    for seed in range(60):
        random.seed(seed)
        after, _ = scheduler.review(state, Grade.Good, NOW)
        assert after.due is not None
        days.append(after.due.date())
    assert {day.weekday() for day in days} == set(range(5))


def test_past_the_balanced_horizon_fuzz_alone_decides() -> None:
    load = FixedLoad()
    after, _ = balanced(load).review(review_card(40.0, 40), Grade.Good, NOW)  # 103-118 days
    assert load.asked == [] and after.due is not None


STATES = st.builds(
    review_card,
    stability=st.floats(0.5, 400.0),
    reviewed_days_ago=st.integers(1, 300),
)


@settings(max_examples=150, deadline=None)
@given(
    state=STATES,
    grade=st.sampled_from([Grade.Hard, Grade.Good, Grade.Easy]),
    loads=st.lists(st.integers(0, 400), min_size=1, max_size=20),
    weekday_loads=st.lists(st.floats(0.0, 1.0), min_size=7, max_size=7),
    until=st.none() | st.integers(0, 200),
    seed=st.integers(0, 2**32),
)
def test_a_balanced_interval_lies_in_the_range_the_button_shows(
    state: CardState,
    grade: Grade,
    loads: list[int],
    weekday_loads: list[float],
    until: int | None,
    seed: int,
) -> None:
    load = FixedLoad({TODAY + n * DAY: count for n, count in enumerate(loads)}, default=7)
    scheduler = balanced(load, weekday_loads=weekday_loads)
    last_day = None if until is None else TODAY + until * DAY
    low, high = scheduler.preview_ranges(state, NOW, until=last_day)[grade]
    random.seed(seed)
    after, _ = scheduler.review(state, grade, NOW, until=last_day)
    assert after.due is not None
    interval = after.due - NOW
    assert low <= interval <= high
    unbalanced_low, unbalanced_high = fuzz_range(
        Scheduler(fuzz=False, tz=timezone.utc).preview(state, NOW)[grade], 36500
    )
    assert interval <= unbalanced_high
    if last_day is not None and last_day > TODAY:
        assert after.due.date() <= last_day
    if last_day is None:
        assert interval >= unbalanced_low
