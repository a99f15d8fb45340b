"""Points as the quiz screens show them: two decimals at most, no pointless zeros or dot."""

from __future__ import annotations

import pytest

from quiz.ui.screens.quiz import points_text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"),
        (1, "1"),
        (10, "10"),
        (100, "100"),
        (0.5, "0.5"),
        (2.25, "2.25"),
        (1 / 3, "0.33"),
        (4 / 3, "1.33"),
        (1 + 1 + 4 / 3 + 2 / 3, "4"),  # a score summed answer by answer, a hair under 4: "4."
        (2 / 3 + 1 / 3, "1"),
        (0.1 + 0.2, "0.3"),
        (1_000_000, "1000000"),  # was "1e+06"
        (2.999, "3"),
    ],
)
def test_points_text(value: float, shown: str) -> None:
    assert points_text(value) == shown
