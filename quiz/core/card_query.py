"""What the card browser and `quiz cards --search` look for: `CardQuery`, and the small query
language of the search box that builds one (`parse_query`).

A search is words and terms, all of which must hold::

    deck:geo tag:africa is:suspended -is:new flag:red kind:cloze due<7 lapses>3 prop:r<0.8 nile

* words (or `"quoted phrases"`) match the prompt, answer or tags, each word as a prefix
  (`nil` finds "Nile"), accents and case ignored;
* `deck:X` a deck whose id or title contains X; `tag:X` a tag (`tag:afr*`: one starting so);
  `kind:K` a question kind; `is:S` a state (`new learning review suspended buried flagged
  leech orphaned`), `-is:S` not in it; `flag:COLOUR` (`red orange green blue purple`, `any`,
  `none`);
* `due`, `lapses`, `reps` compared (`< <= > >= =`) with a whole number (`due` counts study
  days from today: `due<1` is due today or overdue); `prop:r` compares retrievability (0-1).

A term that is not one of these is a `QueryError` naming it, so a typo never silently
matches everything. This module is pure: the store runs the query (`Store.search_cards`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal, get_args

from quiz.core.card_state import Flag
from quiz.core.days import StudyDay, day_bounds, local_time, study_day
from quiz.errors import QuizError

StateName = Literal[
    "new", "learning", "review", "suspended", "buried", "flagged", "leech", "orphaned"
]
STATES: tuple[StateName, ...] = get_args(StateName)

SortColumn = Literal[
    "deck", "prompt", "due", "interval", "lapses", "reps", "retrievability", "created"
]
SORT_COLUMNS: tuple[SortColumn, ...] = get_args(SortColumn)

FLAG_NAMES: dict[str, Flag] = {flag.name.lower(): flag for flag in Flag if flag is not Flag.NONE}
"""Flag colours by the name a search or `--flag` uses: red, orange, green, blue, purple."""


class QueryError(QuizError):
    """A search the query language cannot read; the message names the term and the fix."""


@dataclass(frozen=True, slots=True)
class Range:
    """A numeric condition: `low`/`high` bounds (None: open-ended), each strict or not."""

    low: float | None = None
    high: float | None = None
    low_strict: bool = False
    high_strict: bool = False

    def holds(self, value: float) -> bool:
        """Whether `value` is inside the range (for tests and checks outside SQL)."""
        if self.low is not None and (value <= self.low if self.low_strict else value < self.low):
            return False
        if self.high is not None:
            return value < self.high if self.high_strict else value <= self.high
        return True

    def narrowed(self, operator: str, value: float) -> Range:
        """This range with one more comparison (`due>3`, then `due<7`) applied."""
        if operator in ("<", "<="):
            return replace(self, high=value, high_strict=operator == "<")
        if operator in (">", ">="):
            return replace(self, low=value, low_strict=operator == ">")
        return Range(value, value)


@dataclass(frozen=True, slots=True)
class CardQuery:
    """Which cards to list; every condition given must hold (an empty query: every card)."""

    words: tuple[str, ...] = ()
    """Free text: each word (or quoted phrase) a prefix in the prompt, answer or tags."""
    deck_ids: tuple[str, ...] | None = None
    """Only these decks, by exact id (the deck a screen was opened for, `quiz cards DECK`)."""
    decks: tuple[str, ...] = ()
    """`deck:X` terms: a deck whose id or title contains X (case ignored); any of them."""
    tags: tuple[str, ...] = ()
    """Tags a card must all carry; a trailing `*` makes one a prefix."""
    kinds: tuple[str, ...] = ()
    """Question kinds, any of them."""
    states: frozenset[StateName] = frozenset()
    """States a card must all be in."""
    not_states: frozenset[StateName] = frozenset()
    """States a card must not be in."""
    flags: frozenset[Flag] = frozenset()
    """Flag colours, any of them (`Flag.NONE`: no flag)."""
    due: Range | None = None
    """Due study day, in days from today (new cards have none and never match)."""
    lapses: Range | None = None
    reps: Range | None = None
    retrievability: Range | None = None
    """Predicted recall now, 0-1 (new cards have none and never match)."""

    def within(self, deck_ids: Sequence[str] | None) -> CardQuery:
        """The same query limited to `deck_ids` (None: every deck)."""
        return replace(self, deck_ids=None if deck_ids is None else tuple(deck_ids))


_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*(?:"|$))+')
"""One term: a run without spaces, where a double-quoted part may hold spaces (an unclosed
quote runs to the end, as it would while still being typed)."""
_COMPARISON = re.compile(r"^(due|lapses|reps|prop:r)(<=|>=|<|>|=|:)(.*)$", re.IGNORECASE)
_FIELD = re.compile(r"^(-?)([a-z]+):(.*)$", re.IGNORECASE)
_KNOWN = "deck: tag: kind: is: flag: due lapses reps prop:r"


def _unquoted(text: str) -> str:
    return text.replace('"', "")


def parse_query(text: str) -> CardQuery:
    """The query a search box or `--search` holds.

    Raises:
        QueryError: a term it does not know, or a value that does not fit its term.
    """
    query = CardQuery()
    for token in _TOKEN.findall(text):
        query = _apply(query, token)
    return query


def _apply(query: CardQuery, token: str) -> CardQuery:
    """`query` with one more term (or word) of the search."""
    if token.startswith('"'):
        phrase = " ".join(_unquoted(token).split())
        return replace(query, words=(*query.words, phrase)) if phrase else query
    comparison = _COMPARISON.match(token)
    if comparison:
        name, operator, value = comparison.groups()
        return _compare(query, name.lower(), "=" if operator == ":" else operator, value)
    term = _FIELD.match(token)
    if term is None:
        return replace(query, words=(*query.words, _unquoted(token)))
    negated, name, value = term.group(1) == "-", term.group(2).lower(), _unquoted(term.group(3))
    if negated and name != "is":
        raise QueryError(f"'{token}': only is: can be negated (-is:suspended)")
    if not value:
        raise QueryError(f"'{token}' needs a value, such as {name}:{_EXAMPLES.get(name, 'x')}")
    match name:
        case "deck":
            return replace(query, decks=(*query.decks, value))
        case "tag":
            return replace(query, tags=(*query.tags, value))
        case "kind":
            return replace(query, kinds=(*query.kinds, _kind(value)))
        case "is":
            state = _state(value)
            if negated:
                return replace(query, not_states=query.not_states | {state})
            return replace(query, states=query.states | {state})
        case "flag":
            return _flag(query, value)
    raise QueryError(f"unknown search term '{name}:' (known: {_KNOWN}); quote text to search it")


_EXAMPLES = {"deck": "geo", "tag": "africa", "kind": "cloze", "is": "suspended", "flag": "red"}


def _kind(value: str) -> str:
    from quiz.core.outline import QUESTION_KINDS

    kind = value.lower()
    if kind not in QUESTION_KINDS:
        raise QueryError(f"unknown kind '{value}' (kinds: {' '.join(QUESTION_KINDS)})")
    return kind


def _state(value: str) -> StateName:
    for state in STATES:
        if state == value.lower():
            return state
    raise QueryError(f"unknown state 'is:{value}' (states: {' '.join(STATES)})")


def flag_named(value: str) -> Flag:
    """A flag by colour name or number (0 or `none`: no flag); `QueryError` otherwise."""
    name = value.lower()
    if name in ("none", "0"):
        return Flag.NONE
    if name in FLAG_NAMES:
        return FLAG_NAMES[name]
    if name.isdigit() and int(name) in set(Flag):
        return Flag(int(name))
    raise QueryError(
        f"unknown flag '{value}' (flags: {' '.join(FLAG_NAMES)}, none; a search also takes any)"
    )


def _flag(query: CardQuery, value: str) -> CardQuery:
    if value.lower() == "any":
        return replace(query, states=query.states | {"flagged"})
    return replace(query, flags=query.flags | {flag_named(value)})


def _compare(query: CardQuery, name: str, operator: str, text: str) -> CardQuery:
    """`due<7`, `lapses>=3`, `prop:r<0.8`: a number compared, checked for its term."""
    if name == "prop:r":
        try:
            value = float(text)
        except ValueError:
            raise QueryError(f"'{name}{operator}{text}': retrievability is a number 0-1") from None
        if not 0 <= value <= 1 or math.isnan(value):
            raise QueryError(f"'{name}{operator}{text}': retrievability is between 0 and 1")
        return replace(
            query, retrievability=(query.retrievability or Range()).narrowed(operator, value)
        )
    if not re.fullmatch(r"-?\d{1,5}", text):
        raise QueryError(f"'{name}{operator}{text}': {name} is compared with a whole number")
    number = int(text)
    if name != "due" and number < 0:
        raise QueryError(f"'{name}{operator}{text}': {name} is never negative")
    if name == "due":
        return replace(query, due=(query.due or Range()).narrowed(operator, number))
    if name == "lapses":
        return replace(query, lapses=(query.lapses or Range()).narrowed(operator, number))
    return replace(query, reps=(query.reps or Range()).narrowed(operator, number))


def due_day(text: str, today: date) -> date:
    """The study day "set due" means: `today`, `tomorrow`, a number of days from today
    (`0`, `7`) or a date (`2026-03-20`).

    Raises:
        QueryError: anything else, or a day before today.
    """
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if re.fullmatch(r"\d{1,5}", word):
        return today + timedelta(days=int(word))
    try:
        day = date.fromisoformat(word)
    except ValueError:
        raise QueryError(
            f"'{text}' is not a due day: say today, tomorrow, a number of days or YYYY-MM-DD"
        ) from None
    if day < today:
        raise QueryError(f"{day.isoformat()} has passed: a card can be due today at the earliest")
    return day


# --- the clock and curve a search reads times by ------------------------------------------


DEFAULT_DECAY = 0.1542
"""The decay of fsrs's default parameters (the 21st; a test checks it against fsrs), as a
number: importing fsrs to read it cost the browser's cold start ~5 ms."""


