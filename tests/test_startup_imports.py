"""Start-up stays light: `quiz --help` and the library screen import no heavy library,
and plain mode never imports the full-screen UI.

The library must appear fast (tests/bench/README.md, "App start-up"): pydantic alone costs
~90 ms, fsrs and the answer checker ~40 ms. They belong to parsing a deck, a session
or `quiz optimize`, never to showing decks read from the store's cache. Timing tests
would be flaky on a busy machine, so this guards the cause instead: which modules a
fresh process has imported, as `tests/test_architecture.py` does for the UI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pydantic", "pydantic_core", "fsrs", "rapidfuzz", "tomlkit", "plotext", "textual_plotext")
"""Third-party packages that only deck parsing, sessions, saving settings or stats need."""

QUIZ_HEAVY = (
    "quiz.core.deckfile.loading",
    "quiz.core.deckfile.validation_errors",
    "quiz.core.deckfile.lint",
    "quiz.core.models",
    "quiz.core.cards",
    "quiz.core.study",
    "quiz.core.scheduling",
    "quiz.core.checking",
)
"""Our modules that import them (the loader, deck models, sessions, scheduling)."""

REPORT = (
    "\nimport sys\n"
    f"heavy = {HEAVY!r}\n"
    f"ours = {QUIZ_HEAVY!r}\n"
    "top = {m.split('.')[0] for m in sys.modules}\n"
    "found = {m for m in top if m in heavy} | {m for m in sys.modules if m in ours}\n"
    "print(' '.join(sorted(found)))\n"
    "print(' '.join(sorted(m for m in sys.modules if m.startswith('quiz.commands.'))))\n"
)
"""Prints two lines: the heavy modules imported, then our command modules imported."""

HELP = "from quiz.cli import main\nmain(['--help'], standalone_mode=False)\n" + REPORT

LIBRARY = (
    """
import sys
import textual.app
from quiz.cli import main
from quiz.ui.screens.library import LibraryScreen

shown = LibraryScreen.show_entries
def show_and_leave(self, entries):
    shown(self, entries)
    print(len(entries))
    self.app.call_after_refresh(self.app.exit)
LibraryScreen.show_entries = show_and_leave
run = textual.app.App.run
textual.app.App.run = lambda self, **options: run(self, headless=True)
main(['--db', sys.argv[1]], standalone_mode=False)
"""
    + REPORT
)


PLAIN = """
import sys
from quiz.cli import main
status = main(['--db', sys.argv[1], *sys.argv[2:]], standalone_mode=False)
print(status)
print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))
"""
"""Runs a plain command (its input piped in); prints its exit status, then the UI modules
imported."""

NEWS = Path(__file__).resolve().parent.parent / "decks" / "belarus-prisoner-release-2025.toml"


def loaded_by(code: str, *args: str, stdin: str = "") -> list[str]:
    """The output lines of `python -c code args`; the last names the heavy modules imported."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.splitlines()


def test_help_imports_nothing_heavy() -> None:
    line, _commands = loaded_by(HELP)[-2:]
    assert line == "", f"`quiz --help` imported: {line}"


def test_library_start_from_the_cache_imports_nothing_heavy(tmp_path: Path) -> None:
    db = str(tmp_path / "quiz.sqlite3")
    count, first, _commands = loaded_by(LIBRARY, db)[-3:]
    assert int(count) >= 2, "the bundled decks are listed"
    # The first start parses the bundled decks (nothing is cached yet): the loader and
    # pydantic come in. This shows the check sees them when they are there.
    assert "pydantic" in first.split() and "quiz.core.deckfile.loading" in first.split()
    count_again, again, commands = loaded_by(LIBRARY, db)[-3:]
    assert count_again == count
    assert again == "", f"the library start imported: {again}"
    # Subcommands are imported when used (quiz.cli.SUBCOMMANDS): `quiz` needs only its own,
    # and the module that opens the settings and the store for every command.
    assert commands.split() == ["quiz.commands.files", "quiz.commands.ui"]


