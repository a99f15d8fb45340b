"""Plain mode: quizzes and reviews as line prompts, answers piped in, a results line out."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz.config import Settings
from quiz.core.library import load
from quiz.core.models import (
    Cloze,
    Flashcard,
    Match,
    MultipleChoice,
    Numeric,
    Order,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from quiz.core.scheduling import Grade, overruled
from quiz.core.storage import Store
from quiz.plain import run_quiz, run_review
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT / "decks" / "belarus-prisoner-release-2025.toml"
HOSTILE = ROOT / "tests" / "ui" / "data" / "hostile.toml"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
SEED = 7


def lines_for(question: Question, order: list[str] | None, right: bool = True) -> list[str]:
    """The input lines that answer `question` right (or wrong) in plain mode."""

    def number(item: str) -> str:
        assert order is not None
        return str(order.index(item) + 1)

    if isinstance(question, Flashcard):
        return ["", "y" if right else "n"]
    if isinstance(question, TrueFalse):
        return ["t" if question.answer == right else "f"]
    if isinstance(question, SingleChoice):
        assert order is not None
        pick = question.answer if right else next(c for c in order if c != question.answer)
        return [number(pick)]
    if isinstance(question, MultipleChoice):
        return [" ".join(number(a) for a in question.answers)]
    if isinstance(question, Order):
        return [" ".join(number(item) for item in question.items)]
    if isinstance(question, Match):
        return [" ".join(number(right_side) for _, right_side in question.pairs)]
    if isinstance(question, Cloze):
        return [blank.answer for blank in question.blanks]
    if isinstance(question, Numeric):
        return [f"{question.answer:g}"]
    assert isinstance(question, ShortAnswer)
    return [question.answer if right else "no idea"]


def news_answers(right: bool = True) -> list[str]:
    deck = load(NEWS).deck
    lines: list[str] = []
    for question in deck.questions:  # --no-shuffle: deck order
        lines += lines_for(question, presented_order(question, deck.deck, SEED), right)
    return lines


RESULT = re.compile(
    r"^Result: (?P<score>[\d.]+)/(?P<max>[\d.]+) points \((?P<percent>\d+)%\),"
    r" (?P<verdict>passed|not passed)"
    r" \(pass mark 60%\), (?P<answered>\d+) of (?P<total>\d+) answered, time \d+:\d\d$"
)


def test_piped_quiz_prints_a_results_line_and_exits_0() -> None:
    answers = "\n".join(news_answers()) + "\n"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "quiz",
            "take",
            str(NEWS),
            "--plain",
            "--no-shuffle",
            "--seed",
            str(SEED),
        ],
        input=answers,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    match = RESULT.match(last)
    assert match, last
    total = f"{sum(q.points for q in load(NEWS).deck.questions):g}"
    assert match.group("score", "max", "percent", "verdict", "answered", "total") == (
        total,
        total,
        "100",
        "passed",
        "25",
        "25",
    )
    assert "\x1b" not in done.stdout


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=NOW) as opened:
        yield opened


def clock() -> datetime:
    return NOW


def test_wrong_answers_and_bad_input(store: Store) -> None:
    loaded = load(NEWS)
    deck = loaded.deck
    first, second = deck.questions[0], deck.questions[1]
    assert first.kind == "short" and second.kind == "flashcard"
    lines = ["no idea", "", "maybe", "y"]
    out = io.StringIO()
    status = run_quiz(
        store,
        loaded,
        QuizOptions(shuffle=False, seed=SEED, count=2),
        now=clock,
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert status == 0
    assert "Wrong. 0 of 1 points." in text
    assert "Answer: Ales Bialiatski, Maria Kalesnikava, and 121 other prisoners" in text
    assert "Please type y (knew it) or n (did not)." in text
    assert text.strip().splitlines()[-1] == (
        "Result: 1/2 points (50%), not passed (pass mark 60%), 2 of 2 answered, time 0:00"
    )


def test_quitting_early_keeps_the_answers_and_exits_1(store: Store) -> None:
    loaded = load(NEWS)
    out = io.StringIO()
    status = run_quiz(
        store,
        loaded,
        QuizOptions(shuffle=False, seed=SEED),
        now=clock,
        stdin=io.StringIO(loaded.deck.questions[0].answer + "\n:q\n"),
        stdout=out,
    )
    assert status == 1
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("Result: 1/28 points (4%), not passed")
    assert "1 of 25 answered" in last
    (attempt,) = store.attempts("belarus-prisoner-release-2025")
    assert attempt.finished_at is not None and attempt.score == 1


def test_hostile_deck_prints_no_control_characters(store: Store) -> None:
    out = io.StringIO()
    run_quiz(
        store,
        load(HOSTILE),
        QuizOptions(shuffle=False, seed=SEED),
        now=clock,
        stdin=io.StringIO("3\n[i]this[/i]\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "Click [@click=app.quit]here[/]" in text
    assert "Result: 2/2 points (100%)" in text


def test_review_answer_undo_and_finish(store: Store) -> None:
    loaded = load(NEWS)
    settings = Settings(fuzz=False, new_per_day=2)
    deck = loaded.deck
    first, second = deck.questions[0], deck.questions[1]
    lines = [
        first.answer,
        "4",  # right: Easy
        ":u",  # take it back: the first card is asked again
        first.answer,
        "4",
        "",  # the flashcard: reveal
        "4",  # Easy
    ]
    out = io.StringIO()
    status = run_review(
        store, loaded, settings, now=clock, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out
    )
    text = out.getvalue()
    assert status == 0, text
    assert "Undone." in text
    assert text.count("Who was released?") == 2
    assert "Grade: 1 Again (1m), 2 Hard (6m), 3 Good (10m), 4 Easy (8d) [3]:" in text
    assert "Reviewed 2 cards (Again 0, Hard 0, Good 0, Easy 2)." in text
    assert text.rstrip().endswith("Tomorrow (Tue 03 Mar): 0 cards due for review and 2 new.")
    assert len(list(store.iter_reviews())) == 2
    assert second.kind == "flashcard"


def test_a_failed_daily_backup_is_said_and_the_review_goes_on(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day's backup runs beside the review (off the path to the first card); a full
    disk there is reported and every answer is still saved."""
    import errno

    from quiz.core import backup

    def disk_full(path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", disk_full)
    loaded = load(NEWS)
    first = loaded.deck.questions[0]
    out = io.StringIO()
    stdin = io.StringIO(f"{first.answer}\n3\n:q\n")
    run_review(store, loaded, Settings(fuzz=False), now=clock, stdin=stdin, stdout=out)
    text = out.getvalue()
    assert text.count("The day's backup failed: could not write a backup of") == 1, text
    assert "No space left on device; the database itself is unchanged" in text
    assert len(list(store.iter_reviews())) == 1
    assert not list((store.path.parent / "backups").glob("*.sqlite3*"))


def test_review_the_learner_overrules_the_check(store: Store) -> None:
    """`:o` after a wrong verdict counts it right (then Hard/Good/Easy); 1 after a right one
    is Again ("I did not really know it"); both are logged with the checker's verdict."""
    loaded = load(NEWS)
    settings = Settings(fuzz=False, new_per_day=3)
    first = loaded.deck.questions[0]
    assert first.kind == "short"
    lines = [
        "something else entirely",  # judged wrong
        ":o",  # "I was right"
        "3",  # Good
    ]
    out = io.StringIO()
    run_review(
        store, loaded, settings, now=clock, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out
    )
    text = out.getvalue()
    assert "Grade: 1 Again (1m) (:o if you were right) [1]:" in text
    assert "Counted as right." in text
    (review,) = list(store.iter_reviews(["belarus-prisoner-release-2025"]))
    assert (review.correct, review.grade) == (False, 3)
    assert overruled(review.correct, Grade(review.grade))


def test_review_again_after_a_right_answer(store: Store) -> None:
    loaded = load(NEWS)
    first = loaded.deck.questions[0]
    out = io.StringIO()
    stdin = io.StringIO(f"{first.answer}\n1\n")
    run_review(store, loaded, Settings(fuzz=False), now=clock, stdin=stdin, stdout=out)
    (review,) = list(store.iter_reviews(["belarus-prisoner-release-2025"]))
    assert (review.correct, review.grade) == (True, 1)


def test_quiz_the_learner_overrules_a_verdict_with_o(store: Store) -> None:
    """`:o` at the next prompt turns the verdict on the answer before (then asks again), and
    at the end for the last answer; the score and the stored answer follow."""
    loaded = load(NEWS)
    options = QuizOptions(count=2, shuffle=False)
    first, second = loaded.deck.questions[0], loaded.deck.questions[1]
    assert first.kind == "short" and second.kind == "flashcard"
    lines = ["surely not this", ":o", "", "y", ":o"]
    out = io.StringIO()
    status = run_quiz(
        store, loaded, options, now=clock, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out
    )
    text = out.getvalue()
    assert status == 0, text
    assert "Counted as right: you overruled the check" in text
    assert "Counted as wrong: you overruled the check" in text
    assert text.rstrip().splitlines()[-1].startswith("Result: 1/2 points")
    (attempt,) = store.attempts()
    answers = store.attempt_answers(attempt.id)
    assert [(a.correct, a.overruled, a.checked_score) for a in answers] == [
        (True, True, 0.0),
        (False, True, 1.0),
    ]


THREE = """
[deck]
id = "three"
title = "Three"

[[questions]]
id = "one"
kind = "short"
prompt = "One?"
answer = "one"

[[questions]]
id = "two"
kind = "short"
prompt = "Two?"
answer = "two"

[[questions]]
id = "three"
kind = "short"
prompt = "Three?"
answer = "three"
"""


def test_quiz_skip_with_s_asks_the_question_again_after_the_others(
    store: Store, tmp_path: Path
) -> None:
    """`:s` puts a question at the back (it is asked again, marked skipped before); the
    last question left cannot be skipped; the answers are stored in the order given."""
    deck = tmp_path / "three.toml"
    deck.write_text(THREE, encoding="utf-8")
    lines = [":s", "two", ":s", "one", ":s", "three", ""]
    out = io.StringIO()
    status = run_quiz(
        store,
        load(deck),
        QuizOptions(shuffle=False),
        now=clock,
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert status == 0, text
    headers = [line.split(". ")[0] for line in text.splitlines() if line.startswith("Question ")]
    assert headers == [
        "Question 1 of 3",  # one: skipped
        "Question 1 of 3",  # two
        "Question 2 of 3",  # three: skipped
        "Question 2 of 3 (skipped before)",  # one
        "Question 3 of 3 (skipped before)",  # three: the last one left, not skipped
        "Question 3 of 3 (skipped before)",
    ]
    assert text.count("Skipped: it comes back after the others.") == 2
    assert text.count("This is the last question left: answer it, or :q to stop.") == 1
    assert text.rstrip().splitlines()[-1].startswith("Result: 3/3 points")
    (attempt,) = store.attempts()
    stored = {a.question_key: a.correct for a in store.attempt_answers(attempt.id)}
    assert stored == {"one": True, "two": True, "three": True}


def test_exam_has_no_skip(store: Store) -> None:
    """In an exam `:s` is an answer like any other (and wrong), not a skip."""
    loaded = load(NEWS)
    options = QuizOptions(count=1, shuffle=False, exam=True, student="Ann")
    out = io.StringIO()
    run_quiz(store, loaded, options, now=clock, stdin=io.StringIO(":s\n"), stdout=out)
    assert "Skipped" not in out.getvalue()
    (answer,) = store.attempt_answers(store.attempts()[0].id)
    assert answer.response_json == '":s"' and answer.correct is False


def test_match_past_26_pairs_and_digits_int_refuses(store: Store, tmp_path: Path) -> None:
    """Letters run on past Z (AA, AB, ...); `²` and a 5,000-digit number are input to ask
    again about, not a crash."""
    pairs = ",\n".join(f'["L{i}", "R{i}"]' for i in range(30))
    deck_file = tmp_path / "m.toml"
    deck_file.write_text(
        f'[deck]\nid = "m"\ntitle = "M"\n\n[[questions]]\nid = "m"\nkind = "match"\n'
        f'prompt = "Match"\npairs = [\n{pairs}\n]\n',
        encoding="utf-8",
    )
    loaded = load(deck_file)
    (question,) = loaded.deck.questions
    order = presented_order(question, loaded.deck.deck, SEED)
    assert order is not None
    right = " ".join(str(order.index(f"R{i}") + 1) for i in range(30))
    out = io.StringIO()
    status = run_quiz(
        store,
        loaded,
        QuizOptions(seed=SEED),
        now=clock,
        stdin=io.StringIO(f"²\n{'9' * 5000}\n{right}\n\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert status == 0, text
    assert "  AD) L29" in text and "For A, B, C," in text
    assert text.count("Please type 30 numbers from 1 to 30.") == 2
    assert text.rstrip().splitlines()[-1].startswith("Result: 1/1 points")


def test_plain_mode_says_which_stale_questions_it_left_out_or_kept(
    store: Store, tmp_path: Path
) -> None:
    deck = tmp_path / "news.toml"
    deck.write_text(
        '[deck]\nid = "news"\ntitle = "News"\n\n'
        '[[questions]]\nid = "a"\nkind = "short"\nprompt = "A?"\nanswer = "a"\n'
        "valid_until = 2026-02-01\n\n"
        '[[questions]]\nid = "b"\nkind = "short"\nprompt = "B?"\nanswer = "b"\n',
        encoding="utf-8",
    )
    loaded = load(deck)
    left_out = (
        "1 question is past its valid_until date and left out: the facts may no longer hold"
        " (quiz check lists them)."
    )
    out = io.StringIO()
    run_review(store, loaded, Settings(fuzz=False), now=clock, stdin=io.StringIO(""), stdout=out)
    assert left_out in out.getvalue().splitlines()
    assert "A?" not in out.getvalue()
    out = io.StringIO()
    run_quiz(store, loaded, QuizOptions(), now=clock, stdin=io.StringIO(""), stdout=out)
    assert left_out in out.getvalue().splitlines()
    out = io.StringIO()
    exam = QuizOptions(exam=True, student="Ann", shuffle=False)
    run_quiz(store, loaded, exam, now=clock, stdin=io.StringIO(""), stdout=out)
    assert (
        "This exam includes 1 question past its valid_until date: the facts may no longer hold"
        " (quiz check lists them)."
    ) in out.getvalue().splitlines()
