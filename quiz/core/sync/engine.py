"""One sync: this device's new events out to each folder, the other devices' in.

For each folder the device syncs through (`Store.sync_setup().folders`):

1. make events of what was studied since the last sync (`Store.collect_own_events`)
   and append the ones this folder lacks to this device's file there;
2. if the folder is a git work tree: commit those files, `git pull --rebase`;
3. read every other device's files from where the last sync stopped and import the new
   events (`Store.import_events`, which replays the cards they touch); a class folder
   (scope `attempts`) is written to only: a student's self-study stays private, and the
   teacher reads the attempts with `quiz results --from DIR`;
4. if git: `git push`.

Nothing here can lose local history: a folder that is missing or unreadable, a git
failure or a damaged file of another device becomes a problem in the report, and the
store is only ever added to.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from quiz.config import Settings
from quiz.core.card_state import CardState
from quiz.core.collector import collector_paused
from quiz.core.scheduling import fsrs_version
from quiz.core.storage import Store
from quiz.core.storage.sync_log import (
    EVENT_INDEXES,
    REVIEW_INDEXES,
    ImportResult,
    Progress,
    Replay,
    SyncFolderRecord,
)
from quiz.core.sync import git, pieces
from quiz.core.sync.answers import recompute_answer
from quiz.core.sync.events import Event
from quiz.core.sync.folder import (
    DEVICES,
    MARKER,
    SyncFolderError,
    append_events,
    check_folder,
    device_files,
    init_folder,
    iter_events,
    new_device_id,
    read_events,
)
from quiz.core.sync.replay import CardReplay, replay_card
from quiz.errors import QuizError

SchedFor = Callable[[str], Mapping[str, object]]
"""A deck id -> the record of the scheduler its answers are given with."""


class SyncError(QuizError):
    """Sync cannot run as asked (not set up, a database inside the folder)."""


@dataclass
class FolderReport:
    """What one folder's sync did."""

    folder: str
    scope: str
    written: int = 0
    moved: ImportResult = field(default_factory=ImportResult)
    """What came in from the other devices (its `problems` are in `problems`)."""
    problems: list[str] = field(default_factory=list)
    git: list[str] = field(default_factory=list)
    """What git did (committed, pulled, pushed), in order."""
    notes: list[str] = field(default_factory=list)


def replayer(store: Store, other_fsrs: set[str] | None = None) -> Replay:
    """A card's replay, answers recomputed with the scheduler records `store` holds (read
    once: call after the events naming them were added). `other_fsrs` collects the fsrs
    versions of recomputed answers' records that differ from this device's."""
    records = store.sched_records()
    here = fsrs_version()

    def recompute(event: Event, prior: CardState) -> CardState:
        if other_fsrs is not None:
            record = records.get(str(event.data.get("sched")), {})
            version = record.get("fsrs")  # absent: written before records named it
            if isinstance(version, str) and version != here:
                other_fsrs.add(version[:40])  # from another device's file: said, kept short
        return recompute_answer(event, prior, records)

    def replay(events: Sequence[Event], *, after_prefix: object = None) -> CardReplay:
        return replay_card(events, recompute, after_prefix=after_prefix)

    return replay


def other_fsrs_note(versions: set[str]) -> str:
    """What to say when answers given with another fsrs were recomputed here: the devices
    that each recompute such an offline conflict may not reach the same state."""
    return (
        f"answers given with fsrs {', '.join(sorted(versions))} were recomputed with this"
        f" device's fsrs {fsrs_version()}: a card answered on two devices while they were"
        " apart may be scheduled differently on each. Install the same quiz and fsrs"
        " versions on every device."
    )


def scheduler_records(store: Store, settings: Settings, now: datetime) -> SchedFor:
    """What each deck's answers are scheduled with now (its `[deck]` retention and exam
    over the settings), for the answer events a sync makes."""
    from quiz.core.models import DeckMeta
    from quiz.core.scheduling import Scheduler

    def record(deck_id: str) -> Mapping[str, object]:
        known = store.deck(deck_id)
        meta: DeckMeta | None = None
        if known is not None and known.meta_json not in ("", "{}"):
            try:
                meta = DeckMeta.model_validate_json(known.meta_json)
            except ValueError:
                meta = None  # written by another version: the settings alone
        return Scheduler.for_deck(settings, meta).record(now)

    return record


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or inside it (links resolved)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def refuse_database_inside(store: Store, folder: Path) -> None:
    """A database in a synced folder is copied without its WAL or forked by the sync tool:
    refuse to sync through a folder that holds this store's database."""
    if inside(store.path, folder):
        raise SyncError(
            f"the study database {store.path} is inside the sync folder {folder}: a sync tool"
            " would copy it half-written. Keep the database out of it (quiz --db PATH, or the"
            " default in your data folder) and sync through a folder of its own."
        )


