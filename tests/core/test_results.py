"""Results for grading: rows from a real store, CSV/JSON round trips, and item statistics
checked against values computed by hand."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.core.models import Deck
from quiz.core.results.class_table import (
    AttemptScores,
    ItemScore,
    class_table,
    collect_attempts,
    discrimination_index,
    item_statistics,
)
from quiz.core.results.export import answer_rows, summary_rows, to_csv, to_json
from quiz.core.results.reading import ResultsFileError, read_answers
from quiz.core.results.records import (
    ANSWER_COLUMNS,
    ANSWER_FILE_COLUMNS,
    SUMMARY_COLUMNS,
    AnswerRow,
)
from quiz.core.storage import Store
from quiz.core.study import QuizSession

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    """Five seconds pass at every reading: each answer gets its own time."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=5)
        return self.now


DECK = Deck.model_validate(
    {
        "deck": {"id": "capitals", "title": "Capitals", "pass_mark": 50},
        "questions": [
            {"kind": "short", "id": f"q{n}", "prompt": f"Capital {n}?", "answer": answer}
            for n, answer in enumerate(("Paris", "Lima", "Abuja", "Rome"), start=1)
        ],
    }
)
RIGHT = {"q1": "Paris", "q2": "Lima", "q3": "Abuja", "q4": "Rome"}

# The fixed class: 1 = right, 0 = wrong. Every question is worth 1 point.
#            q1 q2 q3 q4   total
#   ann       1  1  1  1     4
#   bob       1  1  0  1     3
#   cy        1  0  0  1     2
#   dee       0  0  1  1     2
CLASS = {
    "ann": (1, 1, 1, 1),
    "bob": (1, 1, 0, 1),
    "cy": (1, 0, 0, 1),
    "dee": (0, 0, 1, 1),
}
# By hand, with x the item scores and r = total - x (the rest of the test):
# q1: x = 1,1,1,0  r = 3,2,1,2.  Facility 3/4 = 0.75.
#     mean x 0.75, mean r 2; dx = .25,.25,.25,-.75; dr = 1,0,-1,0
#     Sxy = .25 + 0 - .25 + 0 = 0  ->  r = 0, index 0 ("weak").
# q2: x = 1,1,0,0  r = 3,2,2,2.  Facility 0.5.
#     dx = .5,.5,-.5,-.5; mean r 2.25, dr = .75,-.25,-.25,-.25
#     Sxy = .375 - .125 + .125 + .125 = .5; Sxx = 1; Syy = .5625 + 3 * .0625 = .75
#     r = .5 / sqrt(.75) = 1/sqrt(3)  ->  index 100/sqrt(3) = 57.735...
# q3: x = 1,0,0,1  r = 3,3,2,1.  Facility 0.5.
#     dx = .5,-.5,-.5,.5; mean r 2.25, dr = .75,.75,-.25,-1.25
#     Sxy = .375 - .375 + .125 - .625 = -.5; Syy = .5625 + .5625 + .0625 + 1.5625 = 2.75
#     r = -.5 / sqrt(2.75)  ->  index -100 * .5 / sqrt(2.75) = -30.151... ("misleading").
# q4: everybody right: facility 1 ("too easy"), no variance, index undefined (empty).
EXPECTED = {
    "q1": (0.75, 0.0, ("weak",)),
    "q2": (0.5, 100 / math.sqrt(3), ()),
    "q3": (0.5, -50 / math.sqrt(2.75), ("misleading",)),
    "q4": (1.0, None, ("too easy",)),
}


def sit(
    store: Store,
    student: str | None,
    marks: Sequence[int],
    clock: Callable[[], datetime],
    *,
    skip: Sequence[str] = (),
    finish: bool = True,
) -> int:
    """One exam through the real `QuizSession`: 1 answers right, 0 answers wrong."""
    session = QuizSession(
        store, DECK, student=student, mode="exam", seed=7, shuffle=False, now=clock,
        content_hash="hash-1",
    )  # fmt: skip
    for question, mark in zip(session.questions, marks, strict=True):
        if question.id in skip:
            continue
        right = RIGHT[question.id or ""]
        session.answer(question, right if mark else "=WRONG()", duration_ms=1500)
    if finish:
        session.finish()
    return session.attempt_id


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "quiz.sqlite3", now=T0) as opened:
        yield opened


