"""A deck from the cache holds its questions lazily: it must behave as the parsed list does,
and a review from it must serve what a review from the parse serves, decoding little."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, reject, settings
from test_toml_writer import decks

from quiz.config import Settings
from quiz.core import lazy_questions
from quiz.core.cards import cards_by_key, cards_of, stale_questions
from quiz.core.deck_cache import DeckCache
from quiz.core.deckfile.diagnostics import DeckError
from quiz.core.interchange.toml_writer import deck_to_toml
from quiz.core.lazy_questions import CHUNK, LazyQuestions
from quiz.core.library import LoadedDeck, load
from quiz.core.models import Deck
from quiz.core.scheduling import Grade
from quiz.core.storage import Store
from quiz.core.study import ReviewSession

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)


def write_and_cache(deck_text: str, folder: Path) -> tuple[LoadedDeck, LoadedDeck]:
    """The deck parsed, and the same deck read back from a fresh cache."""
    path = folder / "deck.toml"
    path.write_text(deck_text, encoding="utf-8")
    cache = DeckCache(folder / "cache")
    parsed = load(path, cache)
    cached = load(path, cache)
    assert isinstance(cached.deck.questions, LazyQuestions)
    return parsed, cached


def numbered_deck(count: int, *, stale_every: int = 0) -> str:
    lines = ['[deck]\nid = "numbers"\ntitle = "Numbers"\n']
    for n in range(count):
        lines.append(f'[[questions]]\nid = "n{n}"\nkind = "numeric"\nprompt = "{n} + 1?"\n')
        lines.append(f'answer = {n + 1}\ntags = ["t{n % 3}"]\n')
        if n % 7 == 0:
            lines.append(f'explanation = "{n} and one more"\n')
        if stale_every and n % stale_every == 0:
            lines.append("valid_until = 2026-01-01\n")
    return "".join(lines)


def test_the_sequence_behaves_as_the_list(tmp_path: Path) -> None:
    parsed, cached = write_and_cache(numbered_deck(3 * CHUNK + 5, stale_every=10), tmp_path)
    listed, lazy = list(parsed.deck.questions), cached.deck.questions
    assert len(lazy) == len(listed)
    for index in (0, 1, CHUNK - 1, CHUNK, len(listed) - 1, -1, -len(listed)):
        assert lazy[index] == listed[index]
    assert lazy[5 : 3 * CHUNK : 7] == listed[5 : 3 * CHUNK : 7]
    assert list(lazy) == listed and lazy == listed and listed == lazy
    for outside in (len(listed), -len(listed) - 1):
        with pytest.raises(IndexError):
            lazy[outside]
    assert cached.deck == parsed.deck
    assert pickle.loads(pickle.dumps(cached.deck)).questions == listed
    assert type(pickle.loads(pickle.dumps(lazy))) is list


def test_cards_and_stale_questions_agree_with_the_parse(tmp_path: Path) -> None:
    parsed, cached = write_and_cache(numbered_deck(2 * CHUNK + 3, stale_every=9), tmp_path)
    by_key = cards_by_key(cached.deck)
    expected = {card.key: card for card in cards_of(parsed.deck)}
    assert len(by_key) == len(expected) and set(by_key) == set(expected)
    assert all(by_key[key] == card for key, card in expected.items())
    assert "n0" in by_key and "missing" not in by_key
    with pytest.raises(KeyError):
        by_key["missing"]
    day = date(2026, 6, 1)
    assert stale_questions(cached.deck, day) == stale_questions(parsed.deck, day)
    assert len(stale_questions(cached.deck, day)) == len(range(0, 2 * CHUNK + 3, 9))


def test_a_review_of_a_big_cached_deck_decodes_only_what_it_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cached = write_and_cache(numbered_deck(100 * CHUNK), tmp_path)
    decoded: list[int] = []
    real = pickle.loads

    def counting(data: bytes) -> object:
        decoded.append(len(data))
        return real(data)

    counted = SimpleNamespace(
        loads=counting, dumps=pickle.dumps, HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL
    )
    monkeypatch.setattr(lazy_questions, "pickle", counted)  # the chunks' unpickling only
    with Store.open(tmp_path / "quiz.sqlite3", now=NOW) as store:

        def start(loaded: LoadedDeck) -> ReviewSession:
            return ReviewSession(
                store,
                loaded.deck,
                Settings(fuzz=False, new_per_day=20),
                lambda: NOW,
                tz=timezone.utc,
                path=str(loaded.path),
                content_hash=loaded.content_hash,
                daily_backup=False,
            )

        start(cached)
        assert len(decoded) == 100, "the first start reconciles: every question is read"
        decoded.clear()
        session = start(load(cached.path, DeckCache(tmp_path / "cache")))
        assert session.counts().new == 20
        assert len(decoded) == 1, "20 new cards in deck order: the first chunk"


def review_keys(store: Store, loaded: LoadedDeck, grades: list[Grade]) -> list[str]:
    """The keys a review serves, answering with `grades` in turn (then Good), to the end."""
    clock = [NOW]
    session = ReviewSession(
        store,
        loaded.deck,
        Settings(fuzz=False),
        lambda: clock[0],
        tz=timezone.utc,
        path=str(loaded.path),
        content_hash=loaded.content_hash,
        daily_backup=False,
    )
    served = []
    for turn in range(200):
        card = session.next_card()
        if card is None:
            break
        served.append(card.key)
        session.answer(card, grades[turn] if turn < len(grades) else Grade.Good)
        clock[0] += timedelta(minutes=30)
    return served


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck=decks())
def test_a_review_from_the_cache_serves_what_a_review_from_the_parse_serves(
    deck: Deck, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("review")
    try:
        parsed, cached = write_and_cache(deck_to_toml(deck), folder)
    except DeckError:  # id-less questions sharing a prompt: the models allow it, decks do not
        reject()
    grades = [Grade.Again, Grade.Good, Grade.Hard, Grade.Easy] * 3
    with (
        Store.open(folder / "a.sqlite3", now=NOW) as first,
        Store.open(folder / "b.sqlite3", now=NOW) as second,
    ):
        assert review_keys(first, parsed, grades) == review_keys(second, cached, grades)
