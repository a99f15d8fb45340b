"""`quiz results` and `quiz results merge` on real files: each student's own database,
exported, handed in (twice, or broken), and merged into a class table."""

from __future__ import annotations

import json
import math
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import TtyRun

from quiz.cli import main
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.core.study import QuizSession

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DATA = Path(__file__).resolve().parent.parent / "data" / "results"
DECK = DATA / "capitals.toml"
RIGHT = {"q1": "Paris", "q2": "Lima", "q3": "Abuja", "q4": "Rome"}

# The class of tests/core/test_results.py (where the statistics are worked out by hand):
#            q1 q2 q3 q4   total
#   ann       1  1  1  1     4
#   bob       1  1  0  1     3
#   cy        1  0  0  1     2
#   dee       0  0  1  1     2
CLASS = {"ann": (1, 1, 1, 1), "bob": (1, 1, 0, 1), "cy": (1, 0, 0, 1), "dee": (0, 0, 1, 1)}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def sit(db: Path, student: str, marks: tuple[int, ...], minute: int) -> None:
    """One exam, through the session the app uses, in the student's own database."""
    moments = iter(T0 + timedelta(minutes=minute, seconds=5 * n) for n in range(100))
    loaded = load(DECK)
    with Store.open(db, now=T0) as store:
        session = QuizSession(
            store,
            loaded.deck,
            student=student,
            mode="exam",
            seed=3,
            shuffle=False,
            now=lambda: next(moments),
            path=str(DECK),
            content_hash=loaded.content_hash,
        )
        for question, mark in zip(session.questions, marks, strict=True):
            answer = RIGHT[question.id or ""] if mark else "no idea"
            session.answer(question, answer, duration_ms=2000)
        session.finish()


@pytest.fixture
def handed_in(tmp_path: Path) -> dict[str, Path]:
    """Each student's result file: ann and cy as CSV, bob and dee as JSON."""
    files = {}
    for minute, (student, marks) in enumerate(CLASS.items()):
        db = tmp_path / f"{student}.sqlite3"
        sit(db, student, marks, minute)
        suffix = ".csv" if student in ("ann", "cy") else ".json"
        files[student] = tmp_path / f"{student}{suffix}"
        result = run("--db", db, "results", "-o", files[student])
        assert result.exit_code == 0, result.output
        assert result.stderr == f"wrote {files[student]}: 4 answers in 1 attempt\n"
        first = files[student].read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("student,deck_id," if suffix == ".csv" else '{"format": "quiz')
    return files


def test_export_csv_to_stdout(tmp_path: Path) -> None:
    db = tmp_path / "ann.sqlite3"
    sit(db, "ann", (1, 0, 1, 1), 0)
    result = run("--db", db, "results", DECK, "--student", "ann")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "student,deck_id,deck_hash,attempt_id,mode,started,finished,attempt_max_score,"
        "question_id,response,correct,points,max_points,time_ms,overruled,checked_points,"
        "original_points,original_correct,regraded"
    )
    digest = load(DECK).content_hash
    assert lines[2] == (
        f"ann,capitals,{digest},1,exam,2026-03-02T09:00:05.000Z,2026-03-02T09:00:30.000Z,4,"
        "q2,no idea,false,0,1,2000,false,,,,"
    )
    assert len(lines) == 5


def test_export_summary_with_the_decks_pass_mark(tmp_path: Path) -> None:
    db = tmp_path / "ann.sqlite3"
    sit(db, "ann", (1, 0, 1, 0), 0)
    sit(db, "ann", (1, 0, 0, 0), 1)
    result = run("--db", db, "results", "capitals", "--summary", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["format"], document["kind"]) == ("quiz-results", "summary")
    assert [
        (r["attempt_id"], r["duration_s"], r["score"], r["max_score"], r["percent"], r["passed"])
        for r in document["rows"]
    ] == [(1, 25.0, 2.0, 4.0, 50.0, True), (2, 25.0, 1.0, 4.0, 25.0, False)]  # pass mark 50