def class_store(store: Store) -> None:
    clock = Clock()
    for student, marks in CLASS.items():
        sit(store, student, marks, clock)


def test_answer_rows_come_from_the_sessions_answers(store: Store) -> None:
    clock = Clock()
    sit(store, "ann", (1, 0, 1, 1), clock, skip=("q3",))
    rows = answer_rows(store)
    assert [(r.question_id, r.response, r.correct, r.points, r.max_points) for r in rows] == [
        ("q1", "Paris", True, 1.0, 1.0),
        ("q2", "=WRONG()", False, 0.0, 1.0),
        ("q3", None, False, 0.0, 1.0),  # asked, never answered: wrong, no response, no time
        ("q4", "Rome", True, 1.0, 1.0),
    ]
    assert rows[2].time_ms is None
    first = rows[0]
    # The session read the clock at start (T0+5 s, 10 s to reconcile), per answer and at the end.
    assert (first.student, first.deck_id, first.deck_hash, first.mode) == (
        "ann", "capitals", "hash-1", "exam",
    )  # fmt: skip
    assert first.started == T0 + timedelta(seconds=10)
    assert first.finished == T0 + timedelta(seconds=30)
    assert first.attempt_max_score == 4.0  # the skipped question still counts
    assert first.time_ms == 1500
    assert first.record()["started"] == "2026-03-02T09:00:10.000Z"


def test_filters_by_deck_and_student(store: Store) -> None:
    class_store(store)
    assert {r.student for r in answer_rows(store, student="bob")} == {"bob"}
    assert answer_rows(store, deck_id="other") == []
    assert len(answer_rows(store, deck_id="capitals")) == 16


def test_summary_rows_score_percent_and_pass_mark(store: Store) -> None:
    clock = Clock()
    sit(store, "ann", (1, 1, 0, 0), clock)
    sit(store, "bob", (1, 0, 0, 0), clock, skip=("q2",), finish=False)  # abandoned
    # The pass mark stored with the attempt (the deck's 50) wins over the one given.
    ann, bob = summary_rows(store, pass_marks={"capitals": 90})
    assert (ann.score, ann.max_score, ann.percent, ann.passed, ann.answered) == (
        2.0, 4.0, 50.0, True, 4,
    )  # fmt: skip
    assert ann.record()["duration_s"] == 25.0
    # Unfinished: scored by its answers so far, out of every question it asked.
    assert (bob.finished, bob.score, bob.max_score, bob.passed) == (None, 1.0, 4.0, False)
    assert bob.record()["duration_s"] is None
    assert summary_rows(store)[0].passed is True  # no deck file needed


def test_csv_guards_formula_cells_and_reads_them_back(store: Store) -> None:
    sit(store, "=cmd|' /C calc'!A0", (1, 0, 1, 1), Clock())
    rows = answer_rows(store)
    text = to_csv(ANSWER_COLUMNS, [r.record() for r in rows])
    lines = text.splitlines()
    assert lines[0] == ",".join(ANSWER_COLUMNS)
    assert lines[2] == (
        "'=cmd|' /C calc'!A0,capitals,hash-1,1,exam,2026-03-02T09:00:10.000Z,"
        "2026-03-02T09:00:35.000Z,4,q2,'=WRONG(),false,0,1,1500"
    )
    assert text.endswith("\r\n")
    back = read_answers(text.encode(), "ann.csv")
    assert back == rows  # every response here is text, so CSV loses nothing


