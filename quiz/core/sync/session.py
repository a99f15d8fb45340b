"""Syncing around a study session (`sync_on_study`), kept off the path to the first question.

This module imports only the standard library: the sync engine (with the scheduler and
fsrs) is imported on the job's own thread, a moment after the session starts, so a start
with `sync_on_study` on is as quick as one without.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.config import Settings


class SyncJob:
    """A sync on a thread of its own, through its own connection to `database`, started
    `delay` seconds from now; `wait()` gives what it did (or the problem that stopped it)
    as lines. It never raises: a folder that is not there is a line."""

    def __init__(self, database: Path, settings: Settings, *, delay: float = 1.0) -> None:
        self._database = database
        self._settings = settings
        self._delay = delay
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._run, name="quiz-sync", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        time.sleep(self._delay)
        from quiz.core.sync.engine import sync_lines

        self.lines = sync_lines(self._database, self._settings)

    def wait(self, timeout: float | None = None) -> list[str]:
        """The job's lines once it is done (none if still running after `timeout`)."""
        self._thread.join(timeout)
        return [] if self._thread.is_alive() else self.lines
