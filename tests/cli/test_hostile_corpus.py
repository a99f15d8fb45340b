"""Every hostile input of `tests/data/hostile/` through every command it is meant for.

The corpus and its MANIFEST.json (what each file is, which commands it targets, and
whether a careful program should accept or refuse it) were written by a helper who had
not read the code, the labels decided before anything ran. Each run must end with exit
status 0, 1 or 2, no traceback, within the time budget; and on a real terminal no escape
sequence of a deck reaches the screen (`test_escapes_never_reach_a_terminal`).

The runs are in-process (click's CliRunner) to keep CI fast, on a copy of each file (a
database given to `--db` would otherwise be written to).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import TtyRun

from quiz.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "MANIFEST.json").read_text("utf-8"))
BUDGET_S = 10.0


def argv(command: str, file: Path, tmp: Path) -> list[str]:
    """The command line that runs `command` (as the manifest names it) on `file`."""
    if command == "--db FILE stats":
        return ["--db", str(file), "stats"]
    if command == "restore FILE":
        return ["restore", str(file)]
    if command == "results merge":
        return ["results", "merge", str(file)]
    if command == "results merge --deck":
        return ["results", "merge", str(file), "--deck", str(RESULTS_DECK)]
    if command == "results regrade":
        return ["results", "regrade", str(RESULTS_DECK), str(file), "-o", str(tmp / "regraded")]
    if command == "import --from article --suggest":
        return ["import", str(file), "--from", "article", "--suggest", "-o", str(tmp / "s.toml")]
    if command == "check --fix":
        return ["check", "--fix", str(file)]
    if command.startswith("import --from "):
        return ["import", str(file), "--from", command.split()[-1], "-o", str(tmp / "out.toml")]
    if command.startswith("export --to "):
        return ["export", str(file), "--to", command.split()[-1]]
    if command == "take --plain":
        return ["take", str(file), "--plain"]
    if command == "take --plain --schedule":
        return ["take", str(file), "--plain", "--schedule"]
    if command == "review --plain":
        return ["review", str(file), "--plain"]
    if command == "check":
        return ["check", str(file)]
    if command == "stats":
        return ["stats", str(file)]
    if command == "check --format json":
        return ["check", "--format", "json", str(file)]
    raise AssertionError(f"the manifest names a command this driver does not know: {command}")


DECK_COMMANDS_TOO = [
    "review --plain",
    "take --plain --schedule",
    "check --format json",
    "stats",
    "check --fix",
]
"""Run on every deck the manifest meant for `take --plain`: the other ways a deck is read."""
ALSO = {
    "take --plain": DECK_COMMANDS_TOO,
    "results merge": ["results merge --deck", "results regrade"],
    "import --from article": ["import --from article --suggest"],
}
"""Commands added after the corpus was written, run on the inputs meant for their kin."""
RESULTS_DECK = Path(__file__).resolve().parents[1] / "data" / "results" / "capitals.toml"


def commands(entry: dict[str, Any]) -> list[str]:
    extra = [more for command in entry["for"] for more in ALSO.get(command, [])]
    return [*entry["for"], *extra]


RUNS = [
    pytest.param(entry, command, id=f"{entry['path']}|{command}")
    for entry in MANIFEST
    if not entry.get("generated")
    for command in commands(entry)
]


@pytest.mark.parametrize(("entry", "command"), RUNS)
def test_hostile_input_ends_cleanly(entry: dict[str, Any], command: str, tmp_path: Path) -> None:
    source = CORPUS / entry["path"]
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    started = time.monotonic()
    answers = "a\n" * 200 if command.endswith("--suggest") else ""  # accept every suggestion
    result = CliRunner().invoke(main, argv(command, copy, tmp_path), input=answers)
    elapsed = time.monotonic() - started
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{entry['what']}: {result.exception!r}\n{result.output[-2000:]}"
    assert result.exit_code in (0, 1, 2), result.output[-2000:]
    assert "Traceback" not in result.output
    assert elapsed < BUDGET_S, f"{elapsed:.1f} s"


def test_the_corpus_is_all_there() -> None:
    """At least 60 inputs, each listed once and present (the big ones are generated)."""
    paths = [entry["path"] for entry in MANIFEST]
    assert len(paths) >= 60 and len(set(paths)) == len(paths)
    for entry in MANIFEST:
        assert entry.get("generated") or (CORPUS / entry["path"]).is_file(), entry["path"]


ESCAPE_STARTS = (b"\x1b", b"\xc2\x9b", b"\xc2\x9d", b"\xc2\x90", b"\xc2\x9e", b"\xc2\x9f", b"\x07")
"""ESC, and the 8-bit C1 introducers (CSI, OSC, DCS, PM, APC) as UTF-8, and BEL (ends OSC)."""

TERMINAL_RUNS = [
    pytest.param(entry, command, id=f"{entry['path']}|{command}")
    for entry in MANIFEST
    if entry.get("sentinel") and not entry.get("generated")
    for command in entry["for"]
    if command in ("check", "take --plain")
]


def escape_before(output: bytes, sentinel: bytes) -> list[bytes]:
    """The bytes just before each place `sentinel` was written, where they hold an escape."""
    found = []
    start = output.find(sentinel)
    while start != -1:
        before = output[max(0, start - 24) : start]
        if any(mark in before for mark in ESCAPE_STARTS):
            found.append(before + sentinel)
        start = output.find(sentinel, start + 1)
    return found


@pytest.mark.parametrize(("entry", "command"), TERMINAL_RUNS)
def test_escapes_never_reach_a_terminal(
    entry: dict[str, Any], command: str, tmp_path: Path, run_on_tty: TtyRun
) -> None:
    """On a real terminal (a pty), the deck's escape payloads arrive defused: no ESC or C1
    byte right before any sentinel the file planted in them."""
    copy = tmp_path / Path(entry["path"]).name
    shutil.copyfile(CORPUS / entry["path"], copy)
    code, output = run_on_tty(*argv(command, copy, tmp_path), stderr_too=True)
    assert code in (0, 1, 2)
    assert b"Traceback" not in output
    assert escape_before(output, entry["sentinel"].encode()) == []


@pytest.fixture(scope="module")
def big_decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The decks at and past the 10 MiB limit, written by the corpus's own make_big.py."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("big")
    subprocess.run(
        [sys.executable, str(CORPUS / "make_big.py"), str(folder)], check=True, timeout=120
    )
    return folder


@pytest.mark.parametrize(
    "entry",
    [pytest.param(e, id=e["path"]) for e in MANIFEST if e.get("generated")],
)
def test_decks_at_the_size_limit(entry: dict[str, Any], big_decks: Path) -> None:
    """At most 10 MiB is a deck (checked within 30 s); one byte more is refused unread."""
    file = big_decks / entry["path"]
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", str(file)])
    assert time.monotonic() - started < 30
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == (0 if entry["expect"] == "ok" else 1), result.output[-500:]
    if entry["expect"] != "ok":
        assert "larger than the 10 MiB limit; split it into several deck files" in result.output
