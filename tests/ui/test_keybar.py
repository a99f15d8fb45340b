"""The key bar's overflow rule on real screens: whole keys dropped, help always there."""

from __future__ import annotations

import re

from test_app_keys import help_rows
from textual.pilot import Pilot
from ui_support import NEWS_DECK, UI_DATA, AppFactory, answer_keys

from quiz.config import Settings
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui.app import QuizApp, Start
from quiz.ui.screens.review import ReviewScreen
from quiz.ui.widgets.keybar import KeyBar


def entries(app: QuizApp) -> list[str]:
    """The keys the bar shows, as `key description` strings."""
    return re.split(r"\s{2,}", app.screen.query_one(KeyBar).line.plain.strip())


async def bar_at(pilot: Pilot[None], width: int) -> list[str]:
    await pilot.resize_terminal(width, 24)
    await pilot.pause()
    bar = pilot.app.screen.query_one(KeyBar)
    assert bar.line.cell_length <= width, bar.line.plain
    return entries(pilot.app)


async def assert_drops_whole_keys(pilot: Pilot[None]) -> None:
    """At 160 columns every key; at 80 and 60 an order-keeping subset, whole, with help."""
    every = await bar_at(pilot, 160)
    assert "?/F1 Help" in every and "^p palette" in every
    for width in (80, 60, 40):
        shown = await bar_at(pilot, width)
        assert "?/F1 Help" in shown, (width, shown)
        assert set(shown) <= set(every), (width, shown)  # never a key cut in the middle
        kept = [entry for entry in every if entry in shown]
        assert kept == shown  # the order stays
    shown = await bar_at(pilot, 80)
    assert shown[0] == every[0]  # the most important key stays at 80 columns


async def test_quiz_feedback_bar_fits_80_and_60_columns(build_app: AppFactory) -> None:
    """Feedback's "⏎ Next  o I was right  esc End quiz  e Edit  ?/F1 Help  ^p palette": at 60
    columns the palette hint and the extra Edit go, the keys that answer stay."""
    loaded = load(UI_DATA / "every-kind.toml")
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("short",))))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Pinsk", "enter")  # wrong: the feedback offers o
        await pilot.pause()
        assert "o I was right" in await bar_at(pilot, 160)
        await assert_drops_whole_keys(pilot)
        shown = await bar_at(pilot, 60)
        assert shown == ["⏎ Next", "o I was right", "esc End quiz", "?/F1 Help"]
        assert "e Edit" in await bar_at(pilot, 80)


async def test_review_bar_after_an_answer_fits(build_app: AppFactory, settings: Settings) -> None:
    """Review after an answer (grades, overrule, undo, end): whole keys at 80, 60 and 40."""
    settings.new_per_day = 3
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        order = presented_order(screen.card.question, loaded.deck.deck, screen.seed)
        await pilot.press(*answer_keys(screen.card.question, order))
        await pilot.pause()
        await assert_drops_whole_keys(pilot)


async def test_review_bar_names_the_grade_keys_once_graded_buttons_show(
    build_app: AppFactory, settings: Settings, store: Store
) -> None:
    """Before an answer the grade keys are not available (dimmed, or dropped for room); after
    it, one "1-4 Grade" entry at 80 columns; 1 still grades Again and help still lists each."""
    settings.new_per_day = 3
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        bar = app.screen.query_one(KeyBar).line
        assert "1-4 Grade" not in entries(app) or "1-4 Grade" in {
            segment.text.strip() for segment in bar.render_segments() if segment.style.dim
        }
        first = screen.card
        order = presented_order(first.question, loaded.deck.deck, screen.seed)
        await pilot.press(*answer_keys(first.question, order))
        await pilot.pause()
        shown = entries(app)
        assert "1-4 Grade" in shown and "?/F1 Help" in shown, shown
        assert not any(entry.startswith(("1 ", "2 ", "3 ", "4 ")) for entry in shown)
        await pilot.press("question_mark")
        await pilot.pause()
        rows = help_rows(app.screen)
        assert [rows["Again"], rows["Hard"], rows["Easy"]] == ["1", "2", "4"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert store.read("SELECT grade FROM reviews") == [(1,)]
        assert screen.card is not None and screen.card.key != first.key


async def test_match_bar_leads_with_the_keys_the_match_declares_first(
    build_app: AppFactory,
) -> None:
    """A match rebinds keys its base list already has (Enter, Right): the bar still shows
    them in the order the match declares, so at 60 columns pairing (1-9) and Submit stay
    and stepping (←→) is what goes."""
    loaded = load(UI_DATA / "every-kind.toml")
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("match",))))
    async with app.run_test(size=(80, 24)) as pilot:
        every = await bar_at(pilot, 160)
        assert every[:4] == ["1-9 Partner", "⏎ Submit", "⌫ Clear", "←→ Step"], every
        await assert_drops_whole_keys(pilot)
        narrow = await bar_at(pilot, 60)
        assert narrow[:2] == ["1-9 Partner", "⏎ Submit"], narrow


