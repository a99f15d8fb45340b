"""An article's answer -> the question a teacher would accept: typed only where a short key
can be taken reliably from what the answer leads with.

- A number or quantity (`About 9,000 vehicles a day`, `By 25 minutes`, `Three of the
  district's eleven schools`, `Rund 9.000 Menschen`) -> `numeric` with its unit; tolerance 0
  for a number stated exactly, 5% for a hedged one (about, around, nearly, some, ...),
  rounded half up to one place below the number's last non-zero digit (about 9,000 -> 500,
  about 70 -> 4).
- A date (`From 1 July`, `In September 2026`, `Am 5. September 2026`) -> `short`, without
  its preposition, with the other order of day and month in `accept`.
- A name (`Mayor Ana Ruiz, who ...`, `At Skerry Point, a ...`, a list `A, B and 121 other
  prisoners were freed ...`) -> `short` without the title or preposition; a person's
  surname, or an organisation's name without `Energy`/`Transit`/..., in `accept`.
- A short noun phrase closed by a comma or full stop (`A temporary footbridge, which ...`)
  -> `short`, with a warning: a teacher may prefer a flashcard.
- Anything else -> a `flashcard` with the whole answer. An answer that starts with a pronoun
  is never a key; one that starts with Yes or No, or a when/how-many question answered by
  something else, is a flashcard with a warning.

Every rule reads only the answer's first clause, so a key is always words the article says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from quiz.core.interchange.article.language import Language, word_set

_PRONOUNS = word_set(
    "it its they them their he she his her we you i this that these those there one"
    " es sie er wir ihr ihm ihn dies diese dieser das man"
    " ella ello ellos ellas él eso esto"
)
"""First words that make an answer a sentence about something named elsewhere."""
_YES_NO = re.compile(r"(?i)^(?:yes|no|not\s+(?:all|yet|really|quite)|ja|nein|sí|si)\b[.,!;]?")
_CLAUSE_END = re.compile(
    r"\s*(?:[,.;:!?]|\s[—–-]\s|\(|$)"
    r"|\s+(?:who|whom|whose|which|where|when|that|der|die|das|dem|den|que|quien|donde)\b"
    r"|\s+(?:was|were|is|are|has\s+been|have\s+been|will\s+be)\s+(?:\w+ly\s+)?\w+(?:ed|en)\b"
)
"""Where the phrase an answer leads with stops: punctuation, a relative clause, or the
passive verb after a subject (`X were freed by ...`)."""
_PERSON_CLAUSE = re.compile(r"(?i),?\s*(?:who|whom|whose|der|die|que|quien)\b")
"""After a name, a relative clause that only a person takes (`Doug MacInnes, who ...`)."""
_ARTICLE = re.compile(r"(?i)^(?:the|a|an)\s+")
_LEADING_PREPOSITION = re.compile(
    r"(?i)^(?:from|on|in|at|since|until|by|am|im|ab|bis|seit|el|la|los|las|en|desde|hasta)\s+"
)
_ORG_WORDS = word_set(
    "energy transit group company council agency trust bank ltd limited inc plc university"
    " college hospital airport station services service holdings partners foundation"
    " association society institute ferries ferry airlines airways railways rail"
)
"""Last words of an organisation's name that a learner may leave out (`Brightfield`)."""
_PLACE_WORDS = word_set(
    "point park street road square bridge river lake hill hills bay harbour harbor island"
    " valley beach estate green lane avenue spit"
)
TITLE_WORDS = word_set(
    "mayor professor prof dr doctor president minister senator councillor councilor chief"
    " inspector commissioner officer head leader chair chairman chairwoman director architect"
    " judge captain general secretary governor sergeant detective sir dame lord lady mr mrs ms"
    " bürgermeister bürgermeisterin oberbürgermeister oberbürgermeisterin präsident präsidentin"
    " alcalde alcaldesa presidente presidenta ministro ministra doctora señor señora don doña"
    " st saint"
)
_NAME_ARTICLES = word_set("the der die das el la los las le les")
_NAME_JOINERS = word_set("of de del la van von der da di du le bin al")
_CAPITALISED = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.-]*$")


@dataclass(frozen=True)
class KeyedQuestion:
    """The question fields decided from one answer, and the warning if the choice is unsure."""

    fields: dict[str, Any]
    unsure: str | None = None


