"""The answer judge on the labelled corpus: error rates per category, beside exact matching.

    python tests/bench/bench_judging.py [--file responses-holdout.jsonl] [--misses]

Prints, per category, false accepts (wrong responses judged right, over wrong responses) and
false rejects (right responses judged wrong, over right ones) for quiz's judge and for a naive
baseline that accepts only the key or an `accept` entry after case folding and trimming; then
the median time of one check. Figures are recorded in tests/bench/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))

from judging_corpus import FILES, Case, Rates, load, rates

from quiz.core.models import Cloze, Numeric, ShortAnswer


def naive(case: Case) -> bool:
    """Exact matching after case folding and trimming, as a plain quiz tool does."""
    question, typed = case.question, case.response.strip().casefold()
    if isinstance(question, Numeric):
        try:
            return float(typed) == question.answer
        except ValueError:
            return False
    if isinstance(question, Cloze):
        return typed == question.blanks[0].answer.casefold()
    assert isinstance(question, ShortAnswer)
    return typed in {text.strip().casefold() for text in [question.answer, *question.accept]}


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def table(ours: dict[str, Rates], baseline: dict[str, Rates]) -> str:
    lines = [
        "| category | cases | false accepts | false rejects | exact match: FA | exact match: FR |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for group, rate in ours.items():
        base = baseline[group]
        lines.append(
            f"| {group} | {rate.wrong + rate.right} "
            f"| {_percent(rate.false_accepts, rate.wrong)} ({rate.false_accepts}/{rate.wrong}) "
            f"| {_percent(rate.false_rejects, rate.right)} ({rate.false_rejects}/{rate.right}) "
            f"| {_percent(base.false_accepts, base.wrong)} "
            f"| {_percent(base.false_rejects, base.right)} |"
        )
    return "\n".join(lines)


def median_check_ms(cases: list[Case], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        for case in cases:
            start = time.perf_counter()
            case.judged_right()
            samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", choices=FILES, default=FILES[0])
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds over the corpus")
    options = parser.parse_args()
    cases = load(options.file)
    print(f"{options.file}: {len(cases)} responses\n")
    print(table(rates(cases, Case.judged_right), rates(cases, naive)))
    print(f"\nmedian check: {median_check_ms(cases, options.rounds):.3f} ms")
    if options.misses:
        for case in cases:
            if case.judged_right() != case.right:
                label = "FALSE ACCEPT" if not case.right else "false reject"
                print(f"{label} {case.id} [{case.deck.language}]: {case.key!r} <- ", end="")
                print(f"{case.response!r} ({case.why})")


if __name__ == "__main__":
    main()
