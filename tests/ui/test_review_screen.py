"""A review session driven by keys: answering, undoing and finishing, with a pinned clock."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Button, Label
from ui_support import NEWS_DECK, AppFactory, Clock, answer_keys, fails_once

from quiz.config import Settings
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.errors import StoreError
from quiz.presentation.questions import presented_order
from quiz.ui.app import Start
from quiz.ui.screens.review import ReviewScreen
from quiz.ui.widgets.keybar import KeyBar


def answered(store: Store) -> int:
    return len(list(store.iter_reviews()))


def dimmed_keys(screen: ReviewScreen) -> set[str]:
    """The keys the key bar shows as not available now."""
    segments = screen.query_one(KeyBar).line.render_segments()
    return {segment.text.strip() for segment in segments if segment.style and segment.style.dim}


async def test_review_answer_undo_finish(
    build_app: AppFactory, settings: Settings, store: Store, clock: Clock
) -> None:
    settings.new_per_day = 3
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session is not None
        assert "New 3" in str(screen.query_one("#counts", Label).content)
        first = screen.card
        assert first is not None

        # Answer the first card right; the buttons carry the unfuzzed intervals of a new card.
        order = presented_order(first.question, loaded.deck.deck, screen.seed)
        await pilot.press(*answer_keys(first.question, order))
        await pilot.pause()
        labels = [str(b.label) for b in screen.query(Button)]
        assert labels == ["1 Again 1m", "2 Hard 6m", "3 Good 10m", "4 Easy 8d"]
        clock.advance(seconds=5)
        await pilot.press("4")
        await pilot.pause()
        assert answered(store) == 1
        assert screen.card is not None and screen.card.key != first.key
        assert "New 2" in str(screen.query_one("#counts", Label).content)

        # Undo: the same card is back, the log row gone, the count restored.
        await pilot.press("u")
        await pilot.pause()
        assert screen.card is not None and screen.card.key == first.key
        assert answered(store) == 0
        assert "New 3" in str(screen.query_one("#counts", Label).content)

        # Answer all three new cards Easy: they graduate, and the queue ends.
        for _ in range(3):
            card = screen.card
            assert card is not None
            order = presented_order(card.question, loaded.deck.deck, screen.seed)
            if card.question.kind == "flashcard":
                await pilot.press("space")  # reveal (a second Space would grade Good)
            else:
                await pilot.press(*answer_keys(card.question, order))
            await pilot.pause()
            await pilot.press("4")
            await pilot.pause()
        assert screen.card is None
        assert answered(store) == 3
        summary = str(screen.query_one("#review-summary", Label).content)
        assert "3 answered (3 new)" in summary
        assert "Easy 3" in str(screen.query_one("#review-grades", Label).content)
        assert "Next card due" in str(screen.query_one("#next-due", Label).content)
        # The key bar follows: nothing left to show or grade, but the last answer can be undone.
        assert dimmed_keys(screen) == {"space Show/Good", "1-4 Grade"}
        # Easy sent the three cards 8 days away; tomorrow brings three new ones.
        assert str(screen.query_one("#forecast", Label).content) == (
            "Tomorrow (Tue 03 Mar): 0 cards due for review and 3 new."
        )

        # Ctrl+Z undoes too, even from the end screen (and while typing, where u is a letter).
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.card is not None
        assert answered(store) == 2


async def test_nothing_due_says_when_the_next_card_is(
    build_app: AppFactory, settings: Settings, store: Store, clock: Clock
) -> None:
    """With today's new cards used up, the screen says when to come back, not an empty page."""
    settings.new_per_day = 1
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        order = presented_order(screen.card.question, loaded.deck.deck, screen.seed)
        await pilot.press(*answer_keys(screen.card.question, order), "4")
        await pilot.pause()
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)):
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.card is None
        assert str(screen.query_one("#review-summary", Label).content) == "Nothing is due."
        # The study day rolls over at 04:00 (UTC here): new cards again 18.5 hours on.
        assert str(screen.query_one("#next-due", Label).content) == (
            "Next card due in 18 hours (Tue 03 Mar 04:00)."
        )


async def test_review_shows_the_checkers_remark_on_a_forgiven_typo(
    build_app: AppFactory, settings: Settings
) -> None:
    settings.new_per_day = 1
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.card is not None and screen.card.key == "who-was-released"
        await pilot.press(*"Bialiatsky and Kalesnikava", "enter")
        await pilot.pause()
        assert "Correct" in str(screen.query_one("#verdict", Label).content)
        remark = str(screen.query_one("#check-feedback", Label).content)
        assert remark.startswith("Almost: check your spelling")


