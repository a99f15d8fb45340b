"""`Store` methods that find cards for the card browser and `quiz cards`: `search_cards` (one
page, sorted), `count_cards`, `card_refs` (every match, for an action) and `card_reviews`.

A query is SQL over `cards`, joined with `card_texts` only when it reads text (words, tags,
kinds, a sort by prompt) and with `decks` only for the titles of the page it returns. Free
words go to the FTS5 index `card_search`, each one quoted as a phrase with a prefix star, so
no text a learner types is FTS5 syntax (`"`, `*`, `NEAR(`, `AND`) and none is an error.

A word of one letter matches as a whole word: as a prefix it would match most cards, and
the index keeps prefixes of two and three letters only (a one-letter one reads every token).

Retrievability is never computed in SQL: recall falls as (study days since the last
review) / stability grows, so a filter or sort on retrievability is one on that ratio, and
only the cards of the page get the curve, in Python (`SearchContext.retrievability`, which
agrees with `Scheduler.retrievability`). SQL counts the study days from the start of today's
study day in whole 24-hour steps: a review made within an hour of the day's rollover on the
other side of a DST change can count one day more or less for a filter or a sort (never for
the figure shown).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from quiz.core.card_query import CardQuery, Range, SearchContext, SortColumn, StateName
from quiz.core.card_state import CardMarks, Phase
from quiz.core.days import day_bounds
from quiz.core.storage.card_actions import CardRef
from quiz.core.storage.connection import Database
from quiz.core.storage.encoding import from_us, from_us_or_none, to_us
from quiz.core.storage.records import (
    REVIEW_COLUMNS,
    ReviewRecord,
    invalid_state,
    marks_from_row,
    review_from_row,
)

_DAY_US = 86_400_000_000


@dataclass(frozen=True, slots=True)
class CardRow:
    """One card as the browser lists it: where it is, its text, schedule and marks."""

    deck_id: str
    deck_title: str
    card_key: str
    kind: str
    prompt: str
    answer: str
    tags: tuple[str, ...]
    phase: Phase
    due: datetime | None
    interval: timedelta | None
    """From the last review to the due time (None for a new card)."""
    lapses: int
    reps: int
    retrievability: float | None
    """Predicted recall now, 0-1 (None for a new card, which has no memory to recall)."""
    marks: CardMarks
    orphaned: bool
    created: datetime
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    has_text: bool = True
    """False for a card whose deck has not been read since the store kept card text."""

    @property
    def ref(self) -> CardRef:
        return (self.deck_id, self.card_key)


_STATE_SQL: dict[StateName, str] = {
    "new": "c.state = 0",
    "learning": "c.state IN (1, 3)",
    "review": "c.state = 2",
    "suspended": "c.suspended = 1",
    "buried": "c.buried_until > :today",
    "flagged": "c.flag != 0",
    "leech": "c.leech = 1",
    "orphaned": "c.orphaned = 1",
}
"""The SQL of each `is:` state (`:today` is the study day, ISO)."""

_RATIO = "(max(0, (:day_start - c.last_review + :day_us - 1) / :day_us) * 1.0 / c.stability)"
"""Study days since the last review per day of stability: retrievability falls as it grows."""
_HAS_MEMORY = "c.state != 0 AND c.stability > 0 AND c.last_review IS NOT NULL"

_ORDER: dict[SortColumn, str] = {
    "deck": "c.deck_id {dir}, c.position {dir}",
    "prompt": "t.prompt COLLATE NOCASE {dir}",  # of the cards with text (`_prompt_page`)
    "due": "c.due {dir} NULLS LAST",
    "interval": "CASE WHEN c.state != 0 THEN c.due - c.last_review END {dir} NULLS LAST",
    "lapses": "c.lapses {dir}",
    "reps": "c.reps {dir}",
    "retrievability": f"CASE WHEN {_HAS_MEMORY} THEN {_RATIO} END {{flip}} NULLS LAST",
    "created": "c.created_at {dir}",
}
"""Each sortable column's ORDER BY; `{flip}` because recall falls as the ratio grows. Decks
sort by id, not title: the primary key's order, so the first page of every card is read
without sorting 100k rows (0.3 ms, against 26 ms through the titles)."""
_TIEBREAK = "c.deck_id, c.position, c.card_key"

_PAGE_COLUMNS = (
    "c.deck_id, d.title, c.card_key, t.kind, t.prompt, t.answer, t.tags, c.state, c.due,"
    " c.last_review, c.stability, c.difficulty, c.reps, c.lapses, c.orphaned, c.created_at,"
    " c.suspended, c.buried_until, c.flag, c.leech"
)


@dataclass
class _Where:
    """A query as SQL: conditions (ANDed), their named parameters, and whether they read
    `card_texts` (`t`)."""

    conditions: list[str] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)
    texts: bool = False
    cards: bool = False
    """Whether a condition reads `cards` (`c`): without one, a count reads `card_texts` alone."""

    def add(self, condition: str, **params: object) -> None:
        self.conditions.append(condition)
        self.params.update(params)
        self.cards = self.cards or "c." in condition

    def sql(self) -> str:
        return " AND ".join(self.conditions) or "1"


def fts_phrase(text: str, *, prefix: bool = True) -> str | None:
    """`text` as one quoted FTS5 phrase (a prefix unless told), or None when it holds nothing
    the index tokenizes (letters, digits): quoting makes any text a valid query."""
    text = text.replace("\x00", " ")  # SQLite reads a NUL as the end of the query string
    if not any(char.isalnum() for char in text):
        return None
    return '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")


def fts_match(query: CardQuery) -> str | None:
    """The MATCH expression of the query's words and tags (None: it has none to match)."""
    parts = [phrase for word in query.words if (phrase := fts_phrase(word, prefix=len(word) > 1))]
    for tag in query.tags:
        phrase = fts_phrase(tag.rstrip("*"), prefix=tag.endswith("*"))
        if phrase:
            parts.append(f"tags : {phrase}")
    return " AND ".join(parts) or None


