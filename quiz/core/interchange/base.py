"""Result types shared by every importer and exporter in `quiz.core.interchange`.

Foreign formats (GIFT, CSV, OpenTriviaQA, Anki) can express things a deck cannot,
and decks can express things those formats cannot. Nothing may be dropped
silently, so each converter returns what it could carry together with a list of
warnings that name the input line (when there is one) of what it could not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quiz.core.models import Deck


@dataclass(frozen=True)
class ImportWarning:  # noqa: A001 - the agreed API name; the builtin warning class is unused here
    """Something in the input that was lost, changed or skipped.

    `line` is the 1-based line in the imported text, or `None` when the warning
    concerns the whole input or a whole deck question (on export).
    """

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    """A deck built from foreign input, and what could not be carried into it."""

    deck: Deck
    warnings: list[ImportWarning] = field(default_factory=list)


@dataclass(frozen=True)
class ExportResult:
    """Text in a foreign format, and what of the deck that format could not carry."""

    text: str
    warnings: list[ImportWarning] = field(default_factory=list)
