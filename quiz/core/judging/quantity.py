"""Reading a typed number answer: "about 6.022 × 10^23", "- 273.15 °C", "¾", "1.5 million".

A hedge ("about", "~") is read as the number it hedges, a unit may be written, omitted or
spelled out, and a unit that is not the question's ("5 m" for a question in km) makes the
answer wrong rather than being ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.core.judging.forms import casefold, prepare, uses_decimal_comma
from quiz.core.judging.numbers import finite, fraction_value, word_number

_HEDGES = re.compile(
    r"^(?:(?:more than|less than|fewer than|at least|at most|up to|más de|menos de|mehr als|"
    r"weniger als|bis zu|over|under|unas|unos|casi|über|mindestens|"
    r"about|around|approximately|approx\.?|roughly|nearly|almost|some|circa|ca\.?|c\.|"
    r"close to|more or less|just over|just under|estimated|est\.?|~|≈|≃|±|etwa|ungefähr|"
    r"environ|alrededor de|aproximadamente|около|примерно|rund|knapp|etwa|cerca de|quasi|"
    r"presque|fast|in|on|at|by|since|the year|year)(?=[\s\d.,+-]|$)\s*)+"
)
_TRAILING_HEDGES = re.compile(r"\s*(?:or so|ish|approximately|approx\.?|roughly|or thereabouts)$")
_SCIENTIFIC = re.compile(
    r"^(?P<mantissa>[-+]?\d+(?:[.,]\d+)?)\s*(?:x|×|\*|·|⋅)\s*10\s*(?:\^|\*\*)\s*(?P<power>[-+]?\d+)$"
)
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
                "mn": 1e6, "bn": 1e9, "tausend": 1e3, "millionen": 1e6, "million.": 1e6,
                "mio": 1e6, "mio.": 1e6, "milliarden": 1e9, "mrd": 1e9, "mrd.": 1e9,
                "millions": 1e6, "milliards": 1e9, "mil": 1e3, "millones": 1e6}  # fmt: skip
_FRACTION_WORDS = {"half": 0.5, "halves": 0.5, "quarter": 0.25, "quarters": 0.25,
                   "third": 1 / 3, "thirds": 1 / 3, "fifth": 0.2, "fifths": 0.2,
                   "tenth": 0.1, "tenths": 0.1, "eighth": 0.125, "eighths": 0.125}  # fmt: skip
_ERAS = re.compile(r"\s*\b(bc|bce|b\.c\.|b\.c\.e\.|ad|ce|a\.d\.|c\.e\.)$")
"""Years before or in the common era: "44 BC" is -44, "1969 AD" is 1969."""
_UNIT_ALIASES = (
    ("°c", "c", "ºc", "deg c", "degc", "degrees", "degree", "degrees c", "degrees celsius",
     "degree celsius", "celsius", "centigrade"),
    ("°f", "f", "ºf", "deg f", "degf", "degrees f", "degrees fahrenheit", "fahrenheit"),
    ("k", "kelvin", "kelvins", "°k"),
    ("%", "percent", "per cent", "pct"),
    ("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers"),
    ("m", "metre", "metres", "meter", "meters"),
    ("cm", "centimetre", "centimetres", "centimeter", "centimeters"),
    ("mm", "millimetre", "millimetres", "millimeter", "millimeters"),
    ("kg", "kgs", "kilogram", "kilograms", "kilo", "kilos"),
    ("g", "gram", "grams", "gramme", "grammes"),
    ("t", "tonne", "tonnes", "ton", "tons"),
    ("l", "litre", "litres", "liter", "liters"),
    ("ml", "millilitre", "millilitres", "milliliter", "milliliters"),
    ("s", "sec", "secs", "second", "seconds"),
    ("min", "mins", "minute", "minutes"),
    ("h", "hr", "hrs", "hour", "hours"),
    ("d", "day", "days"),
    ("yr", "yrs", "year", "years"),
    ("mph", "miles per hour"),
    ("km/h", "kph", "kmh", "kilometres per hour", "kilometers per hour"),
    ("m/s", "metres per second", "meters per second"),
    ("mi", "mile", "miles"),
    ("ft", "foot", "feet"),
    ("in", "inch", "inches"),
    ("$", "usd", "dollar", "dollars", "us$"),
    ("€", "eur", "euro", "euros"),
    ("£", "gbp", "pound", "pounds"),
)  # fmt: skip
"""Spellings of the same unit; the first is its canonical name."""
_UNIT_OF = {alias: group[0] for group in _UNIT_ALIASES for alias in group}


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed number answer says: its value, and whether its unit is the question's."""

    value: float | None
    wrong_unit: str | None = None
    """The unit written when it is another one than the question's ("m" for "km")."""