def join(store: Store, folder: Path, *, scope: str, now: datetime) -> str:
    """`quiz sync init DIR`: make `folder` a sync folder (if new) and sync through it; this
    device's id. Its history goes out as events at the first sync."""
    folder = folder.expanduser().absolute()
    refuse_database_inside(store, folder)
    init_folder(folder)
    device = store.join_sync_folder(
        str(folder), scope=scope, device=new_device_id(socket.gethostname()), now=now
    )
    (folder / DEVICES / device).mkdir(parents=True, exist_ok=True)
    return device


def _quiet(_line: str) -> None:
    """The progress of a sync nobody watches."""


def sync_all(
    store: Store, *, now: datetime, sched_for: SchedFor, progress: Progress = _quiet
) -> list[FolderReport]:
    """Sync through every folder this device has joined (`progress` is told what a long
    one is doing)."""
    setup = store.sync_setup()
    if setup is None or not setup.folders:
        raise SyncError("sync is not set up on this device: run quiz sync init DIR")
    return [
        sync_folder(store, record, now=now, sched_for=sched_for, progress=progress)
        for record in setup.folders
    ]


def sync_folder(
    store: Store,
    record: SyncFolderRecord,
    *,
    now: datetime,
    sched_for: SchedFor,
    progress: Progress = _quiet,
) -> FolderReport:
    """Steps 1-4 of the module docstring for one folder."""
    root = Path(record.folder)
    report = FolderReport(record.folder, record.scope)
    try:
        refuse_database_inside(store, root)
        check_folder(root)
    except (SyncError, SyncFolderError) as error:
        report.problems.append(str(error))
        return report
    setup = store.sync_setup()
    assert setup is not None
    device = setup.device
    written_seq = _catch_up_own(store, root, device, record, report, now)
    store.collect_own_events(now=now, sched_for=sched_for, progress=progress)
    collected = store.sync_setup()
    assert collected is not None
    up_to = collected.next_seq - 1
    if not _write_own(store, root, device, record, written_seq, up_to, report, now, progress):
        return report
    use_git = git.is_work_tree(root)
    if use_git:
        _git_before(root, device, report)
    if record.scope == "all":
        # An import allocates millions of objects and no cycles: collections took ~8% of a
        # 1M-event sync. Only on the main thread (`quiz sync`): a sync beside a session
        # (`session.SyncJob`) leaves the collector as the app set it.
        alone = threading.current_thread() is threading.main_thread()
        with collector_paused(alone):
            _import(store, root, device, report, now, progress, bulk_allowed=alone)
    if use_git and not report.problems:
        _git_push(root, report)
    return report


EXPORT_BATCH = 20_000
"""Own events written to the folder at a time: a first sync of years of history neither holds
it all in memory (an event is ~2 KiB as objects) nor starts over if it is interrupted."""


def _write_own(
    store: Store,
    root: Path,
    device: str,
    record: SyncFolderRecord,
    written_seq: int,
    up_to: int,
    report: FolderReport,
    now: datetime,
    progress: Progress,
) -> bool:
    """Append this device's events past `written_seq` (up to `up_to`) to its files, a batch at
    a time, recording after each batch how far the folder holds them; False if it could not
    write (said in `report`)."""
    start = written_seq
    attempts_only = record.scope == "attempts"
    while True:
        batch = store.own_events(
            written_seq, up_to=up_to, limit=EXPORT_BATCH, attempts_only=attempts_only
        )
        if not batch:
            break
        try:
            files = append_events(root, device, batch)
        except OSError as error:
            report.problems.append(f"could not write to {root}: {error}")
            return False
        written_seq = batch[-1].seq
        store.set_written(record.folder, written_seq)
        store.set_file_offsets(
            {os.fspath(path): (device, path.stat().st_size) for path in files}, now=now
        )
        report.written += sum(event.kind != "sched" for event in batch)
        progress(f"writing events to the folder: {written_seq - start:,} of {up_to - start:,}")
    store.set_written(record.folder, up_to)  # past the events this folder does not take
    return True


