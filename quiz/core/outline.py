"""A deck in plain data: what a quiz's first frame is drawn from before the deck models load.

`quiz take` must put its first question on screen about as fast as a bare Textual app draws
anything (issue 15), which leaves no time for pydantic, the store or the judge. So the deck
cache keeps, beside each validated deck, its `DeckOutline`: per question its identity, tags,
`valid_until` and an `Asked` (how its quiz card is asked: prompt, choices, unit, cloze gaps).
The quiz screen draws the attempt's questions from the outline with `draw`, the same function
the session draws them with, shows the first, and starts the session after the first frame.

Standard library only at import: a cached outline unpickles with nothing else imported.
`asked_of` and `outline_of` take deck models, so they import them when called.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

if TYPE_CHECKING:
    from typing import Protocol

    from quiz.core.cards import Card
    from quiz.core.models import Deck, Question

    class Drawable(Protocol):
        """Anything `draw` can choose from: a deck's question or an outline's."""

        @property
        def tags(self) -> Sequence[str]: ...

        @property
        def valid_until(self) -> date | None: ...


QUESTION_KINDS = (
    "flashcard",
    "short",
    "choice",
    "multi",
    "truefalse",
    "numeric",
    "cloze",
    "order",
    "match",
)
"""Every kind of question a deck may hold."""

KIND_LABELS = {
    "flashcard": "Flashcard",
    "short": "Type the answer",
    "choice": "Choose one",
    "multi": "Choose all that apply",
    "truefalse": "True or false?",
    "numeric": "Type a number",
    "cloze": "Fill in the blanks",
    "order": "Put in order",
    "match": "Match the pairs",
}
"""What the learner is asked to do, shown above each question."""


class Gap(NamedTuple):
    """A blank the learner fills in: its number among the asked blanks (from 0) and hint."""

    number: int
    hint: str | None


class Asked(NamedTuple):
    """A card as the learner is asked it, in plain data (the answer input's makings)."""

    kind: str
    prompt: str
    """The text asked (a cloze: only its instruction; the text with its gaps is `cloze`)."""
    points: float
    options: tuple[str, ...] = ()
    """As written in the deck: the choices (choice, multi), the items (order) or the
    right-hand partners (match); `shown_order` shuffles them."""
    lefts: tuple[str, ...] = ()
    """A match question's left-hand side, shown in the written order."""
    shuffle: bool | None = None
    """A choice question's own `shuffle` (None follows the deck's)."""
    unit: str | None = None
    back: str = ""
    """A flashcard's other side, revealed after the learner has thought of it."""
    cloze: tuple[str | Gap, ...] = ()
    one_blank: bool = False
    """A review card of one cloze blank (the other blanks are filled in)."""


class OutlineQuestion(NamedTuple):
    """One question of a `DeckOutline`."""

    identity: str
    """`quiz.core.cards.question_identity`: its id, or a hash of its prompt."""
    tags: tuple[str, ...]
    valid_until: date | None
    asked: Asked
    """Its quiz card (a question asked whole: every blank of a cloze at once)."""


class DeckOutline(NamedTuple):
    """What a quiz needs to know of a deck before its models are loaded."""

    deck_id: str
    title: str
    markdown: bool
    shuffle: bool
    """The deck's `shuffle`: the default for question order and choices."""
    time_limit: int | None
    questions: tuple[OutlineQuestion, ...]


class OutlinedDeck(NamedTuple):
    """A deck file the cache holds an outline of: enough to show a quiz's first question."""

    path: Path
    content_hash: str
    outline: DeckOutline


T = TypeVar("T", bound="Drawable")


def tagged(question: Drawable, tags: Collection[str]) -> bool:
    """Whether a question carries one of `tags` (no tags: every question does)."""
    return not tags or bool(set(tags).intersection(question.tags))


def draw(
    questions: Iterable[T],
    tags: Collection[str],
    count: int | None,
    seed: int,
    shuffle: bool,
    *,
    today: date,
    keep_stale: bool = False,
) -> list[T]:
    """The questions of an attempt: those with one of `tags` whose facts still hold `today`
    (an exam `keep_stale`s them), shuffled with the seed, cut to `count`.

    The session and the quiz screen's first frame both draw with this, so the question the
    first frame shows is the one the session asks."""
    chosen = [
        q
        for q in questions
        if (keep_stale or not stale_on(q.valid_until, today)) and tagged(q, tags)
    ]
    if shuffle:
        random.Random(seed).shuffle(chosen)
    return chosen[:count] if count is not None else chosen


def draw_seed() -> int:
    """A fresh seed for an attempt's order (31 bits; recorded with the attempt)."""
    return random.SystemRandom().randrange(2**31)


def stale_on(valid_until: date | None, day: date) -> bool:
    """Whether facts valid until `valid_until` no longer hold on study day `day`."""
    return valid_until is not None and day > valid_until


def shown_order(asked: Asked, deck_shuffle: bool, seed: int) -> list[str] | None:
    """The order to show choices, order items or match partners in; None for other kinds.

    Choices follow the question's or deck's `shuffle`; order items and match partners are
    always shuffled (in their written order they give the answer away), and never left in
    the right order when they can be moved.
    """
    rng = random.Random(f"{seed}:{asked.kind}:{asked.prompt}")
    if asked.kind in ("choice", "multi"):
        choices = list(asked.options)
        if deck_shuffle if asked.shuffle is None else asked.shuffle:
            rng.shuffle(choices)
        return choices
    if asked.kind in ("order", "match"):
        return _derange(list(asked.options), rng)
    return None


def _derange(items: list[str], rng: random.Random) -> list[str]:
    """`items` shuffled and, if the shuffle left them as written, rotated by one."""
    original = list(items)
    rng.shuffle(items)
    return items[1:] + items[:1] if items == original else items


def cloze_parts(text: str, asked: Sequence[int] | None = None) -> list[str | Gap]:
    """The cloze text as text pieces and `Gap`s, for typing the blanks inline.

    Blanks not in `asked` (a review card asks one) are filled in with their answer;
    `asked` None asks every blank.
    """
    from quiz.core.models import CLOZE_BLANK

    parts: list[str | Gap] = []
    start = shown = 0
    for index, match in enumerate(CLOZE_BLANK.finditer(text)):
        parts.append(text[start : match.start()])
        answer, _, hint = match.group(1).partition("|")
        if asked is not None and index not in asked:
            parts.append(answer.strip())
        else:
            parts.append(Gap(shown, hint.strip() or None))
            shown += 1
        start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part != ""]


