"""`quiz` quit while its first scan is still parsing decks in the background.

The scan runs in a daemon thread started before Textual is imported
(`quiz.core.library.scan_in_background`) and shares the store with the app. A learner
who quits at once must get a clean exit, and the store must hold every deck either
fully reconciled or not at all, so the next start finishes the job.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from quiz.config import Settings
from quiz.core.library import scan
from quiz.core.storage import Store

DECKS = 40
QUESTIONS = 1500

QUIT_ON_MOUNT = """
import sys
import textual.app
from quiz.cli import main
from quiz.ui.screens.library import LibraryScreen

mounted = LibraryScreen.on_mount
def mount_and_quit(self):
    mounted(self)
    print("listed at mount:", len(self.entries), flush=True)
    self.app.exit()
LibraryScreen.on_mount = mount_and_quit
run = textual.app.App.run
textual.app.App.run = lambda self, **options: run(self, headless=True)
main(["--db", sys.argv[1]], standalone_mode=False)
"""


def write_decks(folder: Path) -> None:
    folder.mkdir()
    for number in range(DECKS):
        questions = "".join(
            f'\n[[questions]]\nkind = "short"\nid = "q{n}"\n'
            f'prompt = "Question {n} of deck {number}?"\nanswer = "answer {n}"\n'
            for n in range(QUESTIONS)
        )
        (folder / f"deck-{number:02d}.toml").write_text(
            f'[deck]\nid = "deck-{number:02d}"\ntitle = "Deck {number:02d}"\n{questions}'
        )


def test_quitting_during_the_first_scan_exits_cleanly_and_loses_nothing(
    isolated_data_dir: Path,
) -> None:
    write_decks(isolated_data_dir / "decks")  # the user decks folder the library lists
    db = isolated_data_dir / "quiz.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", QUIT_ON_MOUNT, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    # Parsing 40 decks of 1,500 questions takes seconds: the app was up long before.
    assert "listed at mount: 0" in done.stdout

    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        reconciled = connection.execute(
            "SELECT d.id, d.question_count, count(c.card_key) FROM decks d"
            " LEFT JOIN cards c ON c.deck_id = d.id WHERE d.id LIKE 'deck-%' GROUP BY d.id"
        ).fetchall()
    assert len(reconciled) < DECKS, "the scan was cut short"
    assert all(questions == cards for _, questions, cards in reconciled), "no deck half-reconciled"

    now = datetime.now(timezone.utc)
    with Store.open(db, now=now) as store:
        entries = scan(store, [isolated_data_dir / "decks"], settings=Settings(), now=now)
    # The library also lists decks the store knows from elsewhere (the bundled ones the
    # first start reconciled): the folder's own are what this test wrote.
    folder = isolated_data_dir / "decks"
    assert [(e.title, e.question_count, e.ok) for e in entries if e.path.parent == folder] == [
        (f"Deck {n:02d}", QUESTIONS, True) for n in range(DECKS)
    ]
