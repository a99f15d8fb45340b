"""Managing cards from the review screen with keys (issue 14): suspend, bury, flag, forget,
one undo stack with the answers, the leech announcement, and editing with `e`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Label
from ui_support import AppFactory, Clock

from quiz.config import Settings
from quiz.core.card_state import CardState, Flag, Phase
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.ui.app import Start
from quiz.ui.screens.review import ReviewScreen
from quiz.ui.widgets.keybar import KeyBar

DECK = """\
[deck]
id = "acts"
title = "Actions"

[[questions]]
id = "one"
kind = "flashcard"
prompt = "First front"
answer = "first back"

[[questions]]
id = "two"
kind = "flashcard"
prompt = "Second front"
answer = "second back"

[[questions]]
id = "three"
kind = "flashcard"
prompt = "Third front"
answer = "third back"
"""

FAKE_EDITOR = """\
import os, sys
mark = os.environ["FAKE_EDITOR_MARK"]
line, path = int(sys.argv[1].lstrip("+")), sys.argv[2]
lines = open(path, encoding="utf-8").read().split("\\n")
for index in range(line - 1, len(lines)):
    if lines[index].startswith("prompt = "):
        lines[index] = lines[index].replace("prompt = \\"", "prompt = \\"" + mark, 1)
        break
open(path, "w", encoding="utf-8").write("\\n".join(lines))
"""
"""A stand-in for `$EDITOR`: edits the first prompt at or after the line it is given."""


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "acts.toml"
    path.write_text(DECK, encoding="utf-8")
    return path


def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mark: str) -> None:
    script = tmp_path / "editor.py"
    script.write_text(FAKE_EDITOR, encoding="utf-8")
    monkeypatch.setenv("FAKE_EDITOR_MARK", mark)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")


def key_bar(screen: ReviewScreen) -> str:
    return screen.query_one(KeyBar).line.plain


def prompt(screen: ReviewScreen) -> str:
    return str(screen.query_one("#prompt").render())


async def test_suspend_bury_forget_flag_and_undo_them_all_with_answers(
    build_app: AppFactory, store: Store, deck_file: Path
) -> None:
    app = build_app(Start(at="review", loaded=load(deck_file)))
    async with app.run_test(size=(140, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        from quiz.ui.screens.help import binding_rows

        listed = {row.description for row in binding_rows(screen)}
        assert {"Suspend", "Bury", "Flag", "Edit", "Forget"} <= listed  # in ? and the palette
        assert screen.card.key == "one"
        await pilot.press("f")  # flag: red, the card stays
        await pilot.pause()
        assert screen.card.key == "one" and "red" in str(
            screen.query_one("#card-flag", Label).content
        )
        await pilot.press("f")
        await pilot.pause()
        record = store.card("acts", "one")
        assert record is not None and record.marks.flag is Flag.ORANGE
        await pilot.press("space", "3")  # answer it Good
        await pilot.pause()
        assert screen.card is not None and screen.card.key == "two"
        assert str(screen.query_one("#card-flag", Label).content) == ""
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert screen.card is not None and screen.card.key == "three"
        record = store.card("acts", "two")
        assert record is not None and record.marks.suspended
        await pilot.press("minus")
        await pilot.pause()
        record = store.card("acts", "three")
        assert record is not None and record.marks.buried_until is not None
        assert screen.card is None or screen.card.key == "one"  # only the learning step left
        # Undo in reverse: bury, suspend, the answer, both flags.
        for key in ("three", "two", "one", "one", "one"):
            await pilot.press("u")
            await pilot.pause()
            assert screen.card is not None and screen.card.key == key
        for key in ("one", "two", "three"):
            record = store.card("acts", key)
            assert record is not None and record.marks == type(record.marks)()
        assert list(store.iter_reviews()) == []


async def test_forget_sends_the_card_back_to_new(
    build_app: AppFactory, store: Store, deck_file: Path, clock: Clock
) -> None:
    loaded = load(deck_file)
    app = build_app(Start(at="review", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("space", "1")  # Again: a learning step
        await pilot.pause()
        state = store.card_state("acts", "one")
        assert state is not None and state.state is Phase.LEARNING
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert screen.card is not None and screen.card.key == "two"
        assert store.card_state("acts", "one") == CardState()


@pytest.mark.parametrize("action", ["mark", "suspend"])
async def test_a_leech_is_announced(
    build_app: AppFactory,
    store: Store,
    settings: Settings,
    deck_file: Path,
    clock: Clock,
    action: str,
) -> None:
    settings.leech_threshold = 1
    settings.leech_action = action
    app = build_app(Start(at="review", loaded=load(deck_file)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        record = store.card("acts", "one")
        assert record is not None
        await pilot.press("space", "4")  # Easy: a review card
        await pilot.pause()
    state = store.card_state("acts", "one")
    assert state is not None and state.state is Phase.REVIEW and state.due is not None
    clock.now = state.due  # its due day: a lapse now is its first
    app = build_app(Start(at="review", loaded=load(deck_file)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        assert screen.card.key == "one"
        await pilot.press("space", "1")
        await pilot.pause()
        texts = [str(n.message) for n in app._notifications]
        leech = [t for t in texts if t.startswith("Leech: you have forgotten this card 1 times")]
        assert leech, texts
        assert ("It is suspended" in leech[0]) is (action == "suspend")
        record = store.card("acts", "one")
        assert record is not None and record.marks.leech


async def test_e_edits_the_question_and_the_card_shows_its_new_text(
    build_app: AppFactory,
    store: Store,
    deck_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_editor(tmp_path, monkeypatch, "Edited ")
    app = build_app(Start(at="review", loaded=load(deck_file)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("space", "3")
        await pilot.pause()
        assert screen.card is not None and screen.card.key == "two"
        await pilot.press("e")
        await pilot.pause()
        assert 'prompt = "Edited Second front"' in deck_file.read_text(encoding="utf-8")
        assert screen.card is not None and screen.card.key == "two"
        assert "Edited Second front" in prompt(screen)
        await pilot.press("u")  # the answer before the edit is still undoable
        await pilot.pause()
        assert screen.card is not None and screen.card.key == "one"


async def test_a_broken_edit_keeps_the_old_deck_and_shows_the_located_error(
    build_app: AppFactory,
    store: Store,
    deck_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_editor(tmp_path, monkeypatch, 'broken" = ')
    app = build_app(Start(at="review", loaded=load(deck_file)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("e")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any(f"{deck_file}:8:19: error" in m and "error" in m for m in messages), messages
        assert screen.card is not None and prompt(screen).startswith("First front")
        await pilot.press("space", "3")  # studying goes on with the old version
        await pilot.pause()
        assert screen.card is not None and screen.card.key == "two"


TYPED = """\
[deck]
id = "typed"
title = "Typed"

