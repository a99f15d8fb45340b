"""Several stores sharing one sync folder (issue 16): interleavings of answers, undos, card
actions and syncs on each device; once everyone has synced, every device holds the same
cards, the same review log and the same events, which are the replay of their union."""

from __future__ import annotations

import gc
import json
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quiz.config import Settings
from quiz.core.card_state import CardState, Flag, Phase
from quiz.core.scheduling import Grade, Scheduler
from quiz.core.storage import Store, sync_log
from quiz.core.storage.encoding import state_to_json, to_us
from quiz.core.sync import engine
from quiz.core.sync.clock import Stamp
from quiz.core.sync.engine import SyncError, join, replayer, sync_all
from quiz.core.sync.events import Event, answer_data, sched_data
from quiz.errors import StoreError

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
KEYS = ["a", "b", "c"]


def open_store(path: Path, keys: Sequence[str] = KEYS) -> Store:
    """A store holding the deck "geo" with the cards `keys`."""
    store = Store.open(path, now=NOW)
    store.reconcile_deck(
        "geo",
        title="Geo",
        path=None,
        content_hash=None,
        card_keys=keys,
        question_count=len(keys),
        now=NOW,
    )
    return store


@dataclass
class Device:
    """One machine: its own database, a scheduler, and what it can undo."""

    store: Store
    answers: list[int] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)

    def sched_for(self, now: datetime) -> engine.SchedFor:
        return engine.scheduler_records(self.store, Settings(), now)

    def answer(self, key: str, grade: Grade, now: datetime) -> None:
        before = self.store.card_state("geo", key)
        assert before is not None
        after, _ = Scheduler(tz=timezone.utc).review(before, grade, now)
        review_id = self.store.record_review(
            "geo", key, after=after, grade=int(grade), reviewed_at=now, expect_before=before
        )
        self.answers.append(review_id)

    def undo_answer(self) -> None:
        if self.answers:
            # StoreError: no longer the card's newest answer here (another device's came in)
            with suppress(StoreError):
                self.store.undo_review(self.answers.pop())

    def act(self, key: str, kind: str, now: datetime) -> None:
        ref = [("geo", key)]
        if kind == "suspend":
            result = self.store.suspend(ref, now=now)
        elif kind == "flag":
            result = self.store.set_flag(ref, Flag.RED, now=now)
        else:
            result = self.store.forget(ref, now=now)
        if result.batch is not None:
            self.actions.append(result.batch)

    def undo_action(self) -> None:
        if self.actions:
            # StoreError: the card changed since (a sync brought another device's change)
            with suppress(StoreError):
                self.store.undo_card_action(self.actions.pop())

    def sync(self, now: datetime) -> None:
        for report in sync_all(self.store, now=now, sched_for=self.sched_for(now)):
            assert report.problems == [], report.problems


def snapshot(store: Store) -> tuple[object, ...]:
    """Everything sync must make equal: card states and marks, the review log by event,
    and the set of events."""
    cards = store.read(
        "SELECT card_key, state, step, stability, difficulty, due, last_review, reps, lapses,"
        " suspended, buried_until, flag, leech FROM cards ORDER BY card_key"
    )
    reviews = store.read(
        "SELECT event_id, deck_id, card_key, reviewed_at, grade, state_before_json,"
        " state_after_json FROM reviews ORDER BY event_id"
    )
    events = store.read("SELECT id FROM sync_events ORDER BY id")
    return tuple(cards), tuple(reviews), tuple(events)


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[list[Device]]:
    folder = tmp_path / "sync"
    with ExitStack() as stack:
        made = []
        for name in ("laptop", "desktop", "server"):
            store = stack.enter_context(open_store(tmp_path / f"{name}.sqlite3"))
            join(store, folder, scope="all", now=NOW)
            made.append(Device(store))
        yield made


def test_two_devices_answering_offline_end_with_the_same_cards(devices: list[Device]) -> None:
    laptop, desktop, _ = devices
    laptop.answer("a", Grade.Good, NOW)
    laptop.sync(NOW)
    desktop.sync(NOW)
    assert desktop.store.card_state("geo", "a") == laptop.store.card_state("geo", "a")
    later = NOW + timedelta(days=3)
    laptop.answer("a", Grade.Good, later)  # offline on both
    desktop.answer("a", Grade.Again, later + timedelta(hours=1))
    desktop.act("b", "suspend", later)
    for device in (laptop, desktop, laptop):
        device.sync(later + timedelta(hours=2))
    assert snapshot(laptop.store) == snapshot(desktop.store)


def sync_notes(device: Device, now: datetime) -> list[str]:
    reports = sync_all(device.store, now=now, sched_for=device.sched_for(now))
    assert all(report.problems == [] for report in reports)
    return [note for report in reports for note in report.notes]


