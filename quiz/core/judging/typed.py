"""Judging a typed answer against the accepted texts: which differences matter.

The order of the tests is the policy (the deck guide's "How answers are checked"):
1. equal comparable forms (`forms.py`: case, spacing, punctuation, quotes, number and symbol
   spelling), after dropping what the learner wrapped round the answer ("the", "it was",
   "I think", a title such as "President", words that only restate the question);
2. the same answer in another shape: a list in another order, the initials ("USA"), a
   person's surname or name without the middle name, a number moved ("Second World War"),
   a place without its generic word ("Everest", "the Nile river"), "not possible" for
   "impossible";
3. a forgiven typo: a few letters off, scaled by word length, counting a swap of two letters
   as one slip, and never where a number, a sign, a negation or an opposite prefix differs,
   nor where the slip makes another real word ("Austria" for "Australia");
4. where accents matter (a deck not in English, unless `fold_accents = true`), an answer right
   but for its accents is "accents": close, not right.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import OSA

from quiz.core.judging import lexicon
from quiz.core.judging.forms import NEGATIONS, Form, form_of, is_number, language_code, prepare
from quiz.core.judging.numbers import roman_value
from quiz.core.judging.rules import TextRules, Typos
from quiz.core.text import fold_accents

Outcome = Literal["exact", "typo", "accents", "wrong", "empty"]


@dataclass(frozen=True, slots=True)
class TextJudgement:
    outcome: Outcome
    target: str = ""
    """The accepted text the response matched or came closest to, as written in the deck."""


def _phrases(*phrases: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(phrase.split()) for phrase in phrases)


_ARTICLES = frozenset(
    {"the", "a", "an", "le", "la", "les", "l", "un", "une", "der", "die", "das", "ein", "eine",
     "el", "los", "las", "il", "lo", "gli", "i", "o", "os", "as", "de", "het", "een"}
)  # fmt: skip
_LEADING_FILLERS = _phrases(
    "the answer is",
    "my answer is",
    "i think it is",
    "i think it was",
    "i think it s",
    "i think",
    "i believe it is",
    "i believe it was",
    "i believe",
    "i guess",
    "i m sure",
    "i am sure",
    "i m pretty sure",
    "i am pretty sure",
    "it is",
    "it was",
    "it s",
    "its",
    "is it",
    "that is",
    "that was",
    "that s",
    "answer",
    "maybe",
    "probably",
    "perhaps",
    "they were",
    "they are",
    "he was",
    "she was",
    "he is",
    "she is",
    "there were",
    "there are",
    "there was",
    "there is",
    "it",
    "to",
    "in",
    "at",
    "on",
    "from",
    "by",
    "yes",
)
_TRAILING_FILLERS = _phrases(
    "i think",
    "i believe",
    "i guess",
    "maybe",
    "probably",
    "perhaps",
    "right",
    "i m not sure",
    "not sure",
    "i suppose",
)
_TITLES = frozenset(
    {"king", "queen", "pope", "sir", "dame", "president", "mr", "mrs", "ms", "miss", "dr",
     "prof", "professor", "prince", "princess", "lord", "lady", "emperor", "empress", "tsar",
     "czar", "general", "captain", "pharaoh", "sultan", "saint", "st", "chancellor",
     "prime", "minister", "premier", "senator", "judge", "justice", "madame", "mme",
     "monsieur", "herr", "frau", "senor", "señor", "don", "dona", "doña", "rev", "reverend"}
)  # fmt: skip
"""Words before a name that the learner may add ("President Lukashenko", "Sir Isaac Newton")."""
_PARTICLES = frozenset({"da", "de", "del", "della", "di", "van", "von", "der", "den", "le",
                        "la", "du", "bin", "ibn", "al", "el", "ten", "ter"})  # fmt: skip
_EXPANSIONS = {
    ("st",): ("saint",), ("mt",): ("mount",), ("ft",): ("fort",), ("dr",): ("doctor",),
    ("us",): ("usa",), ("united", "states"): ("usa",),
    ("united", "states", "of", "america"): ("usa",), ("u", "s", "a"): ("usa",),
    ("uk",): ("united", "kingdom"),
}  # fmt: skip
"""Standard short forms, read as what they stand for on both sides ("St Lucia")."""
_GENERIC_PLACE_WORDS = frozenset(
    {"river", "mount", "mountain", "mountains", "lake", "desert", "ocean", "sea", "island",
     "islands", "peninsula", "city", "volcano", "canal", "strait", "bay", "gulf", "falls",
     "glacier", "plateau", "basin", "valley", "forest", "range"}
)  # fmt: skip
_DESCRIPTIVE_WORDS = frozenset(
    {"black", "red", "white", "yellow", "green", "blue", "dead", "north", "south", "east",
     "west", "great", "rocky", "new", "old", "grand", "little", "big", "upper", "lower",
     "central", "northern", "southern", "eastern", "western", "inner", "outer", "high", "low",
     "middle", "far", "near", "united", "holy", "golden", "silver", "salt"}
)  # fmt: skip
"""Words that cannot stand for a place on their own ("Black" is not the Black Sea)."""
_PLACE_WORDS = _GENERIC_PLACE_WORDS | _DESCRIPTIVE_WORDS | frozenset(
    {"kingdom", "republic", "states", "state", "saint", "san", "santa", "port", "fort", "cape",
     "war", "world", "church", "university", "party", "union", "empire", "street", "square",
     "county", "province", "coast", "park", "hill", "hills", "act", "treaty", "revolution",
     "battle", "city", "house", "court", "bank", "council", "league", "company"}
)  # fmt: skip
"""Words that make a name a place or a thing rather than a person's ("New York")."""
_CONJUNCTIONS = frozenset({"and", "und", "et", "y", "e", "or"})
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "a", "an", "anti", "mis",
                      "counter", "de")  # fmt: skip
