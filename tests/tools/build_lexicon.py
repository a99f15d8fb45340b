"""Build the word lists that tell a typo from a different real word (quiz/core/judging/lexicon).

Run by hand when the lists should change, in a venv with `pip install wordfreq==3.1.1`:

    python tests/tools/build_lexicon.py

For each language it keeps the words of 4 or more letters with a Zipf frequency of at least
2.5 (about once in 300 million words; 1.5 for English, whose rare technical words, such as
"alkane" beside "alkene", are where a slip most often makes another word), with that
frequency, gzipped: ~1.7 MB for seven languages instead of wordfreq's 57 MB wheel, and no
import cost until a typo is judged.
The data is wordfreq's (CC BY-SA 4.0), see quiz/core/judging/lexicon/LICENSE.md.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

from wordfreq import get_frequency_dict  # type: ignore[import-not-found]

LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "ru")
MIN_ZIPF = {"en": 1.5}
DEFAULT_MIN_ZIPF = 2.5
MIN_LETTERS = 4
OUT = Path(__file__).resolve().parents[2] / "quiz" / "core" / "judging" / "lexicon"


def build(language: str) -> int:
    words = get_frequency_dict(language, "best" if language == "en" else "small")
    lines = []
    for word, frequency in sorted(words.items()):
        zipf = math.log10(frequency) + 9
        if (
            zipf >= MIN_ZIPF.get(language, DEFAULT_MIN_ZIPF)
            and len(word) >= MIN_LETTERS
            and word.isalpha()
        ):
            lines.append(f"{word}\t{round(zipf * 10)}")
    data = ("\n".join(lines) + "\n").encode()
    (OUT / f"{language}.tsv.gz").write_bytes(gzip.compress(data, 9, mtime=0))
    return len(lines)


if __name__ == "__main__":
    for language in LANGUAGES:
        print(language, build(language))
