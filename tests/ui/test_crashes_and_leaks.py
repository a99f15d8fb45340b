"""Defects a new student met (issue "The full-screen app holds up..."): crashes and leaks.

- A cloze with one blank crashed `quiz take` on submit (the widget answered a str where a
  whole question takes a list).
- A cloze hint reached the terminal raw: escape sequences in `{{answer|hint}}`.
- The library crashed with a MarkupError when it notified about a broken deck whose error
  held Rich markup, which could even have been a clickable action.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label
from ui_support import AppFactory

from quiz.core.library import load
from quiz.presentation.options import QuizOptions
from quiz.ui.app import Start
from quiz.ui.screens.library import LibraryScreen
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.widgets.cloze import ClozeText

HOSTILE_HINT = (
    "\\u001b]52;c;U0VOVElORUw=\\u0007\\u001b[2J\\u009b31m"
    "\\u001b]8;;http://x\\u001b\\\\link\\u001b]8;;\\u001b\\\\"
)
"""OSC 52 (clipboard), CSI 2J (clear screen), C1 CSI and an OSC 8 link, in TOML escapes."""


def write_deck(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


async def test_a_cloze_with_one_blank_is_answered_and_judged(
    build_app: AppFactory, tmp_path: Path
) -> None:
    deck = write_deck(
        tmp_path,
        "one.toml",
        '[deck]\nid = "one"\ntitle = "One blank"\n\n[[questions]]\nkind = "cloze"\n'
        'text = "The capital of France is {{Paris}}."\n',
    )
    app = build_app(Start(at="quiz", loaded=load(deck), quiz=QuizOptions(seed=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Paris", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert "Correct" in str(screen.query_one("#verdict", Label).content)


async def test_a_cloze_hint_and_what_is_typed_never_reach_the_terminal_raw(
    build_app: AppFactory, tmp_path: Path
) -> None:
    body = (
        '[deck]\nid = "hint"\ntitle = "Hint"\n\n[[questions]]\nkind = "cloze"\n'
        'text = "A {{word|' + HOSTILE_HINT + '}} here."\n'
    )
    loaded = load(write_deck(tmp_path, "hint.toml", body))
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = app.screen.query_one(ClozeText)
        hinted = str(text.render())
        assert "link" in hinted
        text.values[0] = "typed\x1b[31m\x9b"  # as if a key had slipped a control through
        typed = str(text.render())
        assert "typed" in typed
        for drawn in (hinted, typed):
            assert not any(ch in drawn for ch in "\x1b\x07\x9b"), drawn


async def test_a_broken_deck_with_markup_in_its_error_is_told_as_text(
    build_app: AppFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    write_deck(
        folder,
        "[b]markup[i].toml",
        '[deck]\nid = "m"\ntitle = "M"\n\n[[questions]]\nkind = "choice"\nprompt = "p"\n'
        'choices = ["a", "b"]\nanswer = "[/] [@click=app.quit]QUIT[/]"\n',
    )
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("enter")  # Enter on a broken deck: a notification says why
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LibraryScreen)
        (toast,) = app._notifications
        assert "[@click=app.quit]" in toast.message and toast.markup is False