@pytest.mark.parametrize("desktop_fsrs", [None, "6.0.0"])
def test_recomputing_answers_given_with_another_fsrs_says_so(
    devices: list[Device], desktop_fsrs: str | None
) -> None:
    laptop, desktop, _ = devices
    later = NOW + timedelta(days=3)
    laptop.answer("b", Grade.Good, later)  # the same card offline on both: a conflict
    with ExitStack() as older:
        if desktop_fsrs is not None:
            older.enter_context(patch("quiz.core.scheduling.fsrs_version", return_value="6.0.0"))
        desktop.answer("b", Grade.Again, later + timedelta(hours=1))
        assert sync_notes(desktop, later + timedelta(hours=2)) == []
    # laptop's answer comes first; desktop's, given on the state before it, is recomputed
    notes = [note for note in sync_notes(laptop, later + timedelta(hours=3)) if "fsrs" in note]
    if desktop_fsrs is None:
        assert notes == []
    else:
        (note,) = notes
        assert "fsrs 6.0.0 were recomputed" in note and "same quiz and fsrs versions" in note


def test_an_undo_on_one_device_takes_the_answer_back_on_the_others(
    devices: list[Device],
) -> None:
    laptop, desktop, _ = devices
    laptop.answer("a", Grade.Good, NOW)
    laptop.act("a", "flag", NOW)
    laptop.sync(NOW)
    desktop.sync(NOW)
    assert len(desktop.store.read("SELECT * FROM reviews")) == 1
    laptop.undo_action()
    laptop.undo_answer()
    laptop.sync(NOW + timedelta(minutes=5))
    desktop.sync(NOW + timedelta(minutes=5))
    assert desktop.store.read("SELECT * FROM reviews") == []
    card = desktop.store.card("geo", "a")
    assert card is not None and card.state.state is Phase.NEW and card.marks.flag is Flag.NONE
    assert snapshot(laptop.store) == snapshot(desktop.store)


def test_another_fsrs_version_from_a_file_is_said_short_and_plain(devices: list[Device]) -> None:
    """The version in a scheduler record comes from another device's file: the note keeps
    40 characters of it, and `quiz sync` prints notes sanitized (tests/cli)."""
    laptop, desktop, _ = devices
    later = NOW + timedelta(days=3)
    laptop.answer("b", Grade.Good, later)
    hostile = "6.0\x1b]0;owned\x07" + "9" * 100
    with patch("quiz.core.scheduling.fsrs_version", return_value=hostile):
        desktop.answer("b", Grade.Again, later + timedelta(hours=1))
        sync_notes(desktop, later + timedelta(hours=2))
    (note,) = [n for n in sync_notes(laptop, later + timedelta(hours=3)) if "fsrs" in n]
    assert hostile[:40] in note and hostile[:41] not in note


