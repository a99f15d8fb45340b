"""Study commands start from the deck cache, in real processes; `quiz cache` shows and
clears it; a stale or damaged cache never changes what is studied."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHEMISTRY = ROOT / "decks" / "chemistry-elements.toml"


def quiz(*args: str | Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def cache_folder(isolated_data_dir: Path) -> Path:
    """Where the commands keep decks when QUIZ_DATA_DIR is set (the tests' own folder)."""
    return isolated_data_dir / "cache" / "decks"


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "chemistry.toml"
    shutil.copy(CHEMISTRY, path)
    return path


def first_prompt(result: subprocess.CompletedProcess[str]) -> str:
    """The first question a plain quiz asked (the line after "Question 1 of N")."""
    assert "Result:" in result.stdout and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    return next(lines[n + 1] for n, line in enumerate(lines) if line.startswith("Question 1 of"))


def test_a_second_session_starts_from_the_cache(deck: Path, cache_folder: Path) -> None:
    first = quiz("take", deck, "--plain", "--no-shuffle")
    (entry,) = cache_folder.glob("*.deck")
    entry_time = entry.stat().st_mtime_ns
    os.utime(entry, ns=(entry_time - 10**9, entry_time - 10**9))
    second = quiz("take", deck, "--plain", "--no-shuffle")
    assert first_prompt(second) == first_prompt(first)
    assert entry.stat().st_mtime_ns > entry_time - 10**9, "a hit marks the entry as used"


def test_an_edited_deck_is_studied_as_edited(deck: Path, cache_folder: Path) -> None:
    quiz("take", deck, "--plain", "--no-shuffle")
    text = deck.read_text(encoding="utf-8")
    first_question = text.index('prompt = "')
    deck.write_text(
        text[:first_question] + text[first_question:].replace('"', '"Edited: ', 1),
        encoding="utf-8",
    )
    again = quiz("take", deck, "--plain", "--no-shuffle")
    assert "Edited: " in first_prompt(again)
    assert len(list(cache_folder.glob("*.deck"))) == 2


def test_a_deck_broken_after_it_was_cached_is_reported(deck: Path) -> None:
    quiz("review", deck, "--plain")
    deck.write_text(deck.read_text(encoding="utf-8") + "\n[[questions]]\nkind = 'short'\n")
    broken = quiz("review", deck, "--plain")
    assert broken.returncode == 1
    assert f"{deck}:" in broken.stderr and "error:" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_a_damaged_cache_is_a_parse_not_an_error(deck: Path, cache_folder: Path) -> None:
    first = quiz("take", deck, "--plain", "--no-shuffle")
    (entry,) = cache_folder.glob("*.deck")
    entry.write_bytes(entry.read_bytes()[:100])
    again = quiz("take", deck, "--plain", "--no-shuffle")
    assert first_prompt(again) == first_prompt(first)
    assert entry.stat().st_size > 100, "written anew"


def test_cache_info_and_clear(deck: Path, cache_folder: Path) -> None:
    empty = quiz("cache")
    assert empty.returncode == 0
    assert f"folder:  {cache_folder}" in empty.stdout and "decks:   0" in empty.stdout
    quiz("take", deck, "--plain")
    quiz("take", ROOT / "decks" / "belarus-prisoner-release-2025.toml", "--plain")
    assert "decks:   2" in quiz("cache").stdout
    stylesheets = cache_folder.parent / "stylesheets"  # as a full-screen start leaves them
    stylesheets.mkdir()
    for name in ("QuizScreen.stylesheet", "LibraryScreen.stylesheet", "tmpab12.tmp"):
        (stylesheets / name).write_bytes(b"kept")
    cleared = quiz("cache", "clear")
    assert cleared.stdout.strip() == "removed 2 decks from the cache"
    assert list(cache_folder.glob("*")) == []
    assert list(stylesheets.glob("*")) == []
    assert first_prompt(quiz("take", deck, "--plain", "--no-shuffle")) == "Na"


def test_cache_info_says_when_the_folder_is_not_used(deck: Path, cache_folder: Path) -> None:
    quiz("take", deck, "--plain")
    cache_folder.chmod(0o777)
    assert "not used" in quiz("cache").stdout