def test_merge_gives_the_hand_computed_class_table(
    handed_in: dict[str, Path], tmp_path: Path
) -> None:
    again = tmp_path / "bob-again.json"
    shutil.copy(handed_in["bob"], again)  # bob handed in twice
    out = tmp_path / "class.json"
    result = run("results", "merge", *handed_in.values(), again, "-o", out)
    assert result.exit_code == 0, result.output
    table = json.loads(out.read_text(encoding="utf-8"))
    assert (table["attempts"], table["analysed"], table["duplicates"]) == (4, 4, 1)
    assert [(s["student"], s["score"], s["percent"]) for s in table["students"]] == [
        ("ann", 4.0, 100.0),
        ("bob", 3.0, 75.0),
        ("cy", 2.0, 50.0),
        ("dee", 2.0, 50.0),
    ]
    questions = {q["question_id"]: q for q in table["questions"]}
    assert {q: (v["attempts"], v["right"], v["flags"]) for q, v in questions.items()} == {
        "q1": (4, 3, "weak"),
        "q2": (4, 2, ""),
        "q3": (4, 2, "misleading"),
        "q4": (4, 4, "too easy"),
    }
    assert [questions[q]["facility"] for q in ("q1", "q2", "q3", "q4")] == [0.75, 0.5, 0.5, 1.0]
    assert questions["q1"]["discrimination"] == 0.0
    assert questions["q2"]["discrimination"] == round(100 / math.sqrt(3), 2) == 57.74
    assert questions["q3"]["discrimination"] == round(-50 / math.sqrt(2.75), 2) == -30.15
    assert questions["q4"]["discrimination"] is None
    # The readable table went to stderr.
    assert "Students (best attempt)" in result.stderr
    assert "misleading" in result.stderr
    assert "4 attempts, 1 duplicate dropped" in result.stderr


def test_merge_csv_has_three_tables(handed_in: dict[str, Path]) -> None:
    result = run("results", "merge", *handed_in.values())
    assert result.exit_code == 0, result.output
    assert result.stdout.replace("\r\n", "\n") == (
        "student,deck_id,attempts,score,max_score,percent\n"
        "ann,capitals,1,4,4,100\n"
        "bob,capitals,1,3,4,75\n"
        "cy,capitals,1,2,4,50\n"
        "dee,capitals,1,2,4,50\n"
        "\n"
        "deck_id,question_id,attempts,right,facility,discrimination,flags\n"
        "capitals,q1,4,3,0.75,0,weak\n"
        "capitals,q2,4,2,0.5,57.74,\n"
        "capitals,q3,4,2,0.5,-30.15,misleading\n"
        "capitals,q4,4,4,1,,too easy\n"
        "\n"
        "deck_id,question_id,answer,times,share,right\n"
        "capitals,q1,no idea,1,0.25,false\n"
        "capitals,q2,no idea,2,0.5,false\n"
        "capitals,q3,no idea,2,0.5,false\n"
    )
    assert result.stderr == ""


def test_merge_writes_one_file_per_table_each_named(
    handed_in: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "class.csv"
    result = run("results", "merge", *handed_in.values(), "-o", out)
    assert result.exit_code == 0, result.output
    names = ("students", "questions", "answers")
    written = [tmp_path / f"class-{name}.csv" for name in names]
    assert [line for line in result.stderr.splitlines() if line.startswith("wrote")] == [
        f"wrote {path}" for path in written
    ]
    assert written[0].read_text("utf-8").startswith("student,deck_id,attempts")
    assert written[2].read_text("utf-8").startswith("deck_id,question_id,answer,times")
    assert not out.exists()
    again = run("results", "merge", *handed_in.values(), "-o", out)
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_with_the_deck_every_choice_is_counted_even_one_nobody_picked(tmp_path: Path) -> None:
    """Distractor analysis: how often each wrong choice was picked, and which were not."""
    deck = tmp_path / "rivers.toml"
    deck.write_text(
        '[deck]\nid = "rivers"\ntitle = "Rivers"\n\n[[questions]]\nid = "long"\n'
        'kind = "choice"\nprompt = "Longest?"\nchoices = ["Nile", "Amazon", "Rhine", "Tiber"]\n'
        'answer = "Nile"\n',
        encoding="utf-8",
    )
    files = []
    for number, pick in enumerate(("Nile", "Amazon", "Amazon", "Rhine")):
        row = (
            f"s{number},rivers,h,1,exam,2026-03-02T09:00:00.000Z,2026-03-02T09:01:00.000Z,1,"
            f"long,{pick},{'true' if pick == 'Nile' else 'false'},{int(pick == 'Nile')},1,900"
        )
        path = tmp_path / f"s{number}.csv"
        header = (
            "student,deck_id,deck_hash,attempt_id,mode,started,finished,attempt_max_score,"
            "question_id,response,correct,points,max_points,time_ms"
        )
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        files.append(path)
    result = run("results", "merge", *files, "--deck", deck, "--format", "json")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)["answers"]
    assert [(a["answer"], a["times"], a["right"]) for a in answers] == [
        ("Amazon", 2, False),
        ("Nile", 1, True),
        ("Rhine", 1, False),
        ("Tiber", 0, False),
    ]


