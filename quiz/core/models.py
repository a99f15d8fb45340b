"""Pydantic models of the deck format: what a teacher may write in a deck file.

The models are strict (unknown keys are errors, no silent coercion of numbers
into text) because a typo in a hand-written deck must be reported, not dropped.
Semantic rules that span fields (an `answer` among `choices`, a cloze with
blanks) live here too, as validators, so every way of building a deck obeys them.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from quiz.core.outline import stale_on
from quiz.core.text import sanitize

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
"""Ids are lowercase slugs so they survive file names, URLs and Anki GUIDs unchanged."""

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=100)]
NOT_BLANK_PATTERN = r"\S"
"""Matches any text with a visible character: blank text is a mistake wherever text is asked for."""

Text = Annotated[str, StringConstraints(min_length=1, pattern=NOT_BLANK_PATTERN)]
"""Text a learner must see or type: never empty or only whitespace (checked in pydantic-core)."""

CLOZE_BLANK = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
"""A cloze blank: `{{answer}}` or `{{answer|hint}}`."""


class StrictModel(BaseModel):
    """Base for every deck model: unknown keys are errors and types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Source(StrictModel):
    """Where a deck's material comes from, shown on the deck page and kept on export."""

    title: Text
    url: str | None = None
    author: str | None = None
    published: date | None = None
    file: str | None = None
    """The source text beside the deck (a path relative to the deck file): a question's
    `source_line` points into it."""


MAX_MAGNITUDE = 1e300
"""Largest size of a numeric answer or tolerance: beyond it, arithmetic on it overflows
(float's own limit is 1.8e308)."""

MAX_POINTS = 1000
"""Most points one question may be worth."""

DEFAULT_EXAM_RETENTION = 0.9
"""The recall aimed for on a deck's `exam_date` when it sets no `exam_retention`."""

MAX_TIME_LIMIT = 7 * 24 * 60 * 60
"""Longest time limit, in seconds: a week (a take-home exam)."""


def is_workable(value: float) -> bool:
    """Whether arithmetic can work with `value` as a numeric answer or tolerance: with `inf`
    as an answer every number would be right, with `nan` none, and an integer past float's
    range overflows. (Importers ask too, to warn instead of failing validation.)"""
    if isinstance(value, int):
        return abs(value) <= MAX_MAGNITUDE
    return math.isfinite(value) and abs(value) <= MAX_MAGNITUDE


def _workable(value: float) -> float:
    if not is_workable(value):
        raise ValueError("must be a finite number between -1e300 and 1e300")
    return value


WorkableNumber = Annotated[float | int, AfterValidator(_workable)]
"""A numeric answer or tolerance (an integer stays an integer, so `12` prints as `12`)."""


class DeckMeta(StrictModel):
    """The `[deck]` table: identity, description and defaults that questions may override."""

    id: Slug
    title: Text
    description: str = ""
    language: str = "en"
    tags: list[Text] = Field(default_factory=list)
    source: Source | None = None
    format: Literal["plain", "markdown"] = "plain"
    """`markdown` renders prompts and explanations as Markdown; plain text is the default."""
    shuffle: bool = True
    """Shuffle question order in a quiz, and choices within choice/multi questions."""
    pass_mark: Annotated[float, Field(ge=0, le=100)] = 60
    """Percentage of the points needed to pass a quiz."""
    typo_threshold: Annotated[float, Field(ge=0, le=100)] = 85
    """How forgiving typo checking is: 100 forgives no typo, 90-99 only one slip in a long
    word, below 90 the usual (see the deck guide, "How answers are checked")."""
    fold_accents: bool | None = None
    """Treat `é` and `e` as equal when checking typed answers; unset, they are equal in an
    English deck and differ ("close: mind the accents") in any other language."""
    time_limit: Annotated[int, Field(gt=0, le=MAX_TIME_LIMIT)] | None = None
    """Seconds allowed for a whole quiz; none by default."""
    desired_retention: Annotated[float, Field(gt=0.7, lt=1.0)] | None = None
    """Overrides the global FSRS desired retention for this deck's reviews."""
    as_of: date | None = None
    """The date the deck's facts describe; unset, the source's publication date."""
    exam_date: date | None = None
    """The day of an exam on this deck: reviews are brought forward where needed so that
    predicted recall of each card that day reaches `exam_retention`."""
    exam_retention: Annotated[float, Field(gt=0.7, lt=1.0)] | None = None
    """The predicted recall each card should have on `exam_date` (default 0.9)."""

    @model_validator(mode="after")
    def _exam_retention_needs_a_date(self) -> DeckMeta:
        if self.exam_retention is not None and self.exam_date is None:
            raise ValueError("exam_retention needs exam_date")
        return self

    @property
    def exam_target(self) -> float:
        """The recall aimed for on the exam day: `exam_retention`, else 0.9."""
        return self.exam_retention if self.exam_retention is not None else DEFAULT_EXAM_RETENTION

    @property
    def facts_as_of(self) -> date | None:
        """The date the facts are as of: `as_of`, else the source's `published`."""
        if self.as_of is not None:
            return self.as_of
        return self.source.published if self.source is not None else None