def _catch_up_own(
    store: Store,
    root: Path,
    device: str,
    record: SyncFolderRecord,
    report: FolderReport,
    now: datetime,
) -> int:
    """Read this device's own files past what the store recorded writing. Normally there is
    nothing: after a backup was restored there are the events made since that backup, which
    come back (history is never lost) and the sequence goes on after them. Returns the
    sequence number this folder holds this device's events up to."""
    offsets = store.sync_file_offsets()
    taken_back, newest = 0, record.written_seq
    present = device_files(root).get(device, [])
    for path in present:
        key = os.fspath(path)
        for piece in iter_events(path, device, offsets.get(key, 0)):
            report.problems += piece.problems
            added = store.add_events(piece.events, offsets={key: (device, piece.offset)}, now=now)
            taken_back += added.imported
            report.problems += added.problems
            newest = max([newest, *(event.seq for event in piece.events)])
    own_folder = os.fspath(root / DEVICES / device) + os.sep
    reached = {os.fspath(path) for path in present}
    for key in offsets:
        if key.startswith(own_folder) and key not in reached:
            report.problems.append(
                f"this device's file {key} is gone from the folder; its events are still in"
                " this device's database"
            )
    if taken_back:
        report.problems += store.apply_waiting(replayer(store)).problems
        report.notes.append(
            f"took back {taken_back} events of this device from the folder (a backup was"
            " restored since they were made)"
        )
    return newest


def _git_before(root: Path, device: str, report: FolderReport) -> None:
    """Commit this device's files and pull the others' (problems reported, not raised)."""
    paths = [f"{DEVICES}/{device}", MARKER]
    if not _git_step(report, "committed", lambda: git.commit_device(root, paths, device)):
        return
    if git.has_upstream(root):
        _git_step(report, "pulled", lambda: git.pull(root))
    else:
        report.git.append("no remote to pull from or push to (git remote add, git push -u)")


def _git_push(root: Path, report: FolderReport) -> None:
    if git.has_upstream(root):
        _git_step(report, "pushed", lambda: git.push(root))


def _git_step(report: FolderReport, done: str, step: Callable[[], bool]) -> bool:
    """Run one git step, noting `done` when it did something; False (the problem noted)
    when it failed."""
    try:
        did = step()
    except git.GitProblem as error:
        report.problems.append(f"{error}; studying and the local history are not affected")
        return False
    if did:
        report.git.append(done)
    return True


def _import(
    store: Store,
    root: Path,
    device: str,
    report: FolderReport,
    now: datetime,
    progress: Progress,
    *,
    bulk_allowed: bool,
) -> None:
    """Read the other devices' files from their offsets, a piece at a time, take in what is
    new, then replay the cards it touched. A bulk import (`Store.bulk_import`: a first
    sync of a long history) builds the secondary indexes of the events and review rows
    after them; only where `bulk_allowed` (`quiz sync`: a sync beside a session leaves
    the indexes its screens read)."""
    offsets = store.sync_file_offsets()
    others = [
        (other, path)
        for other, files in device_files(root).items()
        if other != device
        for path in files
    ]
    unread = [_unread_bytes(path, offsets.get(os.fspath(path), 0)) for _, path in others]
    total = sum(unread)
    bulk = bulk_allowed and store.bulk_import(total)
    reading = _Reading(store, others, unread, report, now, progress)
    with store.indexes_deferred(REVIEW_INDEXES if bulk else ()):
        with store.indexes_deferred(EVENT_INDEXES if bulk else ()):
            if bulk and total >= pieces.PARALLEL_BYTES:
                try:
                    with pieces.worker_pool() as pool:
                        reading.read(offsets, pool)
                except (BrokenProcessPool, pieces.WorkersFailed):
                    # a worker could not start or died (killed, out of memory): read the
                    # rest here, from where the stored pieces reached
                    reading.read(store.sync_file_offsets(), None)
            else:
                reading.read(offsets, None)
            if bulk:
                progress("building the event indexes")
        other_fsrs: set[str] = set()
        applied = store.apply_waiting(replayer(store, other_fsrs), progress=progress)
        report.problems += applied.problems
        if bulk:
            progress("building the review indexes")
    if other_fsrs:
        report.notes.append(other_fsrs_note(other_fsrs))
    seen = {os.fspath(path) for _, path in others}
    for key in offsets:  # another device's files read before that are gone now
        mine = Path(key).parent.name == device
        if key.startswith(os.fspath(root) + os.sep) and key not in seen and not mine:
            report.problems.append(f"{key} is gone (deleted, or not synced yet)")
    report.moved.cards = applied.cards
    report.moved.conflicts = applied.conflicts
    report.moved.attempts = applied.attempts
    report.moved.waiting = applied.waiting


