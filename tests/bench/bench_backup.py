"""What checking a backup costs at 100k cards and 1M reviews, to choose the check.

    python tests/bench/bench_backup.py [--cards N] [--reviews N] [--rounds N]

Builds a study database with `bench_study.generate_quiz`, then times, each as the median of
`--rounds` runs: a backup (SQLite's online backup API into a new file, as
`quiz.core.backup.write_backup` makes one), `PRAGMA quick_check` and `PRAGMA
integrity_check` on that copy, and the whole `write_backup` (copy, check, rename, prune).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from bench_study import generate_quiz

from quiz.core.backup import write_backup

OUT = Path(__file__).resolve().parent / "out"


def median_ms(action: object, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return 1000 * statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    database = OUT / "backup-bench.sqlite3"
    generate_quiz(database, options.cards, options.reviews)
    copy = OUT / "backup-bench-copy.sqlite3"
    source = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)

    def backup() -> None:
        copy.unlink(missing_ok=True)
        target = sqlite3.connect(copy)
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        target.close()

    def check(pragma: str) -> None:
        reader = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
        reader.execute(f"PRAGMA {pragma}").fetchall()
        reader.close()

    def whole() -> None:
        write_backup(source, database, "bench", datetime.now(timezone.utc))

    size = database.stat().st_size / 2**20
    print(f"{options.cards:,} cards, {options.reviews:,} reviews: {size:.0f} MiB")
    print(f"backup copy       {median_ms(backup, options.rounds):8.0f} ms")
    print(f"quick_check       {median_ms(lambda: check('quick_check'), options.rounds):8.0f} ms")
    print(f"integrity_check   {median_ms(lambda: check('integrity_check'), 3):8.0f} ms")
    print(f"write_backup      {median_ms(whole, options.rounds):8.0f} ms (copy, check, rename)")
    source.close()


if __name__ == "__main__":
    main()
