"""Simulate a learner with and without load balancing: how even is the coming workload?

    python tests/bench/bench_balance.py [--cards 1500] [--days 90] [--new-per-day 20]
                                        [--seeds 1 2 3 4 5 6 7]

Each seed runs the learner of `tests/core/review_simulation.py` (quiz's own `Scheduler`,
in memory: a study session a day, every due card answered, recall drawn from the card's
predicted retrievability) three times over the same cards and the same learner draws:
fuzz alone, fuzz with load balancing, and balancing with Saturday and Sunday as easy
days at half load. For each it prints, over the 30-day forecast at the end (the cards
due on each of the next 30 days):

- `day-to-day`: the standard deviation of the change from one day to the next, the
  lumpiness balancing is meant to remove (the target: at least 30% lower);
- `std`: the plain standard deviation of the 30 counts, which also holds the forecast's
  downward trend (young cards come back sooner than old ones), which no balancing can or
  should flatten;
- the retention achieved (reviews of cards in review answered right) and the number of
  reviews done, which balancing must leave about the same;
- with easy days, the weekend's load per day over a weekday's.

Medians over the seeds are printed last; tests/bench/README.md records them.
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


def row(name: str, outcome: Outcome) -> dict[str, float]:
    figures = {
        "day-to-day": outcome.day_to_day,
        "std": outcome.forecast_std,
        "retention": outcome.retention,
        "reviews": float(sum(outcome.daily_reviews)),
        "weekend": outcome.weekend_share,
    }
    print(
        f"  {name:<12} day-to-day {figures['day-to-day']:5.2f}  std {figures['std']:5.2f}"
        f"  retention {100 * figures['retention']:5.2f}%  reviews {figures['reviews']:6.0f}"
        f"  weekend/weekday {figures['weekend']:.2f}"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1500)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--new-per-day", type=int, default=20)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7])
    args = parser.parse_args()
    size = {"cards": args.cards, "days": args.days, "new_per_day": args.new_per_day}
    print(f"{args.cards} cards, {args.days} days, {args.new_per_day} new a day")
    runs: dict[str, list[dict[str, float]]] = {"fuzz only": [], "balanced": [], "easy weekend": []}
    started = time.perf_counter()
    for seed in args.seeds:
        print(f"seed {seed}")
        runs["fuzz only"].append(row("fuzz only", simulate(seed=seed, balance=False, **size)))
        runs["balanced"].append(row("balanced", simulate(seed=seed, balance=True, **size)))
        easy = simulate(seed=seed, balance=True, weekday_loads=EASY_WEEKEND, **size)
        runs["easy weekend"].append(row("easy weekend", easy))
    print(f"medians over {len(args.seeds)} seeds ({time.perf_counter() - started:.0f} s)")
    medians = {
        name: {key: statistics.median(r[key] for r in rows) for key in rows[0]}
        for name, rows in runs.items()
    }
    for name, figures in medians.items():
        print(
            f"  {name:<12} day-to-day {figures['day-to-day']:5.2f}  std {figures['std']:5.2f}"
            f"  retention {100 * figures['retention']:5.2f}%  reviews {figures['reviews']:6.0f}"
            f"  weekend/weekday {figures['weekend']:.2f}"
        )
    cuts = [
        1 - balanced["day-to-day"] / plain["day-to-day"]
        for plain, balanced in zip(runs["fuzz only"], runs["balanced"], strict=True)
    ]
    each = ", ".join(f"{100 * cut:.0f}%" for cut in cuts)
    median = 100 * statistics.median(cuts)
    print(f"day-to-day deviation cut by balancing: median {median:.0f}% (per seed {each})")


if __name__ == "__main__":
    main()