def unit_name(unit: str) -> str:
    """The canonical name of a unit ("kilometres" -> "km"), or the unit folded if unknown."""
    key = " ".join(casefold(prepare(unit)).replace("^", "").split())
    if key not in _UNIT_OF:
        key = re.sub(r"[\s·⋅*.]", "", key)  # "J s", "J·s", "Js"
    return _UNIT_OF.get(key, _UNIT_OF.get(key.rstrip("s"), key))


def read_quantity(text: str, unit: str | None, *, language: str = "en") -> Reading:
    """Read a typed number answer to a question whose unit is `unit` (None: no unit)."""
    value = " ".join(casefold(prepare(text)).split()).rstrip(".!")
    value = _HEDGES.sub("", value)
    value = _TRAILING_HEDGES.sub("", value).strip()
    value = re.sub(r"^(?:minus|negative)\s+(?=[\d.])", "-", value)  # "minus 273.15"
    before_era = value
    value = _ERAS.sub("", value).strip()
    negative_era = value != before_era and before_era[len(value) :].strip().startswith("b")
    value = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", value)  # "forty-two", "three-quarters"
    expected_unit = unit_name(unit) if unit else None
    as_written = " ".join(casefold(prepare(unit)).split()) if unit else None
    number_text, written_unit = _split_unit(value, expected_unit, as_written)
    if written_unit is not None and expected_unit is not None and written_unit != expected_unit:
        return Reading(_number(number_text, language), wrong_unit=written_unit)
    if written_unit is None and expected_unit is not None and _names_a_unit(number_text):
        return Reading(None, wrong_unit=number_text.split()[-1])  # "42 millas" for km
    number = _number(number_text, language)
    if number is not None and written_unit == "%" and expected_unit is None:
        number = number / 100  # "75%" for a proportion of 0.75
    if number is not None and negative_era:
        number = -number
    return Reading(number)


def _names_a_unit(number_text: str) -> bool:
    """A number followed by a word that is no number word: a unit, but not the question's."""
    words = number_text.split()
    return (
        len(words) > 1
        and any(ch.isdigit() for ch in words[0])
        and words[-1].isalpha()
        and (words[-1] not in _MULTIPLIERS)
    )


def _split_unit(
    value: str, expected_unit: str | None, as_written: str | None = None
) -> tuple[str, str | None]:
    """The number part and the unit written (canonical), if any, before or after it."""
    for own in dict.fromkeys(u for u in (as_written, expected_unit) if u):
        # the question's own unit first, as the teacher wrote it, then its usual name
        if value.endswith(own) and value[: -len(own)].strip():
            rest = value[: -len(own)].strip()
            described = re.fullmatch(r"(\S*\d\S*)((?:\s+[^\W\d_]+){1,3})", rest)
            if described is not None and not any(
                _is_number_part(word) or word in _UNIT_OF for word in described[2].split()
            ):
                return described[1], expected_unit  # "1,240 grey seal pups"
            return rest, expected_unit
        if value.startswith(own) and value[len(own) :].strip():
            return value[len(own) :].strip(), expected_unit
    for alias in sorted(_UNIT_OF, key=len, reverse=True):
        for candidate in (alias, alias + "s"):
            if value.endswith(candidate) and _boundary_before(value, len(candidate)):
                rest = value[: -len(candidate)].strip()
                if rest and (rest[-1].isdigit() or rest.split()[-1] in _MULTIPLIERS):
                    return rest, _UNIT_OF[alias]
            if value.startswith(candidate) and candidate in ("$", "€", "£", "us$"):
                return value[len(candidate) :].strip(), _UNIT_OF[alias]
    words = value.split()
    if expected_unit is not None:
        return value, None  # any other word after the number is looked at as a unit
    # "300 people", "1918 (the end of the war)": trailing words of a question without a
    # unit say what is counted; the number is what is judged.
    while len(words) > 1 and not _is_number_part(words[-1]):
        words.pop()
    return " ".join(words), None


