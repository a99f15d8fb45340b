"""Statistics from a real store: counts, days in a non-UTC zone, streaks, retention, forecast."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from quiz.core.card_state import CardState, Phase
from quiz.core.stats import FORECAST_DAYS, HISTORY_DAYS, CardCounts, HardCard, collect
from quiz.core.storage import Store

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 1, 15, 15, 0, tzinfo=timezone.utc)  # 10:00 local, study day Jan 15
TODAY = date(2026, 1, 15)
DAY = timedelta(days=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "s.sqlite3", now=NOW) as opened:
        for deck_id, count in (("a", 6), ("b", 2)):
            opened.reconcile_deck(
                deck_id,
                title=deck_id,
                path=None,
                content_hash=None,
                card_keys=[f"{deck_id}{n}" for n in range(count)],
                question_count=count,
                now=NOW,
            )
        yield opened


def review(
    due: datetime, *, interval: timedelta = 10 * DAY, lapses: int = 0, reps: int = 3
) -> CardState:
    return CardState(
        state=Phase.REVIEW,
        stability=interval.days,
        difficulty=5.0,
        due=due,
        last_review=due - interval,
        reps=reps,
        lapses=lapses,
    )


def answer(
    store: Store,
    key: str,
    at: datetime,
    after: CardState,
    *,
    grade: int = 3,
    duration_ms: int | None = None,
) -> None:
    store.record_review(
        key[0], key, after=after, grade=grade, reviewed_at=at, duration_ms=duration_ms
    )


def test_an_empty_store(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.sqlite3", now=NOW) as db:
        result = collect(db, None, now=NOW, tz=NEW_YORK)
    assert result.cards == CardCounts()
    assert result.total_reviews == 0 and result.true_retention is None
    assert result.average_answer_ms is None and result.hardest == []
    assert (result.current_streak, result.longest_streak) == (0, 0)
    assert len(result.reviews_per_day) == HISTORY_DAYS and len(result.forecast) == FORECAST_DAYS
    assert result.reviews_per_day[-1].day == TODAY and result.forecast[0].day == TODAY


def test_card_counts_and_due_today(store: Store) -> None:
    answer(store, "a0", NOW - DAY, review(NOW - DAY))  # overdue
    answer(store, "a1", NOW - DAY, review(NOW + 10 * 3600 * timedelta(seconds=1)))  # tonight
    answer(store, "a2", NOW - DAY, review(NOW + 3 * DAY))
    learning = CardState(
        state=Phase.LEARNING, step=0, stability=1.0, difficulty=5.0, due=NOW, last_review=NOW
    )
    answer(store, "a3", NOW, learning)
    result = collect(store, ["a"], now=NOW, tz=NEW_YORK)
    assert result.cards == CardCounts(new=2, learning=1, review=3, due_today=3)
    everything = collect(store, None, now=NOW, tz=NEW_YORK)
    assert everything.cards.new == 4 and everything.cards.total == 8


def test_orphaned_cards_are_not_counted(store: Store) -> None:
    store.reconcile_deck(
        "a", title="a", path=None, content_hash=None, card_keys=["a0"], question_count=1, now=NOW
    )
    assert collect(store, ["a"], now=NOW, tz=NEW_YORK).cards == CardCounts(new=1)


def test_reviews_land_on_local_study_days(store: Store) -> None:
    late = datetime(2026, 1, 15, 7, 30, tzinfo=timezone.utc)  # 02:30 local: still Jan 14
    morning = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)  # 04:00 local: Jan 15
    answer(store, "a0", late, review(NOW + DAY))
    answer(store, "a1", morning, review(NOW + DAY))
    answer(store, "a2", morning + timedelta(hours=2), review(NOW + DAY))
    per_day = {d.day: d.count for d in collect(store, ["a"], now=NOW, tz=NEW_YORK).reviews_per_day}
    assert per_day[TODAY] == 2 and per_day[TODAY - DAY] == 1
    assert sum(per_day.values()) == 3


def test_streaks(store: Store) -> None:
    days = [TODAY - DAY * n for n in (1, 2, 3, 10, 11, 12, 13)]
    for day in days:
        at = datetime(day.year, day.month, day.day, 20, tzinfo=timezone.utc)
        answer(store, "a0", at, review(at + DAY))
    result = collect(store, ["a"], now=NOW, tz=NEW_YORK)
    assert (result.current_streak, result.longest_streak) == (3, 4)
    assert result.total_reviews == 7
    answer(store, "a1", NOW, review(NOW + DAY))
    result = collect(store, ["a"], now=NOW, tz=NEW_YORK)
    assert (result.current_streak, result.longest_streak) == (4, 4)


def test_a_gap_breaks_the_current_streak(store: Store) -> None:
    at = NOW - 2 * DAY
    answer(store, "a0", at, review(at + DAY))
    assert collect(store, ["a"], now=NOW, tz=NEW_YORK).current_streak == 0


def test_true_retention_counts_mature_reviews_of_the_last_year(store: Store) -> None:
    mature, young = 30 * DAY, 5 * DAY
    cards = ["a0", "a1", "a2", "a3", "a4", "a5"]
    for key in cards:  # first answers put each card in review (not counted: new before)
        answer(store, key, NOW - 400 * DAY, review(NOW - 2 * DAY, interval=mature))
    answer(store, "a0", NOW - DAY, review(NOW + DAY), grade=3)
    answer(store, "a1", NOW - DAY, review(NOW + DAY), grade=4)
    answer(store, "a2", NOW - DAY, review(NOW + DAY), grade=2)
    answer(store, "a3", NOW - DAY, review(NOW + DAY), grade=1)
    young_state = review(NOW + DAY, interval=young)
    answer(store, "a4", NOW - DAY, young_state)  # a4 was mature before this answer: counts
    answer(store, "a4", NOW - DAY / 2, review(NOW + DAY), grade=1)  # scheduled 5 days: young
    result = collect(store, ["a"], now=NOW, tz=NEW_YORK)
    assert result.mature_reviews == 5
    assert result.true_retention == pytest.approx(4 / 5)


def test_average_answer_time_of_the_last_month(store: Store) -> None:
    answer(store, "a0", NOW - 40 * DAY, review(NOW), duration_ms=90_000)  # too old
    answer(store, "a1", NOW - DAY, review(NOW), duration_ms=2000)
    answer(store, "a2", NOW, review(NOW + DAY), duration_ms=4000)
    answer(store, "a3", NOW, review(NOW + DAY))  # no time recorded
    assert collect(store, ["a"], now=NOW, tz=NEW_YORK).average_answer_ms == 3000.0


def test_forecast_includes_overdue_cards_today(store: Store) -> None:
    answer(store, "a0", NOW - 9 * DAY, review(NOW - 5 * DAY))
    answer(store, "a1", NOW - 9 * DAY, review(NOW + timedelta(hours=3)))
    answer(store, "a2", NOW - 9 * DAY, review(NOW + DAY))
    answer(store, "a3", NOW - 9 * DAY, review(NOW + 3 * DAY))
    answer(store, "a4", NOW - 9 * DAY, review(NOW + 40 * DAY))  # beyond the forecast
    forecast = collect(store, ["a"], now=NOW, tz=NEW_YORK).forecast
    counts = [d.count for d in forecast]
    assert counts[:4] == [2, 1, 0, 1] and sum(counts) == 4
    assert [d.day for d in forecast[:2]] == [TODAY, TODAY + DAY]


def test_hardest_cards_by_lapses_then_reviews(store: Store) -> None:
    answer(store, "a0", NOW, review(NOW + DAY, lapses=2, reps=9))
    answer(store, "a1", NOW, review(NOW + DAY, lapses=5, reps=9))
    answer(store, "a2", NOW, review(NOW + DAY, lapses=2, reps=12))
    answer(store, "b0", NOW, review(NOW + DAY, lapses=9, reps=12))
    hardest = collect(store, ["a"], now=NOW, tz=NEW_YORK).hardest
    assert hardest == [
        HardCard("a", "a1", 5, 9),
        HardCard("a", "a2", 2, 12),
        HardCard("a", "a0", 2, 9),
    ]
    assert collect(store, None, now=NOW, tz=NEW_YORK).hardest[0].card_key == "b0"


def test_decks_are_kept_apart(store: Store) -> None:
    answer(store, "b0", NOW, review(NOW + DAY), duration_ms=1000)
    only_a = collect(store, ["a"], now=NOW, tz=NEW_YORK)
    assert only_a.total_reviews == 0 and only_a.current_streak == 0
    both = collect(store, ["a", "b"], now=NOW, tz=NEW_YORK)
    assert both.total_reviews == 1 and both.cards.total == 8


def test_to_json_is_plain_data(store: Store) -> None:
    answer(store, "a0", NOW, review(NOW + DAY), duration_ms=1000)
    data = collect(store, None, now=NOW, tz=NEW_YORK).to_json()
    text = json.dumps(data)
    assert json.loads(text)["reviews_per_day"][-1] == {"day": "2026-01-15", "count": 1}
    assert data["cards"]["total"] == 8 and data["today"] == "2026-01-15"


def test_one_deck_id_string_is_refused(store: Store) -> None:
    with pytest.raises(TypeError):
        collect(store, "a", now=NOW)


def test_overruled_verdicts_per_deck(store: Store) -> None:
    """Reviews whose grade says the opposite of the checker's verdict, and quiz answers the
    learner turned, counted per deck, most overruled first; flashcards have no verdict."""
    later = review(NOW + 5 * DAY)
    for key, correct, grade in (
        ("a0", True, 1),  # "I did not really know it"
        ("a1", True, 1),
        ("a2", False, 3),  # "I was right"
        ("a3", True, 3),  # agreed
        ("a4", None, 1),  # a flashcard: no verdict to overrule
        ("b0", False, 1),  # agreed
    ):
        store.record_review(key[0], key, after=later, grade=grade, reviewed_at=NOW, correct=correct)
    attempt = store.start_attempt("b", mode="quiz", started_at=NOW)
    for position, overruled in enumerate((True, False)):
        store.record_attempt_answer(
            attempt,
            position=position,
            question_key=f"b{position}",
            response_json='"x"',
            correct=False,
            score=0,
            points=1,
            answered_at=NOW,
        )
        if overruled:
            store.overrule_attempt_answer(attempt, position, right=True, score=1)
    stats = collect(store, None, now=NOW)
    assert [(o.deck_id, o.again_after_right, o.right_after_wrong, o.quiz_answers)
            for o in stats.overrules] == [("a", 2, 1, 0), ("b", 0, 0, 1)]  # fmt: skip
    assert collect(store, ["b"], now=NOW).overrules[0].total == 1
    assert stats.to_json()["overrules"][0]["again_after_right"] == 2


def test_true_retention_table_by_age_and_period(store: Store) -> None:
    """Young and mature reviews, today, in the last 7 and the last 30 study days, each review
    counted in every period that holds it; learning reviews and older ones are left out."""
    mature, young = 30 * DAY, 5 * DAY
    moments = {
        "today": NOW - timedelta(hours=1),
        "week": NOW - 3 * DAY,
        "month": NOW - 20 * DAY,
        "older": NOW - 40 * DAY,
    }
    for n, at in enumerate(moments.values()):
        young_key, mature_key = f"a{n}", f"a{n + 4}" if n < 2 else f"b{n - 2}"
        answer(store, young_key, at - 60 * DAY, review(at, interval=young))
        answer(store, young_key, at, review(at + DAY), grade=1)  # a young card forgotten
        answer(store, mature_key, at - 60 * DAY, review(at, interval=mature))
        answer(store, mature_key, at, review(at + DAY), grade=3)  # a mature card remembered
    table = {row.period: row for row in collect(store, None, now=NOW, tz=NEW_YORK).retention_table}
    assert list(table) == ["today", "week", "month"]
    assert [(table[p].young.passed, table[p].young.failed) for p in table] == [
        (0, 1),
        (0, 2),
        (0, 3),
    ]
    assert [(table[p].mature.passed, table[p].mature.failed) for p in table] == [
        (1, 0),
        (2, 0),
        (3, 0),
    ]
    assert table["month"].mature.rate == 1.0 and table["month"].young.rate == 0.0
    data = collect(store, None, now=NOW, tz=NEW_YORK).to_json()
    assert data["retention_table"][2]["young"] == {"passed": 0, "failed": 3, "rate": 0.0}


def test_no_reviews_no_rate() -> None:
    from quiz.core.stats import Retention

    assert Retention().rate is None
    assert Retention(3, 1).rate == 0.75


def test_suspended_buried_and_leech_cards_are_counted_apart(store: Store) -> None:
    answer(store, "a0", NOW - 10 * DAY, review(NOW - DAY))
    answer(store, "a1", NOW - 10 * DAY, review(NOW - DAY, lapses=9))
    store.suspend([("a", "a0"), ("a", "a2")], now=NOW)
    store.bury([("a", "a1")], until=TODAY + DAY, now=NOW)
    store._db.execute("UPDATE cards SET leech = 1 WHERE card_key = 'a1'")
    result = collect(store, ["a"], now=NOW, tz=NEW_YORK)
    assert result.cards == CardCounts(
        new=3, learning=0, review=1, due_today=0, suspended=2, buried=1, leeches=1
    )
    assert result.cards.total == 6
    assert [(c.card_key, c.lapses) for c in result.leeches] == [("a1", 9)]
    assert sum(d.count for d in result.forecast) == 0  # a0 suspended, a1 buried today