def test_json_round_trip_keeps_response_types(store: Store) -> None:
    sit(store, "ann", (1, 1, 1, 1), Clock())
    rows = answer_rows(store)
    flashcards = [row.record() | {"response": [True, {"a": "b"}]} for row in rows]
    text = to_json("answers", flashcards)
    assert text.count("\n") == len(rows) + 2  # header line, one row a line, closing line
    back = read_answers(text.encode(), "ann.json")
    assert [row.response for row in back] == [[True, {"a": "b"}]] * 4
    assert to_json("answers", []) == (
        '{"format": "quiz-results", "version": 1, "kind": "answers", "rows": []}\n'
    )


SAFE_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))


@given(student=SAFE_TEXT, response=SAFE_TEXT)
def test_csv_round_trips_any_student_and_response(student: str, response: str) -> None:
    # Text that already began with '= (or ''=) comes back as it was: the guard quotes it too.
    row = AnswerRow(
        student, "d", "", 1, "quiz", T0, None, None, "q", response, None, 0.5, 1.0, None
    )
    text = to_csv(ANSWER_COLUMNS, [row.record()])
    assert read_answers(text.encode(), "x.csv") == [row]


def test_item_statistics_match_the_hand_computation(store: Store) -> None:
    class_store(store)
    attempts, duplicates = collect_attempts([answer_rows(store)])
    stats = {item.question_id: item for item in item_statistics(attempts)}
    assert duplicates == 0
    for question_id, (facility, discrimination, flags) in EXPECTED.items():
        item = stats[question_id]
        assert item.attempts == 4
        assert item.facility == pytest.approx(facility, abs=1e-12)
        if discrimination is None:
            assert item.discrimination is None
        else:
            assert item.discrimination == pytest.approx(discrimination, abs=1e-9)
        assert item.flags == flags
    assert stats["q2"].record()["discrimination"] == 57.74
    assert stats["q3"].record()["discrimination"] == -30.15


def attempt(
    student: str, scores: dict[str, float], *, start: int = 0, points: float = 1.0
) -> AttemptScores:
    return AttemptScores(
        student=student,
        deck_id="d",
        deck_hash="",
        attempt_id=start + 1,
        started=T0 + timedelta(minutes=start),
        finished=T0 + timedelta(minutes=start, seconds=30),
        max_score=points * len(scores),
        items={q: ItemScore(s, points, s == points) for q, s in scores.items()},
    )


EDGE_CASES = [
    pytest.param(
        [attempt("solo", {"a": 1, "b": 0})],
        {"a": (1, 1.0, None, ("too easy",)), "b": (1, 0.0, None, ("too hard",))},
        id="one-student-has-no-correlation",
    ),
    pytest.param(
        [attempt("x", {"a": 1, "b": 1}), attempt("y", {"a": 1, "b": 0}, start=1)],
        {"a": (2, 1.0, None, ("too easy",)), "b": (2, 0.5, None, ())},
        id="everyone-right-is-zero-variance",
    ),
    pytest.param(
        # c is missing from z's attempt: its statistics use x and y only.
        # a: item 1,0,1, rest 2,0,0; dx 1/3,-2/3,1/3, dr 4/3,-2/3,-2/3
        #    Sxy 6/9, Sxx 6/9, Syy 24/9 -> r = (6/9) / sqrt(144/81) = 1/2
        # b: item 1,0,0, rest 2,0,1; dx 2/3,-1/3,-1/3, dr 1,-1,0
        #    Sxy 1, Sxx 6/9, Syy 2 -> r = 1 / sqrt(12/9) = sqrt(3)/2
        # c: item 1,0 with rest 2,0 -> r = 1 (two points always give +-1)
        [
            attempt("x", {"a": 1, "b": 1, "c": 1}),
            attempt("y", {"a": 0, "b": 0, "c": 0}, start=1),
            attempt("z", {"a": 1, "b": 0}, start=2),
        ],
        {
            "a": (3, 2 / 3, 50.0, ()),
            "b": (3, 1 / 3, 100 * math.sqrt(3) / 2, ()),
            "c": (2, 0.5, 100.0, ()),
        },
        id="missing-questions-use-the-attempts-that-have-them",
    ),
    pytest.param(
        [attempt("x", {"a": 0.5, "b": 2}, points=2), attempt("y", {"a": 0, "b": 0}, points=2)],
        {"a": (2, 0.125, 100.0, ("too hard",)), "b": (2, 0.5, 100.0, ())},
        id="partial-credit-facility-is-the-share-of-marks",
    ),
    pytest.param(
        # Each student's first attempt only: y's retake (all right) is left out.
        [
            attempt("y", {"a": 0, "b": 0}),
            attempt("x", {"a": 1, "b": 1}, start=1),
            attempt("y", {"a": 1, "b": 1}, start=2),
        ],
        {"a": (2, 0.5, 100.0, ()), "b": (2, 0.5, 100.0, ())},  # with the retake: 2/3
        id="first-attempts-only",
    ),
]


