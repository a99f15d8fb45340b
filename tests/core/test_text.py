"""Text safety and normalisation: the ASCII fast path must agree with the general one."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.core.text import counted, normalize, sanitize


def normalize_by_category(text: str) -> str:
    """The reference: the general rule, one Unicode category lookup per character."""
    text = unicodedata.normalize("NFKC", sanitize(text)).casefold()
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    return " ".join(text.split())


@given(st.text(alphabet=string.printable))
def test_ascii_fast_path_matches_the_general_rule(text: str) -> None:
    assert normalize(text) == normalize_by_category(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Ales  BIALIATSKI, é! ", "ales bialiatski e"),
        ("Łukasz Øster", "lukasz oster"),
        ("don't-stop", "don t stop"),
        ("１２３", "123"),
        ("a\x1b[31mb\x07c", "abc"),
        ("$5 + 3 = 8", "5 3 8"),
    ],
)
def test_normalize_examples(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain\ttext\nkept", "plain\ttext\nkept"),
        ("\x1b[2Jcleared", "cleared"),
        ("\x1b]52;c;SGVsbG8=\x07copied", "copied"),
        ("\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("bell\x07 and \x9b C1", "bell and  C1"),
    ],
)
def test_sanitize_strips_escapes_and_controls(text: str, expected: str) -> None:
    assert sanitize(text) == expected


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 decks"), (1, "1 deck"), (2, "2 decks"), (-1, "-1 decks")]
)
def test_counted_says_the_noun_in_the_plural_unless_one(count: int, expected: str) -> None:
    assert counted(count, "deck") == expected
