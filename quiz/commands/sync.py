"""`quiz sync`: share study history between devices through a folder the learner syncs.

`quiz sync init DIR` joins a folder (`--attempts-only` for a class folder), `quiz sync`
writes this device's new events out and reads the others' in, `quiz sync status` says
which devices it has seen and what is waiting. The work is `quiz.core.sync.engine`.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

import click

from quiz.commands.files import database_path, load_settings, open_store
from quiz.core.text import counted, sanitize


def _now() -> datetime:
    return datetime.now(timezone.utc)


class ProgressLine:
    """What a long sync is doing, on one line of a terminal's stderr that is rewritten as
    it goes (a first sync of years of history takes a minute or more) and cleared at the
    end. Not at all when stderr is not a terminal: a script's log gets the report only."""

    def __init__(
        self, stream: TextIO, *, every: float = 0.1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream
        self.every = every
        """Seconds between two lines of the same step; a new step shows at once."""
        self.clock = clock
        self.active = stream.isatty()
        self.shown: tuple[str, float] | None = None
        """The step last shown (its text before `:`) and when."""

    def __call__(self, line: str) -> None:
        if not self.active:
            return
        step, now = line.partition(":")[0], self.clock()
        if self.shown is not None and self.shown[0] == step and now - self.shown[1] < self.every:
            return
        self.shown = (step, now)
        width = max(10, shutil.get_terminal_size().columns - 1)
        self.stream.write("\r\x1b[K" + sanitize(line)[:width])
        self.stream.flush()

    def clear(self) -> None:
        if self.shown is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = None


@click.group("sync", invoke_without_command=True)
@click.pass_context
def sync(ctx: click.Context) -> None:
    """Share study history with your other devices through a synced folder.

    Without a subcommand: write this device's new answers and card changes to the folder
    and take in the other devices' (with `git pull --rebase` and `git push` when the
    folder is a git repository). Set it up once per device with `quiz sync init DIR`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from quiz.core.sync.engine import scheduler_records, sync_all

    settings = load_settings()
    progress = ProgressLine(sys.stderr)
    try:
        with open_store(database_path(ctx), settings=settings) as store:
            now = _now()
            sched_for = scheduler_records(store, settings, now)
            reports = sync_all(store, now=now, sched_for=sched_for, progress=progress)
    finally:
        progress.clear()
    failed = False
    for report in reports:
        what = "attempts" if report.scope == "attempts" else "history"
        click.echo(f"{sanitize(report.folder)} ({what}):")
        click.echo(f"  wrote {counted(report.written, 'event')}")
        moved = report.moved
        if report.scope == "all":
            line = f"  read {counted(moved.imported, 'new event')}"
            if moved.devices:
                line += f" from {', '.join(sorted(moved.devices))}"
            click.echo(line)
            if moved.cards:
                conflicts = (
                    f" ({counted(moved.conflicts, 'answer')} given offline on both sides,"
                    " recomputed)"
                    if moved.conflicts
                    else ""
                )
                click.echo(f"  updated {counted(moved.cards, 'card')}{conflicts}")
            if moved.attempts:
                click.echo(f"  added {counted(moved.attempts, 'quiz attempt')}")
            if moved.waiting:
                click.echo(
                    f"  {counted(moved.waiting, 'card')} or attempts wait for decks not"
                    " opened on this device yet"
                )
        if report.git:
            click.echo(f"  git: {', '.join(report.git)}")
        for note in report.notes:
            click.echo(f"  {sanitize(note)}")  # a note may quote another device's files
        for problem in report.problems:
            failed = True
            click.echo(f"  problem: {sanitize(problem)}", err=True)
    if failed:
        ctx.exit(1)


@sync.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--attempts-only",
    is_flag=True,
    help="A class folder: only quiz and exam attempts go there; self-study stays private.",
)
@click.pass_context
def init(ctx: click.Context, folder: Path, attempts_only: bool) -> None:
    """Sync this device through FOLDER (made if missing).

    FOLDER is one your devices already share: a git repository, or a folder synced by
    Syncthing, Nextcloud, Dropbox or a network share. Never put the study database
    itself there. History studied before joining goes out at the first `quiz sync`.
    """
    from quiz.core.sync.engine import join

    settings = load_settings()
    with open_store(database_path(ctx), settings=settings) as store:
        device = join(store, folder, scope="attempts" if attempts_only else "all", now=_now())
    click.echo(f"this device is {device}; syncing through {sanitize(str(folder.absolute()))}")
    click.echo("run `quiz sync` now and after studying (or set sync_on_study = true)")


@sync.command("status")
@click.pass_context
def status(ctx: click.Context) -> None:
    """Which devices this one has seen, their newest event, and what waits to be written."""
    settings = load_settings()
    with open_store(database_path(ctx), settings=settings) as store:
        setup = store.sync_setup()
        if setup is None:
            raise click.ClickException("sync is not set up on this device: run quiz sync init DIR")
        seen = store.devices_seen()
        unwritten = {
            record.folder: setup.next_seq - 1 - record.written_seq for record in setup.folders
        }
    click.echo(f"this device: {setup.device}")
    for record in setup.folders:
        scope = "attempts only" if record.scope == "attempts" else "everything"
        click.echo(f"folder: {sanitize(record.folder)} ({scope})")
        if unwritten[record.folder]:
            click.echo(f"  {counted(unwritten[record.folder], 'event')} not written there yet")
    click.echo("devices:")
    for device in seen:
        newest = (
            "-" if device.newest is None else device.newest.astimezone().strftime("%Y-%m-%d %H:%M")
        )
        mark = " (this one)" if device.device == setup.device else ""
        click.echo(f"  {device.device}{mark}: {counted(device.events, 'event')}, newest {newest}")
    if not seen:
        click.echo("  none yet: run quiz sync")
