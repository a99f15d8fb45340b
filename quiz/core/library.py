"""The deck library: which decks exist, what they hold and what is due, read fast at start-up.

Parsing and validating every deck on each start would make `quiz` slower the more
decks a learner keeps, so `scan` reads each file's title, counts and first error
from the store's deck-file cache, keyed by path, size and mtime. Only files that
are new or changed since the last scan are parsed (and then reconciled with the
store, so their cards have due dates to count). Counts come from indexed queries
on the store, never from loading cards. The loader, the deck models and the card
keys (pydantic) are imported only when a file has to be parsed: a start that
finds every deck in the cache never imports them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.config import Settings
from quiz.core.days import study_day
from quiz.core.deck_cache import deck_digest
from quiz.core.deckfile.finding import find_deck_files
from quiz.core.queue import todays_queue
from quiz.core.storage import DeckFileRecord, Store
from quiz.core.text import sanitize

if TYPE_CHECKING:
    from quiz.core.deck_cache import DeckCache
    from quiz.core.models import Deck


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One deck file as the library lists it.

    `error` is the first diagnostic (`FILE:LINE:COL: error: MSG`) of a deck that
    does not load; such an entry has no id and zero counts. `new` is how many new
    cards today's review would introduce (the daily limit applied), `due` how many
    learning and review cards are due today, `last_percent` the score of the most
    recent finished full quiz (one that asked every question of the deck).
    `missing` marks a deck the store knows (studied from elsewhere) whose file is
    gone from the path it was last studied at: its history stays in the store.
    """

    path: Path
    deck_id: str | None
    title: str
    description: str
    question_count: int
    card_count: int
    error: str | None = None
    new: int = 0
    due: int = 0
    last_percent: float | None = None
    missing: bool = False
    facts_as_of: date | None = None
    """The date the deck's facts are as of (`as_of`, else the source's publication date)."""

    @property
    def ok(self) -> bool:
        """Whether the deck can be opened: it loads, and its file is there."""
        return self.error is None and not self.missing


@dataclass(frozen=True, slots=True)
class LoadedDeck:
    """A parsed deck with what the sessions want to know about its file."""

    deck: Deck
    path: Path
    content_hash: str


def load(path: Path, cache: DeckCache | None = None) -> LoadedDeck:
    """Parse a deck file once, with its content hash; from `cache` if it holds these bytes.

    Raises:
        DeckError: the file cannot be read or is not a valid deck.
    """
    from quiz.core.deckfile.reading import decode_deck_bytes, read_deck_bytes

    raw = read_deck_bytes(path)  # read once, for the hash and the parse
    digest = deck_digest(raw)
    if cache is not None:
        cached = cache.get(digest)
        if cached is not None:
            return LoadedDeck(cached, path, digest)
    from quiz.core.deckfile.loading import parse_deck

    deck = parse_deck(decode_deck_bytes(raw, str(path)), path)
    del raw
    if cache is not None:
        cache.put(digest, deck)
    return LoadedDeck(deck, path, digest)


def reconcile(store: Store, loaded: LoadedDeck, now: datetime) -> list[str]:
    """Bring the store's cards in line with the deck file (only if its content changed).

    Returns the deck's card keys. New questions become new cards with due counts;
    removed ones are orphaned by the store, keeping their history.
    """
    from quiz.core.cards import cards_of
    from quiz.core.reconcile import reconcile_cards

    deck = loaded.deck
    every_card = cards_of(deck)
    known = store.deck(deck.deck.id)
    if known is None or known.content_hash != loaded.content_hash:
        reconcile_cards(
            store,
            deck,
            every_card,
            path=str(loaded.path),
            content_hash=loaded.content_hash,
            now=now,
        )
    return [card.key for card in every_card]


