"""Generated decks and key sequences: the app never crashes, whatever the deck's shape.

The bundled decks never had the shapes that broke the app (a cloze with one blank, thirty
choices, a 2,000-character prompt, right-to-left text). Hypothesis builds decks of every kind
with such edges and drives a quiz, a review or an exam by arbitrary keys, at 80x24, 60x20
and 160x45 (and 40x12, below what we support), resizing midway; any exception inside the app
fails the test, and so does feedback that is not in view right after an answer.
"""

from __future__ import annotations

import asyncio
from datetime import timezone
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ui_support import NOW, Clock, assert_feedback_in_view

from quiz.commands.ui import make_app
from quiz.config import Settings
from quiz.core.interchange.toml_writer import deck_to_toml
from quiz.core.library import load
from quiz.core.models import Deck
from quiz.core.storage import Store
from quiz.presentation.options import QuizOptions
from quiz.ui.app import Start
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.review import ReviewScreen

SCRIPTS = st.sampled_from(
    [
        "Paris",
        "北京",
        "שלום עולם",  # right to left
        "مرحبا",
        "emoji 🦉🎓",
        "Ｆｕｌｌ ｗｉｄｔｈ",
        "a [b]c[/b] [@click=app.quit]x[/]",
        "ǅemal ﬁ",
    ]
)
WORDS = st.lists(SCRIPTS, min_size=1, max_size=3).map(" ".join)
LONG = st.integers(200, 2000).map(lambda n: ("word " * n)[:n].strip() or "word")
TEXT = st.one_of(WORDS, LONG)
SIZES = [(80, 24), (60, 20), (160, 45), (40, 12)]
KEYS = st.sampled_from(
    ["1", "2", "3", "9", "a", "x", "space", "enter", "enter", "enter", "tab", "shift+tab",
     "up", "down", "shift+up", "shift+down", "home", "end", "backspace", "t", "f", "y", "n",
     "o", "u", "pagedown", "pageup", "ctrl+u"]
)  # fmt: skip
"""Any key a learner may press, except those that leave (Escape, q, Ctrl+Q)."""
EDGE_COUNTS = st.sampled_from([2, 2, 3, 30])
"""Choices, items and pairs: the fewest, a few, and more than a screen or nine keys hold."""
ANSWERING = st.lists(st.sampled_from(["x", "1", "t", "space"]), min_size=1, max_size=3).map(
    lambda keys: [*keys, "enter"]
)
"""Keys that give some answer and submit it, so that feedback screens are reached often."""
KEY_RUNS = st.lists(st.one_of(ANSWERING, st.lists(KEYS, max_size=4)), min_size=1, max_size=12).map(
    lambda runs: [key for run in runs for key in run]
)


def distinct(texts: list[str]) -> list[str]:
    return [f"{n}. {text}" for n, text in enumerate(texts, start=1)]


@st.composite
def question(draw: st.DrawFn, index: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["flashcard", "short", "choice", "multi", "truefalse",
                                 "numeric", "cloze", "order", "match"]))  # fmt: skip
    base: dict[str, Any] = {"id": f"q{index}", "kind": kind}
    if draw(st.booleans()):
        base["explanation"] = draw(TEXT)
    if kind != "cloze":
        base["prompt"] = draw(TEXT)
    if kind == "flashcard":
        return {**base, "answer": draw(TEXT)}
    if kind == "short":
        return {**base, "answer": draw(WORDS), "accept": draw(st.lists(WORDS, max_size=2))}
    if kind in ("choice", "multi"):
        choices = distinct([draw(WORDS) for _ in range(draw(EDGE_COUNTS))])
        if kind == "choice":
            return {**base, "choices": choices, "answer": choices[0]}
        return {**base, "choices": choices, "answers": choices[: max(1, len(choices) // 2)]}
    if kind == "truefalse":
        return {**base, "answer": draw(st.booleans())}
    if kind == "numeric":
        unit = draw(st.sampled_from([None, "km", "°C", "%"]))
        return {**base, "answer": draw(st.integers(-(10**6), 10**6)), "unit": unit}
    if kind == "cloze":
        blanks = draw(st.sampled_from([1, 1, 2, 12]))
        gaps = [
            "{{" + f"answer{n}" + (f"|hint {n}" if draw(st.booleans()) else "") + "}}"
            for n in range(blanks)
        ]
        return {**base, "text": " ".join(f"{draw(WORDS)} {gap}" for gap in gaps)}
    if kind == "order":
        return {**base, "items": distinct([draw(WORDS) for _ in range(draw(EDGE_COUNTS))])}
    lefts = distinct([draw(WORDS) for _ in range(draw(EDGE_COUNTS))])
    return {**base, "pairs": [[left, f"{left} partner"] for left in lefts]}


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    count = draw(st.integers(1, 4))
    data = {
        "deck": {
            "id": "generated",
            "title": draw(WORDS),
            "format": draw(st.sampled_from(["plain", "markdown"])),
            "shuffle": draw(st.booleans()),
        },
        "questions": [draw(question(index)) for index in range(count)],
    }
    return Deck.model_validate(data)


def feedback_shown(screen: object) -> bool:
    """A quiz's feedback or a review's answer is on show (an exam shows none)."""
    if isinstance(screen, QuizScreen):
        return screen.showing_feedback and not screen.options.exam
    return isinstance(screen, ReviewScreen) and screen.revealed


async def drive(deck: Deck, mode: str, size: tuple[int, int], keys: list[str]) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "generated.toml"
        path.write_text(deck_to_toml(deck), encoding="utf-8")
        loaded = load(path)
        store = Store.open(Path(folder) / "quiz.sqlite3", now=NOW)
        options = QuizOptions(seed=3, exam=mode == "exam", student="ann")
        start = Start(at="review" if mode == "review" else "quiz", loaded=loaded, quiz=options)
        app = make_app(
            store=store,
            settings=Settings(fuzz=False),
            start=start,
            now=Clock(),
            deck_dirs=[Path(folder)],
            settings_path=None,
            tz=timezone.utc,
        )
        try:
            async with app.run_test(size=size) as pilot:
                for number, key in enumerate(keys):
                    before = feedback_shown(app.screen)
                    await pilot.press(key)
                    if feedback_shown(app.screen) and not before:
                        await pilot.pause()
                        screen = app.screen
                        assert isinstance(screen, QuizScreen | ReviewScreen)
                        assert_feedback_in_view(screen, f"after {keys[: number + 1]}")
                    if number == len(keys) // 2:
                        await pilot.resize_terminal(*SIZES[(SIZES.index(size) + 1) % 4])
                await pilot.pause()
        finally:
            store.close()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    decks(),
    st.sampled_from(["quiz", "review", "exam"]),
    st.sampled_from(SIZES),
    KEY_RUNS,
)
def test_any_deck_and_any_keys_never_crash_the_app(
    deck: Deck, mode: str, size: tuple[int, int], keys: list[str]
) -> None:
    asyncio.run(drive(deck, mode, size, keys))
