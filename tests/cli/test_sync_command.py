"""`quiz sync init | (run) | status` through the real CLI: two devices (two data folders)
sharing a plain folder, and a git repository with a bare remote in a temporary folder."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quiz.cli import main
from quiz.commands.sync import ProgressLine

DECK = """\
[deck]
id = "geo"
title = "Geography"

[[questions]]
id = "fr"
kind = "flashcard"
prompt = "Capital of France?"
answer = "Paris"

[[questions]]
id = "pe"
kind = "flashcard"
prompt = "Capital of Peru?"
answer = "Lima"
"""


def run(data: Path, *args: str, given: str = "") -> Result:
    return CliRunner().invoke(main, list(args), input=given, env={"QUIZ_DATA_DIR": str(data)})


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "geo.toml"
    path.write_text(DECK, encoding="utf-8")
    return path


def reviewed(data: Path) -> list[str]:
    """The cards the plain review shows first today, as a stand-in for 'what is due'."""
    import sqlite3

    with sqlite3.connect(data / "quiz.sqlite3") as connection:
        return [row[0] for row in connection.execute("SELECT card_key FROM reviews ORDER BY 1")]


def test_two_devices_share_answers_through_a_folder(tmp_path: Path, deck: Path) -> None:
    laptop, desktop, shared = tmp_path / "laptop", tmp_path / "desktop", tmp_path / "shared"
    assert run(laptop, "sync", "init", str(shared)).exit_code == 0
    run(laptop, "review", str(deck), "--plain", given="\n3\n:q\n")
    result = run(laptop, "sync")
    assert result.exit_code == 0, result.output
    assert "wrote 1 event" in result.output
    assert run(desktop, "sync", "init", str(shared)).exit_code == 0
    run(desktop, "review", str(deck), "--plain", given=":q\n")
    result = run(desktop, "sync")
    assert result.exit_code == 0, result.output
    assert "read 1 new event from vm-" in result.output or "read 1 new event from" in result.output
    assert "updated 1 card" in result.output
    assert reviewed(desktop) == reviewed(laptop) == ["fr"]
    status = run(desktop, "sync", "status")
    assert status.exit_code == 0, status.output
    assert "this device: vm-" in status.output or "this device: " in status.output
    assert status.output.count(": 1 event, newest") == 1  # the laptop's answer


def test_sync_before_init_says_how_to_set_it_up(tmp_path: Path) -> None:
    result = run(tmp_path / "data", "sync")
    assert result.exit_code == 1
    assert "quiz sync init DIR" in result.output
    result = run(tmp_path / "data", "sync", "status")
    assert "quiz sync init DIR" in result.output


def test_the_database_inside_the_sync_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "Dropbox" / "quiz"
    result = run(data, "sync", "init", str(tmp_path / "Dropbox"))
    assert result.exit_code == 1
    assert "inside the sync folder" in result.output
    assert "Traceback" not in result.output


def test_a_folder_from_a_newer_quiz_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "quiz-sync.json").write_text('{"format": "quiz-sync", "version": 7}')
    result = run(tmp_path / "data", "sync", "init", str(shared))
    assert result.exit_code == 1 and "newer quiz" in result.output


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "learner",
    "GIT_AUTHOR_EMAIL": "learner@example.org",
    "GIT_COMMITTER_NAME": "learner",
    "GIT_COMMITTER_EMAIL": "learner@example.org",
}


def git(cwd: Path, *args: str) -> str:
    import os

    return subprocess.run(
        ["git", "-C", str(cwd), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_IDENTITY},
    ).stdout


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
def test_a_git_folder_is_committed_pulled_and_pushed(tmp_path: Path, deck: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    clones = [tmp_path / "laptop-repo", tmp_path / "desktop-repo"]
    git(tmp_path, "clone", "--quiet", str(remote), str(clones[0]))
    git(clones[0], "checkout", "--quiet", "-b", "main")
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    assert run(laptop, "sync", "init", str(clones[0])).exit_code == 0
    run(laptop, "review", str(deck), "--plain", given="\n3\n:q\n")
    first = run(laptop, "sync")  # the remote is empty: nothing to pull, the push makes main
    assert first.exit_code == 0, first.output
    assert "committed" in first.output and "pushed" in first.output
    git(tmp_path, "clone", "--quiet", str(remote), str(clones[1]))  # the second machine
    assert run(desktop, "sync", "init", str(clones[1])).exit_code == 0
    run(desktop, "review", str(deck), "--plain", given=":q\n")
    result = run(desktop, "sync")
    assert result.exit_code == 0, result.output
    assert "read 1 new event" in result.output and "pushed" in result.output
    run(desktop, "review", str(deck), "--plain", given="\n4\n:q\n")  # the desktop answers pe
    assert run(desktop, "sync").exit_code == 0
    result = run(laptop, "sync")
    assert result.exit_code == 0, result.output
    assert "pulled" in result.output and "read 1 new event" in result.output
    assert reviewed(laptop) == reviewed(desktop) == ["fr", "pe"]
    log = git(clones[0], "log", "--format=%s")
    assert "quiz sync: " in log


@needs_git
def test_an_unreachable_remote_is_a_message_and_local_history_stays(
    tmp_path: Path, deck: Path
) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "--quiet", "-b", "main", str(repo))
    git(repo, "remote", "add", "origin", str(tmp_path / "no-such-remote.git"))
    (repo / "README").write_text("x")
    git(repo, "add", "README")
    git(repo, "commit", "--quiet", "-m", "start")
    git(repo, "config", "branch.main.remote", "origin")
    git(repo, "config", "branch.main.merge", "refs/heads/main")
    data = tmp_path / "data"
    assert run(data, "sync", "init", str(repo)).exit_code == 0
    run(data, "review", str(deck), "--plain", given="\n3\n:q\n")
    result = run(data, "sync")
    assert result.exit_code == 1
    assert "git pull failed" in result.output
    assert "local history are not affected" in result.output
    assert "Traceback" not in result.output
    assert reviewed(data) == ["fr"]


@needs_git
def test_a_folder_its_git_work_tree_ignores_syncs_as_a_plain_folder(
    tmp_path: Path, deck: Path
) -> None:
    """A sync folder under a project's ignored `out/`: git would refuse its files at every
    sync, so it is not driven; a folder the work tree keeps is committed."""
    project = tmp_path / "project"
    git(tmp_path, "init", "--quiet", "-b", "main", str(project))
    (project / ".gitignore").write_text("out/\n")
    data = tmp_path / "data"
    assert run(data, "sync", "init", str(project / "out" / "sync")).exit_code == 0
    run(data, "review", str(deck), "--plain", given="\n3\n:q\n")
    result = run(data, "sync")
    assert result.exit_code == 0, result.output
    assert "wrote 1 event" in result.output
    assert "committed" not in result.output and "git add" not in result.output
    assert git(project, "status", "--porcelain") == "?? .gitignore\n"
    other = tmp_path / "other"
    assert run(other, "sync", "init", str(project / "kept")).exit_code == 0
    nothing_yet = run(other, "sync")  # no event of this device yet: nothing to add
    assert nothing_yet.exit_code == 0, nothing_yet.output
    run(other, "review", str(deck), "--plain", given="\n3\n:q\n")
    assert "committed" in run(other, "sync").output


QUIZ = """\
[deck]
id = "capitals"
title = "Capitals"

