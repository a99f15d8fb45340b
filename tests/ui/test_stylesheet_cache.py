"""The stylesheet cache (`quiz.ui.stylesheet_cache`, issue 15): a start whose rules are kept
parses no CSS and looks exactly like one that parsed it all; a file that is damaged, from
another version or theme, or in a folder others can write, is never used, only written anew.

It reaches into Textual's `Stylesheet`, so these tests are what notices a Textual release
that moves what it relies on: the start would parse again, and they would fail.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.css import stylesheet as textual_stylesheet
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widgets import Label
from ui_support import NEWS_DECK, AppFactory

from quiz.config import Settings
from quiz.core import library
from quiz.core.cache_files import sealed
from quiz.presentation.options import QuizOptions
from quiz.ui.app import Start
from quiz.ui.screens import quiz as quiz_screen
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.stylesheet_cache import StylesheetCache, _header

Parsed = list[tuple[str, str]]
"""Where each source Textual parsed was read from (file or class, and the attribute)."""


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Parsed]:
    """Every CSS source Textual parses from now on (a miss of its parse cache)."""
    seen: Parsed = []
    parse = textual_stylesheet.parse

    def counting(scope: str, css: str, read_from: Any, **options: Any) -> Any:
        seen.append((str(read_from[0]), str(read_from[1])))
        return parse(scope, css, read_from, **options)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    yield seen


@pytest.fixture(autouse=True)
def first_frame_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quiz lays out its next question 0.15 s after the first frame, which may mount a
    widget of another kind (one more source) before a test's start ends: not here, so every
    start meets the same sources however long the machine takes."""
    monkeypatch.setattr(quiz_screen, "PREPARE_AFTER_S", 60.0)


STARTS: dict[str, Callable[[], Start]] = {
    "library": Start,
    "quiz": lambda: Start(
        at="quiz", loaded=library.load(NEWS_DECK, None), quiz=QuizOptions(seed=4, shuffle=False)
    ),
    "deck page": lambda: Start(at="deck", deck=NEWS_DECK),
}


