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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from quiz.core.card_state import CardMarks, CardState, Flag, Phase
from quiz.core.storage.encoding import from_us, state_from_json
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


def replay_card(events: Iterable[Event], recompute_answer: Recompute) -> CardReplay:
    """The state and marks one card's `events` (in any order, each once) lead to."""
    ordered = sorted(events, key=Event.order)
    undone = {e.data.get("undoes") for e in ordered if e.kind == "undo"}
    state, marks = CardState(), CardMarks()
    changes: list[ReplayedChange] = []
    for event in ordered:
        if event.kind == "undo" or event.id in undone:
            continue
        if event.kind in SCHEDULE_KINDS:
            recorded_before = state_from_json(event.data["before"])
            recorded_after = state_from_json(event.data["after"])
            if recorded_before == state:
                after, recomputed = recorded_after, False
            else:
                after, recomputed = _recomputed(event, state, recompute_answer), True
            changes.append(ReplayedChange(event, state, after, recomputed))
            state = after
        else:
            marks = apply_mark(event, marks)
    return CardReplay(state, marks, tuple(changes))


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
    if kind == "leech":
        return replace(marks, leech=True)
    raise ValueError(f"{event.kind} is not a card event")
