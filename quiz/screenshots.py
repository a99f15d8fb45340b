"""Regenerate the SVG screenshots in `screenshots/`: `python -m quiz.screenshots [FOLDER]`.

Each picture is the real app (built by `quiz.commands.ui.make_app`) driven
headless at 80x24 with a pinned clock, over a throw-away database that first
gets five weeks of simulated reviews so the statistics have something to show.
Nothing outside the temporary folder is read or written except the output.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from quiz.config import Settings
from quiz.core.checking import Response
from quiz.core.library import LoadedDeck, load
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
from quiz.core.scheduling import Grade
from quiz.core.storage import Store
from quiz.core.study import ReviewSession

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
"""The moment every screenshot is taken: a Monday morning."""
SIZE = (80, 24)
ROOT = Path(__file__).resolve().parent.parent

GRADE_WEIGHTS = {Grade.Again: 10, Grade.Hard: 15, Grade.Good: 60, Grade.Easy: 15}


class Clock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def simulate_reviews(
    store: Store, loaded: LoadedDeck, *, days: int, until: datetime, seed: int = 1
) -> None:
    """Review `loaded` once a day for `days` days before `until`, grading at random (seeded).

    Gives the statistics screen a believable history: a few new cards a day,
    mostly Good, some Again; a day off now and then.
    """
    rng = random.Random(seed)
    settings = Settings(fuzz=False, new_per_day=4)
    for day in range(days, 0, -1):
        if rng.random() < 0.15:
            continue
        clock = Clock(until - timedelta(days=day) + timedelta(minutes=rng.randrange(600)))
        session = ReviewSession(
            store,
            loaded.deck,
            settings,
            clock,
            tz=timezone.utc,
            path=str(loaded.path),
            content_hash=loaded.content_hash,
        )
        while (card := session.next_card()) is not None:
            grade = rng.choices(list(GRADE_WEIGHTS), weights=list(GRADE_WEIGHTS.values()))[0]
            seconds = rng.randrange(3, 20)
            clock.now += timedelta(seconds=seconds)
            session.answer(card, grade, duration_ms=seconds * 1000)
            clock.now += timedelta(minutes=2)


Before = Callable[[Any], Awaitable[None]]


async def _shoot(folder: Path, name: str, app: Any, before: Before | None = None) -> Path:
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if before is not None:
            await before(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        from textual.widgets import Input

        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(folder)))
    return path


def right_response(question: Question) -> Response:
    """The response that answers `question` right, in the shape `check` expects."""
    if isinstance(question, Flashcard):
        return True
    if isinstance(question, MultipleChoice):
        return list(question.answers)
    if isinstance(question, Numeric):
        return f"{question.answer:g}"
    if isinstance(question, Cloze):
        return [blank.answer for blank in question.blanks]
    if isinstance(question, Order):
        return list(question.items)
    if isinstance(question, Match):
        return {left: right for left, right in question.pairs}
    return question.answer


async def _answer_all(pilot: Any) -> None:
    """Answer every question (every third one wrong) and arrive on the summary."""
    from quiz.ui.screens.quiz import QuizScreen
    from quiz.ui.widgets.answers import AnswerInput

    number = 0
    while isinstance(screen := pilot.app.screen, QuizScreen):
        number += 1
        question = screen.question
        wrong = number % 3 == 0 and isinstance(question, ShortAnswer | SingleChoice | TrueFalse)
        response: Response = right_response(question)
        if wrong:
            response = (not response) if isinstance(response, bool) else "I do not know"
        screen.query_one(AnswerInput).submit(response)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()


async def _review_all(pilot: Any) -> None:
    """Answer every card due today right, graded Good, and arrive at the end of the review."""
    from quiz.ui.screens.review import ReviewScreen
    from quiz.ui.widgets.answers import AnswerInput

    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    while (card := screen.card) is not None:
        question = card.question
        if isinstance(question, Flashcard):  # either side: reveal it
            await pilot.press("space")
        elif isinstance(question, Cloze) and card.blank is not None:  # that blank only
            screen.query_one(AnswerInput).submit(question.blanks[card.blank].answer)
        else:
            screen.query_one(AnswerInput).submit(right_response(question))
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()


def _press(*keys: str) -> Before:
    async def run(pilot: Any) -> None:
        await pilot.press(*keys)
        await pilot.pause()

    return run


async def _browse(pilot: Any) -> None:
    """The card browser from the library, sorted by due date (studied cards first), with the
    second card selected."""
    await pilot.press("b")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("o", "o")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("down", "space")
    await pilot.pause()


async def take_all(folder: Path) -> list[Path]:
    """Write one SVG per screen into `folder`; returns the files written."""
    from quiz.commands.ui import make_app
    from quiz.presentation.options import QuizOptions
    from quiz.ui.app import Start

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        decks = work / "decks"
        shutil.copytree(ROOT / "decks", decks)  # sources too: the passage screenshot reads one
        news = load(decks / "belarus-prisoner-release-2025.toml")
        with Store.open(work / "quiz.sqlite3", now=NOW) as store:
            chemistry = load(decks / "chemistry-elements.toml")
            simulate_reviews(store, chemistry, days=35, until=NOW)
            simulate_reviews(store, news, days=12, until=NOW, seed=2)

            def app(start: Start | None = None, theme: str = "textual-dark") -> Any:
                built = make_app(
                    store=store,
                    settings=Settings(fuzz=False, theme=theme),
                    start=start,
                    now=Clock(NOW),
                    deck_dirs=[decks],
                    tz=timezone.utc,
                )
                return built

            quiz = Start(at="quiz", loaded=news, quiz=QuizOptions(seed=4, shuffle=False))
            summary = Start(at="quiz", loaded=news, quiz=QuizOptions(seed=4, count=12))
            shots: list[tuple[str, Any, Before | None]] = [
                ("library", app(), None),
                ("library-light", app(theme="textual-light"), None),
                ("deck", app(Start(at="deck", deck=news.path)), None),
                ("quiz-short-answer", app(quiz), None),
                ("quiz-feedback", app(quiz), _press(*"Bialiatski", "enter")),
                ("quiz-flashcard", app(quiz), _press(*"Bialiatski", "enter", "enter", "space")),
                ("quiz-passage", app(quiz), _press(*"Bialiatski", "enter", "p")),
                ("review", app(Start(at="review", loaded=news)), _press(*"121", "enter")),
                ("stats", app(Start(at="stats", loaded=None)), None),
                ("summary", app(summary), _answer_all),
                ("help", app(quiz), _press("f1")),
                ("browser", app(), _browse),
                ("custom-study", app(Start(at="deck", deck=chemistry.path)), _press("c")),
                ("stats-tables", app(Start(at="stats", loaded=None)), _press("t")),
            ]
            # One question of every other kind, each alone in a copy of the news deck.
            shown = {"short", "flashcard"}
            for question in news.deck.questions:
                if question.kind in shown:
                    continue
                shown.add(question.kind)
                alone = dataclasses.replace(
                    news, deck=news.deck.model_copy(update={"questions": [question]})
                )
                one = Start(at="quiz", loaded=alone, quiz=QuizOptions(seed=4, shuffle=False))
                shots.append((f"quiz-{question.kind}", app(one), None))
            # The end of a review, with tomorrow's forecast.
            shots.append(("review-done", app(Start(at="review", loaded=chemistry)), _review_all))
            exam = Start(at="quiz", loaded=news, quiz=QuizOptions(exam=True))
            shots.append(("exam-start", app(exam), _press(*"Ann Lee")))
            for name, built, before in shots:
                written.append(await _shoot(folder, name, built, before))
    return written


def main(argv: list[str] | None = None) -> None:
    """Entry point of `python -m quiz.screenshots [FOLDER]` (default: ./screenshots)."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("screenshots")
    for path in asyncio.run(take_all(folder)):
        print(path)


if __name__ == "__main__":
    main()
