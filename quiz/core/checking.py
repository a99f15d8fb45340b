"""Answer checking: pure functions from (question, learner's response) to a `CheckResult`.

Nothing here does I/O or keeps state, so a quiz session, a review session, the CLI
and the tests all judge answers the same way.

Responses by kind: flashcard `bool` (the learner knew it), short and numeric `str` as
typed, choice `str` (the chosen text), multi a collection of chosen texts, truefalse
`bool`, cloze one `str` per blank, order the learner's sequence of items, match a
mapping left -> right.

Scoring rules (score is always within 0..points):

- short: after `normalize` (NFKC, case, punctuation, spaces, accents per
  `fold_accents`), an exact match with `answer` or any `accept` is right. Unless
  `exact = true`, a typo is forgiven when `rapidfuzz.fuzz.ratio` reaches the
  question's or deck's `typo_threshold`, with two guards: an answer of 1-3 letters
  or digits needs an exact match (a typo of "UK" is "US"), and the numbers in the
  response must be exactly those of the answer ("121" is not a typo of "123").
  Spacing never matters: punctuation becomes space, so "U.K." matches "UK".
- numeric: see `parse_number` for what is read as a number; right when
  |x - answer| <= tolerance (plus a hair of float rounding slack).
- multi: score = points * max(0, (right picks - wrong picks) / number of correct
  answers), so ticking every box scores nothing unless most boxes are right;
  correct only when the picked set is exactly the answer set.
- cloze: each blank is checked like a short answer; score = points * share of
  right blanks; correct when all are.
- order: score = points * share of items in their correct position; correct when
  all are. Position beats longest-common-subsequence because each slot is plainly
  right or wrong (the UI can mark it), while LCS credit cannot be pinned to items
  and pays for failure: a fully reversed list still earns 1/n, and swapping the
  two items of a pair earns half marks.
- match: score = points * share of left items matched to their right partner;
  correct when all are.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Literal, overload

from rapidfuzz import fuzz

from quiz.core.cards import Card
from quiz.core.models import (
    Cloze,
    DeckMeta,
    Flashcard,
    Match,
    MultipleChoice,
    Numeric,
    Order,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    TypedAnswerOptions,
)
from quiz.core.text import normalize, sanitize

Response = bool | str | Sequence[str] | Collection[str] | Mapping[str, str]
"""Any learner response; which one a kind expects is listed in the module docstring."""

CORRECT = "Correct"
INCORRECT = "Incorrect"
NO_ANSWER = "No answer given"
NOT_A_NUMBER = "Not a number"

SHORT_ANSWER_LENGTH = 3
"""Answers with at most this many letters/digits get no typo tolerance."""


class Verdict(Enum):
    """Correct, partly right or wrong; the value is the word the front ends show."""

    CORRECT = "Correct"
    PARTLY_RIGHT = "Partly right"
    WRONG = "Wrong"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one response.

    `feedback` is short and meant for the learner; `expected` is the right answer
    as display text. Both may hold deck text: sanitize before printing.
    """

    correct: bool
    score: float
    """Within 0..points; partial credit for multi, cloze, order and match."""
    points: float
    feedback: str
    expected: str

    @property
    def remark(self) -> str:
        """The feedback when it says more than the verdict ("Almost: check your spelling")."""
        return "" if self.feedback in (CORRECT, INCORRECT) else self.feedback

    @property
    def verdict(self) -> Verdict:
        """What the learner is told: partly right is some of the points but not all of them
        (a full score is correct), so both front ends and the summary say the same."""
        if self.correct:
            return Verdict.CORRECT
        if 0 < self.score < self.points:
            return Verdict.PARTLY_RIGHT
        return Verdict.WRONG


def _result(
    points: float, share: float, correct: bool, feedback: str, expected: str
) -> CheckResult:
    return CheckResult(
        correct=correct,
        score=points * min(1.0, max(0.0, share)),
        points=points,
        feedback=feedback,
        expected=expected,
    )


# --- typed text -------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")


def _key(text: str, accents: bool) -> str:
    """The comparison form of a typed text.

    Falls back to a lighter normalisation when `normalize` leaves nothing (an answer
    made only of punctuation, like "?"), so such answers are still compared by content.
    """
    if normalized := normalize(text, accents=accents):
        return normalized
    return " ".join(unicodedata.normalize("NFKC", sanitize(text)).casefold().split())


@dataclass(frozen=True, slots=True)
class _TextVerdict:
    """How a typed text compares with the accepted ones."""

    outcome: Literal["exact", "typo", "wrong", "empty"]
    target: str = ""
    """The answer or accepted text that matched, as written in the deck."""


