"""Reading a long history's event files on every core.

A first sync of years of history reads a million lines or more, and turning each into the
row it is stored as (parse, check, write its states as text) is most of the time: ~10 µs
of Python a line. For such an import the lines are decoded in worker processes, a byte
range of a file each, while this process stores the rows of the ranges before. A worker
hands its rows over in a SQLite file of the moment, which the store copies in one
statement (`Store.add_rows_file`): sending them back as Python objects cost this process
as much as storing them. Ranges are sent in file order, a few ahead, and taken back in
order, so what is stored, the offsets reached and the problems said are those of reading
on one core (`folder.iter_events` then `Store.add_events`).
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import tempfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from quiz.core.storage.sync_log import EventRow, imported_row, write_rows_file
from quiz.core.sync.folder import decode_lines, open_at

PARALLEL_BYTES = 32 << 20
"""Unread bytes (about 60,000 events) from which starting worker processes (~0.3 s each,
on other cores) pays."""
RANGE_BYTES = 4 << 20
"""Bytes of a file a worker decodes at a time (about 8,000 events)."""


@dataclass
class RowsRead:
    """What one range of an event file brought: its events as rows (or the file a worker
    stored them in), where to go on next time, and what was wrong."""

    rows: list[EventRow]
    offset: int
    problems: list[str] = field(default_factory=list)
    restarted: bool = False
    file: Path | None = None
    """The SQLite file holding the rows instead (`sync_log.write_rows_file`)."""


class WorkersFailed(RuntimeError):
    """A worker could not hand its rows over (its temporary file): read here instead."""


@contextmanager
def worker_pool() -> Iterator[ProcessPoolExecutor | None]:
    """Processes to decode with, one a core; None on a single core (nothing to gain) or
    where processes cannot be made. Spawned, not forked: this process holds a database
    connection and may hold threads."""
    try:
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(_workers(), mp_context=context) if _workers() > 1 else None
    except (OSError, NotImplementedError):  # no semaphores here (a container without shm)
        pool = None
    if pool is None:
        yield None
        return
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _workers() -> int:
    """One a core, at most 4 (storing in this process bounds what more would bring)."""
    return min(os.cpu_count() or 1, 4)


_Decoded = tuple[list[EventRow], list[str], int, bool]
"""`decode_range`'s rows (none if stored in a file), problems, bytes taken, whether stopped."""


def iter_rows(
    pool: ProcessPoolExecutor | None, path: Path, device: str, offset: int = 0
) -> Iterator[RowsRead]:
    """`folder.iter_events` of `device`'s file `path` from `offset`, made rows (by `pool`'s
    workers if given, each piece's in a file of its own, else here): a piece a range of
    `RANGE_BYTES`, in file order. A piece's file is gone once the next piece is asked for."""
    opened = open_at(path, offset)
    piece = RowsRead([], opened.offset, opened.problems, opened.restarted)
    if opened.handle is None:
        yield piece
        return
    handing_over = tempfile.TemporaryDirectory(prefix="quiz-sync-") if pool else nullcontext("")
    with opened.handle, handing_over as folder:
        size = os.fstat(opened.handle.fileno()).st_size
        ranges = _ranges(opened.handle, opened.offset, size)
        ahead = 2 * _workers() if pool is not None else 1  # each worker has the next queued
        pending: deque[tuple[Future[_Decoded], Path | None]] = deque()

        def send_ahead() -> None:
            while len(pending) < ahead and (span := next(ranges, None)) is not None:
                into = None if pool is None else Path(folder, f"rows-{span[0]}.sqlite3")
                pending.append((_submit(pool, os.fspath(path), device, *span, into), into))

        send_ahead()
        while pending:
            future, into = pending.popleft()
            try:
                rows, problems, taken, stopped = future.result()
            except (OSError, sqlite3.Error) as error:
                raise WorkersFailed(f"a worker could not hand its rows over: {error}") from error
            piece.rows, piece.file, piece.offset = rows, into, piece.offset + taken
            piece.problems += problems
            send_ahead()
            if stopped or not pending:
                break  # (the last piece: below)
            yield piece
            if into is not None:
                into.unlink()
            piece = RowsRead([], piece.offset)
        for future, _ in pending:
            future.cancel()  # past a newer line or a bad last one: not read this time
        yield piece


def _submit(
    pool: ProcessPoolExecutor | None,
    path: str,
    device: str,
    start: int,
    end: int,
    final: bool,
    into: Path | None,
) -> Future[_Decoded]:
    if pool is not None:
        return pool.submit(decode_range, path, device, start, end, final, into)
    done: Future[_Decoded] = Future()
    done.set_result(decode_range(path, device, start, end, final, into))
    return done


def _ranges(handle: BinaryIO, start: int, size: int) -> Iterator[tuple[int, int, bool]]:
    """(start, end, whether it ends the file) of consecutive ranges of about `RANGE_BYTES`
    from `start` to `size`, each ending just after a newline but the last."""
    while start < size:
        handle.seek(min(start + RANGE_BYTES, size))
        end = min(handle.tell() + len(handle.readline()), size)
        yield start, end, end == size
        start = end


def decode_range(
    path: str, device: str, start: int, end: int, final: bool, into: Path | None = None
) -> _Decoded:
    """In a worker: the rows of the events of bytes `start` to `end` of `device`'s file
    (stored in the SQLite file `into` if given, and none returned), its problems, the
    bytes taken (to the last complete line) and whether reading stops there
    (`folder.LinesRead`); a last part without its newline is torn: left."""
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    lines = data.split(b"\n")
    torn = lines.pop()
    last = len(lines) - 1 if final and not torn else -1
    numbered = ((line, n == last) for n, line in enumerate(lines))
    read = decode_lines(numbered, Path(path), device, imported_row)
    if into is None:
        return read.items, read.problems, read.taken, read.stopped
    write_rows_file(into, read.items)
    return [], read.problems, read.taken, read.stopped
