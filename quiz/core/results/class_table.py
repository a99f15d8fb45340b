"""Students' result files merged into one class table: best scores and item statistics.

A teacher collects each student's result file and merges them (`quiz results
merge *.csv`); the rows are grouped into attempts (`collect_attempts`), then
summed up per student and analysed per question (`class_table`).

Item statistics (`item_statistics`) follow Moodle's quiz statistics report: see
"Quiz report statistics" (https://docs.moodle.org/dev/Quiz_report_statistics),
"Quiz statistics calculations" (https://docs.moodle.org/dev/Quiz_statistics_calculations)
and Moodle's `question/classes/statistics/questions/calculator.php`.

* Attempts analysed: by default each student's first attempt at a deck (Moodle's
  default: later attempts are not independent of the first); `all_attempts=True`
  counts every attempt as if by a different student. Attempts without a student
  name cannot be told apart and are all counted.
* For a question q, only the attempts that contain q are used (an attempt may ask
  a subset of the deck, so a missing question is "not asked", not "wrong"). A
  question asked but left unanswered has its row with 0 points, so it counts as
  wrong (except in schema-1 attempts, where it is missing: it then lowers the
  student's percent, through `attempt_max_score`, but not the question's facility).
  With x_i the points attempt i earned on q, m_i the points q was worth, and
  T_i the attempt's total points:
* Facility index F = sum(x_i) / sum(m_i): the mean score as a share of the
  maximum, i.e. the share answered right (0 = nobody, 1 = everybody). Moodle
  prints it as a percentage.
* Discrimination index D = 100 * r(x, T - x), Pearson's correlation of the item
  score with the score on the rest of the test (the total minus this item, so
  the item is not correlated with itself), as Moodle's `discriminationindex =
  100 * covariance / sqrt(markvariance * othermarkvariance)`. With right/wrong
  items this is the point-biserial correlation. When x or T - x has no variance
  (everybody right, one attempt) D is undefined and reported empty, like Moodle.
* Flags (this project's thresholds, the usual rules of thumb of item analysis):
  F < 0.2 "too hard", F > 0.9 "too easy"; D < 0 "misleading" (stronger students
  do worse on it: check the key), 0 <= D < 30 "weak".
"""

from __future__ import annotations

import contextlib
import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from quiz.core.cards import question_identity
from quiz.core.models import Deck, MultipleChoice, SingleChoice
from quiz.core.results.export import to_csv
from quiz.core.results.records import (
    ANSWER_STATS_COLUMNS,
    FILE_FORMAT,
    FILE_VERSION,
    ITEM_COLUMNS,
    STUDENT_COLUMNS,
    AnswerRow,
)

TOO_HARD = 0.2
TOO_EASY = 0.9
WEAK = 30.0
"""Flag thresholds: facility below/above, discrimination index (percent) below."""


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One question in one attempt: points earned, points possible, the checker's verdict."""

    points: float
    max_points: float
    correct: bool | None
    response: object = None
    """What the student answered (text, or a list of the choices ticked)."""


@dataclass(frozen=True, slots=True)
class AttemptScores:
    """One attempt as the class table sees it: who, which deck, and each question's score."""

    student: str
    deck_id: str
    deck_hash: str
    attempt_id: int
    started: datetime
    finished: datetime | None
    max_score: float
    """The attempt's maximum (unanswered questions included) when known, else the answered ones'."""
    items: Mapping[str, ItemScore] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int, datetime]:
        """What makes an attempt the same one in two files: student, attempt id, start time."""
        return (self.student, self.attempt_id, self.started)

    @property
    def score(self) -> float:
        return sum(item.points for item in self.items.values())

    @property
    def percent(self) -> float | None:
        return 100.0 * self.score / self.max_score if self.max_score else None


def collect_attempts(files: Iterable[Sequence[AnswerRow]]) -> tuple[list[AttemptScores], int]:
    """Group each file's rows into attempts and drop attempts already seen in another file.

    A student may hand in the same attempt twice (two exports, one before the
    attempt was finished): the copy that is finished and has the most answers is
    kept, the first one on a tie. Returns the attempts (by deck, student, start)
    and how many duplicate copies were dropped.
    """
    kept: dict[tuple[str, int, datetime], AttemptScores] = {}
    duplicates = 0
    for rows in files:
        for attempt in _attempts_of(rows):
            known = kept.get(attempt.key)
            if known is None:
                kept[attempt.key] = attempt
                continue
            duplicates += 1
            if _completeness(attempt) > _completeness(known):
                kept[attempt.key] = attempt
    ordered = sorted(kept.values(), key=lambda a: (a.deck_id, a.student, a.started, a.attempt_id))
    return ordered, duplicates


def _completeness(attempt: AttemptScores) -> tuple[bool, int]:
    return (attempt.finished is not None, len(attempt.items))