def _typo_allowed(got: str, want: str) -> bool:
    """Whether fuzzy matching may apply: not to tiny answers, never across different numbers."""
    if sum(ch.isalnum() for ch in want) <= SHORT_ANSWER_LENGTH:
        return False
    return _DIGITS.findall(got) == _DIGITS.findall(want)


def _judge_text(
    response: str, targets: Sequence[str], options: TypedAnswerOptions, deck: DeckMeta
) -> _TextVerdict:
    """Compare a typed response with the accepted texts: exact, forgiven typo, wrong or empty."""
    if not sanitize(response).strip():
        return _TextVerdict("empty")
    accents = deck.fold_accents if options.fold_accents is None else options.fold_accents
    got = _key(response, accents)
    keys = [_key(target, accents) for target in targets]
    for target, want in zip(targets, keys, strict=True):
        if got.replace(" ", "") == want.replace(" ", ""):
            return _TextVerdict("exact", target)
    if options.exact:
        return _TextVerdict("wrong")
    threshold = deck.typo_threshold if options.typo_threshold is None else options.typo_threshold
    best: tuple[float, str] | None = None
    for target, want in zip(targets, keys, strict=True):
        if not _typo_allowed(got, want):
            continue
        similarity = fuzz.ratio(got, want)
        if similarity >= threshold and (best is None or similarity > best[0]):
            best = (similarity, target)
    return _TextVerdict("wrong") if best is None else _TextVerdict("typo", best[1])


def _spelling_hint(targets: Sequence[str]) -> str:
    return "Almost: check your spelling — " + ", ".join(f"'{t}'" for t in targets)


def _check_typed(
    response: str,
    targets: Sequence[str],
    options: TypedAnswerOptions,
    deck: DeckMeta,
    points: float,
) -> CheckResult:
    verdict = _judge_text(response, targets, options, deck)
    expected = targets[0]
    if verdict.outcome == "exact":
        return _result(points, 1, True, CORRECT, expected)
    if verdict.outcome == "typo":
        return _result(points, 1, True, _spelling_hint([verdict.target]), expected)
    feedback = NO_ANSWER if verdict.outcome == "empty" else INCORRECT
    return _result(points, 0, False, feedback, expected)


# --- numbers ----------------------------------------------------------------------------------