[[questions]]
id = "capital"
kind = "short"
prompt = "Capital of France?"
answer = "Paris"
"""


async def test_the_bar_offers_card_actions_where_there_is_room_and_not_while_typing(
    build_app: AppFactory, deck_file: Path, tmp_path: Path
) -> None:
    """Wide: the card actions follow the answering keys. At 60 columns they give way to End
    review. While an answer box takes the keys, they are not offered (they would type)."""
    app = build_app(Start(at="review", loaded=load(deck_file)))
    async with app.run_test(size=(140, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for action in ("! Suspend", "- Bury", "f Flag", "e Edit", "x Forget"):
            assert action in key_bar(screen)
        assert key_bar(screen).index("End review") < key_bar(screen).index("Suspend")
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert "End review" in key_bar(screen) and "Suspend" not in key_bar(screen)
    typed = tmp_path / "typed.toml"
    typed.write_text(TYPED, encoding="utf-8")
    app = build_app(Start(at="review", loaded=load(typed)))
    async with app.run_test(size=(140, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        await pilot.pause()
        for action in ("Suspend", "Bury", "Flag", "Edit", "Forget"):
            assert action not in key_bar(screen)
        await pilot.press("minus", "exclamation_mark", "enter")  # typed, not acted on
        await pilot.pause()
        assert screen.card is not None and screen.result is not None
        assert "Suspend" in key_bar(screen)  # the feedback: the keys are free again
