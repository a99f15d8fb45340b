"""A long history's files decoded in worker processes (`sync.pieces`): what is stored, the
offsets reached and the problems said are those of reading on one core, wherever the
ranges fall, and a pool that breaks hands the rest to this process."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sync_bulk import LATER, always_bulk
from test_sync_hostile import AFTER, CASES, OTHER, SCHED
from test_sync_stores import KEYS, NOW, Device, open_store, snapshot

from quiz.config import Settings
from quiz.core.scheduling import Grade
from quiz.core.storage import sync_log
from quiz.core.sync import pieces
from quiz.core.sync.engine import join, scheduler_records, sync_all
from quiz.core.sync.folder import init_folder


def write_folder(folder: Path) -> None:
    """Another device's history: its answers, then every line of the hostile corpus but
    the newer ones (which stop a file), and a torn last line."""
    init_folder(folder)
    with open_store(folder.parent / "writer.sqlite3") as store:
        writer = Device(store)
        join(store, folder, scope="all", now=NOW)
        for day in range(3):
            for key in KEYS:
                writer.answer(key, Grade.Good, NOW + timedelta(days=day))
        writer.sync(LATER)
    lines = [SCHED.encode(), *(c.line for c in CASES if c.expect != "newer"), AFTER.encode()]
    path = folder / "devices" / OTHER / "events-2026-12.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(line + b"\n" for line in lines) + b'{"v":1,"id":"oth')


Synced = tuple[tuple[object, ...], list[str], dict[str, int]]
"""A store's cards, reviews and events; the problems a sync said; its file offsets."""


def sync_once(database: Path, folder: Path) -> Synced:
    """A fresh store joins `folder` and syncs: its state, the problems said, the offsets."""
    with open_store(database) as store:
        join(store, folder, scope="all", now=LATER)
        (report,) = sync_all(
            store, now=LATER, sched_for=scheduler_records(store, Settings(), LATER)
        )
        return snapshot(store), report.problems, store.sync_file_offsets()


@pytest.fixture
def one_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Synced]:
    """The folder (`write_folder`) and what a store syncing it on one core holds; after
    it, any import is a bulk one read by workers (where a pool can be made)."""
    folder = tmp_path / "sync"
    write_folder(folder)
    serial = sync_once(tmp_path / "serial.sqlite3", folder)
    always_bulk(monkeypatch)
    monkeypatch.setattr(pieces, "PARALLEL_BYTES", 1)
    return folder, serial


def assert_same(got: Synced, expected: Synced, folder: Path) -> None:
    """The same cards, reviews and events, offsets, and problems (in the same order)."""
    assert got[0] == expected[0] and got[2] == expected[2]
    assert [p.replace(str(folder), "DIR") for p in got[1]] == [
        p.replace(str(folder), "DIR") for p in expected[1]
    ]


@pytest.mark.parametrize("range_bytes", [1, 700, 5000, 1 << 20])
def test_workers_store_what_one_core_stores(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    range_bytes: int,
    one_core: tuple[Path, Synced],
) -> None:
    folder, serial = one_core
    monkeypatch.setattr(pieces, "RANGE_BYTES", range_bytes)
    started: list[object] = []
    real_pool = pieces.worker_pool

    @contextmanager
    def counted() -> Iterator[Any]:
        with real_pool() as pool:
            started.append(pool)
            yield pool

    monkeypatch.setattr(pieces, "worker_pool", counted)
    parallel = sync_once(tmp_path / "parallel.sqlite3", folder)
    assert started and started[0] is not None  # the workers did run (2 cores or more)
    assert_same(parallel, serial, folder)
    assert any("skipped" in problem for problem in parallel[1])


class BreaksAfterOne:
    """A pool whose first range is decoded here, and then fails with `error`."""

    def __init__(self, error: Exception) -> None:
        self.submitted, self.error = 0, error

    def submit(self, function: Any, *args: Any) -> Future[Any]:
        self.submitted += 1
        future: Future[Any] = Future()
        if self.submitted == 1:
            future.set_result(function(*args))
        else:
            future.set_exception(self.error)
        return future


