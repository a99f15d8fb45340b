"""The card browser at 100k cards: search answers, and how fast the screen opens.

    python tests/bench/bench_browser.py [--runs 7] [--decks 50] [--questions 2000] [--index SQL]

1. Store: writes the decks of bench_ui.py (50 x 2000 questions, ~115k cards) and reconciles
   them with a fresh database (kept in `tests/bench/out/browser.sqlite3` between runs), then
   gives a third of the cards a review schedule and some of them marks, so that states,
   due dates and retrievability have something to sort and filter.
2. Search: the median time of `search_cards` (a 50-card page) plus `count_cards` for typical
   searches, and of the screen's answer to a key typed in its search box (from the key to
   the table holding the new page, under Pilot, without the debounce wait).
3. Opening: in fresh subprocesses, from the shell until (a) a bare Textual app has drawn its
   first frame and (b) quiz has shown the browser's first page (all decks), as
   bench_ui.py measures the library. Medians and the ratio (budget 1.3x).

`--index` runs a `CREATE INDEX` on the database first: how an index would be measured
before asking for a schema migration.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_ui import BARE_APP, timed, write_decks  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)

SEARCHES = [
    ("every card, by deck", "", "deck"),
    ("every card, by prompt", "", "prompt"),
    ("every card, by due", "", "due"),
    ("every card, by retrievability", "", "retrievability"),
    ("one word", "river", "deck"),
    ("two prefixes", "riv bri", "deck"),
    ("one letter", "a", "deck"),
    ("a tag", "tag:europe", "deck"),
    ("suspended", "is:suspended", "deck"),
    ("due within a week", "due<7", "due"),
    ("forgotten often", "lapses>3 prop:r<0.8", "retrievability"),
    ("one deck, a word", "deck:bench-ui-07 river", "prompt"),
    ("no match", "zzzzqqq", "deck"),
]

BROWSER_OPEN = """
import gc
gc.disable()  # as quiz/commands/ui.py starts the full-screen app
import sys
from datetime import timezone
from pathlib import Path

import textual.app

from quiz.commands.ui import make_app
from quiz.config import Settings
from quiz.core.storage import Store
from quiz.ui.screens import browser

shown = browser.BrowserScreen.show_page
def show_and_leave(self, *args, **kwargs):
    shown(self, *args, **kwargs)
    self.app.call_after_refresh(self.app.exit)
browser.BrowserScreen.show_page = show_and_leave