def keyed_question(prompt: str, answer: str, language: Language) -> KeyedQuestion:
    """The deck question (as model fields) for a question and its whole answer text."""
    lead = answer.split("\n\n", 1)[0].strip()
    first_word = re.split(r"[\s,.;:!?]+", lead, maxsplit=1)[0].lower()
    flashcard = {"kind": "flashcard", "prompt": prompt, "answer": answer}
    if first_word in _PRONOUNS:
        return KeyedQuestion(flashcard)
    if _YES_NO.match(lead):
        return KeyedQuestion(flashcard, "the answer starts with yes or no: a true/false question?")
    if _asks(prompt, language.reason_words):
        return KeyedQuestion(flashcard)  # why, explain: no short answer says it
    for rule in (_numeric, _date, _names, _whole_short_answer, _noun_phrase):
        found = rule(prompt, lead, answer, language)
        if found is not None:
            return found
    asks = _asks_for(prompt, language)
    if asks is not None:
        return KeyedQuestion(
            flashcard,
            f"the question asks for {asks} but the answer does not start with one:"
            " made a flashcard",
        )
    return KeyedQuestion(flashcard)


def _asks_for(prompt: str, language: Language) -> str | None:
    """`a date` or `a number` when the prompt asks when / how many, in the article's language."""
    if _asks(prompt, language.when_words):
        return "a date"
    if _asks(prompt, language.how_many_words):
        return "a number"
    return None


def _asks(prompt: str, words: tuple[str, ...]) -> bool:
    """Whether the prompt opens with one of `words` (`why`, `how many`, `¿cuántos`...)."""
    opening = prompt.lower().lstrip("¿¡ ")
    return any(opening.startswith(word) for word in words)


def _typed(kind: str, prompt: str, whole: str, **fields: Any) -> dict[str, Any]:
    """A typed question's fields; the article's whole answer becomes its explanation."""
    return {"kind": kind, "prompt": prompt, **fields, "explanation": whole}


# --- numbers ----------------------------------------------------------------------------------


def _numeric(prompt: str, lead: str, answer: str, language: Language) -> KeyedQuestion | None:
    match = language.leading_number.match(lead)
    if match is None:
        return None
    hedge = (match["hedge"] or "").strip().lower()
    digits = match["number"]
    value = language.number_value(digits)
    if value is None:
        return None
    rest = lead[match.end() :]
    numbers = rf"(?:\d|(?:{'|'.join(language.number_words)})\b)"
    if re.match(rf"(?i)(?:\s+[^\W\d_]+)?\s*(?:[-–]|to|bis|a|y|und|and)\s+{numbers}", rest):
        return KeyedQuestion(  # a range or a score (`Seven votes to four`): no single number
            {"kind": "flashcard", "prompt": prompt, "answer": answer},
            "the answer gives a range or a score, not one number: made a flashcard",
        )
    if _is_date_like(digits, rest, language):
        return None
    unit = unit_after(rest, language)
    tolerance: float = 0
    unsure = None
    if hedge in language.hedges or hedge in language.open_hedges:
        tolerance = hedged_tolerance(value)
    if hedge in language.open_hedges:
        tolerance = hedged_tolerance(value)
        unsure = f"{match['hedge'].strip()!r} {digits}: the tolerance ({tolerance:g}) is a guess"
    number: float | int = int(value) if value == value.to_integral_value() else float(value)
    fields = _typed("numeric", prompt, answer, answer=number, tolerance=tolerance)
    if unit is not None:
        fields["unit"] = unit
    return KeyedQuestion(fields, unsure)


def _is_date_like(digits: str, rest: str, language: Language) -> bool:
    """`1 July`, `5. September`, `12 de febrero`: a date, not a quantity."""
    return language.month_after_day.match(rest) is not None and digits.rstrip(".").isdigit()


def unit_after(rest: str, language: Language) -> str | None:
    """The counted noun after a number: `vehicles` in `9,000 vehicles a day`, `pups` in `1,240
    grey seal pups`, `schools` in `Three of the district's eleven schools`; None when none
    follows (`4,000 a year`, `About 140, mostly ...`)."""
    of_phrase = re.match(r"\s+(\w+)\s", rest)
    if of_phrase is not None and of_phrase[1].lower() in language.of_words:
        # `214 of the scheme's 600 bikes`: the noun after the second number
        counted = re.match(
            r"\s+\w+\s+(?:\w+\s+)?(?:[\w'’]+\s+)?(?:\d[\d.,]*|[^\W\d_]+)\s+(.*)", rest
        )
        return _noun(counted[1], language) if counted is not None else None
    return _noun(rest, language)


_NOT_NOUNS = word_set(
    "higher lower longer shorter wider deeper taller older younger more less fewer away ago"
    " old long wide high deep tall later earlier late early each apiece total overall"
    " only altogether"
)


