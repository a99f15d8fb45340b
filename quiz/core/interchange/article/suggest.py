"""Questions suggested from an article's body (`quiz import ARTICLE --suggest`): every
sentence that carries a fact a learner could recall gives one question per fact.

- a number or quantity (`about 9,000 vehicles a day`, `1.4 million pounds`) -> a `numeric`
  question: the sentence with `___` in the number's place, its unit the noun it counts,
  5% tolerance when the article hedges it (as for the Key Questions, `keys`);
- a date (`on 16 March`, `in September 2026`, `in 2019`) -> a one-blank `cloze`;
- a named person, place or body (`Brian Tolley`, `Riverside Bakery`) -> a `cloze`.

The Key Questions sections, headings, the byline and list items are left out: only the
article's own sentences are read. Each suggestion keeps the sentence and its line, so the
teacher decides with the article's words in front of them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from quiz.core.interchange.article.keys import TITLE_WORDS, hedged_tolerance, unit_after
from quiz.core.interchange.article.language import ALL_MONTHS, Language, guess_language
from quiz.core.interchange.article.layout import (
    Line,
    front_matter,
    read_lines,
    section_pairs,
    section_starts,
)
from quiz.core.text import sanitize

_MONTH = "|".join(sorted(ALL_MONTHS, key=len, reverse=True))
_SENTENCE_END = re.compile(r"(?<=[.!?»”\"])\s+(?=[A-ZÀ-ÖØ-Þ¿¡«„\"“])")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|St|Prof|Mt|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov"
    r"|Dec)|\b[A-Z])\.$"
)
"""A sentence that seems to end with one of these ("Dr.", "U.S.") goes on."""
_MULTIPLIER = r"(?:\s+(?:million|billion|trillion|Millionen|Milliarden|millones|mil\s+millones))"
_DATE = re.compile(
    rf"(?i)\b(?:\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:de\s+)?(?:{_MONTH})\b(?:,?\s+(?:de\s+)?\d{{4}})?"
    rf"|(?:{_MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTH})\s+(?:de\s+)?\d{{4}}"
    rf"|(?<=\bin\s)\d{{4}}s?|(?<=\bsince\s)\d{{4}}|(?<=\ben\s)\d{{4}}|(?<=\bim\sJahr\s)\d{{4}})"
)
_TIME_OF_DAY = re.compile(r"(?i)\b\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)\b")
_TIME = re.compile(r"(?i)^\s*(?:[.:]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|uhr|h)\b")
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’-]+"
_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:(?:of|de|del|la|van|von|der|da)\s+)?{_NAME_WORD})+")
_LEAVE_OUT_NAMES = frozenset(
    {"The", "A", "An", "In", "On", "At", "But", "And", "It", "He", "She", "They", "This"}
)


@dataclass(frozen=True)
class Suggestion:
    """A question a fact in the article suggests: its line, sentence, and fields."""

    line: int
    sentence: str
    key: str
    """The fact as the sentence writes it (the number, date or name asked for)."""
    question: dict[str, Any]


def suggest_questions(text: str) -> list[Suggestion]:
    """Every question the article's body suggests, in the article's order."""
    raw_lines = sanitize(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    _, skip = front_matter(raw_lines)
    lines = read_lines(raw_lines, skip)
    language = guess_language(text)
    excluded = _excluded(lines)
    found: list[Suggestion] = []
    for index, line in enumerate(lines):
        if index in excluded or not _is_prose(line):
            continue
        for sentence in _sentences(line.full):
            found += _facts(line.number, sentence, language)
    return found


def _excluded(lines: list[Line]) -> set[int]:
    """Indexes of lines in a questions section, and of the header (title, byline, date)."""
    excluded: set[int] = set()
    for start in section_starts(lines):
        _, end = section_pairs(lines, start, [])
        excluded.update(range(start, end))
    first_prose = next((i for i, line in enumerate(lines) if _is_prose(line)), len(lines))
    excluded.update(range(first_prose))
    return excluded


def _is_prose(line: Line) -> bool:
    """A line of running text: not a heading, list item, bold line or short header line."""
    if line.heading or line.bold or line.bullet or line.numbered or not line.text:
        return False
    return len(line.text.split()) >= 8 and line.text.rstrip()[-1:] in '.!?»”"'


def _sentences(text: str) -> list[str]:
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if parts and _ABBREVIATIONS.search(parts[-1]):
            parts[-1] += " " + piece  # "Dr. Ann", "U.S. envoy"
        else:
            parts.append(piece)
    return [part.strip() for part in parts if len(part.split()) >= 5]


def _facts(line: int, sentence: str, language: Language) -> list[Suggestion]:
    dates = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    found: list[tuple[int, Suggestion]] = []
    for match in _numbers(language).finditer(sentence):
        start, end = match.start("number"), match.end()
        if any(a <= start < b for a, b in dates) or _TIME.match(sentence[end:]):
            continue
        if sentence[start - 1 : start] == "-" or re.match(r"-\d", sentence[end:]):
            continue  # part of a name or a range: "F-16", "2-1"
        if re.fullmatch(r"(?:19|20)\d{2}", match["number"]) and not match["multiplier"]:
            continue  # a year: a date, asked as one
        suggestion = _numeric(line, sentence, match, language)
        if suggestion is not None:
            found.append((start, suggestion))
    for start, end in dates:
        found.append((start, _cloze(line, sentence, start, end)))
    for match in _TIME_OF_DAY.finditer(sentence):
        found.append((match.start(), _cloze(line, sentence, match.start(), match.end())))
    for match in _NAME.finditer(sentence):
        start, name = _name_in(sentence, match)
        if name is not None:
            found.append((start, _cloze(line, sentence, start, start + len(name))))
    return [suggestion for _, suggestion in sorted(found, key=lambda pair: pair[0])]


def _name_in(sentence: str, match: re.Match[str]) -> tuple[int, str | None]:
    """(where, the name) in a run of capitalised words, without a leading article or title
    (`The Little Lights` -> `Little Lights`, `Dr Niamh Gallagher` -> `Niamh Gallagher`);
    a run that starts the sentence counts only when two capitalised words remain."""
    words = match[0].split()
    dropped = 0
    while dropped < len(words) - 1 and (
        words[dropped] in _LEAVE_OUT_NAMES or words[dropped].lower() in TITLE_WORDS
    ):
        dropped += 1
    kept = words[dropped:]
    if len(kept) < 2 or any(word.lower() in ALL_MONTHS for word in kept):
        return match.start(), None
    start = match.start() + len(" ".join(words[:dropped])) + (1 if dropped else 0)
    return start, " ".join(kept)


@functools.cache
def _numbers(language: Language) -> re.Pattern[str]:
    hedges = "|".join(
        re.escape(h) for h in sorted(language.hedges | language.open_hedges, key=len, reverse=True)
    )
    words = "|".join(sorted(language.number_words, key=len, reverse=True))
    return re.compile(
        rf"(?i)(?:\b(?P<hedge>{hedges})\s+)?"
        rf"(?<![\w.,])(?P<number>\d{{1,3}}(?:[.,]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
        rf"|(?:{words})(?=\s+[^\W\d_]))(?P<multiplier>{_MULTIPLIER})?(?![\w]|[.,]\d)"
    )


def _numeric(
    line: int, sentence: str, match: re.Match[str], language: Language
) -> Suggestion | None:
    value = language.number_value(match["number"])
    if value is None:
        return None
    if match["multiplier"]:
        word = match["multiplier"].strip().lower()
        value *= Decimal(10) ** (9 if word.startswith(("billion", "milliarden", "mil ")) else 6)
    hedge = (match["hedge"] or "").lower()
    tolerance: float = hedged_tolerance(value) if hedge else 0
    hyphened = re.match(r"-([^\W\d_]+)", sentence[match.end() :])  # "1.3-kilometre street"
    unit = hyphened[1] if hyphened else unit_after(sentence[match.end() :], language)
    number: int | float = int(value) if value == value.to_integral_value() else float(value)
    blanked = sentence[: match.start("number")] + "___" + sentence[match.end() :]
    question: dict[str, Any] = {
        "kind": "numeric",
        "prompt": f"Fill in the number: {blanked}",
        "answer": number,
        "tolerance": tolerance,
        "source_line": line,
    }
    if unit is not None:
        question["unit"] = unit
    key = match[0][match.start("number") - match.start() :].strip()
    return Suggestion(line, sentence, key, question)


def _cloze(line: int, sentence: str, start: int, end: int) -> Suggestion:
    key = sentence[start:end]
    text = sentence[:start] + "{{" + key + "}}" + sentence[end:]
    return Suggestion(line, sentence, key, {"kind": "cloze", "text": text, "source_line": line})
