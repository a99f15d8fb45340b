"""`quiz check` and `quiz check --fix` against a process that only parses the deck with tomli.

    python tests/bench/bench_check.py [--runs N]

For a 10k-question deck and one just under the 10 MiB limit (`gen_decks.deck_text`, a
tenth of the questions without an id, so `--fix` has ids to add), times whole processes
from the shell, interleaved so that both sides see the same machine load: (a) `python -c`
that reads the file and runs `tomli.loads` on it; (b) `quiz check FILE`; (c) `quiz check
--fix` on a fresh copy. Prints the medians (wall) and the median of the paired ratios, and
exits 1 when a budget of issue 15 is missed: check within 2x the parse, `--fix` within 5x.

The quiz package's bytecode is compiled first, as an installed quiz has it: with
PYTHONDONTWRITEBYTECODE set (as in some CI and sandbox shells) every `quiz check` would
compile its modules again, ~25 ms that no user pays and the tomli side never does.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gen_decks import deck_text

import quiz

OUT = Path(__file__).resolve().parent / "out"
QUIZ = str(Path(sys.executable).with_name("quiz"))


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def measure(name: str, deck: Path, runs: int) -> bool:
    parse = [sys.executable, "-c", f"import tomli; tomli.loads(open({str(deck)!r}).read())"]
    copy = OUT / f"fix-{deck.name}"
    rows: dict[str, list[float]] = {"parse": [], "check": [], "fix": []}
    for _ in range(runs):
        rows["parse"].append(timed(parse))
        rows["check"].append(timed([QUIZ, "check", str(deck)]))
        shutil.copy(deck, copy)
        rows["fix"].append(timed([QUIZ, "check", "--fix", str(copy)]))
    ratios = {
        key: statistics.median(b / a for a, b in zip(rows["parse"], rows[key], strict=True))
        for key in ("check", "fix")
    }
    size = deck.stat().st_size / 2**20
    print(f"{name} ({size:.1f} MiB), medians of {runs}:")
    for key, values in rows.items():
        spread = f"{min(values):.2f}-{max(values):.2f}"
        print(f"  {key:6} {statistics.median(values):6.2f} s   runs {spread}")
    print(f"  check / parse {ratios['check']:.2f}x (budget 2x)")
    print(f"  fix / parse   {ratios['fix']:.2f}x (budget 5x)")
    return ratios["check"] <= 2 and ratios["fix"] <= 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    compileall.compile_dir(Path(quiz.__file__).parent, quiet=1)
    OUT.mkdir(exist_ok=True)
    decks = {"10k questions": OUT / "check-10k.toml", "near 10 MiB": OUT / "check-10mib.toml"}
    if not decks["10k questions"].exists():
        decks["10k questions"].write_text(deck_text(10_000), encoding="utf-8")
    if not decks["near 10 MiB"].exists():
        decks["near 10 MiB"].write_text(deck_text(23_000), encoding="utf-8")
    ok = all([measure(name, deck, options.runs) for name, deck in decks.items()])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