def test_a_sync_tells_its_progress_step_by_step(
    devices: list[Device], monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop, _ = devices
    monkeypatch.setattr(engine, "EXPORT_BATCH", 2)
    monkeypatch.setattr(sync_log, "PROGRESS_EVERY", 2)
    for key in KEYS:
        laptop.answer(key, Grade.Good, NOW)
    told: list[str] = []
    sync_all(laptop.store, now=NOW, sched_for=laptop.sched_for(NOW), progress=told.append)
    # a scheduler record and three answers: made, then written two at a time
    assert told == [
        "making events of this device's history: 2",
        "making events of this device's history: 4",
        "writing events to the folder: 2 of 4",
        "writing events to the folder: 4 of 4",
    ]
    told.clear()
    sync_all(desktop.store, now=NOW, sched_for=desktop.sched_for(NOW), progress=told.append)
    assert told == ["reading the other devices' events: 100%", "updating cards: 3 of 3"]
    assert snapshot(desktop.store) == snapshot(laptop.store)


def test_undos_made_before_schema_11_are_still_sent(devices: list[Device], tmp_path: Path) -> None:
    """Schema 11 finds undone events through `sync_unlinked`, which triggers fill; an answer
    undone under schema 10 and not synced yet is found by the migration instead."""
    laptop, desktop, _ = devices
    laptop.answer("a", Grade.Good, NOW)
    laptop.answer("b", Grade.Good, NOW)
    laptop.sync(NOW)
    desktop.sync(NOW)
    path = laptop.store.path
    laptop.store.close()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")  # back to schema 10, and undo "a" as it did
    for trigger in ("reviews_unlinked", "reviews_relinked", "card_events_unlinked"):
        connection.execute(f"DROP TRIGGER {trigger}")
    connection.execute("DROP TRIGGER card_events_relinked")
    connection.execute("DROP TABLE sync_unlinked")
    connection.execute("DELETE FROM reviews WHERE card_key = 'a'")
    connection.execute("PRAGMA user_version = 10")
    connection.execute("COMMIT")
    connection.close()
    with Store.open(path, now=NOW) as reopened:
        assert [row[0] for row in reopened.read("SELECT event_id FROM sync_unlinked")] != []
        Device(reopened).sync(NOW + timedelta(minutes=5))
        assert reopened.read("SELECT * FROM sync_unlinked") == []
        desktop.sync(NOW + timedelta(minutes=5))
        assert [r[0] for r in desktop.store.read("SELECT card_key FROM reviews")] == ["b"]
        assert snapshot(reopened) == snapshot(desktop.store)


def test_only_events_whose_row_went_wait_for_the_next_sync(devices: list[Device]) -> None:
    """The triggers note an event when its row is deleted (a flag and an answer undone;
    an amended answer, whose row is unlinked: `test_quiz_overrule`), and a sync empties
    the list."""
    laptop, desktop, _ = devices
    laptop.answer("a", Grade.Good, NOW)
    laptop.answer("b", Grade.Good, NOW)
    laptop.act("c", "flag", NOW)
    laptop.sync(NOW)
    assert laptop.store.read("SELECT * FROM sync_unlinked") == []
    linked = dict(laptop.store.read("SELECT card_key, event_id FROM reviews"))
    laptop.undo_action()
    laptop.undo_answer()  # b's answer
    laptop.store.read("SELECT 1")  # (reads leave the list alone)
    unlinked = {row[0] for row in laptop.store.read("SELECT event_id FROM sync_unlinked")}
    assert linked["b"] in unlinked and linked["a"] not in unlinked and len(unlinked) == 2
    laptop.sync(NOW + timedelta(minutes=5))
    assert laptop.store.read("SELECT * FROM sync_unlinked") == []
    undone = laptop.store.read("SELECT data_json FROM sync_events WHERE kind = 'undo'")
    assert len(undone) == 2 and any(linked["b"] in row[0] for row in undone)
    desktop.sync(NOW + timedelta(minutes=5))
    assert snapshot(laptop.store) == snapshot(desktop.store)


def test_an_undo_after_another_devices_change_came_in_ends_in_the_replay(
    devices: list[Device],
) -> None:
    """Both devices suspend a card; the laptop, having read the desktop's suspend, undoes its
    own: the desktop's still holds, on the laptop too (hypothesis found this one)."""
    laptop, desktop = devices[0], devices[1]
    laptop.act("b", "suspend", NOW)
    desktop.act("b", "suspend", NOW)
    desktop.sync(NOW)
    laptop.sync(NOW)
    laptop.undo_action()
    for device in devices + devices:
        device.sync(NOW)
    for device in devices:
        card = device.store.card("geo", "b")
        assert card is not None and card.marks.suspended


def test_an_import_pauses_the_collector_on_the_main_thread_only(
    devices: list[Device], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`quiz sync` imports without cyclic collections; a sync on a session's thread leaves
    the collector to the app; either way it is as it was afterwards."""
    seen: list[bool] = []
    apply = Store.apply_waiting

    def spy(store: Store, *args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return apply(store, *args, **kwargs)

    monkeypatch.setattr(Store, "apply_waiting", spy)
    was_enabled = gc.isenabled()  # (another test may have left it paused)
    gc.enable()
    try:
        devices[1].answer("a", Grade.Good, NOW)
        devices[1].sync(NOW)
        assert gc.isenabled()
        devices[0].sync(NOW)
        assert seen[-1] is False and gc.isenabled()
        thread = threading.Thread(target=devices[2].sync, args=(NOW,))
        thread.start()
        thread.join()
        assert seen[-1] is True and gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()


def test_a_second_sync_changes_nothing(devices: list[Device]) -> None:
    laptop, desktop, _ = devices
    laptop.answer("a", Grade.Good, NOW)
    laptop.sync(NOW)
    desktop.sync(NOW)
    before = snapshot(desktop.store)
    desktop.sync(NOW + timedelta(minutes=1))
    laptop.sync(NOW + timedelta(minutes=1))
    assert snapshot(desktop.store) == before == snapshot(laptop.store)


def test_history_from_before_joining_is_merged(tmp_path: Path) -> None:
    """Two machines studied before they were joined: both histories end up on both."""
    with open_store(tmp_path / "one.sqlite3") as one, open_store(tmp_path / "two.sqlite3") as two:
        first, second = Device(one), Device(two)
        first.answer("a", Grade.Good, NOW)
        second.answer("b", Grade.Easy, NOW + timedelta(hours=1))
        second.act("c", "flag", NOW)
        for store in (one, two):
            join(store, tmp_path / "sync", scope="all", now=NOW)
        for device in (first, second, first):
            device.sync(NOW + timedelta(hours=2))
        assert snapshot(one) == snapshot(two)
        assert len(one.read("SELECT * FROM reviews")) == 2


def test_a_database_inside_the_sync_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    with (
        open_store(folder / "quiz.sqlite3") as store,
        pytest.raises(SyncError, match="inside the sync folder"),
    ):
        join(store, folder, scope="all", now=NOW)


def test_a_folder_that_became_unusable_is_reported_not_fatal(devices: list[Device]) -> None:
    laptop = devices[0]
    laptop.answer("a", Grade.Good, NOW)
    setup = laptop.store.sync_setup()
    assert setup is not None
    (Path(setup.folders[0].folder) / "quiz-sync.json").unlink()
    reports = sync_all(laptop.store, now=NOW, sched_for=laptop.sched_for(NOW))
    assert "not a quiz sync folder" in reports[0].problems[0]
    assert len(laptop.store.read("SELECT * FROM reviews")) == 1


def test_a_torn_line_in_another_devices_file_waits_for_the_next_sync(
    devices: list[Device],
) -> None:
    laptop, desktop, _ = devices
    laptop.answer("a", Grade.Good, NOW)
    laptop.answer("b", Grade.Good, NOW + timedelta(minutes=1))
    laptop.sync(NOW)
    setup = laptop.store.sync_setup()
    assert setup is not None
    (path,) = Path(setup.folders[0].folder, "devices", setup.device).iterdir()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 30])  # the sync tool is mid-copy
    desktop.sync(NOW)
    assert len(desktop.store.read("SELECT * FROM reviews")) == 1
    path.write_bytes(whole)
    desktop.sync(NOW)
    assert snapshot(desktop.store) == snapshot(laptop.store)


def test_every_card_is_written_as_its_replay_whichever_way_it_is_applied(
    tmp_path: Path,
) -> None:
    """Cards whose answers form a clean chain are written in SQL, the others by replay in
    Python: both give the card and the review rows `replay_card` gives."""
    other = "desk-00000001"
    scheduler = Scheduler(tz=timezone.utc)
    sched = sched_data(scheduler.record(NOW))
    new = state_to_json(CardState())
    seq = 0
    events = [Event(other, 0, Stamp(to_us(NOW), 0, other), to_us(NOW), "sched", data=sched)]

    def add(key: str, kind: str, data: dict[str, object], *, device: str = other) -> Event:
        nonlocal seq
        seq += 1
        at = to_us(NOW) + seq * 60_000_000
        event = Event(device, seq, Stamp(at, 0, device), at, kind, "geo", key, data)
        events.append(event)
        return event

    def chain(key: str, grades: list[int], **extra: object) -> list[str]:
        before, states = CardState(), [new]
        for n, grade in enumerate(grades):
            at = NOW + timedelta(minutes=seq + 1)
            after, _ = scheduler.review(before, Grade(grade), at)
            data = answer_data(
                grade=grade,
                before_json=state_to_json(before),
                after_json=state_to_json(after),
                sched=sched["id"],
                duration_ms=1500 + n,
                response=f"answer {n}",
                correct=grade > 1,
            )
            add(key, "answer", {**data, **extra})
            before = after
            states.append(state_to_json(after))
        return states

    chain("clean", [3, 1, 4])
    chain("one", [3])
    states = chain("conflict", [3, 3])
    add("conflict", "answer", {**events[-1].data, "before": json.loads(states[0])}, device="x-01")
    chain("flagged", [3, 4])
    add("flagged", "flag", {"flag": 2})
    chain("undone", [3, 4])
    add("undone", "undo", {"undoes": events[-1].id})
    chain("grade-as-text", [3, 2], grade="3")  # int("3") in Python: not SQL's to bind
    chain("no-verdict", [2], correct=None, response=None, duration_ms=None)
    forgotten = chain("forgotten", [3])
    add("forgotten", "forget", {"before": json.loads(forgotten[1]), "after": json.loads(new)})
    keys = sorted({event.card for event in events if event.card is not None})
    with open_store(tmp_path / "d.sqlite3", keys) as store:
        join(store, tmp_path / "sync", scope="all", now=NOW)
        assert store.add_events(events, offsets={}, now=NOW).problems == []
        applied = store.apply_waiting(replayer(store))
        assert (applied.cards, applied.conflicts, applied.waiting) == (len(keys), 1, 0)
        for key in keys:
            outcome = replayer(store)(store.card_sync_events("geo", key))
            card = store.card("geo", key)
            assert card is not None
            assert (card.state, card.marks) == (outcome.state, outcome.marks), key
            expected = [
                (
                    change.event.at_us,
                    int(change.event.data["grade"]),
                    int(change.before.state),
                    change.event.data.get("response"),
                    change.event.data.get("correct"),
                    change.event.data.get("duration_ms"),
                    state_to_json(change.before),
                    state_to_json(change.after),
                    change.event.id,
                )
                for change in outcome.changes
                if change.event.kind == "answer"
            ]
            rows = store.read(
                "SELECT reviewed_at, grade, state_before, response, correct, duration_ms,"
                " state_before_json, state_after_json, event_id FROM reviews"
                " WHERE card_key = ? ORDER BY id",
                (key,),
            )
            assert rows == expected, key


def test_events_of_a_deck_not_opened_here_wait_for_it(tmp_path: Path) -> None:
    with (
        open_store(tmp_path / "one.sqlite3") as one,
        Store.open(tmp_path / "two.sqlite3", now=NOW) as two,
    ):
        for store in (one, two):
            join(store, tmp_path / "sync", scope="all", now=NOW)
        first, second = Device(one), Device(two)
        first.answer("a", Grade.Good, NOW)
        first.sync(NOW)
        second.sync(NOW)  # the deck is not in this store yet
        assert two.read("SELECT * FROM reviews") == []
        two.reconcile_deck(
            "geo",
            title="Geo",
            path=None,
            content_hash=None,
            card_keys=KEYS,
            question_count=3,
            now=NOW,
        )
        second.sync(NOW)
        assert snapshot(two) == snapshot(one)


@dataclass
class Step:
    kind: str
    device: int
    key: str
    grade: Grade
    minutes: int


STEPS = st.lists(
    st.builds(
        Step,
        st.sampled_from(["answer", "answer", "undo", "act", "undo_action", "sync"]),
        st.integers(0, 2),
        st.sampled_from(KEYS),
        st.sampled_from(list(Grade)),
        st.integers(0, 2 * 24 * 60),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS, st.integers(2, 3), st.sampled_from(["suspend", "flag", "forget"]))
def test_any_interleaving_converges_to_one_replay_of_the_union(
    steps: list[Step], count: int, action: str
) -> None:
    with tempfile.TemporaryDirectory() as temp, ExitStack() as stack:
        root = Path(temp)
        devices = []
        for n in range(count):
            store = stack.enter_context(open_store(root / f"d{n}.sqlite3"))
            join(store, root / "sync", scope="all", now=NOW)
            devices.append(Device(store))
        now = NOW
        for step in steps:
            device = devices[step.device % count]
            if step.kind == "answer":
                device.answer(step.key, step.grade, now)
            elif step.kind == "undo":
                device.undo_answer()
            elif step.kind == "act":
                device.act(step.key, action, now)
            elif step.kind == "undo_action":
                device.undo_action()
            else:
                device.sync(now)
            now += timedelta(minutes=step.minutes)
        for device in devices + devices:
            device.sync(now)
        snapshots = [snapshot(device.store) for device in devices]
        assert all(shot == snapshots[0] for shot in snapshots)
        # Every event once, and the cards are the replay of the union of events.
        store = devices[0].store
        ids = [row[0] for row in store.read("SELECT id FROM sync_events")]
        assert len(ids) == len(set(ids))
        for key in KEYS:
            outcome = replayer(store)(store.card_sync_events("geo", key))
            card = store.card("geo", key)
            assert card is not None
            assert (card.state, card.marks) == (outcome.state, outcome.marks)


def test_the_event_files_are_json_lines_a_person_can_read(devices: list[Device]) -> None:
    laptop = devices[0]
    laptop.answer("a", Grade.Good, NOW)
    laptop.sync(NOW)
    setup = laptop.store.sync_setup()
    assert setup is not None
    (path,) = Path(setup.folders[0].folder, "devices", setup.device).iterdir()
    assert path.name == "events-2026-12.jsonl"
    sched, line = (json.loads(text) for text in path.read_text(encoding="utf-8").splitlines())
    record = line
    assert record["kind"] == "answer" and record["card"] == "a" and record["v"] == 1
    # The scheduler record is written once, before the first answer naming it.
    assert sched["kind"] == "sched" and record["data"]["sched"] == sched["data"]["id"]
    assert record["data"]["grade"] == 3 and sched["data"]["record"]["retention"] == 0.9
    with sqlite3.connect(laptop.store.path) as connection:
        (event_id,) = connection.execute("SELECT event_id FROM reviews").fetchone()
    assert event_id == record["id"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from(KEYS), st.sampled_from(list(Grade))),
        min_size=1,
        max_size=12,
    ),
    st.integers(-5 * 24 * 60, 5 * 24 * 60),
)
def test_devices_used_in_turn_keep_every_answer_as_given_whatever_their_clocks(
    turns: list[tuple[int, str, Grade]], skew_minutes: int
) -> None:
    """Syncing before and after each use, no answer is ever recomputed, even when one
    device's clock is days off: the clock orders events after what a device has seen."""
    with tempfile.TemporaryDirectory() as temp, ExitStack() as stack:
        root = Path(temp)
        devices = []
        for n in range(2):
            store = stack.enter_context(open_store(root / f"d{n}.sqlite3"))
            join(store, root / "sync", scope="all", now=NOW)
            devices.append(Device(store))
        skews = [timedelta(0), timedelta(minutes=skew_minutes)]
        given_states = []
        now = NOW
        for which, key, grade in turns:
            device, local = devices[which], now + skews[which]
            device.sync(local)
            device.answer(key, grade, local)
            given_states.append(device.store.card_state("geo", key))
            device.sync(local)
            now += timedelta(days=1)
        for which, device in enumerate(devices):
            device.sync(now + skews[which])
        for device in devices:
            kept = [
                row[0]
                for row in device.store.read(
                    "SELECT state_after_json FROM reviews ORDER BY reviewed_at, id"
                )
            ]
            assert len(kept) == len(given_states)
        assert snapshot(devices[0].store) == snapshot(devices[1].store)
        for key in KEYS:
            outcome = replayer(devices[0].store)(devices[0].store.card_sync_events("geo", key))
            assert outcome.conflicts == 0


def test_after_restoring_an_old_backup_the_folder_gives_the_newer_history_back(
    tmp_path: Path,
) -> None:
    """A restored backup forgets what was studied after it; the device's own file in the
    folder still has it: the next sync takes it back and numbers new events after it."""
    import shutil

    database = tmp_path / "laptop.sqlite3"
    with open_store(database) as store:
        join(store, tmp_path / "sync", scope="all", now=NOW)
        device = Device(store)
        device.answer("a", Grade.Good, NOW)
        device.sync(NOW)
        backup = store.backup_now("manual", now=NOW)
        device.answer("b", Grade.Good, NOW + timedelta(minutes=5))
        device.sync(NOW + timedelta(minutes=5))
        expected = snapshot(store)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, database)
    with Store.open(database, now=NOW) as restored:
        assert len(restored.read("SELECT * FROM reviews")) == 1
        device = Device(restored)
        device.sync(NOW + timedelta(minutes=10))
        assert snapshot(restored) == expected
        device.answer("c", Grade.Good, NOW + timedelta(minutes=15))
        device.sync(NOW + timedelta(minutes=15))
        ids = [row[0] for row in restored.read("SELECT id FROM sync_events WHERE kind != 'sched'")]
        assert len(ids) == len(set(ids)) == 3


def test_a_deleted_or_truncated_file_of_another_device_is_reported_and_nothing_is_lost(
    devices: list[Device],
) -> None:
    laptop, desktop, _ = devices
    laptop.answer("a", Grade.Good, NOW)
    laptop.answer("b", Grade.Good, NOW + timedelta(minutes=1))
    laptop.sync(NOW)
    desktop.sync(NOW)
    setup = laptop.store.sync_setup()
    assert setup is not None
    (path,) = Path(setup.folders[0].folder, "devices", setup.device).iterdir()
    whole = path.read_bytes()
    path.write_bytes(whole[: whole.index(b"\n") + 1])  # someone cut it to its first line
    reports = sync_all(desktop.store, now=NOW, sched_for=desktop.sched_for(NOW))
    assert any("shorter than when it was last read" in p for p in reports[0].problems)
    assert len(desktop.store.read("SELECT * FROM reviews")) == 2  # nothing dropped
    path.unlink()
    reports = sync_all(desktop.store, now=NOW, sched_for=desktop.sched_for(NOW))
    assert any("is gone" in p for p in reports[0].problems)
    assert len(desktop.store.read("SELECT * FROM reviews")) == 2
    reports = sync_all(laptop.store, now=NOW, sched_for=laptop.sched_for(NOW))
    assert any("this device's file" in p and "is gone" in p for p in reports[0].problems)
    assert len(laptop.store.read("SELECT * FROM reviews")) == 2


def test_a_session_sync_runs_beside_studying_and_never_raises(tmp_path: Path) -> None:
    """`sync_on_study`: the job syncs through its own connection and reports in lines; a
    store without sync says nothing, a folder that is gone is a line, not an error."""
    from quiz.core.sync.session import SyncJob

    database = tmp_path / "quiz.sqlite3"
    with open_store(database) as store:
        assert SyncJob(database, Settings(), delay=0).wait(10) == []
        join(store, tmp_path / "sync", scope="all", now=NOW)
        Device(store).answer("a", Grade.Good, NOW)
        lines = SyncJob(database, Settings(), delay=0).wait(10)
        assert lines == ["sync: wrote 1, read 0 events"]
        assert SyncJob(database, Settings(), delay=0).wait(10) == [], "nothing moved: no line"
        assert store.read("SELECT count(*) FROM sync_events WHERE kind = 'answer'") == [(1,)]
        (tmp_path / "sync" / "quiz-sync.json").unlink()
        (lines,) = [SyncJob(database, Settings(), delay=0).wait(10)]
        assert len(lines) == 1 and "not a quiz sync folder" in lines[0]


def test_a_long_history_goes_out_in_batches_and_an_interrupted_write_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch's progress is recorded, so a write that fails half way (a full disk, a
    killed process) leaves the folder with whole batches and the next sync writes the rest
    once; nothing is held in memory beyond a batch."""
    monkeypatch.setattr(engine, "EXPORT_BATCH", 4)
    laptop, desktop = (Device(open_store(tmp_path / f"{n}.sqlite3")) for n in ("l", "d"))
    folder = tmp_path / "sync"
    for number in range(11):
        laptop.answer(KEYS[number % 3], Grade.Good, NOW + timedelta(days=number))
    join(laptop.store, folder, scope="all", now=NOW)
    real_append = engine.append_events
    batches: list[int] = []

    def failing_third(root: Path, device: str, events: list[object]) -> list[Path]:
        batches.append(len(events))
        if len(batches) == 3:
            raise OSError(28, "No space left on device")
        return real_append(root, device, events)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "append_events", failing_third)
    later = NOW + timedelta(days=20)
    (report,) = sync_all(laptop.store, now=later, sched_for=laptop.sched_for(later))
    assert batches == [4, 4, 4] and "No space left" in report.problems[0]
    monkeypatch.setattr(engine, "append_events", real_append)
    (report,) = sync_all(laptop.store, now=later, sched_for=laptop.sched_for(later))
    assert report.problems == []
    lines = [
        json.loads(line)
        for path in sorted((folder / "devices").rglob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    ids = [line["id"] for line in lines]
    assert len(ids) == len(set(ids)), "no event written twice"
    assert sum(line["kind"] == "answer" for line in lines) == 11
    join(desktop.store, folder, scope="all", now=later)
    desktop.sync(later)
    assert snapshot(desktop.store)[:2] == snapshot(laptop.store)[:2]


def reference_own_events(store: Store, sched_for: engine.SchedFor) -> list[tuple[Any, ...]]:
    """The own events a sync makes, as `collect_own_events` made them before it streamed:
    every row without an event read whole, then one stable sort by (time, tie-break).
    (at, kind, deck, card, data, (table, row id)) each."""
    db, made, scheds = store._db, [], {}
    written = {
        json.loads(data)["id"]
        for (data,) in db.execute("SELECT data_json FROM sync_events WHERE kind = 'sched'")
    }
    for (
        review_id,
        deck,
        card,
        at,
        grade,
        response,
        correct,
        duration,
        before,
        after,
        until,
    ) in db.execute(
        "SELECT r.id, r.deck_id, r.card_key, r.reviewed_at, r.grade, r.response, r.correct,"
        " r.duration_ms, r.state_before_json, r.state_after_json, c.valid_until"
        " FROM reviews AS r JOIN cards AS c USING (deck_id, card_key)"
        " WHERE r.event_id IS NULL ORDER BY r.id"
    ).fetchall():
        if deck not in scheds:
            sched = sched_data(sched_for(deck))
            scheds[deck] = sched["id"]
            if sched["id"] not in written:
                written.add(sched["id"])
                made.append((at, -1, "sched", None, None, sched, (None, 0)))
        data = answer_data(
            grade=grade,
            before_json=before,
            after_json=after,
            sched=scheds[deck],
            duration_ms=duration or 0,
            until=until,
            response=response,
            correct=None if correct is None else bool(correct),
        )
        made.append((at, review_id, "answer", deck, card, data, ("reviews", review_id)))
    for row_id, deck, card, at, kind, value, before_json, after_json in db.execute(
        "SELECT id, deck_id, card_key, at, kind, value, before_json, after_json FROM card_events"
        " WHERE event_id IS NULL ORDER BY id"
    ).fetchall():
        data = sync_log._card_event_data(kind, value, before_json, after_json)
        kind = sync_log._CARD_EVENT_KINDS[kind]
        made.append((at, row_id, kind, deck, card, data, ("card_events", row_id)))
    for (attempt_id,) in db.execute(
        "SELECT id FROM attempts WHERE event_id IS NULL AND finished_at IS NOT NULL ORDER BY id"
    ).fetchall():
        at, data = sync_log._attempt_data(db, attempt_id)
        made.append((at, attempt_id, "attempt", None, None, data, ("attempts", attempt_id)))
    for event_id, deck, card in db.execute(
        "SELECT s.id, s.deck_id, s.card_key FROM sync_events AS s"
        " WHERE s.kind NOT IN ('undo', 'attempt', 'sched')"
        " AND NOT EXISTS (SELECT 1 FROM sync_events WHERE source = 'undo:' || s.id)"
        " AND (s.kind = 'answer' OR s.source IS NULL)"
        " AND NOT EXISTS (SELECT 1 FROM reviews WHERE event_id = s.id)"
        " AND NOT EXISTS (SELECT 1 FROM card_events WHERE event_id = s.id)"
    ).fetchall():
        made.append((to_us(NOW), 0, "undo", deck, card, {"undoes": event_id}, (None, 0)))
    made.sort(key=lambda item: (item[0], item[1]))
    return [(at, *rest) for at, _, *rest in made]


HISTORY = st.lists(
    st.tuples(
        st.sampled_from(["answer", "answer", "answer", "undo", "act", "undo_action", "attempt"]),
        st.sampled_from(["geo", "art"]),
        st.sampled_from(KEYS),
        st.sampled_from(list(Grade)),
        st.integers(-1, 1),  # minutes from NOW: ties, and rows out of time order
    ),
    max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HISTORY, st.sampled_from(["suspend", "flag", "forget"]), st.sampled_from([1, 2, 1000]))
@example([("answer", "geo", "a", Grade.Good, 0), ("act", "geo", "a", Grade.Good, 0)], "flag", 1)
def test_own_events_are_made_as_one_sort_of_the_whole_history_made_them(
    history: list[tuple[str, str, str, Grade, int]], action: str, page: int
) -> None:
    """Streaming own events a page at a time makes the events, seq numbers, stamps and
    row links that sorting every unsynced row at once made, on a mixed history (answers
    of two decks, card changes, attempts, undos of synced and unsynced rows; times that
    tie and that run against the row order), whatever the page size."""
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "one.sqlite3") as store:
        store.reconcile_deck(
            "art",
            title="Art",
            path=None,
            content_hash=None,
            card_keys=KEYS,
            question_count=len(KEYS),
            now=NOW,
        )
        join(store, Path(tmp) / "sync", scope="all", now=NOW)
        device = Device(store)
        sched_for = device.sched_for(NOW)
        with patch.object(sync_log, "_PAGE", page):
            for step, (kind, deck, key, grade, minutes) in enumerate(history):
                at = NOW + timedelta(minutes=minutes)
                if kind == "answer":
                    before = store.card_state(deck, key)
                    assert before is not None
                    # the scheduler's time runs on; the row's may go back
                    after, _ = Scheduler(tz=timezone.utc).review(
                        before, grade, NOW + timedelta(hours=step)
                    )
                    device.answers.append(
                        store.record_review(
                            deck,
                            key,
                            after=after,
                            grade=int(grade),
                            reviewed_at=at,
                            expect_before=before,
                        )
                    )
                elif kind == "undo":
                    device.undo_answer()
                elif kind == "act":
                    device.act(key, action, at)
                elif kind == "undo_action":
                    device.undo_action()
                else:
                    attempt = store.start_attempt(
                        deck, mode="quiz", started_at=at, questions=[(key, 1.0)]
                    )
                    store.finish_attempt(attempt, finished_at=at)
                if step % 7 == 6 or step == len(history) - 1:
                    setup = store.sync_setup()
                    assert setup is not None
                    expected = reference_own_events(store, sched_for)
                    made = store.collect_own_events(now=NOW, sched_for=sched_for)
                    events = store.own_events(setup.next_seq - 1)
                    assert made == len(events) == len(expected)
                    clock = setup.clock
                    for seq, (event, (at_us, kind_, deck_, card, data, link)) in enumerate(
                        zip(events, expected, strict=True), start=setup.next_seq
                    ):
                        assert (event.at_us, event.kind, event.deck, event.card) == (
                            at_us,
                            kind_,
                            deck_,
                            card,
                        )
                        assert event.data == json.loads(json.dumps(data))
                        assert (event.seq, event.stamp) == (seq, clock.stamp(at_us))
                        if link[0] is not None:
                            assert store.read(
                                f"SELECT event_id FROM {link[0]} WHERE id = ?", (link[1],)
                            ) == [(event.id,)]
