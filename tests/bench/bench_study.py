"""Benchmark the study loop against Anki's own scheduler, on the same card count.

    python tests/bench/bench_study.py [--cards 100000] [--reviews 1000000] [--answers 150]

Measured, for quiz (`quiz.core.study.ReviewSession` on `quiz.core.storage.Store`,
WAL, FSRS from the `fsrs` package):

- per card: `next_card()` + `intervals()` (the four buttons' intervals, which Anki's
  `get_queued_cards` computes too) + `answer()` (FSRS review, card update and log row
  in one committed transaction), median over `--answers` cards, three times: with
  `synchronous=FULL` (the default: an fsync per answer), `NORMAL` (the setting
  `synchronous = "normal"`: no fsync per commit) and `OFF` (not a setting, the bench
  sets the pragma itself: the commit still runs, with no fsync even at checkpoints),
  and the process CPU time per card in the `FULL` and `OFF` loops;
- the answer's SQL alone at `FULL` (`sql_floor`: the same five statements with
  precomputed values): what the `FULL` loop would cost if quiz's Python were free;
- building today's queue (`ReviewSession._build_queue`, the few indexed queries a
  session runs at start), median of 15 builds;
- `quiz stats` data (`quiz.core.stats.collect` over every deck), median of 5.

and for Anki (the `anki` package from PyPI, the `bench` extra; FSRS on, default
limits of 20 new and 200 reviews a day): the first `get_queued_cards` after
opening the collection, then per card `get_queued_cards(fetch_limit=1)` +
`build_answer` + `answer_card`. Anki 26 commits every answer durably, as quiz's
default does: its collection is in WAL mode with `synchronous=FULL`, and another
connection reads each answer before the collection is closed (the bench checks
both and prints them; strace shows one fsync of the WAL per answer). So quiz
`FULL` against Anki is like for like; `NORMAL` and `OFF` show what quiz costs
without the fsync, and the process CPU time per card compares the work alone,
without the wait for the disk (quiz `FULL` against Anki: both pay the system's
CPU for an fsync; quiz `OFF`: none). The raw cost of an fsync on this disk
(`bench_store.fsync_ms`) is printed with the results.

Both databases are generated directly with SQL for speed, in `tests/bench/out/`
(gitignored, on the project's disk: fsync costs what it costs there), with the
same shape: 20% new cards, 0.2% in learning (a few days' worth of 20 new cards
a day), the rest in review with due dates from 20 days overdue to a year ahead,
and a review log spread over three years. Grades are Again for 1 card in 5,
Good otherwise, in both loops. The machine is shared: every round runs quiz's
three modes and Anki in turn, in a rotating order, so noise hits them all; the
medians over all rounds and their ratios are the figures to read.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench_store import fsync_ms

from quiz.config import Settings
from quiz.core.card_state import CardState, Phase
from quiz.core.models import Deck, DeckMeta, Flashcard
from quiz.core.scheduling import Grade
from quiz.core.stats import collect
from quiz.core.storage import Store, Synchronous, to_us
from quiz.core.storage.encoding import _SET_STATE_IF, STATE_COLUMNS, state_to_json
from quiz.core.study import ReviewSession, study_day

OUT = Path(__file__).resolve().parent / "out"
DECK = "bench"
TZ = timezone.utc
NOW = datetime.now(timezone.utc).replace(microsecond=0)
"""The benchmark runs at the real time because Anki's scheduler reads the system clock."""
SPAN = timedelta(days=3 * 365)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def bench_deck(cards: int) -> Deck:
    """A deck of `cards` flashcards whose keys match the generated rows."""
    meta = DeckMeta(id=DECK, title="Bench")
    questions = [
        Flashcard(kind="flashcard", id=f"q{n:06d}", prompt=f"question {n}", answer=f"answer {n}")
        for n in range(cards)
    ]
    return Deck.model_construct(deck=meta, questions=questions)


# --- data ---------------------------------------------------------------------------------


