"""The card browser under Pilot: open it from the library, search, sort, select, and every
action with its undo, checked in the store."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label
from ui_support import NEWS_DECK, NOW, UI_DATA, AppFactory

from quiz.core.card_query import SearchContext, parse_query
from quiz.core.card_state import CardState, Flag, Phase
from quiz.core.storage import Store
from quiz.ui.screens.browser import PAGE, BrowserScreen, CardList, CardOption
from quiz.ui.screens.card_dialogs import ForgetScreen, SetDueScreen
from quiz.ui.screens.library import LibraryScreen

CONTEXT = SearchContext(now=NOW, day_starts_at=4)


async def settle(pilot: Pilot[Any], wait: float = 0.0) -> None:
    if wait:
        await pilot.pause(wait)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_browser(pilot: Pilot[Any]) -> BrowserScreen:
    """From the library, `b`."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, LibraryScreen)
    await pilot.press("b")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BrowserScreen)
    return screen


def folder_with(tmp_path: Path, *decks: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    for deck in decks:
        (folder / deck.name).write_text(deck.read_text())
    return folder


def status(screen: BrowserScreen) -> str:
    return str(screen.query_one("#browser-status", Label).content)


def cells(screen: BrowserScreen, index: int) -> list[str]:
    """The cells of the list's `index`th line, as shown."""
    option = screen.query_one("#cards", CardList).get_option_at_index(index)
    assert isinstance(option, CardOption)
    return [cell.plain for cell in option.cells]


def marks(store: Store, screen: BrowserScreen, index: int) -> Any:
    row = screen.rows[index]
    card = store.card(row.deck_id, row.card_key)
    assert card is not None
    return card.marks


async def test_b_opens_every_card_and_escape_goes_back(
    build_app: AppFactory, tmp_path: Path, store: Store
) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK, UI_DATA / "every-kind.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        every = store.count_cards(parse_query(""), context=CONTEXT)
        assert every >= 40 and screen.total == every
        assert screen.query_one("#cards", CardList).option_count == every
        assert status(screen).startswith(f"{every} cards · sorted by deck")
        assert "Q: " in str(screen.query_one("#card-details").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_typing_a_search_narrows_the_list_and_a_bad_term_says_why(
    build_app: AppFactory, tmp_path: Path
) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK, UI_DATA / "every-kind.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.press("slash", *"bialiat")
        await settle(pilot, 0.3)
        assert app.screen.focused is screen.query_one("#search", Input)
        assert screen.total == len(screen.rows) > 0
        assert all("bialiat" in f"{r.prompt} {r.answer}".lower() for r in screen.rows)
        found = screen.total

        await pilot.press(*" is:sleepy")
        await settle(pilot, 0.3)
        assert "unknown state 'is:sleepy'" in status(screen)
        assert screen.total == found  # the last good search stays

        await pilot.press(*["backspace"] * len(" is:sleepy"), "enter")
        await settle(pilot, 0.3)
        assert app.screen.focused is screen.query_one("#cards", CardList)
        assert screen.total == found and "unknown" not in status(screen)
        await pilot.press("escape")  # on the table: back to the library
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_select_several_suspend_and_undo(
    build_app: AppFactory, tmp_path: Path, store: Store
) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.press("space", "space", "space")
        assert len(screen.selected) == 3
        assert "3 selected" in status(screen)
        await pilot.press("s")
        await settle(pilot)
        assert [marks(store, screen, i).suspended for i in range(4)] == [True, True, True, False]
        assert "S" in cells(screen, 0)[-1]

        await pilot.press("u")
        await settle(pilot)
        assert not any(marks(store, screen, i).suspended for i in range(4))
        await pilot.press("u")  # nothing left to undo here
        await settle(pilot)


async def test_select_all_then_none(build_app: AppFactory, tmp_path: Path, store: Store) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert len(screen.selected) == screen.total
        await pilot.press("a")
        await settle(pilot)
        assert not screen.selected


async def test_flags_bury_and_their_undo(
    build_app: AppFactory, tmp_path: Path, store: Store
) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert marks(store, screen, 0).flag is Flag.RED
        await pilot.press("f")  # the next colour
        await settle(pilot)
        assert marks(store, screen, 0).flag is Flag.ORANGE
        await pilot.press("0")
        await settle(pilot)
        assert marks(store, screen, 0).flag is Flag.NONE
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert marks(store, screen, 0).flag is Flag.ORANGE

        await pilot.press("minus")
        await settle(pilot)
        assert marks(store, screen, 0).buried_until == date(2026, 3, 3)
        assert "buried until 2026-03-03" in str(screen.query_one("#card-details").render())
        await pilot.press("minus")  # buried: unbury
        await settle(pilot)
        assert marks(store, screen, 0).buried_until is None


def study(store: Store, deck_id: str, key: str) -> CardState:
    state = CardState(
        Phase.REVIEW, None, 8.0, 5.0, NOW + timedelta(days=4), NOW - timedelta(days=4), 2, 0
    )
    store.record_review(deck_id, key, after=state, grade=3, reviewed_at=NOW - timedelta(days=4))
    return state


async def test_forget_asks_first(build_app: AppFactory, tmp_path: Path, store: Store) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        first = screen.rows[0]
        study(store, first.deck_id, first.card_key)
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, ForgetScreen)
        await pilot.press("escape")
        await settle(pilot)
        card = store.card(*first.ref)
        assert card is not None and card.state.state is Phase.REVIEW

        await pilot.press("F")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        card = store.card(*first.ref)
        assert card is not None and card.state.state is Phase.NEW
        assert screen.rows[0].phase is Phase.NEW
        await pilot.press("u")
        await settle(pilot)
        card = store.card(*first.ref)
        assert card is not None and card.state.state is Phase.REVIEW


async def test_set_due_takes_days_or_a_date(
    build_app: AppFactory, tmp_path: Path, store: Store
) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        first = screen.rows[0]
        study(store, first.deck_id, first.card_key)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, SetDueScreen)
        await pilot.press(*"someday", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SetDueScreen)  # said why, still asking
        await pilot.press(*["backspace"] * 7, "7", "enter")
        await settle(pilot)
        assert app.screen is screen
        card = store.card(*first.ref)
        assert card is not None and card.state.due is not None
        assert CONTEXT.day_of(card.state.due) == date(2026, 3, 9)
        assert cells(screen, 0)[3] == "7d"