@pytest.mark.parametrize("command", ["take", "review"])
def test_plain_commands_import_no_textual(tmp_path: Path, command: str) -> None:
    """`quiz take --plain` and `quiz review --plain`: a screen reader's quiz pays for no UI."""
    db = str(tmp_path / "quiz.sqlite3")
    lines = loaded_by(PLAIN, db, command, "--plain", str(NEWS), stdin=":q\n")
    status, ui = lines[-2:]
    assert any(line.startswith(("Quiz: ", "Review: ")) for line in lines), "it ran"
    assert status == "1", "`:q` ends it early"
    assert ui == "", f"`quiz {command} --plain` imported: {ui}"


PARSER = (
    "tomli",
    "quiz.core.deckfile.toml_syntax",
    "quiz.core.deckfile.validation_errors",
    "quiz.core.deckfile.toml_positions",
)
"""What parsing a deck file imports, and a start from the deck cache never needs."""

PLAIN_PARSER = PLAIN.replace(
    "print(status)\n",
    f"print(status)\nprint(' '.join(sorted(m for m in sys.modules if m in {PARSER!r})))\n",
)


@pytest.mark.parametrize("command", ["take", "review"])
def test_a_session_on_an_unchanged_deck_starts_from_the_cache(tmp_path: Path, command: str) -> None:
    """The first session parses the deck (the check sees the parser then); the next one
    starts from the validated-deck cache and imports no parser at all."""
    db = str(tmp_path / "quiz.sqlite3")
    first = loaded_by(PLAIN_PARSER, db, command, "--plain", str(NEWS), stdin=":q\n")
    assert "tomli" in first[-2].split()
    again = loaded_by(PLAIN_PARSER, db, command, "--plain", str(NEWS), stdin=":q\n")
    assert again[-2] == "", f"`quiz {command}` from the cache imported: {again[-2]}"


FULL_SCREEN_TAKE = """
import sys
import textual.app
from textual._compositor import CompositorUpdate

display = textual.app.App._display
def display_and_leave(self, screen, renderable):
    display(self, screen, renderable)
    if isinstance(renderable, CompositorUpdate) and not self._batch_count:
        if "Question 1 of" in renderable.render_segments(self.console):
            print("first frame")
            print(' '.join(sorted(m for m in sys.modules if m == 'quiz.core.storage'
                                  or m.startswith('quiz.core.storage.'))))
            textual.app.App._display = display
            self.exit()
textual.app.App._display = display_and_leave
run = textual.app.App.run
textual.app.App.run = lambda self, **options: run(self, headless=True)
from quiz.cli import main
main(['--db', sys.argv[1], 'take', sys.argv[2]], standalone_mode=False)
"""
"""`quiz take DECK` full screen until its first question is drawn: prints "first frame", the
store's modules imported by then, then (REPORT, at exit) the heavy ones imported by then."""

FIRST_FRAME_REPORT = FULL_SCREEN_TAKE.replace(
    '            print("first frame")\n',
    '            print("first frame")\n'
    f"            heavy = {HEAVY!r}\n"
    f"            ours = {QUIZ_HEAVY!r}\n"
    "            top = {m.split('.')[0] for m in sys.modules}\n"
    "            found = {m for m in top if m in heavy} | {m for m in sys.modules if m in ours}\n"
    "            print(' '.join(sorted(found)))\n",
)


def test_a_full_screen_quiz_draws_its_first_question_before_loading_the_deck(
    tmp_path: Path,
) -> None:
    """From the deck cache's outline: no pydantic, deck models, judge, scheduler or store
    before the first question is on screen (issue 15); they come right after it."""
    db = str(tmp_path / "quiz.sqlite3")
    first = loaded_by(FIRST_FRAME_REPORT, db, str(NEWS))
    # The first take parses the deck (nothing cached yet): the check sees the models then.
    assert "first frame" in first
    assert "quiz.core.models" in first[first.index("first frame") + 1].split()
    again = loaded_by(FIRST_FRAME_REPORT, db, str(NEWS))
    heavy, storage = again[again.index("first frame") + 1 : again.index("first frame") + 3]
    assert heavy == "", f"the first frame of `quiz take` imported: {heavy}"
    assert storage == "", f"the first frame of `quiz take` imported: {storage}"
