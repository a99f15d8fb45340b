"""Study statistics of one deck, several, or all: the data the `stats` command and UI draw.

`collect(store, deck_ids, now=..., day_starts_at=4, tz=None) -> Stats` reads
everything with a few SQL aggregates over indexes, never row by row in Python,
so it stays under a second at 100k cards and a million reviews
(`tests/bench/bench_study.py`):

- cards: new, learning (and relearning) and review (suspended ones apart), suspended,
  buried today, and due today (by the end of the current study day, overdue included,
  suspended and buried left out); orphaned cards are not counted.
- reviews on each study day (the last 365 are reported; all are used for the
  streaks), the total, and the average answer time over the last 30 days
  (answers that recorded a time).
- true retention: the share of reviews of mature cards (scheduled interval of
  21 days or more, read from the logged state before the answer) graded Hard,
  Good or Easy, over the last 365 days; and Anki's table of it, young (under 21
  days) and mature, today, over the last 7 and the last 30 study days.
- current and longest streak of study days with at least one review; the
  current streak still counts when today has none yet but yesterday had.
- due forecast: cards due on each of the next 30 study days (today's count
  includes the overdue ones).
- hardest cards: the most lapses (a review card forgotten), then most reviews; and
  the leeches (`Settings.leech_threshold`), most lapses first.

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
LEECHES = 50
RETENTION_PERIODS = (("today", 1), ("week", 7), ("month", 30))
"""The rows of the true-retention table: a name and how many study days it covers."""

_MATURE = (
    "state_before = 2 AND json_valid(state_before_json)"
    " AND json_extract(state_before_json, '$.due')"
    " - json_extract(state_before_json, '$.last_review') >= 1814400000000"
)
"""The WHERE clause of the store's partial index `reviews_mature`, repeated so SQLite uses it."""
_OVERRULED = "((correct = 1 AND grade = 1) OR (correct = 0 AND grade > 1))"
"""The WHERE clause of the store's partial index `reviews_overruled`, repeated so SQLite
uses it: a review judged right graded Again, or judged wrong graded better."""


@dataclass(frozen=True, slots=True)
class CardCounts:
    """Cards by phase (orphans excluded), and how many are due by the end of today."""

    new: int = 0
    learning: int = 0
    review: int = 0
    due_today: int = 0
    suspended: int = 0
    """Suspended cards of any phase; not counted in `new`, `learning` or `review`."""
    buried: int = 0
    """Cards buried today (counted in their phase too)."""
    leeches: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review + self.suspended


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
    prompt: str | None = None
    """The card's prompt as last reconciled (None before the deck's text was stored)."""


@dataclass(frozen=True, slots=True)
class Retention:
    """Reviews of review-phase cards in one period and age class: remembered (Hard, Good or
    Easy) and forgotten (Again)."""

    passed: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        """The share remembered; None without reviews."""
        return self.passed / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class RetentionRow:
    """One row of the true-retention table: a period (`RETENTION_PERIODS`) and its young
    (interval under `MATURE_DAYS`) and mature reviews."""

    period: str
    young: Retention
    mature: Retention


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
    leeches: list[HardCard] = field(default_factory=list)
    """Cards marked leeches, most lapses first (at most `LEECHES`)."""
    retention_table: list[RetentionRow] = field(default_factory=list)
    overrules: list[Overrules] = field(default_factory=list)
    """Decks whose verdicts learners overruled, most overruled first."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able data; dates as ISO strings."""
        data = asdict(self)
        data["today"] = self.today.isoformat()
        data["cards"]["total"] = self.cards.total
        for row in data["retention_table"]:
            for age in ("young", "mature"):
                cell = row[age]
                cell["rate"] = Retention(cell["passed"], cell["failed"]).rate
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
        cards=_card_counts(store, where, params, today.end, today.date),
        reviews_per_day=[DayCount(day, activity.get(day, 0)) for day in history],
        total_reviews=sum(activity.values()),
        average_answer_ms=None if pace is None else float(pace),
        true_retention=kept / mature if mature else None,
        mature_reviews=int(mature),
        current_streak=current,
        longest_streak=longest,
        forecast=_forecast(store, where, params, today.date, day_starts_at, tz),
        overrules=_overrules(store, where, params),
        hardest=_most_lapsed(store, f"lapses > 0 AND {where}", params, HARDEST),
        leeches=_most_lapsed(store, f"leech = 1 AND {where}", params, LEECHES, index="cards_leech"),
        retention_table=_retention_table(store, where, params, today.date, day_starts_at, tz),
    )


def _most_lapsed(
    store: Store, where: str, params: tuple[str, ...], limit: int, *, index: str = ""
) -> list[HardCard]:
    """Cards matching `where`, most lapses first, then most reviews, with their prompts;
    `index` names the index to read them by (the planner would scan another)."""
    hint = f" INDEXED BY {index}" if index else ""
    return [
        HardCard(*row)
        for row in store.read(
            "SELECT deck_id, card_key, lapses, reps, (SELECT prompt FROM card_texts t"
            f" WHERE t.deck_id = cards.deck_id AND t.card_key = cards.card_key) FROM cards{hint}"
            f" WHERE orphaned = 0 AND {where}"
            " ORDER BY lapses DESC, reps DESC, deck_id, card_key LIMIT ?",
            (*params, limit),
        )
    ]


