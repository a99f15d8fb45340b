"""Shared pieces of the UI tests: paths, the pinned clock, and keys that answer questions.

`answer_keys` knows, for each question kind, which key presses give the right
(or a wrong) answer given the order the screen shows choices in, so tests take
quizzes by pressing keys as a learner would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from quiz.core.models import (
    Cloze,
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
from quiz.ui.app import QuizApp

ROOT = Path(__file__).resolve().parents[2]
DECKS = ROOT / "decks"
NEWS_DECK = DECKS / "belarus-prisoner-release-2025.toml"
UI_DATA = Path(__file__).resolve().parent / "data"

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
"""A Monday morning: every test's clock starts here."""


AppFactory = Callable[..., QuizApp]
"""`build_app(start=..., deck_dirs=[...])` from the fixture of that name."""


class Clock:
    """A settable clock the app and sessions read; `advance` moves it on."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _typed(text: str) -> list[str]:
    return [*text, "enter"]


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def answer_keys(
    question: Question, order: Sequence[str] | None, *, right: bool = True
) -> list[str]:
    """Key presses that answer `question` right (or, with `right=False`, score nothing)."""
    if isinstance(question, Flashcard):
        return ["space", "space" if right else "n"]
    if isinstance(question, SingleChoice):
        assert order is not None
        pick = question.answer if right else next(c for c in order if c != question.answer)
        return [str(order.index(pick) + 1)]
    if isinstance(question, MultipleChoice):
        assert order is not None
        picks = question.answers if right else [c for c in order if c not in question.answers]
        return [*(str(order.index(p) + 1) for p in picks), "enter"]
    if isinstance(question, TrueFalse):
        return ["t" if question.answer == right else "f"]
    if isinstance(question, Numeric):
        return _typed(_number(question.answer) if right else "-987654")
    if isinstance(question, ShortAnswer):
        return _typed(min([question.answer, *question.accept], key=len) if right else "qqqq")
    if isinstance(question, Cloze):
        return [
            key for blank in question.blanks for key in _typed(blank.answer if right else "qqqq")
        ]
    if isinstance(question, Order):
        assert order is not None
        wanted = question.items if right else question.items[1:] + question.items[:1]
        return _order_keys(list(order), wanted)
    if isinstance(question, Match):
        assert order is not None
        partners = [right_side for _, right_side in question.pairs]
        if not right:
            partners = partners[1:] + partners[:1]
        return [*(str(order.index(p) + 1) for p in partners), "enter"]
    raise AssertionError(f"unknown kind {question.kind}")


def _order_keys(current: list[str], target: Sequence[str]) -> list[str]:
    """Selection sort by key presses: highlight each item and move it up into place."""
    keys: list[str] = []
    for place, item in enumerate(target):
        index = current.index(item)
        keys += ["home", *["down"] * index, *["shift+up"] * (index - place)]
        current.insert(place, current.pop(index))
    return [*keys, "enter"]
