"""Crash and concurrency tests: real processes, real SIGKILLs, one real database file.

The process under test (`tests/helpers/answer_loop.py`) prints a review id only
after the commit returned, so every printed id is an answer the learner saw
confirmed; none may be missing after a kill.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quiz.core.card_state import CardState, Phase
from quiz.core.storage.encoding import state_from_json

HELPER = Path(__file__).resolve().parent.parent / "helpers" / "answer_loop.py"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def start(db: Path, seed: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HELPER), str(db), str(seed), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def reported_ids(output: str) -> list[int]:
    """Complete lines only: a line cut by the kill was never fully reported."""
    lines = output.split("\n")[:-1]
    return [int(line) for line in lines if line != "ready"]


def check_database(db: Path, reported: set[int]) -> int:
    """Integrity, no lost answer, and every card equal to its newest logged state."""
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {row[0] for row in connection.execute("SELECT id FROM reviews")}
        assert reported - stored == set(), "answers reported as saved are missing"
        cards = connection.execute(
            "SELECT card_key, state, reps FROM cards WHERE deck_id = 'durable'"
        ).fetchall()
        for card_key, state, reps in cards:
            newest = connection.execute(
                "SELECT state_after_json FROM reviews WHERE card_key = ? ORDER BY id DESC LIMIT 1",
                (card_key,),
            ).fetchone()
            expected = CardState() if newest is None else state_from_json(newest[0])
            assert (Phase(state), reps) == (expected.state, expected.reps), card_key
        return len(stored)
    finally:
        connection.close()


def test_sigkill_at_random_moments_loses_no_confirmed_answer(tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite3"
    rng = random.Random(20260301)
    reported: set[int] = set()
    for round_number in range(50):
        process = start(db, round_number)
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first == "ready\n", process.stderr.read() if process.stderr else first
        time.sleep(rng.uniform(0.0, 0.12))
        os.kill(process.pid, signal.SIGKILL)
        output, _ = process.communicate(timeout=10)
        assert process.returncode == -signal.SIGKILL
        reported |= set(reported_ids(output))
        check_database(db, reported)
    assert len(reported) > 50, "the loop should have answered cards between kills"


def test_two_processes_answering_at_once_neither_fails_nor_loses_rows(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    setup = start(db, 0, "--count", "0")
    assert setup.communicate(timeout=30)[0] == "ready\n"
    workers = [start(db, seed, "--count", "300") for seed in (1, 2)]
    results = [worker.communicate(timeout=60) for worker in workers]
    for worker, (_, errors) in zip(workers, results, strict=True):
        assert worker.returncode == 0, errors
        assert "locked" not in errors
    ids = [reported_ids(output) for output, _ in results]
    assert [len(worker_ids) for worker_ids in ids] == [300, 300]
    assert min(ids[0]) < max(ids[1]) and min(ids[1]) < max(ids[0]), "the writers did not overlap"
    all_ids = set(ids[0]) | set(ids[1])
    assert len(all_ids) == len(ids[0]) + len(ids[1])
    assert check_database(db, all_ids) == len(all_ids)


OPEN_AND_RECONCILE = """
import sys
from datetime import datetime, timezone
from quiz.core.storage import Store
now = datetime(2026, 3, 1, tzinfo=timezone.utc)
with Store.open(sys.argv[1], now=now) as store:
    store.reconcile_deck("d", title="D", path=None, content_hash=None, card_keys=["a", "b"],
                         question_count=2, now=now)
"""


def test_processes_creating_one_database_at_once_all_succeed(tmp_path: Path) -> None:
    """The first open creates the schema; racing processes must wait for it, not redo it."""
    for trial in range(6):
        db = tmp_path / f"race-{trial}.sqlite3"
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AND_RECONCILE, str(db)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for racer in racers:
            _, errors = racer.communicate(timeout=60)
            assert racer.returncode == 0, errors
        connection = sqlite3.connect(db)
        assert connection.execute("SELECT count(*) FROM cards").fetchone() == (2,)
        connection.close()


def kill_deck(path: Path, questions: int) -> Path:
    """Cloze questions of three blanks each: a scheduled answer writes four rows at once."""
    lines = ['[deck]\nid = "killed"\ntitle = "Killed"\n']
    for n in range(questions):
        text = f"Alpha {{{{a{n}}}}} beta {{{{b{n}}}}} gamma {{{{c{n}}}}}."
        lines.append(f'[[questions]]\nid = "c{n}"\nkind = "cloze"\ntext = "{text}"\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_sigkill_during_a_scheduled_quiz_never_splits_an_answer_from_its_reviews(
    tmp_path: Path,
) -> None:
    """`quiz take --schedule` wrote the answer and its reviews in two transactions: 5 of 40
    kills left an answer without its review. Now every answer has all of its blanks'
    reviews, stamped with its own time, and no review lacks its answer."""
    deck = kill_deck(tmp_path / "killed.toml", 200)
    db = tmp_path / "quiz.sqlite3"
    rng = random.Random(20261206)
    for _ in range(40):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "quiz",
                "--db",
                str(db),
                "take",
                str(deck),
                "--plain",
                "--schedule",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("x\n" * 600)
        process.stdin.flush()
        first = process.stdout.readline()  # the quiz has started: answers are being written
        assert first.startswith("Quiz: Killed"), process.communicate(timeout=30)
        time.sleep(rng.uniform(0.0, 0.3))
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=10)
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        answers = connection.execute(
            "SELECT question_key, answered_at FROM attempt_answers"
        ).fetchall()
        reviews = connection.execute("SELECT card_key, reviewed_at FROM reviews").fetchall()
    finally:
        connection.close()
    assert len(answers) > 80, "the kills should land while answers are being written"
    by_answer: dict[tuple[str, int], int] = {}
    for card_key, reviewed_at in reviews:
        question_key = card_key.split(":", 1)[0]
        by_answer[(question_key, reviewed_at)] = by_answer.get((question_key, reviewed_at), 0) + 1
    assert by_answer == {(key, at): 3 for key, at in answers}
