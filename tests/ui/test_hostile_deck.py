"""Deck text never styles, links or controls the terminal: markup and escapes show inert."""

from __future__ import annotations

from textual.widgets import Label, Markdown, OptionList, Static
from ui_support import UI_DATA, AppFactory

from quiz.core.library import load
from quiz.ui.app import Start
from quiz.ui.screens.deck import DeckScreen
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.summary import SummaryScreen

CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def inert(text: str) -> bool:
    return not any(c in text for c in CONTROL)


async def test_markup_and_escapes_in_a_plain_deck_are_shown_literally(
    build_app: AppFactory,
) -> None:
    loaded = load(UI_DATA / "hostile.toml")
    app = build_app(Start(at="quiz", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        prompt = screen.query_one("#prompt", Static)
        shown = str(prompt.render())
        assert shown == (
            "Click [@click=app.quit]here[/] or [link=https://evil.example]there[/] red?"
        )
        assert not prompt.render().spans, "no style or link came from the deck"
        choices = screen.query_one("#choices", OptionList)
        texts = [str(choices.get_option_at_index(i).prompt) for i in range(3)]
        assert texts == ["1. [bold]Bold[/bold]", "2. Clear", "3. plain"]

        # Clicking the would-be @click link does not quit the app.
        await pilot.click(prompt)
        assert app.is_running

        svg = app.export_screenshot()
        assert "[@click=app.quit]here[/]" in svg.replace("&#160;", " ")
        assert inert(svg)

        await pilot.press("3")
        await pilot.pause()
        explanation = str(screen.query_one("#explanation", Static).render())
        assert explanation == "[reverse]explained[/reverse] link"
        await pilot.press("enter", *"[i]this[/i]", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.score == 2
        assert inert(app.export_screenshot())


async def test_markdown_deck_renders_markdown_but_no_escapes_or_markup(
    build_app: AppFactory,
) -> None:
    loaded = load(UI_DATA / "hostile-markdown.toml")
    app = build_app(Start(at="quiz", loaded=loaded))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        prompt = screen.query_one("#prompt", Markdown)
        assert prompt.source == "**Bold** and [@click=app.quit]click[/]  and `code`"
        await pilot.click(prompt)
        assert app.is_running
        await pilot.press("t")
        await pilot.pause()
        explanation = screen.query_one("#explanation", Markdown)
        assert "\x1b" not in explanation.source
        svg = app.export_screenshot().replace("&#160;", " ")
        assert "[bold red]markup[/]" in svg
        assert "[@click=app.quit]click[/]" in svg
        assert inert(svg)


async def test_deck_page_shows_hostile_title_and_description_literally(
    build_app: AppFactory,
) -> None:
    app = build_app(Start(at="deck", deck=UI_DATA / "hostile.toml"))
    async with app.run_test(size=(80, 24)):
        screen = app.screen
        assert isinstance(screen, DeckScreen)
        title = str(screen.query_one("#deck-title", Label).render())
        assert title == "[bold red]Hostile[/] deck "
        description = str(screen.query_one("#deck-description", Static).render())
        assert description == "[@click=app.quit]quit[/] OSC 52 clipboard"
        assert inert(app.export_screenshot())
