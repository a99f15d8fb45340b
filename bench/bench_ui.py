"""Start-up of the library screen, and the cost of going from one answer to the next question.

    python bench/bench_ui.py [--runs 7] [--decks 50] [--questions 2000]

1. Start-up: writes `--decks` synthetic decks of `--questions` questions each to
   `bench/out/ui-decks/` (50 x 2000 = 100k questions, ~115k cards), syncs them into a
   fresh database once (what the first `quiz` run does), then times, in fresh
   subprocesses, from the shell until (a) a bare Textual app has drawn its first frame
   headless and exited, and (b) `quiz`'s library screen has listed every deck (read
   from the store's deck-file cache) and exited. Medians of wall time and of CPU
   time (user + system of the child), and the ratio (b)/(a).
2. Next question: in one process, takes the news deck quiz under Pilot and measures
   the CPU time (`time.process_time`) from pressing Enter after the feedback until the
   next question is on screen, for each question.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from gen_decks import deck_text  # noqa: E402

BARE_APP = """
from textual.app import App
class Bare(App):
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True)
"""

QUIZ_LIBRARY = """
import sys
from pathlib import Path
from quiz.cli import main
from quiz.ui.screens import library

expected = int(sys.argv[2])
shown = library.LibraryScreen.show_entries
def show_and_leave(self, entries):
    shown(self, entries)
    assert len(entries) == expected, len(entries)
    self.app.call_after_refresh(self.app.exit)
library.LibraryScreen.show_entries = show_and_leave

import textual.app
run = textual.app.App.run
textual.app.App.run = lambda self, **kw: run(self, headless=True)
sys.argv = ["quiz", "--db", sys.argv[1]]
main()
"""


def write_decks(folder: Path, decks: int, questions: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(decks):
        text = deck_text(questions, seed=number)
        text = re.sub(
            r'^id = "bench-\d+"', f'id = "bench-ui-{number:02d}"', text, count=1, flags=re.M
        )
        text = text.replace("Synthetic benchmark deck", f"Synthetic deck {number:02d}", 1)
        path = folder / f"deck-{number:02d}.toml"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        paths.append(path)
    return paths


def timed(code: str, *args: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of `python -c code args` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def startup(runs: int, decks: int, questions: int) -> None:
    from datetime import datetime, timezone

    from quiz.config import Settings
    from quiz.core.library import scan
    from quiz.core.storage import Store

    folder = HERE / "out" / "ui-decks"
    write_decks(folder, decks, questions)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch)
        (data / "decks").symlink_to(folder)  # the user decks folder quiz lists
        db = data / "quiz.sqlite3"
        now = datetime.now(timezone.utc)
        first = time.perf_counter()
        with Store.open(db, now=now) as store:
            entries = scan(store, [data / "decks"], settings=Settings(), now=now)
            cards = store.read("SELECT count(*) FROM cards")[0][0]
        print(
            f"first scan (parse + sync {len(entries)} decks, {cards} cards):"
            f" {time.perf_counter() - first:.1f} s"
        )
        env = {**os.environ, "QUIZ_DATA_DIR": str(data)}
        expected = str(decks + len(list((ROOT / "decks").glob("*.toml"))))
        bare, library = [], []
        for _ in range(runs):  # interleaved, so both see the same machine load
            bare.append(timed(BARE_APP, env=env))
            library.append(timed(QUIZ_LIBRARY, str(db), expected, env=env))
    for name, samples in (("bare Textual app", bare), ("quiz library", library)):
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        print(f"{name:>18}: wall {wall * 1000:6.0f} ms   cpu {cpu * 1000:6.0f} ms")
    ratio_wall = statistics.median(s[0] for s in library) / statistics.median(s[0] for s in bare)
    ratio_cpu = statistics.median(s[1] for s in library) / statistics.median(s[1] for s in bare)
    print(f"{'ratio':>18}: wall {ratio_wall:.2f}x   cpu {ratio_cpu:.2f}x   (budget 1.3x)")


async def next_question() -> None:
    from datetime import datetime, timezone

    from quiz.commands.ui import make_app
    from quiz.config import Settings
    from quiz.core.library import load
    from quiz.core.storage import Store
    from quiz.screenshots import right_response
    from quiz.ui.app import QuizOptions, Start
    from quiz.ui.screens.quiz import QuizScreen
    from quiz.ui.widgets.answers import AnswerInput

    deck = load(ROOT / "decks" / "belarus-prisoner-release-2025.toml")
    now = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    costs: list[float] = []
    with (
        tempfile.TemporaryDirectory() as scratch,
        Store.open(Path(scratch) / "q.sqlite3", now=now, synchronous="NORMAL") as store,
    ):
        app = make_app(
            store=store,
            settings=Settings(),
            start=Start(at="quiz", loaded=deck, quiz=QuizOptions(seed=1)),
            now=lambda: now,
            deck_dirs=[],
        )
        async with app.run_test(size=(80, 24)) as pilot:
            while isinstance(screen := app.screen, QuizScreen):
                screen.view.query_one(AnswerInput).submit(right_response(screen.question))
                await pilot.pause()
                await pilot.pause()  # the feedback is read: the next question is prepared
                start = time.process_time()
                await pilot.press("enter")
                await pilot.pause()
                costs.append(time.process_time() - start)
    costs = costs[:-1]  # the last Enter opens the summary, not a question
    print(
        f"answer -> next question (plain prompts, {len(costs)} questions):"
        f" median {statistics.median(costs) * 1000:.1f} ms CPU,"
        f" max {max(costs) * 1000:.1f} ms (budget 16 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--decks", type=int, default=50)
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    startup(args.runs, args.decks, args.questions)
    asyncio.run(next_question())


if __name__ == "__main__":
    main()
