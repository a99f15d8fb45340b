"""Restoring the study database from a backup, and listing the backups `quiz restore` offers."""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quiz.core.backup import (
    DamagedDatabaseError,
    list_backups,
    newest_sound_backup,
    prune_backups,
    verify_backup,
    write_backup,
)
from quiz.core.storage.schema import SCHEMA_VERSION
from quiz.core.storage.store import Store
from quiz.errors import StoreError


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What `restore_database` did: the file restored, and where the replaced data was saved."""

    restored_from: Path
    saved_current: Path | None


def restore_database(database: Path, source: Path | None, *, now: datetime) -> RestoreResult:
    """Replace `database` with the backup `source` (default: the newest sound backup).

    The backup is verified first (`integrity_check`, known schema). The current data
    is saved before it is replaced: as a `pre-restore` backup when it opens and passes
    a backup's check, or, when it is damaged, by copying its files byte for byte into
    the backups folder as `...-damaged.sqlite3`. A healthy database is overwritten
    through the backup API (safe with other connections open); a damaged one is
    replaced by renaming.
    """
    if source is None:
        source = newest_sound_backup(database)
        if source is None:
            raise StoreError(f"no sound backup of {database} to restore")
    verify_backup(source, max_schema=SCHEMA_VERSION)
    if not database.exists():
        database.parent.mkdir(parents=True, exist_ok=True)
        _copy_database(source, database)
        return RestoreResult(restored_from=source, saved_current=None)
    # Pruning waits until the restore is done: it could otherwise delete `source`.
    saved: Path | None = None
    try:
        store = Store.open(database, now=now)
    except StoreError:
        pass  # damaged beyond opening
    else:
        with store, store._lock:
            try:
                saved = write_backup(store._db, database, "pre-restore", now, prune=False)
            except DamagedDatabaseError:
                pass  # opens, but fails the check: set aside byte for byte below
            else:
                reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    reader.backup(store._db)
                finally:
                    reader.close()
    if saved is None:
        saved = _set_aside(database, now)
        _copy_database(source, database)
    prune_backups(database)
    return RestoreResult(restored_from=source, saved_current=saved)


def _set_aside(database: Path, now: datetime) -> Path:
    """Copy a damaged database and its -wal/-shm files into backups/, untouched."""
    from quiz.paths import backups_dir

    folder = backups_dir(database)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"quiz-{now.strftime('%Y%m%d-%H%M%S')}-damaged.sqlite3"
    serial = 1
    while target.exists():
        serial += 1
        target = folder / f"quiz-{now.strftime('%Y%m%d-%H%M%S')}-{serial}-damaged.sqlite3"
    shutil.copy2(database, target)
    for suffix in ("-wal", "-shm"):
        sidecar = database.with_name(database.name + suffix)
        if sidecar.exists():
            shutil.copy2(sidecar, target.with_name(target.name + suffix))
    return target


def _copy_database(source: Path, database: Path) -> None:
    """Write `source` to `database` via a temporary file and an atomic rename."""
    partial = database.with_name(database.name + ".restoring")
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    writer = sqlite3.connect(partial)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
    descriptor = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(partial, database)


def backups_of(database: Path) -> list[Path]:
    """Backup files of `database`, oldest first (for `quiz restore` listings)."""
    return [info.path for info in list_backups(database)]
