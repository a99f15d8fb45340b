"""The comparable form of a typed answer: what may differ without changing the answer.

Case, spacing, sentence punctuation, quotes and (where the deck says so) accents never matter;
digits, signs and the symbols that carry meaning (`+`, `#`, `%`, `°`, `√`, `≤`, ...) always do.
Numbers are read in any written form ("II", "2", "two", "2nd", "second"), so "World War II"
and "World War 2" have the same form and "Elizabeth I" and "Elizabeth II" do not; symbols
read out in words are symbols ("C sharp" is "C#", "minus one" is "-1").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from quiz.core.judging.numbers import mark_powers, ordinal_value, roman_value, word_number
from quiz.core.text import fold_accents, sanitize

NEGATIONS = frozenset(
    {"not", "no", "non", "never", "nor", "without", "nicht", "kein", "keine", "pas", "ne",
     "nie", "sin", "nunca", "nao", "nem", "nein"}
)  # fmt: skip
"""Words that turn an answer into its opposite ("guilty" and "not guilty")."""

MINUS = "\u2212"
"""A minus that is part of the answer ("O-", "e^-x"), kept apart from a dash between words."""

_QUOTES = str.maketrans({"’": "'", "‘": "'", "‚": "'", "`": "'", "´": "'", "“": '"', "”": '"',
                         "′": "'", "″": '"'})  # fmt: skip
_DASHES = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-",
                         "\u2013": "-", "\u2014": "-"})  # fmt: skip
_SAME_SYMBOL = str.maketrans({"♯": "#", "∆": "Δ", "×": "x"})
_DIGRAPHS = (("<=", "≤"), (">=", "≥"), ("=/=", "≠"), ("!=", "≠"), ("<>", "≠"), ("+/-", "±"),
             ("->", "→"))  # fmt: skip
_NOT = re.compile(r"n't\b|n’t\b", re.IGNORECASE)
_SIGNIFICANT_MINUS = re.compile(
    r"(?:(?<=[^\W_])|(?<=\^))-(?=\s|$)|(?<=\^)-(?=[^\W\d_])|(?:(?<=\s)|^)-(?=[^\s\d.,])"
    r"|(?<=\s)-$"
)
"""A minus ending a word ("O-", "Cl-"), negating an exponent ("e^-x") or starting one
("-∞", "-x") or ending the answer ("Cl -"); a hyphen inside a word ("Wi-Fi") is not one."""
_COMBINING = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc-\u09cd"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
"""Combining marks that belong to the letter before them (`re` word class leaves them out)."""
_TOKEN = re.compile(
    r"(?:(?<![\w.,+#-])[-+]\s*)?\d+(?:[.,]\d+)*(?:st|nd|rd|th)?\b(?:\^-?\d+)?"  # numbers, signed
    rf"|[^\W_](?:[^\W_]|[{_COMBINING}])*"  # words (letters, digits, marks of any script)
    r"|[^\w\s]"  # any other single character: kept only if it is a symbol (see `_symbol`)
)
_SYMBOL_WORDS = {"plus": "+", "minus": MINUS, "negative": MINUS, "neg": MINUS,
                 "positive": "+", "pos": "+", "sharp": "#", "flat": "♭", "infinity": "∞",
                 "percent": "%", "pct": "%", "sqrt": "√", "root": "√", "delta": "δ"}  # fmt: skip
"""Symbols read out in words ("C sharp", "AB positive", "minus 89")."""
_NUMBER_MARKERS = frozenset({"no", "nr", "number", "num", "#", "nº", "n°"})
"""Words that only announce the number after them ("Symphony No. 9")."""
_SPELLING_VARIANTS = (("isation", "ization"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing"),
                      ("yse", "yze"), ("our", "or"), ("tre", "ter"), ("ogue", "og"),
                      ("ical", "ic"), ("one", "on"))  # fmt: skip
"""British and American endings (and -ic/-ical), read as one: "organisation", "organization"."""
_DECIMAL_COMMA_LANGUAGES = frozenset(
    {"de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "ru", "uk", "be", "bg", "sv", "da",
     "no", "nb", "fi", "tr", "el", "hu", "ro", "hr", "sl", "sr", "lt", "lv", "et", "ca", "id"}
)  # fmt: skip
"""Languages that write 3,5 for three and a half and 1.000 for a thousand."""


def language_code(language: str) -> str:
    """ "en" for "en-GB": the language without its region."""
    return language.split("-")[0].lower()


def uses_decimal_comma(language: str) -> bool:
    """Whether numbers in a deck of this language use a decimal comma."""
    return language_code(language) in _DECIMAL_COMMA_LANGUAGES


@dataclass(frozen=True, slots=True)
class Form:
    """A typed text as comparable tokens."""

    tokens: tuple[str, ...]
    """Case-folded words, canonical numbers ("2", "-1", "0.5") and meaningful symbols."""

    @property
    def compact(self) -> str:
        """The tokens without spaces: "U.K.", "U K" and "UK" are all "uk"."""
        return "".join(self.tokens)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(sorted(t for t in self.tokens if is_number(t)))

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(sorted(t for t in self.tokens if is_symbol(t)))

    @property
    def negations(self) -> frozenset[str]:
        return frozenset(t for t in self.tokens if t in NEGATIONS)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t for t in self.tokens if not is_number(t) and not is_symbol(t))


def is_number(token: str) -> bool:
    return bool(token) and (token[0].isdigit() or (token[0] == "-" and len(token) > 1))


_SYMBOL_PUNCTUATION = frozenset("#%‰†‡§")
_NOT_SYMBOLS = frozenset("^`´¨¯¸˜")
"""Punctuation that carries meaning ("C#", "5%"), and marks that only decorate."""


def is_symbol(token: str) -> bool:
    """A one-character token that changes the answer: `+`, `#`, `%`, `°`, `√`, `≤`, `−`."""
    if len(token) != 1 or token in _NOT_SYMBOLS:
        return False
    return token in _SYMBOL_PUNCTUATION or unicodedata.category(token)[0] == "S"


def prepare(text: str) -> str:
    """Untrusted typed text made comparable character by character (before tokens)."""
    text = mark_powers(sanitize(text))
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_DASHES)
    for ascii_form, symbol in _DIGRAPHS:
        text = text.replace(ascii_form, f" {symbol} ")
    text = _SIGNIFICANT_MINUS.sub(f" {MINUS} ", text.translate(_SAME_SYMBOL))
    return _NOT.sub(" not", text)


def casefold(word: str) -> str:
    """Case folding of the decomposed word, composed again (Ϋ̀ folds to ϋ + grave, which is
    ῢ); the Turkish capital İ folds to a plain i (without its combining dot).

    Decomposing first puts marks in canonical order before folding: ῌ typed with a
    perispomeni folds to the same ῆι as ῇ only then (folded whole, the tilde lands on the ι).
    A plain capital I stays i, although Turkish pairs it with ı: learners type it for both.
    """
    folded = unicodedata.normalize("NFD", word).casefold()
    return unicodedata.normalize("NFC", folded).replace("i\u0307", "i")


def form_of(text: str, *, language: str, fold: bool) -> Form:
    """The comparable form of `text`; `fold` drops accents (é = e, ł = l, ı = i)."""
    raw = [token for token in _TOKEN.findall(prepare(text)) if _kept(token)]
    lowered = [casefold(token) for token in raw]
    decimal_comma = uses_decimal_comma(language)
    english = language_code(language) == "en"
    tokens: list[str] = []
    index = 0
    while index < len(raw):
        token, low = raw[index], lowered[index]
        spelled = word_number(lowered[index:])
        if low[0].isdigit() or low[0] in "+-":
            tokens.append(_canonical_number(low, decimal_comma))
        elif (value := ordinal_value(low)) is not None:
            tokens.append(str(value))
        elif spelled is not None and not (low == "a" and spelled[1] == 1):
            tokens.append(str(spelled[0]))
            index += spelled[1]
            continue
        elif _reads_as_roman(raw, index) and (roman := roman_value(token.upper())) is not None:
            tokens.append(str(roman))
        elif low == "&":
            tokens.append("and")
        elif low in _SYMBOL_WORDS:
            tokens.append(_SYMBOL_WORDS[low])
        else:
            word = fold_accents(low).replace("ı", "i") if fold else low
            tokens.append(_one_spelling(word) if english else word)
        index += 1
    return Form(tuple(_signed(_without_markers(tokens))))


def _kept(token: str) -> bool:
    """Words, numbers and symbols; punctuation and other marks are dropped."""
    return token[0].isalnum() or (token[0] in "+-" and len(token) > 1) or is_symbol(token)


def _one_spelling(word: str) -> str:
    for british, american in _SPELLING_VARIANTS:
        if word.endswith(british) and len(word) > len(british) + 2:
            return word[: -len(british)] + american
    return word


def _reads_as_roman(raw: list[str], index: int) -> bool:
    """A Roman numeral of I, V and X that ends a name ("Henry VIII", "World War II",
    "Elizabeth I", "Louis XIV of France"), in any case: never the pronoun in "Paris, I
    think", nor a word such as "Mix"."""
    token = raw[index]
    if index == 0 or set(token.upper()) - set("IVX") or not raw[index - 1].isalpha():
        return False
    following = raw[index + 1] if index + 1 < len(raw) else ""
    return following.lower() in ("", "of")


