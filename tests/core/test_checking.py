"""Table-driven tests of answer checking, one table per question kind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from quiz.core.cards import cards_of_question
from quiz.core.checking import (
    CheckResult,
    Verdict,
    check,
    check_card,
    expected_text,
    format_number,
    parse_number,
)
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
)

DECK = DeckMeta(id="deck", title="Deck")
NAME = "Ales Bialiatski"
LONG = "Ales Bialiatski, Maria Kalesnikava and 121 other prisoners"


def short(
    answer: str = NAME, accept: Sequence[str] = ("Bialiatski",), **options: Any
) -> ShortAnswer:
    return ShortAnswer(kind="short", prompt="Who?", answer=answer, accept=list(accept), **options)


def assert_result(result: CheckResult, correct: bool, share: float, feedback: str) -> None:
    assert result.correct is correct
    assert result.score == pytest.approx(share * result.points)
    assert feedback in result.feedback


# --- short answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "response", "correct", "feedback"),
    [
        # exact, after normalisation
        (short(), NAME, True, "Correct"),
        (short(), "ales bialiatski", True, "Correct"),
        (short(), "ALES BIALIATSKI", True, "Correct"),
        (short(), "  Ales \t  Bialiatski \n", True, "Correct"),
        (short(), "Ales Bialiatski.", True, "Correct"),
        (short(), "Ales-Bialiatski!", True, "Correct"),
        (short(), "«Ales Bialiatski»", True, "Correct"),
        (short(), "AlesBialiatski", True, "Correct"),
        (short(), "Bialiatski", True, "Correct"),  # an accepted alternative
        (short(), "Ａｌｅｓ Ｂｉａｌｉａｔｓｋｉ", True, "Correct"),  # full-width, NFKC
        (short(), "Ales Bia\x1b[31mliatski", True, "Correct"),  # escape sequences dropped
        (short("Straße", []), "STRASSE", True, "Correct"),  # casefold, not lower
        (short("U.K.", []), "UK", True, "Correct"),
        (short("Room 101", []), "room １０１", True, "Correct"),
        # accents: folded by default, per question or per deck otherwise
        (short("Aleś Bialiacki", []), "Ales Bialiacki", True, "Correct"),
        (short("Ales Bialiacki", []), "Aleś Białiacki", True, "Correct"),
        # where accents matter, an answer right but for them is close: 0 points, with the key
        (short("Aleś Bialiacki", [], fold_accents=False), "Ales Bialiacki", False, "Close"),
        (short("Aleś", [], fold_accents=False, exact=True), "Ales", False, "Close"),
        (short("Aleś", [], fold_accents=False), "aleś", True, "Correct"),
        # typos forgiven, with the right spelling in the feedback
        (short(), "Ales Bialiatsky", True, "Almost: check your spelling — 'Ales Bialiatski'"),
        (short(), "Bialiatsky", True, "Almost: check your spelling — 'Bialiatski'"),
        (short(), "Bialatski", True, "'Bialiatski'"),
        (
            short(LONG, []),
            "Ales Bialiatski, Maria Kalesnikova and 121 other prisoners",
            True,
            "Almost",
        ),
        (
            short(LONG, []),
            "ales bialiatski maria kalesnikava and 121 other prisoner",
            True,
            "Almost",
        ),
        # typos refused
        (short(exact=True), "Ales Bialiatsky", False, "Incorrect"),
        (short(typo_threshold=100), "Ales Bialiatsky", False, "Incorrect"),  # 100: none
        (short(typo_threshold=95), "Ales Bialiatsky", True, "Almost"),  # one slip, long word
        (short("Kyiv", [], typo_threshold=95), "Kyiw", False, "Incorrect"),  # short word: none
        (short(typo_threshold=70), "Bilatsky", True, "Almost"),  # lenient: 3 slips in 10
        (short(), "Bilatsky", False, "Incorrect"),  # 3 slips: over the 2 of a 10-letter word
        (short("UK", []), "US", False, "Incorrect"),  # 1-3 letters: exact only
        (short("USA", []), "USB", False, "Incorrect"),
        (short("UK", [], typo_threshold=10), "US", False, "Incorrect"),  # even when lenient
        (short("USA", [], typo_threshold=10), "USB", False, "Incorrect"),
        (short("Kyiv", []), "Kyiw", True, "Almost"),  # one slip in a 4-letter word
        (short("Minsk", []), "Pinsk", False, "Incorrect"),  # a short word's first letter
        (short("123 prisoners", []), "121 prisoners", False, "Incorrect"),  # numbers exact
        (short(LONG, []), LONG.replace("121", "123"), False, "Incorrect"),
        (short(LONG, []), LONG.replace(" 121", ""), False, "Incorrect"),
        (short("Viasna", []), "Viasna 2", False, "Incorrect"),
        (short("?", []), "!", False, "Incorrect"),
        (short("?", []), " ? ", True, "Correct"),  # punctuation-only answers still compare
        # wrong and empty
        (short(), "Lukashenko", False, "Incorrect"),
        (short(), "", False, "No answer given"),
        (short(), "   \n", False, "No answer given"),
        (short(), "\x1b[31m", False, "No answer given"),
    ],
)
def test_short_answer(question: ShortAnswer, response: str, correct: bool, feedback: str) -> None:
    result = check(question, response, DECK)
    assert_result(result, correct, 1.0 if correct else 0.0, feedback)
    assert result.expected == question.answer


@pytest.mark.parametrize(
    ("deck", "response", "correct"),
    [
        (DeckMeta(id="d", title="D", typo_threshold=100), "Bialiatsky", False),
        (DeckMeta(id="d", title="D", typo_threshold=70), "Bilatsky", True),
        (DeckMeta(id="d", title="D", fold_accents=False, typo_threshold=100), "Bialiatskí", False),
        (DeckMeta(id="d", title="D", fold_accents=True, typo_threshold=100), "Bialiatskí", True),
    ],
)
def test_short_answer_deck_defaults(deck: DeckMeta, response: str, correct: bool) -> None:
    assert check(short(), response, deck).correct is correct


def test_question_overrides_deck_defaults() -> None:
    strict_deck = DeckMeta(id="d", title="D", typo_threshold=100, fold_accents=False)
    assert check(short(typo_threshold=80), "Bialiatsky", strict_deck).correct
    assert check(short(fold_accents=True, exact=True), "Bialiatskí", strict_deck).correct


def test_points_scale_the_score() -> None:
    result = check(short(points=3), "Bialiatsky", DECK)
    assert (result.score, result.points) == (3.0, 3.0)


# --- numbers ----------------------------------------------------------------------------------


def numeric(answer: float = 123, tolerance: float = 0, unit: str | None = None) -> Numeric:
    return Numeric(
        kind="numeric", prompt="How many?", answer=answer, tolerance=tolerance, unit=unit
    )


@pytest.mark.parametrize(
    ("question", "response", "correct", "feedback"),
    [
        (numeric(), "123", True, "Correct"),
        (numeric(), "123.0", True, "Correct"),
        (numeric(), "+123", True, "Correct"),
        (numeric(), " 123 ", True, "Correct"),
        (numeric(), "１２３", True, "Correct"),  # full-width digits
        (numeric(), "1.23e2", True, "Correct"),
        (numeric(), "124", False, "Too high"),
        (numeric(), "121", False, "Too low"),
        (numeric(), "123.01", False, "Too high"),
        (numeric(1500), "1.5e3", True, "Correct"),
        (numeric(1500), "1.5E3", True, "Correct"),
        (numeric(-5), "-5", True, "Correct"),
        (numeric(-5), "−5", True, "Correct"),  # U+2212 minus sign
        (numeric(0.5), ".5", True, "Correct"),
        # thousands separators
        (numeric(1234), "1,234", True, "Correct"),
        (numeric(1234), "1 234", True, "Correct"),
        (numeric(1234), "1\u00a0234", True, "Correct"),  # no-break space
        (numeric(1234), "1\u202f234", True, "Correct"),  # narrow no-break space
        (numeric(1234567), "1,234,567", True, "Correct"),
        (numeric(1234567), "1.234.567", True, "Correct"),
        (numeric(1234.5), "1,234.5", True, "Correct"),
        (numeric(1234.5), "1 234,5", True, "Correct"),
        (numeric(1234.5), "1.234,5", True, "Correct"),
        # decimal comma only where it cannot be a thousands separator
        (numeric(3.5), "3,5", True, "Correct"),
        (numeric(3.14), "3,14", True, "Correct"),
        (numeric(0.125), "0,125", True, "Correct"),
        (numeric(1234.5), "1234,5", True, "Correct"),
        (numeric(1.234), "1,234", False, "Too high"),  # read as 1234
        (numeric(1234), "1.234", False, "Too low"),  # read as 1.234
        (numeric(), "12,345,6", False, "Not a number"),
        (numeric(), "1,23,456", False, "Not a number"),
        (numeric(), "1_000", False, "Not a number"),
        # units, any case, either side, with or without a space
        (numeric(unit="km"), "123 km", True, "Correct"),
        (numeric(unit="km"), "123km", True, "Correct"),
        (numeric(unit="km"), "123 KM", True, "Correct"),
        (numeric(unit="km"), "123", True, "Correct"),
        (numeric(unit="km"), "１２３ｋｍ", True, "Correct"),
        (numeric(unit="$"), "$123", True, "Correct"),
        (numeric(unit="km"), "123 m", False, "Wrong unit: the answer is in km"),
        (numeric(unit="km"), "123 miles", False, "Wrong unit: the answer is in km"),
        (numeric(unit="km"), "123 km km", False, "Not a number"),
        # a learner restates the article's hedge, or what is counted, around the number
        (numeric(300, 20), "more than 300", True, "Correct"),
        (numeric(300, 20), "at least 310", True, "Correct"),
        (numeric(1240, unit="pups"), "1,240 grey seal pups", True, "Correct"),
        (numeric(1240, unit="pups"), "1,240 grey km", False, "Wrong unit: the answer is in pups"),
        (numeric(1240, unit="pups"), "1,240 or 1,300 pups", False, "Not a number"),
        (numeric(), "123 km", True, "Correct"),  # no unit asked: the number is judged
        # tolerance, with float rounding slack
        (numeric(123, 0.5), "123.5", True, "Correct"),
        (numeric(123, 0.5), "122.5", True, "Correct"),
        (numeric(123, 0.5), "123.6", False, "Too high"),
        (numeric(0.3, 0.1), "0.4", True, "Correct"),
        (numeric(0.3, 0.1), "0.2", True, "Correct"),
        (numeric(0.3, 0.1), "0.41", False, "Too high"),
        # not numbers
        (numeric(), "", False, "No answer given"),
        (numeric(), "abc", False, "Not a number"),
        (numeric(), "one hundred", False, "Too low"),  # a number in words is a number
        (numeric(), "nan", False, "Not a number"),
        (numeric(), "inf", False, "Not a number"),
        (numeric(), "1e999", False, "Not a number"),
        (numeric(), "12-3", False, "Not a number"),
    ],
)
def test_numeric(question: Numeric, response: str, correct: bool, feedback: str) -> None:
    assert_result(check(question, response, DECK), correct, 1.0 if correct else 0.0, feedback)


@pytest.mark.parametrize(
    ("number", "text"),
    [(123, "123"), (123.0, "123"), (-5.0, "-5"), (0.5, "0.5"), (1e-7, "1e-07"), (1e20, "1e+20")],
)
def test_format_number(number: float, text: str) -> None:
    assert format_number(number) == text
    assert parse_number(text) == number


# --- choices, true/false, flashcards ----------------------------------------------------------

CHOICE = SingleChoice(
    kind="choice", prompt="Where?", choices=["Minsk", "Vilnius", "Kyiv"], answer="Vilnius"
)


@pytest.mark.parametrize(
    ("response", "correct", "feedback"),
    [
        ("Vilnius", True, "Correct"),
        ("Minsk", False, "Wrong choice"),
        ("vilnius", False, "Wrong choice"),  # the UI sends the choice text exactly
        ("", False, "No answer given"),
    ],
)
def test_choice(response: str, correct: bool, feedback: str) -> None:
    assert_result(check(CHOICE, response, DECK), correct, 1.0 if correct else 0.0, feedback)


@pytest.mark.parametrize(
    ("answer", "response", "correct", "feedback"),
    [
        (True, True, True, "Correct"),
        (False, False, True, "Correct"),
        (True, False, False, "The statement is true"),
        (False, True, False, "The statement is false"),
    ],
)
def test_truefalse(answer: bool, response: bool, correct: bool, feedback: str) -> None:
    question = TrueFalse(kind="truefalse", prompt="Statement", answer=answer)
    assert_result(check(question, response, DECK), correct, 1.0 if correct else 0.0, feedback)


@pytest.mark.parametrize(("knew", "share"), [(True, 1.0), (False, 0.0)])
def test_flashcard_takes_the_learners_word(knew: bool, share: float) -> None:
    card = Flashcard(kind="flashcard", prompt="Viasna", answer="Human rights centre", points=2)
    assert_result(check(card, knew, DECK), knew, share, "")


# --- partial credit ---------------------------------------------------------------------------

MULTI = MultipleChoice(
    kind="multi",
    prompt="Who was freed?",
    choices=["Bialiatski", "Kalesnikava", "Babaryka", "Lukashenko", "Tsikhanouski"],
    answers=["Bialiatski", "Kalesnikava", "Tsikhanouski"],
)


@pytest.mark.parametrize(
    ("response", "share", "feedback"),
    [
        (["Bialiatski", "Kalesnikava", "Tsikhanouski"], 1.0, "Correct"),
        (("Tsikhanouski", "Bialiatski", "Kalesnikava"), 1.0, "Correct"),  # order is irrelevant
        ({"Bialiatski", "Kalesnikava"}, 2 / 3, "2 of 3 right choices picked"),
        (["Bialiatski"], 1 / 3, "1 of 3 right choices picked"),
        (
            ["Bialiatski", "Kalesnikava", "Tsikhanouski", "Babaryka"],
            2 / 3,
            "3 of 3 right choices picked, 1 wrong",
        ),
        (["Bialiatski", "Babaryka"], 0.0, "1 of 3 right choices picked, 1 wrong"),
        (["Bialiatski", "Babaryka", "Lukashenko"], 0.0, "2 wrong"),  # never below zero
        (MULTI.choices, 1 / 3, "3 of 3 right choices picked, 2 wrong"),  # ticking every box
        (["Bialiatski", "Bialiatski", "Kalesnikava"], 2 / 3, "2 of 3"),  # duplicates count once
        (["Bialiatski", "Kalesnikava", "Tsikhanouski", "Nobody"], 2 / 3, "1 wrong"),
        ([], 0.0, "Nothing picked"),
    ],
)
def test_multi_partial_credit(response: Sequence[str], share: float, feedback: str) -> None:
    assert_result(check(MULTI, response, DECK), share == 1.0, share, feedback)


CLOZE = Cloze(
    kind="cloze",
    text="{{Bialiatski}} co-founded {{Viasna|a rights centre}} in {{1996}}.",
    points=3,
)


@pytest.mark.parametrize(
    ("question", "response", "share", "feedback"),
    [
        (CLOZE, ["Bialiatski", "Viasna", "1996"], 1.0, "Correct"),
        (CLOZE, ["bialiatski ", "VIASNA.", "１９９６"], 1.0, "Correct"),
        (
            CLOZE,
            ["Bialiatsky", "Viasna", "1996"],
            1.0,
            "Almost: check your spelling — 'Bialiatski'",
        ),
        (CLOZE, ["Bialiatsky", "Viasna", "1997"], 2 / 3, "2 of 3 blanks right"),
        (CLOZE, ["Bialiatski", "Vyasna", "1996"], 1.0, "Almost: check your spelling — 'Viasna'"),
        (CLOZE, ["Bialiatski", "Viasna", "1995"], 2 / 3, "2 of 3 blanks right"),
        (CLOZE, ["Lukashenko", "Viasna", "1969"], 1 / 3, "1 of 3 blanks right"),
        (CLOZE, ["Bialiatski"], 1 / 3, "1 of 3 blanks right"),  # missing blanks are wrong
        (CLOZE, ["", "", ""], 0.0, "No answer given"),
        (CLOZE, [], 0.0, "No answer given"),
        (
            CLOZE.model_copy(update={"exact": True}),
            ["Bialiatsky", "Viasna", "1996"],
            2 / 3,
            "2 of 3",
        ),
    ],
)
def test_cloze_partial_credit(
    question: Cloze, response: Sequence[str], share: float, feedback: str
) -> None:
    result = check(question, response, DECK)
    assert_result(result, share == 1.0, share, feedback)
    assert result.points == 3.0


ORDER = Order(
    kind="order",
    prompt="Put in order",
    items=["2020 crackdown", "2022 invasion", "sanctions tightened", "2025 release"],
)
A, B, C, D = ORDER.items


@pytest.mark.parametrize(
    ("response", "share", "feedback"),
    [
        ([A, B, C, D], 1.0, "Correct"),
        ([A, B, D, C], 0.5, "2 of 4 in the right place"),
        ([B, A, C, D], 0.5, "2 of 4 in the right place"),
        ([D, A, B, C], 0.0, "0 of 4 in the right place"),  # by position: a shift scores nothing
        ([D, C, B, A], 0.0, "0 of 4 in the right place"),
        ([A, C, B, D], 0.5, "2 of 4"),
        ([A, B, C], 0.75, "3 of 4 in the right place"),  # unplaced items are wrong
        ([], 0.0, "0 of 4"),
    ],
)
def test_order_scores_by_position(response: Sequence[str], share: float, feedback: str) -> None:
    assert_result(check(ORDER, response, DECK), share == 1.0, share, feedback)


MATCH = Match(
    kind="match",
    prompt="Rivers",
    pairs=[["Budapest", "Danube"], ["Kyiv", "Dnieper"], ["Paris", "Seine"]],
)


@pytest.mark.parametrize(
    ("response", "share", "feedback"),
    [
        ({"Budapest": "Danube", "Kyiv": "Dnieper", "Paris": "Seine"}, 1.0, "Correct"),
        ({"Budapest": "Dnieper", "Kyiv": "Danube", "Paris": "Seine"}, 1 / 3, "1 of 3 pairs right"),
        ({"Budapest": "Danube", "Kyiv": "Dnieper"}, 2 / 3, "2 of 3 pairs right"),
        ({"Budapest": "Danube", "Kyiv": "Danube", "Paris": "Danube"}, 1 / 3, "1 of 3"),
        (
            {"Budapest": "Danube", "Kyiv": "Dnieper", "Paris": "Seine", "Rome": "Tiber"},
            1.0,
            "Correct",
        ),
        ({}, 0.0, "0 of 3 pairs right"),
    ],
)
def test_match(response: Mapping[str, str], share: float, feedback: str) -> None:
    assert_result(check(MATCH, response, DECK), share == 1.0, share, feedback)


# --- verdicts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "points", "verdict"),
    [
        (1, 1, Verdict.CORRECT),
        (3, 3, Verdict.CORRECT),  # a full score is correct, not partly right
        (2.99, 3, Verdict.PARTLY_RIGHT),
        (1.5, 3, Verdict.PARTLY_RIGHT),
        (0.01, 3, Verdict.PARTLY_RIGHT),
        (0.5, 1, Verdict.PARTLY_RIGHT),
        (0, 3, Verdict.WRONG),
        (0, 1, Verdict.WRONG),
    ],
)
def test_partly_right_is_some_of_the_points_but_not_all(
    score: float, points: float, verdict: Verdict
) -> None:
    result = CheckResult(
        correct=score == points, score=score, points=points, feedback="", expected=""
    )
    assert result.verdict is verdict


@pytest.mark.parametrize(
    ("question", "response", "verdict"),
    [
        (MULTI, ["Bialiatski", "Kalesnikava", "Tsikhanouski"], Verdict.CORRECT),
        (MULTI, ["Bialiatski"], Verdict.PARTLY_RIGHT),
        (MULTI, ["Bialiatski", "Babaryka"], Verdict.WRONG),  # a right pick, but no points
        (MULTI, [], Verdict.WRONG),
        (short(), "Ales Bialiatsky", Verdict.CORRECT),  # a forgiven typo
        (short(), "Lukashenko", Verdict.WRONG),
        (CLOZE, ["Bialiatski", "Viasna", "2000"], Verdict.PARTLY_RIGHT),
        (ORDER, [A, B, D, C], Verdict.PARTLY_RIGHT),
        (MATCH, {}, Verdict.WRONG),
    ],
)
def test_verdict_of_checked_answers(question: Question, response: Any, verdict: Verdict) -> None:
    assert check(question, response, DECK).verdict is verdict


# --- cards ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blank", "response", "correct", "feedback"),
    [
        (0, "Bialiatski", True, "Correct"),
        (1, "Viasna", True, "Correct"),
        (1, "Vyasna", True, "Almost"),
        (1, "Vesna", False, "Incorrect"),
        (1, "Bialiatski", False, "Incorrect"),  # another blank's answer
        (2, "1996", True, "Correct"),
        (2, "1997", False, "Incorrect"),
        (0, "Bialiatsky", True, "Almost: check your spelling — 'Bialiatski'"),
        (0, "", False, "No answer given"),
    ],
)
def test_cloze_blank_card(blank: int, response: str, correct: bool, feedback: str) -> None:
    card = cards_of_question(CLOZE)[blank]
    result = check_card(card, response, DECK)
    assert_result(result, correct, 1.0 if correct else 0.0, feedback)
    assert result.expected == CLOZE.blanks[blank].answer


def test_reversed_flashcard_expects_the_prompt() -> None:
    question = Flashcard(
        kind="flashcard", prompt="Viasna", answer="Human rights centre", reverse=True
    )
    front, back = cards_of_question(question)
    assert check_card(front, True, DECK).expected == "Human rights centre"
    assert check_card(back, True, DECK).expected == "Viasna"
    assert not check_card(back, False, DECK).correct


def test_single_card_question_is_checked_whole() -> None:
    (card,) = cards_of_question(short())
    assert check_card(card, "Bialiatsky", DECK) == check(short(), "Bialiatsky", DECK)


# --- expected text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "text"),
    [
        (short(), NAME),
        (CHOICE, "Vilnius"),
        (MULTI, "Bialiatski; Kalesnikava; Tsikhanouski"),
        (TrueFalse(kind="truefalse", prompt="S", answer=True), "True"),
        (TrueFalse(kind="truefalse", prompt="S", answer=False), "False"),
        (numeric(123, 0.5, "km"), "123 ± 0.5 km"),
        (numeric(123, 0, "km"), "123 km"),
        (numeric(123.0), "123"),
        (numeric(1.5, 0.25), "1.5 ± 0.25"),
        (CLOZE, "Bialiatski; Viasna; 1996"),
        (ORDER, "2020 crackdown → 2022 invasion → sanctions tightened → 2025 release"),
        (MATCH, "Budapest = Danube; Kyiv = Dnieper; Paris = Seine"),
    ],
)
def test_expected_text(question: Question, text: str) -> None:
    assert expected_text(question) == text
    assert expected_text(cards_of_question(question)[0]) == (
        "Bialiatski" if isinstance(question, Cloze) else text
    )


# --- programming errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (short(), True),
        (CHOICE, ["Vilnius"]),
        (TrueFalse(kind="truefalse", prompt="S", answer=True), "true"),
        (Flashcard(kind="flashcard", prompt="P", answer="A"), 1),
        (MULTI, "Bialiatski"),  # a bare str would be split into letters
        (CLOZE, "Bialiatski"),
        (ORDER, "ABCD"),
        (ORDER, [1, 2]),
        (MATCH, [("Budapest", "Danube")]),
        (MULTI, {"Bialiatski": "x"}),
    ],
)
def test_wrong_response_type_is_a_type_error(question: Question, response: Any) -> None:
    with pytest.raises(TypeError, match=question.kind):
        check(question, response, DECK)


@pytest.mark.parametrize(
    ("question", "response"),
    [(CLOZE, ["a", "b", "c", "d"]), (ORDER, [A, B, C, D, A])],
)
def test_too_many_responses_is_a_value_error(question: Question, response: list[str]) -> None:
    with pytest.raises(ValueError, match="responses for"):
        check(question, response, DECK)
