"""A letter-by-letter comparison of a typed answer with the answer it came close to.

As Anki's type-the-answer comparison: the learner sees which letters they typed wrong, which
were missing, and which were fine, so a "close" verdict can be judged at a glance (and
overruled when the learner was right after all).
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Literal

from quiz.core.text import sanitize

Mark = Literal["same", "wrong", "missing"]
"""`same`: typed as in the answer; `wrong`: typed but not in the answer; `missing`: in the
answer but not typed."""

Segment = tuple[Mark, str]


def letter_diff(typed: str, answer: str) -> list[Segment]:
    """The typed text and the answer merged into one run of marked segments.

    Case is compared as typed: "paris" against "Paris" marks the "p" wrong and the "P"
    missing, since the learner asked to see what differs. Deck and learner text are
    sanitized first: the segments are ready to display.
    """
    typed, answer = " ".join(sanitize(typed).split()), sanitize(answer)
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, typed, answer, autojunk=False)
    for operation, typed_from, typed_to, answer_from, answer_to in matcher.get_opcodes():
        if operation == "equal":
            _add(segments, "same", typed[typed_from:typed_to])
            continue
        _add(segments, "wrong", typed[typed_from:typed_to])
        _add(segments, "missing", answer[answer_from:answer_to])
    return segments


def _add(segments: list[Segment], mark: Mark, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == mark:
        segments[-1] = (mark, segments[-1][1] + text)
    else:
        segments.append((mark, text))
