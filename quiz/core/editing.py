"""Editing a question where the learner meets it: which line, which editor, and what then.

The front ends (the review and quiz screens' `e`, plain mode's `:edit`, the card browser)
open the learner's editor at the question's line, wait for it, then call `reread` to
get the deck as edited, or the located errors of a deck that no longer validates
(then they keep studying the version they had).
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from quiz.core.cards import question_identity
from quiz.core.deckfile.diagnostics import DeckError
from quiz.core.deckfile.reading import read_deck_text
from quiz.core.deckfile.toml_positions import index_toml
from quiz.core.library import LoadedDeck, load
from quiz.core.models import Deck, Question


def question_line(text: str, deck: Deck, question: Question) -> int:
    """The 1-based line of `question`'s `[[questions]]` header in the deck's TOML `text`
    (the positions `quiz check` reports errors with); 1 if it cannot be found. The question
    is matched by identity (`question_identity`: its id, else its text), so a question of
    an older parse of the same file is found too."""
    wanted = question_identity(question)
    for index, candidate in enumerate(deck.questions):
        if candidate is question or question_identity(candidate) == wanted:
            line, _ = index_toml(text).position(("questions", index), at_key=True)
            return line
    return 1


def open_for_edit(path: Path, question: Question) -> tuple[LoadedDeck, int]:
    """The deck file as it is before the edit, and the line of `question` in it.

    Raises:
        DeckError: the file does not load now (changed on disk meanwhile).
    """
    loaded = load(path)
    text = read_deck_text(path)
    return loaded, question_line(text, loaded.deck, question)


def editor_command(path: Path, line: int, environ: Mapping[str, str] | None = None) -> list[str]:
    """The command opening `path` at `line`: `$VISUAL`, else `$EDITOR` (split as a shell
    would, so `code --wait` works), else `vi` or `nano`, with the `+LINE` most editors take."""
    env = os.environ if environ is None else environ
    chosen = env.get("VISUAL") or env.get("EDITOR")
    if chosen and chosen.strip():
        words = shlex.split(chosen)
    else:
        words = [next((name for name in ("vi", "nano") if shutil.which(name)), "vi")]
    return [*words, f"+{line}", str(path)]


@dataclass(frozen=True, slots=True)
class Reread:
    """A deck file read again after an edit: the new deck, or why it does not load."""

    loaded: LoadedDeck | None
    """None when the file is unchanged or broken."""
    errors: list[str]
    """`FILE:LINE:COL: error: ...` lines when the edited deck does not validate."""


def reread(loaded: LoadedDeck) -> Reread:
    """The deck file of `loaded` as it is now, if it changed and still validates."""
    try:
        fresh = load(loaded.path)
    except DeckError as error:
        errors = [str(d) for d in error.diagnostics] or [str(error)]
        return Reread(None, errors)
    if fresh.content_hash == loaded.content_hash:
        return Reread(None, [])
    if fresh.deck.deck.id != loaded.deck.deck.id:
        return Reread(None, [f"{loaded.path}: error: the deck id changed; the edit is not used"])
    return Reread(fresh, [])


def question_in(deck: Deck, old: Deck, question: Question) -> Question | None:
    """`question` of deck `old` in its edited version `deck`: at the same id, else the same
    place (a question without an id that was reworded); None when gone."""
    if question.id is not None:
        return next((q for q in deck.questions if q.id == question.id), None)
    index = next((i for i, q in enumerate(old.questions) if q is question), None)
    return deck.questions[index] if index is not None and index < len(deck.questions) else None
