"""`quiz backup`, `quiz restore`, `quiz doctor`, and how every command reports a bad database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from quiz.cli import main
from quiz.core.card_state import CardState, Phase
from quiz.core.storage import Store
from quiz.errors import StoreError

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
STUDIED = CardState(Phase.REVIEW, None, 3.0, 5.0, NOW + timedelta(days=3), NOW, 1, 0)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "study" / "quiz.sqlite3"
    with Store.open(path, now=NOW) as store:
        store.reconcile_deck(
            "geo",
            title="G",
            path=None,
            content_hash=None,
            card_keys=["a", "b"],
            question_count=2,
            now=NOW,
        )
        store.record_review("geo", "a", after=STUDIED, grade=3, reviewed_at=NOW)
    return path


def state_of(path: Path, key: str) -> CardState | None:
    with Store.open(path, now=NOW) as store:
        return store.card_state("geo", key)


def test_backup_prints_the_file_it_wrote(db: Path) -> None:
    result = run("--db", str(db), "backup")
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.strip())
    assert written.parent == db.parent / "backups"
    assert written.name.endswith("-manual.sqlite3") and written.is_file()


def test_backup_honours_quiz_db_from_the_environment(db: Path) -> None:
    result = run("backup", env={"QUIZ_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).parent == db.parent / "backups"


def test_backup_of_a_missing_database_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    result = run("--db", str(missing), "backup")
    assert result.exit_code == 1
    assert "no study database at" in result.stderr
    assert not missing.exists()


def test_restore_round_trip_through_the_cli(db: Path) -> None:
    snapshot = Path(run("--db", str(db), "backup").stdout.strip())
    with Store.open(db, now=NOW) as store:
        store.record_review("geo", "b", after=STUDIED, grade=3, reviewed_at=NOW)
    result = run("--db", str(db), "restore", snapshot.name)  # a bare name from backups/
    assert result.exit_code == 0, result.output
    assert f"from {snapshot}." in result.stdout
    assert "The replaced database was saved as" in result.stdout
    assert state_of(db, "b") == CardState()
    assert state_of(db, "a") == STUDIED
    listing = run("--db", str(db), "restore", "--list").stdout.splitlines()
    assert str(snapshot) in listing and any(
        line.endswith("-pre-restore.sqlite3") for line in listing
    )


def test_restore_of_a_missing_backup_is_an_error(db: Path) -> None:
    result = run("--db", str(db), "restore", "nope.sqlite3")
    assert result.exit_code == 1
    assert "no such backup file" in result.stderr


def test_doctor_reports_then_repairs_then_finds_nothing(db: Path) -> None:
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute(
        "INSERT INTO attempt_answers (attempt_id, position, question_key, score, points,"
        " answered_at) VALUES (5, 0, 'a', 1, 1, 1)"
    )
    connection.commit()
    connection.close()

    checked = run("--db", str(db), "doctor")
    assert checked.exit_code == 1
    assert checked.stdout.splitlines() == [
        "integrity: ok",
        "loose-answer: 1 attempt answer(s) without an attempt (found)",
        "Run `quiz doctor --repair` to fix these.",
    ]
    repaired = run("--db", str(db), "doctor", "--repair")
    assert repaired.exit_code == 0
    assert "loose-answer: 1 attempt answer(s) without an attempt (repaired)" in repaired.stdout
    again = run("--db", str(db), "doctor", "--repair")
    assert (again.exit_code, again.stdout) == (0, "integrity: ok\nNo problems found.\n")


def test_damaged_database_is_one_line_naming_the_newest_backup(db: Path) -> None:
    newest = Path(run("--db", str(db), "backup").stdout.strip())
    db.write_bytes(b"\x00garbage" * 512)
    before = db.read_bytes()
    for command in (["doctor"], ["backup"]):
        result = run("--db", str(db), *command)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {db} is damaged (file is not a database). Newest sound backup: {newest}."
            f" Restore it with: quiz restore {newest}\n"
        )
    assert db.read_bytes() == before
    restored = run("--db", str(db), "restore")
    assert restored.exit_code == 0, restored.output
    assert state_of(db, "a") == STUDIED


def test_the_quiz_group_turns_any_commands_store_error_into_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @click.command("explode")
    def explode() -> None:
        raise StoreError("quiz.sqlite3 \x1b[31mis damaged")

    monkeypatch.setitem(main.commands, "explode", explode)
    result = run("explode")
    assert (result.exit_code, result.stderr) == (1, "Error: quiz.sqlite3 is damaged\n")


def test_a_store_error_from_the_real_executable_is_not_a_traceback(db: Path) -> None:
    """The real executable, as a learner runs it: message, exit 1, no traceback."""
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA user_version = 999")
    connection.close()
    done = subprocess.run(
        [sys.executable, "-m", "quiz", "--db", str(db), "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "was made by a newer quiz (schema 999)" in done.stderr


def test_doctor_on_a_damaged_page_names_the_backup_to_restore(db: Path) -> None:
    with Store.open(db, now=NOW) as store:
        for _ in range(400):
            store.record_review("geo", "b", after=STUDIED, grade=3, reviewed_at=NOW)
        newest = store.backup_now("daily", now=NOW)
    data = bytearray(db.read_bytes())
    data[-4096 + 8 : -8] = b"\xa5" * (4096 - 16)  # scribble over the last page's cells
    db.write_bytes(bytes(data))
    result = run("--db", str(db), "doctor", "--repair")
    assert result.exit_code == 1
    assert result.stdout.startswith("integrity: ")
    assert result.stderr == (
        f"Error: {db} is damaged. Newest sound backup: {newest}."
        f" Restore it with: quiz restore {newest}\n"
    )


def test_doctor_on_a_database_missing_a_table_is_a_finding_naming_the_backup(db: Path) -> None:
    """It was a `no such table` traceback."""
    newest = Path(run("--db", str(db), "backup").stdout.strip())
    connection = sqlite3.connect(db)
    connection.execute("DROP TABLE reviews")
    connection.close()
    result = run("--db", str(db), "doctor")
    assert result.exit_code == 1
    assert result.stdout == "integrity: table reviews is missing\n"
    assert result.stderr == (
        f"Error: {db} is damaged. Newest sound backup: {newest}."
        f" Restore it with: quiz restore {newest}\n"
    )
    stats = run("--db", str(db), "stats")
    assert stats.exit_code == 1
    assert stats.stderr.startswith(f"Error: {db} is damaged (no such table: reviews).")


def test_results_with_a_time_out_of_range_says_to_run_doctor(db: Path) -> None:
    """`quiz results` on a timestamp of 2**63 - 1 was an OverflowError traceback."""
    with Store.open(db, now=NOW) as store:
        store.start_attempt("geo", mode="quiz", started_at=NOW)
    connection = sqlite3.connect(db)
    connection.execute(f"UPDATE attempts SET started_at = {2**63 - 1}")
    connection.commit()
    connection.close()
    result = run("--db", str(db), "results")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the study database holds a time out of range ({2**63 - 1} µs);"
        " run: quiz doctor --repair\n"
    )
    assert run("--db", str(db), "doctor", "--repair").exit_code == 0
    assert run("--db", str(db), "results").exit_code == 0
