"""The schema each migration leaves is the one recorded in `tests/data/schema/`.

Migrations are append-only: once released, the tables and indexes a migration
creates must never change, or databases made by different releases would differ.
The expected `sqlite_master` rows (in creation order) were written by the code of
each release; a refactoring of the migrations must leave them identical.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz.core.storage import Store
from quiz.core.storage.schema import MIGRATIONS, SCHEMA_VERSION

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "schema" / "sqlite_master.json"
"""Schema version -> its `[type, name, tbl_name, sql]` rows."""

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def schema_rows(connection: sqlite3.Connection) -> list[list[str | None]]:
    """Every table, index and trigger of a database, in the order they were created."""
    return [
        list(row)
        for row in connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
        )
    ]


def migrated(version: int) -> list[list[str | None]]:
    """The schema migrations 1..`version` create on an empty database."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        for migration in MIGRATIONS[:version]:
            migration(connection)
        connection.execute("COMMIT")
        return schema_rows(connection)
    finally:
        connection.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_each_migration_creates_the_recorded_schema(version: int) -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert str(version) in expected, (
        f"no recorded schema {version} in {EXPECTED}; once the migration is final, add:\n"
        + json.dumps({str(version): migrated(version)}, indent=1)
    )
    assert migrated(version) == expected[str(version)]


def test_a_new_store_has_the_newest_recorded_schema(tmp_path: Path) -> None:
    Store.open(tmp_path / "quiz.sqlite3", now=NOW).close()
    connection = sqlite3.connect(tmp_path / "quiz.sqlite3")
    try:
        assert schema_rows(connection) == migrated(SCHEMA_VERSION)
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        connection.close()
