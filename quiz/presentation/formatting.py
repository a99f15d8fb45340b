"""Small text formatters shared by the full-screen UI and plain mode (no Textual import)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from quiz.core.judging.diff import letter_diff
from quiz.core.text import counted, sanitize

if TYPE_CHECKING:
    from quiz.core.checking import MarkedRow
    from quiz.core.stats import Retention
    from quiz.core.study import DayForecast


def response_text(response: object) -> str:
    """A learner's response as one sanitised line: for the summary table and plain mode."""
    if response is None:
        return "—"
    if isinstance(response, bool):
        return "True" if response else "False"  # as the right answer is written
    if isinstance(response, str):
        text = response
    elif isinstance(response, Mapping):
        text = "; ".join(f"{k} → {v}" for k, v in response.items())
    elif isinstance(response, Sequence):
        text = ", ".join(str(item).strip() or "—" for item in response)  # an empty blank: —
    else:
        text = str(response)
    return sanitize(text).replace("\n", " ")


def duration_text(elapsed: timedelta) -> str:
    """`1:05` or `1:02:05`: the time a quiz took or has left."""
    seconds = max(0, int(elapsed.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def forecast_text(tomorrow: DayForecast) -> str:
    """The end of a review: what the next study day holds."""
    return (
        f"Tomorrow ({tomorrow.date:%a %d %b}): {counted(tomorrow.due, 'card')} due"
        f" for review and {tomorrow.new} new."
    )


def compared_text(typed: str, answer: str) -> str:
    """A typed answer beside the one it came close to, in plain text: letters typed wrong as
    `[-x]`, letters missing as `[+y]` ("Canber[+r]a"), for plain mode and screen readers."""
    marks = {"same": "{}", "wrong": "[-{}]", "missing": "[+{}]"}
    return "".join(marks[mark].format(text) for mark, text in letter_diff(typed, answer))


def marked_row_text(row: MarkedRow) -> str:
    """`✗ Lyon — not a right choice`: one marked part of an answer, in plain text."""
    correction = f" — {row.correction}" if row.correction else ""
    return f"{'✓' if row.right else '✗'} {row.given}{correction}"


def stale_notice(count: int, *, included: bool) -> str | None:
    """What a learner (or, for an exam, the teacher) is told about questions past their
    `valid_until` date: left out of a review or quiz, or kept in an exam."""
    if count == 0:
        return None
    questions = counted(count, "question")
    if included:
        return (
            f"This exam includes {questions} past {'its' if count == 1 else 'their'}"
            " valid_until date: the facts may no longer hold (quiz check lists them)."
        )
    verb = "is" if count == 1 else "are"
    return (
        f"{questions.capitalize()} {verb} past {'its' if count == 1 else 'their'} valid_until"
        " date and left out: the facts may no longer hold (quiz check lists them)."
    )


RETENTION_LABELS = {"today": "Today", "week": "Last 7 days", "month": "Last 30 days"}
"""How the periods of `quiz.core.stats.RETENTION_PERIODS` are named in tables."""


def retention_text(cell: Retention) -> str:
    """A true-retention cell: the share remembered and of how many reviews, or a dash."""
    return "—" if cell.rate is None else f"{100 * cell.rate:.0f}% of {cell.total}"
