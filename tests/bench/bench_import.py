"""Importing a GIFT question bank stays linear: a 1 MB file under 1 s (issue "Nothing a user
feeds quiz ends in a traceback": a 13 MB file took 58 s, in tomlkit's array of tables).

    python tests/bench/bench_import.py [--megabytes 1 4 9.5] [--rounds 5]

Writes generated GIFT files to tests/bench/out/ and prints, per size, the median time to
parse (`import_gift`) and to write the deck (`deck_to_toml`), in this process.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from quiz.core.interchange.gift_parse import import_gift
from quiz.core.interchange.toml_writer import deck_to_toml

OUT = Path(__file__).resolve().parent / "out"


def gift_text(size: int) -> str:
    """Choice questions with a comment each, about `size` bytes."""
    parts: list[str] = []
    total = 0
    number = 0
    while total < size:
        part = (
            f"// question {number}\n"
            f"::Q{number}:: Which city is the capital of country number {number}?"
            " {=Paris ~Lyon ~Nice ~Lille}\n"
        )
        parts.append(part)
        total += len(part) + 1
        number += 1
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, nargs="+", default=[1.0, 4.0, 9.5])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print("| GIFT file | questions | parse (median) | write (median) | total |")
    print("| --- | --- | --- | --- | --- |")
    for megabytes in args.megabytes:
        text = gift_text(int(megabytes * 1_000_000))
        (OUT / f"bank-{megabytes:g}mb.gift").write_text(text, encoding="utf-8")
        parses: list[float] = []
        writes: list[float] = []
        count = 0
        for _ in range(args.rounds):
            start = time.perf_counter()
            result = import_gift(text, deck_id="bank", title="Bank")
            parsed = time.perf_counter()
            deck_to_toml(result.deck)
            written = time.perf_counter()
            parses.append(parsed - start)
            writes.append(written - parsed)
            count = len(result.deck.questions)
        parse, write = statistics.median(parses), statistics.median(writes)
        print(
            f"| {megabytes:g} MB | {count:,} | {parse:.2f} s | {write:.2f} s |"
            f" {parse + write:.2f} s |"
        )


if __name__ == "__main__":
    main()
