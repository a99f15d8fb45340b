"""Study statistics of one deck, several, or all: the data the `stats` command and UI draw.

`collect(store, deck_ids, now=..., day_starts_at=4, tz=None) -> Stats` reads
everything with a few SQL aggregates over indexes, never row by row in Python,
so it stays under a second at 100k cards and a million reviews
(`tests/bench/bench_study.py`):

- cards: new, learning (and relearning), review, and due today (by the end of
  the current study day, overdue included); orphaned cards are not counted.
- reviews on each study day (the last 365 are reported; all are used for the
  streaks), the total, and the average answer time over the last 30 days
  (answers that recorded a time).
- true retention: the share of reviews of mature cards (scheduled interval of
  21 days or more, read from the logged state before the answer) graded Hard,
  Good or Easy, over the last 365 days.
- current and longest streak of study days with at least one review; the
  current streak still counts when today has none yet but yesterday had.
- due forecast: cards due on each of the next 30 study days (today's count
  includes the overdue ones).
- hardest cards: the most lapses (a review card forgotten), then most reviews.

Study days follow the review session's rule (`quiz.core.days.study_day`): they
roll over at `day_starts_at` local time in `tz` (the system zone when None).
Their bounds are computed in Python, DST included, and SQL counts each day as
an index range, which is cheaper than grouping a million rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from quiz.core.days import day_bounds, study_day
from quiz.core.storage import Store, from_us, to_us

MATURE_DAYS = 21
"""A card scheduled this many days or more is mature (Anki's rule); see `_MATURE`."""
HISTORY_DAYS = 365
FORECAST_DAYS = 30
PACE_DAYS = 30
HARDEST = 10

_MATURE = (
    "state_before = 2 AND json_valid(state_before_json)"
    " AND json_extract(state_before_json, '$.due')"
    " - json_extract(state_before_json, '$.last_review') >= 1814400000000"
)
"""The WHERE clause of the store's partial index `reviews_mature`, repeated so SQLite uses it."""


@dataclass(frozen=True, slots=True)
class CardCounts:
    """Cards by phase (orphans excluded), and how many are due by the end of today."""

    new: int = 0
    learning: int = 0
    review: int = 0
    due_today: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True, slots=True)
class DayCount:
    """A number of cards or reviews on one study day."""

    day: date
    count: int


@dataclass(frozen=True, slots=True)
class HardCard:
    """A card often forgotten."""

    deck_id: str
    card_key: str
    lapses: int
    reps: int


@dataclass(frozen=True, slots=True)
class Overrules:
    """How often learners overruled the checker on one deck: a signal to its author that an
    answer key misses a right answer (or accepts a wrong one)."""

    deck_id: str
    again_after_right: int
    """Reviews judged right that the learner graded Again ("I did not really know it")."""
    right_after_wrong: int
    """Reviews judged wrong that the learner counted right ("I was right")."""
    quiz_answers: int
    """Quiz answers whose verdict the learner turned, either way."""

    @property
    def total(self) -> int:
        return self.again_after_right + self.right_after_wrong + self.quiz_answers


@dataclass(frozen=True, slots=True)
class Stats:
    """Everything `collect` computes; `to_json` gives plain data for `--format json`."""

    today: date
    cards: CardCounts
    reviews_per_day: list[DayCount] = field(default_factory=list)
    """The last `HISTORY_DAYS` study days, oldest first, today last; days off count 0."""
    total_reviews: int = 0
    """Every review ever logged in the selected decks."""
    average_answer_ms: float | None = None
    """Mean answer time of the last `PACE_DAYS` days; None when no answer recorded one."""
    true_retention: float | None = None
    """Share of mature reviews not graded Again in the last year; None without any."""
    mature_reviews: int = 0
    current_streak: int = 0
    longest_streak: int = 0
    forecast: list[DayCount] = field(default_factory=list)
    """The next `FORECAST_DAYS` study days, today first."""
    hardest: list[HardCard] = field(default_factory=list)
    overrules: list[Overrules] = field(default_factory=list)
    """Decks whose verdicts learners overruled, most overruled first."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able data; dates as ISO strings."""
        data = asdict(self)
        data["today"] = self.today.isoformat()
        data["cards"]["total"] = self.cards.total
        for name in ("reviews_per_day", "forecast"):
            data[name] = [{"day": d.day.isoformat(), "count": d.count} for d in getattr(self, name)]
        return data