class CardSearchMethods(Database):
    """Find cards by text, deck, tag, kind, state, flag, due date, lapses and recall."""

    def search_cards(
        self,
        query: CardQuery,
        *,
        context: SearchContext,
        order_by: SortColumn = "deck",
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[CardRow]:
        """One page of the cards `query` matches, sorted by `order_by` (then deck and deck
        position), cards without a value for it (a new card's due date) last either way."""
        if limit < 0 or offset < 0:
            raise ValueError(f"limit and offset must be 0 or more, not {limit}, {offset}")
        where = self._where(query, context)
        if where is None:
            return []
        direction = "DESC" if descending else "ASC"
        flipped = "ASC" if descending else "DESC"
        order = _ORDER[order_by].format(dir=direction, flip=flipped)
        with self._snapshot():  # the page's rows as the refs were chosen
            if order_by == "prompt":
                refs = self._prompt_page(where, order, limit, offset)
            else:
                refs = self._rows(
                    f"SELECT c.deck_id, c.card_key FROM {_tables(where)} WHERE {where.sql()}"
                    f" ORDER BY {order}, {_TIEBREAK} LIMIT :limit OFFSET :offset",
                    {**where.params, "limit": limit, "offset": offset},
                )
            if not refs:
                return []
            rows = self._rows(
                f"WITH page(deck_id, card_key) AS (VALUES {', '.join('(?, ?)' for _ in refs)})"
                f" SELECT {_PAGE_COLUMNS} FROM page p"
                " JOIN cards c ON c.deck_id = p.deck_id AND c.card_key = p.card_key"
                " LEFT JOIN card_texts t ON t.deck_id = c.deck_id AND t.card_key = c.card_key"
                " JOIN decks d ON d.id = c.deck_id",
                [value for ref in refs for value in ref],
            )
        by_ref = {(row[0], row[2]): row for row in rows}
        return [_card_row(by_ref[(deck_id, key)], context) for deck_id, key in refs]

    def _prompt_page(self, where: _Where, order: str, limit: int, offset: int) -> list[Any]:
        """A page sorted by prompt: the cards with text in the order of the index
        `card_texts_prompt` (0.5 ms for the first page of 100k cards, where a join from
        `cards` sorted them all: 100 ms), then those whose text is not read yet (none
        once every deck has been scanned), in deck order."""
        params = {**where.params, "limit": limit, "offset": offset}
        texts = "card_texts t JOIN cards c ON c.deck_id = t.deck_id AND c.card_key = t.card_key"
        refs: list[Any] = self._rows(
            f"SELECT c.deck_id, c.card_key FROM {texts} WHERE {where.sql()}"
            f" ORDER BY {order}, {_TIEBREAK} LIMIT :limit OFFSET :offset",
            params,
        )
        if len(refs) == limit or where.texts:  # a text condition matches only cards with text
            return refs
        if not refs and offset:  # past the cards with text: how far past
            with_text = self._one(f"SELECT count(*) FROM {texts} WHERE {where.sql()}", params)
            params["offset"] = offset - int(with_text[0])
        else:
            params["offset"] = 0
        params["limit"] = limit - len(refs)
        return refs + self._rows(
            f"SELECT c.deck_id, c.card_key FROM cards c WHERE {where.sql()} AND NOT EXISTS"
            " (SELECT 1 FROM card_texts t WHERE t.deck_id = c.deck_id AND t.card_key = c.card_key)"
            f" ORDER BY {_TIEBREAK} LIMIT :limit OFFSET :offset",
            params,
        )

    def count_cards(self, query: CardQuery, *, context: SearchContext) -> int:
        """How many cards `query` matches."""
        where = self._where(query, context)
        if where is None:
            return 0
        tables = _tables(where, page=False)
        row = self._one(f"SELECT count(*) FROM {tables} WHERE {where.sql()}", where.params)
        return int(row[0])

    def card_refs(self, query: CardQuery, *, context: SearchContext) -> list[CardRef]:
        """Every card `query` matches, in deck order: what an action on "all shown" acts on."""
        where = self._where(query, context)
        if where is None:
            return []
        rows = self._rows(
            f"SELECT c.deck_id, c.card_key FROM {_tables(where)} WHERE {where.sql()}"
            f" ORDER BY {_TIEBREAK}",
            where.params,
        )
        return [(row[0], row[1]) for row in rows]

    def card_reviews(self, deck_id: str, card_key: str, *, limit: int = 20) -> list[ReviewRecord]:
        """A card's latest answers, newest first (the browser's history of a card)."""
        rows = self._rows(
            f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE deck_id = ? AND card_key = ?"
            " ORDER BY id DESC LIMIT ?",
            (deck_id, card_key, limit),
        )
        return [review_from_row(row) for row in rows]

    def _where(self, query: CardQuery, context: SearchContext) -> _Where | None:
        """The query's conditions as SQL; None when they can match nothing (a `deck:` term
        naming no deck)."""
        where = _Where()
        deck_ids = set(query.deck_ids) if query.deck_ids is not None else None
        if query.decks:
            named = self._decks_named(query.decks)
            deck_ids = named if deck_ids is None else deck_ids & named
        if deck_ids is not None and not deck_ids:
            return None
        _text_conditions(where, query)
        today = context.today
        where.params.update(
            today=today.date.isoformat(), day_start=to_us(today.start), day_us=_DAY_US
        )
        for state in sorted(query.states):
            where.add(_STATE_SQL[state])
        for state in sorted(query.not_states):
            where.add(f"NOT ({_STATE_SQL[state]})")
        if query.flags:
            flags = {f"flag{int(f)}": int(f) for f in query.flags}
            where.add(f"c.flag IN ({', '.join(':' + n for n in flags)})", **flags)
        for name in ("lapses", "reps"):
            _range(where, name, f"c.{name}", getattr(query, name))
        if query.due is not None:
            _due(where, query.due, context)
        if query.retrievability is not None:
            _retrievability(where, query.retrievability, context)
        if deck_ids is not None:  # on card_texts when it is read (a text count then skips cards)
            names = {f"deck{i}": deck_id for i, deck_id in enumerate(sorted(deck_ids))}
            table = "t" if where.texts else "c"
            where.conditions.append(f"{table}.deck_id IN ({', '.join(':' + n for n in names)})")
            where.params.update(names)
        return where

    def _decks_named(self, terms: Sequence[str]) -> set[str]:
        """Ids of the decks whose id or title contains any of `terms` (case ignored)."""
        wanted = [term.casefold() for term in terms]
        return {
            deck_id
            for deck_id, title in self._rows("SELECT id, title FROM decks")
            if any(term in deck_id.casefold() or term in title.casefold() for term in wanted)
        }


def _tables(where: _Where, *, page: bool = True) -> str:
    """The FROM clause of a query: `card_texts` only when a condition reads it; a count of
    text conditions alone reads `card_texts` alone (every text row has its card)."""
    if where.texts and not where.cards and not page:
        return "card_texts t"
    if where.texts:
        return "card_texts t JOIN cards c ON c.deck_id = t.deck_id AND c.card_key = t.card_key"
    return "cards c"


def _text_conditions(where: _Where, query: CardQuery) -> None:
    """Words and tags through the FTS5 index; exact tags and kinds on `card_texts`."""
    match = fts_match(query)
    if match is not None:
        where.texts = True
        where.add(
            "t.id IN (SELECT rowid FROM card_search WHERE card_search MATCH :match)", match=match
        )
    for index, tag in enumerate(query.tags):
        where.texts = True
        name = f"tag{index}"
        if tag.endswith("*"):
            where.add(
                f"instr(' ' || lower(t.tags), ' ' || :{name}) > 0", **{name: tag[:-1].lower()}
            )
        else:
            where.add(
                f"instr(' ' || lower(t.tags) || ' ', ' ' || :{name} || ' ') > 0",
                **{name: tag.lower()},
            )
    if query.kinds:
        where.texts = True
        kinds = {f"kind{i}": kind for i, kind in enumerate(query.kinds)}
        where.add(f"t.kind IN ({', '.join(':' + n for n in kinds)})", **kinds)


def _range(where: _Where, name: str, column: str, bounds: Range | None) -> None:
    if bounds is None:
        return
    if bounds.low is not None:
        where.add(
            f"{column} >{'' if bounds.low_strict else '='} :{name}_low",
            **{f"{name}_low": bounds.low},
        )
    if bounds.high is not None:
        where.add(
            f"{column} <{'' if bounds.high_strict else '='} :{name}_high",
            **{f"{name}_high": bounds.high},
        )


_MAX_DAYS = 36_500 * 3
"""`due` bounds past three maximum intervals are as good as infinite (and stay in a date)."""


def _due(where: _Where, bounds: Range, context: SearchContext) -> None:
    """Due study day within `bounds` (days from today) as times: day N starts at N's rollover."""
    today = context.today.date

    def start_of(days: float) -> int:
        offset = int(max(-_MAX_DAYS, min(_MAX_DAYS, days)))
        return to_us(
            day_bounds(today + timedelta(days=offset), context.day_starts_at, context.tz).start
        )

    where.add("c.state != 0")
    if bounds.low is not None:
        where.add("c.due >= :due_low", due_low=start_of(bounds.low + int(bounds.low_strict)))
    if bounds.high is not None:
        where.add("c.due < :due_high", due_high=start_of(bounds.high + 1 - int(bounds.high_strict)))


def _retrievability(where: _Where, bounds: Range, context: SearchContext) -> None:
    """Recall within `bounds`, as the equivalent bounds on `_RATIO` (the curve falls)."""
    where.add(_HAS_MEMORY)
    if bounds.high is not None:  # recall below r: the ratio past r's
        operator = ">" if bounds.high_strict else ">="
        where.add(f"{_RATIO} {operator} :r_high", r_high=_finite(context.ratio_below(bounds.high)))
    if bounds.low is not None:
        operator = "<" if bounds.low_strict else "<="
        where.add(f"{_RATIO} {operator} :r_low", r_low=_finite(context.ratio_below(bounds.low)))


def _finite(ratio: float) -> float:
    """`ratio`, with infinity (recall 0, which no card reaches) as a number past any ratio."""
    return 1e300 if math.isinf(ratio) else ratio


def _card_row(row: Any, context: SearchContext) -> CardRow:
    (deck_id, title, key, kind, prompt, answer, tags, state, due, last_review, stability) = row[:11]
    try:
        phase = Phase(state)
        last = from_us_or_none(last_review)
        due_at = from_us_or_none(due)
        recall = None
        if phase is not Phase.NEW and stability and last is not None:
            recall = context.retrievability(stability, last)
        return CardRow(
            deck_id=deck_id,
            deck_title=title,
            card_key=key,
            kind=kind or "",
            prompt=prompt or "",
            answer=answer or "",
            tags=tuple((tags or "").split()),
            phase=phase,
            due=due_at,
            interval=due_at - last if phase is not Phase.NEW and due_at and last else None,
            lapses=row[13],
            reps=row[12],
            retrievability=recall,
            marks=marks_from_row(row[16:20]),
            orphaned=bool(row[14]),
            created=from_us(row[15]),
            stability=stability,
            difficulty=row[11],
            last_review=last,
            has_text=prompt is not None,
        )
    except (ValueError, TypeError, OverflowError) as error:
        raise invalid_state(f"card {deck_id}/{key}", error) from error