_OPPOSITE_PREFIXES = (
    ("hypo", "hyper"), ("over", "under"), ("pre", "post"), ("sub", "super"), ("inter", "intra"),
    ("endo", "exo"), ("micro", "macro"), ("im", "ex"), ("in", "ex"), ("in", "out"), ("in", "de"),
    ("up", "down"), ("max", "min"), ("homo", "hetero"), ("mono", "poly"), ("uni", "multi"),
    ("ana", "cata"), ("en", "ex"), ("pro", "anti"), ("ante", "post"), ("infra", "ultra"),
    ("inc", "dec"), ("a", "e"),
)  # fmt: skip
_DIGITS = re.compile(r"\d+")
_REAL_WORD_ZIPF = 1.5
_REAL_WORD_MARGIN = 1.5
"""A slip that makes a known word not far rarer than the word wanted is another word, not a
typo: "meiosis" for "mitosis", "alkane" for "alkene"; but "recieve" (2.8) is a typo of
"receive" (4.9): misspellings are far rarer than the word they miss."""


def judge_text(response: str, targets: Sequence[str], rules: TextRules) -> TextJudgement:
    """Compare a typed response with the accepted texts (`targets`, the key first)."""
    if not prepare(response).strip():
        return TextJudgement("empty")
    spelled_as = _native_spellings(targets, rules)
    every = [*targets, *spelled_as]
    fold = rules.fold_accents or _shouted_without_accents(response, rules)
    judgement = _judge(response, every, rules, fold=fold, variants=spelled_as)
    if judgement.outcome not in ("exact", "typo") and not fold:
        folded = _judge(response, every, rules, fold=True, variants=spelled_as)
        if folded.outcome in ("exact", "typo"):
            judgement = TextJudgement("accents", folded.target)
    return TextJudgement(judgement.outcome, spelled_as.get(judgement.target, judgement.target))


_GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def _native_spellings(targets: Sequence[str], rules: TextRules) -> dict[str, str]:
    """Other spellings a language accepts, each with the target it spells: German writes ä,
    ö, ü and ß as ae, oe, ue and ss where those letters are missing."""
    if language_code(rules.language) != "de":
        return {}
    spelled = {target.translate(_GERMAN_LETTERS): target for target in targets}
    return {variant: target for variant, target in spelled.items() if variant != target}


def _shouted_without_accents(response: str, rules: TextRules) -> bool:
    """Capitals drop the accents by convention in Greek (ΑΘΗΝΑ for Αθήνα), and a plain I
    stands for both i and ı in Turkish (DIYARBAKIR)."""
    letters = [ch for ch in response if ch.isalpha()]
    shouting = len(letters) > 1 and response.isupper()
    return shouting and language_code(rules.language) in ("el", "tr", "az")


def _is_acronym(target: str) -> bool:
    letters = [ch for ch in target if ch.isalpha()]
    return 2 <= len(letters) <= 6 and target.isupper()