async def test_review_bar_offers_space_for_good_only_where_good_is_allowed(
    build_app: AppFactory, settings: Settings, store: Store
) -> None:
    """Space shows a flashcard's answer and then means Good; after a wrong typed answer Good
    is refused (1 Again, or o to overrule), so the bar does not offer Space and Space does
    not grade."""
    settings.new_per_day = 3
    loaded = load(NEWS_DECK)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(160, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        assert screen.card.question.kind == "short"
        await pilot.press(*"surely not this", "enter")
        await pilot.pause()
        shown = entries(app)
        assert "o I was right" in shown and not any(e.startswith("space") for e in shown), shown
        await pilot.press("space")
        await pilot.pause()
        assert store.read("SELECT count(*) FROM reviews") == [(0,)]
        await pilot.press("enter")  # Again
        await pilot.pause()
        assert store.read("SELECT grade FROM reviews") == [(1,)]
        assert screen.card.question.kind == "flashcard"
        assert "space Show/Good" in entries(app)


async def test_order_moves_are_one_entry_whatever_keys_they_have(build_app: AppFactory) -> None:
    """Shift+Up, Ctrl+Up and K all move up: the bar says `⇧↑/⇧↓ Move` once, which leaves
    room for Escape at 60 columns."""
    loaded = load(UI_DATA / "every-kind.toml")
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("order",))))
    async with app.run_test(size=(80, 24)) as pilot:
        every = await bar_at(pilot, 160)
        assert every[:2] == ["⇧↑/⇧↓ Move", "⏎ Submit"], every
        assert "esc End quiz" in await bar_at(pilot, 60)


def test_a_key_dropped_early_comes_back_when_a_later_drop_makes_room() -> None:
    """`esc End quiz` does not fit after Next and help; the shorter `p Passage` after it
    does and is kept (it was left out at 60 columns)."""
    from textual.content import Content

    from quiz.ui.widgets.keybar import AVAILABLE, HELP, fitting

    keys = [
        (Content("⏎ Next  "), AVAILABLE),
        (Content("esc End quiz  "), AVAILABLE),
        (Content("p Passage  "), AVAILABLE),
        (Content("?/F1 Help"), HELP),
    ]
    kept = fitting(keys, 30)
    assert [text.plain for text, _ in kept] == ["⏎ Next  ", "p Passage  ", "?/F1 Help"]


def test_keys_are_kept_by_rank_and_drawn_in_their_order() -> None:
    """Help, then available keys, then the palette hint, then extras, then dimmed keys; an
    extra only when everything ranked above it fits."""
    from textual.content import Content

    from quiz.ui.widgets.keybar import AVAILABLE, DIMMED, EXTRA, HELP, PALETTE, fitting

    keys = [
        (Content("dim "), DIMMED),
        (Content("extra "), EXTRA),
        (Content("key "), AVAILABLE),
        (Content("help "), HELP),
        (Content("palette "), PALETTE),
    ]

    def kept(width: int) -> list[str]:
        return [text.plain.strip() for text, _ in fitting(keys, width)]

    assert kept(100) == ["dim", "extra", "key", "help", "palette"]
    assert kept(23) == ["extra", "key", "help", "palette"]
    assert kept(20) == ["key", "help", "palette"]
    assert kept(12) == ["key", "help"]
    # "extra " would fit, but the palette hint did not; a dimmed key takes the room left
    assert kept(15) == ["dim", "key", "help"]
    assert kept(3) == ["help"]  # help stays even when it alone overflows


def test_an_extra_waits_until_every_available_key_fits() -> None:
    from textual.content import Content

    from quiz.ui.widgets.keybar import AVAILABLE, EXTRA, HELP, fitting

    keys = [
        (Content("long key name "), AVAILABLE),
        (Content("x "), EXTRA),
        (Content("help "), HELP),
    ]
    assert [text.plain for text, _ in fitting(keys, 8)] == ["help "]
    assert [text.plain for text, _ in fitting(keys, 21)] == ["long key name ", "x ", "help "]
