"""What the article importer knows of the languages it reads (English, German, Spanish):
month names, number words and separators, hedges, question words and section titles.

The language of an article is guessed from its most common short words (`guess_language`);
it decides how `9.000` reads (nine thousand in German and Spanish, nine in English).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property


def word_list(text: str) -> list[str]:
    """The words of `text`: long word lists read better as one string."""
    return text.split()


def word_set(text: str) -> frozenset[str]:
    """The words of `text` as a set, for membership tests."""
    return frozenset(text.split())


MONTHS: dict[str, dict[str, int]] = {
    "en": {
        **{
            name: number
            for number, name in enumerate(
                word_list(
                    "january february march april may june july august september october"
                    " november december"
                ),
                start=1,
            )
        },
        **{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8},
        **{"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12},
    },
    "de": {
        name: number
        for number, name in enumerate(
            word_list(
                "januar februar märz april mai juni juli august september oktober november dezember"
            ),
            start=1,
        )
    },
    "es": {
        **{
            name: number
            for number, name in enumerate(
                word_list(
                    "enero febrero marzo abril mayo junio julio agosto septiembre octubre"
                    " noviembre diciembre"
                ),
                start=1,
            )
        },
        "setiembre": 9,
    },
}
ALL_MONTHS = {name: number for table in MONTHS.values() for name, number in table.items()}
_MONTH = "|".join(sorted(ALL_MONTHS, key=len, reverse=True))

_NUMBER_WORDS = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen"
    " fourteen fifteen sixteen seventeen eighteen nineteen twenty",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce",
}
_COMMON_WORDS = {
    "en": "the and of to is in that was for with are on as by it",
    "de": "der die und das ist nicht mit den von zu im auf für sich dem des ein eine",
    "es": "el la los las y que de en por con para una del se es un su al",
}


@dataclass(frozen=True)
class Language:
    """One language's words, as the importer uses them (the patterns built from them are
    built once per language: they are matched against every answer and sentence)."""

    code: str
    hedges: frozenset[str]
    """Words that make a number approximate: it gets a 5% tolerance."""
    open_hedges: frozenset[str]
    """`More than 300`: approximate too, and the tolerance is only a guess (a warning)."""
    exact_prefixes: tuple[str, ...]
    """Words that may stand before an exact number (`By 25 minutes`, `At least 50`)."""
    when_words: tuple[str, ...]
    how_many_words: tuple[str, ...]
    who_words: tuple[str, ...]
    reason_words: tuple[str, ...]
    """Questions no short answer can answer (why, explain): always flashcards."""
    stop_words: frozenset[str]
    of_words: frozenset[str] = field(default=frozenset({"of", "von", "de"}))

    @property
    def decimal_comma(self) -> bool:
        return self.code != "en"

    @cached_property
    def number_words(self) -> dict[str, int]:
        return {word: value for value, word in enumerate(_NUMBER_WORDS[self.code].split())}

    @cached_property
    def leading_number(self) -> re.Pattern[str]:
        hedges = "|".join(
            re.escape(h) for h in sorted(self.hedges | self.open_hedges, key=len)[::-1]
        )
        exact = "|".join(re.escape(p) for p in self.exact_prefixes)
        words = "|".join(sorted(self.number_words, key=len, reverse=True))
        return re.compile(
            rf"(?i)^(?:(?P<hedge>{hedges})\s+|(?:{exact})\s+)?"
            rf"(?P<number>\d[\d.,]*\d|\d|(?:{words})\b)"
        )

    def number_value(self, text: str) -> Decimal | None:
        """`9,000` -> 9000 (English), `9.000` -> 9000 and `4,5` -> 4.5 (German, Spanish),
        `Three` -> 3; None for what is not one number (`1.2.3`)."""
        word = self.number_words.get(text.lower())
        if word is not None:
            return Decimal(word)
        thousands, decimal = (".", ",") if self.decimal_comma else (",", ".")
        groups = text.split(decimal)
        if len(groups) > 2:
            return None
        whole = groups[0]
        if thousands in whole and not re.fullmatch(
            rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", whole
        ):
            return None
        digits = whole.replace(thousands, "") + ("." + groups[1] if len(groups) == 2 else "")
        try:
            return Decimal(digits)
        except InvalidOperation:
            return None

    @cached_property
    def month_after_day(self) -> re.Pattern[str]:
        return re.compile(rf"(?i)^\.?\s+(?:de\s+)?(?:{_MONTH})\b")

    @cached_property
    def leading_date(self) -> re.Pattern[str]:
        day = r"\d{1,2}(?:st|nd|rd|th|\.)?(?!\d)"
        year = r"\d{4}"
        return re.compile(
            rf"(?i)^(?:{day}\s+(?:de\s+|of\s+)?(?:{_MONTH})\b(?:,?\s+(?:de\s+)?{year})?"
            rf"|(?:{_MONTH})\b\s+{day}(?:,?\s+{year})?"
            rf"|(?:{_MONTH})\b(?:\s+(?:de\s+)?{year})?"
            rf"|{year}s"
            rf"|{year}(?!\s*[.,]?\d))"
        )

    def date_alternatives(self, key: str) -> list[str]:
        """Other ways to write a date key: `16 March` <-> `March 16`; without its year."""
        alternatives: list[str] = []
        day_first = re.fullmatch(
            rf"(?i)(\d{{1,2}})(?:st|nd|rd|th)?(\.?)\s+(de\s+)?({_MONTH})(?:,?\s+(?:de\s+)?(\d{{4}}))?",
            key,
        )
        month_first = re.fullmatch(
            rf"(?i)({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?", key
        )
        if day_first is not None:
            day, dot, de, month, year = day_first.groups()
            if year:
                alternatives.append(f"{day}{dot} {de or ''}{month}".replace("  ", " "))
            if self.code == "en":
                alternatives.append(f"{month} {day}" + (f", {year}" if year else ""))
        elif month_first is not None:
            month, day, year = month_first.groups()
            alternatives.append(f"{day} {month}" + (f" {year}" if year else ""))
            if year:
                alternatives.append(f"{month} {day}")
        return alternatives


ENGLISH = Language(
    code="en",
    hedges=frozenset(
        {
            "about",
            "around",
            "nearly",
            "some",
            "roughly",
            "almost",
            "approximately",
            "approx.",
            "circa",
            "close to",
        }
    ),
    open_hedges=frozenset({"more than", "over", "under", "fewer than", "less than", "up to"}),
    exact_prefixes=("by", "at least", "exactly", "only", "just"),
    when_words=("when", "what date", "on what day", "on which day", "in which year", "what year"),
    how_many_words=(
        "how many",
        "how much",
        "how long",
        "how far",
        "how big",
        "how high",
        "how old",
        "how often",
        "by how much",
        "by how many",
    ),
    who_words=("who", "whom", "which company", "which firm", "which organisation"),
    reason_words=("why", "explain", "describe", "for what reason"),
    stop_words=word_set(
        "a an the per of and or to in on at for from with by each every than as this that"
        " down up more less during since until between over under after before across into"
        " about like so but"
    ),
)
GERMAN = Language(
    code="de",
    hedges=frozenset({"rund", "etwa", "fast", "ungefähr", "knapp", "circa", "ca."}),
    open_hedges=frozenset({"mehr als", "über", "weniger als", "bis zu"}),
    exact_prefixes=("um", "genau", "nur", "mindestens"),
    when_words=("wann", "an welchem tag", "in welchem jahr", "seit wann"),
    how_many_words=("wie viele", "wie viel", "wie lang", "wie weit", "wie hoch", "wie oft"),
    who_words=("wer", "wem", "wen", "welche firma", "welches unternehmen"),
    reason_words=("warum", "weshalb", "wieso", "erkläre", "erklären", "beschreibe"),
    stop_words=word_set(
        "ein eine einer der die das den dem des pro je und oder zu im in am an auf für aus"
        " mit von bei als während seit bis über unter nach vor durch gegen ohne um so"
    ),
)
SPANISH = Language(
    code="es",
    hedges=frozenset({"unas", "unos", "cerca de", "casi", "aproximadamente", "alrededor de"}),
    open_hedges=frozenset({"más de", "menos de", "hasta"}),
    exact_prefixes=("en", "exactamente", "solo", "sólo", "al menos"),
    when_words=("cuándo", "cuando", "en qué fecha", "qué día", "en qué año"),
    how_many_words=("cuántos", "cuántas", "cuánto", "cuánta", "cuantos", "cuantas", "cuanto"),
    who_words=("quién", "quien", "quiénes", "qué empresa"),
    reason_words=("por qué", "porque", "explica", "describe"),
    stop_words=word_set(
        "un una unos unas el la los las de del al y o en por para con a que cada durante"
        " desde hasta entre sobre según sin tras"
    ),
)
LANGUAGES = {language.code: language for language in (ENGLISH, GERMAN, SPANISH)}


def guess_language(text: str) -> Language:
    """The language whose most common short words the text uses most (English on a tie)."""
    words = Counter(re.findall(r"[^\W\d_]+", text.lower()))
    scores = {
        code: sum(words[word] for word in common.split()) for code, common in _COMMON_WORDS.items()
    }
    best = max(scores, key=lambda code: (scores[code], code == "en"))
    return LANGUAGES[best]
