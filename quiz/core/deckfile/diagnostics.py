"""What a teacher is told about a deck file: `Diagnostic` findings, and `DeckError`.

Light on purpose (no pydantic): front ends import `DeckError` to catch it, and
`quiz check` formats diagnostics, without paying for the loader.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from quiz.core.text import sanitize
from quiz.errors import QuizError

Severity = Literal["error", "warning"]


class Diagnostic(NamedTuple):
    """One finding about a deck file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        # Messages quote deck text sanitized already; the whole line is sanitized again
        # because file names are untrusted too and this is what reaches terminals.
        return sanitize(f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}")

    def to_json(self) -> dict[str, str | int]:
        """The machine-readable form used by `quiz check --format json`."""
        return {
            "file": self.path,
            "line": self.line,
            "column": self.col,
            "severity": self.severity,
            "message": self.message,
        }


class DeckError(QuizError):
    """A deck that cannot be loaded; `.diagnostics` holds every error found, in file order."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def file_error(name: str, message: str, line: int = 1, col: int = 1) -> Diagnostic:
    """An error about the file as a whole (at its start) unless a position is given."""
    return Diagnostic(name, line, col, "error", message)


def quoted(value: Any, limit: int = 60) -> str:
    """Deck text quoted in a message: sanitized, shortened, in single quotes."""
    text = sanitize(str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)
