"""Custom study: more or other cards than today's queue, without lying to the schedule.

Two kinds, each a small value the UI and plain mode build and the core acts on:

- `CustomStudy` changes what a `ReviewSession` serves today: reviews due in the next
  `ahead_days` days (answered now, so FSRS sees how early each one is), `extra_new` more
  new cards than `new_per_day` allows, and only questions tagged `tag`. Every answer is a
  real review, scheduled from the moment it is given.
- `CramFilter` picks the questions of a cram pass (`cram_questions`): those tagged X,
  flagged a colour, or whose cards lapsed at least N times. A cram is a quiz over them
  (`QuizSession`), which leaves the schedule alone unless asked to (`schedule=True`).

The extra new cards are the study day's allowance, kept in the store
(`Store.set_extra_new`): today's queue adds them to both daily limits however often the
app is started that day, and the deck page counts them too.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass
from typing import Literal

from quiz.core.card_state import Flag
from quiz.core.cards import Card
from quiz.core.models import Deck, Question
from quiz.core.storage import Store

CramKind = Literal["tag", "flag", "lapses"]


@dataclass(frozen=True, slots=True)
class CustomStudy:
    """How today's review queue is widened or narrowed (all off by default)."""

    ahead_days: int = 0
    """Also serve reviews due within this many days after today."""
    extra_new: int = 0
    """New cards on top of `new_per_day` (and of `reviews_per_day`) today."""
    tag: str | None = None
    """Only questions carrying this tag."""

    def __post_init__(self) -> None:
        if self.ahead_days < 0 or self.extra_new < 0:
            raise ValueError("ahead_days and extra_new cannot be negative")

    def served(self, cards: Mapping[str, Card]) -> Container[str]:
        """The keys of `cards` (by key) this study may serve: all, or those of questions with
        `tag` (only then is every card looked at: a big cached deck builds none here)."""
        if self.tag is None:
            return cards.keys()
        return {key for key, card in cards.items() if self.tag in card.question.tags}

    def describe(self) -> str:
        """A short line for the review's title: what is being studied beyond the usual."""
        parts = []
        if self.ahead_days:
            parts.append(f"{self.ahead_days} days ahead")
        if self.extra_new:
            parts.append(f"{self.extra_new} extra new")
        if self.tag is not None:
            parts.append(f"tag {self.tag}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class CramFilter:
    """Which questions a cram pass asks: `tag:X`, `flag:red` or `lapses:N` (at least N)."""

    kind: CramKind
    value: str

    @classmethod
    def parse(cls, text: str) -> CramFilter:
        """`tag:grammar`, `flag:red`, `lapses:3`; ValueError says what is accepted."""
        kind, _, value = text.partition(":")
        value = value.strip()
        if kind == "tag" and value:
            return cls("tag", value)
        if kind == "flag" and value.upper() in Flag.__members__ and value.upper() != "NONE":
            return cls("flag", value.lower())
        if kind == "lapses" and value.isdecimal() and int(value) >= 1:
            return cls("lapses", str(int(value)))
        colours = ", ".join(f.name.lower() for f in Flag if f is not Flag.NONE)
        raise ValueError(
            f"cannot cram {text!r}: use tag:NAME, flag:COLOUR ({colours}) or lapses:N (N >= 1)"
        )

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def cram_questions(
    store: Store, deck: Deck, cram: CramFilter, cards: Collection[Card]
) -> list[Question]:
    """The questions of `deck` a cram pass asks, in deck order: tagged, or with a card
    flagged the colour or lapsed that often (as stored; `cards` are the deck's cards)."""
    if cram.kind == "tag":
        return [q for q in deck.questions if cram.value in q.tags]
    chosen: set[int] = set()
    for card in cards:
        record = store.card(deck.deck.id, card.key)
        if record is None:
            continue
        if cram.kind == "flag" and record.marks.flag is Flag[cram.value.upper()]:
            chosen.add(id(card.question))
        if cram.kind == "lapses" and record.state.lapses >= int(cram.value):
            chosen.add(id(card.question))
    return [q for q in deck.questions if id(q) in chosen]
