"""Numbers as learners write them: digits, words, ordinals, Roman numerals, fractions, powers.

Both the typed-text judge (a number inside an answer: "World War II" = "World War 2") and the
numeric judge ("about 6.022 × 10^23 per mole") read numbers here, so "a different number is
always wrong" holds the same way for every kind of question.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "billion": 10**9}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100, "thousandth": 1000,
}  # fmt: skip
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}


def roman_value(token: str) -> int | None:
    """The value of an upper-case Roman numeral ("VIII" -> 8), or None."""
    if not _ROMAN.match(token):
        return None
    total = 0
    for here, after in zip(token, [*token[1:], ""], strict=True):
        value = _ROMAN_VALUES[here]
        total += -value if after and _ROMAN_VALUES[after] > value else value
    return total


def word_number(words: list[str]) -> tuple[int, int] | None:
    """The number that `words` starts with, written in English words, and how many words it took.

    "twenty one", "twenty-one" (already split on the hyphen), "one hundred and five",
    "a dozen", "three thousand"; numbers read out in pairs, as years are, are joined:
    "nineteen sixty nine" is 1969, "four fifty one" 451. Returns None when the first word
    is not a number word.
    """
    groups: list[tuple[int, int]] = []  # (value, words) of each run read as one number
    index = 0
    while index < len(words):
        found = _one_number(words[index:])
        if found is None:
            break
        groups.append(found)
        index += found[1]
    if not groups:
        return None
    value, used = groups[0]
    for pair, size in groups[1:]:
        if not (0 < value < 100 and 10 <= pair < 100):
            break
        value, used = value * 100 + pair, used + size
    return value, used


def _one_number(words: list[str]) -> tuple[int, int] | None:
    """One number in words from the start of `words`: a run whose tens and units do not
    repeat ("twenty one", "one hundred and five"), so "nineteen sixty" is two runs."""
    total, current, used, seen = 0, 0, 0, False
    small_done = tens_done = False
    for index, word in enumerate(words):
        if word in _UNITS and not small_done:
            current += _UNITS[word]
            small_done = True
            tens_done = tens_done or _UNITS[word] >= 10
        elif word in _TENS and not tens_done and not small_done:
            current += _TENS[word]
            tens_done = True
        elif word == "dozen":
            current = (current or 1) * 12
        elif word in _SCALES and (seen or index == 0):  # "hundred years" is 100 years
            scale = _SCALES[word]
            current = current or 1
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0
            small_done = tens_done = False
        elif (
            word == "and" and seen and index + 1 < len(words) and _is_number_word(words[index + 1])
        ):
            continue
        elif (
            word == "a"
            and not seen
            and index + 1 < len(words)
            and words[index + 1]
            in (
                "dozen",
                "hundred",
                "thousand",
                "million",
            )
        ):
            current = 1
            continue
        else:
            break
        seen, used = True, index + 1
    return (total + current, used) if seen else None


def _is_number_word(word: str) -> bool:
    return word in _UNITS or word in _TENS or word in _SCALES or word == "dozen"


def ordinal_value(word: str) -> int | None:
    """1 for "first" or "1st", 22 for "22nd"; None for anything else."""
    if word in _ORDINALS:
        return _ORDINALS[word]
    match = _ORDINAL_DIGITS.match(word)
    return int(match.group(1)) if match else None


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_VULGAR = {
    "½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5",
    "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8",
    "⅞": "7/8",
}  # fmt: skip


def mark_powers(text: str) -> str:
    """Superscript exponents and vulgar fractions in plain characters, before NFKC runs.

    NFKC would turn "10²³" into "1023" and "¾" into "3⁄4"; "10^23" and " 3/4" keep the meaning.
    """
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    for glyph, plain in _VULGAR.items():
        text = text.replace(glyph, f" {plain}")
    return text


def finite(value: float) -> float | None:
    """The value when it is a usable number; never inf or NaN."""
    return value if math.isfinite(value) else None


def fraction_value(text: str) -> float | None:
    """3/4 -> 0.75; "1 1/2" is read by the caller as 1 + 1/2."""
    top, _, bottom = text.partition("/")
    if not (top.isdigit() and bottom.isdigit()) or int(bottom) == 0:
        return None
    return float(Fraction(int(top), int(bottom)))
