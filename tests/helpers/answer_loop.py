"""Answer cards of a study database in a loop, printing each review id once it is committed.

Used by `tests/core/test_durability.py` as the process that is SIGKILLed or run
twice at once. Usage::

    python answer_loop.py DB SEED [--count N] [--synchronous FULL|NORMAL]

Prints `ready` when the store is open, then one review id per line, written and
flushed only after `record_review` returned (the commit is done). With `--count`
it stops after that many answers and exits 0; otherwise it runs until killed.
Cards are picked at random, so two processes often answer the same card: a
`StoreConflict` (the card changed since it was read) makes it re-read and retry.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from datetime import datetime, timedelta, timezone

from quiz.core.card_state import CardState, Phase
from quiz.core.storage import Store
from quiz.errors import StoreConflict

DECK = "durable"
KEYS = [f"q{n}" for n in range(40)]
BASE = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
"""Review times are pinned: the test checks storage, not the clock."""


def next_state(before: CardState, rng: random.Random, moment: datetime) -> CardState:
    """A plausible new scheduling state; its exact values do not matter, only that it changes."""
    return CardState(
        state=Phase.REVIEW,
        step=None,
        stability=rng.uniform(0.1, 100.0),
        difficulty=rng.uniform(1.0, 10.0),
        due=moment + timedelta(days=rng.randint(1, 30)),
        last_review=moment,
        reps=before.reps + 1,
        lapses=before.lapses,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("seed", type=int)
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--synchronous", choices=["FULL", "NORMAL"], default="FULL")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    store = Store.open(options.db, now=BASE, synchronous=options.synchronous)
    store.reconcile_deck(
        DECK,
        title="Durability",
        path=None,
        content_hash="fixed",
        card_keys=KEYS,
        question_count=len(KEYS),
        now=BASE,
    )
    print("ready", flush=True)
    counter = itertools.count() if options.count is None else range(options.count)
    for answered in counter:
        key = rng.choice(KEYS)
        moment = BASE + timedelta(seconds=answered)
        while True:
            before = store.card_state(DECK, key)
            assert before is not None
            try:
                review_id = store.record_review(
                    DECK,
                    key,
                    after=next_state(before, rng, moment),
                    grade=rng.randint(1, 4),
                    reviewed_at=moment,
                    response="answer",
                    correct=True,
                    duration_ms=rng.randint(500, 9000),
                    expect_before=before,
                )
            except StoreConflict:
                continue
            break
        sys.stdout.write(f"{review_id}\n")
        sys.stdout.flush()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