def generate_quiz(path: Path, cards: int, reviews: int) -> None:
    """A quiz database of `cards` cards and `reviews` log rows, written with SQL."""
    _remove(path)
    with Store.open(path, now=NOW):
        pass
    day = study_day(NOW, 4, TZ)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    stamp, start, day_us = to_us(NOW), to_us(NOW - SPAN), 86_400_000_000
    db.execute(
        "INSERT INTO decks (id, title, question_count, card_count, synced_at)"
        " VALUES (?, 'Bench', ?, ?, ?)",
        (DECK, cards, cards, stamp),
    )
    # n % 50 < 10: new (20%); n % 500 = 10: learning, due in the last hour (0.2%);
    # else review, due from 20 days ago to a year ahead
    db.execute(
        """
        WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :cards - 1)
        INSERT INTO cards (deck_id, card_key, question_key, position, state, step, stability,
                           difficulty, due, last_review, reps, lapses, orphaned, created_at)
        SELECT :deck, printf('q%06d', n), printf('q%06d', n), n, kind,
               CASE kind WHEN 1 THEN 1 END,
               CASE WHEN kind > 0 THEN 1.0 + (n * 7919) % 400 END,
               CASE WHEN kind > 0 THEN 1.0 + (n * 31) % 90 / 10.0 END,
               due, CASE WHEN kind > 0 THEN due - (1 + (n * 7919) % 400) * :day END,
               CASE WHEN kind > 0 THEN 1 + n % 12 ELSE 0 END,
               CASE WHEN kind > 0 THEN (n * 13) % 7 ELSE 0 END, 0, :stamp
        FROM (SELECT n,
                     CASE WHEN n % 50 < 10 THEN 0 WHEN n % 500 = 10 THEN 1 ELSE 2 END AS kind,
                     CASE WHEN n % 50 < 10 THEN NULL
                          WHEN n % 500 = 10 THEN :stamp - (n % 60) * 60000000
                          ELSE :start_day + ((n * 7919) % 385 - 20) * :day + (n % 86400) * 1000000
                     END AS due
              FROM seq)
        """,
        {
            "cards": cards,
            "deck": DECK,
            "stamp": stamp,
            "day": day_us,
            "start_day": to_us(day.start),
        },
    )
    state = (
        'printf(\'{"difficulty": %.4f, "due": %d, "lapses": %d, "last_review": %d,'
        ' "reps": %d, "stability": %.4f, "state": 2, "step": null}\','
        " 5.0, at - {shift} * :day + ivl * :day, 0, at - {shift} * :day, 3, ivl * 1.0)"
    )
    new_state = (
        '\'{"difficulty": null, "due": null, "lapses": 0, "last_review": null,'
        ' "reps": 0, "stability": null, "state": 0, "step": null}\''
    )
    db.execute(
        f"""
        WITH RECURSIVE seq(r) AS (SELECT 0 UNION ALL SELECT r + 1 FROM seq WHERE r < :reviews - 1)
        INSERT INTO reviews (deck_id, card_key, reviewed_at, grade, state_before, response,
                             correct, duration_ms, state_before_json, state_after_json)
        SELECT :deck, printf('q%06d', card), at,
               CASE WHEN r % 20 < 3 THEN 1 WHEN r % 20 = 3 THEN 2 WHEN r % 20 < 18 THEN 3
                    ELSE 4 END,
               CASE WHEN r < :cards THEN 0 ELSE 2 END, NULL, NULL, 2000 + (r * 37) % 15000,
               CASE WHEN r < :cards THEN {new_state} ELSE {state.replace("{shift}", "ivl")} END,
               {state.replace("{shift}", "0")}
        FROM (SELECT r, :start + r * ((:now - :start) / :reviews) AS at,
                     CASE WHEN (r % :cards) % 50 < 10 THEN r % :cards + 10 ELSE r % :cards END
                         AS card,
                     1 + (r * 7) % 60 AS ivl
              FROM seq)
        """,
        {
            "reviews": reviews,
            "cards": cards,
            "deck": DECK,
            "start": start,
            "now": stamp,
            "day": day_us,
        },
    )
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def generate_anki(path: Path, cards: int, reviews: int) -> Any:
    """An Anki collection of the same shape; returns the open collection."""
    _remove(path)
    import anki.collection  # noqa: F401 - anki.collection must be imported before anki.cards
    from anki.collection import Collection

    col = Collection(str(path))
    col.set_config("fsrs", True)
    deck_id = col.decks.id("Bench")
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = "front", "back"
    col.add_note(note, deck_id)
    model_id = col.db.scalar("SELECT mid FROM notes")
    col.close()
    today = _anki_today(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    now_s = int(NOW.timestamp())
    db.execute("DELETE FROM cards")
    db.execute("DELETE FROM notes")
    base = 1_600_000_000_000
    db.execute(
        """
        WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ? - 1)
        INSERT INTO notes SELECT ? + n, printf('g%d', n), ?, ?, -1, '',
               printf('question %d', n) || char(31) || printf('answer %d', n),
               printf('question %d', n), n, 0, '' FROM seq
        """,
        (cards, base, model_id, now_s),
    )
    db.execute(
        """
        WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :cards - 1)
        INSERT INTO cards
        SELECT :base + n, :base + n, :deck, 0, :now, -1,
               CASE WHEN n % 50 < 10 THEN 0 WHEN n % 500 = 10 THEN 1 ELSE 2 END,
               CASE WHEN n % 50 < 10 THEN 0 WHEN n % 500 = 10 THEN 1 ELSE 2 END,
               CASE WHEN n % 50 < 10 THEN n WHEN n % 500 = 10 THEN :now - (n % 60) * 60
                    ELSE :today + (n * 7919) % 385 - 20 END,
               CASE WHEN n % 50 < 10 THEN 0 ELSE 1 + (n * 7919) % 400 END,
               0, CASE WHEN n % 50 < 10 THEN 0 ELSE 1 + n % 12 END,
               CASE WHEN n % 50 < 10 THEN 0 ELSE (n * 13) % 7 END,
               CASE WHEN n % 500 = 10 THEN 1 ELSE 0 END, 0, 0, 0,
               CASE WHEN n % 50 < 10 THEN '{}' ELSE
                 printf('{"s":%.4f,"d":%.3f,"dr":0.9,"decay":0.1542,"lrt":%d}',
                        1.0 + (n * 7919) % 400, 1.0 + (n * 31) % 90 / 10.0,
                        :now - (1 + (n * 7919) % 400) * 86400) END
        FROM seq
        """,
        {"cards": cards, "base": base, "deck": deck_id, "now": now_s, "today": today},
    )
    start_ms = (now_s - int(SPAN.total_seconds())) * 1000
    db.execute(
        """
        WITH RECURSIVE seq(r) AS (SELECT 0 UNION ALL SELECT r + 1 FROM seq WHERE r < :reviews - 1)
        INSERT INTO revlog
        SELECT :start + r * ((:now * 1000 - :start) / :reviews),
               :base + CASE WHEN (r % :cards) % 50 < 10 THEN r % :cards + 10 ELSE r % :cards END,
               -1,
               CASE WHEN r % 20 < 3 THEN 1 WHEN r % 20 = 3 THEN 2 WHEN r % 20 < 18 THEN 3
                    ELSE 4 END,
               1 + (r * 7) % 60, 1 + (r * 3) % 60, 0, 2000 + (r * 37) % 15000,
               CASE WHEN r < :cards THEN 0 ELSE 1 END
        FROM seq
        """,
        {"reviews": reviews, "cards": cards, "base": base, "start": start_ms, "now": now_s},
    )
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return deck_id


def _anki_today(path: Path) -> int:
    from anki.collection import Collection

    col = Collection(str(path))
    try:
        return int(col.sched.today)
    finally:
        col.close()


# --- measurements -------------------------------------------------------------------------


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def quiz_loop(
    path: Path, deck: Deck, answers: int, synchronous: Synchronous | None, start: datetime
) -> tuple[list[float], list[float], list[float]]:
    """(seconds per next card + intervals + answer, CPU seconds of each, seconds per build).

    `synchronous=None` runs with `PRAGMA synchronous=OFF`, which quiz never uses
    (a power cut could corrupt the file): the commit's work without any fsync.
    """
    config = Settings()
    clock_base = time.perf_counter()

    def clock() -> datetime:
        return start + timedelta(seconds=time.perf_counter() - clock_base)

    with Store.open(path, now=NOW, synchronous=synchronous or "NORMAL") as store:
        if synchronous is None:
            store._db.execute("PRAGMA synchronous=OFF")
        session = ReviewSession(store, deck, config, clock, tz=TZ, daily_backup=False)
        builds = []
        for _ in range(15):
            started = time.perf_counter()
            session._build_queue()
            builds.append(time.perf_counter() - started)
        loop, cpu = [], []
        for n in range(answers):
            started, cpu_started = time.perf_counter(), time.process_time()
            card = session.next_card()
            if card is None:
                break
            session.intervals(card)
            session.answer(card, Grade.Again if n % 5 == 0 else Grade.Good, duration_ms=3000)
            loop.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    return loop, cpu, builds


@dataclass
class AnkiRun:
    """One Anki loop: seconds per get + answer, CPU seconds of each, the first queue build,
    and how durably Anki saved the answers (checked, not assumed)."""

    loop: list[float]
    cpu: list[float]
    first: float
    seen_before_close: int
    """Answers another connection could read before the collection was closed."""
    synchronous: int
    """Anki's own `PRAGMA synchronous` (2 is FULL: an fsync per commit in WAL mode)."""


def revlog_rows(path: Path) -> int:
    """Review-log rows a separate read-only connection sees: only committed ones."""
    other = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(other.execute("SELECT count(*) FROM revlog").fetchone()[0])
    finally:
        other.close()


def anki_loop(path: Path, deck_id: int, answers: int) -> AnkiRun:
    """Anki's get + answer loop on the generated collection."""
    import anki.cards
    from anki.collection import Collection
    from anki.scheduler.v3 import CardAnswer

    col = Collection(str(path))
    try:
        col.decks.select(deck_id)
        started = time.perf_counter()
        queued = col.sched.get_queued_cards(fetch_limit=1)
        first = time.perf_counter() - started
        assert queued.cards, "the generated Anki deck has nothing due"
        logged = revlog_rows(path)
        loop, cpu = [], []
        for n in range(answers):
            started, cpu_started = time.perf_counter(), time.process_time()
            queued = col.sched.get_queued_cards(fetch_limit=1)
            if not queued.cards:
                break
            top = queued.cards[0]
            card = anki.cards.Card(col, backend_card=top.card)
            card.start_timer()
            rating = CardAnswer.AGAIN if n % 5 == 0 else CardAnswer.GOOD
            col.sched.answer_card(
                col.sched.build_answer(card=card, states=top.states, rating=rating)
            )
            loop.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        seen = revlog_rows(path) - logged
        assert col.db is not None
        return AnkiRun(loop, cpu, first, seen, int(col.db.scalar("PRAGMA synchronous")))
    finally:
        col.close()


def sql_floor(path: Path, answers: int) -> list[float]:
    """Seconds per answer of quiz's SQL alone at `synchronous=FULL`, values precomputed.

    The statements an answer runs (the state read when the card is shown, BEGIN
    IMMEDIATE, the compare-and-set UPDATE, the log INSERT, COMMIT) on a plain
    connection with the store's pragmas: the floor under the `FULL` loop when quiz's
    own Python work (FSRS, the session, conversions) costs nothing. The cards are
    due reviews pushed a year ahead and the rows are dated three years back, so the
    quiz loops' queues and daily limits do not notice them.
    """
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    keys = [
        row[0]
        for row in db.execute(
            "SELECT card_key FROM cards WHERE deck_id = ? AND state = 2 AND orphaned = 0"
            " ORDER BY due LIMIT ?",
            (DECK, answers),
        )
    ]
    when = to_us(NOW - SPAN)
    state = CardState(
        state=Phase.REVIEW,
        stability=30.0,
        difficulty=5.0,
        due=NOW + timedelta(days=365),
        last_review=NOW - SPAN,
        reps=5,
    )
    after = (2, None, 30.0, 5.0, to_us(NOW + timedelta(days=365)), when, 5, 0)
    samples = []
    try:
        for key in keys:
            started = time.perf_counter()
            before = db.execute(
                f"SELECT {STATE_COLUMNS} FROM cards WHERE deck_id = ? AND card_key = ?",
                (DECK, key),
            ).fetchone()
            db.execute("BEGIN IMMEDIATE")
            db.execute(_SET_STATE_IF, (*after, DECK, key, *before))
            db.execute(
                "INSERT INTO reviews (deck_id, card_key, reviewed_at, grade, state_before,"
                " response, correct, duration_ms, state_before_json, state_after_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    DECK,
                    key,
                    when,
                    3,
                    2,
                    None,
                    None,
                    3000,
                    state_to_json(state),
                    state_to_json(state),
                ),
            )
            db.execute("COMMIT")
            samples.append(time.perf_counter() - started)
    finally:
        db.close()
    return samples


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=150, help="within the 200 reviews a day")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-anki", action="store_true", help="measure quiz only")
    args = parser.parse_args()
    if args.cards % 50:
        parser.error("--cards must be a multiple of 50 (the generated mix repeats every 50)")
    OUT.mkdir(exist_ok=True)
    quiz_path = OUT / f"study-{args.cards}.sqlite3"
    anki_path = OUT / f"anki-{args.cards}.anki2"
    deck = bench_deck(args.cards)
    print(f"{args.cards} cards, {args.reviews} reviews; generating ...", file=sys.stderr)

    modes: dict[str, Synchronous | None] = {"full": "FULL", "normal": "NORMAL", "off": None}
    cpus = [f"{mode} cpu" for mode in modes]
    keys = (
        *modes,
        *cpus,
        "floor",
        "build",
        "stats",
        "aloop",
        "acpu",
        "afirst",
        "aseen",
        "async",
        "fsync",
    )
    figures: dict[str, list[float]] = {key: [] for key in keys}
    for round_ in range(args.rounds):
        started = time.perf_counter()
        generate_quiz(quiz_path, args.cards, args.reviews)
        print(
            f"round {round_ + 1}: quiz db in {time.perf_counter() - started:.1f}s", file=sys.stderr
        )
        with Store.open(quiz_path, now=NOW) as store:
            # The session reconciles the deck (once per deck change) before the timed loop.
            ReviewSession(store, deck, Settings(), lambda: NOW, tz=TZ, daily_backup=False)
            figures["stats"] += timed(lambda: collect(store, None, now=NOW, tz=TZ), 5)
        deck_id = None
        if not args.no_anki:
            started = time.perf_counter()
            deck_id = generate_anki(anki_path, args.cards, args.reviews)
            print(
                f"round {round_ + 1}: anki db in {time.perf_counter() - started:.1f}s",
                file=sys.stderr,
            )
        figures["fsync"].append(fsync_ms(OUT) / 1000)
        # Each quiz loop studies the next study day (its own due cards and limits), so
        # the days go in order while the modes and Anki take turns at going first.
        order = [*modes, "anki", "floor"]
        order = order[round_ % len(order) :] + order[: round_ % len(order)]
        day = 0
        for name in order:
            if name == "anki":
                if deck_id is not None:
                    run = anki_loop(anki_path, deck_id, args.answers)
                    figures["aloop"] += run.loop
                    figures["acpu"] += run.cpu
                    figures["afirst"].append(run.first)
                    figures["aseen"].append(run.seen_before_close)
                    figures["async"].append(run.synchronous)
                continue
            if name == "floor":
                figures["floor"] += sql_floor(quiz_path, args.answers)
                continue
            loop, cpu, builds = quiz_loop(
                quiz_path, deck, args.answers, modes[name], NOW + timedelta(days=day)
            )
            day += 1
            figures[name] += loop
            figures[f"{name} cpu"] += cpu
            if name == "full":
                figures["build"] += builds

    per_card = "next card + intervals + answer"
    rows = [
        (f"{per_card}, FULL (fsync per answer)", "full", "aloop", "0.50"),
        (f"{per_card}, NORMAL (no fsync)", "normal", "aloop", "0.50"),
        (f"{per_card}, OFF (no fsync at all)", "off", "aloop", "-"),
        ("process CPU time per card, FULL (Anki: its own)", "full cpu", "acpu", "-"),
        ("process CPU time per card, OFF (Anki: its own)", "off cpu", "acpu", "-"),
        ("the answer's SQL alone, FULL (no Python work)", "floor", "aloop", "-"),
        ("build today's queue (Anki: first get_queued_cards)", "build", "afirst", "0.10"),
    ]
    print(f"\n{args.cards} cards, {args.reviews} review rows, {args.rounds} rounds (medians, ms)")
    print(f"{'operation':<52} {'quiz':>9} {'anki':>9} {'ratio':>7} {'budget':>7}")
    for label, ours, theirs, budget in rows:
        mine = median_ms(figures[ours])
        if figures[theirs]:
            other = median_ms(figures[theirs])
            print(f"{label:<52} {mine:>9.3f} {other:>9.3f} {mine / other:>7.2f} {budget:>7}")
        else:
            print(f"{label:<52} {mine:>9.3f} {'-':>9} {'-':>7} {budget:>7}")
    stats_ms = median_ms(figures["stats"])
    print(
        f"{'quiz stats (collect, every deck)':<52} {stats_ms:>9.1f} {'-':>9} {'-':>7} {'<1000':>7}"
    )
    fsyncs = sorted(sample * 1000 for sample in figures["fsync"])
    print(
        f"raw fsync of 4 KiB in {OUT.name}/: median {statistics.median(fsyncs):.3f} ms"
        f" (rounds: {fsyncs[0]:.3f} to {fsyncs[-1]:.3f})"
    )
    if figures["aloop"]:
        levels = sorted({int(level) for level in figures["async"]})
        print(
            f"Anki: {int(sum(figures['aseen']))} of {len(figures['aloop'])} answers were"
            f" readable by another connection before it closed; its PRAGMA synchronous: {levels}"
        )
    print(
        f"(samples: {len(figures['full'])} quiz answers per mode,"
        f" {len(figures['aloop'])} anki answers)"
    )
    os.sync()


if __name__ == "__main__":
    main()
