"""How common a word is, per language: the judge's way to tell a typo from another real word.

The lists are read on first use (about 130 ms for English's 151,000 words) and kept for the
process; sessions call `warm_up` when they start so that the first typo is judged at once.
"""

from __future__ import annotations

import gzip
import threading
from functools import cache
from importlib.resources import files

MISSING = 0.0
"""The frequency of a word the list does not hold (rarer than its cut-off, or not a word)."""


@cache
def _frequencies(language: str) -> dict[str, float]:
    resource = files(__package__).joinpath(f"{language}.tsv.gz")
    if not resource.is_file():
        return {}
    text = gzip.decompress(resource.read_bytes()).decode()
    frequencies: dict[str, float] = {}
    for line in text.splitlines():
        word, _, tenths = line.partition("\t")
        frequencies[word] = int(tenths) / 10
    return frequencies


def zipf(word: str, language: str) -> float:
    """The Zipf frequency of a lower-case word (7 for "the", 3 for "neutron"), 0 when unknown.

    A deck in a language without a list falls back to English, which also knows most
    place and personal names.
    """
    code = language.split("-")[0].lower()
    found = _frequencies(code).get(word, MISSING)
    return found if found or code == "en" else _frequencies("en").get(word, MISSING)


def warm_up(language: str) -> None:
    """Read the deck's list (and English, the fallback) in a background thread."""
    code = language.split("-")[0].lower()

    def read() -> None:
        _frequencies(code)
        _frequencies("en")

    threading.Thread(target=read, name="quiz-lexicon", daemon=True).start()
