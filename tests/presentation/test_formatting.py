"""How a learner's response reads in the results table and plain mode: one line, written as
the right answer is, an empty part visible, no control characters."""

from __future__ import annotations

import pytest

from quiz.presentation.formatting import response_text


@pytest.mark.parametrize(
    ("response", "text"),
    [
        (None, "—"),
        (True, "True"),
        (False, "False"),
        ("Minsk", "Minsk"),
        ("two\nlines", "two lines"),
        (["Danube", ""], "Danube, —"),
        (["  ", "Vienna"], "—, Vienna"),
        (["2", "7"], "2, 7"),
        ({"Fe": "Iron", "Na": "Sodium"}, "Fe → Iron; Na → Sodium"),
        (8.3, "8.3"),
        ("\x1b]52;c;SGVsbG8=\x07Paris", "Paris"),
    ],
)
def test_response_text(response: object, text: str) -> None:
    assert response_text(response) == text
