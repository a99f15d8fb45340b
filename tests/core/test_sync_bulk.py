"""A bulk import (a first sync of a long history) builds the secondary indexes of its event
and review rows after them (`Database.indexes_deferred`): the outcome is the one an import
keeping them up gives, the indexes are all back afterwards (and used), and a process killed
mid-import leaves them to the next open of the store, with no history lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import test_sync_stores
from test_sync_stores import KEYS, NOW, Device, open_store, snapshot

from quiz.core import stats
from quiz.core.scheduling import Grade
from quiz.core.storage import Store, sync_log
from quiz.core.storage.encoding import to_us
from quiz.core.sync.clock import Stamp
from quiz.core.sync.engine import join
from quiz.core.sync.events import Event
from quiz.errors import StoreError

LATER = NOW + timedelta(days=30)


def index_names(database: Path) -> set[str]:
    connection = sqlite3.connect(database)
    try:
        return {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
    finally:
        connection.close()


@pytest.fixture
def history(tmp_path: Path) -> Iterator[tuple[Device, Path]]:
    """A laptop with 3 cards answered 4 times each, its events in the folder `sync`."""
    folder = tmp_path / "sync"
    with open_store(tmp_path / "laptop.sqlite3") as store:
        laptop = Device(store)
        for day in range(4):
            for key in KEYS:
                laptop.answer(key, Grade.Good, NOW + timedelta(days=day * 7))
        join(store, folder, scope="all", now=NOW)
        laptop.sync(LATER)
        yield laptop, folder


def always_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any import is a bulk one: a byte an event, no fewest."""
    monkeypatch.setattr(sync_log, "BULK_EVENTS", 1)
    monkeypatch.setattr(sync_log, "_LINE_BYTES", 1)


