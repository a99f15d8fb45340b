"""An event of study history and its one-line JSON form in the event files.

A line is one JSON object with sorted keys (a diff shows what changed, a person can read
it): `v` the format version, `id` (`<device>:<seq>`, unique for ever), `hlc` the clock
stamp (`clock.Stamp`), `at` when it happened (microseconds, UTC), `kind`, the card it is
about (`deck`, `card`; absent for an attempt) and `data`, what the kind needs (an answer:
grade, response, verdict, the state before and after, the scheduler's parameters and fuzz
seed; an undo: the id of the event it takes back). `decode_line` refuses anything else,
and a line from a newer format with `NewerFormat`, so an older quiz never half-reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from quiz.core.sync.clock import Stamp

FORMAT_VERSION = 1
"""The version of the event line format this quiz writes and reads."""

KINDS = frozenset(
    {
        "answer",  # a review: grade, response, verdict, state before and after
        "undo",  # takes back the event `data.undoes` names
        "suspend",
        "unsuspend",
        "bury",  # data.until: the study day the card returns
        "unbury",
        "flag",  # data.flag: 0 (none) to 5
        "forget",
        "set_due",  # data.due: the new due time
        "leech",  # the card was marked a leech
        "attempt",  # a finished quiz or exam attempt, with its answers
        "sched",  # data.id, data.record: a scheduler answers name by id (`sched_data`)
    }
)

CARDLESS_KINDS = frozenset({"attempt", "sched"})
"""Kinds about no one card."""


class EventFormatError(ValueError):
    """A line that is not an event this quiz wrote (or a torn one)."""


class NewerFormat(EventFormatError):
    """A line written by a newer quiz: refused whole, never half-read."""


@dataclass(frozen=True)
class Event:
    """One thing a device did to the study history."""

    device: str
    seq: int
    stamp: Stamp
    at_us: int
    kind: str
    deck: str | None = None
    card: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """`<device>:<seq>`: names the event on every device (an undo refers to it)."""
        return f"{self.device}:{self.seq}"

    def order(self) -> tuple[int, int, str, int]:
        """The replay order: clock stamp, then device and sequence (total and the same
        everywhere)."""
        return (self.stamp.wall_us, self.stamp.counter, self.device, self.seq)


def answer_data(
    *,
    grade: int,
    before_json: str,
    after_json: str,
    sched: str,
    duration_ms: int = 0,
    until: str | None = None,
    response: str | None = None,
    correct: bool | None = None,
) -> dict[str, Any]:
    """The `data` of an answer event: enough to show it in history and to recompute it
    (`sync.answers`): the grade, the states before and after (`state_to_json`'s text, kept
    as JSON objects; `replay.recorded_state` reads them back), the id of the scheduler's
    record (`sched_data`) and the question's `valid_until` (ISO date)."""
    return {
        "grade": grade,
        "before": json.loads(before_json),  # objects, not strings: readable in the file
        "after": json.loads(after_json),
        "sched": sched,
        "duration_ms": duration_ms,
        "until": until,
        "response": response,
        "correct": correct,
    }


def sched_data(record: Mapping[str, object]) -> dict[str, Any]:
    """The `data` of a `sched` event: a scheduler's record (`Scheduler.record`) and its id,
    a hash of it. An answer names the record by id instead of carrying its 21 weights,
    which would be most of every line; a device writes each record it uses once, before
    the first answer that names it."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return {"id": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], "record": dict(record)}


def encode_line(event: Event) -> str:
    """The event as one line of an event file, newline included."""
    record: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "id": event.id,
        "hlc": event.stamp.text(),
        "at": event.at_us,
        "kind": event.kind,
        "data": event.data,
    }
    if event.deck is not None:
        record["deck"] = event.deck
    if event.card is not None:
        record["card"] = event.card
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text + "\n"


def _int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


_raw_decode = json.JSONDecoder().raw_decode


def load_json(text: str) -> Any:
    """`json.loads(text)`, the same value or error, without its two whitespace searches
    when nothing surrounds the value (a line as `encode_line` writes it)."""
    try:
        value, end = _raw_decode(text)
    except (json.JSONDecodeError, RecursionError):
        return json.loads(text)  # its own error (or leading whitespace it skips)
    return value if end == len(text) else json.loads(text)


def decode_line(line: str) -> Event:
    """The event of one line (without or with its newline); `EventFormatError` when it is
    not one, `NewerFormat` when a newer quiz wrote it."""
    try:
        record = load_json(line)
    except (json.JSONDecodeError, RecursionError) as error:
        raise EventFormatError(f"not JSON: {error}") from None
    if not isinstance(record, dict):
        raise EventFormatError("not a JSON object")
    version = record.get("v")
    if not _int(version) or version < 1:
        raise EventFormatError(f"no format version (v): {version!r}")
    if version > FORMAT_VERSION:
        raise NewerFormat(
            f"written in event format {version}; this quiz reads up to {FORMAT_VERSION}:"
            " update quiz on this device"
        )
    get = record.get
    event_id, hlc, at, kind = get("id"), get("hlc"), get("at"), get("kind")
    data, deck, card = get("data"), get("deck"), get("card")
    if not isinstance(event_id, str) or event_id.count(":") < 1:
        raise EventFormatError(f"bad id {event_id!r}")
    device, _, seq = event_id.rpartition(":")
    if not device or not seq.isdigit() or not seq.isascii():
        raise EventFormatError(f"bad id {event_id!r}")
    if not isinstance(hlc, str):
        raise EventFormatError(f"bad clock stamp {hlc!r}")
    try:
        stamp = Stamp.parse(hlc, device)
    except ValueError as error:
        raise EventFormatError(str(error)) from None
    if not _int(at):
        raise EventFormatError(f"bad time {at!r}")
    if kind not in KINDS:
        raise EventFormatError(f"unknown kind {kind!r}")
    if not isinstance(data, dict):
        raise EventFormatError("data is not an object")
    for name, value in (("deck", deck), ("card", card)):
        if value is not None and not isinstance(value, str):
            raise EventFormatError(f"bad {name} {value!r}")
    if kind not in CARDLESS_KINDS and (deck is None or card is None):
        raise EventFormatError(f"a {kind} event names no card")
    return Event(device, int(seq), stamp, at, kind, deck, card, data)