def _cache_record(store: Store, path: Path, now: datetime) -> DeckFileRecord:
    """The cached facts about one deck file, parsing (and reconciling) it only when it changed."""
    stat = path.stat()
    cached = store.cached_deck_file(path, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    if cached is not None:
        return cached
    from quiz.core.deckfile.diagnostics import DeckError

    try:
        loaded = load(path)
    except DeckError as error:
        first = str(error.diagnostics[0]) if error.diagnostics else f"{path}: cannot load"
        record = DeckFileRecord(
            path=str(path),
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            content_hash=None,
            deck_id=None,
            title=None,
            question_count=0,
            card_count=0,
            meta_json="{}",
            first_error=first,
            checked_at=now,
        )
    else:
        deck = loaded.deck
        cards = reconcile(store, loaded, now)
        record = DeckFileRecord(
            path=str(path),
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            content_hash=loaded.content_hash,
            deck_id=deck.deck.id,
            title=deck.deck.title,
            question_count=len(deck.questions),
            card_count=len(cards),
            meta_json=deck.deck.model_dump_json(),
            first_error=None,
            checked_at=now,
        )
    store.cache_deck_file(record)
    return record


@dataclass(slots=True)
class ScanProgress:
    """How far a scan has got, for a screen to show while a first scan parses many decks.

    Written by the scan's thread and read by the UI's: two ints, no lock needed.
    """

    files: int = 0
    """Deck files found (0 until the folders are listed)."""
    done: int = 0
    """How many of them have been read."""


def scan(
    store: Store,
    folders: Iterable[Path],
    *,
    settings: Settings,
    now: datetime,
    tz: tzinfo | None = None,
    progress: ScanProgress | None = None,
) -> list[LibraryEntry]:
    """Every deck file under `folders` (or named directly), and every other deck the store
    knows, with today's counts, by title.

    A deck studied from elsewhere (`quiz take ~/x.toml`) is listed from the path the
    store last saw it at; if that file is gone it is listed as `missing` (the caller
    decides whether to show it). Folders that do not exist (a user decks folder never
    created) are skipped. Broken decks come after the good ones, each with its first
    error, and missing ones last.
    """
    progress = progress or ScanProgress()
    entries = []
    last_percents = store.last_finished_percents()  # one query for every deck
    paths = find_deck_files(f for f in folders if f.exists())
    progress.files = len(paths)
    for index, path in enumerate(paths):
        progress.done = index
        try:
            record = _cache_record(store, path, now)
        except OSError as error:
            entries.append(_broken(path, f"{path}:1:1: error: {error.strerror or error}"))
            continue
        if record.deck_id is None:
            entries.append(_broken(path, record.first_error or f"{path}:1:1: error: cannot load"))
            continue
        today = counts(
            store, record.deck_id, settings=settings, now=now, tz=tz, last_percents=last_percents
        )
        entries.append(_entry(path, record, today))
    progress.done = len(paths)
    entries.extend(
        _elsewhere(store, entries, settings=settings, now=now, tz=tz, last=last_percents)
    )
    return sorted(
        entries, key=lambda e: (e.missing, e.error is not None, e.title.casefold(), str(e.path))
    )


def _elsewhere(
    store: Store,
    found: list[LibraryEntry],
    *,
    settings: Settings,
    now: datetime,
    tz: tzinfo | None,
    last: Mapping[str, float],
) -> list[LibraryEntry]:
    """The decks the store knows that the folders do not hold, at their last path.

    One query for the known decks and a `stat` each; a file still there is read through
    the cache like a folder's. A stored path may be relative to where `quiz` was run
    then: it is tried from here, and a deck not found is `missing`.
    """
    ids = {e.deck_id for e in found if e.deck_id is not None}
    paths = {e.path.resolve() for e in found}
    entries = []
    for known in store.decks():
        if known.id in ids or not known.path:
            continue
        path = Path(known.path)
        if path.resolve() in paths:
            continue
        try:
            record = _cache_record(store, path, now)
        except OSError:  # gone, or unreadable: listed from the store, marked missing
            entries.append(
                LibraryEntry(
                    path=path,
                    deck_id=known.id,
                    title=sanitize(known.title),
                    description="",
                    question_count=known.question_count,
                    card_count=known.card_count,
                    last_percent=last.get(known.id),
                    missing=True,
                )
            )
            continue
        if record.deck_id is None:
            entries.append(_broken(path, record.first_error or f"{path}:1:1: error: cannot load"))
        elif record.deck_id not in ids:
            today = counts(
                store, record.deck_id, settings=settings, now=now, tz=tz, last_percents=last
            )
            entries.append(_entry(path, record, today))
        ids.add(record.deck_id or known.id)
        paths.add(path.resolve())
    return entries


@dataclass(frozen=True, slots=True)
class BackgroundScan:
    """A scan under way in another thread: its entries to come, and how far it has got."""

    entries: Future[list[LibraryEntry]]
    progress: ScanProgress


def scan_in_background(
    store: Store,
    folders: Iterable[Path],
    *,
    settings: Settings,
    now: datetime,
    tz: tzinfo | None = None,
) -> BackgroundScan:
    """`scan` in a daemon thread, started now; its result (or error) arrives in the future.

    `quiz` starts it before importing Textual and waits a moment: served from the
    cache it is done in ~10 ms and the library's first frame holds the list; one
    that has decks to parse goes on while Textual loads. Each deck's reconciliation is its own
    transaction, so a scan cut short by the app quitting leaves the store consistent.
    """
    folders = list(folders)
    started = BackgroundScan(Future(), ScanProgress())

    def run() -> None:
        future = started.entries
        if not future.set_running_or_notify_cancel():
            return
        try:
            entries = scan(
                store, folders, settings=settings, now=now, tz=tz, progress=started.progress
            )
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)
        else:
            future.set_result(entries)

    threading.Thread(target=run, name="library-scan", daemon=True).start()
    return started


