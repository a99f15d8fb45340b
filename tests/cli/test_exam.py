"""`quiz take --exam` in plain mode and on the command line, and `quiz take --schedule`.

An exam asks for a name, prints the seed of its order, gives no verdict until
the end, ends when its time runs out (an answer after that is not counted), and
its unanswered questions count as asked and wrong in the results.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.core.library import load
from quiz.core.results.export import answer_rows
from quiz.core.storage import Store
from quiz.core.study import exam_seed
from quiz.plain import run_quiz
from quiz.presentation.options import QuizOptions

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT / "decks" / "belarus-prisoner-release-2025.toml"
NEWS_ID = "belarus-prisoner-release-2025"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


class Clock:
    """Each reading is `step` later than the one before (a learner who takes their time)."""

    def __init__(self, step: timedelta) -> None:
        self.now = NOW
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=NOW) as opened:
        yield opened


def asked_ids(store: Store, attempt_id: int) -> list[str]:
    return [q.question_key for q in store.attempt_questions(attempt_id)]


def test_exam_asks_the_name_prints_the_seed_and_waits_with_the_verdicts(store: Store) -> None:
    loaded = load(NEWS)
    out = io.StringIO()
    # An invalid name is asked again. The exam seed asks an order question first ("x" is
    # refused and asked again, "1 2 3 4" is a wrong order), then a flashcard (not known).
    lines = ["-oops", "Ann Lee", "x", "1 2 3 4", "", "n", ":q"]
    status = run_quiz(
        store,
        loaded,
        QuizOptions(exam=True, count=3),
        now=Clock(timedelta(seconds=1)),
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert status == 1  # handed in early
    seed = exam_seed(NEWS_ID)
    assert f"Seed {seed}: the same seed gives the same questions in the same order." in text
    assert "student Ann Lee" in text
    assert "Use letters, digits" in text  # "-oops" was refused
    before_end = text.split("Your answers:")[0]
    assert "Correct." not in before_end and "Wrong." not in before_end
    assert "Answer:" not in before_end  # no right answers shown during the exam
    (attempt,) = store.attempts(NEWS_ID)
    assert (attempt.mode, attempt.student, attempt.seed) == ("exam", "Ann Lee", seed)
    assert len(store.attempt_answers(attempt.id)) == 2
    # The end lists every question; the unanswered third counts as asked and wrong.
    assert "Not answered. 0 points." in text
    rows = answer_rows(store)
    assert [r.question_id for r in rows] == asked_ids(store, attempt.id)
    assert (rows[2].response, rows[2].correct, rows[2].points) == (None, False, 0.0)
    assert "2 of 3 answered" in text.strip().splitlines()[-1]


def test_every_student_gets_the_same_order_by_default_or_their_own_per_student(
    store: Store,
) -> None:
    loaded = load(NEWS)

    def order(options: QuizOptions) -> list[str]:
        run_quiz(
            store,
            loaded,
            options,
            now=Clock(timedelta(seconds=1)),
            stdin=io.StringIO(":q\n"),
            stdout=io.StringIO(),
        )
        return asked_ids(store, store.attempts(NEWS_ID)[-1].id)

    ann = order(QuizOptions(exam=True, student="Ann"))
    assert order(QuizOptions(exam=True, student="Bob")) == ann
    per_ann = order(QuizOptions(exam=True, student="Ann", per_student=True))
    per_bob = order(QuizOptions(exam=True, student="Bob", per_student=True))
    assert per_ann != per_bob  # 25 questions: a collision would be a broken hash
    assert order(QuizOptions(exam=True, student="ann", per_student=True)) == per_ann
    assert store.attempts(NEWS_ID)[-1].seed == exam_seed(NEWS_ID, "Ann")
    assert order(QuizOptions(exam=True, student="Cy", seed=42)) == order(
        QuizOptions(exam=True, student="Dee", per_student=True, seed=42)
    )  # an explicit --seed wins


def test_the_time_limit_ends_the_exam_and_a_late_answer_does_not_count(store: Store) -> None:
    loaded = load(NEWS)
    deck = loaded.deck
    first = deck.questions[0]
    assert first.kind == "short"
    out = io.StringIO()
    clock = Clock(timedelta(0))

    class SlowLearner(io.StringIO):
        """Each line takes 40 s to type: the first answer is in time, the second is not."""

        def readline(self, size: int | None = -1) -> str:
            clock.now += timedelta(seconds=40)
            return super().readline(size)

    status = run_quiz(
        store,
        loaded,
        QuizOptions(exam=True, student="Ann", shuffle=False, time_limit=60),
        now=clock,
        stdin=SlowLearner(f"{first.answer}\n\ny\nmore\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert status == 1
    assert "Time limit: 1:00." in text
    assert "That answer came after the time ran out and was not counted." in text
    assert "Time is up." in text
    (attempt,) = store.attempts(NEWS_ID)
    assert [a.question_key for a in store.attempt_answers(attempt.id)] == [first.id]
    assert attempt.finished_at is not None and attempt.score == 1
    assert attempt.max_score == sum(q.points for q in deck.questions)


def quiz_cli(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", "take", str(NEWS), "--plain", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={"QUIZ_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"},
    )


def test_cli_exam_records_the_mode_and_exports_unanswered_questions(tmp_path: Path) -> None:
    done = quiz_cli(tmp_path, "--exam", "--student", "Ann Lee", "--count", "2", stdin=":q\n")
    assert done.returncode == 1, done.stderr
    assert f"Seed {exam_seed(NEWS_ID)}:" in done.stdout
    exported = subprocess.run(
        [sys.executable, "-m", "quiz", "results", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QUIZ_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    rows = json.loads(exported.stdout)["rows"]
    assert [(r["student"], r["mode"], r["correct"], r["points"]) for r in rows] == [
        ("Ann Lee", "exam", False, 0),
        ("Ann Lee", "exam", False, 0),
    ]


def test_cli_rejects_per_student_shuffles_outside_an_exam(tmp_path: Path) -> None:
    done = quiz_cli(tmp_path, "--shuffle-per-student")
    assert done.returncode == 2
    assert "--shuffle-per-student is for exams: add --exam" in done.stderr


def test_cli_schedule_moves_the_review_schedule(tmp_path: Path) -> None:
    deck = load(NEWS).deck
    first = deck.questions[0]
    args = ("--no-shuffle", "--count", "1")
    assert quiz_cli(tmp_path, *args, stdin=f"{first.answer}\n").returncode == 0
    with Store.open(tmp_path / "quiz.sqlite3", now=NOW) as store:
        state = store.card_state(NEWS_ID, str(first.id))
        assert state is not None and state.reps == 0  # a plain quiz leaves it alone
    assert quiz_cli(tmp_path, *args, "--schedule", stdin=f"{first.answer}\n").returncode == 0
    with Store.open(tmp_path / "quiz.sqlite3", now=NOW) as store:
        state = store.card_state(NEWS_ID, str(first.id))
        assert state is not None and state.reps == 1 and state.due is not None
        (review,) = list(store.iter_reviews([NEWS_ID]))
        assert (review.card_key, review.correct) == (first.id, True)
