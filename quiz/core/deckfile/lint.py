"""The warnings `quiz check` gives on decks that load: things that are probably mistakes.

A missing id (the review history is lost when the prompt changes), an `accept`
entry the answer already covers, a hint that gives its blank away, two choices
a learner cannot tell apart. Errors come from the loader; this adds the warnings.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import date

from pydantic import TypeAdapter, ValidationError

from quiz.core.deckfile.diagnostics import DeckError, Diagnostic, quoted
from quiz.core.deckfile.loading import parse_deck
from quiz.core.deckfile.reading import read_deck_text
from quiz.core.deckfile.toml_positions import DeckPositions, TomlPath
from quiz.core.deckfile.toml_syntax import parse_toml
from quiz.core.files import StrPath
from quiz.core.judging.rules import typo_level_words
from quiz.core.models import (
    Cloze,
    Deck,
    DeckMeta,
    MultipleChoice,
    Question,
    ShortAnswer,
    SingleChoice,
    folds_accents,
)
from quiz.core.text import counted, normalize


@functools.cache
def _question_adapter() -> TypeAdapter[Question]:
    """Validates one question on its own (a broken deck's valid questions still get their
    warnings); built on first use, as it costs ~10 ms that a valid deck's check never needs."""
    return TypeAdapter(Question)


@dataclass(frozen=True, slots=True)
class LintResult:
    """What `lint_deck` found: the deck when it loads, and every error or warning."""

    deck: Deck | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def lint_deck(path: StrPath, *, today: date | None = None) -> LintResult:
    """Load a deck and also report warnings (missing ids, redundant answers, stale facts,
    ...); `today` (the local date unless given) is what stale is judged against.

    Never raises for a bad deck: errors come back as diagnostics with `deck=None`.
    """
    name = os.fspath(path)
    try:
        text = read_deck_text(path)
    except DeckError as error:
        return LintResult(None, error.diagnostics)
    try:
        deck = parse_deck(text, path)
    except DeckError as error:
        return LintResult(None, [*error.diagnostics, *_warnings_on_broken_deck(text, name)])
    return LintResult(deck, _warnings_on_valid_deck(deck, text, name, today or date.today()))


def _warnings_on_broken_deck(text: str, name: str) -> list[Diagnostic]:
    """The warnings that can still be given when the deck has errors: about the `[deck]`
    table and every question that is valid on its own (none when the TOML does not parse)."""
    try:
        data = parse_toml(text, name)
    except DeckError:
        return []
    found: list[tuple[TomlPath, bool, str]] = []
    table = data.get("deck")
    if isinstance(table, dict) and table.get("pass_mark") == 0:
        found.append((("deck", "pass_mark"), False, "pass_mark = 0 means every quiz passes"))
    try:
        meta = DeckMeta.model_validate(table)
    except ValidationError:
        meta = DeckMeta(id="deck", title="deck")  # its errors are reported; judge by defaults
    questions = data.get("questions")
    for index, raw in enumerate(questions if isinstance(questions, list) else []):
        try:
            question = _question_adapter().validate_python(raw)
        except ValidationError:
            continue  # its own errors are reported
        found.extend(_question_found(question, ("questions", index), meta))
    count = len(questions) if isinstance(questions, list) else 0
    return _positioned(found, DeckPositions(text, count), name)


def _warnings_on_valid_deck(deck: Deck, text: str, name: str, today: date) -> list[Diagnostic]:
    """Things that load but are probably mistakes; the positions are found only if needed."""
    found: list[tuple[TomlPath, bool, str]] = []  # (path, at_key, message)
    if deck.deck.pass_mark == 0:
        found.append((("deck", "pass_mark"), False, "pass_mark = 0 means every quiz passes"))
    found.extend(_typed_answer_settings(deck))
    found.extend(_stale_facts(deck, today))
    found.extend(_past_exam(deck.deck, today))
    for index, question in enumerate(deck.questions):
        found.extend(_question_found(question, ("questions", index), deck.deck))
    return _positioned(found, DeckPositions(text, len(deck.questions)), name)


def _question_found(
    question: Question, here: TomlPath, meta: DeckMeta
) -> list[tuple[TomlPath, bool, str]]:
    """A missing id, and `_question_warnings`."""
    found = _question_warnings(question, here, meta)
    if question.id is None:
        found.append(
            (here, True, "question has no id; its review history is lost when the prompt changes")
        )
    return found


def _positioned(
    found: list[tuple[TomlPath, bool, str]], source: DeckPositions, name: str
) -> list[Diagnostic]:
    """Warnings at their places in the file (each found only for a warning), in file order."""
    diagnostics = [
        Diagnostic(name, *source.position(path, at_key=at_key), "warning", message)
        for path, at_key, message in found
    ]
    return sorted(diagnostics, key=lambda d: (d.line, d.col, d.message))


def _stale_facts(deck: Deck, today: date) -> list[tuple[TomlPath, bool, str]]:
    """Questions whose `valid_until` has passed (left out of reviews and quizzes), and ones
    whose `valid_until` comes before the date the deck's facts are as of."""
    found: list[tuple[TomlPath, bool, str]] = []
    facts = deck.deck.facts_as_of
    for index, question in enumerate(deck.questions):
        until = question.valid_until
        if until is None:
            continue
        where: TomlPath = ("questions", index, "valid_until")
        if question.stale_on(today):
            ago = counted((today - until).days, "day")
            found.append(
                (where, True, f"valid until {until.isoformat()} ({ago} ago): left out of reviews"
                 " and quizzes until its facts and date are updated")
            )  # fmt: skip
        elif facts is not None and until < facts:
            found.append(
                (where, True, f"valid_until {until.isoformat()} is before the date the facts are"
                 f" as of ({facts.isoformat()})")
            )  # fmt: skip
    return found


