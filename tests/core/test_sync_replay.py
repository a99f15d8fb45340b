"""Replaying a card's events (issue 16): every device reaches the same state from the same
events, a device's own history replays to exactly what it showed, and answers given
offline on two devices are recomputed the same way everywhere."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.card_state import CardMarks, CardState, Flag, Phase
from quiz.core.scheduling import Grade, Scheduler
from quiz.core.storage.encoding import (
    state_from_json,
    state_json_of_object,
    state_to_json,
    to_us,
)
from quiz.core.sync.answers import fuzz_seed, recompute_answer
from quiz.core.sync.clock import HybridClock
from quiz.core.sync.events import Event, answer_data, sched_data
from quiz.core.sync.replay import CardReplay, recorded_state, replay_card

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
RECORDS: dict[str, dict[str, object]] = {}
"""The scheduler records answers name (what the `sched` events of a store hold)."""


def recompute(event: Event, prior: CardState) -> CardState:
    return recompute_answer(event, prior, RECORDS)


@dataclass
class Device:
    """One machine in the simulation: its clock (maybe wrong), and the events it knows."""

    name: str
    skew: timedelta
    scheduler: Scheduler
    clock: HybridClock = field(init=False)
    seq: int = 0
    known: dict[str, Event] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clock = HybridClock(self.name)

    def view(self) -> CardReplay:
        return replay_card(self.known.values(), recompute)

    def _event(self, now: datetime, kind: str, data: dict[str, object]) -> Event:
        local = now + self.skew  # what this device's clock says
        self.seq += 1
        stamp = self.clock.stamp(to_us(local))
        event = Event(self.name, self.seq, stamp, to_us(local), kind, "geo", "capital", data)
        self.known[event.id] = event
        return event

    def _sched(self, local: datetime) -> str:
        sched = sched_data(self.scheduler.record(local))
        RECORDS[sched["id"]] = sched["record"]
        return str(sched["id"])

    def answer(self, now: datetime, grade: Grade) -> Event:
        local = now + self.skew
        before = self.view().state
        after, _ = self.scheduler.review(before, grade, local)
        data = answer_data(
            grade=int(grade),
            before_json=state_to_json(before),
            after_json=state_to_json(after),
            sched=self._sched(local),
        )
        return self._event(now, "answer", data)

    def mark(self, now: datetime, kind: str, **data: object) -> Event:
        return self._event(now, kind, dict(data))

    def undo_last(self, now: datetime) -> Event | None:
        undone = {e.data.get("undoes") for e in self.known.values() if e.kind == "undo"}
        own = [
            e
            for e in self.known.values()
            if e.device == self.name and e.kind != "undo" and e.id not in undone
        ]
        if not own:
            return None
        return self._event(now, "undo", {"undoes": max(own, key=Event.order).id})

    def sync(self, folder: dict[str, Event]) -> None:
        """Write own events to the shared folder, read everyone's."""
        folder.update({k: e for k, e in self.known.items() if e.device == self.name})
        for event in folder.values():
            if event.id not in self.known:
                self.clock.observe(event.stamp)
                self.known[event.id] = event


def as_object(state: CardState) -> object:
    """A state as an event carries it (a JSON object)."""
    return json.loads(state_to_json(state))


def scheduler(fuzz: bool = True) -> Scheduler:
    return Scheduler(fuzz=fuzz, tz=timezone.utc)


def test_the_record_rebuilds_the_scheduler_it_came_from() -> None:
    """Without fuzz, a scheduler rebuilt from an answer's record gives the same state."""
    original = Scheduler(
        fuzz=False,
        desired_retention=0.85,
        learning_steps=(2, 15),
        relearning_steps=(5,),
        maximum_interval=400,
        day_starts_at=3,
        tz=timezone(timedelta(hours=-5)),
    )
    rebuilt = Scheduler.from_record(original.record(START), seed=1)
    state, now = CardState(), START
    for grade in (Grade.Good, Grade.Good, Grade.Again, Grade.Easy, Grade.Hard, Grade.Good):
        state, _ = original.review(state, grade, now)
        again, _ = rebuilt.review(
            state_from_json(state_to_json(state)), Grade.Good, now + timedelta(days=30)
        )
        expected, _ = original.review(state, Grade.Good, now + timedelta(days=30))
        assert again == expected
        now = (state.due or now) + timedelta(hours=1)


def test_a_recomputed_answer_is_the_same_on_every_device() -> None:
    """The fuzz seed comes from the event id: the same interval everywhere, not a new draw."""
    device = Device("laptop-0001", timedelta(0), scheduler())
    for day in range(6):
        device.answer(START + timedelta(days=day * 9), Grade.Good)
    event = max(device.known.values(), key=Event.order)
    prior = CardState(Phase.REVIEW, None, 30.0, 5.0, START, START - timedelta(days=20), 4, 0)
    results = {recompute(event, prior) for _ in range(5)}
    assert len(results) == 1
    assert fuzz_seed("laptop-0001:6") != fuzz_seed("laptop-0001:7")