[[questions]]
id = "fr"
kind = "short"
prompt = "Capital of France?"
answer = "Paris"

[[questions]]
id = "pe"
kind = "short"
prompt = "Capital of Peru?"
answer = "Lima"
"""


def test_a_class_folder_carries_attempts_to_the_teacher_and_nothing_else(
    tmp_path: Path,
) -> None:
    deck = tmp_path / "capitals.toml"
    deck.write_text(QUIZ, encoding="utf-8")
    folder = tmp_path / "class"
    for student, answers in (("ann", "Paris\n\nLima\n\n\n"), ("bob", "Rome\n\nLima\n\n\n")):
        data = tmp_path / student
        assert run(data, "sync", "init", str(folder), "--attempts-only").exit_code == 0
        take = run(
            data, "take", str(deck), "--plain", "--student", student, "--no-shuffle", given=answers
        )
        assert "Result:" in take.output, take.output
        run(data, "review", str(deck), "--plain", given="Paris\n3\n:q\n")  # self-study
        result = run(data, "sync")
        assert result.exit_code == 0, result.output
        assert "wrote 1 event" in result.output  # the attempt; the review stays private
    lines = [
        line
        for path in (folder / "devices").rglob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert len(lines) == 2 and all('"kind":"attempt"' in line for line in lines)
    teacher = tmp_path / "teacher"
    result = run(teacher, "results", "--from", str(folder), "--summary")
    assert result.exit_code == 0, result.output
    rows = result.output.strip().splitlines()
    assert rows[0].startswith("student,") and len(rows) == 3
    scores = {row.split(",")[0]: int(row.split(",")[9]) for row in rows[1:]}
    assert scores["ann"] > scores["bob"]  # bob's Rome was wrong
    table = run(teacher, "results", "merge", "--from", str(folder), "--format", "table")
    assert table.exit_code == 0, table.output
    assert "ann" in table.output and "bob" in table.output
    assert not (teacher / "quiz.sqlite3").exists()  # the teacher's own history is untouched


def test_merge_needs_files_or_a_folder(tmp_path: Path) -> None:
    result = run(tmp_path / "data", "results", "merge")
    assert result.exit_code == 2 and "--from" in result.output


def test_sync_on_study_syncs_when_a_session_ends(tmp_path: Path, deck: Path) -> None:
    data, shared = tmp_path / "data", tmp_path / "shared"
    assert run(data, "sync", "init", str(shared)).exit_code == 0
    (data / "config.toml").write_text("sync_on_study = true\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["review", str(deck), "--plain"],
        input="\n3\n:q\n",
        env={"QUIZ_DATA_DIR": str(data)},
    )
    assert result.stderr.splitlines() == ["sync: wrote 1, read 0 events"], (
        "the start's empty sync is quiet"
    )
    lines = [
        line
        for path in (shared / "devices").rglob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert sum('"kind":"answer"' in line for line in lines) == 1


def test_sync_on_study_with_the_folder_gone_says_so_and_keeps_the_answer(
    tmp_path: Path, deck: Path
) -> None:
    data, shared = tmp_path / "data", tmp_path / "shared"
    assert run(data, "sync", "init", str(shared)).exit_code == 0
    (data / "config.toml").write_text("sync_on_study = true\n", encoding="utf-8")
    shutil.rmtree(shared)  # an unplugged drive
    result = CliRunner().invoke(
        main, ["review", str(deck), "--plain"], input="\n3\n:q\n", env={"QUIZ_DATA_DIR": str(data)}
    )
    assert "Reviewed 1 card" in result.stdout
    assert "not a quiz sync folder" in result.stderr
    assert reviewed(data) == ["fr"]


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_a_long_sync_shows_its_step_on_one_rewritten_line_of_a_terminal() -> None:
    clock = iter([0.0, 0.05, 0.06, 0.2, 0.21, 0.3]).__next__
    terminal = FakeTerminal(tty=True)
    line = ProgressLine(terminal, every=0.1, clock=clock)
    line("writing events to the folder: 20,000 of 60,000")  # 0.0: shown
    line("writing events to the folder: 40,000 of 60,000")  # 0.05: too soon, same step
    line("reading the other devices' events: 10%")  # 0.06: a new step shows at once
    line("reading the other devices' events: 55%")  # 0.2
    line("reading the other devices' events: 99%")  # 0.21: too soon
    line("updating cards from \x1b[2Jevil: 1 of 2")  # 0.3: a name from a file, sanitized
    line.clear()
    shown = terminal.getvalue().split("\r\x1b[K")
    assert shown[:-1] == [
        "",
        "writing events to the folder: 20,000 of 60,000",
        "reading the other devices' events: 10%",
        "reading the other devices' events: 55%",
        shown[4],
    ]
    assert shown[4].startswith("updating cards from") and "\x1b" not in shown[4]
    assert shown[-1] == ""  # cleared


def test_progress_is_not_written_where_stderr_is_not_a_terminal(tmp_path: Path, deck: Path) -> None:
    pipe = FakeTerminal(tty=False)
    line = ProgressLine(pipe)
    line("writing events to the folder: 1 of 1")
    line.clear()
    assert pipe.getvalue() == ""
    laptop, shared = tmp_path / "laptop", tmp_path / "shared"
    run(laptop, "sync", "init", str(shared))
    run(laptop, "review", str(deck), "--plain", given="\n3\n:q\n")
    result = run(laptop, "sync")
    assert result.exit_code == 0 and "\r" not in result.output and "\x1b" not in result.output


def test_a_note_quoting_another_devices_file_is_printed_plain(tmp_path: Path, deck: Path) -> None:
    """Answers given on two devices while apart, one with another fsrs whose version (from
    its file) carries a terminal escape: the note says so without the escape."""
    from unittest.mock import patch

    laptop, desktop, shared = tmp_path / "laptop", tmp_path / "desktop", tmp_path / "shared"
    for device in (laptop, desktop):
        assert run(device, "sync", "init", str(shared)).exit_code == 0
    run(laptop, "review", str(deck), "--plain", given="\n3\n:q\n")
    with patch("quiz.core.scheduling.fsrs_version", return_value="6.0\x1b]0;owned\x07"):
        run(desktop, "review", str(deck), "--plain", given="\n1\n:q\n")  # later, offline
        assert run(desktop, "sync").exit_code == 0
    result = run(laptop, "sync")  # recomputes the desktop's answer on the laptop's
    assert result.exit_code == 0, result.output
    assert "answers given with fsrs 6.0 were recomputed" in result.output  # OSC removed
    assert "\x1b" not in result.output and "\x07" not in result.output
