"""A card's state as the replay of its events, the same on every device.

Every device replays a card's events in one order (`Event.order`: the clock stamp, then
device and sequence), so two devices holding the same events reach the same state,
whichever arrived first. Undone events and the undos themselves are left out.

Events that change the schedule (an answer, forget, set due) carry the state before and
after as their device computed it. Where replay reaches the same state before, the
recorded state after is kept as it is: a device's own history replays to exactly what it
showed the learner. Where it does not (two devices answered the card offline, so one
answer was given on another prior state), the event is recomputed from the state replay
reached (`Recompute`; for an answer, the scheduler with the parameters and fuzz seed the
event recorded). Marks (suspend, bury, flag, leech) simply apply in order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from quiz.core.card_state import CardMarks, CardState, Flag, Phase
from quiz.core.storage.encoding import from_us, state_from_object, state_to_json
from quiz.core.sync.events import Event

Recompute = Callable[[Event, CardState], CardState]
"""The state an answer event gives when applied to a prior state other than its own."""

SCHEDULE_KINDS = frozenset({"answer", "forget", "set_due"})
"""Events that carry `before` and `after` states."""


@dataclass(frozen=True)
class ReplayedChange:
    """A schedule-changing event as replay applied it."""

    event: Event
    before: CardState
    after: CardState
    recomputed: bool
    """Whether replay reached another prior state than the event's device had (a conflict)."""


@dataclass(frozen=True)
class CardReplay:
    """What a card's events add up to."""

    state: CardState
    marks: CardMarks
    changes: tuple[ReplayedChange, ...]
    """The answers, forgets and due changes in effect, in order (undone ones left out)."""

    @property
    def conflicts(self) -> int:
        return sum(change.recomputed for change in self.changes)


def replay_card(
    events: Iterable[Event], recompute_answer: Recompute, *, after_prefix: object = None
) -> CardReplay:
    """The state and marks one card's `events` (in any order, each once) lead to.

    `after_prefix`, when given, is the recorded state after the card's first answers,
    left out of `events`: answers only, each kept as recorded, none undone (what
    `sync_log` checks in SQL before replaying the rest of a card from there)."""
    ordered = sorted(events, key=Event.order)
    undone = {e.data.get("undoes") for e in ordered if e.kind == "undo"}
    state, marks = CardState(), CardMarks()
    as_recorded: object = _NEW  # `state` as an event records it: compared without parsing
    if after_prefix is not None:
        state, as_recorded = recorded_state(after_prefix), after_prefix
    changes: list[ReplayedChange] = []
    for event in ordered:
        if event.kind == "undo" or event.id in undone:
            continue
        if event.kind in SCHEDULE_KINDS:
            if event.data.get("before") == as_recorded:
                as_recorded = event.data["after"]
                after, recomputed = recorded_state(as_recorded), False
            else:
                after, recomputed = _recomputed(event, state, recompute_answer), True
                as_recorded = json.loads(state_to_json(after))
            changes.append(ReplayedChange(event, state, after, recomputed))
            state = after
        else:
            marks = apply_mark(event, marks)
    return CardReplay(state, marks, tuple(changes))


_NEW = json.loads(state_to_json(CardState()))
"""A new card's state as events record it."""


def recorded_state(value: object) -> CardState:
    """A state an event carries (a JSON object of `state_to_json`'s keys); ValueError if
    it is not one."""
    return state_from_object(value)


def _recomputed(event: Event, prior: CardState, recompute_answer: Recompute) -> CardState:
    """A schedule change applied to a prior state other than the one it was made on."""
    if event.kind == "answer":
        return recompute_answer(event, prior)
    if event.kind == "forget":
        reset = bool(event.data.get("reset"))
        return CardState() if reset else CardState(reps=prior.reps, lapses=prior.lapses)
    # set_due: moves a studied card's due time; a card new on this path stays new
    if prior.state is Phase.NEW:
        return prior
    return replace(prior, due=from_us(int(event.data["due"])))


def apply_mark(event: Event, marks: CardMarks) -> CardMarks:
    """`marks` after a suspend, unsuspend, bury, unbury, flag or leech event."""
    kind = event.kind
    if kind in ("suspend", "unsuspend"):
        return replace(marks, suspended=kind == "suspend")
    if kind == "bury":
        return replace(marks, buried_until=date.fromisoformat(str(event.data["until"])))
    if kind == "unbury":
        return replace(marks, buried_until=None)
    if kind == "flag":
        return replace(marks, flag=Flag(int(event.data["flag"])))
    if kind == "leech":  # with leech_action = "suspend", the mark suspends the card too
        return replace(
            marks, leech=True, suspended=marks.suspended or bool(event.data.get("suspend"))
        )
    raise ValueError(f"{event.kind} is not a card event")
