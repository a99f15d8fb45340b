"""Start-up of the library screen, and the cost of going from one answer to the next question.

    python tests/bench/bench_ui.py [--runs 7] [--decks 50] [--questions 2000]

1. Start-up: writes `--decks` synthetic decks of `--questions` questions each to
   `tests/bench/out/ui-decks/` (50 x 2000 = 100k questions, ~115k cards), reconciles them with a
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
import compileall
import gc
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
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

    # An installed quiz runs from compiled bytecode (pip compiles it; Textual's already
    # is). Compile ours now, so no run pays for compiling it, even where the environment
    # sets PYTHONDONTWRITEBYTECODE (this machine does).
    compileall.compile_dir(ROOT / "quiz", quiet=1)

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
            f"first scan (parse + reconcile {len(entries)} decks, {cards} cards):"
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
    # Each quiz run against the bare run just before it: a slow spell of the machine
    # then weighs on both sides of a ratio instead of on one median.
    paired_wall = statistics.median(q[0] / b[0] for b, q in zip(bare, library, strict=True))
    paired_cpu = statistics.median(q[1] / b[1] for b, q in zip(bare, library, strict=True))
    print(
        f"{'paired ratio':>18}: wall {paired_wall:.2f}x   cpu {paired_cpu:.2f}x   (median of runs)"
    )


class FrameLog:
    """What a terminal would get: each frame turned into bytes, with the CPU time it was ready.

    Headless, Textual composes every update but skips turning it into terminal bytes;
    this hook does that part too (`render_segments`, what `App._display` writes), so a
    frame costs here what it costs in a terminal. It also keeps a model of the screen
    (a character and style per cell) to tell when the screen stopped changing; the CPU
    spent on that model is left out of the recorded times.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.frames: list[tuple[float, tuple[tuple[tuple[str, Any], ...], ...]]] = []
        self.overhead = 0.0
        self.cells: list[list[tuple[str, Any]]] = []
        display = app._display

        def display_and_log(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return
            from textual._compositor import CompositorUpdate

            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                self.record(renderable)

        app._display = display_and_log

    def record(self, update: Any) -> None:
        ready = time.process_time()
        from textual._compositor import ChopsUpdate, LayoutUpdate

        width, height = self.app.size
        if len(self.cells) != height or (self.cells and len(self.cells[0]) != width):
            self.cells = [[(" ", None)] * width for _ in range(height)]
        if isinstance(update, LayoutUpdate):
            for y, strips in enumerate(update.strips):
                x = 0
                for strip in strips:
                    x = self.paint(x, y, strip)
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                for end, (x, strip) in zip(
                    update.chop_ends[y], update.chops[y].items(), strict=False
                ):
                    if strip is None or x > x2 or end <= x1:
                        continue
                    self.paint(x, y, strip.crop(0, min(end, x2) - x))
        self.frames.append((ready - self.overhead, tuple(tuple(row) for row in self.cells)))
        self.overhead += time.process_time() - ready

    def paint(self, x: int, y: int, strip: Any) -> int:
        row = self.cells[y] if y < len(self.cells) else []
        for segment in strip:
            if segment.control:
                continue
            for char in segment.text:
                if 0 <= x < len(row):
                    row[x] = (char, segment.style)
                x += 1
        return x

    def start(self) -> float:
        """Forget the frames so far (they would only load the collector) and return the
        CPU time now, net of the logging overhead, to compare with later frames."""
        self.frames.clear()
        return time.process_time() - self.overhead


async def quiet(log: FrameLog, seconds: float = 0.2) -> None:
    """Wait until no frame has been written for `seconds` (the cursor blinks every 0.5 s)."""
    while True:
        count = len(log.frames)
        await asyncio.sleep(seconds)
        if len(log.frames) == count:
            return


async def next_question(quizzes: int) -> None:
    from quiz.core.library import load

    deck = load(ROOT / "decks" / "belarus-prisoner-release-2025.toml")
    shown: list[float] = []  # CPU from Enter to the frame that leaves the screen as it stays
    busy: list[float] = []  # CPU from Enter to the last frame of the burst (next one prepared)
    frames: list[int] = []
    for seed in range(1, quizzes + 1):  # each quiz in its own order
        await take_quiz(deck, seed, shown, busy, frames)
    print(
        f"Enter -> next question on screen (plain prompts, {len(shown)} questions):"
        f" median {statistics.median(shown) * 1000:.1f} ms CPU,"
        f" max {max(shown) * 1000:.1f} ms (budget 16 ms)"
    )
    print(
        f"  ... and until the question after it is prepared off screen:"
        f" median {statistics.median(busy) * 1000:.1f} ms CPU, max {max(busy) * 1000:.1f} ms;"
        f" frames per Enter: median {statistics.median(frames):g}, max {max(frames)}"
    )


async def take_quiz(
    deck: Any, seed: int, shown: list[float], busy: list[float], frames: list[int]
) -> None:
    """Answer every question of `deck` right, timing each Enter after the feedback."""
    from datetime import datetime, timezone

    from textual import events

    from quiz.commands.ui import make_app
    from quiz.config import Settings
    from quiz.core.storage import Store
    from quiz.presentation.options import QuizOptions
    from quiz.screenshots import right_response
    from quiz.ui.app import Start
    from quiz.ui.screens.quiz import QuizScreen
    from quiz.ui.widgets.answers import AnswerInput

    now = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    with (
        tempfile.TemporaryDirectory() as scratch,
        Store.open(Path(scratch) / "q.sqlite3", now=now, synchronous="NORMAL") as store,
    ):
        app = make_app(
            store=store,
            settings=Settings(),
            start=Start(at="quiz", loaded=deck, quiz=QuizOptions(seed=seed)),
            now=lambda: now,
            deck_dirs=[],
        )
        gc.freeze()  # as `quiz take` does before running the app (quiz.commands.ui._run)
        async with app.run_test(size=(80, 24)) as pilot:
            log = FrameLog(app)
            while isinstance(screen := app.screen, QuizScreen):
                screen.view.query_one(AnswerInput).submit(right_response(screen.question))
                await pilot.pause()
                await quiet(log)  # the feedback is read
                last = screen.index + 1 >= len(screen.session.questions)  # type: ignore[arg-type]
                start = log.start()
                # The key as the terminal driver delivers it (Pilot.press would add its own
                # waiting, with a callback through every widget, to the time).
                app._driver.send_message(events.Key("enter", "\r"))
                await quiet(log)
                if last:  # this Enter opens the summary, not a question
                    await pilot.pause()
                    break
                after = log.frames
                final = after[-1][1]
                settled = next(
                    i for i in range(len(after)) if all(c == final for _, c in after[i:])
                )
                shown.append(after[settled][0] - start)
                busy.append(after[-1][0] - start)
                frames.append(len(after))
        gc.unfreeze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--decks", type=int, default=50)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--quizzes", type=int, default=3, help="news quizzes to take (next)")
    parser.add_argument("--only", choices=("startup", "next"), help="run one of the two measures")
    args = parser.parse_args()
    if args.only != "next":
        startup(args.runs, args.decks, args.questions)
    if args.only != "startup":
        asyncio.run(next_question(args.quizzes))


if __name__ == "__main__":
    main()
