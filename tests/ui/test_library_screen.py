"""The library lists decks with today's counts, a broken deck with its error, and opens decks."""

from __future__ import annotations

import shutil
from concurrent.futures import Future
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Label, OptionList, Static
from ui_support import NEWS_DECK, NOW, UI_DATA, AppFactory

from quiz.core import library
from quiz.core.library import BackgroundScan, LibraryEntry, ScanProgress
from quiz.core.models import ShortAnswer
from quiz.core.storage import Store
from quiz.core.study import QuizSession
from quiz.errors import StoreError
from quiz.ui.app import Start
from quiz.ui.screens.deck import DeckScreen
from quiz.ui.screens.help import HelpScreen
from quiz.ui.screens.library import LibraryScreen
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.screens.stats import StatsScreen


def deck_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    shutil.copy(NEWS_DECK, folder)
    shutil.copy(UI_DATA / "broken.toml", folder)
    return folder


def option_texts(screen: LibraryScreen) -> list[str]:
    decks = screen.query_one("#decks", OptionList)
    return [str(decks.get_option_at_index(i).prompt) for i in range(decks.option_count)]


async def test_library_lists_decks_and_a_broken_one_with_its_error(
    build_app: AppFactory, tmp_path: Path
) -> None:
    folder = deck_folder(tmp_path)
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        news, broken = option_texts(screen)
        assert news.startswith("Belarus frees Bialiatski and other prisoners\n")
        assert "25 questions · 20 new · 0 due" in news
        assert broken.startswith("⚠ broken.toml\n")
        assert f"{folder / 'broken.toml'}:14:8: error: unknown question kind 'shrot'" in broken
        status = str(screen.query_one("#library-status", Label).content)
        assert status.startswith("2 decks, 1 with errors")

        # Enter on a broken deck explains instead of opening it.
        await pilot.press("down", "enter")
        assert isinstance(app.screen, LibraryScreen)

        # / filters; Enter keeps the filter, Enter again opens the deck's page; q comes back.
        await pilot.press("slash", "b", "e", "l", "enter")
        assert len(option_texts(screen)) == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen)
        assert "Today: 20 new (of 30) · 0 due for review" in str(
            app.screen.query_one("#deck-today", Static).render()
        )
        await pilot.press("q")
        assert app.screen is screen


async def test_rescan_picks_up_a_fixed_deck(build_app: AppFactory, tmp_path: Path) -> None:
    """F5 re-reads a deck whose file changed since the last scan."""
    folder = deck_folder(tmp_path)
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert [entry.ok for entry in screen.entries] == [True, False]
        broken = folder / "broken.toml"
        broken.write_text(broken.read_text().replace("shrot", "short"))
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [entry.ok for entry in screen.entries] == [True, True]
        assert "A broken deck" in option_texts(screen)[0]


def entry(title: str, path: Path) -> LibraryEntry:
    return LibraryEntry(
        path=path,
        deck_id=title.lower(),
        title=title,
        description="",
        question_count=1,
        card_count=1,
    )


