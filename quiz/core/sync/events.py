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

import contextlib
import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeGuard

import orjson

from quiz.core.sync.clock import MAX_INTEGER, Stamp

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


MIN_TIME_US = -62135596800000000
"""1 January of year 1, UTC, in microseconds since 1970: the first time a datetime holds."""
MAX_TIME_US = 253402300799999999
"""The last microsecond of year 9999, UTC: the last time a datetime holds."""


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
    """An integer and not a bool (JSON values: no other int subclass)."""
    return type(value) is int


_raw_decode = json.JSONDecoder().raw_decode
_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_NINETEEN_DIGITS = b"0" * 19
"""Where orjson and json part: orjson turns an integer past 64 bits into a float, so text
with 19 digits in a row is left to json (quiz writes 16 at most: microsecond times)."""


def load_json(text: str | bytes, *, strict: bool = False) -> Any:
    """`json.loads(text)` (bytes: of `text.decode("utf-8")`), the same value or error, about
    three times faster on an event line: orjson parses it, and json (without its two
    whitespace searches when nothing surrounds the value) takes over for whatever orjson
    refuses or might read otherwise. A first sync of a long history reads every line.

    `strict` also refuses (ValueError) what JSON itself has not (RFC 8259) but json reads,
    and a database or another reader would choke on: NaN and infinities (as literals, or a
    number too large for a float) and lone surrogates. orjson refuses them all, so only a
    value json read is walked for them."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if _NINETEEN_DIGITS not in raw.translate(_DIGITS_AS_ZEROS):
        with contextlib.suppress(orjson.JSONDecodeError):
            return orjson.loads(raw)
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        value, end = _raw_decode(text)
    except (json.JSONDecodeError, RecursionError):
        value, end = json.loads(text), len(text)  # its own error (or whitespace it skips)
    if end != len(text):
        value = json.loads(text)
    if strict:
        _refuse_outside_json(value)
    return value


def _refuse_outside_json(value: object) -> None:
    """ValueError for a NaN, an infinity or a lone surrogate anywhere in `value`."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{item} is not a JSON number")
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("a lone surrogate (\\ud800-\\udfff) is not text") from None
        elif isinstance(item, dict):
            pending += item.keys()
            pending += item.values()
        elif isinstance(item, list):
            pending += item


def decode_line(line: str | bytes) -> Event:
    """The event of one line (without or with its newline); `EventFormatError` when it is
    not one, `NewerFormat` when a newer quiz wrote it."""
    try:
        record = load_json(line, strict=True)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError
        raise EventFormatError(f"not JSON: {_shown(str(error))}") from None
    if not isinstance(record, dict):
        raise EventFormatError("not a JSON object")
    version = record.get("v")
    if not _int(version) or version < 1:
        raise EventFormatError(f"no format version (v): {_shown(version)}")
    if version > FORMAT_VERSION:
        raise NewerFormat(
            f"written in event format {version}; this quiz reads up to {FORMAT_VERSION}:"
            " update quiz on this device"
        )
    get = record.get
    event_id, hlc, at, kind = get("id"), get("hlc"), get("at"), get("kind")
    data, deck, card = get("data"), get("deck"), get("card")
    if not isinstance(event_id, str) or event_id.count(":") < 1:
        raise EventFormatError(f"bad id {_shown(event_id)}")
    device, _, seq = event_id.rpartition(":")
    if not (device and seq.isascii() and seq.isdigit() and len(seq) <= 19):
        raise EventFormatError(f"bad id {_shown(event_id)}")
    number = int(seq)
    if number > MAX_INTEGER:
        raise EventFormatError(f"bad id {_shown(event_id)}")
    if not isinstance(hlc, str):
        raise EventFormatError(f"bad clock stamp {_shown(hlc)}")
    try:
        stamp = Stamp.parse(hlc, device)
    except ValueError as error:  # its message holds the whole text: it may be megabytes
        raise EventFormatError(_cut(str(error), 80)) from None
    if not _int(at) or not MIN_TIME_US <= at <= MAX_TIME_US:
        raise EventFormatError(f"bad time {_shown(at)}")
    if kind not in KINDS:
        raise EventFormatError(f"unknown kind {_shown(kind)}")
    if not isinstance(data, dict):
        raise EventFormatError("data is not an object")
    if deck is not None and not isinstance(deck, str):
        raise EventFormatError(f"bad deck {_shown(deck)}")
    if card is not None and not isinstance(card, str):
        raise EventFormatError(f"bad card {_shown(card)}")
    if kind not in CARDLESS_KINDS and (deck is None or card is None):
        raise EventFormatError(f"a {kind} event names no card")
    problem = _DATA_CHECKS[kind](data)
    if problem is not None:
        raise EventFormatError(f"bad {kind} data: {problem}")
    return Event(device, number, stamp, at, kind, deck, card, data)


# What each kind's `data` must hold, checked as a line is read: an event that is read in
# replays and makes its rows without another check (another device's file can hold
# anything). Each check returns what is wrong, or None. Card states are checked whole
# where they are stored (`state_json_of_object`); here only that they are there.


def _shown(value: object) -> str:
    """A value in a message: its repr, cut short (a file may hold megabytes)."""
    return _cut(repr(value), 40)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _time(value: object) -> bool:
    return _int(value) and MIN_TIME_US <= value <= MAX_TIME_US


