"""Simulate a learner with and without load balancing: how even is the coming workload?

    python tests/bench/bench_balance.py [--scenario steady|ramp|both] [--seeds 1 2 3 4 5 6 7]
    python tests/bench/bench_balance.py --cards 3000 --days 365 --new-per-day 30

Each seed runs the learner of `tests/core/review_simulation.py` (quiz's own `Scheduler`,
in memory: a study session a day, every due card answered, recall drawn from the card's
predicted retrievability) three times over the same cards and the same learner draws:
fuzz alone, fuzz with load balancing, and balancing with Saturday and Sunday as easy
days at half load. Two collections:

- `steady`: a mature collection, the one issue 14's target is judged on: 2,000 cards, 20
  new a day for the first 100 days, then only reviews, 365 days in all;
- `ramp`: 1,500 cards over 90 days, 20 new a day, still introducing new cards near the end.

For each run it prints, over the 30-day forecast at the end (the cards due on each of the
next 30 days):

- `std`: the plain standard deviation of the 30 counts, what issue 14's target (at least
  30% lower with balancing) is measured on;
- `detrended`: the standard deviation around the forecast's least-squares line: `std` without
  the downward trend every forecast has (cards that lapsed or are young come back within
  days; only old ones are due a month out), which balancing within a card's fuzz range
  cannot remove;
- `day-to-day`: the standard deviation of the change from one day to the next;
- the retention achieved (reviews of cards in review answered right) and the number of
  reviews done, which balancing must leave about the same;
- with easy days, the weekend's load per day over a weekday's.

Then the medians over the seeds, and for each measure the median of the per-seed cuts
(balanced against fuzz only); tests/bench/README.md records them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))

from review_simulation import Outcome, simulate

EASY_WEEKEND = (1.0,) * 5 + (0.5, 0.5)
SCENARIOS = {
    "steady": {"cards": 2000, "days": 365, "new_per_day": 20},
    "ramp": {"cards": 1500, "days": 90, "new_per_day": 20},
}
MEASURES = ("std", "detrended", "day-to-day")


def figures(outcome: Outcome) -> dict[str, float]:
    return {
        "std": outcome.forecast_std,
        "detrended": outcome.detrended_std,
        "day-to-day": outcome.day_to_day,
        "mean": statistics.fmean(outcome.forecast),
        "retention": outcome.retention,
        "reviews": float(sum(outcome.daily_reviews)),
        "weekend": outcome.weekend_share,
    }


def show(name: str, row: dict[str, float]) -> None:
    print(
        f"  {name:<12} std {row['std']:5.2f}  detrended {row['detrended']:5.2f}"
        f"  day-to-day {row['day-to-day']:5.2f}  mean {row['mean']:5.1f}"
        f"  retention {100 * row['retention']:5.2f}%  reviews {row['reviews']:6.0f}"
        f"  weekend/weekday {row['weekend']:.2f}"
    )


def run(name: str, size: dict[str, int], seeds: list[int]) -> None:
    print(
        f"{name}: {size['cards']} cards, {size['days']} days,"
        f" {size['new_per_day']} new a day until all are seen"
    )
    runs: dict[str, list[dict[str, float]]] = {"fuzz only": [], "balanced": [], "easy weekend": []}
    started = time.perf_counter()
    for seed in seeds:
        print(f" seed {seed}")
        arms = {
            "fuzz only": simulate(seed=seed, balance=False, **size),
            "balanced": simulate(seed=seed, balance=True, **size),
            "easy weekend": simulate(seed=seed, balance=True, weekday_loads=EASY_WEEKEND, **size),
        }
        for arm, outcome in arms.items():
            runs[arm].append(figures(outcome))
            show(arm, runs[arm][-1])
    print(f" medians over {len(seeds)} seeds ({time.perf_counter() - started:.0f} s)")
    for arm, rows in runs.items():
        show(arm, {key: statistics.median(row[key] for row in rows) for key in rows[0]})
    pairs = list(zip(runs["fuzz only"], runs["balanced"], strict=True))
    for measure in MEASURES:
        cuts = [1 - balanced[measure] / plain[measure] for plain, balanced in pairs]
        each = ", ".join(f"{100 * cut:.0f}%" for cut in cuts)
        print(
            f" {measure} cut by balancing: median {100 * statistics.median(cuts):.0f}%"
            f" (per seed {each})"
        )
    shifts = [balanced["retention"] - plain["retention"] for plain, balanced in pairs]
    print(
        f" retention, balanced minus fuzz only: median {100 * statistics.median(shifts):+.2f}"
        f" points (from {100 * min(shifts):+.2f} to {100 * max(shifts):+.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=[*SCENARIOS, "both"], default="both")
    parser.add_argument("--cards", type=int, help="a collection of your own (with --days)")
    parser.add_argument("--days", type=int)
    parser.add_argument("--new-per-day", type=int, default=20)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7])
    args = parser.parse_args()
    if args.cards is not None or args.days is not None:
        if args.cards is None or args.days is None:
            parser.error("--cards and --days go together")
        size = {"cards": args.cards, "days": args.days, "new_per_day": args.new_per_day}
        run("custom", size, args.seeds)
        return
    for name in SCENARIOS if args.scenario == "both" else [args.scenario]:
        run(name, SCENARIOS[name], args.seeds)


if __name__ == "__main__":
    main()