def _without_markers(tokens: list[str]) -> list[str]:
    """ "Henry the Eighth" is "Henry 8" and "Symphony No. 9" is "Symphony 9": a "the" or a
    "number" before a number is not part of the answer."""
    kept = []
    for position, token in enumerate(tokens):
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        if token in ("the", *_NUMBER_MARKERS) and is_number(following):
            continue
        kept.append(token)
    return kept


def _signed(tokens: list[str]) -> list[str]:
    """A sign before a number belongs to it ("minus 1" is "-1"); a plus before a number or
    infinity says nothing ("+1" is "1", "+∞" is "∞")."""
    signed: list[str] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        if token == "+" and (is_number(following) or following == "∞"):
            position += 1
            continue
        if token == MINUS and following[:1].isdigit():
            signed.append("-" + following)
            position += 2
            continue
        signed.append(token)
        position += 1
    return signed


def _canonical_number(token: str, decimal_comma: bool) -> str:
    """ "1,000" and "1000" are "1000"; "3.50" is "3.5"; "- 1" is "-1"; "+2" and "2nd" are "2"."""
    token = token.replace(" ", "")
    power = ""
    if "^" in token:
        token, _, exponent = token.partition("^")
        power = "^" + exponent
    digits = re.sub(r"(st|nd|rd|th)$", "", token).lstrip("+")
    thousands, decimal = (".", ",") if decimal_comma else (",", ".")
    grouped = re.fullmatch(rf"-?\d{{1,3}}(?:\{thousands}\d{{3}})+(?:\{decimal}\d+)?", digits)
    if grouped:
        digits = digits.replace(thousands, "")
    digits = digits.replace(decimal, ".").replace(",", ".")
    if digits.count(".") > 1:
        return token + power
    try:
        value = float(digits)
    except ValueError:
        return token + power
    sign = "-" if digits.startswith("-") else ""
    number = f"{abs(value):.12g}" if "." in digits else str(int(abs(value)))
    return sign + number + power
