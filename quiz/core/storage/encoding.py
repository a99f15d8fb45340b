"""How times and card states are stored, and checked when they are read back.

* A time is an aware `datetime` in the API (naive ones are refused) and an INTEGER
  of microseconds since the Unix epoch, UTC, in the database: lossless, compact and
  index-friendly (`datetime` round-trips exactly).
* A `CardState` is eight columns of `cards` (`STATE_COLUMNS`) and, in the review
  log, canonical JSON (`state_to_json`) from which undo restores it exactly. Stored
  values are checked on the way out (`checked_state`): a value no scheduler wrote
  is refused rather than half used.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from quiz.core.card_state import CardState, Phase
from quiz.core.sync.clock import MAX_INTEGER  # (a leaf module: no storage, no cycle)
from quiz.errors import StoreError

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime: how times are stored."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: quiz stores aware UTC times only")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class StoredTimeError(StoreError, ValueError):
    """A stored time no date can hold: quiz never writes one; `doctor --repair` mends it."""


def from_us(value: int) -> datetime:
    """The aware UTC datetime of a stored microsecond timestamp."""
    try:
        return _EPOCH + timedelta(microseconds=value)
    except OverflowError as error:
        raise StoredTimeError(
            f"the study database holds a time out of range ({value} µs); run: quiz doctor --repair"
        ) from error


def to_us_or_none(moment: datetime | None) -> int | None:
    """`to_us` of a time that may be missing (a new card has no due time)."""
    return None if moment is None else to_us(moment)


def from_us_or_none(value: int | None) -> datetime | None:
    """`from_us` of a column that may be NULL."""
    return None if value is None else from_us(value)


# --- a state as columns ------------------------------------------------------------------

STATE_COLUMNS = "state, step, stability, difficulty, due, last_review, reps, lapses"
"""The columns of a card's scheduling state, in `checked_state`'s argument order."""

_PHASES = frozenset(int(phase) for phase in Phase)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def checked_state(
    state: object,
    step: object,
    stability: object,
    difficulty: object,
    due: object,
    last_review: object,
    reps: object,
    lapses: object,
) -> CardState:
    """Build a CardState from stored values, refusing ones no scheduler wrote."""
    _check_state(state, step, stability, difficulty, due, last_review, reps, lapses)
    return CardState(
        state=Phase(state),  # type: ignore[arg-type]
        step=step,  # type: ignore[arg-type]
        stability=None if stability is None else float(stability),  # type: ignore[arg-type]
        difficulty=None if difficulty is None else float(difficulty),  # type: ignore[arg-type]
        due=from_us_or_none(due),  # type: ignore[arg-type]
        last_review=from_us_or_none(last_review),  # type: ignore[arg-type]
        reps=reps,  # type: ignore[arg-type]
        lapses=lapses,  # type: ignore[arg-type]
    )


def _check_state(
    state: object,
    step: object,
    stability: object,
    difficulty: object,
    due: object,
    last_review: object,
    reps: object,
    lapses: object,
) -> None:
    """ValueError unless the values are of types and ranges a scheduler writes."""
    if not _is_int(state) or state not in _PHASES:
        raise ValueError(f"unknown card state {state!r}")
    for name, value in (("step", step), ("due", due), ("last_review", last_review)):
        if value is not None and not _is_int(value):
            raise ValueError(f"{name} must be an integer or null, not {value!r}")
    for name, value in (("stability", stability), ("difficulty", difficulty)):
        if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            raise ValueError(f"{name} must be a number or null, not {value!r}")
    for name, value in (("reps", reps), ("lapses", lapses)):
        if not _is_int(value) or value < 0:  # type: ignore[operator]
            raise ValueError(f"{name} must be a non-negative integer, not {value!r}")


def state_values(state: CardState) -> tuple[object, ...]:
    """A state as the values of `STATE_COLUMNS`."""
    return (
        int(state.state),
        state.step,
        state.stability,
        state.difficulty,
        to_us_or_none(state.due),
        to_us_or_none(state.last_review),
        state.reps,
        state.lapses,
    )


_SET_STATE = (
    "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?,"
    " last_review = ?, reps = ?, lapses = ? WHERE deck_id = ? AND card_key = ?"
)
_SET_STATE_IF = _SET_STATE + "".join(f" AND {column} IS ?" for column in STATE_COLUMNS.split(", "))


def set_state(
    db: sqlite3.Connection,
    deck_id: str,
    card_key: str,
    state: CardState,
    *,
    expect: CardState | None = None,
) -> bool:
    """Store a card's state; with `expect`, only if the stored one equals it. True if written.

    `IS` compares NULL with NULL as equal, and a stored REAL with the float it was
    written from exactly (the columns' affinities keep each value's type), so the row
    matches exactly when it holds `expect`.
    """
    if expect is None:
        cursor = db.execute(_SET_STATE, (*state_values(state), deck_id, card_key))
    else:
        cursor = db.execute(
            _SET_STATE_IF,
            (*state_values(state), deck_id, card_key, *state_values(expect)),
        )
    return cursor.rowcount == 1


# --- a state as JSON in the review log ---------------------------------------------------

_STATE_KEYS = {"state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses"}
_KEYS_SAID = ", ".join(sorted(_STATE_KEYS))
"""The keys in a message, in one order (a set's differs from process to process)."""
encode_state = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
"""`json.dumps` with options builds a new encoder per call, and every answer logs two states;
`state_to_json`'s text of a state's object form (a state a sync event carries)."""


def state_to_json(state: CardState) -> str:
    """The exact, lossless text kept in the review log for undo."""
    return encode_state(
        {
            "state": int(state.state),
            "step": state.step,
            "stability": state.stability,
            "difficulty": state.difficulty,
            "due": to_us_or_none(state.due),
            "last_review": to_us_or_none(state.last_review),
            "reps": state.reps,
            "lapses": state.lapses,
        }
    )


def state_from_json(text: str) -> CardState:
    """Parse `state_to_json` output; raises ValueError on anything else (see `doctor`)."""
    return state_from_object(json.loads(text))


_MIN_US = to_us(datetime.min.replace(tzinfo=timezone.utc))
_MAX_US = to_us(datetime.max.replace(tzinfo=timezone.utc))


def _time_us(value: object) -> object:
    """A stored time as `to_us_or_none(from_us_or_none(value))` gives it back, without the
    datetime: the value itself, or `from_us`'s error outside what a datetime holds."""
    if value is not None and not _MIN_US <= value <= _MAX_US:  # type: ignore[operator]
        from_us(value)  # type: ignore[arg-type]
    return value


_INF = float("inf")


def _finite(value: object) -> bool:
    """None, or a number SQLite holds as it is: a finite float, an integer within 64 bits."""
    if isinstance(value, float):
        return -_INF < value < _INF
    return not isinstance(value, int) or -MAX_INTEGER - 1 <= value <= MAX_INTEGER


def _json(value: int | float | None) -> str:
    """`encode_state`'s text of None, an int or a finite float."""
    return "null" if value is None else repr(value)


def state_json_of_object(data: object, *, strict: bool = False) -> str:
    """`state_to_json(state_from_object(data))`: the same text and the same errors, without
    building the `CardState` and its datetimes (a sync import checks two states an event,
    which was a third of its time; 5.6 -> 1.5 µs a state with the common case by hand).
    With `strict`, also a ValueError for what no scheduler writes and SQLite cannot hold:
    NaN, an infinity, an integer past 64 bits, a negative step (another device's file
    may hold anything)."""
    if not isinstance(data, dict) or data.keys() != _STATE_KEYS:
        raise ValueError("card state must be an object with the keys " + _KEYS_SAID)
    state, step, stability, difficulty = (
        data["state"],
        data["step"],
        data["stability"],
        data["difficulty"],
    )
    due, last_review, reps, lapses = data["due"], data["last_review"], data["reps"], data["lapses"]
    if (  # the common case, checked and written by hand: exact types, finite numbers
        type(state) is int
        and state in _PHASES
        and (step is None or type(step) is int)
        and (stability is None or (type(stability) is float and -_INF < stability < _INF))
        and (difficulty is None or (type(difficulty) is float and -_INF < difficulty < _INF))
        and (due is None or (type(due) is int and _MIN_US <= due <= _MAX_US))
        and (
            last_review is None or (type(last_review) is int and _MIN_US <= last_review <= _MAX_US)
        )
        and type(reps) is int
        and 0 <= reps <= MAX_INTEGER
        and type(lapses) is int
        and 0 <= lapses <= MAX_INTEGER
        and (step is None or 0 <= step <= MAX_INTEGER)
    ):
        return (
            f'{{"difficulty":{_json(difficulty)},"due":{_json(due)},"lapses":{lapses},'
            f'"last_review":{_json(last_review)},"reps":{reps},"stability":{_json(stability)},'
            f'"state":{state},"step":{_json(step)}}}'
        )
    if strict and (not all(map(_finite, data.values())) or (_is_int(step) and step < 0)):
        raise ValueError("card state holds a number no scheduler writes (NaN, infinite or huge)")
    _check_state(state, step, stability, difficulty, due, last_review, reps, lapses)
    return encode_state(
        {
            "state": int(state),
            "step": step,
            "stability": None if stability is None else float(stability),
            "difficulty": None if difficulty is None else float(difficulty),
            "due": _time_us(due),
            "last_review": _time_us(last_review),
            "reps": reps,
            "lapses": lapses,
        }
    )


def state_from_object(data: object) -> CardState:
    """`state_from_json` of text already parsed (a state inside a sync event)."""
    if not isinstance(data, dict) or set(data) != _STATE_KEYS:
        raise ValueError("card state must be an object with the keys " + _KEYS_SAID)
    return checked_state(
        data["state"],
        data["step"],
        data["stability"],
        data["difficulty"],
        data["due"],
        data["last_review"],
        data["reps"],
        data["lapses"],
    )