def collect(
    store: Store,
    deck_ids: Sequence[str] | None,
    *,
    now: datetime,
    day_starts_at: int = 4,
    tz: tzinfo | None = None,
) -> Stats:
    """The statistics of `deck_ids` (every deck when None) as of `now`."""
    if isinstance(deck_ids, str):
        raise TypeError("deck_ids must be a sequence of ids, not one string")
    where, params = ("1", ()) if deck_ids is None else _decks(deck_ids)
    today = study_day(now, day_starts_at, tz)
    activity = _activity(store, where, params, today.date, day_starts_at, tz)
    history = [today.date - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
    current, longest = _streaks(activity, today.date)
    mature, kept = store.read(
        "SELECT count(*), coalesce(sum(grade > 1), 0) FROM reviews INDEXED BY reviews_mature"
        f" WHERE {where} AND reviewed_at >= ? AND {_MATURE}",
        (*params, to_us(day_bounds(history[0], day_starts_at, tz).start)),
    )[0]
    pace = store.read(
        f"SELECT avg(duration_ms) FROM reviews WHERE {where} AND reviewed_at >= ?"
        " AND duration_ms > 0",
        (*params, to_us(today.end - timedelta(days=PACE_DAYS))),
    )[0][0]
    return Stats(
        today=today.date,
        cards=_card_counts(store, where, params, today.end),
        reviews_per_day=[DayCount(day, activity.get(day, 0)) for day in history],
        total_reviews=sum(activity.values()),
        average_answer_ms=None if pace is None else float(pace),
        true_retention=kept / mature if mature else None,
        mature_reviews=int(mature),
        current_streak=current,
        longest_streak=longest,
        forecast=_forecast(store, where, params, today.date, day_starts_at, tz),
        overrules=_overrules(store, where, params),
        hardest=[
            HardCard(*row)
            for row in store.read(
                "SELECT deck_id, card_key, lapses, reps FROM cards"
                f" WHERE orphaned = 0 AND lapses > 0 AND {where}"
                " ORDER BY lapses DESC, reps DESC, deck_id, card_key LIMIT ?",
                (*params, HARDEST),
            )
        ],
    )


def _overrules(store: Store, where: str, params: tuple[str, ...]) -> list[Overrules]:
    """Per deck, the verdicts learners overruled in reviews (the log keeps the checker's
    verdict beside the grade) and in quizzes (`attempt_answers.overruled`)."""
    found: dict[str, list[int]] = {}
    for deck_id, again, right in store.read(
        "SELECT deck_id, coalesce(sum(correct = 1 AND grade = 1), 0),"
        " coalesce(sum(correct = 0 AND grade > 1), 0) FROM reviews"
        f" WHERE correct IS NOT NULL AND {where} GROUP BY deck_id",
        params,
    ):
        found[deck_id] = [again, right, 0]
    for deck_id, quiz in store.read(
        "SELECT deck_id, count(*) FROM attempt_answers"
        " JOIN attempts ON attempts.id = attempt_answers.attempt_id"
        f" WHERE overruled = 1 AND {where} GROUP BY deck_id",
        params,
    ):
        found.setdefault(deck_id, [0, 0, 0])[2] = quiz
    rows = [Overrules(deck_id, *counts) for deck_id, counts in found.items()]
    return sorted((r for r in rows if r.total), key=lambda r: (-r.total, r.deck_id))


def _decks(deck_ids: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    return f"deck_id IN ({','.join('?' * len(deck_ids))})", tuple(deck_ids)


def _bounds(days: list[date], starts_at: int, tz: tzinfo | None) -> str:
    """A JSON array of [start, end) microsecond bounds, one per study day."""
    spans = [day_bounds(day, starts_at, tz) for day in days]
    return json.dumps([[to_us(span.start), to_us(span.end)] for span in spans])


_PER_DAY = (
    "WITH days(i, s, e) AS (SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]')"
    " FROM json_each(?)) SELECT i, ({count}) FROM days"
)


def _activity(
    store: Store,
    where: str,
    params: tuple[str, ...],
    today: date,
    starts_at: int,
    tz: tzinfo | None,
) -> dict[date, int]:
    """Reviews per study day, over the whole history (streaks need it all)."""
    first = store.read(
        f"SELECT reviewed_at FROM reviews WHERE {where} ORDER BY reviewed_at LIMIT 1", params
    )
    if not first:
        return {}
    start = study_day(from_us(first[0][0]), starts_at, tz).date
    days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    count = f"SELECT count(*) FROM reviews WHERE {where} AND reviewed_at >= s AND reviewed_at < e"
    rows = store.read(_PER_DAY.format(count=count), (_bounds(days, starts_at, tz), *params))
    return {days[index]: total for index, total in rows if total}


def _card_counts(store: Store, where: str, params: tuple[str, ...], end: datetime) -> CardCounts:
    by_state = {
        state: (count, due or 0)
        for state, count, due in store.read(
            "SELECT state, count(*), sum(due < ?) FROM cards"
            f" WHERE orphaned = 0 AND {where} GROUP BY state",
            (to_us(end), *params),
        )
    }

    def count(*states: int) -> int:
        return sum(by_state.get(state, (0, 0))[0] for state in states)

    return CardCounts(
        new=count(0),
        learning=count(1, 3),
        review=count(2),
        due_today=sum(by_state.get(state, (0, 0))[1] for state in (1, 2, 3)),
    )


def _streaks(activity: dict[date, int], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive study days with reviews."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(activity):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    current = 0
    day = today if today in activity else today - timedelta(days=1)
    while day in activity:
        current += 1
        day -= timedelta(days=1)
    return current, longest


def _forecast(
    store: Store,
    where: str,
    params: tuple[str, ...],
    today: date,
    starts_at: int,
    tz: tzinfo | None,
) -> list[DayCount]:
    """Cards due on each of the next study days; today also counts the overdue ones."""
    days = [today + timedelta(days=n) for n in range(FORECAST_DAYS)]
    bounds = json.loads(_bounds(days, starts_at, tz))
    bounds[0][0] = 0
    index = "cards_due" if where == "1" else "cards_deck_due"  # the planner needs the hint
    count = (
        f"SELECT count(*) FROM cards INDEXED BY {index} WHERE orphaned = 0"
        f" AND state IN (1, 2, 3) AND {where} AND due >= s AND due < e"
    )
    rows = store.read(_PER_DAY.format(count=count), (json.dumps(bounds), *params))
    return [DayCount(days[index], total) for index, total in rows]