def _judge(
    response: str,
    targets: Sequence[str],
    rules: TextRules,
    *,
    fold: bool,
    variants: Collection[str] = (),
) -> TextJudgement:
    got = form_of(response, language=rules.language, fold=fold)
    context = form_of(rules.context, language=rules.language, fold=fold) if rules.context else None
    wants = [form_of(target, language=rules.language, fold=fold) for target in targets]
    for target, want in zip(targets, wants, strict=True):
        if not want.tokens:  # an answer made only of punctuation ("?"): its characters count
            if _plain(response) == _plain(target):
                return TextJudgement("exact", target)
            continue
        core = _core(got, want, context)
        if _same(core, want, target) or _same_list(response, target, rules, fold, typos=False):
            return TextJudgement("exact", target)
    if rules.typos == "off":
        return TextJudgement("wrong", targets[0])
    for target, want in zip(targets, wants, strict=True):
        if target in variants or _is_acronym(target):
            continue  # a typo of "NASA" is "NSA"; of a spelling variant, no typo of the key
        core = _core(got, want, context)
        if want.tokens and _typo(core, want, rules, fold=fold):
            return TextJudgement("typo", target)
        if _same_list(response, target, rules, fold, typos=True):
            return TextJudgement("typo", target)
    return TextJudgement("wrong", targets[0])


def _plain(text: str) -> str:
    return " ".join(prepare(text).casefold().split())


def _core(got: Form, want: Form, context: Form | None) -> Form:
    """The response without its wrapping: fillers, articles, titles, restated question words,
    and with short forms ("St", "US") read in full."""
    want = _expanded(want)
    core = _without_titles(_unwrapped(_expanded(got), want), want)
    if context is not None:
        core = _without_restated(core, want, context)
    return core


def _expanded(form: Form) -> Form:
    tokens = list(form.tokens)
    for short, full in sorted(_EXPANSIONS.items(), key=lambda item: -len(item[0])):
        size = len(short)
        index = 0
        while index + size <= len(tokens):
            if tuple(tokens[index : index + size]) == short:
                tokens[index : index + size] = full
                index += len(full)
            else:
                index += 1
    return Form(tuple(tokens))


def _same(core: Form, want: Form, target: str) -> bool:
    """Right without forgiving a slip: the same answer, however it was written."""
    want, full = _expanded(want), _expanded(core)
    bare, core = _without_articles(want), _without_articles(full)
    if core.negations != want.negations:
        return _negation_spelled_out(core, bare)
    return (
        full.compact == want.compact
        or core.compact == bare.compact
        or _is_initials(core, bare)
        or _is_initials(bare, core)
        or _same_person(core, bare, target)
        or _number_moved(core, bare)
        or _same_place(core, bare, target)
        or _negation_spelled_out(core, bare)
    )


def _unwrapped(got: Form, want: Form) -> Form:
    """The response without what the learner wrapped round the answer ("it was …, I think")."""
    tokens = list(got.tokens)
    changed = True
    while changed and tokens:
        changed = False
        for phrase in _LEADING_FILLERS:
            size = len(phrase)
            if (
                tuple(tokens[:size]) == phrase
                and want.tokens[:size] != phrase
                and len(tokens) > size
            ):
                tokens = tokens[size:]
                changed = True
                break
        for phrase in _TRAILING_FILLERS:
            size = len(phrase)
            if (
                tuple(tokens[-size:]) == phrase
                and want.tokens[-size:] != phrase
                and len(tokens) > size
            ):
                tokens = tokens[:-size]
                changed = True
                break
    return Form(tuple(tokens))


def _without_articles(form: Form) -> Form:
    """A leading article never matters ("the Nile", "a mitochondrion")."""
    tokens = form.tokens
    while len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    return Form(tokens)


def _without_titles(form: Form, want: Form) -> Form:
    """ "King Henry VIII", "Ms Kalesnikava": a title the answer does not have is not wrong."""
    if any(token in _TITLES for token in want.tokens):
        return form  # "Mr Dalloway" is not "Mrs Dalloway"
    tokens = form.tokens
    while len(tokens) > 1 and tokens[0] in _TITLES:
        tokens = tokens[1:]
    return Form(tokens)


def _without_restated(core: Form, want: Form, context: Form) -> Form:
    """A noun the question itself says, repeated after the answer ("Anaerobic respiration"
    when asked which respiration), adds nothing: drop such trailing words, never a negation."""
    asked = set(context.words) - set(want.tokens) - NEGATIONS
    tokens = core.tokens
    while len(tokens) > 1 and tokens[-1] in asked:
        tokens = tokens[:-1]
    return Form(tokens)


