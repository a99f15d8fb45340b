"""A path that is not a regular file (a pipe, a folder, a device) is refused by every
command that reads a deck, at once: a FIFO named `deck.toml` used to make `check`,
`check --fix` and `export` wait forever for a writer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = [
    ["check"],
    ["check", "--fix"],
    ["check", "--format", "json"],
    ["export", "--to", "gift"],
    ["export", "--to", "csv"],
    ["take", "--plain"],
    ["take", "--plain", "--schedule"],
    ["review", "--plain"],
    [],  # the deck page
]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "deck page")
def test_a_pipe_named_like_a_deck_is_refused_at_once(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "deck.toml"
    os.mkfifo(fifo)
    args = [*command[:1], str(fifo), *command[1:]]
    env = {**os.environ, "QUIZ_DATA_DIR": str(tmp_path / "data"), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "is a pipe (FIFO), not a deck file" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "deck.toml"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "quiz", "take", str(folder), "--plain"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
        env={**os.environ, "QUIZ_DATA_DIR": str(tmp_path / "data")},
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().endswith("is a folder, not a deck file")
