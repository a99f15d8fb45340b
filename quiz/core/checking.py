"""Answer checking: pure functions from (question, learner's response) to a `CheckResult`.

Nothing here does I/O or keeps state, so a quiz session, a review session, the CLI
and the tests all judge answers the same way.

Responses by kind: flashcard `bool` (the learner knew it), short and numeric `str` as
typed, choice `str` (the chosen text), multi a collection of chosen texts, truefalse
`bool`, cloze one `str` per blank, order the learner's sequence of items, match a
mapping left -> right.

Scoring rules (score is always within 0..points):

- short: `quiz.core.judging.typed.judge_text` compares the response with `answer` and
  every `accept` entry: the same answer however it is written is right; a forgiven typo
  is right with a spelling remark; right but for its accents (where accents matter) is
  close and scores 0; anything else is wrong. The deck guide's "How answers are checked"
  gives the rules.
- numeric: see `parse_number` for what is read as a number; right when
  |x - answer| <= tolerance (plus a hair of float rounding slack); a unit other than the
  question's is wrong.
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

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import overload

from quiz.core.cards import Card
from quiz.core.judging.quantity import read_quantity
from quiz.core.judging.rules import TextRules, typos_for
from quiz.core.judging.typed import judge_text
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
    folds_accents,
)
from quiz.core.text import sanitize

Response = bool | str | Sequence[str] | Collection[str] | Mapping[str, str]
"""Any learner response; which one a kind expects is listed in the module docstring."""

CORRECT = "Correct"
INCORRECT = "Incorrect"
NO_ANSWER = "No answer given"
NOT_A_NUMBER = "Not a number"

SPELLING_HINT = "Almost: check your spelling — "
ACCENTS_HINT = "Close: mind the accents — "


class Verdict(Enum):
    """Correct, partly right or wrong; the value is the word the front ends show."""

    CORRECT = "Correct"
    PARTLY_RIGHT = "Partly right"
    WRONG = "Wrong"


@dataclass(frozen=True, slots=True)
class MarkedRow:
    """One part of a multi, cloze, order or match answer, marked right or wrong, so the
    learner sees which part was wrong and what belongs there (deck text: sanitize)."""

    given: str
    """The part as the learner gave it: a choice, a blank's text, an item, `left → right`."""
    right: bool
    correction: str = ""
    """What belongs there when wrong: `missed`, `not a right choice`, the blank's answer,
    `belongs 3rd`, the right partner."""


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
    close_to: str = ""
    """The accepted text a typed answer came close to (a typo, or accents) when a letter by
    letter comparison helps the learner see the difference; empty otherwise."""
    typed: str = ""
    """What the learner typed, when `close_to` is set: the other side of that comparison."""
    rows: tuple[MarkedRow, ...] = ()
    """Each part of a multi, cloze, order or match answer marked (empty for other kinds)."""

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


def _marked(given: str, right: bool, correction: str) -> MarkedRow:
    """A part of an answer, with `correction` kept only when the part is wrong."""
    return MarkedRow(given, right, "" if right else correction)


def _result(
    points: float,
    share: float,
    correct: bool,
    feedback: str,
    expected: str,
    *,
    close_to: str = "",
    typed: str = "",
    rows: Sequence[MarkedRow] = (),
) -> CheckResult:
    return CheckResult(
        correct=correct,
        score=points * min(1.0, max(0.0, share)),
        points=points,
        feedback=feedback,
        expected=expected,
        close_to=close_to,
        typed=typed if close_to else "",
        rows=tuple(rows),
    )


# --- typed text -------------------------------------------------------------------------------


def text_rules(options: TypedAnswerOptions, deck: DeckMeta, context: str = "") -> TextRules:
    """The deck's and question's typed-answer options as the judge's rules.

    `fold_accents` unset means "as the language writes": accents are ignored in an English
    deck and matter in any other. `typo_threshold` keeps its direction: 100 forgives no
    typo, 90-99 only one slip in a word of 8 letters or more, below 80 one more slip in
    long words than the default (`quiz.core.judging.rules.TYPO_LEVELS`).
    """
    threshold = deck.typo_threshold if options.typo_threshold is None else options.typo_threshold
    return TextRules(
        language=deck.language,
        fold_accents=folds_accents(options, deck),
        typos=typos_for(threshold, exact=options.exact),
        context=context,
    )


_BLANK = re.compile(r"\{\{.*?\}\}")


def _context(question: TypedAnswerOptions) -> str:
    """The question's own words, which a learner may repeat in an answer without adding to it."""
    if isinstance(question, Cloze):
        return f"{question.prompt} {_BLANK.sub(' ', question.text)}"
    return question.prompt if isinstance(question, ShortAnswer) else ""


def _quoted(targets: Sequence[str]) -> str:
    return ", ".join(f"'{t}'" for t in targets)


def _check_typed(
    response: str,
    targets: Sequence[str],
    options: TypedAnswerOptions,
    deck: DeckMeta,
    points: float,
) -> CheckResult:
    judgement = judge_text(response, targets, text_rules(options, deck, _context(options)))
    expected = targets[0]
    match judgement.outcome:
        case "exact":
            return _result(points, 1, True, CORRECT, expected)
        case "typo":
            hint = SPELLING_HINT + _quoted([judgement.target])
            return _result(
                points, 1, True, hint, expected, close_to=judgement.target, typed=response
            )
        case "accents":
            hint = ACCENTS_HINT + _quoted([judgement.target])
            return _result(
                points, 0, False, hint, expected, close_to=judgement.target, typed=response
            )
        case "empty":
            return _result(points, 0, False, NO_ANSWER, expected)
    return _result(points, 0, False, INCORRECT, expected)


