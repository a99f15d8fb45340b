"""Shared pieces of the UI tests: paths, the pinned clock, and keys that answer questions.

`answer_keys` knows, for each question kind, which key presses give the right
(or a wrong) answer given the order the screen shows choices in, so tests take
quizzes by pressing keys as a learner would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from textual.errors import NoWidget
from textual.widget import Widget

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
from quiz.core.storage import Store
from quiz.errors import StoreError
from quiz.ui.app import QuizApp
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.review import ReviewScreen
from quiz.ui.widgets.grades import GradeBar

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
        wrong = next(c for c in order if c not in question.answers)
        picks = question.answers if right else [wrong]
        return [*(key for p in picks for key in _tick_keys(order.index(p))), "enter"]
    if isinstance(question, TrueFalse):
        return ["t" if question.answer == right else "f"]
    if isinstance(question, Numeric):
        return _typed(_number(question.answer) if right else "-987654")
    if isinstance(question, ShortAnswer):
        return _typed(min([question.answer, *question.accept], key=len) if right else "qqqq")
    if isinstance(question, Cloze):
        return [key for blank in question.blanks for key in _typed(blank.answer if right else "q")]
    if isinstance(question, Order):
        assert order is not None
        if not right and list(order) != list(question.items):
            return ["enter"]  # shown out of order: submitting as shown is wrong
        wanted = question.items if right else question.items[1:] + question.items[:1]
        return _order_keys(list(order), wanted)
    if isinstance(question, Match):
        assert order is not None
        partners = [right_side for _, right_side in question.pairs]
        if not right:
            partners = partners[1:] + partners[:1]
        return [*(key for p in partners for key in _partner_keys(order.index(p))), "enter"]
    raise AssertionError(f"unknown kind {question.kind}")


def _tick_keys(index: int) -> list[str]:
    """A choice's number key, or past the ninth, Home, Down to it and Space."""
    return [str(index + 1)] if index < 9 else ["home", *["down"] * index, "space"]


def _partner_keys(index: int) -> list[str]:
    """A match partner's number key (which moves on to the next item), or past the ninth,
    Right that many times from no partner and Down to the next item."""
    return [str(index + 1)] if index < 9 else [*["right"] * (index + 1), "down"]


def _order_keys(current: list[str], target: Sequence[str]) -> list[str]:
    """Selection sort by key presses: highlight each item and move it up into place."""
    keys: list[str] = []
    for place, item in enumerate(target):
        index = current.index(item)
        keys += ["home", *["down"] * index, *["shift+up"] * (index - place)]
        current.insert(place, current.pop(index))
    return [*keys, "enter"]


def shown_whole(widget: Widget) -> bool:
    """Every line of `widget` is on screen (not scrolled away, not cut by its container)."""
    try:
        geometry = widget.screen.find_widget(widget)
    except NoWidget:
        return False
    return bool(geometry.region) and geometry.visible_region == geometry.region


def top_line_shown(widget: Widget) -> bool:
    """At least the first line of `widget` is on screen."""
    try:
        geometry = widget.screen.find_widget(widget)
    except NoWidget:
        return False
    region = geometry.region
    return geometry.clip.contains(region.x, region.y)


def assert_feedback_in_view(screen: QuizScreen | ReviewScreen, label: str) -> None:
    """The verdict and the way on (a quiz's Enter hint, a review's grade buttons) whole on
    screen, and the first line of the right answer; a revealed flashcard's back instead of a
    verdict."""
    if isinstance(screen, ReviewScreen) and not screen.query("#verdict"):
        assert top_line_shown(screen.query_one("#back")), f"{label}: the back is off screen"
        assert shown_whole(screen.query_one(GradeBar)), f"{label}: the grades are off screen"
        return
    # In a quiz, only the question on screen: the stage's other pane may hold the last one.
    shown: Widget = screen.view if isinstance(screen, QuizScreen) else screen
    assert shown_whole(shown.query_one("#verdict")), f"{label}: the verdict is off screen"
    if isinstance(screen, QuizScreen):
        assert shown_whole(shown.query_one("#way-on")), f"{label}: the way on is off screen"
    else:
        assert shown_whole(screen.query_one(GradeBar)), f"{label}: the grades are off screen"
    answer = shown.query("#marks, #expected")
    if answer:
        assert top_line_shown(answer.first()), f"{label}: the right answer is off screen"


def fails_once(store: Store, method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `store.method` fail once as on a full disk, then work: what the screens must
    survive (say it, keep what was typed, let the same key try again)."""
    real = getattr(store, method)
    failures = [StoreError("database or disk is full")]

    def first_fails(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(store, method, first_fails)
