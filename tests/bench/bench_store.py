"""Benchmark the cost of a durable answer: `synchronous=FULL` (the default) against `NORMAL`.

    python tests/bench/bench_store.py [--cards 10000] [--answers 400] [--folder tests/bench/out]

One answer is what the study loop does per card at the storage level: fetch the
most overdue card (`due_cards(limit=1)`), then `record_review` (card update + log
row, one `BEGIN IMMEDIATE` transaction, committed). FULL fsyncs the WAL at every
commit, so a confirmed answer survives a power cut; NORMAL only at checkpoints, so
it survives a crash of quiz but may lose the last answers on power loss.

The scheduling arithmetic is a stand-in (not FSRS): this isolates the store. The
database lives in `--folder` (default `tests/bench/out/`, on the project's disk: a tmpfs
would make fsync free and the comparison meaningless). Times are medians and 95th
percentiles, in milliseconds; the two modes alternate in rounds so disk noise hits both.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from quiz.core.card_state import CardState, Phase
from quiz.core.storage import Store, Synchronous, to_us

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DECK = "bench"


def build(path: Path, cards: int) -> None:
    """A database with `cards` review cards, all overdue by up to 30 days."""
    with Store.open(path, now=NOW) as store:
        store.reconcile_deck(
            DECK,
            title="Bench",
            path=None,
            content_hash=None,
            card_keys=[f"q{n}" for n in range(cards)],
            question_count=cards,
            now=NOW,
        )
    connection = sqlite3.connect(path)
    connection.execute(
        "UPDATE cards SET state = 2, stability = 10.0, difficulty = 5.0, reps = 3,"
        " last_review = ?, due = ? - (abs(random()) % ?)",
        (to_us(NOW - timedelta(days=40)), to_us(NOW), 30 * 86_400_000_000),
    )
    connection.commit()
    connection.close()


def answer_loop(path: Path, synchronous: Synchronous, answers: int) -> list[float]:
    """Seconds per (next due card + durable answer), one sample per answer."""
    samples = []
    with Store.open(path, now=NOW, synchronous=synchronous) as store:
        for n in range(answers):
            moment = NOW + timedelta(seconds=n)
            started = time.perf_counter()
            card = store.due_cards([DECK], until=NOW, limit=1)[0]
            before = card.state
            after = CardState(
                state=Phase.REVIEW,
                stability=(before.stability or 1.0) * 2.5,
                difficulty=before.difficulty,
                due=moment + timedelta(days=20),
                last_review=moment,
                reps=before.reps + 1,
                lapses=before.lapses,
            )
            store.record_review(
                DECK,
                card.card_key,
                after=after,
                grade=3,
                reviewed_at=moment,
                correct=True,
                duration_ms=3000,
                expect_before=before,
            )
            samples.append(time.perf_counter() - started)
    return samples


def fsync_ms(folder: Path, samples: int = 200) -> float:
    """Median cost of one 4 KiB write + fsync in `folder`: the floor under a FULL commit.

    Printed with the results because on a shared virtual disk it swings by an order
    of magnitude from one minute to the next (0.2 to 4 ms measured on the same VM).
    """
    probe = folder / "fsync.probe"
    descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    times = []
    try:
        for _ in range(samples):
            os.write(descriptor, b"x" * 4096)
            started = time.perf_counter()
            os.fsync(descriptor)
            times.append(time.perf_counter() - started)
    finally:
        os.close(descriptor)
        probe.unlink()
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=400, help="answers per mode and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path(__file__).parent / "out")
    options = parser.parse_args()
    options.folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[float]] = {"FULL": [], "NORMAL": []}
    with tempfile.TemporaryDirectory(dir=options.folder) as scratch:
        for mode in results:
            build(Path(scratch) / f"{mode}.sqlite3", options.cards)
        for _ in range(options.rounds):
            for mode in results:
                path = Path(scratch) / f"{mode}.sqlite3"
                results[mode] += answer_loop(path, mode, options.answers)  # type: ignore[arg-type]
    print(f"{options.cards} cards, {options.answers * options.rounds} answers per mode")
    print(f"raw fsync here: {fsync_ms(options.folder):.3f} ms (median)")
    print(f"{'mode':<8}{'median ms':>12}{'p95 ms':>10}")
    medians = {}
    for mode, samples in results.items():
        medians[mode] = statistics.median(samples) * 1000
        p95 = statistics.quantiles(samples, n=20)[-1] * 1000
        print(f"{mode:<8}{medians[mode]:>12.3f}{p95:>10.3f}")
    print(f"FULL / NORMAL: {medians['FULL'] / medians['NORMAL']:.1f}x")


if __name__ == "__main__":
    main()