async def test_a_scan_done_before_the_app_starts_fills_the_first_frame(
    build_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`quiz` scans while Textual loads (`Start.library_scan`): a finished scan is shown
    as the screen mounts, and the screen does not scan again."""
    scans: list[object] = []
    monkeypatch.setattr(library, "scan", lambda *args, **kwargs: scans.append(args) or [])
    preloaded: Future[list[LibraryEntry]] = Future()
    preloaded.set_result([entry("Preloaded", tmp_path / "a.toml")])
    started = BackgroundScan(preloaded, ScanProgress(files=1, done=1))
    app = build_app(start=Start(library_scan=started), deck_dirs=[deck_folder(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert [e.title for e in screen.entries] == ["Preloaded"]  # before any pause
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert option_texts(screen)[0].startswith("Preloaded\n")
        assert scans == []
        # Coming back from a deck page reads the counts again.
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, LibraryScreen)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert len(scans) == 1


async def test_a_scan_still_running_is_waited_for_with_its_progress_shown(
    build_app: AppFactory, tmp_path: Path
) -> None:
    preloaded: Future[list[LibraryEntry]] = Future()
    progress = ScanProgress()
    started = BackgroundScan(preloaded, progress)
    app = build_app(start=Start(library_scan=started), deck_dirs=[deck_folder(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        status = screen.query_one("#library-status", Label)
        await pilot.pause()
        assert screen.entries == []
        assert "Looking for decks" in str(status.content)
        progress.files, progress.done = 50, 12  # as the scan's thread writes them
        await pilot.pause(0.3)
        assert str(status.content) == "Reading decks… 12 of 50"
        preloaded.set_result([entry("Late", tmp_path / "late.toml")])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert option_texts(screen) == ["Late\n  1 question · 0 new · 0 due\n  (no description)"]


async def test_a_scan_that_fails_on_the_database_is_reported_not_raised(
    build_app: AppFactory, tmp_path: Path
) -> None:
    """A database locked by another program for too long (or damaged) during the scan: the
    library says so and stays usable; F5 tries again."""
    preloaded: Future[list[LibraryEntry]] = Future()
    preloaded.set_exception(StoreError("quiz.sqlite3 stayed locked by another program for 5 s"))
    started = BackgroundScan(preloaded, ScanProgress())
    app = build_app(start=Start(library_scan=started), deck_dirs=[deck_folder(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#library-status", Label).content)
        assert status.startswith("Could not read the library: quiz.sqlite3 stayed locked")
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [entry.ok for entry in screen.entries] == [True, False]


def status_of(screen: LibraryScreen) -> str:
    return str(screen.query_one("#library-status", Label).content)


async def test_keys_act_wherever_the_focus_is_and_slash_filters(
    build_app: AppFactory, tmp_path: Path
) -> None:
    """Letters are the screen's keys until `/`; while the filter is typed in they are text;
    Enter keeps the filter (said in the status line), Escape drops it."""
    folder = deck_folder(tmp_path)
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        search = screen.query_one("#filter", Input)
        assert not search.display and not search.has_focus

        # A letter that is no key does not start a filter behind the learner's back.
        await pilot.press("z", "x")
        assert len(option_texts(screen)) == 2 and search.value == ""
        # s opens the statistics, even after a filter was typed and kept.
        await pilot.press("slash")
        assert search.display and search.has_focus
        await pilot.press("b", "e", "l", "t", "r", "s", "?")  # letters, not keys, while typing
        assert search.value == "beltrs?" and isinstance(app.screen, LibraryScreen)
        assert option_texts(screen) == []
        assert status_of(screen) == "0 of 2 decks shown: filter 'beltrs?' (Esc clears it)"
        await pilot.press(*["backspace"] * 4, "enter")
        assert search.display and not search.has_focus  # kept, in view, not typed in
        assert len(option_texts(screen)) == 1
        assert status_of(screen) == "1 of 2 decks shown: filter 'bel' (Esc clears it)"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # Escape drops the filter (as in less and htop), a second Escape quits.
        await pilot.press("escape")
        assert search.value == "" and not search.display
        assert len(option_texts(screen)) == 2
        assert status_of(screen).startswith("2 decks, 1 with errors")
        # A `/` in the filter is text.
        await pilot.press("slash", "a", "slash")
        assert search.value == "a/" and search.has_focus
        await pilot.press("escape")
        # Escape while typing drops the typed filter too.
        await pilot.press("slash", "b", "escape")
        assert search.value == "" and not search.display and len(option_texts(screen)) == 2
        # Up and Down move the list while typing; t quizzes the highlighted deck.
        await pilot.press("slash", "down", "up", "enter", "t")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)


async def test_keys_typed_at_once_go_where_the_learner_meant(
    build_app: AppFactory, tmp_path: Path
) -> None:
    """A terminal hands over keys typed fast (or pasted) in one read: `/` must have moved
    the focus before the next letter is delivered, and Enter before the next key."""
    folder = deck_folder(tmp_path)
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        for key, character in [("slash", "/"), ("b", "b"), ("e", "e"), ("l", "l")]:
            app.post_message(events.Key(key, character))  # as the driver does, no waiting
        app.post_message(events.Key("enter", "\r"))
        app.post_message(events.Key("s", "s"))
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#filter", Input).value == "bel"
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        # Down typed before Enter moves the list first: Enter opens the second deck.
        await pilot.press("escape")
        assert len(option_texts(screen)) == 2
        for key in ("down", "enter"):
            app.post_message(events.Key(key, None if key == "down" else "\r"))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)  # the broken deck: explained, not opened
        assert screen.query_one("#decks", OptionList).highlighted == 1


async def test_last_quiz_is_the_last_full_one(
    build_app: AppFactory, store: Store, tmp_path: Path
) -> None:
    """A later `--count 1` run at 100% does not stand for the deck: the library shows the
    last quiz that asked every question, and says it is a full one."""
    folder = tmp_path / "decks"
    folder.mkdir()
    path = folder / "two.toml"
    path.write_text(
        '[deck]\nid = "two"\ntitle = "Two questions"\n\n'
        '[[questions]]\nkind = "short"\nid = "a"\nprompt = "One?"\nanswer = "1"\n\n'
        '[[questions]]\nkind = "short"\nid = "b"\nprompt = "Two?"\nanswer = "2"\n'
    )
    deck = library.load(path).deck
    for count, right in ((None, 1), (1, 1)):  # a full run at 50%, then one question at 100%
        session = QuizSession(store, deck, shuffle=False, count=count, now=lambda: NOW)
        for number, question in enumerate(session.questions):
            assert isinstance(question, ShortAnswer)
            session.answer(question, question.answer if number < right else "wrong")
        session.finish()
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("slash", "t", "w", "o", "enter")
        (shown,) = option_texts(screen)
        assert "2 questions · 2 new · 0 due · last full quiz 50%" in shown
        await pilot.press("enter")  # the deck page lists both, the partial one labelled
        await pilot.pause()
        scores = str(app.screen.query_one("#deck-scores", Static).render())
        assert scores == "Recent quizzes: 50%, 100% (1 of 2)"


async def test_decks_from_elsewhere_are_listed_and_gone_ones_only_when_asked(
    build_app: AppFactory, store: Store, tmp_path: Path
) -> None:
    """A deck taken from elsewhere is listed beside the folder's; once its file is gone it
    is not listed, the status line says so, and `m` lists it as missing (not openable)."""
    folder = deck_folder(tmp_path)
    outside = tmp_path / "outside.toml"
    outside.write_text(
        '[deck]\nid = "outside"\ntitle = "From elsewhere"\n\n'
        '[[questions]]\nkind = "short"\nid = "a"\nprompt = "One?"\nanswer = "1"\n'
    )
    library.reconcile(store, library.load(outside), NOW)
    app = build_app(deck_dirs=[folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert [text.split("\n")[0] for text in option_texts(screen)] == [
            "Belarus frees Bialiatski and other prisoners",
            "From elsewhere",
            "⚠ broken.toml",
        ]
        outside.unlink()
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(option_texts(screen)) == 2
        assert status_of(screen) == (
            "2 decks, 1 with errors (fix them, then F5);"
            " 1 whose file is gone not listed (m lists them)"
        )
        await pilot.press("m")
        gone = option_texts(screen)[2]
        assert gone.startswith(f"? From elsewhere\n  file gone: {outside}\n")
        assert status_of(screen).endswith(", 1 whose file is gone (m hides them)")
        await pilot.press("down", "down")
        chosen = screen.highlighted()
        assert chosen is not None and chosen.missing
        await pilot.press("enter", "t")  # says the file is gone, opens nothing
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("m")
        assert len(option_texts(screen)) == 2
