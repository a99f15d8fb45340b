"""Deck outlines: what a quiz's first frame is drawn from must be what the session asks.

The quiz screen shows the first question from the outline the deck cache keeps, then starts
the session (issue 15). So for any deck: the outline holds each question's identity, tags,
dates and `Asked` as the models give them; drawing from the outline picks the questions the
session picks; and a kept outline reads back equal, or not at all, without pydantic."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_toml_writer import decks

from quiz.core import library
from quiz.core.cards import Card, cards_of_question, question_identity
from quiz.core.deck_cache import DeckCache
from quiz.core.deckfile import loading
from quiz.core.models import Deck
from quiz.core.outline import DeckOutline, asked_of, draw, outline_of, shown_order

ROOT = Path(__file__).resolve().parents[2]
EVERY_KIND = ROOT / "tests" / "ui" / "data" / "every-kind.toml"


def quiz_card(question: object) -> Card:
    return Card(key=cards_of_question(question)[0].question_key, question=question)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck=decks())
def test_an_outline_is_each_question_as_the_models_ask_it(deck: Deck) -> None:
    outline = outline_of(deck)
    assert (outline.deck_id, outline.title, outline.shuffle) == (
        deck.deck.id,
        deck.deck.title,
        deck.deck.shuffle,
    )
    assert outline.markdown == (deck.deck.format == "markdown")
    assert outline.time_limit == deck.deck.time_limit
    assert len(outline.questions) == len(deck.questions)
    for kept, question in zip(outline.questions, deck.questions, strict=True):
        assert kept.identity == question_identity(question)
        assert kept.tags == tuple(question.tags)
        assert kept.valid_until == question.valid_until
        assert kept.asked == asked_of(quiz_card(question))
        assert kept.asked.kind == question.kind


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    deck=decks(),
    seed=st.integers(0, 2**31 - 1),
    count=st.none() | st.integers(1, 6),
    shuffle=st.booleans(),
    exam=st.booleans(),
    day_offset=st.integers(-400, 400),
    data=st.data(),
)
def test_drawing_from_the_outline_picks_what_the_session_picks(
    deck: Deck,
    seed: int,
    count: int | None,
    shuffle: bool,
    exam: bool,
    day_offset: int,
    data: st.DataObject,
) -> None:
    every_tag = sorted({tag for question in deck.questions for tag in question.tags})
    tags = data.draw(st.lists(st.sampled_from(every_tag), max_size=2) if every_tag else st.just([]))
    today = date(2026, 1, 1) + timedelta(days=day_offset)
    outline = outline_of(deck)
    picked = draw(deck.questions, tags, count, seed, shuffle, today=today, keep_stale=exam)
    drawn = draw(outline.questions, tags, count, seed, shuffle, today=today, keep_stale=exam)
    assert [kept.identity for kept in drawn] == [question_identity(q) for q in picked]
    for kept, question in zip(drawn, picked, strict=True):
        assert shown_order(kept.asked, outline.shuffle, seed) == shown_order(
            asked_of(quiz_card(question)), deck.deck.shuffle, seed
        )


def test_a_stale_question_is_left_out_of_a_quiz_and_kept_in_an_exam() -> None:
    deck = loading.load_deck(EVERY_KIND)
    outline = outline_of(deck)
    dated = [q for q in outline.questions if q.valid_until is not None]
    everything = list(outline.questions)
    if not dated:  # make one stale: the rule, not the deck, is under test
        everything[0] = everything[0]._replace(valid_until=date(2020, 1, 1))
    today = date(2026, 12, 7)
    quiz = draw(everything, (), None, 1, False, today=today)
    exam = draw(everything, (), None, 1, False, today=today, keep_stale=True)
    stale = [q for q in everything if q.valid_until is not None and today > q.valid_until]
    assert stale and all(q not in quiz for q in stale) and all(q in exam for q in stale)


@pytest.fixture
def cache(tmp_path: Path) -> DeckCache:
    return DeckCache(tmp_path / "cache")


def test_a_kept_outline_reads_back_equal(cache: DeckCache, tmp_path: Path) -> None:
    deck_file = tmp_path / "every-kind.toml"
    deck_file.write_bytes(EVERY_KIND.read_bytes())
    assert cache.outline_of_file(deck_file) is None, "nothing is kept before a load"
    loaded = library.load(deck_file, cache)
    found = cache.outline_of_file(deck_file)
    assert found is not None
    outline, digest = found
    assert digest == loaded.content_hash
    assert outline == outline_of(loaded.deck)
    deck_file.write_bytes(EVERY_KIND.read_bytes() + b"\n# edited\n")
    assert cache.outline_of_file(deck_file) is None, "an edited file has no outline yet"
    assert cache.outline_of_file(tmp_path / "missing.toml") is None


@pytest.mark.parametrize(
    "damage",
    ["truncated", "one byte flipped", "another quiz", "not an outline inside", "empty"],
)
def test_a_damaged_or_foreign_outline_is_a_miss_and_is_removed(
    cache: DeckCache, tmp_path: Path, damage: str
) -> None:
    import pickle
    import zlib

    loaded = library.load(EVERY_KIND, cache)
    (kept,) = cache.folder.glob("*.outline")
    data = kept.read_bytes()
    header_end = data.index(b"\n", len(b"quiz deck outline 1\n")) + 1
    header, payload = data[:header_end], data[header_end + 9 :]
    foreign = pickle.dumps({"not": "an outline"})
    kept.write_bytes(
        {
            "truncated": data[: len(data) // 2],
            "one byte flipped": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
            "another quiz": header.replace(b"quiz deck outline 1", b"quiz deck outline 0")
            + data[header_end:],
            "not an outline inside": header + b"%08x\n" % zlib.crc32(foreign) + foreign,
            "empty": b"",
        }[damage]
    )
    assert payload, "the outline has a payload to damage"
    assert cache.outline(loaded.content_hash) is None
    assert not kept.exists(), "a bad outline is removed"
    assert cache.get(loaded.content_hash) == loaded.deck, "the deck entry stays usable"


def test_an_outline_goes_with_its_entry(tmp_path: Path) -> None:
    deck = loading.load_deck(EVERY_KIND)
    cache = DeckCache(tmp_path / "cache")
    cache.put("aa", deck)
    assert isinstance(cache.outline("aa"), DeckOutline)
    (cache.folder / "aa.deck").write_bytes(b"damaged")
    assert cache.get("aa") is None
    assert not (cache.folder / "aa.outline").exists()
    cache.put("bb", deck)
    cache.put("cc", deck)
    assert cache.clear() == 2
    assert list(cache.folder.iterdir()) == []


def test_reading_an_outline_imports_neither_pydantic_nor_the_models(tmp_path: Path) -> None:
    cache_folder = tmp_path / "cache"
    library.load(EVERY_KIND, DeckCache(cache_folder))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from quiz.core.deck_cache import DeckCache\n"
        f"cache = DeckCache(Path({str(cache_folder)!r}))\n"
        f"found = cache.outline_of_file(Path({str(EVERY_KIND)!r}))\n"
        "print(len(found[0].questions))\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'"
        " or m == 'quiz.core.models')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    count, heavy = result.stdout.splitlines()
    assert int(count) == len(loading.load_deck(EVERY_KIND).questions)
    assert heavy == ""
