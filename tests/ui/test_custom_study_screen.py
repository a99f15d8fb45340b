"""The custom study form from the deck page (`c`), driven by keys, and snapshots of it and of
the leech announcement at 80x24 and 60x20."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Label
from ui_support import DECKS, NOW, AppFactory

from quiz.config import Settings
from quiz.core.card_state import CardState, Flag, Phase
from quiz.core.custom_study import CramFilter, CustomStudy
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.ui.app import Start
from quiz.ui.screens.custom_study import CustomChoice, CustomStudyScreen, read_form
from quiz.ui.screens.deck import DeckScreen
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.review import ReviewScreen

CHEMISTRY = DECKS / "chemistry-elements.toml"
SnapCompare = Callable[..., bool]


@pytest.mark.parametrize(
    ("fields", "choice"),
    [
        (("3", "", "", ""), CustomChoice(custom=CustomStudy(ahead_days=3))),
        (("", "5", "symbols", ""), CustomChoice(custom=CustomStudy(extra_new=5, tag="symbols"))),
        (("", "", "", "flag:red"), CustomChoice(cram=CramFilter("flag", "red"))),
    ],
)
def test_the_form_reads_as(fields: tuple[str, str, str, str], choice: CustomChoice) -> None:
    assert read_form(*fields, tags=["symbols"]) == choice


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("", "", "", ""), "Fill in a field"),
        (("x", "", "", ""), "Review ahead: a whole number"),
        (("", "", "nope", ""), "No question has the tag 'nope'"),
        (("1", "", "", "tag:a"), "A cram is a pass of its own"),
        (("", "", "", "flag:pink"), "use tag:NAME, flag:COLOUR"),
    ],
)
def test_the_form_says_what_is_wrong(fields: tuple[str, str, str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_form(*fields, tags=["symbols"])


async def test_c_opens_the_form_and_a_tag_starts_a_review_of_that_tag(
    build_app: AppFactory,
) -> None:
    app = build_app(Start(at="deck", deck=CHEMISTRY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CustomStudyScreen)
        await pilot.press("enter")  # nothing filled in: said, the form stays
        await pilot.pause()
        assert "Fill in a field" in str(app.screen.query_one("#custom-error", Label).content)
        await pilot.press("tab", "tab", *"symbols", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session is not None
        assert screen.custom == CustomStudy(tag="symbols")
        assert screen.sub_title == "Review · tag symbols"
        assert screen.card is not None and "symbols" in screen.card.question.tags
        symbols = sum("symbols" in q.tags for q in load(CHEMISTRY).deck.questions)
        assert screen.session.counts().new == symbols


async def test_escape_cancels_the_form(build_app: AppFactory) -> None:
    app = build_app(Start(at="deck", deck=CHEMISTRY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen)


async def test_extra_new_cards_and_review_ahead(build_app: AppFactory, settings: Settings) -> None:
    settings.new_per_day = 2
    app = build_app(Start(at="deck", deck=CHEMISTRY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("1", "tab", "4", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session is not None
        assert screen.session.counts().new == 6
        assert screen.sub_title == "Review · 1 days ahead, 4 extra new"


async def test_a_cram_by_flag_is_a_quiz_on_the_flagged_questions(
    build_app: AppFactory, store: Store
) -> None:
    loaded = load(CHEMISTRY)
    app = build_app(Start(at="deck", deck=CHEMISTRY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        key = next(
            iter(store.read("SELECT card_key FROM cards WHERE deck_id = ?", (loaded.deck.deck.id,)))
        )[0]
        store.set_flag([(loaded.deck.deck.id, key)], Flag.RED, now=NOW)
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#custom-cram", Input).value = "flag:red"
        await pilot.press("tab", "tab", "tab", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        assert len(screen.session.questions) == 1 and not screen.session.schedule


async def test_a_cram_with_nothing_to_cram_says_so(build_app: AppFactory) -> None:
    app = build_app(Start(at="deck", deck=CHEMISTRY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#custom-cram", Input).value = "lapses:2"
        app.screen.query_one("#custom-cram", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen)
        assert any("No card is lapses:2" in str(n.message) for n in app._notifications)


async def test_e_is_not_offered_in_an_exam(build_app: AppFactory) -> None:
    from quiz.presentation.options import QuizOptions

    app = build_app(
        Start(at="quiz", loaded=load(CHEMISTRY), quiz=QuizOptions(exam=True, student="ann"))
    )
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.press("enter")  # past the exam's start screen
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.check_action("edit", ()) is False
        assert "Edit" not in str(screen.query_one("KeyBar").render())


# --- snapshots --------------------------------------------------------------------------------


async def _open_form(pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("c")
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_custom_study_form(
    size: tuple[int, int], snap_compare: SnapCompare, build_app: AppFactory
) -> None:
    app = build_app(Start(at="deck", deck=CHEMISTRY))
    assert snap_compare(app, terminal_size=size, run_before=_open_form)


def test_leech_announcement(
    size: tuple[int, int],
    snap_compare: SnapCompare,
    build_app: AppFactory,
    store: Store,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.leech_action = "suspend"
    loaded = load(CHEMISTRY)
    app = build_app(Start(at="review", loaded=loaded))
    first = loaded.deck.questions[0]
    from quiz.core.cards import cards_of_question
    from quiz.core.reconcile import reconcile_cards

    cards = [c for q in loaded.deck.questions for c in cards_of_question(q)]
    reconcile_cards(store, loaded.deck, cards, path=None, content_hash=None, now=NOW)
    lapsed = CardState(
        state=Phase.REVIEW,
        stability=2.0,
        difficulty=8.0,
        due=NOW - timedelta(hours=1),
        last_review=NOW - timedelta(days=2),
        reps=12,
        lapses=7,
    )
    key = cards_of_question(first)[0].key
    store.record_review(
        loaded.deck.deck.id, key, after=lapsed, grade=3, reviewed_at=NOW - timedelta(days=2)
    )

    async def lapse(pilot: object) -> None:
        from textual.pilot import Pilot

        assert isinstance(pilot, Pilot)
        await pilot.pause()
        await pilot.press("space", "1")
        await pilot.pause()
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=lapse)
