"""Shared fixtures: every test runs with its own data folder, never the developer's."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DECKS = ROOT / "decks"
DATA = Path(__file__).resolve().parent / "data"

collect_ignore = ["bench"]
"""The benchmarks are run by hand (tests/bench/README.md); pytest never walks or imports them."""


@pytest.fixture(autouse=True)
def isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point `quiz.paths` at a fresh folder so no test reads or writes real user data."""
    folder = tmp_path_factory.mktemp("quiz-data")
    monkeypatch.setenv("QUIZ_DATA_DIR", str(folder))
    monkeypatch.delenv("QUIZ_DB", raising=False)
    return folder


TtyRun = Callable[..., tuple[int, bytes]]


def _run_on_tty(*args: str | Path, stderr_too: bool = False) -> tuple[int, bytes]:
    """Run `python -m quiz ARGS` with stdout on a pseudo-terminal; its exit code and output.

    Commands sanitize deck and student text only when stdout is a terminal, so the
    tests of that need a real one.
    """
    primary, secondary = pty.openpty()
    try:
        code = subprocess.run(
            [sys.executable, "-m", "quiz", *map(str, args)],
            stdin=subprocess.DEVNULL,  # a prompt gets end of input, never pytest's stdin
            stdout=secondary,
            stderr=secondary if stderr_too else subprocess.PIPE,
            timeout=60,
            check=False,
        ).returncode
        os.close(secondary)
        output = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the pty reports EIO once the writer is gone
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(primary)
    return code, output


@pytest.fixture
def run_on_tty() -> TtyRun:
    """`run_on_tty(*args, stderr_too=False)`: `quiz ARGS` on a pseudo-terminal (stderr too
    when asked), as (exit code, output bytes)."""
    return _run_on_tty
