"""Fixtures for the UI tests: a pinned clock, a fresh store, and the app built by `make_app`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timezone
from pathlib import Path

import pytest
from ui_support import DECKS, NOW, AppFactory, Clock

from quiz.commands.ui import make_app
from quiz.config import Settings
from quiz.core.storage import Store
from quiz.ui.app import QuizApp, Start


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=NOW) as opened:
        yield opened


@pytest.fixture
def settings() -> Settings:
    """Fuzz off so intervals are exact; the rest are the defaults."""
    return Settings(fuzz=False)


@pytest.fixture
def build_app(store: Store, settings: Settings, clock: Clock) -> AppFactory:
    """`build_app(start=..., deck_dirs=[...])`: the CLI's app with test services."""

    def build(
        start: Start | None = None,
        deck_dirs: Sequence[Path] = (DECKS,),
        settings_path: Path | None = None,
        stylesheet_cache: Path | None = None,
    ) -> QuizApp:
        return make_app(
            store=store,
            settings=settings,
            start=start,
            now=clock,
            deck_dirs=list(deck_dirs),
            settings_path=settings_path,
            tz=timezone.utc,
            stylesheet_cache=stylesheet_cache,
        )

    return build


SNAPSHOT_SIZES = [(80, 24), (60, 20)]
"""Every screen is snapshotted at the size we design for and the smallest we support."""


@pytest.fixture(params=SNAPSHOT_SIZES, ids=[f"{w}x{h}" for w, h in SNAPSHOT_SIZES])
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    """The terminal size of a snapshot: each screen is taken at both."""
    size: tuple[int, int] = request.param
    return size
