"""Text helpers shared by the core: making deck text safe to print, and normalising answers.

Deck files are untrusted (they are downloaded and shared), so every string that
reaches a terminal goes through `sanitize` first; Rich markup is neutralised
separately by the UI, which renders deck text as plain `Text`/`Content`.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|.)?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
"""Escape sequences (CSI, OSC, DCS/SOS/PM/APC and two-byte ESC forms) and C0/C1 controls.

Newline and tab are kept: they are layout, not commands.
"""

_PUNCTUATION_CATEGORIES = ("P", "S")
_SPACES = re.compile(r"\s+")
_ASCII_PUNCTUATION = str.maketrans(
    {chr(c): " " for c in range(128) if unicodedata.category(chr(c))[0] in _PUNCTUATION_CATEGORIES}
)
"""ASCII punctuation and symbols to spaces: the common case of `normalize`, done in C."""


def sanitize(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping newline and tab."""
    return _CONTROL.sub("", text)


def fold_accents(text: str) -> str:
    """Strip combining marks so that `Bialiacki` matches `Białiacki`-style spellings."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")


def normalize(text: str, *, accents: bool = True) -> str:
    """Canonical form of a typed answer: NFKC, casefolded, punctuation dropped, spaces collapsed.

    `accents=True` also folds accents. The function is idempotent, which the
    property tests rely on: normalising twice changes nothing.
    """
    text = unicodedata.normalize("NFKC", sanitize(text)).casefold()
    if accents:
        text = fold_accents(text)
    if text.isascii():
        text = text.translate(_ASCII_PUNCTUATION)
    else:
        text = "".join(
            " " if unicodedata.category(ch)[0] in _PUNCTUATION_CATEGORIES else ch for ch in text
        )
    return _SPACES.sub(" ", text).strip()


def counted(count: int, noun: str) -> str:
    """`1 question`, `2 questions`: a count with its noun (plural by adding `s`)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def one_line(text: str) -> str:
    """`text` with its line breaks and runs of spaces made single spaces, for a list whose
    CSS cuts each line to the width with `…`."""
    return " ".join(text.split())
