"""What sync costs: importing another device's events, and replaying a long history.

    python tests/bench/bench_sync.py                       # 10k import, then 1M history
    python tests/bench/bench_sync.py --only import --rounds 7
    python tests/bench/bench_sync.py --only history --cards 100000 --per-card 10

Writes a sync folder under `tests/bench/out/sync-*` whose "desktop" device answered cards
in chains of `--per-card` answers each (valid states, stamps in order), one answer in a
hundred given offline on a second device on the same prior state (so replay recomputes
it with the scheduler: the worst case a real history has). Then, each in a fresh process
so figures do not share a heap:

- **import**: a store that holds the cards and has joined the folder runs one sync of
  10,000 new events (read the file, take the events in, replay the 1,000 cards they
  touch, write states and review rows). Target (issue 16): under 1 s.
- **history**: a fresh store with 100,000 cards joins a folder holding a 1,000,000-event
  history and syncs: every card replayed from its events. Targets: under 30 s and
  500 MiB peak RSS (VmHWM).

Medians of `--rounds` runs (wall and CPU), and the peak RSS of each process.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
DESKTOP, LAPTOP = "desktop-00000001", "laptop-00000002"


def _state(reps: int, at: datetime) -> dict[str, object]:
    """A plausible review state after `reps` answers at `at` (valid for `checked_state`)."""
    from quiz.core.storage.encoding import to_us

    return {
        "state": 2,
        "step": None,
        "stability": 2.0 * reps,
        "difficulty": 5.0,
        "due": to_us(at + timedelta(days=2 * reps)),
        "last_review": to_us(at),
        "reps": reps,
        "lapses": 0,
    }


def write_history(folder: Path, cards: int, per_card: int) -> None:
    """The sync folder: one device's chains of answers, 1 in 100 doubled offline."""
    from quiz.core.scheduling import Scheduler
    from quiz.core.storage.encoding import to_us
    from quiz.core.sync.clock import Stamp
    from quiz.core.sync.events import Event, answer_data, encode_line, sched_data
    from quiz.core.sync.folder import init_folder

    if folder.exists():
        shutil.rmtree(folder)
    init_folder(folder)
    sched = sched_data(Scheduler(tz=timezone.utc).record(NOW))
    new = {
        "state": 0,
        "step": None,
        "stability": None,
        "difficulty": None,
        "due": None,
        "last_review": None,
        "reps": 0,
        "lapses": 0,
    }
    paths = {}
    for device in (DESKTOP, LAPTOP):
        (folder / "devices" / device).mkdir(parents=True)
        paths[device] = (folder / "devices" / device / "events-2026-12.jsonl").open("w")
    seqs = {DESKTOP: 1, LAPTOP: 1}
    wall = to_us(NOW)
    for device in (DESKTOP, LAPTOP):  # the scheduler record the answers name, first
        stamp = Stamp(wall, 0, device)
        paths[device].write(encode_line(Event(device, 1, stamp, wall, "sched", data=sched)))
    for card in range(cards):
        before: dict[str, object] = new
        for rep in range(1, per_card + 1):
            at = NOW + timedelta(minutes=card % 1000, days=rep)
            after = _state(rep, at)
            wall += 1
            for device in (DESKTOP, LAPTOP) if (card * per_card + rep) % 100 == 0 else (DESKTOP,):
                seqs[device] += 1
                data = answer_data(
                    grade=3,
                    before_json=json.dumps(before),
                    after_json=json.dumps(after),
                    sched=sched["id"],
                )
                stamp = Stamp(wall, 0 if device == DESKTOP else 1, device)
                event = Event(
                    device, seqs[device], stamp, to_us(at), "answer", "bench", f"card-{card}", data
                )
                paths[device].write(encode_line(event))
            before = after
    for handle in paths.values():
        handle.close()


def make_store(database: Path, cards: int) -> None:
    from quiz.core.storage import Store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    with Store.open(database, now=NOW) as store:
        store.reconcile_deck(
            "bench",
            title="Bench",
            path=None,
            content_hash=None,
            card_keys=[f"card-{n}" for n in range(cards)],
            question_count=cards,
            now=NOW,
        )


def run_sync(database: Path, folder: Path) -> None:
    """One process: join the folder and sync; prints wall, CPU and peak RSS as JSON."""
    from quiz.config import Settings
    from quiz.core.storage import Store
    from quiz.core.sync import pieces
    from quiz.core.sync.engine import join, scheduler_records, sync_all

    process_started = time.perf_counter()
    import quiz.core.models
    import quiz.core.scheduling

    del quiz  # loaded only to time them apart: the modules a sync needs (~0.4 s)
    imports = time.perf_counter() - process_started
    pools, real_pool = [], pieces.worker_pool

    @contextmanager
    def counted() -> Iterator[object]:
        with real_pool() as pool:
            pools.append(pool)
            yield pool

    pieces.worker_pool = counted  # type: ignore[assignment]
    with Store.open(database, now=NOW) as store:
        join(store, folder, scope="all", now=NOW)
        started, cpu = time.perf_counter(), time.process_time()
        reports = sync_all(store, now=NOW, sched_for=scheduler_records(store, Settings(), NOW))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the decoding workers of a long history (`sync.pieces`), ended and waited for by now
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = pieces._workers() if pools else 0  # else read in this process
    report = reports[0]
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "imports": imports,
                "peak_mib": peak,
                "worker_mib": worker if workers else 0.0,
                "tree_mib": peak + workers * worker,
                "imported": report.moved.imported,
                "cards": report.moved.cards,
                "conflicts": report.moved.conflicts,
                "problems": report.problems[:3],
            }
        )
    )


def measure(name: str, cards: int, per_card: int, rounds: int) -> dict[str, float]:
    # The folder outside the project's git work tree: there it would be a git sync folder.
    folder = Path(tempfile.gettempdir()) / f"quiz-bench-sync-{name}"
    database = OUT / f"sync-{name}.sqlite3"
    write_history(folder, cards, per_card)
    runs = []
    for _ in range(rounds):
        make_store(database, cards)
        shutil.rmtree(database.parent / "backups", ignore_errors=True)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(database), str(folder)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    first = runs[0]
    walls = ", ".join(f"{run['wall']:.2f}" for run in runs)
    summary = {
        key: statistics.median(run[key] for run in runs)
        for key in ("wall", "cpu", "imports", "peak_mib", "worker_mib", "tree_mib")
    }
    print(
        f"{name}: {first['imported']:,} events, {first['cards']:,} cards replayed,"
        f" {first['conflicts']:,} recomputed; median of {rounds}: wall {summary['wall']:.2f} s"
        f" (runs {walls}), CPU {summary['cpu']:.2f} s,"
        f" peak RSS {summary['peak_mib']:.0f} MiB, of each decoding worker"
        f" {summary['worker_mib']:.0f} MiB, all together at most {summary['tree_mib']:.0f} MiB"
        f" (imports before: {summary['imports']:.2f} s);"
        f" problems {first['problems']}"
    )
    return summary


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        run_sync(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("import", "history"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--per-card", type=int, default=10)
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    failed = False
    if options.only in (None, "import"):
        figures = measure("import", 1_000, 10, options.rounds)
        failed |= figures["wall"] >= 1.0
    if options.only in (None, "history"):
        figures = measure("history", options.cards, options.per_card, max(1, options.rounds // 2))
        failed |= figures["wall"] >= 30.0 or figures["peak_mib"] >= 500
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
