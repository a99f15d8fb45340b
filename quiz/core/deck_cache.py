"""Validated decks kept between runs: a study session on an unchanged deck skips the parse.

Parsing and validating a deck is most of a study session's start (a 10k-question deck:
~0.3 s of tomli and pydantic). So each deck a session loads is kept as a pickle in the user
cache folder, one file an entry, named by the content hash of the deck file: the same bytes
always give the same deck, so an entry is never stale, a renamed or copied file still finds
it, and an edited file simply has another name.

An entry is only trusted when all of this holds, else it is a miss (and removed):
- its header names this cache format, this Python, this pydantic and the exact source of
  the modules that decide what a valid deck is (`models.py`, `deckfile/loading.py`): a
  cache written by another version of quiz is never read as this one's;
- its payload's CRC-32 matches (a torn or damaged file);
- it unpickles to what `_entry` wrote.

A deck from the cache holds its questions as a `LazyQuestions` sequence: a review of a big
deck unpickles only the questions its queue serves (see `quiz.core.lazy_questions`).

Beside each entry is its deck's outline (`<hash>.outline`, `quiz.core.outline`): plain data
that a full-screen quiz draws its first question from before it imports pydantic, the models
or the store. It has its own header (this quiz and this Python, not pydantic: reading it
must not import pydantic), its own checksum, and goes when its entry goes.

Pickle runs code named in its data, so the folder must be the user's own: one that another
user could write to is not used at all. The cache is bounded (`limit_bytes`): after each
write the least recently used entries (a hit touches its file) go until it fits. Nothing in
it is precious: every failure to read or write it only costs a parse.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quiz.core.cache_files import (
    make_private_folder,
    private_folder,
    remove,
    remove_all,
    sealed,
    unsealed,
    write_whole,
)
from quiz.core.lazy_questions import CHUNK
from quiz.core.outline import DeckOutline, outline_of

if TYPE_CHECKING:
    from quiz.core.models import Deck

DEFAULT_LIMIT_BYTES = 256 * 1024 * 1024
"""Room for the largest decks many times over (a 10 MiB deck pickles to ~10 MiB)."""

_SUFFIX = ".deck"
_OUTLINE_SUFFIX = ".outline"
_MAGIC = b"quiz deck cache 1\n"
_OUTLINE_MAGIC = b"quiz deck outline 1\n"
_RULES = (
    "models.py",
    "cards.py",
    "deckfile/reading.py",
    "deckfile/loading.py",
    "deck_cache.py",
    "lazy_questions.py",
    "outline.py",
)
"""The sources that decide what a deck file validates to and how an entry holds it,
relative to this folder."""


class CacheInfo(NamedTuple):
    """What `quiz cache info` reports."""

    folder: Path
    entries: int
    size_bytes: int
    limit_bytes: int
    usable: bool
    """False when the folder is not the user's own (see the module docstring)."""