def test_one_devices_history_replays_to_exactly_what_it_recorded() -> None:
    device = Device("laptop-0001", timedelta(0), scheduler())
    now = START
    for grade in (Grade.Good, Grade.Good, Grade.Again, Grade.Good, Grade.Easy) * 3:
        event = device.answer(now, grade)
        now = (recorded_state(event.data["after"]).due or now) + timedelta(hours=2)
    replayed = device.view()
    last = max(device.known.values(), key=Event.order)
    assert replayed.state == recorded_state(last.data["after"])
    assert replayed.conflicts == 0 and len(replayed.changes) == 15


def test_answers_given_offline_on_two_devices_converge() -> None:
    folder: dict[str, Event] = {}
    laptop = Device("laptop-0001", timedelta(0), scheduler())
    desktop = Device("desktop-0002", timedelta(0), scheduler())
    laptop.answer(START, Grade.Good)
    laptop.sync(folder)
    desktop.sync(folder)
    later = START + timedelta(days=3)
    laptop.answer(later, Grade.Good)  # both offline: same prior state
    desktop.answer(later + timedelta(hours=1), Grade.Again)
    for device in (laptop, desktop, laptop):
        device.sync(folder)
    assert laptop.view() == desktop.view()
    view = laptop.view()
    assert view.conflicts == 1  # the later of the two was given on another prior state
    assert view.changes[-1].event.device == "desktop-0002"
    assert view.state.lapses == 1  # Again on a reviewed card after Good: still one lapse


def test_a_device_whose_clock_is_days_behind_cannot_reorder_history() -> None:
    """The desktop's clock is four days slow. Used one after the other with a sync
    between, its answers still come after the laptop's: no conflict, nothing recomputed."""
    folder: dict[str, Event] = {}
    laptop = Device("laptop-0001", timedelta(0), scheduler())
    desktop = Device("desktop-0002", timedelta(days=-4), scheduler())
    now = START
    for turn in range(8):
        device = (laptop, desktop)[turn % 2]
        device.sync(folder)
        device.answer(now, Grade.Good)
        device.sync(folder)
        now += timedelta(days=2)
    laptop.sync(folder)
    view = laptop.view()
    assert view.conflicts == 0 and len(view.changes) == 8
    assert [c.event.device for c in view.changes] == ["laptop-0001", "desktop-0002"] * 4


def test_undo_takes_the_event_out_and_later_answers_are_recomputed() -> None:
    folder: dict[str, Event] = {}
    laptop = Device("laptop-0001", timedelta(0), scheduler())
    desktop = Device("desktop-0002", timedelta(0), scheduler())
    laptop.answer(START, Grade.Good)
    laptop.sync(folder)
    desktop.sync(folder)
    desktop.answer(START + timedelta(days=2), Grade.Good)  # on the laptop's answer
    laptop.undo_last(START + timedelta(days=2, hours=1))  # the laptop takes its answer back
    laptop.sync(folder)
    desktop.sync(folder)
    laptop.sync(folder)
    assert laptop.view() == desktop.view()
    view = desktop.view()
    assert [c.event.device for c in view.changes] == ["desktop-0002"]
    assert view.changes[0].recomputed and view.changes[0].before == CardState()


def test_marks_apply_in_clock_order() -> None:
    device = Device("laptop-0001", timedelta(0), scheduler())
    device.mark(START, "flag", flag=1)
    device.mark(START, "suspend")
    device.mark(START, "bury", until="2026-12-02")
    device.mark(START, "flag", flag=4)
    device.mark(START, "unbury")
    device.mark(START, "leech")
    assert device.view().marks == CardMarks(suspended=True, flag=Flag.BLUE, leech=True)
    device.mark(START, "unsuspend")
    device.undo_last(START)  # the unsuspend
    device.undo_last(START)  # the leech mark
    assert device.view().marks == CardMarks(suspended=True, flag=Flag.BLUE)


