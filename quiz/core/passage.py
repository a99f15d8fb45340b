"""The passage of a deck's source text a question was made from (`source_line`), for a
learner to read from the question's feedback.

`[deck.source] file` names the text relative to the deck file; the passage is the
question's line and the rest of its paragraph (up to a blank line, within a bound), so a
Key Question comes with its answer and a fact with its sentence's neighbours. None when
the deck names no file, the file is gone or cannot be read, or the line is past its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quiz.core.files import UnreadableFileError, read_regular_file
from quiz.core.models import DeckMeta, Question
from quiz.core.text import sanitize

MAX_SOURCE_BYTES = 10 * 1024 * 1024
"""An article is a few KiB: a larger file is not the article."""
BEFORE = 6
AFTER = 14
"""Lines of the paragraph shown before and after the question's line, at most."""


@dataclass(frozen=True, slots=True)
class Passage:
    """Lines of the source text (number, text), and the question's own line."""

    file: Path
    lines: list[tuple[int, str]]
    focus: int


def source_file(deck_path: Path, meta: DeckMeta) -> Path | None:
    """The deck's source text, if it names one and it is there."""
    if meta.source is None or not meta.source.file:
        return None
    path = (deck_path.parent / meta.source.file).resolve()
    return path if path.is_file() else None


def source_passage(deck_path: Path, meta: DeckMeta, question: Question) -> Passage | None:
    """The passage `question` was made from (see the module docstring)."""
    path = source_file(deck_path, meta)
    if path is None or question.source_line is None:
        return None
    try:
        data = read_regular_file(
            path, what="source text", limit=MAX_SOURCE_BYTES, too_big="is it the article?"
        )
    except UnreadableFileError:
        return None
    lines = sanitize(data.decode("utf-8", "replace").replace("\r\n", "\n")).split("\n")
    focus = question.source_line
    if focus > len(lines):
        return None
    first = focus
    while first > 1 and focus - first < BEFORE and lines[first - 2].strip():
        first -= 1
    last = focus
    while last < len(lines) and last - focus < AFTER:
        following = lines[last].strip()
        if not following and last > focus:  # a blank line after the answer's first paragraph
            break
        last += 1
    return Passage(path, [(n, lines[n - 1]) for n in range(first, last + 1)], focus)