@pytest.mark.parametrize(("attempts", "expected"), EDGE_CASES)
def test_item_statistics_edge_cases(
    attempts: list[AttemptScores],
    expected: dict[str, tuple[int, float, float | None, tuple[str, ...]]],
) -> None:
    table = class_table(attempts)
    got = {
        item.question_id: (item.attempts, item.facility, item.discrimination, item.flags)
        for item in table.questions
    }
    assert got.keys() == expected.keys()
    for question_id, (count, facility, discrimination, flags) in expected.items():
        assert got[question_id][0] == count
        assert got[question_id][1] == pytest.approx(facility)
        if discrimination is None:
            assert got[question_id][2] is None
        else:
            assert got[question_id][2] == pytest.approx(discrimination)
        assert got[question_id][3] == flags


def test_all_attempts_counts_retakes() -> None:
    attempts = [
        attempt("y", {"a": 0}),
        attempt("x", {"a": 1}, start=1),
        attempt("y", {"a": 1}, start=2),
    ]
    assert class_table(attempts).analysed == 2
    table = class_table(attempts, all_attempts=True)
    assert (table.analysed, table.questions[0].attempts) == (3, 3)
    assert table.questions[0].facility == pytest.approx(2 / 3)


def test_discrimination_index_is_empty_without_variance() -> None:
    assert discrimination_index([], []) is None
    assert discrimination_index([1.0], [2.0]) is None
    assert discrimination_index([1.0, 1.0], [0.0, 3.0]) is None
    assert discrimination_index([1.0, 0.0], [2.0, 2.0]) is None
    assert discrimination_index([1.0, 0.0], [1.0, 2.0]) == pytest.approx(-100.0)


def test_student_totals_take_the_best_attempt_and_keep_anonymous_apart() -> None:
    attempts = [
        attempt("y", {"a": 0, "b": 1}),
        attempt("y", {"a": 1, "b": 1}, start=1),
        attempt("", {"a": 1, "b": 0}, start=2),
        attempt("", {"a": 0, "b": 0}, start=3),
    ]
    totals = [(t.student, t.attempts, t.score, t.percent) for t in class_table(attempts).students]
    assert totals == [("", 1, 1.0, 50.0), ("", 1, 0.0, 0.0), ("y", 2, 2.0, 100.0)]


def test_collect_keeps_the_finished_copy_of_a_duplicate(store: Store) -> None:
    clock = Clock()
    attempt_id = sit(store, "ann", (1, 1, 0, 0), clock, skip=("q4",), finish=False)
    early = answer_rows(store)  # exported before the attempt was finished
    store.finish_attempt(attempt_id, finished_at=clock(), max_score=4.0)
    late = answer_rows(store)
    attempts, duplicates = collect_attempts([early, late, early])
    assert duplicates == 2
    assert len(attempts) == 1 and attempts[0].finished is not None


def lines(*rows: str) -> bytes:
    return ("\r\n".join([",".join(ANSWER_COLUMNS), *rows]) + "\r\n").encode()