async def test_review_the_learner_overrules_the_verdict(
    build_app: AppFactory, settings: Settings, store: Store, clock: Clock
) -> None:
    """`o` after a wrong verdict: "I was right" (Hard/Good/Easy open, Good logged with the
    checker's "wrong"); 1 after a right verdict: Again, never a crash; `o` after a right one:
    "I was wrong" (only Again). The key bar names the overrule that applies; undo takes an
    overruled answer back like any other."""
    settings.new_per_day = 3
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session is not None
        card = screen.card
        assert card is not None and card.question.kind != "flashcard"
        order = presented_order(card.question, loaded.deck.deck, screen.seed)

        # 1. Wrong, then "I was right".
        await pilot.press(*answer_keys(card.question, order, right=False))
        await pilot.pause()
        assert "Wrong" in str(screen.query_one("#verdict", Label).content)
        assert "I was right" in str(screen.query_one(KeyBar).line)
        assert [b.disabled for b in screen.query(Button)] == [False, True, True, True]
        await pilot.press("3")  # refused: a wrong answer is graded Again unless overruled
        await pilot.pause()
        assert answered(store) == 0
        await pilot.press("o")
        await pilot.pause()
        assert "Counted as right" in str(screen.query_one("#verdict", Label).content)
        assert "I was wrong" in str(screen.query_one(KeyBar).line)
        assert [b.disabled for b in screen.query(Button)] == [False, False, False, False]
        await pilot.press("3")
        await pilot.pause()
        (logged,) = list(store.iter_reviews())
        assert (logged.correct, logged.grade) == (False, 3)

        # 2. Undo, right, then 1: Again ("I did not really know it").
        await pilot.press("u")
        await pilot.pause()
        assert answered(store) == 0 and screen.card is not None
        assert screen.card.key == card.key
        await pilot.press(*answer_keys(card.question, order))
        await pilot.pause()
        assert "Correct" in str(screen.query_one("#verdict", Label).content)
        await pilot.press("1")
        await pilot.pause()
        (logged,) = list(store.iter_reviews())
        assert (logged.correct, logged.grade) == (True, 1)

        # 3. Undo, right, then "I was wrong": only Again is left, and Enter gives it.
        await pilot.press("u")
        await pilot.pause()
        await pilot.press(*answer_keys(card.question, order))
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert "Counted as wrong" in str(screen.query_one("#verdict", Label).content)
        assert [b.disabled for b in screen.query(Button)] == [False, True, True, True]
        await pilot.press("enter")
        await pilot.pause()
        (logged,) = list(store.iter_reviews())
        assert (logged.correct, logged.grade) == (True, 1)


async def test_a_review_that_cannot_start_says_why(
    build_app: AppFactory, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store error as the review starts raised out of the screen (a traceback); now a
    review opened from the deck page goes back to it with a notification, and one opened
    first (`quiz review DECK`) ends the app with `Error: ...` and status 1, like any
    command."""

    def disk_full(*args: object, **kwargs: object) -> None:
        raise StoreError("could not write to x: No space left on device [bold]")

    monkeypatch.setattr(store, "start_daily_backup", disk_full)
    app = build_app(Start(at="review", loaded=load(NEWS_DECK)))
    exits: list[object] = []
    real_exit = app.exit

    def exit_(*args: Any, **kwargs: Any) -> None:
        exits.append(kwargs.get("message"))
        real_exit(*args, **kwargs)

    monkeypatch.setattr(app, "exit", exit_)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert [str(m) for m in exits] == [
        "Error: could not write to x: No space left on device [bold]"
    ]  # a Rich Text, printed as it is: its [bold] is not markup

    app = build_app(Start(at="deck", deck=NEWS_DECK))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("No space left on device" in m for m in messages), messages


async def test_a_failed_daily_backup_is_said_and_the_review_goes_on(
    build_app: AppFactory, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from quiz.core import backup

    def disk_full(path: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", disk_full)
    app = build_app(Start(at="review", loaded=load(NEWS_DECK)))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(40):  # the backup runs on its own thread; the screen looks twice a second
            await pilot.pause(0.05)
            if app._notifications:
                break
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        (notice,) = list(app._notifications)
        assert notice.title == "The day's backup failed"
        assert "No space left on device" in str(notice.message)
        order = presented_order(screen.card.question, load(NEWS_DECK).deck.deck, screen.seed)
        await pilot.press(*answer_keys(screen.card.question, order))
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        assert answered(store) == 1


async def test_a_grade_or_an_undo_the_store_could_not_save_can_be_given_again(
    build_app: AppFactory, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fails_once(store, "record_review", monkeypatch)
    fails_once(store, "undo_review", monkeypatch)
    settings.new_per_day = 3
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        first = screen.card
        order = presented_order(first.question, loaded.deck.deck, screen.seed)
        await pilot.press(*answer_keys(first.question, order))
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert screen.card is first and answered(store) == 0
        messages = [str(n.message) for n in app._notifications]
        assert any("Grade the card again" in m for m in messages), messages
        await pilot.press("1")
        await pilot.pause()
        second = screen.card
        assert answered(store) == 1 and second is not first

        await pilot.press("u")
        await pilot.pause()
        assert screen.card is second and answered(store) == 1
        assert [n.title for n in app._notifications][-1] == "Not undone"
        await pilot.press("u")
        await pilot.pause()
        assert screen.card is not None and screen.card.key == first.key
        assert answered(store) == 0