async def first_frame(
    build_app: AppFactory, start: Start, folder: Path | None
) -> tuple[str, list[str]]:
    """The first frame of a start (as an SVG) and the files the cache folder then holds."""
    app = build_app(start=start, stylesheet_cache=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shot = app.export_screenshot()
    files = sorted(path.name for path in folder.iterdir()) if folder and folder.exists() else []
    return shot, files


@pytest.mark.parametrize("where", STARTS)
async def test_a_start_from_kept_rules_parses_no_css_and_looks_the_same(
    build_app: AppFactory, parsed: Parsed, tmp_path: Path, where: str
) -> None:
    folder = tmp_path / "stylesheets"
    without, _ = await first_frame(build_app, STARTS[where](), None)
    parsed.clear()
    first, files = await first_frame(build_app, STARTS[where](), folder)
    assert parsed and len(files) == 1
    kept = (folder / files[0]).read_bytes()
    stamp = (folder / files[0]).stat().st_mtime_ns
    parsed.clear()
    second, _ = await first_frame(build_app, STARTS[where](), folder)
    assert parsed == []
    assert second == first == without
    # Nothing new was parsed, so the file was left alone.
    assert (folder / files[0]).read_bytes() == kept
    assert (folder / files[0]).stat().st_mtime_ns == stamp


async def test_each_first_screen_keeps_its_own_file(
    build_app: AppFactory, parsed: Parsed, tmp_path: Path
) -> None:
    folder = tmp_path / "stylesheets"
    for where in ("library", "quiz", "library"):
        await first_frame(build_app, STARTS[where](), folder)
    parsed.clear()
    for where in ("quiz", "library"):
        _, files = await first_frame(build_app, STARTS[where](), folder)
    assert parsed == []
    assert files == ["LibraryScreen.stylesheet", "QuizScreen.stylesheet"]


async def test_another_theme_keeps_its_own_rules(
    build_app: AppFactory, settings: Settings, parsed: Parsed, tmp_path: Path
) -> None:
    """A theme from the settings makes Textual parse the app's own sources once more with
    its variables; every widget's rules still come from the file."""
    folder = tmp_path / "stylesheets"
    await first_frame(build_app, STARTS["quiz"](), folder)  # the dark theme's rules
    settings.theme = "textual-light"
    parsed.clear()
    without, _ = await first_frame(build_app, STARTS["quiz"](), None)
    everything = set(parsed)
    parsed.clear()
    first, _ = await first_frame(build_app, STARTS["quiz"](), folder)  # not dark's rules
    assert set(parsed) == everything
    parsed.clear()
    second, _ = await first_frame(build_app, STARTS["quiz"](), folder)
    assert second == first == without
    assert parsed, "Textual re-parses the app's sources for a theme set at start"
    app_sources = {"App.DEFAULT_CSS", ""}  # its DEFAULT_CSS, its .tcss files
    assert {attribute for _, attribute in parsed} <= app_sources
    assert len(parsed) < len(everything) / 3


DAMAGES = [
    "empty",
    "truncated",
    "a flipped byte",
    "another Textual",
    "another format",
    "no pickle",
    "not rules",
    "not a pair",
    "its payload alone",
]


def damaged(data: bytes) -> dict[str, bytes]:
    """A kept file's bytes, spoilt in each of the ways of `DAMAGES`."""
    header = _header()
    assert header is not None
    payload = data[len(header) + 9 :]
    magic, python_and_stamps = header.split(b"\n", 1)
    python, stamps = python_and_stamps.split(b" ", 1)
    other_textual = b"%s\n%s 1%s" % (magic, python, stamps)  # a module of another size
    flipped = bytearray(data)
    flipped[-20] ^= 0x40
    return {
        "empty": b"",
        "truncated": data[: len(data) // 2],
        "a flipped byte": bytes(flipped),
        "another Textual": data.replace(header, other_textual, 1),
        "another format": data.replace(b"cache 1", b"cache 9", 1),
        "no pickle": sealed(header, b"not a pickle"),
        "not rules": sealed(header, pickle.dumps(({}, {("a", ("b", ""), 1): [1]}))),
        "not a pair": sealed(header, pickle.dumps(["rules"])),
        "its payload alone": payload,
    }


@pytest.mark.parametrize("damage", DAMAGES)
async def test_a_damaged_file_is_not_used_and_is_written_anew(
    build_app: AppFactory, parsed: Parsed, tmp_path: Path, damage: str
) -> None:
    folder = tmp_path / "stylesheets"
    looks, [name] = await first_frame(build_app, STARTS["quiz"](), folder)
    everything = len(parsed)
    kept = folder / name
    kept.write_bytes(damaged(kept.read_bytes())[damage])
    parsed.clear()
    shot, _ = await first_frame(build_app, STARTS["quiz"](), folder)
    assert shot == looks
    assert len(parsed) == everything
    parsed.clear()
    await first_frame(build_app, STARTS["quiz"](), folder)
    assert parsed == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
async def test_a_folder_others_can_write_is_not_used(
    build_app: AppFactory, parsed: Parsed, tmp_path: Path
) -> None:
    folder = tmp_path / "stylesheets"
    _, [name] = await first_frame(build_app, STARTS["quiz"](), folder)
    kept = (folder / name).read_bytes()
    folder.chmod(0o777)
    parsed.clear()
    await first_frame(build_app, STARTS["quiz"](), folder)
    assert parsed, "a file in a folder others can write is not read"
    (folder / name).unlink()
    await first_frame(build_app, STARTS["quiz"](), folder)
    assert not (folder / name).exists(), "nor written"
    folder.chmod(0o700)
    (folder / name).write_bytes(kept)
    parsed.clear()
    await first_frame(build_app, STARTS["quiz"](), folder)
    assert parsed == []


# --- the cache on its own, with stylesheets made here -----------------------------------------


def variables() -> dict[str, str]:
    return App().get_css_variables()


def stylesheet(sources: dict[str, str], with_variables: dict[str, str]) -> Stylesheet:
    sheet = Stylesheet(variables=with_variables)
    for name, css in sources.items():
        sheet.add_source(css, read_from=(name, ""))
    return sheet


def test_an_edited_source_replaces_its_rules_and_others_stay(
    parsed: Parsed, tmp_path: Path
) -> None:
    theme = variables()
    first = stylesheet(
        {"a.tcss": "Label { color: red; }", "b.tcss": "Input { width: 10; }", "c.tcss": "X { }"},
        theme,
    )
    first.parse()
    StylesheetCache(tmp_path, "S").keep(first)

    edited = stylesheet(
        {"a.tcss": "Label { color: blue; }", "b.tcss": "Input { width: 10; }"}, theme
    )
    cache = StylesheetCache(tmp_path, "S")
    cache.restore(edited)
    parsed.clear()
    edited.parse()
    assert parsed == [("a.tcss", "")]
    cache.keep(edited)

    for sources, misses in [
        ({"a.tcss": "Label { color: blue; }", "c.tcss": "X { }"}, []),  # c stayed
        ({"a.tcss": "Label { color: red; }"}, [("a.tcss", "")]),  # the old text went
    ]:
        again = stylesheet(sources, theme)
        StylesheetCache(tmp_path, "S").restore(again)
        parsed.clear()
        again.parse()
        assert parsed == misses


def test_rules_serve_only_the_variables_they_were_parsed_with(
    parsed: Parsed, tmp_path: Path
) -> None:
    theme = variables()
    sheet = stylesheet({"a.tcss": "Label { color: $primary; }"}, theme)
    sheet.parse()
    StylesheetCache(tmp_path, "S").keep(sheet)
    other = stylesheet({"a.tcss": "Label { color: $primary; }"}, {**theme, "primary": "#123456"})
    StylesheetCache(tmp_path, "S").restore(other)
    parsed.clear()
    other.parse()
    assert parsed == [("a.tcss", "")]
    assert str(other.rules[0].styles.color) != str(sheet.rules[0].styles.color)


def test_nothing_is_kept_where_the_folder_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    sheet = stylesheet({"a.tcss": "Label { color: red; }"}, variables())
    sheet.parse()
    StylesheetCache(blocker / "stylesheets", "S").keep(sheet)  # no error
    assert blocker.read_text(encoding="utf-8") == ""


# --- the first showing of a screen is not styled twice ------------------------------------------


class Shown(QuizAppScreen):
    def compose(self) -> ComposeResult:
        yield Label("shown")


class Host(App[None]):
    def on_mount(self) -> None:
        self.install_screen(Shown(), "shown")  # kept when popped: it can be shown again


async def test_only_a_screens_first_showing_skips_textuals_restyle(
    build_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each widget is styled as it mounts, so the first showing skips Textual's restyle of
    the whole screen; a screen shown again is restyled as Textual decides."""
    resumed: list[tuple[str, bool]] = []
    resume = Screen._on_screen_resume

    def watched(self: Screen[Any], event: events.ScreenResume) -> None:
        resumed.append((type(self).__name__, event.refresh_styles))
        resume(self, event)

    monkeypatch.setattr(Screen, "_on_screen_resume", watched)
    app = build_app(start=STARTS["quiz"]())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert resumed == [("QuizScreen", False)]

    resumed.clear()
    host = Host()
    async with host.run_test(size=(80, 24)) as pilot:
        for _ in range(2):
            await host.push_screen("shown")
            await pilot.pause()
            await host.pop_screen()
            await pilot.pause()
    assert [entry for entry in resumed if entry[0] == "Shown"] == [
        ("Shown", False),
        ("Shown", True),
    ]