def _noun(text: str, language: Language) -> str | None:
    """The last word of the noun phrase `text` starts with (up to three words, ended by a
    stop word or punctuation), skipping comparatives and adverbs (`60 centimetres higher`)."""
    words: list[str] = []
    for match in re.finditer(r"(\s*)(\S+)", text):
        word = match[2]
        if not re.fullmatch(r"[^\W\d_][\w-]*", word) or word.lower() in language.stop_words:
            if re.fullmatch(r"[^\W\d_][\w-]*[,.;:!?]", word):
                words.append(word[:-1])  # the phrase's last word, with its punctuation
            break
        words.append(word)
        if len(words) == 3:
            break
    nouns = [word for word in words if word.lower() not in _NOT_NOUNS]
    return nouns[-1] if nouns else None


def hedged_tolerance(value: Decimal) -> float:
    """5% of `value`, rounded half up to one place below its last non-zero digit."""
    exponent = _last_digit_exponent(value) - 1
    step = Decimal(1).scaleb(exponent)
    tolerance = (abs(value) * Decimal("0.05") / step).quantize(Decimal(1), ROUND_HALF_UP) * step
    tolerance = max(tolerance, step)
    return int(tolerance) if tolerance == tolerance.to_integral_value() else float(tolerance)


def _last_digit_exponent(value: Decimal) -> int:
    """The power of ten of the last non-zero digit: 9000 -> 3, 1240 -> 1, 4.5 -> -1."""
    _, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    return exponent if digits != (0,) else 0


# --- dates ------------------------------------------------------------------------------------


def _date(prompt: str, lead: str, answer: str, language: Language) -> KeyedQuestion | None:
    text = _LEADING_PREPOSITION.sub("", lead, count=1)
    text = _ARTICLE.sub("", text, count=1) if re.match(r"(?i)the\s+\d{4}s\b", text) else text
    match = language.leading_date.match(text)
    if match is None or not _CLAUSE_END.match(text, match.end()):
        return None
    key = match[0].strip()
    accept = [alternative for alternative in language.date_alternatives(key) if alternative != key]
    if re.fullmatch(r"\d{4}s", key):
        accept.append(f"the {key}")
    return KeyedQuestion(_typed("short", prompt, answer, answer=key, accept=accept))


# --- names ------------------------------------------------------------------------------------


def _names(prompt: str, lead: str, answer: str, language: Language) -> KeyedQuestion | None:
    text = _LEADING_PREPOSITION.sub("", lead, count=1)
    listed = _name_list(text, language)
    if listed is not None:
        return listed_names(prompt, answer, *listed)
    end = _CLAUSE_END.search(text)
    clause = text[: end.start() if end else len(text)].strip()
    words = clause.split()
    if not words or len(words) > 8:
        return None
    name_start = _name_start(words)
    if name_start is None:
        return None
    name = words[name_start:]
    if len(name) > 5 or name[-1].lower() in _NAME_JOINERS:
        return None
    if name_start == 0 and len(name) == 1 and name[0].lower() in language.stop_words:
        return None
    person = name_start > 0 or bool(end and _PERSON_CLAUSE.match(text, end.start()))
    joiner = next((i for i, word in enumerate(name) if word.lower() in _NAME_JOINERS), None)
    if person and joiner is not None and joiner >= 2:
        name = name[:joiner]  # `Professor Leonard Hale of Eastmoor University`
    article = name[0] if len(name) > 1 and name[0].lower() in _NAME_ARTICLES else None
    if article is not None:
        name = name[1:]  # `The United States`: typed without its article too
    key = " ".join(name)
    accept = _name_alternatives(name, prompt, person=person, language=language)
    if article is not None:
        accept.append(f"{article} {key}")
    if name_start > 0:
        accept.append(" ".join(words[:name_start] + name))
    return KeyedQuestion(_typed("short", prompt, answer, answer=key, accept=accept))


def _name_start(words: list[str]) -> int | None:
    """Where the name begins in a clause made of an optional title and a proper name
    (`Head librarian Joyce Mbeki` -> 2), or None when the clause is not one."""
    start = len(words)
    while start > 0 and (
        _CAPITALISED.match(words[start - 1])
        or (words[start - 1].lower() in _NAME_JOINERS and start < len(words))
    ):
        start -= 1
    while start < len(words) and words[start].lower() in _NAME_JOINERS:
        start += 1
    if start == len(words):
        return None
    while start < len(words) - 1 and words[start].lower() in TITLE_WORDS:
        start += 1
    prefix = words[:start]
    if any(re.search(r"\d", word) for word in prefix) or len(prefix) > 4:
        return None
    if prefix and not all(
        word.lower() in TITLE_WORDS or word.islower() or index == 0
        for index, word in enumerate(prefix)
    ):
        return None
    titled = any(word.lower() in TITLE_WORDS for word in prefix)
    if prefix and not titled and not (prefix[-1].islower() and len(prefix) <= 3):
        return None  # `Because ...`-like prefixes are not titles
    return start


