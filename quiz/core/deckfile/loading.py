"""Loading deck files: TOML text -> validated `Deck`, or a `DeckError` a teacher can act on.

The fast path is `tomli` plus one `Deck.model_validate` call with the garbage
collector paused (both allocate many small objects that the collector would
otherwise scan over and over: 100k questions validate in ~0.23 s instead of ~1 s).
Only when validation fails is the text scanned for positions (`toml_positions`),
and each pydantic error becomes a `Diagnostic` pointing at the offending key or
value (`validation_errors`), with a message in a teacher's words rather than pydantic's.

Deck files are untrusted: size, encoding and parser failures all end as a
`DeckError`, and every piece of deck text quoted in a message is sanitized.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from quiz.core.cards import question_identity
from quiz.core.deckfile.diagnostics import DeckError, Diagnostic, file_error
from quiz.core.deckfile.reading import MAX_DECK_BYTES, SPLIT_ADVICE, read_deck_text
from quiz.core.deckfile.toml_positions import index_toml
from quiz.core.deckfile.toml_syntax import parse_toml
from quiz.core.deckfile.validation_errors import validation_diagnostics
from quiz.core.files import StrPath, size_limit_message
from quiz.core.models import Deck


def load_deck(path: StrPath) -> Deck:
    """Read and validate a deck file.

    Raises:
        DeckError: the file is missing, too large, not UTF-8, not TOML or not a valid deck.
    """
    return _validated_deck(lambda: read_deck_text(path), os.fspath(path))


def parse_deck(text: str, path: StrPath) -> Deck:
    """Validate deck text; `path` is only used to name the file in diagnostics.

    Raises:
        DeckError: with one diagnostic per problem, sorted by position.
    """
    return _validated_deck(lambda: text, os.fspath(path))


def _validated_deck(read_text: Callable[[], str], name: str) -> Deck:
    """Parse and validate the text `read_text` returns; it is called again only to place errors.

    The text is dropped once parsed: as a `str` it takes up to 4 bytes a character (2 as soon
    as one character is beyond Latin-1, e.g. an em dash), and keeping it through validation
    raised the peak of a 100k-question deck from ~330 to ~410 MiB.
    """
    text = read_text()
    if len(text) > MAX_DECK_BYTES:
        size = len(text.encode("utf-8", "replace"))
        too_big = size_limit_message("deck", MAX_DECK_BYTES, SPLIT_ADVICE, size)
        raise DeckError([file_error(name, too_big)])
    # Parsing and validation allocate hundreds of thousands of objects and no cycles: with the
    # collector paused, 100k questions validate in ~0.23 s instead of ~1 s, and parse ~10% faster.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    deck: Deck | None = None
    errors: list[ErrorDetails] = []
    shared: list[tuple[int, int]] = []
    try:
        data = parse_toml(text, name)
        del text
        try:
            deck = Deck.model_validate(data)
            shared = _shared_identities(deck)
        except ValidationError as error:
            errors = error.errors(include_url=False)
        except RecursionError:
            pass
    finally:
        if gc_was_enabled:
            gc.enable()
    if shared:
        raise DeckError(_shared_identity_errors(read_text(), name, shared))
    if deck is not None:
        return deck
    if not errors:
        raise DeckError([file_error(name, "the deck is nested too deeply to check")])
    raise DeckError(validation_diagnostics(read_text(), name, data, errors))


def _shared_identities(deck: Deck) -> list[tuple[int, int]]:
    """(earlier, later) indexes of id-less questions whose prompts hash to one identity.

    The store could not tell such questions apart, so they are an error. Only id-less
    questions are hashed: a deck with ids everywhere pays nothing for this check.
    """
    first: dict[str, int] = {}
    shared = []
    for index, question in enumerate(deck.questions):
        if question.id is None:
            identity = question_identity(question)
            shared.append((first.setdefault(identity, index), index))
    return [(earlier, later) for earlier, later in shared if earlier != later]


def _shared_identity_errors(
    text: str, name: str, shared: list[tuple[int, int]]
) -> list[Diagnostic]:
    """One error at each later question of a pair `_shared_identities` found."""
    source = index_toml(text)
    found = []
    for earlier, later in shared:
        line, col = source.position(("questions", later), at_key=True)
        first_line, _ = source.position(("questions", earlier), at_key=True)
        message = (
            f"same prompt as the question at line {first_line} and neither has an id: "
            "they would be one card; give them ids (quiz check --fix)"
        )
        found.append(Diagnostic(name, line, col, "error", message))
    return found