def _boundary_before(value: str, size: int) -> bool:
    before = value[:-size].rstrip()
    return bool(before) and (value[-size - 1 : -size] in (" ", "") or before[-1].isdigit())


def _is_number_part(word: str) -> bool:
    return (
        any(ch.isdigit() for ch in word)
        or word in _MULTIPLIERS
        or word_number([word]) is not None
        or word in ("and", "a")
    )


def _number(text: str, language: str) -> float | None:
    """The value of the number part, in any of the forms learners type."""
    text = re.sub(r"^([-+])\s+(?=\d)", r"\1", text.strip())
    if not text:
        return None
    if power := re.fullmatch(r"10\s*(?:\^|\*\*)\s*(-?\d+)", text):
        return finite(10.0 ** int(power.group(1)))
    if match := _SCIENTIFIC.match(text):
        mantissa = _plain_number(match.group("mantissa"), language)
        if mantissa is None:
            return None
        return finite(mantissa * 10.0 ** int(match.group("power")))
    words = text.split()
    if len(words) == 2 and words[1] in _MULTIPLIERS:
        base = _plain_number(words[0], language)
        return None if base is None else finite(base * _MULTIPLIERS[words[1]])
    if len(words) == 2 and "/" in words[1] and words[0].isdigit():
        part = fraction_value(words[1])
        return None if part is None else int(words[0]) + part
    if "/" in text:
        return fraction_value(text)
    if len(words) <= 2 and words[-1] in _FRACTION_WORDS:  # "a quarter", "three quarters"
        count = 1 if len(words) == 1 or words[0] in ("a", "one") else word_number(words[:1])
        if isinstance(count, tuple):
            count = count[0]
        return None if count is None else count * _FRACTION_WORDS[words[-1]]
    spelled = word_number(words)
    if spelled is not None and spelled[1] == len(words):
        return float(spelled[0])
    if spelled is not None and spelled[1] == len(words) - 1 and words[-1] in _MULTIPLIERS:
        return float(spelled[0]) * _MULTIPLIERS[words[-1]]
    return _plain_number(text, language)


_FORMS_POINT = (
    (r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?", "", "."),  # 123  -5  1.5e3  .5
    (r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?", ",", "."),  # 1,234  1,234.5
    (r"[+-]?[1-9]\d{0,2}(?:[ \u00a0\u202f']\d{3})+(?:[.,]\d+)?", " ", "."),  # 1 234  1'234
    (r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+,\d+", ".", ","),  # 1.234,5
    (r"[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}", ".", "."),  # 1.234.567
    (r"[+-]?\d*,\d+", "", ","),  # 3,5  0,125  1234,5 (not 1,234: tried above)
)
_FORMS_COMMA = (
    (r"[+-]?(?:\d+(?:,\d*)?|,\d+)(?:e[+-]?\d+)?", "", ","),  # 3,5  1,5e3
    (r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?", ".", ","),  # 1.234  1.234,5
    (r"[+-]?[1-9]\d{0,2}(?:[ \u00a0\u202f']\d{3})+(?:,\d+)?", " ", ","),  # 1 234,5
    (r"[+-]?\d+\.\d+(?:e[+-]?\d+)?", "", "."),  # 3.14 typed the English way
)
"""Accepted spellings of a number with their thousands and decimal marks, tried in order;
decks in a decimal-comma language read "1.234" as a thousand and "3,5" as three and a half."""


def _plain_number(text: str, language: str) -> float | None:
    forms = _FORMS_COMMA if uses_decimal_comma(language) else _FORMS_POINT
    for pattern, thousands, decimal in forms:
        if re.fullmatch(pattern, text):
            if thousands == " ":
                text = re.sub(r"[ \u00a0\u202f']", "", text).replace(",", ".")
            elif thousands:
                text = text.replace(thousands, "")
            if decimal == ",":
                text = text.replace(",", ".")
            try:
                return finite(float(text))
            except ValueError:
                return None
    return None