@pytest.mark.parametrize(
    "error",
    [BrokenProcessPool("a worker died"), OSError(28, "No space left on device")],
    ids=["worker died", "disk full"],
)
def test_a_pool_that_breaks_leaves_the_rest_to_this_process(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    one_core: tuple[Path, Synced],
) -> None:
    folder, serial = one_core
    monkeypatch.setattr(pieces, "RANGE_BYTES", 2000)
    broken = BreaksAfterOne(error)

    @contextmanager
    def breaking() -> Iterator[Any]:
        yield broken

    monkeypatch.setattr(pieces, "worker_pool", breaking)
    fallen_back = sync_once(tmp_path / "fallen.sqlite3", folder)
    assert broken.submitted > 1
    assert_same(fallen_back, serial, folder)


def test_a_file_that_is_gone_or_shorter_is_said_as_on_one_core(tmp_path: Path) -> None:
    """`iter_rows` opens a file as `iter_events` does (gone; shorter than its offset)."""
    path = tmp_path / "events-2026-12.jsonl"
    path.write_bytes(SCHED.encode() + b"\n")
    with pieces.worker_pool() as pool:
        assert pool is not None
        (gone,) = pieces.iter_rows(pool, tmp_path / "nothing.jsonl", OTHER, 0)
        for again in pieces.iter_rows(pool, path, OTHER, 10_000):
            assert again.file is not None  # handed over in a file, there while the piece is
            with closing(sqlite3.connect(again.file)) as handed:
                assert handed.execute("SELECT id, kind FROM rows").fetchall() == [
                    (f"{OTHER}:1", "sched")
                ]
    assert "is gone" in gone.problems[0] and gone.rows == [] and gone.file is None
    assert again.restarted and "shorter" in again.problems[0] and again.rows == []
    assert again.offset == len(SCHED) + 1 and not again.file.exists()


def test_every_range_ends_after_a_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.jsonl"
    data = b"".join(b"x" * n + b"\n" for n in range(0, 300, 7)) + b"torn"
    path.write_bytes(data)
    monkeypatch.setattr(pieces, "RANGE_BYTES", 50)
    with path.open("rb") as handle:
        spans = list(pieces._ranges(handle, 0, len(data)))
    assert spans[0][0] == 0 and spans[-1][1:] == (len(data), True)
    for (_, end, final), (start, _, _) in itertools.pairwise(spans):
        assert end == start and data[end - 1 : end] == b"\n" and not final


answer_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),  # lone surrogates, quotes, controls: json's escaping
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=300)
@given(
    st.fixed_dictionaries(
        {
            key: answer_values
            for key in ("grade", "duration_ms", "correct", "response", "sched", "until")
        },
        optional={"extra": answer_values},
    )
)
def test_an_answers_data_is_stored_as_json_writes_it(data: dict[str, object]) -> None:
    """The hand-written text of an answer's data is `json`'s, where it is used at all."""
    written = sync_log._answer_json({**data, "before": {}, "after": {}})
    assert written is None or written == sync_log._encode_data(data)
    plain = all(
        (
            type(data["grade"]) is int,
            data["duration_ms"] is None or type(data["duration_ms"]) is int,
            data["correct"] is None or isinstance(data["correct"], bool),
            data["response"] is None or isinstance(data["response"], str),
            isinstance(data["sched"], str),
            data["until"] is None or isinstance(data["until"], str),
            "extra" not in data,
        )
    )
    assert (written is not None) == plain


def test_where_no_process_can_be_made_the_history_is_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_core: tuple[Path, Synced]
) -> None:
    """A container without shared memory cannot make a pool's semaphores: read here."""
    folder, serial = one_core

    def no_semaphores(method: str) -> Any:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(pieces.multiprocessing, "get_context", no_semaphores)
    with pieces.worker_pool() as pool:
        assert pool is None
    assert_same(sync_once(tmp_path / "alone.sqlite3", folder), serial, folder)