def _number(value: object) -> bool:
    """A finite JSON number (int or float, not bool)."""
    if type(value) is float:
        return math.isfinite(value)
    return _int(value) and -MAX_INTEGER - 1 <= value <= MAX_INTEGER


def _iso_date(value: object) -> bool:
    """`YYYY-MM-DD` naming a real date."""
    if not isinstance(value, str) or _ISO_DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _bool_or_none(value: object) -> bool:
    return value is None or value is True or value is False


def _states(data: dict[str, Any]) -> str | None:
    for name in ("before", "after"):
        if not isinstance(data.get(name), dict):
            return f"no {name} state"
    return None


def _answer(data: dict[str, Any]) -> str | None:
    grade, duration, until = data.get("grade"), data.get("duration_ms"), data.get("until")
    if not (_int(grade) and 1 <= grade <= 4):
        return f"grade {_shown(grade)}"
    if not (data.get("response") is None or isinstance(data["response"], str)):
        return f"response {_shown(data['response'])}"
    if not _bool_or_none(data.get("correct")):
        return f"correct {_shown(data['correct'])}"
    if not (duration is None or (_int(duration) and 0 <= duration < 10**15)):
        return f"duration_ms {_shown(duration)}"
    if not isinstance(data.get("sched"), str):
        return f"sched {_shown(data.get('sched'))}"
    if not (until is None or _iso_date(until)):
        return f"until {_shown(until)}"
    return _states(data)


def _forget(data: dict[str, Any]) -> str | None:
    if not _bool_or_none(data.get("reset")):
        return f"reset {_shown(data['reset'])}"
    return _states(data)


def _set_due(data: dict[str, Any]) -> str | None:
    if not _time(data.get("due")):
        return f"due {_shown(data.get('due'))}"
    return _states(data)


def _undo(data: dict[str, Any]) -> str | None:
    return None if isinstance(data.get("undoes"), str) else f"undoes {_shown(data.get('undoes'))}"


def _bury(data: dict[str, Any]) -> str | None:
    return None if _iso_date(data.get("until")) else f"until {_shown(data.get('until'))}"


def _flag(data: dict[str, Any]) -> str | None:
    flag = data.get("flag")
    return None if _int(flag) and 0 <= flag <= 5 else f"flag {_shown(flag)}"


def _leech(data: dict[str, Any]) -> str | None:
    suspend = data.get("suspend")
    return None if _bool_or_none(suspend) else f"suspend {_shown(suspend)}"


def _nothing(data: dict[str, Any]) -> str | None:
    return None


def _sched(data: dict[str, Any]) -> str | None:
    if not isinstance(data.get("id"), str) or not isinstance(data.get("record"), dict):
        return "needs an id and a record"
    return None


def _row(row: object, checks: tuple[Callable[[object], bool], ...]) -> bool:
    return (
        isinstance(row, list)
        and len(row) == len(checks)
        and all(check(value) for check, value in zip(checks, row, strict=True))
    )


def _position(value: object) -> bool:
    return _int(value) and 0 <= value <= MAX_INTEGER


def _text(value: object) -> bool:
    return isinstance(value, str)


def _text_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def _number_or_none(value: object) -> bool:
    return value is None or _number(value)


def _bit(value: object) -> bool:
    return type(value) is int and value in (0, 1)


def _bit_or_none(value: object) -> bool:
    return value is None or _bit(value)


_QUESTION_ROW = (_position, _text, _number)
"""An attempt's question asked: position, question key, points."""
_ANSWER_ROW = (
    _position,  # position
    _text,  # question key
    _text_or_none,  # response as JSON text
    _bit_or_none,  # correct
    _number,  # score
    _number,  # points
    _time,  # answered at
    lambda value: value is None or (_int(value) and 0 <= value < 10**15),  # duration_ms
    _bit,  # overruled
    _number_or_none,  # checked score
    _number_or_none,  # original score
    _bit_or_none,  # original correct
    _bit_or_none,  # regraded
)
"""An attempt's answer as `_attempt_data` writes it (`_ANSWER_FIELDS` of `sync_log`)."""
_ATTEMPT_FIELDS: dict[str, Callable[[object], bool]] = {
    "deck_id": _text,
    "deck_hash": _text_or_none,
    "student": _text_or_none,
    "mode": lambda value: value in ("quiz", "exam"),
    "seed": lambda value: value is None or (_int(value) and abs(value) <= MAX_INTEGER),
    "started_at": _time,
    "finished_at": _time,
    "score": _number,
    "max_score": _number,
    "pass_mark": _number_or_none,
}


def _attempt(data: dict[str, Any]) -> str | None:
    for name, check in _ATTEMPT_FIELDS.items():
        if not check(data.get(name)):
            return f"{name} {_shown(data.get(name))}"
    questions, answers = data.get("questions"), data.get("answers")
    if not isinstance(questions, list) or not all(_row(q, _QUESTION_ROW) for q in questions):
        return "questions are not [position, key, points] rows"
    if not isinstance(answers, list) or not all(_row(a, _ANSWER_ROW) for a in answers):
        return "answers are not rows of an attempt's answer"
    return None


_DATA_CHECKS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "answer": _answer,
    "undo": _undo,
    "suspend": _nothing,
    "unsuspend": _nothing,
    "bury": _bury,
    "unbury": _nothing,
    "flag": _flag,
    "forget": _forget,
    "set_due": _set_due,
    "leech": _leech,
    "attempt": _attempt,
    "sched": _sched,
}
