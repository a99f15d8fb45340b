"""Student names: what a learner may type as the name their quiz attempts are stored under.

A name travels from a browser form to a command-line argument and into the
results a teacher exports, so it is held to a small, printable shape: letters
and digits of any script, spaces, and `.`, `'`, `-` inside; at most
`MAX_LENGTH` characters once spaces are collapsed.
"""

from __future__ import annotations

import re
import unicodedata

from quiz.core.text import sanitize
from quiz.errors import QuizError

MAX_LENGTH = 40

_SHAPE = re.compile(r"[^\W_](?:[\w .'-]*[\w.])?")
"""Starts with a letter or digit (never `-`, so it can never read as an option), ends with one
or a `.` (initials)."""
_SPACES = re.compile(r"\s+")


class StudentNameError(QuizError):
    """A name that cannot be used; the message says why, in words for the learner."""


def clean_student_name(raw: str) -> str:
    """The name as it will be stored: NFC, control characters removed, spaces collapsed.

    Raises:
        StudentNameError: empty, too long, or with characters outside the allowed set.
    """
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", sanitize(raw))).strip()
    if not name:
        raise StudentNameError("Please type your name.")
    if len(name) > MAX_LENGTH:
        raise StudentNameError(f"A name has at most {MAX_LENGTH} characters.")
    if not _SHAPE.fullmatch(name):
        raise StudentNameError(
            "Use letters, digits, spaces and . ' - only, starting with a letter or digit."
        )
    return name