def _past_exam(meta: DeckMeta, today: date) -> list[tuple[TomlPath, bool, str]]:
    """An `exam_date` gone by: reviews are no longer planned around it, probably a date to
    move or to remove."""
    if meta.exam_date is None or meta.exam_date >= today:
        return []
    ago = counted((today - meta.exam_date).days, "day")
    message = f"exam_date {meta.exam_date.isoformat()} is past ({ago} ago): reviews ignore it"
    return [(("deck", "exam_date"), True, message)]


DEFAULT_THRESHOLD = DeckMeta.model_fields["typo_threshold"].default
"""The usual typo rule: setting it says nothing new, so no word about it."""


def _typed_answer_settings(deck: Deck) -> list[tuple[TomlPath, bool, str]]:
    """How the deck's typo and accent settings are read since answers are judged by rules
    (the deck guide's "How answers are checked"): said once, where they are set."""
    found: list[tuple[TomlPath, bool, str]] = []
    typed = [
        (index, q)
        for index, q in enumerate(deck.questions)
        if type(q) is ShortAnswer or type(q) is Cloze  # the TypedAnswerOptions kinds
    ]
    if not typed:
        return found
    meta = deck.deck
    if "typo_threshold" in meta.model_fields_set and meta.typo_threshold != DEFAULT_THRESHOLD:
        found.append(
            (("deck", "typo_threshold"), True, f"typo_threshold = {meta.typo_threshold:g} now "
             f"counts slips, not similarity: {typo_level_words(meta.typo_threshold)}")
        )  # fmt: skip
    for index, question in typed:
        if (
            question.typo_threshold not in (None, DEFAULT_THRESHOLD)
            and not question.exact  # "has no effect with exact = true" says enough
        ):
            threshold = question.typo_threshold
            found.append(
                (("questions", index, "typo_threshold"), True, f"typo_threshold = {threshold:g} "
                 f"now counts slips, not similarity: {typo_level_words(threshold)}")
            )  # fmt: skip
    english = meta.language.split("-")[0].lower() == "en"
    unset = meta.fold_accents is None and all(q.fold_accents is None for _, q in typed)
    if not english and unset:
        found.append(
            (("deck", "language"), True, f"accents now matter in typed answers of a deck in "
             f"{quoted(meta.language)} (\"eleve\" for \"élève\" is close, not right); set "
             "fold_accents = true to ignore them")
        )  # fmt: skip
    return found


def _question_warnings(
    question: Question, here: TomlPath, meta: DeckMeta
) -> list[tuple[TomlPath, bool, str]]:
    """(path, at_key, message) of each warning about one question.

    Runs for every question of a deck (~25 ms of a 10k deck's check): the kinds are told
    apart by `type() is` (`isinstance` on a pydantic model goes through `ABCMeta`), and
    answers are normalised only when there is something to compare them with.
    """
    found: list[tuple[TomlPath, bool, str]] = []
    if type(question) is ShortAnswer or type(question) is Cloze:
        if question.exact and question.typo_threshold is not None:
            found.append(
                ((*here, "typo_threshold"), True, "typo_threshold has no effect with exact = true")
            )
        if type(question) is ShortAnswer and question.accept:
            accents = folds_accents(question, meta)
            seen = {_normalized(question.answer, accents)}
            for position, accepted in enumerate(question.accept):
                key = _normalized(accepted, accents)
                if key in seen:
                    message = (
                        f"accept entry {quoted(accepted)} is already accepted "
                        "(case, spacing and punctuation are ignored)"
                    )
                    found.append(((*here, "accept", position), False, message))
                seen.add(key)
        elif type(question) is Cloze and "|" in question.text:  # no `|`, no hints
            for number, blank in enumerate(question.blanks, start=1):
                if not blank.hint:
                    continue
                accents = folds_accents(question, meta)
                if _normalized(blank.hint, accents) == _normalized(blank.answer, accents):
                    found.append(
                        (
                            (*here, "text"),
                            False,
                            f"blank {number}'s hint gives its answer away: {quoted(blank.hint)}",
                        )
                    )
    elif type(question) is SingleChoice or type(question) is MultipleChoice:
        seen_choices: dict[str, str] = {}
        for position, choice in enumerate(question.choices):
            key = _as_seen(choice)
            if key in seen_choices:
                message = (
                    f"choices {quoted(seen_choices[key])} and {quoted(choice)} "
                    "look the same to a learner"
                )
                found.append(((*here, "choices", position), False, message))
            seen_choices.setdefault(key, choice)
    return found


@functools.lru_cache(maxsize=4096)
def _normalized(text: str, accents: bool) -> str:
    """`normalize`, remembered: answers recur across a deck's questions (names, places,
    years), and normalising accented text costs ~2 us a time."""
    return normalize(text, accents=accents)


def _as_seen(choice: str) -> str:
    """A choice as a learner tells it from another: case, spacing and a full stop or comma at
    either end aside. Symbols stay: `the = sign` and `the ~ sign` are different choices."""
    return " ".join(choice.casefold().split()).strip(" .,;:!?")