GOOD = "ann,d,,1,quiz,2026-03-02T09:00:00.000Z,,2,q1,Paris,true,1,1,900"
BAD_FILES = [
    pytest.param(b"", "a.csv", "a.csv: error: empty file, not a quiz results file", id="empty"),
    pytest.param(
        b"student,deck_id\r\nann,d\r\n",
        "a.csv",
        "a.csv:1: error: missing column(s) deck_hash, attempt_id, mode, started, finished,"
        " attempt_max_score, question_id, response, correct, points, max_points, time_ms:"
        " not written by `quiz results`",
        id="missing-columns",
    ),
    pytest.param(
        (",".join(SUMMARY_COLUMNS) + "\r\n").encode(),
        "s.csv",
        "s.csv:1: error: a --summary file has no per-question rows;"
        " export with `quiz results` without it",
        id="summary-csv",
    ),
    pytest.param(
        lines(GOOD, GOOD.replace(",1,1,900", ",one,1,900")),
        "a.csv",
        "a.csv:3: error: points 'one' is not a number",
        id="bad-number",
    ),
    pytest.param(
        lines('ann,d,,1,quiz,2026-03-02T09:00:00Z,,2,q0,"two\nlines",,1,1,', GOOD, GOOD),
        "a.csv",
        "a.csv:5: error: question 'q1' of attempt 1 appears twice (first on line 4)",
        id="duplicate-after-a-multi-line-cell",
    ),
    pytest.param(
        lines(GOOD.replace("2026-03-02T09:00:00.000Z", "2026-03-02 09:00")),
        "a.csv",
        "a.csv:2: error: started '2026-03-02 09:00' has no time zone"
        " (write it in UTC, ending in Z)",
        id="naive-time",
    ),
    pytest.param(
        lines(GOOD.replace("quiz", "test")),
        "a.csv",
        "a.csv:2: error: mode must be quiz or exam, not 'test'",
        id="bad-mode",
    ),
    pytest.param(
        lines(GOOD + ",extra"),
        "a.csv",
        "a.csv:2: error: 15 cells, the header has 14",
        id="extra-cell",
    ),
    pytest.param(
        lines(GOOD.replace("true", "yes")),
        "a.csv",
        "a.csv:2: error: correct must be true, false or empty, not 'yes'",
        id="bad-flag",
    ),
    pytest.param(
        lines(GOOD).replace(b"Paris", b"Par\xe9s"),
        "a.csv",
        "a.csv:2: error: not UTF-8 text",
        id="latin-1",
    ),
    pytest.param(
        b'{"format": "quiz-results",\n "version": 1, "kind": "answers", "rows": [\n{,}\n]}',
        "a.json",
        "a.json:3: error: not JSON: Expecting property name enclosed in double quotes",
        id="json-syntax",
    ),
    pytest.param(
        b"[1, 2]",
        "a.json",
        'a.json:1: error: not a quiz results file (no "format": "quiz-results")',
        id="json-not-ours",
    ),
    pytest.param(
        b'{"format": "quiz-results", "version": 2, "kind": "answers", "rows": []}',
        "a.json",
        "a.json:1: error: version 2 is not one this quiz reads",
        id="json-newer",
    ),
    pytest.param(
        b'{"format": "quiz-results", "version": 1, "kind": "class", "students": []}',
        "c.json",
        "c.json:1: error: a class table written by `quiz results merge`;"
        " merge the students' own files",
        id="json-class-table",
    ),
]


@pytest.mark.parametrize(("data", "name", "message"), BAD_FILES)
def test_malformed_files_name_the_file_and_line(data: bytes, name: str, message: str) -> None:
    with pytest.raises(ResultsFileError) as caught:
        read_answers(data, name)
    assert str(caught.value) == message


def json_row(**changes: object) -> bytes:
    row = dict(zip(ANSWER_COLUMNS, GOOD.split(","), strict=True))
    row.update(attempt_id=1, attempt_max_score=2, correct=True, points=1, max_points=1)
    document = {"format": "quiz-results", "version": 1, "kind": "answers", "rows": [row | changes]}
    return json.dumps(document).encode()