@dataclass(frozen=True, slots=True)
class SearchContext:
    """The moment a search runs, the study days around it and the forgetting curve: what
    turns `due<7` into times and a card's stability into its retrievability."""

    now: datetime
    day_starts_at: int = 4
    tz: tzinfo | None = None
    decay: float = DEFAULT_DECAY
    """FSRS's decay (the 21st parameter): retrievability is (1 + F·t/S)^-decay."""

    @property
    def today(self) -> StudyDay:
        return study_day(self.now, self.day_starts_at, self.tz)

    def day_of(self, moment: datetime) -> date:
        """The study day `moment` falls on."""
        return study_day(moment, self.day_starts_at, self.tz).date

    def local(self, moment: datetime) -> datetime:
        """`moment` on the learner's clock, for display."""
        return local_time(moment, self.tz)

    def start_of(self, day: date) -> datetime:
        """When study day `day` begins (a card due then is due all that day)."""
        return day_bounds(day, self.day_starts_at, self.tz).start

    @property
    def factor(self) -> float:
        """F in the forgetting curve, so that retrievability is 0.9 when t equals S."""
        return float(0.9 ** (1 / -self.decay) - 1)

    def retrievability(self, stability: float, last_review: datetime) -> float:
        """Predicted recall now, as `Scheduler.retrievability` computes it: whole study days
        since the study day of the last review."""
        days = self.elapsed_days(last_review)
        return float((1 + self.factor * days / stability) ** -self.decay)

    def elapsed_days(self, last_review: datetime) -> int:
        """Study days from the last review's to today's (0 on the same day)."""
        then = study_day(last_review, self.day_starts_at, self.tz).date
        return max(0, (self.today.date - then).days)

    def ratio_below(self, retrievability: float) -> float:
        """The elapsed days per stability day at which recall falls to `retrievability`:
        the curve falls as that ratio grows, so a filter and a sort on it stand for ones
        on retrievability (math.inf for 0, which no card reaches)."""
        if retrievability <= 0:
            return math.inf
        return float((retrievability ** (1 / -self.decay) - 1) / self.factor)


def decay_of(parameters: Sequence[float] | None) -> float:
    """The decay of the learner's fitted parameters (`config.toml`), else the default's."""
    if parameters is not None and len(parameters) > 20:
        return float(parameters[20])
    return DEFAULT_DECAY