def _is_initials(short: Form, full: Form) -> bool:
    """ "USA" for "United States of America", "WWII" for "World War II"."""
    if len(full.tokens) < 2:
        return False
    letters = short.compact if all(len(t) == 1 for t in short.tokens) else None
    if letters is None:
        if len(short.tokens) != 1:
            return False
        letters = short.tokens[0]
    initials = "".join(
        token if token[0].isdigit() else token[0]
        for token in full.tokens
        if token not in _INITIAL_SKIPS
    )
    if len(initials) < 2 or not letters.isalnum() or len(letters) > 8:
        return False
    if letters == initials:
        return True
    for size in (4, 3, 2, 1):  # "wwii": trailing Roman numerals of an acronym ("ww" + 2)
        head, tail = letters[:-size], letters[-size:]
        value = roman_value(tail.upper()) if head else None
        if value is not None and head + str(value) == initials:
            return True
    return False


_INITIAL_SKIPS = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "von",
                            "van", "der", "di", "da", "del", "on", "in", "a", "an"})  # fmt: skip


def _looks_like_a_person(target: str, form: Form) -> bool:
    words = [word.strip(".") for word in target.split()]
    if not 2 <= len(words) <= 5 or any(token in _PLACE_WORDS for token in form.tokens):
        return False
    return all(
        (word[:1].isupper() or word.lower() in _PARTICLES) and word.replace("-", "").isalpha()
        for word in words
        if word
    )


def _same_person(core: Form, want: Form, target: str) -> bool:
    """A person's surname alone ("Kalesnikava"), with its particle ("da Vinci"), or the name
    without or with a middle name ("Franklin Roosevelt", "Charles Robert Darwin")."""
    if len(want.tokens) == 1 and target[:1].isupper() and target.isalpha():
        # a surname as the answer, the learner's with the given name: "Лев Толстой"
        first = core.tokens[:-1]
        named = all(t.isalpha() and t not in _PLACE_WORDS and t not in _TITLES for t in first)
        return 1 <= len(first) <= 2 and named and core.tokens[-1] == want.tokens[0]
    if not _looks_like_a_person(target, want):
        return False
    given, names = core.tokens, want.tokens
    if len(given) == 1 and given[0] == names[-1] and len(names[-1]) >= 3:
        return True
    if len(given) >= 2 and given[0] in _PARTICLES and given == names[-len(given) :]:
        return True
    return len(given) >= 2 and given[0] == names[0] and given[-1] == names[-1]


def _number_moved(core: Form, want: Form) -> bool:
    """ "Second World War" is "World War II": the same words and numbers, a number moved."""
    if len(core.numbers) != 1 or core.numbers != want.numbers:
        return False  # with two numbers, their order is the answer ("5' to 3'")
    return [t for t in core.tokens if not is_number(t)] == [
        t for t in want.tokens if not is_number(t)
    ]


