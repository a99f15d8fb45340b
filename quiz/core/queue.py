"""Which cards today's review queue holds: one set of rules for the review and the deck page.

`todays_queue` reads the queue with a few narrow, indexed, limited queries (never
every card) and no scheduler, so the deck page can say how many new cards come
today ("Today: 11 new (of 13)") without building a `ReviewSession`, which is the
other caller. The rules (limits, siblings) are in `quiz.core.study`'s docstring.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import datetime

from quiz.config import Settings
from quiz.core.card_state import Phase
from quiz.core.days import StudyDay
from quiz.core.storage import Store, studiable_sql, to_us


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One row of a queue query."""

    card_key: str
    question_key: str
    phase: int
    due: int | None
    last_review: int | None


@dataclass(frozen=True)
class TodaysQueue:
    """Today's cards by part: learning steps due, due reviews, then new cards in deck order."""

    learning: list[QueueRow]
    reviews: list[QueueRow]
    new: list[QueueRow]
    review_room: int = 0
    """More reviews `reviews_per_day` allows today beyond `reviews` (the new cards are taken
    from this room): what may be brought forward to today (`quiz.core.exam_prep`)."""


def todays_queue(
    store: Store,
    deck_id: str,
    settings: Settings,
    day: StudyDay,
    known: Container[str] | None = None,
    due_by: datetime | None = None,
) -> TodaysQueue:
    """The queue of `deck_id` on `day` under the daily limits, less siblings of cards answered
    or queued today. `known`: the card keys of the deck as loaded (None: every stored card),
    so a card added on disk after loading is not served, or the keys custom study allows;
    `due_by`: reviews due by then, not just by the day's end (custom study's review ahead)."""
    start = to_us(day.start)
    review_by = to_us(max(day.end, due_by or day.end))
    done = dict(
        store.read(
            "SELECT state_before, count(*) FROM reviews"
            " WHERE deck_id = ? AND reviewed_at >= ? AND state_before IN (0, 2)"
            " GROUP BY state_before",
            (deck_id, start),
        )
    )
    introduced, reviewed = done.get(int(Phase.NEW), 0), done.get(int(Phase.REVIEW), 0)
    answered_today = {key for _, key in store.question_keys_reviewed_since([deck_id], day.start)}
    queued: set[str] = set()

    def keep(row: QueueRow) -> bool:
        """Skip siblings of a card answered or queued today (the card itself may return)."""
        if known is not None and row.card_key not in known:
            return False  # the deck changed on disk after it was loaded
        own = row.last_review is not None and row.last_review >= start
        if row.question_key in queued or (row.question_key in answered_today and not own):
            return False
        queued.add(row.question_key)
        return True

    def rows(where: str, params: tuple[object, ...], limit: int) -> list[QueueRow]:
        found = store.read(
            f"SELECT card_key, question_key, state, due, last_review FROM {where} LIMIT ?",
            (*params, limit),
        )
        return [QueueRow(*row) for row in found]

    fresh, fresh_params = studiable_sql(day.date)  # no suspended, buried or stale card

    def due(phase: Phase, limit: int) -> list[QueueRow]:
        """Cards of one phase due by the day's end (reviews: `due_by`), most overdue first
        (one index walk)."""
        by = review_by if phase is Phase.REVIEW else to_us(day.end)
        return rows(
            f"cards WHERE deck_id = ? AND state = ? AND orphaned = 0 AND due <= ?{fresh}"
            " ORDER BY due",
            (deck_id, int(phase), by, *fresh_params),
            limit,
        )

    learning: list[QueueRow] = []
    for phase in (Phase.LEARNING, Phase.RELEARNING):
        learning += take(functools.partial(due, phase), None, keep)
    extra = store.extra_new(deck_id, day.date)  # custom study's allowance for the day
    room = max(0, settings.reviews_per_day + extra - reviewed - introduced)
    reviews = take(functools.partial(due, Phase.REVIEW), room, keep)
    new_room = min(max(0, settings.new_per_day + extra - introduced), room - len(reviews))
    new = take(
        lambda n: rows(
            f"cards INDEXED BY cards_new WHERE state = 0 AND orphaned = 0 AND deck_id = ?{fresh}"
            " ORDER BY position",
            (deck_id, *fresh_params),
            n,
        ),
        new_room,
        keep,
    )
    return TodaysQueue(learning, reviews, new, room - len(reviews))


def take(
    fetch: Callable[[int], list[QueueRow]],
    want: int | None,
    keep: Callable[[QueueRow], bool],
) -> list[QueueRow]:
    """Up to `want` rows `keep` accepts (all when None), fetching more while it skips."""
    if want is not None and want <= 0:
        return []
    chosen: list[QueueRow] = []
    seen: set[str] = set()
    limit = 256 if want is None else want
    while True:
        fetched = fetch(limit)
        for row in fetched:
            if row.card_key in seen:
                continue
            seen.add(row.card_key)
            if keep(row):
                chosen.append(row)
                if len(chosen) == want:
                    return chosen
        if len(fetched) < limit:
            return chosen
        limit *= 4
