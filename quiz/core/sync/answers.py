"""Recomputing another device's answer on the state this replay reached.

An answer event names the scheduler it was given with (a `sched` event holds the
record, `Scheduler.record`), and records the grade,
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
from quiz.core.storage.encoding import from_us
from quiz.core.sync.events import Event


def fuzz_seed(event_id: str) -> int:
    """The seed of an answer's fuzz: the same on every device, different per answer."""
    return int.from_bytes(hashlib.sha256(event_id.encode("utf-8")).digest()[:8], "big")


def recompute_answer(
    event: Event, prior: CardState, records: Mapping[str, Mapping[str, Any]]
) -> CardState:
    """The state answer `event` gives when applied to `prior`, with the scheduler record it
    names among `records` (id -> record, from the `sched` events)."""
    data = event.data
    record = records.get(str(data["sched"]))
    if record is None:
        raise ValueError(f"answer {event.id} names a scheduler record no event holds")
    scheduler = Scheduler.from_record(record, fuzz_seed(event.id))
    until = data.get("until")
    after, _ = scheduler.review(
        prior,
        Grade(int(data["grade"])),
        from_us(event.at_us),
        int(data.get("duration_ms") or 0),
        until=None if until is None else date.fromisoformat(str(until)),
    )
    return after