def deferrals(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The names each `indexes_deferred` is asked to drop, from now on (filled as it goes)."""
    deferred: list[tuple[str, ...]] = []
    real = Store.indexes_deferred

    def spy(store: Store, names: tuple[str, ...]) -> Any:
        deferred.append(tuple(names))
        return real(store, names)

    monkeypatch.setattr(Store, "indexes_deferred", spy)
    return deferred


def test_a_bulk_import_ends_as_one_keeping_its_indexes_up(
    history: tuple[Device, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, folder = history
    missing_while_applying: list[set[str]] = []
    apply = Store.apply_waiting

    def spy(store: Store, *args: Any, **kwargs: Any) -> Any:
        missing_while_applying.append(expected - index_names(store.path))
        return apply(store, *args, **kwargs)

    expected = index_names(laptop.store.path)
    monkeypatch.setattr(Store, "apply_waiting", spy)
    with ExitStack() as stack:
        kept, bulk = (
            Device(stack.enter_context(open_store(tmp_path / f"{name}.sqlite3")))
            for name in ("kept", "bulk")
        )
        for device in (kept, bulk):
            join(device.store, folder, scope="all", now=LATER)
        kept.sync(LATER)
        always_bulk(monkeypatch)
        bulk.sync(LATER)
        assert missing_while_applying == [set(), set(sync_log.REVIEW_INDEXES)]
        assert snapshot(bulk.store) == snapshot(kept.store) == snapshot(laptop.store)
        assert index_names(bulk.store.path) == expected
        assert bulk.store.read("SELECT * FROM deferred_indexes") == []
        assert [f.kind for f in bulk.store.doctor(repair=False, now=LATER).findings] == []


def test_any_interleaving_converges_when_every_import_is_bulk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`test_sync_stores`' property test with each sync's import a bulk one: answers, undos,
    card changes and conflicts applied while the review indexes are dropped."""
    always_bulk(monkeypatch)
    deferred = deferrals(monkeypatch)
    test_sync_stores.test_any_interleaving_converges_to_one_replay_of_the_union()
    assert sync_log.REVIEW_INDEXES in deferred


def test_any_interleaving_converges_when_each_card_is_a_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same with a card a batch: the chains of each batch found and written apart."""
    apply = Store.apply_waiting
    monkeypatch.setattr(
        Store, "apply_waiting", lambda store, replay, **kw: apply(store, replay, **kw, batch=1)
    )
    test_sync_stores.test_any_interleaving_converges_to_one_replay_of_the_union()


def test_queries_use_the_rebuilt_indexes(
    history: tuple[Device, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, folder = history
    always_bulk(monkeypatch)
    with open_store(tmp_path / "desktop.sqlite3") as store:
        join(store, folder, scope="all", now=LATER)
        Device(store).sync(LATER)
        plans = {
            "reviews_time": "SELECT count(*) FROM reviews WHERE reviewed_at >= 0",
            "reviews_deck_time": "SELECT count(*) FROM reviews"
            " WHERE deck_id = 'geo' AND reviewed_at >= 0",
            "sync_events_card": "SELECT id FROM sync_events"
            " WHERE deck_id = 'geo' AND card_key = 'a'",
            "sync_events_device": "SELECT id FROM sync_events WHERE device = 'x' AND seq > 0",
            # every sync looks for attempts and scheduler records: not by reading every event
            "sync_events_attempt": "SELECT id FROM sync_events WHERE kind = 'attempt'",
            "sync_events_sched": "SELECT data_json FROM sync_events WHERE kind = 'sched'",
        }
        plans["sync_events_card"] += " ORDER BY wall_us, counter, device, seq"  # replay order
        for index, query in plans.items():
            connection = sqlite3.connect(store.path)
            rows = connection.execute(f"EXPLAIN QUERY PLAN {query}").fetchall()
            connection.close()
            plan = " ".join(str(row[-1]) for row in rows)
            assert index in plan and "TEMP B-TREE" not in plan, (index, plan)
        figures = stats.collect(store, None, now=LATER)  # names reviews_mature, _overruled
        assert figures.total_reviews == len(KEYS) * 4


def test_a_sync_beside_a_session_keeps_the_indexes(
    history: tuple[Device, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session's screens read the indexes (stats name some): its sync does not drop them."""
    _, folder = history
    always_bulk(monkeypatch)
    deferred = deferrals(monkeypatch)
    with open_store(tmp_path / "desktop.sqlite3") as store:
        join(store, folder, scope="all", now=LATER)
        thread = threading.Thread(target=Device(store).sync, args=(LATER,))
        thread.start()
        thread.join()
    assert deferred == [(), ()]


def test_a_query_naming_a_deferred_index_says_to_wait_for_the_sync(tmp_path: Path) -> None:
    """Another quiz open on the store during a bulk `quiz sync`: the statistics, which name
    `reviews_mature`, say why they cannot be read now (not "run quiz doctor --repair")."""
    database = tmp_path / "desktop.sqlite3"
    with open_store(database) as syncing, Store.open(database, now=NOW) as studying:
        with (
            syncing.indexes_deferred(sync_log.REVIEW_INDEXES),
            pytest.raises(StoreError, match="a sync is taking in a long history"),
        ):
            stats.collect(studying, None, now=NOW)
        assert stats.collect(studying, None, now=NOW).total_reviews == 0


def test_a_small_import_or_one_into_a_long_history_is_not_bulk(tmp_path: Path) -> None:
    with open_store(tmp_path / "desktop.sqlite3") as store:
        lines = sync_log._LINE_BYTES
        assert not store.bulk_import((sync_log.BULK_EVENTS - 1) * lines)
        assert store.bulk_import(sync_log.BULK_EVENTS * lines)
        connection = sqlite3.connect(store.path)
        with connection:  # as if it held that many reviews already
            connection.execute(
                "INSERT INTO reviews (id, deck_id, card_key, reviewed_at, grade, state_before)"
                " VALUES (?, 'geo', 'a', 0, 3, 0)",
                (sync_log.BULK_EVENTS * 2,),
            )
        connection.close()
        assert not store.bulk_import(sync_log.BULK_EVENTS * lines)


_KILLED_MID_IMPORT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from quiz.config import Settings
from quiz.core.storage import Store, sync_log
from quiz.core.storage.encoding import to_us
from quiz.core.sync.clock import Stamp
from quiz.core.sync import engine
from test_sync_stores import NOW

sync_log.BULK_EVENTS, sync_log._LINE_BYTES = 1, 1
apply, chains, calls = Store.apply_waiting, sync_log._write_chains, []
Store.apply_waiting = lambda store, replay, **options: apply(store, replay, **options, batch=1)

def chains_then_killed(*args):
    calls.append(1)
    if len(calls) == 2:  # the first card's batch is committed: killed in the second's
        os.kill(os.getpid(), signal.SIGKILL)
    return chains(*args)

sync_log._write_chains = chains_then_killed
store = Store.open({database!r}, now=NOW)
engine.sync_all(store, now=NOW, sched_for=engine.scheduler_records(store, Settings(), NOW))
"""


def test_an_import_killed_mid_way_leaves_its_indexes_to_the_next_open(
    history: tuple[Device, Path], tmp_path: Path
) -> None:
    laptop, folder = history
    database = tmp_path / "desktop.sqlite3"
    with open_store(database) as store:
        join(store, folder, scope="all", now=LATER)
    expected = index_names(laptop.store.path)
    script = _KILLED_MID_IMPORT.format(
        tests=os.fspath(Path(__file__).parent), database=os.fspath(database)
    )
    killed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert expected - index_names(database) == set(sync_log.REVIEW_INDEXES)
    connection = sqlite3.connect(database)
    try:
        (left,) = connection.execute("SELECT count(*) FROM deferred_indexes").fetchone()
        (applied,) = connection.execute("SELECT count(*) FROM reviews").fetchone()
    finally:
        connection.close()
    assert left == len(sync_log.REVIEW_INDEXES) and applied == 4, "one card's batch committed"
    with Store.open(database, now=LATER) as store:
        assert index_names(database) == expected
        assert store.read("SELECT * FROM deferred_indexes") == []
        desktop = Device(store)
        desktop.sync(LATER)  # the rest of the import
        laptop.sync(LATER)
        assert snapshot(store) == snapshot(laptop.store)
        assert [f.kind for f in store.doctor(repair=False, now=LATER).findings] == []


def test_events_stored_together_count_each_new_one_once(tmp_path: Path) -> None:
    """`add_events` stores a piece in one statement: events known already, an event twice
    in one piece and one with a state that is not one are each taken once or skipped."""
    other = "desk-00000001"

    def flag(seq: int, value: int = 1) -> Event:
        at = to_us(NOW) + seq
        return Event(other, seq, Stamp(at, 0, other), at, "flag", "geo", "a", {"flag": value})

    bad = Event(other, 9, Stamp(to_us(NOW), 0, other), to_us(NOW), "forget", "geo", "b", {})
    with open_store(tmp_path / "desktop.sqlite3") as store:
        join(store, tmp_path / "sync", scope="all", now=NOW)
        first = store.add_events([flag(1), flag(2)], offsets={}, now=NOW)
        assert (first.imported, first.problems) == (2, [])
        again = store.add_events([flag(2), flag(3), bad, flag(3, 2), flag(4)], offsets={}, now=NOW)
        assert (
            again.imported == 2
            and len(again.problems) == 1
            and "desk-00000001:9" in str(again.problems)
        )
        assert store.read("SELECT seq, data_json FROM sync_events WHERE device = ?", (other,)) == [
            (1, '{"flag":1}'),
            (2, '{"flag":1}'),
            (3, '{"flag":1}'),
            (4, '{"flag":1}'),
        ]
        assert store.read("SELECT * FROM sync_waiting") == [("geo", "a")]
        assert store.add_events([flag(1)], offsets={}, now=NOW).imported == 0


def test_a_bulk_import_says_when_it_builds_the_indexes(
    history: tuple[Device, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quiz.core.sync.engine import sync_all

    _, folder = history
    always_bulk(monkeypatch)
    told: list[str] = []
    with open_store(tmp_path / "desktop.sqlite3") as store:
        join(store, folder, scope="all", now=LATER)
        sync_all(store, now=LATER, sched_for=Device(store).sched_for(LATER), progress=told.append)
    steps = [line.partition(":")[0] for line in told]
    assert steps == [
        "reading the other devices' events",
        "building the event indexes",
        "updating cards",
        "building the review indexes",
    ]