def test_merge_table_format(handed_in: dict[str, Path]) -> None:
    result = run("results", "merge", "--format", "table", *handed_in.values())
    assert result.exit_code == 0, result.output
    assert "│ q3       │        4 │     2 │      0.5 │    -30 │ misleading │" in result.stdout


def test_a_malformed_file_stops_the_merge_with_its_line(
    handed_in: dict[str, Path], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.csv"
    lines = handed_in["ann"].read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",exam,", ",test,")
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("results", "merge", handed_in["bob"], broken)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {broken}:4: error: mode must be quiz or exam, not 'test'\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["results", "nowhere"], "nowhere is neither a deck file nor a deck id"),
        (["results", "merge", "missing.csv"], "missing.csv: no such file"),
        (["results", "merge", "--format", "table", "-o", "x.txt", "y.csv"], None),
    ],
)
def test_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str | None
) -> None:
    db = tmp_path / "ann.sqlite3"
    sit(db, "ann", (1, 1, 1, 1), 0)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "y.csv").write_bytes(run("--db", db, "results").stdout_bytes)
    result = run("--db", db, *args)
    assert result.exit_code != 0
    if message is None:
        assert "--format table prints to the terminal; drop -o" in result.stderr
    else:
        assert message in result.stderr


def test_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    db = tmp_path / "ann.sqlite3"
    sit(db, "ann", (1, 1, 1, 1), 0)
    out = tmp_path / "ann.csv"
    out.write_text("keep me", encoding="utf-8")
    refused = run("--db", db, "results", "-o", out)
    assert refused.exit_code == 1
    assert "already exists; use --force to overwrite it" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = run("--db", db, "results", "-o", out, "--force")
    assert forced.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("student,deck_id,")


def test_no_database_and_no_attempts(tmp_path: Path) -> None:
    missing = run("--db", tmp_path / "none.sqlite3", "results")
    assert missing.exit_code == 1
    assert "no study database at" in missing.stderr
    db = tmp_path / "ann.sqlite3"
    sit(db, "ann", (1, 1, 1, 1), 0)
    nobody = run("--db", db, "results", "--student", "zed")
    assert nobody.exit_code == 0
    assert nobody.stdout.count("\n") == 1  # the header only
    assert nobody.stderr == "no attempts recorded for that student\n"


def test_hostile_names_never_reach_a_terminal(tmp_path: Path, run_on_tty: TtyRun) -> None:
    """A student name is untrusted: its escape sequences are stripped on a terminal."""
    db = tmp_path / "evil.sqlite3"
    sit(db, "eve\x1b]0;pwned\x07\x1b[2J", (1, 1, 1, 1), 0)
    export = run("--db", db, "results", "-o", tmp_path / "evil.csv")
    assert export.exit_code == 0
    merged = run("results", "merge", tmp_path / "evil.csv", "-o", tmp_path / "class.csv")
    assert merged.exit_code == 0 and "\x1b" not in merged.stderr and "eve" in merged.stderr
    code, output = run_on_tty("--db", str(db), "results")
    assert code == 0
    assert b"\r\neve,capitals," in output  # the whole OSC and CSI sequences are gone
    assert b"\x1b" not in output and b"\x07" not in output
