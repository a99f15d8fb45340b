"""Cloze blanks typed inline: Tab between blanks, editing keys, letters that are also
screen keys (q) go into the blank, and the answer reaches the session as a list."""

from __future__ import annotations

from textual import events
from textual.widgets import Label
from ui_support import UI_DATA, AppFactory

from quiz.core.library import load
from quiz.core.models import Cloze
from quiz.core.outline import Gap, cloze_parts
from quiz.presentation.options import QuizOptions
from quiz.ui.app import Start
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.widgets.cloze import ClozeText

EVERY_KIND = UI_DATA / "every-kind.toml"


def test_cloze_parts_fill_the_blanks_not_asked() -> None:
    text = "The {{Danube|a river}} flows through {{Vienna}}."
    assert cloze_parts(text) == [
        "The ",
        Gap(0, "a river"),
        " flows through ",
        Gap(1, None),
        ".",
    ]
    assert cloze_parts(text, [1]) == ["The ", "Danube", " flows through ", Gap(0, None), "."]


async def test_blanks_are_typed_in_the_text_with_tab_between_them(build_app: AppFactory) -> None:
    loaded = load(EVERY_KIND)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("cloze",))))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and isinstance(screen.question, Cloze)
        text = screen.query_one(ClozeText)
        assert app.focused is text
        assert "Fill in the gaps." in str(screen.query_one("#prompt").render())
        rendered = str(text.render())
        assert rendered.startswith("The (a river)") and "flows through" in rendered
        await pilot.press("tab", *"Viennq", "backspace", "a")  # second blank first
        await pilot.press("shift+tab", *"Nile", "ctrl+u", *"Danube")
        assert text.values == ["Danube", "Vienna"]
        assert screen.session is not None and screen.answered == 0  # q was typed, not "leave"
        assert str(text.render()).startswith("The Danube")
        await pilot.press("enter")  # to the next blank
        assert text.current == 1 and screen.answered == 0
        await pilot.press("enter")  # the last blank: submit
        await pilot.pause()
        assert screen.answered == 1
        assert str(screen.query_one("#verdict", Label).content).startswith("✓ Correct")


async def test_keys_typed_at_once_fill_the_blank_they_were_typed_for(
    build_app: AppFactory,
) -> None:
    """A terminal hands over fast typing in one read: Tab and Enter must have moved to
    the next blank before the next letter is delivered."""
    loaded = load(EVERY_KIND)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("cloze",))))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        text = screen.query_one(ClozeText)
        keys = [("x", "x"), ("tab", "\t"), ("y", "y"), ("shift+tab", None), ("z", "z")]
        keys += [("enter", "\r"), ("w", "w")]
        for key, character in keys:
            app.post_message(events.Key(key, character))  # as the driver does, no waiting
        await pilot.pause()
        await pilot.pause()
        assert text.values == ["xz", "yw"]
        assert screen.answered == 0