def _name_alternatives(
    name: list[str], prompt: str, *, person: bool, language: Language
) -> list[str]:
    """A person's surname; an organisation's name without its generic last word."""
    if len(name) < 2:
        return []
    last = name[-1].lower()
    if last in _ORG_WORDS:
        return [" ".join(name[:-1])]
    if last in _PLACE_WORDS:
        return []
    asks_who = _asks(prompt, language.who_words)
    if person or asks_who:
        return [name[-1]]
    return []


def _name_list(text: str, language: Language) -> tuple[str, list[str]] | None:
    """`A B, C D, and 121 other prisoners` (names, then maybe `and N others`) at the start of
    `text`, closed like a clause: (the list as written, its names)."""
    name = r"[A-ZÀ-ÖØ-Þ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+){1,3}"
    others = r"\d[\d,]*\s+(?:other|more)\s+[^\W\d_]+|many\s+others|others"
    pattern = re.compile(
        rf"^(?P<list>{name}(?:,\s+{name})*,?\s+(?:and|&|und|y)\s+(?:{name}|{others}))"
    )
    match = pattern.match(text)
    if match is None or not _CLAUSE_END.match(text, match.end()):
        return None
    listed = match["list"]
    names = re.findall(name, listed)
    return listed, names


def listed_names(prompt: str, answer: str, listed: str, names: list[str]) -> KeyedQuestion:
    """A `short` question on a list of names, with the variants a teacher would accept."""
    trailing = re.search(
        r",?\s+(?:and|&)\s+(\d[\d,]*\s+(?:other|more)\s+\w+|\w+\s+others)$", listed
    )
    surnames = [n.split()[-1] for n in names]
    accept: list[str] = []
    if trailing is not None:
        accept.append(_join(names))
        accept.append(f"{', '.join(surnames)} and {trailing[1]}")
    accept.append(_join(surnames))
    unique = [a for index, a in enumerate(accept) if a not in accept[:index] and a != listed]
    return KeyedQuestion(_typed("short", prompt, answer, answer=listed, accept=unique))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --- short answers ---------------------------------------------------------------------------


def _whole_short_answer(
    prompt: str, lead: str, answer: str, language: Language
) -> KeyedQuestion | None:
    """An answer of a few words and nothing more (`Carbon dioxide.`, `Apollo 11`) is its own
    key."""
    if "\n" in answer or re.search(r"[.!?;]\s+\S", answer):
        return None
    key = answer.strip().rstrip(".!")
    words = key.split()
    if not 1 <= len(words) <= 4 or not re.fullmatch(r"[\w'’ .-]+", key):
        return None
    bare = _ARTICLE.sub("", key, count=1)
    accept = [bare] if bare != key else []
    return KeyedQuestion(_typed("short", prompt, answer, answer=key, accept=accept))


# --- short noun phrases -------------------------------------------------------------------------


def _noun_phrase(prompt: str, lead: str, answer: str, language: Language) -> KeyedQuestion | None:
    """`A temporary footbridge, which ...` -> `temporary footbridge`, with a warning."""
    text = re.sub(r"(?i)^by\s+", "", lead, count=1)
    end = _CLAUSE_END.search(text)
    if end is None or end.start() == 0:
        return None
    clause = text[: end.start()].strip()
    bare = _ARTICLE.sub("", clause, count=1)
    words = bare.split()
    if not words or not all(re.fullmatch(r"[^\W\d_][\w'’-]*", w) for w in words):
        return None
    several = any(w.lower() in ("and", "or", "und", "oder", "y", "o") for w in words)
    if several and len(words) <= 5:
        return KeyedQuestion(  # `Libraries and children's centres, which ...`
            {"kind": "flashcard", "prompt": prompt, "answer": answer},
            f"the answer leads with {clause!r}: a typed answer of several parts? made a flashcard",
        )
    if not 1 <= len(words) <= 3 or any(w.lower() in language.stop_words for w in words):
        return None
    if not bare[:1].islower():
        return None
    accept = [clause[:1].lower() + clause[1:]] if clause != bare else []
    if len(words) > 1:
        accept.append(words[-1])
    return KeyedQuestion(
        _typed("short", prompt, answer, answer=bare, accept=accept),
        f"typed key {bare!r} taken from the answer's first words: check it, or make the"
        " question a flashcard",
    )