def test_forget_and_set_due_on_another_prior_state_are_recomputed() -> None:
    folder: dict[str, Event] = {}
    laptop = Device("laptop-0001", timedelta(0), scheduler(fuzz=False))
    desktop = Device("desktop-0002", timedelta(0), scheduler(fuzz=False))
    for day in (0, 1, 4):
        laptop.answer(START + timedelta(days=day), Grade.Good)
    laptop.sync(folder)
    desktop.sync(folder)
    studied = desktop.view().state
    due = START + timedelta(days=40)
    desktop.mark(
        START + timedelta(days=5),
        "set_due",
        due=to_us(due),
        before=as_object(studied),
        after=as_object(
            CardState(
                studied.state,
                studied.step,
                studied.stability,
                studied.difficulty,
                due,
                studied.last_review,
                studied.reps,
                studied.lapses,
            )
        ),
    )
    laptop.answer(START + timedelta(days=5, hours=1), Grade.Again)  # offline, later stamp
    laptop.mark(
        START + timedelta(days=5, hours=2),
        "forget",
        reset=False,
        before=as_object(laptop.view().state),
        after=as_object(
            CardState(reps=laptop.view().state.reps, lapses=laptop.view().state.lapses)
        ),
    )
    for device in (laptop, desktop, laptop):
        device.sync(folder)
    assert laptop.view() == desktop.view()
    final = laptop.view()
    assert final.state.state is Phase.NEW and final.state.lapses == 1
    assert [c.event.kind for c in final.changes][-3:] == ["set_due", "answer", "forget"]
    assert final.changes[-2].recomputed  # the Again was given before the due change arrived


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["answer", "flag", "suspend", "unsuspend", "undo", "sync"]),
        st.integers(0, 2),  # which device
        st.sampled_from(list(Grade)),
        st.integers(0, 3 * 24 * 60),  # minutes until the next step
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(
    OPERATIONS,
    st.lists(st.integers(-3 * 24 * 60, 3 * 24 * 60), min_size=3, max_size=3),
    st.integers(2, 3),
)
def test_after_everyone_syncs_every_device_holds_one_replay_of_the_union(
    operations: list[tuple[str, int, Grade, int]], skews: list[int], count: int
) -> None:
    """Any interleaving of answers, undos, marks and syncs on two or three devices (clocks
    off by up to three days): once all have synced, each holds every event exactly once
    and the same state, which is the replay of the union in any order."""
    folder: dict[str, Event] = {}
    devices = [
        Device(f"device-{n:04d}", timedelta(minutes=skews[n]), scheduler()) for n in range(count)
    ]
    made: list[str] = []
    now = START
    for kind, which, grade, minutes in operations:
        device = devices[which % count]
        if kind == "answer":
            made.append(device.answer(now, grade).id)
        elif kind in ("suspend", "unsuspend"):
            made.append(device.mark(now, kind).id)
        elif kind == "flag":
            made.append(device.mark(now, "flag", flag=int(grade)).id)
        elif kind == "undo":
            undo = device.undo_last(now)
            if undo is not None:
                made.append(undo.id)
        else:
            device.sync(folder)
        now += timedelta(minutes=minutes)
    for device in devices + devices:
        device.sync(folder)
    union = {event.id: event for device in devices for event in device.known.values()}
    assert sorted(union) == sorted(made)  # nothing lost, nothing doubled
    for device in devices:
        assert sorted(device.known) == sorted(made)
    views = [device.view() for device in devices]
    assert all(view == views[0] for view in views)
    shuffled = sorted(union.values(), key=lambda e: e.id)  # another arrival order
    assert replay_card(shuffled, recompute) == views[0]


def test_an_unknown_mark_is_refused() -> None:
    device = Device("laptop-0001", timedelta(0), scheduler())
    device.mark(START, "attempt")
    with pytest.raises(ValueError, match="not a card event"):
        device.view()


state_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=2),
)
odd_floats = st.sampled_from([float("inf"), float("-inf"), float("nan"), -0.0, 1e300])
state_objects = st.one_of(
    st.fixed_dictionaries(
        {key: state_values for key in json.loads(state_to_json(CardState()))},
        optional={"extra": state_values},
    ),
    st.fixed_dictionaries(  # near-valid: each value of a type a state may hold
        {
            "state": st.integers(-1, 4),
            "step": st.none() | st.integers(-1, 3),
            "stability": st.none() | st.floats() | odd_floats | st.integers(0, 10**400),
            "difficulty": st.none() | st.floats(0, 10) | odd_floats,
            "due": st.none() | st.integers(-(2**63), 2**63),
            "last_review": st.none() | st.integers(-(10**17), 3 * 10**17),
            "reps": st.integers(-1, 10**6),
            "lapses": st.integers(-1, 10),
        }
    ),
    state_values,
)


@settings(max_examples=500)
@given(state_objects)
def test_an_event_state_is_checked_and_written_as_a_card_state_would_be(data: object) -> None:
    """The import's shortcut gives `state_to_json(recorded_state(...))`'s text, or its error."""
    try:
        expected: object = state_to_json(recorded_state(data))
    except (ValueError, OverflowError) as error:
        expected = type(error)
    try:
        got: object = state_json_of_object(data)
    except (ValueError, OverflowError) as error:
        got = type(error)
    assert got == expected