# --- numbers ----------------------------------------------------------------------------------


def parse_number(text: str, unit: str | None = None, *, language: str = "en") -> float | None:
    """Read a typed number, or None when it is not one (or names another unit than `unit`).

    See `quiz.core.judging.quantity.read_quantity` for the forms read: hedges ("about"),
    units spelled any way, thousands separators, decimal commas (always in a deck whose
    language writes them), fractions, percentages, powers of ten and number words.
    Infinities and NaN are not answers.
    """
    reading = read_quantity(text, unit, language=language)
    return None if reading.wrong_unit is not None else reading.value


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


def _check_numeric(question: Numeric, response: str, deck: DeckMeta) -> CheckResult:
    points, expected = float(question.points), expected_text(question)
    if not sanitize(response).strip():
        return _result(points, 0, False, NO_ANSWER, expected)
    reading = read_quantity(response, question.unit, language=deck.language)
    if reading.wrong_unit is not None:
        return _result(points, 0, False, f"Wrong unit: the answer is in {question.unit}", expected)
    got = reading.value
    if got is None:
        return _result(points, 0, False, NOT_A_NUMBER, expected)
    if _within(got, question):
        return _result(points, 1, True, CORRECT, expected)
    return _result(points, 0, False, "Too high" if got > question.answer else "Too low", expected)


# --- the other kinds --------------------------------------------------------------------------


def _check_flashcard(points: float, knew: bool, expected: str) -> CheckResult:
    feedback = "You knew it" if knew else "Not known yet"
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
    rows = [
        _marked(
            choice,
            choice in picked and choice in answers,
            "not a right choice" if choice in picked else "missed",
        )
        for choice in question.choices
        if choice in picked or choice in answers
    ]
    return _result(
        float(question.points),
        share,
        picked == answers,
        feedback,
        expected_text(question),
        rows=rows,
    )


def _check_cloze(question: Cloze, response: Sequence[str], deck: DeckMeta) -> CheckResult:
    blanks = question.blanks
    if len(response) > len(blanks):
        raise ValueError(f"{len(response)} responses for a cloze with {len(blanks)} blanks")
    typed = [*response, *[""] * (len(blanks) - len(response))]
    rules = text_rules(question, deck, _context(question))
    verdicts = [
        judge_text(text, [blank.answer], rules) for text, blank in zip(typed, blanks, strict=True)
    ]
    right = sum(v.outcome in ("exact", "typo") for v in verdicts)
    typos = [v.target for v in verdicts if v.outcome == "typo"]
    accents = [v.target for v in verdicts if v.outcome == "accents"]
    if right == len(blanks):
        feedback = SPELLING_HINT + _quoted(typos) if typos else CORRECT
    elif accents and right + len(accents) == len(blanks):
        feedback = ACCENTS_HINT + _quoted(accents)
    elif all(v.outcome == "empty" for v in verdicts):
        feedback = NO_ANSWER
    else:
        feedback = f"{right} of {len(blanks)} blanks right"
    rows = [
        _marked(
            "(empty)" if verdict.outcome == "empty" else text,
            verdict.outcome in ("exact", "typo"),
            blank.answer,
        )
        for text, blank, verdict in zip(typed, blanks, verdicts, strict=True)
    ]
    return _result(
        float(question.points),
        right / len(blanks),
        right == len(blanks),
        feedback,
        expected_text(question),
        rows=rows,
    )


def _check_order(question: Order, response: Sequence[str]) -> CheckResult:
    items = question.items
    if len(response) > len(items):
        raise ValueError(f"{len(response)} responses for an order of {len(items)} items")
    placed = sum(got == want for got, want in zip(response, items, strict=False))
    right = placed == len(items)
    feedback = CORRECT if right else f"{placed} of {len(items)} in the right place"
    rows = [
        _marked(got, got == want, _belongs(items, got))
        for got, want in zip(response, items, strict=False)
    ]
    return _result(
        float(question.points),
        placed / len(items),
        right,
        feedback,
        expected_text(question),
        rows=rows,
    )


def _belongs(items: Sequence[str], item: str) -> str:
    """`belongs 3rd`: where an item misplaced by the learner goes."""
    if item not in items:
        return "not in the list"
    place = items.index(item) + 1
    suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"belongs {place}{suffix}"


def _check_match(question: Match, response: Mapping[str, str]) -> CheckResult:
    pairs = question.pairs
    matched = sum(response.get(left) == right for left, right in pairs)
    right = matched == len(pairs)
    feedback = CORRECT if right else f"{matched} of {len(pairs)} pairs right"
    rows = [
        _marked(f"{left} → {response.get(left) or '?'}", response.get(left) == partner, partner)
        for left, partner in pairs
    ]
    return _result(
        float(question.points),
        matched / len(pairs),
        right,
        feedback,
        expected_text(question),
        rows=rows,
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
            return _check_numeric(question, _as_str(question, response), deck)
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