LOOSE_VALUES = [
    # pydantic alone would take these (seconds since 1970, yes/1 as true, "1" in JSON).
    (lines(GOOD.replace("2026-03-02T09:00:00.000Z", "1772442000")), "a.csv",
     "a.csv:2: error: started '1772442000' is not an ISO-8601 time"),
    (lines(GOOD.replace(",true,", ",1,")), "a.csv",
     "a.csv:2: error: correct must be true, false or empty, not '1'"),
    (json_row(started=1772442000), "a.json",
     "a.json:1: error: started must be an ISO-8601 time, not 1772442000"),
    (json_row(correct="true"), "a.json",
     "a.json:1: error: correct must be true, false or empty, not 'true'"),
    (json_row(attempt_id="1"), "a.json", "a.json:1: error: attempt_id '1' is not a number"),
    # Whole numbers, empty values, and which of a row's problems is told first.
    (lines(GOOD.replace(",900", ",1.5")), "a.csv",
     "a.csv:2: error: time_ms must be a whole number of 0 or more, not '1.5'"),
    (json_row(started=None, points="", max_points=-1), "a.json",
     "a.json:1: error: started, points must not be empty"),
    (json_row(max_points=-1, deck_id=None), "a.json",
     "a.json:1: error: max_points must not be negative, not -1.0"),
    (json_row(deck_id=None, mode="test"), "a.json",
     "a.json:1: error: mode must be quiz or exam, not 'test'"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "name", "message"), LOOSE_VALUES)
def test_rows_are_as_strict_as_the_reader_always_was(data: bytes, name: str, message: str) -> None:
    with pytest.raises(ResultsFileError) as caught:
        read_answers(data, name)
    assert str(caught.value) == message


def test_a_bad_json_row_names_its_line(store: Store) -> None:
    sit(store, "ann", (1, 1, 1, 1), Clock())
    records = [row.record() for row in answer_rows(store)]
    records[2]["points"] = "1"
    with pytest.raises(ResultsFileError) as caught:
        read_answers(to_json("answers", records).encode(), "ann.json")
    assert str(caught.value) == "ann.json:4: error: points '1' is not a number"
    records[2] = {"student": "ann"}
    text = json.dumps({"format": "quiz-results", "version": 1, "kind": "answers", "rows": records})
    with pytest.raises(ResultsFileError, match=r"^ann\.json:1: error: row 3 lacks deck_id, "):
        read_answers(text.encode(), "ann.json")


def test_format_is_told_by_content_without_a_known_suffix(store: Store) -> None:
    sit(store, "ann", (1, 1, 1, 1), Clock())
    records = [row.record() for row in answer_rows(store)]
    from_json = read_answers(to_json("answers", records).encode(), "ann.txt")
    from_csv = read_answers(("\ufeff" + to_csv(ANSWER_COLUMNS, records)).encode(), "ann")
    assert from_json == from_csv == answer_rows(store)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_overruled_verdict_is_exported_and_read_back(store: Store, fmt: str) -> None:
    """The points are the learner's call, the checker's are beside them; files written
    before these columns existed still read (as not overruled)."""
    quiz = QuizSession(store, DECK, student="ann", shuffle=False, now=lambda: T0)
    first = quiz.questions[0]
    quiz.answer(first, "no idea")
    quiz.overrule(first, right=True)
    quiz.finish()
    rows = answer_rows(store)
    assert (rows[0].overruled, rows[0].checked_points, rows[0].points) == (True, 0.0, 1.0)
    assert not rows[1].overruled and rows[1].checked_points is None
    records = [row.record() for row in rows]
    text = to_json("answers", records) if fmt == "json" else to_csv(ANSWER_FILE_COLUMNS, records)
    back = read_answers(text.encode(), f"ann.{fmt}")
    assert [(r.overruled, r.checked_points) for r in back] == [
        (r.overruled, r.checked_points) for r in rows
    ]
    old = to_csv(ANSWER_COLUMNS, [{k: v for k, v in r.items() if k in ANSWER_COLUMNS}
                                   for r in records])  # fmt: skip
    assert not any(row.overruled for row in read_answers(old.encode(), "old.csv"))