def _attempts_of(rows: Sequence[AnswerRow]) -> list[AttemptScores]:
    grouped: dict[tuple[str, int, datetime], list[AnswerRow]] = {}
    for row in rows:
        grouped.setdefault((row.student, row.attempt_id, row.started), []).append(row)
    attempts = []
    for answers in grouped.values():
        first = answers[0]
        items = {
            a.question_id: ItemScore(a.points, a.max_points, a.correct, a.response) for a in answers
        }
        maximum = first.attempt_max_score
        if maximum is None:
            maximum = sum(item.max_points for item in items.values())
        attempts.append(
            AttemptScores(
                student=first.student,
                deck_id=first.deck_id,
                deck_hash=first.deck_hash,
                attempt_id=first.attempt_id,
                started=first.started,
                finished=first.finished,
                max_score=maximum,
                items=items,
            )
        )
    return attempts


@dataclass(frozen=True, slots=True)
class StudentTotal:
    """A student's result on one deck: how many attempts, and the best one's score."""

    student: str
    deck_id: str
    attempts: int
    score: float
    max_score: float
    percent: float | None

    def record(self) -> dict[str, object]:
        return {
            "student": self.student,
            "deck_id": self.deck_id,
            "attempts": self.attempts,
            "score": self.score,
            "max_score": self.max_score,
            "percent": None if self.percent is None else round(self.percent, 2),
        }


@dataclass(frozen=True, slots=True)
class ItemStats:
    """One question across the class: see the module docstring for the formulas and flags."""

    deck_id: str
    question_id: str
    attempts: int
    right: int
    facility: float | None
    discrimination: float | None
    """Moodle's discrimination index, in percent (-100..100); None when undefined."""
    flags: tuple[str, ...]

    def record(self) -> dict[str, object]:
        return {
            "deck_id": self.deck_id,
            "question_id": self.question_id,
            "attempts": self.attempts,
            "right": self.right,
            "facility": None if self.facility is None else round(self.facility, 4),
            "discrimination": None
            if self.discrimination is None
            else round(self.discrimination, 2),
            "flags": "; ".join(self.flags),
        }


@dataclass(frozen=True, slots=True)
class AnswerStats:
    """How often one answer to a question was given across the class: with the deck, every
    choice of a choice or multi question (a distractor nobody picks shows as 0); without
    it, every wrong answer given."""

    deck_id: str
    question_id: str
    answer: str
    times: int
    share: float
    """Of the attempts at the question that gave it."""
    right: bool | None

    def record(self) -> dict[str, object]:
        return {
            "deck_id": self.deck_id,
            "question_id": self.question_id,
            "answer": self.answer,
            "times": self.times,
            "share": round(self.share, 4),
            "right": self.right,
        }


@dataclass(frozen=True, slots=True)
class ClassTable:
    """The merged results: per-student totals, per-question statistics, and what went in."""

    students: list[StudentTotal]
    questions: list[ItemStats]
    attempts: int
    """Attempts in the files (after removing duplicates)."""
    analysed: int
    """Attempts the question statistics used (first per student unless all were asked for)."""
    duplicates: int
    answers: list[AnswerStats] = field(default_factory=list)

    def csv_tables(self) -> dict[str, str]:
        """Each table as CSV, by name: `students`, `questions` and `answers`."""
        return {
            "students": to_csv(STUDENT_COLUMNS, (s.record() for s in self.students)),
            "questions": to_csv(ITEM_COLUMNS, (q.record() for q in self.questions)),
            "answers": to_csv(ANSWER_STATS_COLUMNS, (a.record() for a in self.answers)),
        }

    def to_csv(self) -> str:
        """The tables one after the other, separated by an empty line (for a terminal or a
        pipe; a file gets one table each)."""
        return "\r\n".join(self.csv_tables().values())

    def to_json(self) -> str:
        document = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "kind": "class",
            "attempts": self.attempts,
            "analysed": self.analysed,
            "duplicates": self.duplicates,
            "students": [s.record() for s in self.students],
            "questions": [q.record() for q in self.questions],
            "answers": [a.record() for a in self.answers],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def class_table(
    attempts: Sequence[AttemptScores],
    *,
    duplicates: int = 0,
    all_attempts: bool = False,
    deck: Deck | None = None,
) -> ClassTable:
    """Per-student totals (best attempt), per-question statistics and the answers given,
    of merged attempts; `deck` (the one they sat) lists every choice of its choice
    questions, picked or not."""
    analysed = list(attempts) if all_attempts else first_attempts(attempts)
    return ClassTable(
        students=student_totals(attempts),
        questions=item_statistics(analysed),
        attempts=len(attempts),
        analysed=len(analysed),
        duplicates=duplicates,
        answers=answer_statistics(analysed, deck),
    )


