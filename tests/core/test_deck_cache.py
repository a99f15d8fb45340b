"""The validated-deck cache: a hit is the deck the parse gives, and nothing in the cache can
make a session study the wrong deck or fail (stale, damaged, foreign or unwritable)."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from test_toml_writer import decks

from quiz.core import library
from quiz.core.deck_cache import DeckCache, content_hash
from quiz.core.deckfile import loading
from quiz.core.deckfile.diagnostics import DeckError
from quiz.core.interchange.toml_writer import deck_to_toml
from quiz.core.models import Deck
from quiz.core.outline import outline_of

ROOT = Path(__file__).resolve().parents[2]
CHEMISTRY = ROOT / "decks" / "chemistry-elements.toml"


@pytest.fixture
def cache(tmp_path: Path) -> DeckCache:
    return DeckCache(tmp_path / "cache")


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "chemistry.toml"
    shutil.copy(CHEMISTRY, path)
    return path


def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed from now on."""
    seen: list[str] = []
    real = loading.parse_deck

    def counting(text: str, path: object) -> Deck:
        seen.append(Path(str(path)).name)
        return real(text, str(path))

    monkeypatch.setattr(loading, "parse_deck", counting)
    return seen


def entries(cache: DeckCache) -> list[Path]:
    return sorted(cache.folder.glob("*.deck"))


