"""Recomputing another device's answer on the state this replay reached.

An answer event records the scheduler it was given with (`Scheduler.record`), the grade,
the time and the question's `valid_until`; its fuzz is drawn from a seed made from the
event id, so every device that recomputes the same answer on the same prior state gets
the same interval. Load balancing is left out of a recomputation: it depends on each
device's other cards, and replay must not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from quiz.core.card_state import CardState
from quiz.core.scheduling import Grade, Scheduler
from quiz.core.storage.encoding import from_us, state_to_json
from quiz.core.sync.events import Event


def answer_data(
    *,
    grade: Grade,
    before: CardState,
    after: CardState,
    sched: Mapping[str, object],
    duration_ms: int = 0,
    until: date | None = None,
    response: str | None = None,
    correct: bool | None = None,
) -> dict[str, Any]:
    """The `data` of an answer event: enough to show it in history and to recompute it."""
    return {
        "grade": int(grade),
        "before": state_to_json(before),
        "after": state_to_json(after),
        "sched": dict(sched),
        "duration_ms": duration_ms,
        "until": None if until is None else until.isoformat(),
        "response": response,
        "correct": correct,
    }


def fuzz_seed(event_id: str) -> int:
    """The seed of an answer's fuzz: the same on every device, different per answer."""
    return int.from_bytes(hashlib.sha256(event_id.encode("utf-8")).digest()[:8], "big")


def recompute_answer(event: Event, prior: CardState) -> CardState:
    """The state answer `event` gives when applied to `prior` (a `replay.Recompute`)."""
    data = event.data
    scheduler = Scheduler.from_record(data["sched"], fuzz_seed(event.id))
    until = data.get("until")
    after, _ = scheduler.review(
        prior,
        Grade(int(data["grade"])),
        from_us(event.at_us),
        int(data.get("duration_ms") or 0),
        until=None if until is None else date.fromisoformat(str(until)),
    )
    return after