def answer_statistics(attempts: Sequence[AttemptScores], deck: Deck | None) -> list[AnswerStats]:
    """How often each answer was given (see `AnswerStats`), most frequent first."""
    choices = _choice_keys(deck)
    given: dict[tuple[str, str], list[ItemScore]] = {}
    for attempt in attempts:
        for question_id, item in attempt.items.items():
            given.setdefault((attempt.deck_id, question_id), []).append(item)
    stats: list[AnswerStats] = []
    for (deck_id, question_id), items in sorted(given.items()):
        key = choices.get((deck_id, question_id))
        counts: dict[str, int] = dict.fromkeys(key, 0) if key is not None else {}
        for item in items:
            for answer in _answers_in(item):
                if key is None and item.correct:
                    continue  # without the deck only wrong answers are told apart
                counts[answer] = counts.get(answer, 0) + 1
        for answer, times in sorted(counts.items(), key=lambda pair: -pair[1]):
            right = key[answer] if key is not None and answer in key else False
            stats.append(
                AnswerStats(deck_id, question_id, answer, times, times / len(items), right)
            )
    return stats


def _answers_in(item: ItemScore) -> list[str]:
    """The answers one response gives: a typed or chosen text, or each choice ticked."""
    response = item.response
    if isinstance(response, str) and response.startswith("["):
        with contextlib.suppress(ValueError, RecursionError):  # ticked choices, as JSON
            response = json.loads(response)
    if isinstance(response, str):
        text = " ".join(response.split())
        return [text] if text else []
    if isinstance(response, list):
        return [str(choice) for choice in response]
    return []


def _choice_keys(deck: Deck | None) -> dict[tuple[str, str], dict[str, bool]]:
    """(deck, question) -> {choice: right} for the deck's choice and multi questions."""
    if deck is None:
        return {}
    keys = {}
    for question in deck.questions:
        if isinstance(question, SingleChoice):
            right = {question.answer}
        elif isinstance(question, MultipleChoice):
            right = set(question.answers)
        else:
            continue
        keys[(deck.deck.id, question_identity(question))] = {
            choice: choice in right for choice in question.choices
        }
    return keys


def first_attempts(attempts: Sequence[AttemptScores]) -> list[AttemptScores]:
    """Each named student's earliest attempt at each deck, and every anonymous attempt."""
    first: dict[tuple[str, str], AttemptScores] = {}
    anonymous = []
    for attempt in attempts:
        if not attempt.student:
            anonymous.append(attempt)
            continue
        key = (attempt.student, attempt.deck_id)
        known = first.get(key)
        if known is None or (attempt.started, attempt.attempt_id) < (
            known.started,
            known.attempt_id,
        ):
            first[key] = attempt
    return [*first.values(), *anonymous]


def student_totals(attempts: Sequence[AttemptScores]) -> list[StudentTotal]:
    """One row per student and deck with the best attempt (Moodle's "highest grade").

    Attempts without a name get a row each: nothing says they are one person's.
    """
    groups: dict[tuple[str, str, int], list[AttemptScores]] = {}
    for number, attempt in enumerate(attempts):
        key = (attempt.student, attempt.deck_id, 0 if attempt.student else number + 1)
        groups.setdefault(key, []).append(attempt)
    totals = []
    for (student, deck_id, _), group in groups.items():
        best = max(group, key=lambda a: (a.percent or 0.0, a.score))
        totals.append(
            StudentTotal(student, deck_id, len(group), best.score, best.max_score, best.percent)
        )
    return sorted(totals, key=lambda t: (t.deck_id, t.student))


def item_statistics(attempts: Sequence[AttemptScores]) -> list[ItemStats]:
    """Facility and discrimination of every question, over the attempts that contain it."""
    by_item: dict[tuple[str, str], list[tuple[ItemScore, float]]] = {}
    for attempt in attempts:
        total = attempt.score
        for question_id, item in attempt.items.items():
            by_item.setdefault((attempt.deck_id, question_id), []).append((item, total))
    stats = []
    for (deck_id, question_id), scores in sorted(by_item.items()):
        points = [item.points for item, _ in scores]
        rest = [total - item.points for item, total in scores]
        possible = sum(item.max_points for item, _ in scores)
        facility = sum(points) / possible if possible else None
        discrimination = discrimination_index(points, rest)
        stats.append(
            ItemStats(
                deck_id=deck_id,
                question_id=question_id,
                attempts=len(scores),
                right=sum(1 for item, _ in scores if item.correct),
                facility=facility,
                discrimination=discrimination,
                flags=item_flags(facility, discrimination),
            )
        )
    return stats


def discrimination_index(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 * Pearson's r of item scores with rest-of-test scores; None without variance.

    `statistics.correlation` raises on fewer than two pairs or a constant input;
    both mean the index is undefined, which Moodle shows as an empty cell.
    """
    if len(item) < 2 or len(set(item)) < 2 or len(set(rest)) < 2:
        return None
    return 100.0 * statistics.correlation(item, rest)


def item_flags(facility: float | None, discrimination: float | None) -> tuple[str, ...]:
    """Why a question deserves a second look (see the thresholds in the module docstring)."""
    flags = []
    if facility is not None and facility < TOO_HARD:
        flags.append("too hard")
    elif facility is not None and facility > TOO_EASY:
        flags.append("too easy")
    if discrimination is not None and discrimination < 0:
        flags.append("misleading")
    elif discrimination is not None and discrimination < WEAK:
        flags.append("weak")
    return tuple(flags)
