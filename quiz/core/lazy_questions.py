"""A cached deck's questions, unpickled a few at a time when first asked for.

A review of a 100k-card deck serves a few hundred cards a day; unpickling every question
(~0.3 s) and building every card (~0.1 s) before the first one would cost more than the
parse the cache saves. So the deck cache keeps the questions in chunks of `CHUNK`, with
the card keys mapped to question positions, and a deck from it holds this sequence in
place of a list: the chunks a session touches are unpickled, the rest never are.

It is a read-only `Sequence`: anything that walks the questions (a quiz, the deck page,
an export) gets every one, unpickled on the way. Pickling it again gives a plain list.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, overload

from quiz.core.outline import stale_on

if TYPE_CHECKING:
    from quiz.core.cards import Card
    from quiz.core.models import Question

CHUNK = 32
"""Questions a chunk holds: a day's queue scattered over a big deck decodes little beyond
the cards it asks, and a chunk shares its pickle's class references among its questions."""


class LazyQuestions(Sequence["Question"]):
    """The questions of a cached deck (`chunks` of pickled lists of `CHUNK` questions)."""

    def __init__(
        self,
        chunks: list[bytes],
        count: int,
        card_positions: dict[str, int],
        valid_until: dict[int, date],
    ) -> None:
        self._chunks = chunks
        self._decoded: list[list[Question] | None] = [None] * len(chunks)
        self._count = count
        self.card_positions = card_positions
        """Card key -> the position of its question."""
        self.valid_until = valid_until
        """Position -> `valid_until`, for the questions that have one."""

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Question: ...

    @overload
    def __getitem__(self, index: slice) -> list[Question]: ...

    def __getitem__(self, index: int | slice) -> Question | list[Question]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("question index out of range")
        return self._chunk(index // CHUNK)[index % CHUNK]

    def __iter__(self) -> Iterator[Question]:
        for number in range(len(self._chunks)):
            yield from self._chunk(number)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, LazyQuestions)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list: mutable contents, no hash

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))

    def __repr__(self) -> str:
        return f"LazyQuestions({self._count} questions)"

    def _chunk(self, number: int) -> list[Question]:
        decoded = self._decoded[number]
        if decoded is None:
            decoded = self._decoded[number] = pickle.loads(self._chunks[number])
        return decoded

    def stale_on(self, day: date) -> list[Question]:
        """The questions whose facts no longer hold on `day`, in deck order."""
        return [
            self[position]
            for position, until in sorted(self.valid_until.items())
            if stale_on(until, day)
        ]

    def cards(self) -> Mapping[str, Card]:
        """Card key -> card, each card built when first looked up."""
        return LazyCards(self)


class LazyCards(Mapping[str, "Card"]):
    """Every card of a lazily loaded deck by key, built from its question on first lookup."""

    def __init__(self, questions: LazyQuestions) -> None:
        self._questions = questions
        self._built: dict[str, Card] = {}

    def __getitem__(self, key: str) -> Card:
        card = self._built.get(key)
        if card is None:
            from quiz.core.cards import cards_of_question

            question = self._questions[self._questions.card_positions[key]]
            for sibling in cards_of_question(question):
                self._built[sibling.key] = sibling
            card = self._built[key]
        return card

    def __contains__(self, key: object) -> bool:
        return key in self._questions.card_positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._questions.card_positions)

    def __len__(self) -> int:
        return len(self._questions.card_positions)


def chunked(questions: Sequence[Question]) -> list[bytes]:
    """The questions as the cache keeps them: pickled `CHUNK` at a time."""
    return [
        pickle.dumps(list(questions[start : start + CHUNK]), protocol=pickle.HIGHEST_PROTOCOL)
        for start in range(0, len(questions), CHUNK)
    ]