@pytest.mark.parametrize(
    ("keys", "order_by", "descending"),
    [(["o"], "prompt", False), (["o", "O"], "prompt", True), (["o", "o"], "due", False)],
)
async def test_o_sorts_by_the_next_column_and_shift_o_reverses(
    build_app: AppFactory, tmp_path: Path, keys: list[str], order_by: str, descending: bool
) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert (screen.order_by, screen.descending) == (order_by, descending)
        if order_by == "prompt":
            prompts = [row.prompt.casefold() for row in screen.rows]
            assert prompts == sorted(prompts, reverse=descending)
        assert f"sorted by {order_by}" in status(screen)


async def test_a_click_on_a_column_header_sorts_by_it_and_again_reverses(
    build_app: AppFactory, tmp_path: Path
) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        header = screen.query_one("#cards-header")
        assert "Deck↑" in str(header.render())
        await pilot.click("#cards-header", offset=(1, 0))  # the selection column: no sort
        await settle(pilot)
        assert (screen.order_by, screen.descending) == ("deck", False)
        await pilot.click("#cards-header", offset=(17, 0))  # "Prompt"
        await settle(pilot)
        assert (screen.order_by, screen.descending) == ("prompt", False)
        assert "Prompt↑" in str(header.render()) and "Deck↑" not in str(header.render())
        await pilot.click("#cards-header", offset=(17, 0))
        await settle(pilot)
        assert (screen.order_by, screen.descending) == ("prompt", True)
        assert "Prompt↓" in str(header.render())


async def test_pages_are_read_as_the_cursor_goes_down(
    build_app: AppFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    questions = "\n".join(
        f'[[questions]]\nid = "q{n}"\nkind = "short"\nprompt = "Question {n}?"\nanswer = "A{n}"\n'
        for n in range(2 * PAGE + 10)
    )
    (folder / "big.toml").write_text(f'[deck]\nid = "big"\ntitle = "Big"\n\n{questions}')
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        assert screen.total == 2 * PAGE + 10 and len(screen.rows) == PAGE
        await pilot.press("ctrl+end")  # the end of what is read: the next page comes
        await settle(pilot)
        assert len(screen.rows) == 2 * PAGE
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert len(screen.rows) == 2 * PAGE + 10
        assert screen.query_one("#cards", CardList).option_count == 2 * PAGE + 10
        assert [row.card_key for row in screen.rows[:3]] == ["q0", "q1", "q2"]


async def test_hostile_card_text_shows_literally(build_app: AppFactory, tmp_path: Path) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, UI_DATA / "hostile.toml")])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        table = screen.query_one("#cards", CardList)
        prompts = [cells(screen, i)[2] for i in range(table.option_count)]
        assert any("[" in prompt for prompt in prompts)
        assert not any("\x1b" in prompt for prompt in prompts)
        lines = [str(table.render_line(y).text) for y in range(min(5, table.option_count))]
        assert any("[" in line for line in lines)  # as text, not markup
        assert not any("\x1b" in line for line in lines)
        details = str(screen.query_one("#card-details").render())
        assert "\x1b" not in details


async def test_open_browser_for_one_deck(build_app: AppFactory, tmp_path: Path) -> None:
    app = build_app(deck_dirs=[folder_with(tmp_path, NEWS_DECK, UI_DATA / "every-kind.toml")])
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        app.open_browser(["belarus-prisoner-release-2025"])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        assert {row.deck_id for row in screen.rows} == {"belarus-prisoner-release-2025"}
        shown = [column.key for column in screen.columns]  # narrow: no interval, no lapses
        assert shown == ["selected", "deck", "prompt", "due", "recall", "marks"]
        assert len(cells(screen, 0)) == len(shown)
        await pilot.press("slash", *"deck:every")  # another deck's term finds nothing here
        await settle(pilot, 0.3)
        assert screen.total == 0


EDITOR_SCRIPT = """\
import sys
line, path = int(sys.argv[1].lstrip("+")), sys.argv[2]
lines = open(path, encoding="utf-8").read().split("\\n")
for index in range(line - 1, len(lines)):
    if lines[index].startswith("prompt = "):
        lines[index] = lines[index].replace('prompt = "', 'prompt = "' + sys.argv[0][-9:-3], 1)
        break
open(path, "w", encoding="utf-8").write("\\n".join(lines))
"""
"""A stand-in for `$EDITOR` (`edited.py`): prefixes the first prompt at or after its line
with "edited"."""


async def test_e_edits_the_highlighted_cards_question_and_the_list_shows_it(
    build_app: AppFactory, tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "edited.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    folder = folder_with(tmp_path, NEWS_DECK)
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.press("down")
        await settle(pilot)
        row = screen.highlighted()
        assert row is not None
        key, before = row.card_key, row.prompt
        await pilot.press("e")
        await settle(pilot)
        assert f'prompt = "edited{before}' in (folder / NEWS_DECK.name).read_text(encoding="utf-8")
        text = store.read("SELECT prompt FROM card_texts WHERE card_key = ?", (key,))
        assert text == [(f"edited{before}",)]
        assert any(r.prompt == f"edited{before}" for r in screen.rows)