class QuestionBase(StrictModel):
    """Fields every question kind shares."""

    id: Slug | None = None
    """Stable identity; keeps review history when the text is edited or moved."""
    explanation: str = ""
    tags: list[Text] = Field(default_factory=list)
    points: Annotated[float, Field(gt=0, le=MAX_POINTS, allow_inf_nan=False)] = 1
    source_line: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    """The line of `[deck.source] file` the question was made from (set by the importer)."""
    valid_until: date | None = None
    """The last day the question's facts hold (news goes stale): after it, the question is
    left out of reviews and quizzes, and its reviews are never scheduled past it."""

    def stale_on(self, day: date) -> bool:
        """Whether the question's facts no longer hold on study day `day`."""
        return stale_on(self.valid_until, day)


class PromptedQuestion(QuestionBase):
    """A question with a prompt shown to the learner."""

    prompt: Text


class TypedAnswerOptions(StrictModel):
    """Per-question overrides of how a typed answer is compared."""

    exact: bool = False
    """Turn typo tolerance off: only a normalised exact match is right."""
    typo_threshold: Annotated[float, Field(ge=0, le=100)] | None = None
    fold_accents: bool | None = None


class Flashcard(PromptedQuestion):
    """Front and back; the learner reveals the back and grades themself."""

    kind: Literal["flashcard"]
    answer: Text
    reverse: bool = False
    """Also make the back-to-front card (a second card with its own identity)."""


def folds_accents(options: TypedAnswerOptions, deck: DeckMeta) -> bool:
    """Whether `é` and `e` are the same letter in this question's typed answers: as the
    question or the deck says, else only in an English deck."""
    fold = options.fold_accents if options.fold_accents is not None else deck.fold_accents
    return deck.language.split("-")[0].lower() == "en" if fold is None else fold


class ShortAnswer(PromptedQuestion, TypedAnswerOptions):
    """A typed answer, compared after normalisation and with typo tolerance."""

    kind: Literal["short"]
    answer: Text
    accept: list[Text] = Field(default_factory=list)
    """Other answers that count as right."""


def _quote(text: str) -> str:
    """Deck text inside an error message: sanitized, because messages reach terminals."""
    return repr(sanitize(text))