def _broken(path: Path, error: str) -> LibraryEntry:
    return LibraryEntry(
        path=path,
        deck_id=None,
        title=sanitize(path.name),
        description="",
        question_count=0,
        card_count=0,
        error=sanitize(error),
    )


@dataclass(frozen=True, slots=True)
class DeckCounts:
    """Today's numbers for one deck: new cards to introduce, cards due, the last full quiz."""

    new: int
    due: int
    last_percent: float | None


def counts(
    store: Store,
    deck_id: str,
    *,
    settings: Settings,
    now: datetime,
    tz: tzinfo | None = None,
    last_percents: Mapping[str, float] | None = None,
) -> DeckCounts:
    """`DeckCounts` from indexed store queries (no deck parsing, no card loading).

    `new` and `due` are what a review would serve today: the review's own queue rule
    (`quiz.core.queue.todays_queue`: daily limits, one card per question a day), so the
    library, the deck page and the review agree. `last_percents` is
    `Store.last_finished_percents()` read once for many decks (the library); without it
    this deck's is read.
    """
    today = todays_queue(store, deck_id, settings, study_day(now, settings.day_starts_at, tz))
    if last_percents is None:
        last_percents = store.last_finished_percents([deck_id])
    return DeckCounts(
        new=len(today.new),
        due=len(today.learning) + len(today.reviews),
        last_percent=last_percents.get(deck_id),
    )


def _entry(path: Path, record: DeckFileRecord, today: DeckCounts) -> LibraryEntry:
    assert record.deck_id is not None
    meta = json.loads(record.meta_json or "{}")
    return LibraryEntry(
        path=path,
        deck_id=record.deck_id,
        title=record.title or record.deck_id,
        description=str(meta.get("description", "")),
        question_count=record.question_count,
        card_count=record.card_count,
        new=today.new,
        due=today.due,
        last_percent=today.last_percent,
        facts_as_of=_facts_as_of(meta),
    )


def _facts_as_of(meta: dict[str, object]) -> date | None:
    """`DeckMeta.facts_as_of` read from the cached `[deck]` table, without validating it."""
    source = meta.get("source")
    published = source.get("published") if isinstance(source, dict) else None
    found = meta.get("as_of") or published
    try:
        return date.fromisoformat(found) if isinstance(found, str) else None
    except ValueError:
        return None


def find_by_id(entries: Iterable[LibraryEntry], deck_id: str) -> LibraryEntry | None:
    """The library entry whose deck has this id (`quiz DECK_ID`)."""
    return next((e for e in entries if e.deck_id == deck_id), None)
