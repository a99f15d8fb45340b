"""Spreading a backlog: overdue reviews over the next days, the likeliest remembered last."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.core.backlog import plan_backlog
from quiz.core.card_state import CardState, Phase
from quiz.core.scheduling import Scheduler

NOW = datetime(2027, 1, 4, 10, 0, tzinfo=timezone.utc)
TODAY = date(2027, 1, 4)
DAY = timedelta(days=1)
SCHEDULER = Scheduler(fuzz=False, day_starts_at=4, tz=timezone.utc)


def overdue(stability: float, days_over: int, phase: Phase = Phase.REVIEW) -> CardState:
    """A card due `days_over` days ago, last reviewed 10 days before that."""
    return CardState(
        state=phase,
        stability=stability,
        difficulty=5.0,
        due=NOW - days_over * DAY,
        last_review=NOW - (days_over + 10) * DAY,
        reps=3,
    )


@pytest.mark.parametrize(
    ("cards", "days", "per_day"),
    [(10, 3, [4, 3, 3]), (2, 5, [1, 1]), (9, 1, [9]), (0, 4, [])],
)
def test_each_day_gets_an_even_share_today_first(cards: int, days: int, per_day: list[int]) -> None:
    planned = plan_backlog(
        [(("d", f"c{n}"), overdue(5.0 + n, 3)) for n in range(cards)], SCHEDULER, NOW, days
    )
    counts = Counter(move.day for move in planned)
    assert [counts[TODAY + n * DAY] for n in range(len(per_day))] == per_day
    assert sum(counts.values()) == cards


def test_the_cards_most_likely_forgotten_come_first_and_later_days_start_at_day_start() -> None:
    cards = [
        (("d", "strong"), overdue(60.0, 2)),
        (("d", "weak"), overdue(2.0, 9)),
        (("d", "middle"), overdue(12.0, 4)),
    ]
    planned = plan_backlog(cards, SCHEDULER, NOW, 3)
    assert [move.card[1] for move in planned] == ["weak", "middle", "strong"]
    assert [move.moved for move in planned] == [False, True, True]
    weak, middle, strong = planned
    assert weak.due == cards[1][1].due  # today's keep their due time
    assert middle.due == datetime(2027, 1, 5, 4, 0, tzinfo=timezone.utc)
    assert strong.due == datetime(2027, 1, 6, 4, 0, tzinfo=timezone.utc)
    assert weak.retrievability < middle.retrievability < strong.retrievability


def test_learning_cards_and_bad_day_counts() -> None:
    cards = [(("d", "l"), overdue(1.0, 1, Phase.RELEARNING)), (("d", "r"), overdue(5.0, 1))]
    assert [move.card for move in plan_backlog(cards, SCHEDULER, NOW, 2)] == [("d", "r")]
    with pytest.raises(ValueError, match="1 or more"):
        plan_backlog(cards, SCHEDULER, NOW, 0)


@given(
    cards=st.lists(st.tuples(st.floats(0.5, 500.0), st.integers(0, 200)), min_size=0, max_size=60),
    days=st.integers(1, 30),
)
def test_every_card_once_even_days_and_recall_rising_day_by_day(
    cards: list[tuple[float, int]], days: int
) -> None:
    given_cards = [(("d", f"c{n}"), overdue(s, over)) for n, (s, over) in enumerate(cards)]
    planned = plan_backlog(given_cards, SCHEDULER, NOW, days)
    assert sorted(move.card for move in planned) == sorted(ref for ref, _ in given_cards)
    counts = Counter(move.day for move in planned)
    assert not counts or max(counts.values()) - min(counts.values()) <= 1
    assert all(TODAY <= move.day < TODAY + days * DAY for move in planned)
    by_day = sorted(planned, key=lambda move: move.day)
    recalls = [move.retrievability for move in by_day]
    assert recalls == sorted(recalls)
    assert all(move.moved == (move.day > TODAY) for move in planned)