def _retention_table(
    store: Store,
    where: str,
    params: tuple[str, ...],
    today: date,
    starts_at: int,
    tz: tzinfo | None,
) -> list[RetentionRow]:
    """True retention of young and mature cards today, this week and this month: one pass
    over the month's reviews of review-phase cards, through the reviews' time index."""
    starts = {
        name: to_us(day_bounds(today - timedelta(days=days - 1), starts_at, tz).start)
        for name, days in RETENTION_PERIODS
    }
    counts: dict[tuple[str, bool, bool], int] = {}
    rows = store.read(
        "SELECT reviewed_at >= ?, reviewed_at >= ?,"
        " json_extract(state_before_json, '$.due')"
        " - json_extract(state_before_json, '$.last_review') >= 1814400000000,"
        " grade > 1, count(*) FROM reviews"
        " WHERE reviewed_at >= ? AND state_before = 2 AND json_valid(state_before_json)"
        f" AND {where} GROUP BY 1, 2, 3, 4",
        (starts["today"], starts["week"], starts["month"], *params),
    )
    for in_today, in_week, mature, passed, count in rows:
        for name, inside in (("today", in_today), ("week", in_week), ("month", True)):
            if inside:
                key = (name, bool(mature), bool(passed))
                counts[key] = counts.get(key, 0) + count

    def cell(name: str, mature: bool) -> Retention:
        return Retention(counts.get((name, mature, True), 0), counts.get((name, mature, False), 0))

    return [
        RetentionRow(name, cell(name, False), cell(name, True)) for name, _ in RETENTION_PERIODS
    ]


def _overrules(store: Store, where: str, params: tuple[str, ...]) -> list[Overrules]:
    """Per deck, the verdicts learners overruled in reviews (the log keeps the checker's
    verdict beside the grade) and in quizzes (`attempt_answers.overruled`)."""
    found: dict[str, list[int]] = {}
    for deck_id, again, right in store.read(
        "SELECT deck_id, coalesce(sum(correct = 1), 0), coalesce(sum(correct = 0), 0)"
        f" FROM reviews INDEXED BY reviews_overruled WHERE {_OVERRULED} AND {where}"
        " GROUP BY deck_id",
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
    """A JSON array of [start, end) microsecond bounds and the ISO date, one per study day."""
    spans = [(day, day_bounds(day, starts_at, tz)) for day in days]
    return json.dumps(
        [[to_us(span.start), to_us(span.end), day.isoformat()] for day, span in spans]
    )


_PER_DAY = (
    "WITH days(i, s, e, d) AS (SELECT key, json_extract(value, '$[0]'),"
    " json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?))"
    " SELECT i, ({count}) FROM days"
)
"""Counts per study day: `{count}` may use the day's bounds `s`, `e` and its date `d`."""


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


def _card_counts(
    store: Store, where: str, params: tuple[str, ...], end: datetime, today: date
) -> CardCounts:
    """Cards by phase and mark, read from the covering queue index (every non-orphaned card
    is in it, new ones too), and the leeches from theirs."""
    day = today.isoformat()
    buried = "buried_until IS NOT NULL AND buried_until > ?"
    index = "cards_due" if where == "1" else "cards_deck_due"
    by_state = {
        (state, suspended): (count, due or 0, buried_count or 0)
        for state, suspended, count, due, buried_count in store.read(
            f"SELECT state, suspended, count(*), sum(due < ? AND NOT ({buried})), sum({buried})"
            f" FROM cards INDEXED BY {index} WHERE orphaned = 0 AND {where}"
            " GROUP BY state, suspended",
            (to_us(end), day, day, *params),
        )
    }
    leeches = store.read(
        f"SELECT count(*) FROM cards WHERE leech = 1 AND orphaned = 0 AND {where}", params
    )[0][0]

    def total(column: int, states: tuple[int, ...], suspended: int = 0) -> int:
        return sum(by_state.get((state, suspended), (0, 0, 0))[column] for state in states)

    every = (0, 1, 2, 3)
    return CardCounts(
        new=total(0, (0,)),
        learning=total(0, (1, 3)),
        review=total(0, (2,)),
        due_today=total(1, (1, 2, 3)),
        suspended=total(0, every, suspended=1),
        buried=total(2, every) + total(2, every, suspended=1),
        leeches=leeches,
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
    """Cards due on each of the next study days (not suspended nor buried that day; after
    load balancing, as the scheduler placed them); today also counts the overdue ones."""
    days = [today + timedelta(days=n) for n in range(FORECAST_DAYS)]
    bounds = json.loads(_bounds(days, starts_at, tz))
    bounds[0][0] = 0
    index = "cards_due" if where == "1" else "cards_deck_due"  # the planner needs the hint
    count = (
        f"SELECT count(*) FROM cards INDEXED BY {index} WHERE orphaned = 0"
        f" AND state IN (1, 2, 3) AND {where} AND due >= s AND due < e AND suspended = 0"
        " AND (buried_until IS NULL OR buried_until <= d)"
    )
    rows = store.read(_PER_DAY.format(count=count), (json.dumps(bounds), *params))
    return [DayCount(days[index], total) for index, total in rows]