_NUMBER_FORMS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), thousands, decimal)
    for pattern, thousands, decimal in (
        (r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?", "", "."),  # 123  -5  1.5e3  .5
        (r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?", ",", "."),  # 1,234  1,234.5
        (r"[+-]?[1-9]\d{0,2}(?: \d{3})+(?:\.\d+)?", " ", "."),  # 1 234  1 234.5
        (r"[+-]?[1-9]\d{0,2}(?: \d{3})+,\d+", " ", ","),  # 1 234,5
        (r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+,\d+", ".", ","),  # 1.234,5
        (r"[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}", ".", "."),  # 1.234.567
        (r"[+-]?\d*,\d+", "", ","),  # 3,5  0,125  1234,5 (not 1,234: tried above)
    )
)
"""Accepted spellings of a number, tried in order, with their thousands and decimal marks."""

_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-"})


def parse_number(text: str, unit: str | None = None) -> float | None:
    """Read a typed number, or None when it is not one.

    Accepts "123", "123.0", "-5", "1.5e3", thousands grouped by commas ("1,234"),
    spaces ("1 234", also no-break and thin spaces) or dots followed by a decimal
    comma ("1.234,5"), and the unit before or after the number, in any case, with or
    without a space ("5km", "5 KM", "$5"). Full-width digits are read via NFKC.

    A decimal comma is read only where it cannot be a thousands separator: "3,5",
    "3,14", "0,125" and "1234,5" are decimals, but "1,234" is one thousand two hundred
    and thirty-four, as in English, because a comma followed by exactly three digits
    after a non-zero group of 1-3 digits is a thousands separator. Likewise "1.234"
    is a decimal; dots group thousands only with a decimal comma ("1.234,5") or in two
    or more groups ("1.234.567"). Infinities and NaN are not answers.
    """
    value = " ".join(unicodedata.normalize("NFKC", sanitize(text)).casefold().split())
    value = value.translate(_MINUS_SIGNS)
    if unit and (unit_key := " ".join(unicodedata.normalize("NFKC", unit).casefold().split())):
        if value.endswith(unit_key):
            value = value[: -len(unit_key)].rstrip()
        elif value.startswith(unit_key):
            value = value[len(unit_key) :].lstrip()
    for pattern, thousands, decimal in _NUMBER_FORMS:
        if pattern.fullmatch(value):
            if thousands:
                value = value.replace(thousands, "")
            number = float(value.replace(decimal, ".") if decimal == "," else value)
            return number if math.isfinite(number) else None
    return None


def format_number(number: float) -> str:
    """A number as a teacher would write it: 123, not 123.0; 0.5; 1e-07."""
    if isinstance(number, int):
        return str(number)
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def _within(got: float, question: Numeric) -> bool:
    slack = 1e-9 * max(1.0, abs(question.answer))
    return abs(got - question.answer) <= question.tolerance + slack


def _check_numeric(question: Numeric, response: str) -> CheckResult:
    points, expected = float(question.points), expected_text(question)
    if not sanitize(response).strip():
        return _result(points, 0, False, NO_ANSWER, expected)
    got = parse_number(response, question.unit)
    if got is None:
        return _result(points, 0, False, NOT_A_NUMBER, expected)
    if _within(got, question):
        return _result(points, 1, True, CORRECT, expected)
    return _result(points, 0, False, "Too high" if got > question.answer else "Too low", expected)


# --- the other kinds --------------------------------------------------------------------------


def _check_flashcard(points: float, knew: bool, expected: str) -> CheckResult:
    feedback = "You knew it" if knew else "Not yet: you will see it again soon"
    return _result(points, 1 if knew else 0, knew, feedback, expected)


def _check_truefalse(question: TrueFalse, response: bool) -> CheckResult:
    right = response == question.answer
    feedback = CORRECT if right else f"The statement is {'true' if question.answer else 'false'}"
    return _result(
        float(question.points), 1 if right else 0, right, feedback, expected_text(question)
    )


def _check_choice(question: SingleChoice, response: str) -> CheckResult:
    right = response == question.answer
    feedback = CORRECT if right else (NO_ANSWER if not response else "Wrong choice")
    return _result(
        float(question.points), 1 if right else 0, right, feedback, expected_text(question)
    )


def _check_multi(question: MultipleChoice, response: Collection[str]) -> CheckResult:
    picked, answers = set(response), set(question.answers)
    right, wrong = len(picked & answers), len(picked - answers)
    if picked == answers:
        feedback = CORRECT
    elif not picked:
        feedback = "Nothing picked"
    else:
        feedback = f"{right} of {len(answers)} right choices picked"
        if wrong:
            feedback += f", {wrong} wrong"
    share = (right - wrong) / len(answers)
    return _result(
        float(question.points), share, picked == answers, feedback, expected_text(question)
    )


def _check_cloze(question: Cloze, response: Sequence[str], deck: DeckMeta) -> CheckResult:
    blanks = question.blanks
    if len(response) > len(blanks):
        raise ValueError(f"{len(response)} responses for a cloze with {len(blanks)} blanks")
    typed = [*response, *[""] * (len(blanks) - len(response))]
    verdicts = [
        _judge_text(text, [blank.answer], question, deck)
        for text, blank in zip(typed, blanks, strict=True)
    ]
    right = sum(v.outcome in ("exact", "typo") for v in verdicts)
    typos = [v.target for v in verdicts if v.outcome == "typo"]
    if right == len(blanks):
        feedback = _spelling_hint(typos) if typos else CORRECT
    elif all(v.outcome == "empty" for v in verdicts):
        feedback = NO_ANSWER
    else:
        feedback = f"{right} of {len(blanks)} blanks right"
    return _result(
        float(question.points),
        right / len(blanks),
        right == len(blanks),
        feedback,
        expected_text(question),
    )


def _check_order(question: Order, response: Sequence[str]) -> CheckResult:
    items = question.items
    if len(response) > len(items):
        raise ValueError(f"{len(response)} responses for an order of {len(items)} items")
    placed = sum(got == want for got, want in zip(response, items, strict=False))
    right = placed == len(items)
    feedback = CORRECT if right else f"{placed} of {len(items)} in the right place"
    return _result(
        float(question.points), placed / len(items), right, feedback, expected_text(question)
    )


def _check_match(question: Match, response: Mapping[str, str]) -> CheckResult:
    pairs = question.pairs
    matched = sum(response.get(left) == right for left, right in pairs)
    right = matched == len(pairs)
    feedback = CORRECT if right else f"{matched} of {len(pairs)} pairs right"
    return _result(
        float(question.points), matched / len(pairs), right, feedback, expected_text(question)
    )


# --- response types ---------------------------------------------------------------------------


def _wrong_type(question: Question, response: object, wanted: str) -> TypeError:
    return TypeError(f"a {question.kind} question takes {wanted}, not {type(response).__name__}")


def _as_bool(question: Question, response: Response) -> bool:
    if not isinstance(response, bool):
        raise _wrong_type(question, response, "a bool")
    return response


def _as_str(question: Question, response: Response) -> str:
    if not isinstance(response, str):
        raise _wrong_type(question, response, "a str")
    return response


def _as_texts(question: Question, response: Response) -> list[str]:
    """A collection of texts; a bare `str` is refused so it is never split into letters."""
    if (
        isinstance(response, (str, bool, Mapping))
        or not isinstance(response, Collection)
        or not all(isinstance(item, str) for item in response)
    ):
        raise _wrong_type(question, response, "a sequence of str")
    return list(response)


def _as_mapping(question: Question, response: Response) -> Mapping[str, str]:
    if not isinstance(response, Mapping):
        raise _wrong_type(question, response, "a mapping of str to str")
    return response


# --- public API -------------------------------------------------------------------------------


@overload
def check(question: Flashcard | TrueFalse, response: bool, deck: DeckMeta) -> CheckResult: ...
@overload
def check(
    question: ShortAnswer | Numeric | SingleChoice, response: str, deck: DeckMeta
) -> CheckResult: ...
@overload
def check(question: MultipleChoice, response: Collection[str], deck: DeckMeta) -> CheckResult: ...
@overload
def check(question: Cloze | Order, response: Sequence[str], deck: DeckMeta) -> CheckResult: ...
@overload
def check(question: Match, response: Mapping[str, str], deck: DeckMeta) -> CheckResult: ...
@overload
def check(question: Question, response: Response, deck: DeckMeta) -> CheckResult: ...
def check(question: Question, response: Response, deck: DeckMeta) -> CheckResult:
    """Judge a learner's response to a whole question.

    `deck` supplies the defaults (typo threshold, accent folding) that the question
    may override. A response of the wrong type for the kind is a programming error
    and raises `TypeError`; more cloze answers or order items than the question has
    raise `ValueError`. Fewer are fine: the missing ones count as wrong.
    """
    match question:
        case Flashcard():
            return _check_flashcard(
                float(question.points), _as_bool(question, response), question.answer
            )
        case ShortAnswer():
            targets = [question.answer, *question.accept]
            return _check_typed(
                _as_str(question, response), targets, question, deck, float(question.points)
            )
        case SingleChoice():
            return _check_choice(question, _as_str(question, response))
        case MultipleChoice():
            return _check_multi(question, _as_texts(question, response))
        case TrueFalse():
            return _check_truefalse(question, _as_bool(question, response))
        case Numeric():
            return _check_numeric(question, _as_str(question, response))
        case Cloze():
            return _check_cloze(question, _as_texts(question, response), deck)
        case Order():
            return _check_order(question, _as_texts(question, response))
        case Match():
            return _check_match(question, _as_mapping(question, response))


def check_card(card: Card, response: Response, deck: DeckMeta) -> CheckResult:
    """Judge the response to one review card.

    A cloze blank card takes one `str` and is checked like a short answer against
    that blank; the reversed card of a flashcard expects the prompt. The result
    carries the question's points: a review grades each card on its own.
    """
    question = card.question
    if isinstance(question, Cloze) and card.blank is not None:
        blank = question.blanks[card.blank]
        text = _as_str(question, response)
        return _check_typed(text, [blank.answer], question, deck, float(question.points))
    if isinstance(question, Flashcard) and card.side == "back":
        return _check_flashcard(
            float(question.points), _as_bool(question, response), question.prompt
        )
    return check(question, response, deck)


def expected_text(item: Question | Card) -> str:
    """The right answer as one line of display text (deck text: sanitize before printing)."""
    if isinstance(item, Card):
        question = item.question
        if isinstance(question, Cloze) and item.blank is not None:
            return question.blanks[item.blank].answer
        if isinstance(question, Flashcard) and item.side == "back":
            return question.prompt
        return expected_text(question)
    match item:
        case Flashcard() | ShortAnswer() | SingleChoice():
            return item.answer
        case MultipleChoice():
            return "; ".join(item.answers)
        case TrueFalse():
            return "True" if item.answer else "False"
        case Numeric():
            text = format_number(item.answer)
            if item.tolerance:
                text += f" ± {format_number(item.tolerance)}"
            return f"{text} {item.unit}" if item.unit else text
        case Cloze():
            return "; ".join(blank.answer for blank in item.blanks)
        case Order():
            return " → ".join(item.items)
        case Match():
            return "; ".join(f"{left} = {right}" for left, right in item.pairs)