class DeckCache:
    """The validated-deck cache in `folder` (created on first write, mode 0700).

    Making one costs nothing (pydantic and the models are imported on first use), so the
    library's start can hold one for the decks it may open.
    """

    def __init__(self, folder: Path, *, limit_bytes: int = DEFAULT_LIMIT_BYTES) -> None:
        self.folder = folder
        self.limit_bytes = limit_bytes

    def get(self, content_hash: str) -> Deck | None:
        """The deck whose file has this content hash, if a trustworthy entry holds it."""
        path = self._entry(content_hash)
        if path is None or not private_folder(self.folder):
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        deck = self._decoded(data)
        if deck is None:
            _remove_entry(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: the last to go when the cache is pruned
        return deck

    def outline_of_file(self, path: Path) -> tuple[DeckOutline, str] | None:
        """The outline of the deck file at `path` and its content hash, when kept; None when
        not, or when the file cannot be read (loading it then says why)."""
        from quiz.core.deckfile.diagnostics import DeckError
        from quiz.core.deckfile.reading import read_deck_bytes

        try:
            digest = deck_digest(read_deck_bytes(path))
        except DeckError:
            return None
        outline = self.outline(digest)
        return None if outline is None else (outline, digest)

    def outline(self, content_hash: str) -> DeckOutline | None:
        """The outline of the deck whose file has this content hash (`quiz.core.outline`), if
        a trustworthy one is kept; reading it imports neither pydantic nor the models."""
        path = self._entry(content_hash)
        header = _outline_fingerprint()
        if path is None or header is None or not private_folder(self.folder):
            return None
        path = path.with_suffix(_OUTLINE_SUFFIX)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        payload = unsealed(data, header)
        outline: object = None
        if payload is not None:
            try:
                outline = pickle.loads(payload)
            except Exception:  # a damaged pickle can raise nearly anything
                outline = None
        if not isinstance(outline, DeckOutline):
            remove(path)
            return None
        return outline

    def put(self, content_hash: str, deck: Deck) -> None:
        """Keep `deck` and its outline under its file's content hash, then prune to the size
        limit."""
        path = self._entry(content_hash)
        if path is None:
            return
        header, outline_header = _fingerprint(), _outline_fingerprint()
        if header is None or outline_header is None:
            return
        data = sealed(header, pickle.dumps(_entry(deck), protocol=pickle.HIGHEST_PROTOCOL))
        outline = pickle.dumps(outline_of(deck), protocol=pickle.HIGHEST_PROTOCOL)
        outline_data = sealed(outline_header, outline)
        if len(data) + len(outline_data) > self.limit_bytes:
            return
        try:
            if not make_private_folder(self.folder):
                return
            write_whole(path, data)
            write_whole(path.with_suffix(_OUTLINE_SUFFIX), outline_data)
            self._prune(keep=path)
        except OSError:
            pass  # a full disk or a read-only home: the next start parses again

    def info(self) -> CacheInfo:
        """The folder, how many entries it holds and their size."""
        entries = self._entries()
        return CacheInfo(
            folder=self.folder,
            entries=len(entries),
            size_bytes=sum(size for _, _, size in entries),
            limit_bytes=self.limit_bytes,
            usable=not self.folder.exists() or private_folder(self.folder),
        )

    def clear(self) -> int:
        """Remove every entry (and leftovers of interrupted writes); how many entries went."""
        removed = remove_all(self.folder, f"*{_SUFFIX}")
        remove_all(self.folder, f"*{_OUTLINE_SUFFIX}")  # theirs, and any left without one
        return removed

    # --- inside -----------------------------------------------------------------------------

    def _entry(self, content_hash: str) -> Path | None:
        """The entry's file; None for anything but a hex digest (never a path of its own)."""
        if not content_hash or len(content_hash) > 128:
            return None
        try:
            int(content_hash, 16)
        except ValueError:
            return None
        return self.folder / f"{content_hash.lower()}{_SUFFIX}"

    def _decoded(self, data: bytes) -> Deck | None:
        """The deck in an entry's bytes, or None for any entry this version cannot trust."""
        header = _fingerprint()
        payload = None if header is None else unsealed(data, header)
        if payload is None:
            return None
        from quiz.core.lazy_questions import LazyQuestions
        from quiz.core.models import Deck, DeckMeta

        try:
            meta, chunks, count, card_positions, valid_until = pickle.loads(payload)
        except Exception:  # a damaged pickle can raise nearly anything
            return None
        if not isinstance(meta, DeckMeta) or len(chunks) != -(-count // CHUNK):
            return None
        questions = LazyQuestions(chunks, count, card_positions, valid_until)
        return Deck.model_construct(deck=meta, questions=questions)

    def _entries(self) -> list[tuple[Path, int, int]]:
        """(path, last use in ns, size with its outline) of each entry."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob(f"*{_SUFFIX}"):
            try:
                mode = path.stat()
            except OSError:
                continue
            try:
                outline_size = path.with_suffix(_OUTLINE_SUFFIX).stat().st_size
            except OSError:
                outline_size = 0
            found.append((path, mode.st_mtime_ns, mode.st_size + outline_size))
        return found

    def _prune(self, keep: Path) -> None:
        """Drop the least recently used entries until the cache fits its limit."""
        entries = sorted(self._entries(), key=lambda entry: entry[1])
        total = sum(size for _, _, size in entries)
        for path, _, size in entries:
            if total <= self.limit_bytes:
                return
            if path != keep:
                total -= size * _remove_entry(path)


def content_hash(data: bytes) -> str:
    """The hash sessions and the cache use to tell an unchanged deck file (sha256, hex)."""
    return hashlib.sha256(data).hexdigest()


def deck_digest(raw: bytes) -> str:
    """The content hash of a deck file's bytes: of the UTF-8 text the parser sees (a
    byte-order mark is not part of it)."""
    return content_hash(raw.removeprefix(codecs.BOM_UTF8))


@functools.cache
def _rules_digest() -> bytes | None:
    """A digest of the rules' sources (read once a process); None where they cannot be read,
    e.g. a zipped install (then nothing is cached)."""
    sources = hashlib.sha256()
    try:
        for name in _RULES:
            sources.update((Path(__file__).parent / name).read_bytes())
    except OSError:
        return None
    return sources.hexdigest()[:32].encode()


@functools.cache
def _fingerprint() -> bytes | None:
    """The header line that ties an entry to this quiz, this Python and this pydantic."""
    rules = _rules_digest()
    if rules is None:
        return None
    import pydantic

    return b"%s%s %s %s\n" % (
        _MAGIC,
        sys.version.split()[0].encode(),
        pydantic.VERSION.encode(),
        rules,
    )


def _outline_fingerprint() -> bytes | None:
    """The header line of an outline: this quiz and this Python. Not pydantic's version: an
    outline holds none of its objects, and reading one must not import it."""
    rules = _rules_digest()
    if rules is None:
        return None
    return b"%s%s %s\n" % (_OUTLINE_MAGIC, sys.version.split()[0].encode(), rules)


def _entry(deck: Deck) -> tuple[object, ...]:
    """What an entry pickles: the deck's table, its questions in chunks (`lazy_questions`),
    the position of each card's question, and the questions' `valid_until` dates."""
    from quiz.core.cards import cards_of_question
    from quiz.core.lazy_questions import chunked

    questions = deck.questions
    card_positions = {
        card.key: position
        for position, question in enumerate(questions)
        for card in cards_of_question(question)
    }
    valid_until = {
        position: question.valid_until
        for position, question in enumerate(questions)
        if question.valid_until is not None
    }
    return (deck.deck, chunked(questions), len(questions), card_positions, valid_until)


def _remove_entry(path: Path) -> int:
    """Remove an entry and its outline; 1 if this call removed the entry."""
    remove(path.with_suffix(_OUTLINE_SUFFIX))
    return remove(path)