store = Store.open(sys.argv[1], now=__import__("datetime").datetime.now(timezone.utc))
app = make_app(store=store, settings=Settings(), deck_dirs=[])
app.first_screen = lambda: browser.BrowserScreen()
gc.freeze()
gc.enable()
app.run(headless=True)
"""


def build_store(db: Path, decks: int, questions: int) -> None:
    """The decks reconciled into `db`, a third of the cards studied, some marked."""
    from quiz.config import Settings
    from quiz.core.library import scan
    from quiz.core.storage import Store

    folder = HERE / "out" / "ui-decks"
    write_decks(folder, decks, questions)
    start = time.perf_counter()
    with Store.open(db, now=NOW) as store:
        scan(store, [folder], settings=Settings(), now=NOW)
        cards = store.read("SELECT deck_id, card_key FROM cards")
        rng = random.Random(7)
        day = 86_400_000_000
        now_us = int(NOW.timestamp() * 1_000_000)
        studied = []
        for deck_id, key in cards:
            if rng.random() < 1 / 3:
                last = now_us - rng.randrange(1, 200) * day
                stability = rng.uniform(0.5, 300)
                due = last + int(stability * day)
                studied.append(
                    (
                        rng.choice((1, 2, 2, 2, 3)),
                        stability,
                        rng.uniform(1, 10),
                        due,
                        last,
                        rng.randrange(1, 30),
                        rng.randrange(0, 8),
                        int(rng.random() < 0.03),
                        rng.choice((0, 0, 0, 0, 0, 0, 0, 0, 1, 3)),
                        deck_id,
                        key,
                    )
                )
        with store.transaction():
            store._db.executemany(  # bench data: no API writes 38k schedules this fast
                "UPDATE cards SET state = ?, stability = ?, difficulty = ?, due = ?,"
                " last_review = ?, reps = ?, lapses = ?, suspended = ?, flag = ?"
                " WHERE deck_id = ? AND card_key = ?",
                studied,
            )
    took = time.perf_counter() - start
    print(f"store: {len(cards)} cards, {len(studied)} studied ({took:.0f} s)")


def search_times(db: Path, runs: int) -> None:
    from quiz.core.card_query import SearchContext, parse_query
    from quiz.core.storage import Store

    context = SearchContext(now=NOW)
    with Store.open(db, now=NOW) as store:
        print(f"{'search':>32}  {'page+count':>10}  {'matches':>7}")
        for label, text, order in SEARCHES:
            query = parse_query(text)
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                store.search_cards(query, context=context, order_by=order, limit=50)
                count = store.count_cards(query, context=context)
                samples.append(time.perf_counter() - start)
            print(f"{label:>32}  {statistics.median(samples) * 1000:7.1f} ms  {count:7}")


async def typing_times(db: Path, runs: int) -> None:
    """From a key typed in the search box to the first frame written after the table took
    the new page (frames turned into terminal bytes, as bench_ui.py's `FrameLog` does)."""
    from quiz.commands.ui import make_app
    from quiz.config import Settings
    from quiz.core.storage import Store
    from quiz.ui.screens.browser import BrowserScreen

    with Store.open(db, now=NOW) as store:
        app = make_app(store=store, settings=Settings(), deck_dirs=[], now=lambda: NOW)
        app.first_screen = lambda: BrowserScreen(debounce=0)  # type: ignore[method-assign]
        frames: list[float] = []
        display = app._display

        def display_and_log(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            from textual._compositor import CompositorUpdate

            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                frames.append(time.perf_counter())

        app._display = display_and_log  # type: ignore[method-assign]
        filled_at: list[float] = []
        show_page = BrowserScreen.show_page

        def show_and_note(self: BrowserScreen, *args: Any) -> None:
            show_page(self, *args)
            filled_at.append(time.perf_counter())

        BrowserScreen.show_page = show_and_note  # type: ignore[method-assign]
        samples: list[float] = []
        in_table: list[float] = []
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BrowserScreen)
            screen.set_focus(screen.search_box)
            for word in ("river", "bridges", "tag:europe", "deck:bench-ui-07 riv", "prop:r<0.85"):
                for _ in range(runs):
                    shown = screen.page_generation
                    screen.search_box.value = word[:-1]  # searched at once (no debounce)
                    while screen.page_generation == shown:
                        await asyncio.sleep(0.001)
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    shown = screen.page_generation
                    start = time.perf_counter()
                    await pilot.press(word[-1])
                    while screen.page_generation == shown:
                        await asyncio.sleep(0.001)
                    filled = filled_at[-1]
                    while not frames or frames[-1] < filled:
                        await pilot.pause()
                    samples.append(next(f for f in frames if f >= filled) - start)
                    in_table.append(filled - start)
                    await app.workers.wait_for_complete()
        table = statistics.median(in_table) * 1000
        print(f"key to the new page in the table: median {table:.0f} ms")
        print(
            f"key to the new page on screen: median {statistics.median(samples) * 1000:.0f} ms,"
            f" worst {max(samples) * 1000:.0f} ms ({len(samples)} keys)"
        )


def opening(db: Path, runs: int) -> None:
    compileall.compile_dir(ROOT / "quiz", quiet=1)
    env = dict(os.environ)
    bare, browser = [], []
    for _ in range(runs):
        bare.append(timed(BARE_APP, env=env))
        browser.append(timed(BROWSER_OPEN, str(db), env=env))
    for name, samples in (("bare Textual app", bare), ("quiz card browser", browser)):
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        print(f"{name:>18}: wall {wall * 1000:6.0f} ms   cpu {cpu * 1000:6.0f} ms")
    paired = statistics.median(q[0] / b[0] for b, q in zip(bare, browser, strict=True))
    print(f"{'paired ratio':>18}: wall {paired:.2f}x   (budget 1.3x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--decks", type=int, default=50)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--index", help="a CREATE INDEX statement to try first")
    parser.add_argument("--only", choices=("search", "typing", "open"))
    args = parser.parse_args()
    db = HERE / "out" / f"browser-{args.decks}x{args.questions}.sqlite3"
    if not db.exists():
        build_store(db, args.decks, args.questions)
    if args.index:
        import sqlite3

        with sqlite3.connect(db) as connection:
            connection.execute(args.index)
    if args.only in (None, "search"):
        search_times(db, args.runs)
    if args.only in (None, "typing"):
        asyncio.run(typing_times(db, args.runs))
    if args.only in (None, "open"):
        opening(db, args.runs)


if __name__ == "__main__":
    main()