def _same_place(core: Form, want: Form, target: str) -> bool:
    """A place with or without its generic word: "the Nile river" for "Nile", "Everest" for
    "Mount Everest", but never a descriptive word alone ("Black" for "Black Sea")."""

    def name(tokens: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(t for t in tokens if t not in _GENERIC_PLACE_WORDS)

    core_name, want_name = name(core.tokens), name(want.tokens)
    if not core_name or core_name != want_name or core.tokens == want.tokens:
        return False
    return not all(token in _DESCRIPTIVE_WORDS for token in core_name)


def _negation_spelled_out(core: Form, want: Form) -> bool:
    """ "not possible" for "impossible", "not infinite" for "finite"."""
    if len(core.tokens) != len(want.tokens) + 1 or "not" not in core.tokens:
        return False
    at = core.tokens.index("not")
    if at + 1 >= len(core.tokens):
        return False
    negated = core.tokens[at + 1]
    rest = core.tokens[:at] + core.tokens[at + 2 :]
    for position, word in enumerate(want.tokens):
        if want.tokens[:position] + want.tokens[position + 1 :] != rest:
            continue
        for prefix in _NEGATING_PREFIXES:
            if word == prefix + negated or negated == prefix + word:
                return True
    return False


def _items(text: str, rules: TextRules, fold: bool) -> list[tuple[str, Form]]:
    """The items of a list answer ("Bialiatski and Kalesnikava", "red, green, blue"), each as
    written and as its form."""
    pieces = [piece.strip() for piece in _split_list(prepare(text)) if piece.strip()]
    forms = [_without_articles(form_of(p, language=rules.language, fold=fold)) for p in pieces]
    return [(piece, form) for piece, form in zip(pieces, forms, strict=True) if form.tokens]


def _split_list(text: str) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    for word in text.replace(",", " , ").replace(";", " , ").replace("/", " , ").split():
        if word == "," or word.casefold() in _CONJUNCTIONS or word == "&":
            out.append(" ".join(current))
            current = []
        else:
            current.append(word)
    out.append(" ".join(current))
    return out


def _same_list(response: str, target: str, rules: TextRules, fold: bool, *, typos: bool) -> bool:
    """The same items in another order, with or without separators: "Kalesnikava and
    Bialiatski" for "Bialiatski and Kalesnikava"; each item right or (with `typos`) a
    forgiven typo."""
    wanted = _items(target, rules, fold)
    if len(wanted) < 2:
        return False
    given = [form for _, form in _items(response, rules, fold)]
    one_word_items = all(len(form.tokens) == 1 for _, form in wanted)
    if len(given) == 1 and len(given[0].tokens) == len(wanted) and one_word_items:
        given = [Form((token,)) for token in given[0].tokens]  # "red green blue"
    if len(given) != len(wanted):
        return False
    remaining = list(wanted)
    for item in given:
        for index, (text, want) in enumerate(remaining):
            same = item.compact == want.compact or _same(item, want, text)
            if same or (typos and _typo(item, want, rules, fold=fold)):
                del remaining[index]
                break
        else:
            return False
    return True


def _budget(letters: int, typos: Typos) -> int:
    """How many slips a word (or answer) of this many letters forgives."""
    if typos == "strict":
        return 0 if letters < 8 else 1
    if letters <= 3:
        return 0
    if letters <= 6:
        return 1
    extra = 1 if typos == "lenient" else 0
    return (2 if letters <= 20 else 3) + extra


def _typo(got: Form, want: Form, rules: TextRules, *, fold: bool) -> bool:
    """Whether `got` is `want` with a forgivable slip of the keys."""
    got, want = _without_articles(got), _without_articles(_expanded(want))
    if got.compact == want.compact or not got.tokens:
        return False
    if got.numbers != want.numbers or got.symbols != want.symbols:
        return False
    if _DIGITS.findall(got.compact) != _DIGITS.findall(want.compact):
        return False  # "H2SO3" is not a typo of "H2SO4"
    if got.negations != want.negations:
        return False
    if len(got.words) == len(want.words):
        total = 0
        for have, need in zip(got.words, want.words, strict=True):
            if have == need:
                continue
            slips = OSA.distance(have, need)
            if slips > _budget(len(need), rules.typos) or not _is_slip_of(have, need, rules, fold):
                return False
            total += slips
        return 0 < total <= _budget(len(want.compact), rules.typos)
    slips = OSA.distance(got.compact, want.compact)
    if slips > _budget(len(want.compact), rules.typos):
        return False
    return _is_slip_of(got.compact, want.compact, rules, fold)


def _is_slip_of(have: str, need: str, rules: TextRules, fold: bool) -> bool:
    """Whether the word typed can be a misspelling of the word wanted, not another word."""
    if _opposite(have, need):
        return False
    if not fold and _no_accents(have) == _no_accents(need):
        return False  # only accents differ, and accents matter here: "close", not a typo
    if have[:1] != need[:1] and len(need) <= 7:
        return False  # short words are rarely mistyped at the first letter: Minsk, Pinsk
    english = language_code(rules.language) == "en"
    if english and (
        have.rstrip("s") == need.rstrip("s") or (need.endswith("es") and have == need[:-2])
    ):
        return True  # singular or plural of the same word
    have_zipf = lexicon.zipf(have, rules.language)
    if have_zipf < _REAL_WORD_ZIPF:
        return True
    return have_zipf < lexicon.zipf(need, rules.language) - _REAL_WORD_MARGIN


def _no_accents(word: str) -> str:
    return fold_accents(word).replace("ı", "i")


def _opposite(have: str, need: str) -> bool:
    """ "impossible" for "possible", "hyperthermia" for "hypothermia", "export" for "import"."""
    for prefix in _NEGATING_PREFIXES:
        if have == prefix + need or need == prefix + have:
            return True
    for one, other in _OPPOSITE_PREFIXES:
        for a, b in ((one, other), (other, one)):
            if have.startswith(a) and need.startswith(b) and have[len(a) :] == need[len(b) :]:
                return True
    return False