def _did_you_mean(value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f"; did you mean {_quote(close[0])}?" if close else ""


def _duplicates(values: list[str]) -> list[str]:
    if len(set(values)) == len(values):
        return []  # the usual case, checked at C speed: this runs for most questions of a deck
    seen: set[str] = set()
    return [v for v in values if v in seen or seen.add(v)]  # type: ignore[func-returns-value]


class _WithChoices(PromptedQuestion):
    choices: list[Text] = Field(min_length=2)
    shuffle: bool | None = None
    """Overrides the deck's `shuffle` for the order of the choices."""

    @field_validator("choices")
    @classmethod
    def _choices_unique(cls, value: list[str]) -> list[str]:
        if dup := _duplicates(value):
            raise ValueError(f"duplicate choice {_quote(dup[0])}")
        return value


class SingleChoice(_WithChoices):
    """Pick the one correct choice."""

    kind: Literal["choice"]
    answer: Text
    """The text of the correct choice, exactly as written in `choices`."""

    @field_validator("answer")
    @classmethod
    def _answer_in_choices(cls, value: str, info: ValidationInfo) -> str:
        # A field validator (not a model one) so the error points at `answer` in the file;
        # `choices` is declared first, so it is in `info.data` when it was valid.
        choices = info.data.get("choices")
        if choices is not None and value not in choices:
            raise ValueError(
                f"answer {_quote(value)} is not one of the choices{_did_you_mean(value, choices)}"
            )
        return value


class MultipleChoice(_WithChoices):
    """Pick every correct choice; partial credit (see decks/README.md)."""

    kind: Literal["multi"]
    answers: list[Text] = Field(min_length=1)

    @field_validator("answers")
    @classmethod
    def _answers_in_choices(cls, value: list[str], info: ValidationInfo) -> list[str]:
        choices = info.data.get("choices")
        missing = [a for a in value if choices is not None and a not in choices]
        if missing:
            hint = _did_you_mean(missing[0], choices or [])
            raise ValueError(f"answer {_quote(missing[0])} is not one of the choices{hint}")
        if dup := _duplicates(value):
            raise ValueError(f"answer {_quote(dup[0])} is listed twice")
        return value


class TrueFalse(PromptedQuestion):
    """A statement the learner marks true or false."""

    kind: Literal["truefalse"]
    answer: bool


class Numeric(PromptedQuestion):
    """A number, right within an absolute tolerance, with an optional unit."""

    kind: Literal["numeric"]
    answer: WorkableNumber
    tolerance: Annotated[WorkableNumber, Field(ge=0)] = 0
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ClozeBlank:
    """One `{{answer|hint}}` gap of a cloze text: read from a validated text, never from a
    file, so a plain value (a model would build its validator at a session's start)."""

    answer: str
    hint: str | None


def parse_blanks(text: str) -> list[ClozeBlank]:
    """The blanks of a cloze text in order; the shared reading of `{{answer|hint}}`."""
    blanks = []
    for match in CLOZE_BLANK.finditer(text):
        answer, _, hint = match.group(1).partition("|")
        blanks.append(ClozeBlank(answer=answer.strip(), hint=hint.strip() or None))
    return blanks


class Cloze(QuestionBase, TypedAnswerOptions):
    """A text with `{{blanks}}`; each blank is its own review card."""

    kind: Literal["cloze"]
    text: Text
    prompt: str = ""
    """Optional instruction shown above the text."""

    @field_validator("text")
    @classmethod
    def _has_blanks(cls, value: str) -> str:
        # Plain regex, not `parse_blanks`: building ClozeBlank models here doubled the
        # validation time of cloze-heavy decks (tests/bench/).
        blanks = CLOZE_BLANK.findall(value)
        if not blanks:
            raise ValueError("a cloze text needs at least one {{blank}}")
        if any(not blank.partition("|")[0].strip() for blank in blanks):
            raise ValueError("a cloze blank must not be empty: write {{answer}} or {{answer|hint}}")
        return value

    @property
    def blanks(self) -> list[ClozeBlank]:
        return parse_blanks(self.text)


class Order(PromptedQuestion):
    """Items listed in the correct order; shown shuffled."""

    kind: Literal["order"]
    items: list[Text] = Field(min_length=2)

    @field_validator("items")
    @classmethod
    def _items_unique(cls, value: list[str]) -> list[str]:
        if dup := _duplicates(value):
            raise ValueError(f"duplicate item {_quote(dup[0])}")
        return value


Pair = Annotated[list[Text], Field(min_length=2, max_length=2)]
"""A `[left, right]` array; TOML has no tuples, so a two-item list."""


class Match(PromptedQuestion):
    """Pairs `[left, right]`; the right sides are shuffled and matched back."""

    kind: Literal["match"]
    pairs: list[Pair] = Field(min_length=2)

    @field_validator("pairs")
    @classmethod
    def _sides_unique(cls, value: list[list[str]]) -> list[list[str]]:
        for side, name in ((0, "left"), (1, "right")):
            if dup := _duplicates([pair[side] for pair in value]):
                raise ValueError(f"duplicate {name} side {_quote(dup[0])}")
        return value


Question = Annotated[
    Union[  # noqa: UP007 - a Union reads better than a nine-way `|` here
        Flashcard,
        ShortAnswer,
        SingleChoice,
        MultipleChoice,
        TrueFalse,
        Numeric,
        Cloze,
        Order,
        Match,
    ],
    Field(discriminator="kind"),
]


if TYPE_CHECKING:
    QuestionList = Sequence[Question]
    """A deck from the cache holds its questions lazily (`quiz.core.lazy_questions`), so code
    may only read them as a sequence."""
else:
    QuestionList = list[Question]
    """Validated as a list: pydantic checks a list in its core, a Sequence in Python (+30 ms
    at 10k questions), and says `list_type` for a table where [[questions]] belong."""


class Deck(StrictModel):
    """A whole deck file: the `[deck]` table and its `[[questions]]`."""

    deck: DeckMeta
    questions: QuestionList = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> Deck:
        ids = [q.id for q in self.questions if q.id is not None]
        if dup := _duplicates(ids):
            raise ValueError(f"duplicate question id {_quote(dup[0])}")
        return self

    @property
    def meta(self) -> DeckMeta:
        return self.deck
