"""deck_to_toml: readable layout, and every deck survives the trip to TOML and back."""

from __future__ import annotations

from datetime import date
from typing import Any

import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.core.interchange.toml_writer import deck_to_toml
from quiz.core.models import Deck


def parse(text: str) -> Deck:
    return Deck.model_validate(tomli.loads(text))


# Any text TOML can hold: quotes, backslashes, newlines, CR, controls, unicode (not surrogates).
any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
tricky_text = st.one_of(
    any_text,
    st.sampled_from(
        ['"', '"""', "\\", "a\nb", "\r\n", "x\r", "\n", "'''", "é\u2028\x00\x1b[31m"]
    ).map(lambda s: f"q{s}"),
)
slugs = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,20}\Z")
tags = st.lists(tricky_text, max_size=3)
explanation = st.one_of(st.just(""), tricky_text)
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


def question_common() -> dict[str, Any]:
    return {
        "id": st.one_of(st.none(), slugs),
        "explanation": explanation,
        "tags": tags,
        "points": st.floats(min_value=0.1, max_value=100),
    }


def unique_texts(min_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(tricky_text, min_size=min_size, max_size=5, unique=True)


@st.composite
def choice_question(draw: st.DrawFn) -> dict[str, Any]:
    choices = draw(unique_texts(2))
    return {"kind": "choice", "choices": choices, "answer": draw(st.sampled_from(choices))}


@st.composite
def multi_question(draw: st.DrawFn) -> dict[str, Any]:
    choices = draw(unique_texts(2))
    answers = draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
    return {"kind": "multi", "choices": choices, "answers": answers}


@st.composite
def match_question(draw: st.DrawFn) -> dict[str, Any]:
    lefts = draw(unique_texts(2))
    rights = draw(st.lists(tricky_text, min_size=len(lefts), max_size=len(lefts), unique=True))
    return {"kind": "match", "pairs": [list(p) for p in zip(lefts, rights, strict=True)]}


blank_text = st.text(
    alphabet=st.characters(blacklist_characters="{}|", blacklist_categories=("Cs",))
)
cloze_question = st.builds(
    lambda before, answer, hint: {
        "kind": "cloze",
        "text": f"{before}{{{{{answer}{'|' + hint if hint else ''}}}}}",
    },
    blank_text,
    blank_text.filter(lambda s: s.strip() != ""),
    st.one_of(st.none(), blank_text.filter(lambda s: s.strip() != "")),
)

kinds = st.one_of(
    st.fixed_dictionaries(
        {"kind": st.just("flashcard"), "answer": tricky_text, "reverse": st.booleans()}
    ),
    st.fixed_dictionaries(
        {"kind": st.just("short"), "answer": tricky_text, "accept": st.lists(tricky_text)},
        optional={"exact": st.booleans(), "typo_threshold": st.floats(0, 100)},
    ),
    choice_question(),
    multi_question(),
    st.fixed_dictionaries({"kind": st.just("truefalse"), "answer": st.booleans()}),
    st.fixed_dictionaries(
        {
            "kind": st.just("numeric"),
            "answer": st.one_of(st.integers(-(10**18), 10**18), finite),
            "tolerance": st.one_of(st.integers(0, 100), st.floats(0, 1e9)),
            "unit": st.one_of(st.none(), tricky_text),
        }
    ),
    cloze_question,
    st.fixed_dictionaries({"kind": st.just("order"), "items": unique_texts(2)}),
    match_question(),
)


@st.composite
def questions(draw: st.DrawFn) -> dict[str, Any]:
    body = draw(kinds)
    common = draw(st.fixed_dictionaries(question_common()))
    if body["kind"] != "cloze" or draw(st.booleans()):
        body["prompt"] = draw(tricky_text)
    return {**common, **body}


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    source = st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {"title": tricky_text},
            optional={
                "url": any_text,
                "author": any_text,
                "published": st.dates(date(1900, 1, 1), date(2100, 1, 1)),
            },
        ),
    )
    meta = draw(
        st.fixed_dictionaries(
            {"id": slugs, "title": tricky_text},
            optional={
                "description": tricky_text,
                "tags": tags,
                "source": source,
                "format": st.sampled_from(["plain", "markdown"]),
                "shuffle": st.booleans(),
                "language": st.sampled_from(["de", "pt-BR"]),
                "pass_mark": st.floats(0, 100),
                "typo_threshold": st.floats(0, 100),
                "fold_accents": st.booleans(),
                "time_limit": st.integers(1, 10_000),
                "desired_retention": st.floats(0.71, 0.99),
            },
        )
    )
    qs = draw(st.lists(questions(), min_size=1, max_size=4))
    seen: set[str] = set()
    for q in qs:  # ids must be unique within a deck
        if q["id"] in seen:
            q["id"] = None
        seen.add(q["id"])
    return Deck.model_validate({"deck": meta, "questions": qs})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decks())
def test_every_deck_round_trips(deck: Deck) -> None:
    assert parse(deck_to_toml(deck)) == deck


def test_layout_is_what_a_person_would_write() -> None:
    deck = Deck.model_validate(
        {
            "deck": {
                "id": "news",
                "title": "News",
                "source": {"title": "Article", "published": date(2025, 12, 13)},
            },
            "questions": [
                {
                    "kind": "choice",
                    "id": "pick",
                    "prompt": "Which?\nRead carefully.",
                    "choices": ["a", "b"],
                    "answer": "b",
                    "points": 1,
                    "explanation": "",
                },
                {"kind": "short", "prompt": "Who?", "answer": "Ales", "accept": ["Bialiatski"]},
            ],
        }
    )
    assert deck_to_toml(deck) == (
        "[deck]\n"
        'id = "news"\n'
        'title = "News"\n'
        "\n"
        "[deck.source]\n"
        'title = "Article"\n'
        "published = 2025-12-13\n"
        "\n"
        "[[questions]]\n"
        'id = "pick"\n'
        'kind = "choice"\n'
        'prompt = """Which?\n'
        'Read carefully."""\n'
        'choices = ["a", "b"]\n'
        'answer = "b"\n'
        "\n"
        "[[questions]]\n"
        'kind = "short"\n'
        'prompt = "Who?"\n'
        'answer = "Ales"\n'
        'accept = ["Bialiatski"]\n'
    )
