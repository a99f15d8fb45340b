"""Property tests of answer checking: invariants that must hold for any deck text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.checking import check, format_number, parse_number
from quiz.core.models import (
    Cloze,
    DeckMeta,
    Match,
    MultipleChoice,
    Numeric,
    Order,
    ShortAnswer,
)
from quiz.core.text import normalize, sanitize

DECK = DeckMeta(id="deck", title="Deck")
PROPERTY = settings(deadline=None, max_examples=200)

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
answer_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda text: sanitize(text).strip() != ""
)
"""Answers a teacher could write: something visible once controls are stripped."""

plain_text = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="{}|", min_codepoint=32),
    min_size=1,
    max_size=20,
).filter(lambda text: text.strip() != "")
"""Text that can sit inside a cloze blank."""

points = st.one_of(st.integers(1, 10), st.floats(0.1, 100))
thresholds = st.none() | st.floats(0, 100)
decks = st.builds(
    DeckMeta,
    id=st.just("deck"),
    title=st.just("Deck"),
    typo_threshold=st.floats(0, 100),
    fold_accents=st.booleans(),
)
short_answers = st.builds(
    ShortAnswer,
    kind=st.just("short"),
    prompt=st.just("Prompt"),
    answer=answer_text,
    accept=st.lists(answer_text, max_size=3),
    exact=st.booleans(),
    typo_threshold=thresholds,
    fold_accents=st.none() | st.booleans(),
    points=points,
)


@st.composite
def choice_lists(draw: st.DrawFn, min_size: int = 2) -> list[str]:
    return draw(st.lists(answer_text, min_size=min_size, max_size=6, unique=True))


@given(any_text, st.booleans())
@PROPERTY
def test_normalize_is_idempotent(text: str, accents: bool) -> None:
    once = normalize(text, accents=accents)
    assert normalize(once, accents=accents) == once


@given(short_answers, decks)
@PROPERTY
def test_short_answer_and_every_accept_score_full_marks(
    question: ShortAnswer, deck: DeckMeta
) -> None:
    for response in [question.answer, *question.accept]:
        result = check(question, response, deck)
        assert result.correct
        assert result.score == result.points == question.points


@given(short_answers, decks, any_text)
@PROPERTY
def test_short_answer_score_within_points(
    question: ShortAnswer, deck: DeckMeta, response: str
) -> None:
    result = check(question, response, deck)
    assert result.score in (0.0, result.points)
    assert result.correct is (result.score == result.points)


@given(
    st.floats(min_value=-1e300, max_value=1e300) | st.integers(-(10**15), 10**15),
    st.none() | st.text(st.sampled_from("kmgs$%€°"), min_size=1, max_size=3),
    st.booleans(),
)
@PROPERTY
def test_numeric_answer_as_written_scores_full_marks(
    answer: float, unit: str | None, spaced: bool
) -> None:
    question = Numeric(kind="numeric", prompt="How many?", answer=answer, unit=unit)
    written = format_number(answer)
    assert parse_number(written) == answer
    response = written + (" " if spaced else "") + unit if unit else written
    assert check(question, response, DECK).score == question.points


@given(
    st.floats(-1e6, 1e6),
    st.floats(0, 100),
    any_text | st.floats(allow_nan=False).map(repr),
    points,
)
@PROPERTY
def test_numeric_score_within_points(
    answer: float, tolerance: float, response: str, value: float
) -> None:
    question = Numeric(
        kind="numeric", prompt="How many?", answer=answer, tolerance=tolerance, points=value
    )
    result = check(question, response, DECK)
    assert result.score in (0.0, value)
    assert result.correct is (result.score == value)


@given(st.data(), choice_lists(), points)
@PROPERTY
def test_multi_only_the_answer_set_scores_full_marks(
    data: st.DataObject, choices: list[str], value: float
) -> None:
    answers = data.draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
    question = MultipleChoice(
        kind="multi", prompt="Pick", choices=choices, answers=answers, points=value
    )
    full = check(question, list(reversed(answers)), DECK)
    assert full.correct and full.score == value
    picked = data.draw(st.lists(st.sampled_from(choices), unique=True))
    result = check(question, picked, DECK)
    assert 0 <= result.score <= value
    if set(picked) != set(answers):
        assert not result.correct and result.score < value


@given(st.data(), choice_lists(), points)
@PROPERTY
def test_order_only_the_right_order_scores_full_marks(
    data: st.DataObject, items: list[str], value: float
) -> None:
    question = Order(kind="order", prompt="Order", items=items, points=value)
    assert check(question, items, DECK).score == value
    shuffled = data.draw(st.permutations(items))
    result = check(question, shuffled, DECK)
    assert 0 <= result.score <= value
    assert result.correct is (list(shuffled) == items)
    if shuffled != items:
        assert result.score < value
    placed = sum(a == b for a, b in zip(shuffled, items, strict=True))
    assert result.score == pytest.approx(value * placed / len(items))


@given(st.data(), choice_lists(), choice_lists(), points)
@PROPERTY
def test_match_only_the_right_pairs_score_full_marks(
    data: st.DataObject, lefts: list[str], rights: list[str], value: float
) -> None:
    size = min(len(lefts), len(rights))
    pairs = [[left, right] for left, right in zip(lefts[:size], rights[:size], strict=True)]
    question = Match(kind="match", prompt="Match", pairs=pairs, points=value)
    assert check(question, dict(zip(lefts[:size], rights[:size], strict=True)), DECK).score == value
    shuffled = data.draw(st.permutations(rights[:size]))
    result = check(question, dict(zip(lefts[:size], shuffled, strict=True)), DECK)
    assert 0 <= result.score <= value
    assert result.correct is (list(shuffled) == rights[:size])


@given(st.lists(plain_text, min_size=1, max_size=4), decks, points, st.data())
@PROPERTY
def test_cloze_blank_answers_score_full_marks(
    blanks: list[str], deck: DeckMeta, value: float, data: st.DataObject
) -> None:
    text = " and ".join(f"{{{{{blank}}}}}" for blank in blanks)
    question = Cloze(kind="cloze", text=text, points=value)
    answers = [blank.answer for blank in question.blanks]
    assert check(question, answers, deck).score == value
    responses = data.draw(st.lists(any_text, max_size=len(blanks)))
    result = check(question, responses, deck)
    assert 0 <= result.score <= value
    assert result.correct is (result.score == value)


def test_permutations_of_a_small_order_never_beat_the_right_one() -> None:
    """Exhaustive over 5 items: only the identity scores full marks."""
    items = ["a", "b", "c", "d", "e"]
    question = Order(kind="order", prompt="Order", items=items)
    scores = {tuple(p): check(question, list(p), DECK).score for p in itertools.permutations(items)}
    assert [p for p, score in scores.items() if score == 1.0] == [tuple(items)]
    assert all(0 <= score <= 1 for score in scores.values())