def test_an_unchanged_deck_is_parsed_once(
    cache: DeckCache, deck_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = parses(monkeypatch)
    first = library.load(deck_file, cache)
    second = library.load(deck_file, cache)
    assert parsed == ["chemistry.toml"]
    assert second.deck == first.deck == loading.load_deck(deck_file)
    assert second.content_hash == first.content_hash == content_hash(deck_file.read_bytes())
    assert [entry.stem for entry in entries(cache)] == [first.content_hash]


def test_an_edited_deck_is_parsed_again_and_the_edit_is_studied(
    cache: DeckCache, deck_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.load(deck_file, cache)
    parsed = parses(monkeypatch)
    text = deck_file.read_text(encoding="utf-8")
    # Same size and the same modification time: only the content tells the files apart.
    stat = deck_file.stat()
    deck_file.write_text(text.replace("symbol for gold", "symbol for gole", 1), encoding="utf-8")
    os.utime(deck_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = library.load(deck_file, cache)
    assert parsed == ["chemistry.toml"]
    assert "symbol for gole" in deck_to_toml(edited.deck)
    assert len(entries(cache)) == 2, "the older version stays until pruned (a revert hits it)"


def test_a_copy_or_renamed_file_finds_its_entry(
    cache: DeckCache, deck_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.load(deck_file, cache)
    parsed = parses(monkeypatch)
    moved = deck_file.rename(deck_file.with_name("moved.toml"))
    assert library.load(moved, cache).path == moved
    assert parsed == []


def test_a_deck_with_a_byte_order_mark_has_the_hash_of_its_text(
    cache: DeckCache, deck_file: Path
) -> None:
    text = deck_file.read_text(encoding="utf-8")
    deck_file.write_bytes(b"\xef\xbb\xbf" + text.encode())
    for _ in range(2):  # parsed, then from the cache
        loaded = library.load(deck_file, cache)
        assert loaded.content_hash == content_hash(text.encode())


def test_a_broken_deck_is_never_cached(cache: DeckCache, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[deck]\nid = "x"\ntitle = "X"\n[[questions]]\nkind = "short"\n')
    for _ in range(2):
        with pytest.raises(DeckError, match=r"broken.toml:\d+:\d+: error"):
            library.load(broken, cache)
    assert entries(cache) == []


def damaged_entries(entry: bytes) -> dict[str, bytes]:
    header, _, rest = entry.partition(b"\n")
    fingerprint, _, rest = rest.partition(b"\n")
    checksum, _, payload = rest.partition(b"\n")
    flipped = bytearray(entry)
    flipped[len(entry) // 2] ^= 0x20
    other_deck_type = pickle.dumps({"deck": "not a Deck"})
    import zlib

    return {
        "empty": b"",
        "truncated": entry[: len(entry) // 2],
        "one byte flipped": bytes(flipped),
        "garbage": os.urandom(len(entry)),
        "another cache format": b"quiz deck cache 0\n" + entry.partition(b"\n")[2],
        "another quiz": b"\n".join([header, fingerprint[:-4] + b"beef", checksum, payload]),
        "the checksum of other bytes": b"\n".join([header, fingerprint, b"00000000", payload]),
        "not a deck inside": b"%s\n%s\n%08x\n%s"
        % (header, fingerprint, zlib.crc32(other_deck_type), other_deck_type),
    }


@pytest.mark.parametrize(
    "damage",
    [
        "empty",
        "truncated",
        "one byte flipped",
        "garbage",
        "another cache format",
        "another quiz",
        "the checksum of other bytes",
        "not a deck inside",
    ],
)
def test_a_damaged_or_foreign_entry_is_a_miss_and_is_replaced(
    cache: DeckCache, deck_file: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    first = library.load(deck_file, cache)
    (entry,) = entries(cache)
    entry.write_bytes(damaged_entries(entry.read_bytes())[damage])
    parsed = parses(monkeypatch)
    again = library.load(deck_file, cache)
    assert parsed == ["chemistry.toml"]
    assert again.deck == first.deck
    assert cache.get(first.content_hash) == first.deck, "the entry was written anew"


def test_only_hex_digests_name_entries(cache: DeckCache, deck_file: Path) -> None:
    deck = loading.load_deck(deck_file)
    for name in ("", "../escape", "a" * 129, "zz", "12/34"):
        cache.put(name, deck)
        assert cache.get(name) is None
    assert not cache.folder.exists() or entries(cache) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions")
def test_an_unwritable_cache_costs_only_a_parse(tmp_path: Path, deck_file: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    try:
        cache = DeckCache(folder / "decks")
        assert library.load(deck_file, cache).deck == loading.load_deck(deck_file)
        assert not cache.folder.exists()
    finally:
        folder.chmod(0o700)


def test_a_cache_path_that_is_a_file_costs_only_a_parse(tmp_path: Path, deck_file: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder")
    cache = DeckCache(blocked)
    assert library.load(deck_file, cache).deck == loading.load_deck(deck_file)
    assert cache.info().entries == 0


def test_a_folder_others_can_write_to_is_not_used(
    cache: DeckCache, deck_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.load(deck_file, cache)
    cache.folder.chmod(0o777)  # anyone could plant a pickle here
    parsed = parses(monkeypatch)
    library.load(deck_file, cache)
    assert parsed == ["chemistry.toml"]
    assert not cache.info().usable


def test_the_least_recently_used_entries_go_first(tmp_path: Path, deck_file: Path) -> None:
    deck = loading.load_deck(deck_file)
    DeckCache(tmp_path / "cache").put("aa", deck)
    one_entry = sum(kept.stat().st_size for kept in (tmp_path / "cache").glob("aa.*"))
    cache = DeckCache(tmp_path / "cache", limit_bytes=2 * one_entry + 100)
    for number, digest in enumerate(("aa", "bb")):
        cache.put(digest, deck)
        os.utime(cache.folder / f"{digest}.deck", ns=(number, number))  # aa older than bb
    assert cache.get("aa") == deck  # used now: bb is the least recently used
    cache.put("cc", deck)
    assert [entry.stem for entry in entries(cache)] == ["aa", "cc"]
    assert cache.info().size_bytes <= cache.limit_bytes


def test_an_entry_larger_than_the_whole_cache_is_not_kept(tmp_path: Path, deck_file: Path) -> None:
    cache = DeckCache(tmp_path / "cache", limit_bytes=1000)
    cache.put("aa", loading.load_deck(deck_file))
    assert cache.get("aa") is None


def test_clear_and_info(cache: DeckCache, deck_file: Path, tmp_path: Path) -> None:
    assert cache.info().entries == 0 and cache.info().usable
    library.load(deck_file, cache)
    library.load(ROOT / "decks" / "belarus-prisoner-release-2025.toml", cache)
    (cache.folder / "left-by-a-killed-write.tmp").write_bytes(b"x")
    info = cache.info()
    assert (info.entries, info.folder) == (2, cache.folder)
    kept = [*entries(cache), *cache.folder.glob("*.outline")]
    assert len(kept) == 4, "each entry with its outline"
    assert info.size_bytes == sum(path.stat().st_size for path in kept)
    assert cache.clear() == 2
    assert list(cache.folder.iterdir()) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck=decks())
def test_every_deck_comes_back_from_the_cache_as_parsed(
    deck: Deck, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    path = folder / "deck.toml"
    path.write_text(deck_to_toml(deck), encoding="utf-8")
    cache = DeckCache(folder / "cache")
    try:
        parsed = library.load(path, cache)
    except DeckError:  # id-less questions sharing a prompt: the models allow it, decks do not
        reject()
    cached = library.load(path, cache)
    assert cache.get(parsed.content_hash) is not None
    assert cache.outline(parsed.content_hash) == outline_of(parsed.deck)
    assert cached.deck == parsed.deck == deck
    assert cached.content_hash == parsed.content_hash