@dataclass
class _Reading:
    """Reading the other devices' files (`others`, with their `unread` bytes) into the
    store, a piece a transaction, its offsets with it."""

    store: Store
    others: list[tuple[str, Path]]
    unread: list[int]
    report: FolderReport
    now: datetime
    progress: Progress

    def read(self, offsets: Mapping[str, int], pool: ProcessPoolExecutor | None) -> None:
        """From `offsets` on, decoding in `pool`'s workers if given."""
        total, read_before = sum(self.unread), 0  # bytes of the files before this one
        for (other, path), left in zip(self.others, self.unread, strict=True):
            key = os.fspath(path)
            begin = offsets.get(key, 0)
            for piece in pieces.iter_rows(pool, path, other, begin):
                self.report.problems += piece.problems
                reached = {key: (other, piece.offset)}
                if piece.file is None:
                    added = self.store.add_rows(piece.rows, offsets=reached, now=self.now)
                else:
                    added = self.store.add_rows_file(piece.file, offsets=reached, now=self.now)
                self.report.moved.imported += added.imported
                self.report.moved.devices |= added.devices
                self.report.problems += added.problems
                here = piece.offset - begin if piece.offset >= begin else piece.offset
                share = (read_before + min(here, left)) / max(1, total)
                self.progress(f"reading the other devices' events: {share:.0%}")
            read_before += left


def _unread_bytes(path: Path, offset: int) -> int:
    """What is left to read of a file from `offset` (all of it when it got shorter: it is
    read again from its start)."""
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    return size if size < offset else size - offset


def load_attempts(store: Store, folder: Path, *, now: datetime) -> list[str]:
    """Fill `store` (a fresh one: `quiz results --from DIR`) with every attempt in the event
    files of `folder`'s devices, each student's device its own; the problems found."""
    check_folder(folder)
    problems: list[str] = []
    events: list[Event] = []
    for device, files in device_files(folder).items():
        for path in files:
            read = read_events(path, device)
            problems += read.problems
            events += [event for event in read.events if event.kind == "attempt"]
    for deck_id in sorted({str(event.data.get("deck_id")) for event in events}):
        store.reconcile_deck(
            deck_id,
            title=deck_id,
            path=None,
            content_hash=None,
            card_keys=[],
            question_count=0,
            now=now,
        )
    store.join_sync_folder(str(folder), scope="attempts", device="results-reader", now=now)
    problems += store.import_events(events, offsets={}, replay=replayer(store), now=now).problems
    return problems


def sync_lines(database: Path, settings: Settings) -> list[str]:
    """Sync through every folder this database has joined, in a short line each where events
    moved or something is wrong (for the start and end of a session: a sync with nothing to
    report says nothing); problems are lines too, never exceptions."""
    from quiz.errors import QuizError

    now = datetime.now(timezone.utc)
    try:
        with Store.open(database, now=now) as store:
            if store.sync_setup() is None:
                return []
            reports = sync_all(store, now=now, sched_for=scheduler_records(store, settings, now))
    except (QuizError, OSError, sqlite3.Error) as error:
        return [f"sync: not done ({error})"]
    lines = []
    for report in reports:
        if not (report.written or report.moved.imported or report.problems):
            continue
        line = f"sync: wrote {report.written}, read {report.moved.imported} events"
        if report.problems:
            line += f"; {report.problems[0]}"
        lines.append(line)
    return lines
