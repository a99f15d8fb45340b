"""Files that are not plain readable files, through every command that reads one: a named
pipe, a folder, a dangling symlink, a symlink loop and an unreadable file each end in a
message naming the file (exit 1 or 2, no traceback, no hang); a symlink to a good deck
works like the deck.

Pipes and unreadable files run as real processes (a pipe that blocked would hang the
test process; permissions are the kernel's to enforce). As root, which reads anything,
the process runs without the capabilities that let it (`setpriv`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz.cli import main
from quiz.core.storage import Store

DECK = Path(__file__).resolve().parents[2] / "decks" / "chemistry-elements.toml"

COMMANDS: dict[str, list[str]] = {
    "check": ["check", "{file}"],
    "check --fix": ["check", "--fix", "{file}"],
    "check --format json": ["check", "--format", "json", "{file}"],
    "take --plain": ["take", "{file}", "--plain"],
    "take --plain --schedule": ["take", "{file}", "--plain", "--schedule"],
    "review --plain": ["review", "{file}", "--plain"],
    "export --to gift": ["export", "{file}", "--to", "gift"],
    "export --to csv": ["export", "{file}", "--to", "csv"],
    "stats DECK": ["stats", "{file}"],
    "import --from gift": ["import", "{file}", "--from", "gift", "-o", "{out}"],
    "import --from csv": ["import", "{file}", "--from", "csv", "-o", "{out}"],
    "import --from article": ["import", "{file}", "--from", "article", "-o", "{out}"],
    "results merge": ["results", "merge", "{file}"],
    "restore FILE": ["restore", "{file}"],
    "--db FILE stats": ["--db", "{file}", "stats"],
}
DECK_COMMANDS = [
    name for name in COMMANDS if not name.startswith(("import", "results", "restore", "--db"))
]


def command_line(name: str, file: Path, tmp: Path) -> list[str]:
    """The command `name` on `file`, with a study database of its own (one that exists, so
    `stats DECK` gets as far as the deck)."""
    with Store.open(tmp / "study.sqlite3", now=datetime(2026, 12, 6, tzinfo=timezone.utc)):
        pass
    out = tmp / "out.toml"
    args = [part.format(file=file, out=out) for part in COMMANDS[name]]
    return ["--db", str(tmp / "study.sqlite3"), *args] if name != "--db FILE stats" else args


def make(shape: str, tmp: Path) -> Path:
    target = tmp / "deck.toml"
    if shape == "folder":
        target.mkdir()
    elif shape == "dangling-symlink":
        target.symlink_to(tmp / "gone.toml")
    elif shape == "symlink-loop":
        (tmp / "other.toml").symlink_to(target)
        target.symlink_to(tmp / "other.toml")
    elif shape == "fifo":
        os.mkfifo(target)
    elif shape == "unreadable":
        shutil.copyfile(DECK, target)
        target.chmod(0)
    else:
        raise AssertionError(shape)
    return target


def assert_clean(exit_code: int, output: str, file: Path) -> None:
    assert exit_code in (1, 2), output
    assert "Traceback" not in output, output
    assert file.name in output, output  # the message names the file


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("shape", ["folder", "dangling-symlink", "symlink-loop"])
def test_a_file_that_is_not_a_file_is_named_in_process(
    shape: str, command: str, tmp_path: Path
) -> None:
    file = make(shape, tmp_path)
    result = CliRunner().invoke(main, command_line(command, file, tmp_path), input="")
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, repr(result.exception)
    assert_clean(result.exit_code, result.output, file)


def without_root_powers() -> list[str]:
    """A prefix that makes the process subject to file permissions even as root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("shape", ["fifo", "unreadable"])
def test_a_pipe_or_an_unreadable_file_is_named_by_a_real_process(
    shape: str, command: str, tmp_path: Path
) -> None:
    file = make(shape, tmp_path)
    done = subprocess.run(
        [
            *without_root_powers(),
            sys.executable,
            "-m",
            "quiz",
            *command_line(command, file, tmp_path),
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert_clean(done.returncode, done.stdout + done.stderr, file)


@pytest.mark.parametrize("command", DECK_COMMANDS)
def test_a_symlink_to_a_deck_is_the_deck(command: str, tmp_path: Path) -> None:
    deck = tmp_path / "real.toml"
    shutil.copyfile(DECK, deck)
    link = tmp_path / "linked.toml"
    link.symlink_to(deck)
    by_link = CliRunner().invoke(main, command_line(command, link, tmp_path), input="")
    assert by_link.exception is None or isinstance(by_link.exception, SystemExit)
    studying = command.startswith(("take", "review"))  # end of input stops them: status 1
    assert by_link.exit_code == (1 if studying else 0), by_link.output
    if studying:
        assert "Chemical elements" in by_link.output
    else:  # the same as the file itself, but for its name
        direct = CliRunner().invoke(main, command_line(command, deck, tmp_path), input="")
        assert by_link.output.replace("linked.toml", "real.toml") == direct.output
