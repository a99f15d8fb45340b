"""The library's "last full quiz" figure: the latest finished full attempt per deck, read for
all decks with one grouped query (50 decks must not mean 50 reads of every attempt)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quiz.config import Settings
from quiz.core import library
from quiz.core.models import Deck, Question, ShortAnswer
from quiz.core.storage import Store
from quiz.core.study import QuizSession

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
DECKS = 50


def deck_text(number: int) -> str:
    return (
        f'[deck]\nid = "deck-{number:02}"\ntitle = "Deck {number}"\n\n'
        '[[questions]]\nkind = "short"\nid = "a"\nprompt = "One?"\nanswer = "1"\n\n'
        '[[questions]]\nkind = "short"\nid = "b"\nprompt = "Two?"\nanswer = "2"\n'
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=NOW) as opened:
        yield opened


def attempt(
    store: Store,
    deck: Deck,
    right: int,
    at: datetime,
    *,
    finish: bool = True,
    count: int | None = None,
    questions: Sequence[Question] | None = None,
    answered: int | None = None,
) -> None:
    """An attempt answering the first `right` questions right and the rest (up to
    `answered` in all, default every one) wrong."""
    session = QuizSession(
        store, deck, shuffle=False, now=lambda: at, count=count, questions=questions
    )
    for number, question in enumerate(session.questions[:answered]):
        assert isinstance(question, ShortAnswer)
        session.answer(question, question.answer if number < right else "wrong")
    if finish:
        session.finish()


def test_latest_finished_attempt_per_deck(store: Store, tmp_path: Path) -> None:
    decks = []
    for number in range(3):
        path = tmp_path / f"d{number}.toml"
        path.write_text(deck_text(number))
        decks.append(library.load(path).deck)
    attempt(store, decks[0], 2, NOW)
    attempt(store, decks[0], 1, NOW + timedelta(hours=1))  # the latest: 50%
    attempt(store, decks[0], 2, NOW + timedelta(hours=2), finish=False)  # unfinished: ignored
    attempt(store, decks[1], 2, NOW)
    assert store.last_finished_percents() == {"deck-00": 50.0, "deck-01": 100.0}
    assert store.last_finished_percents(["deck-01", "deck-02"]) == {"deck-01": 100.0}


def test_only_a_full_attempt_is_the_last_quiz(store: Store, tmp_path: Path) -> None:
    """A retry of the missed questions, a `--count 1` run or a quiz ended before the last
    question, however recent, is not the deck's last quiz: it answered only part of the
    deck. The deck page lists them, labelled with how much they answered."""
    path = tmp_path / "d.toml"
    path.write_text(deck_text(0))
    deck = library.load(path).deck
    attempt(store, deck, 1, NOW)  # the full one: 50%
    attempt(store, deck, 1, NOW + timedelta(hours=1), count=1)  # 100%, of one question
    retry = deck.questions[1:]
    attempt(store, deck, 0, NOW + timedelta(hours=2), questions=retry)  # 0%, of the missed one
    attempt(store, deck, 1, NOW + timedelta(hours=2, minutes=30), answered=1)  # ended early
    assert store.last_finished_percents() == {"deck-00": 50.0}
    entry = library.scan(store, [path], settings=Settings(), now=NOW + timedelta(hours=3))[0]
    assert entry.last_percent == 50.0
    attempt(store, deck, 2, NOW + timedelta(hours=4))  # a new full one
    assert store.last_finished_percents(["deck-00"]) == {"deck-00": 100.0}
    recent = [(a.percent, a.full, a.answered) for a in store.recent_scores("deck-00", limit=4)]
    assert recent == [(100.0, False, 1), (0.0, False, 1), (50.0, False, 1), (100.0, True, 2)]


def test_library_scan_reads_the_scores_once_for_fifty_decks(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    for number in range(DECKS):
        (folder / f"deck-{number:02}.toml").write_text(deck_text(number))
    attempt(store, library.load(folder / "deck-07.toml").deck, 1, NOW)
    calls: list[str] = []
    real = store.last_finished_percents

    def counted(deck_ids: object = None) -> dict[str, float]:
        calls.append("last")
        return real()

    monkeypatch.setattr(store, "last_finished_percents", counted)
    monkeypatch.setattr(store, "attempts", lambda *_: pytest.fail("per-deck attempts read"))
    entries = library.scan(store, [folder], settings=Settings(), now=NOW)
    assert len(entries) == DECKS and calls == ["last"]
    assert {e.deck_id: e.last_percent for e in entries if e.last_percent is not None} == {
        "deck-07": 50.0
    }