def asked_of(card: Card) -> Asked:
    """How `card` is asked: a flashcard's reverse shows its answer and reveals its prompt, a
    cloze card of one blank fills in the others."""
    from quiz.core.models import (
        Cloze,
        Flashcard,
        Match,
        Numeric,
        Order,
        _WithChoices,
    )

    question = card.question
    points = float(question.points)
    if isinstance(question, Flashcard) and card.side == "back":
        return Asked("flashcard", question.answer, points, back=question.prompt)
    if isinstance(question, Flashcard):
        return Asked("flashcard", question.prompt, points, back=question.answer)
    if isinstance(question, Cloze):
        blanks = None if card.blank is None else [card.blank]
        parts = tuple(cloze_parts(question.text, blanks))
        return Asked("cloze", question.prompt, points, cloze=parts, one_blank=blanks is not None)
    if isinstance(question, _WithChoices):
        options = tuple(question.choices)
        return Asked(question.kind, question.prompt, points, options, shuffle=question.shuffle)
    if isinstance(question, Order):
        return Asked("order", question.prompt, points, tuple(question.items))
    if isinstance(question, Match):
        lefts = tuple(left for left, _ in question.pairs)
        rights = tuple(right for _, right in question.pairs)
        return Asked("match", question.prompt, points, rights, lefts=lefts)
    if isinstance(question, Numeric):
        return Asked("numeric", question.prompt, points, unit=question.unit)
    return Asked(question.kind, question.prompt, points)


def quiz_asked(question: Question) -> Asked:
    """How a quiz asks `question`: whole, as one card (every blank of a cloze at once)."""
    from quiz.core.cards import whole_card

    return asked_of(whole_card(question))


def outline_of(deck: Deck) -> DeckOutline:
    """The outline of a validated deck (written to the deck cache beside it)."""
    from quiz.core.cards import question_identity

    meta = deck.deck
    questions = tuple(
        OutlineQuestion(
            identity=question_identity(question),
            tags=tuple(question.tags),
            valid_until=question.valid_until,
            asked=quiz_asked(question),
        )
        for question in deck.questions
    )
    return DeckOutline(
        deck_id=meta.id,
        title=meta.title,
        markdown=meta.format == "markdown",
        shuffle=meta.shuffle,
        time_limit=meta.time_limit,
        questions=questions,
    )
