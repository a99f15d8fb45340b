"""The library scan: cached by path, size and mtime; counts from the store; broken decks listed."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz.config import Settings
from quiz.core import library
from quiz.core.deckfile import loading, reading
from quiz.core.deckfile.diagnostics import DeckError
from quiz.core.storage import Store
from quiz.core.study import ReviewSession

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=NOW) as opened:
        yield opened


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    decks = tmp_path / "decks"
    decks.mkdir()
    shutil.copy(ROOT / "decks" / "chemistry-elements.toml", decks)
    shutil.copy(ROOT / "tests" / "ui" / "data" / "broken.toml", decks)
    return decks


def test_scan_parses_each_file_once_until_it_changes(
    store: Store, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = reading.read_deck_bytes  # read by the library only when a file must be parsed

    def counting(path: Path) -> bytes:
        parsed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(reading, "read_deck_bytes", counting)
    settings = Settings()
    first = library.scan(store, [folder], settings=settings, now=NOW)
    assert sorted(parsed) == ["broken.toml", "chemistry-elements.toml"]
    again = library.scan(store, [folder], settings=settings, now=NOW)
    assert sorted(parsed) == ["broken.toml", "chemistry-elements.toml"], "served from the cache"
    assert again == first

    chemistry = folder / "chemistry-elements.toml"
    stat = chemistry.stat()
    os.utime(chemistry, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    library.scan(store, [folder], settings=settings, now=NOW)
    assert parsed.count("chemistry-elements.toml") == 2, "a new mtime means a new parse"


def test_scan_entries(store: Store, folder: Path) -> None:
    settings = Settings(new_per_day=10)
    good, broken = library.scan(store, [folder, folder / "missing"], settings=settings, now=NOW)
    assert (good.deck_id, good.question_count, good.card_count) == ("chemistry-elements", 13, 15)
    assert (good.new, good.due, good.last_percent) == (10, 0, None), "new is capped per day"
    assert not broken.ok and broken.deck_id is None
    assert broken.error is not None
    assert broken.error.startswith(f"{folder / 'broken.toml'}:14:8: error: unknown question kind")
    assert library.find_by_id([good, broken], "chemistry-elements") is good
    assert library.find_by_id([good, broken], "nope") is None


def test_questions_that_would_be_one_card_are_listed_with_their_error(
    store: Store, tmp_path: Path
) -> None:
    """Two id-less questions with the same prompt hash to one card key: listed, not a crash."""
    folder = tmp_path / "same"
    folder.mkdir()
    question = '[[questions]]\nkind = "short"\nprompt = "Capital of France?"\nanswer = "Paris"\n'
    deck = '[deck]\nid = "twice"\ntitle = "Asked twice"\n\n' + question + "\n" + question
    (folder / "twice.toml").write_text(deck)
    (entry,) = library.scan(store, [folder], settings=Settings(), now=NOW)
    assert not entry.ok
    assert entry.error is not None
    assert entry.error.startswith(f"{folder / 'twice.toml'}:10:1: error: same prompt as")
    with pytest.raises(DeckError):
        library.load(folder / "twice.toml")


def test_library_counts_what_the_review_would_serve(store: Store, folder: Path) -> None:
    """The chemistry deck has 15 cards from 13 questions (a cloze of three blanks): a review
    serves one card of a question a day, and the library says so, not 15."""
    settings = Settings(new_per_day=100)
    good, _ = library.scan(store, [folder], settings=settings, now=NOW)
    review = ReviewSession(
        store, loading.load_deck(folder / "chemistry-elements.toml"), settings, now=lambda: NOW
    )
    assert good.new == review.counts().new == 13
    assert good.due == 0


def test_a_background_scan_gives_what_scan_gives_and_counts_its_files(
    store: Store, folder: Path, tmp_path: Path
) -> None:
    settings = Settings()
    started = library.scan_in_background(store, [folder], settings=settings, now=NOW)
    entries = started.entries.result(timeout=30)
    assert (started.progress.files, started.progress.done) == (2, 2)
    with Store.open(tmp_path / "other.sqlite3", now=NOW) as other:
        assert entries == library.scan(other, [folder], settings=settings, now=NOW)


def test_a_background_scan_hands_its_error_to_the_waiter(store: Store, folder: Path) -> None:
    store.close()  # every call on the store now fails
    started = library.scan_in_background(store, [folder], settings=Settings(), now=NOW)
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        started.entries.result(timeout=30)


def test_decks_studied_from_elsewhere_are_listed_and_a_gone_one_is_missing(
    store: Store, folder: Path, tmp_path: Path
) -> None:
    """`quiz take ~/x.toml` puts a deck in the store but not in the folders: the library
    lists it from its last path, and marks it missing (history kept) once the file is gone."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = elsewhere / "outside.toml"
    outside.write_text(
        '[deck]\nid = "outside"\ntitle = "From elsewhere"\n\n'
        '[[questions]]\nkind = "short"\nid = "a"\nprompt = "One?"\nanswer = "1"\n'
    )
    library.reconcile(store, library.load(outside), NOW)  # as `quiz take` does
    entries = library.scan(store, [folder], settings=Settings(), now=NOW)
    listed = {e.title: e for e in entries}
    assert set(listed) == {
        "Chemical elements: symbols, numbers and groups",
        "From elsewhere",
        "broken.toml",
    }
    assert listed["From elsewhere"].path == outside and not listed["From elsewhere"].missing
    assert listed["From elsewhere"].new == 1
    outside.unlink()
    gone = next(
        e
        for e in library.scan(store, [folder], settings=Settings(), now=NOW)
        if e.deck_id == "outside"
    )
    assert gone.missing and not gone.ok and gone.path == outside and gone.title == "From elsewhere"
    assert store.deck("outside") is not None  # the history stays
    # A deck of the folders is listed once, from the folder.
    again = library.scan(store, [folder], settings=Settings(), now=NOW)
    assert len(again) == 3
