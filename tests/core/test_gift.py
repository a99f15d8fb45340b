"""GIFT import and export: the rules of `quiz.core.interchange.gift`, by case and by property."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.core.interchange.base import ImportWarning, html_to_text  # noqa: A004
from quiz.core.interchange.gift import GiftError, export_gift, import_gift
from quiz.core.models import Deck, Question


def _import(text: str) -> tuple[list[dict[str, Any]], list[ImportWarning]]:
    result = import_gift(text, deck_id="gift", title="GIFT")
    questions = [q.model_dump(exclude_defaults=True) for q in result.deck.questions]
    return questions, result.warnings


def _one(text: str) -> dict[str, Any]:
    questions, warnings = _import(text)
    assert not warnings, warnings
    assert len(questions) == 1
    return questions[0]


def _deck(*questions: dict[str, Any], fmt: str = "plain") -> Deck:
    return Deck.model_validate(
        {"deck": {"id": "gift", "title": "GIFT", "format": fmt}, "questions": list(questions)}
    )


# -- import: one question at a time ------------------------------------------------


@pytest.mark.parametrize(
    ("gift", "expected"),
    [
        (
            "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}",
            {"kind": "choice", "choices": ["Grant", "Jefferson", "no one"], "answer": "no one"},
        ),
        (
            "Grant is {~buried =entombed ~living} in Grant's tomb.",
            {"kind": "choice", "prompt": "Grant is _____ in Grant's tomb.", "answer": "entombed"},
        ),
        (
            "Pick two {~%50%a ~%50%b ~%-50%c ~%-50%d}",
            {"kind": "multi", "choices": ["a", "b", "c", "d"], "answers": ["a", "b"]},
        ),
        ("Sky is blue.{T}", {"kind": "truefalse", "answer": True}),
        ("Sky is green.{FALSE}", {"kind": "truefalse", "answer": False}),
        ("Who?{=no one =nobody}", {"kind": "short", "answer": "no one", "accept": ["nobody"]}),
        ("Number one in words? {One}", {"kind": "short", "answer": "One"}),
        ("Pi? {#3.14:0.01}", {"kind": "numeric", "answer": 3.14, "tolerance": 0.01}),
        ("Year? {#1822}", {"kind": "numeric", "answer": 1822}),
        ("From 1 to 5 {#1..5}", {"kind": "numeric", "answer": 3, "tolerance": 2}),
        ("Half {#1..4}", {"kind": "numeric", "answer": 2.5, "tolerance": 1.5}),
        ("Backwards-safe {#-3.142..-3.141}", {"answer": -3.1415, "tolerance": 0.0005}),
        ("Exponent {#1e3:5e-1}", {"answer": 1000.0, "tolerance": 0.5}),
        (
            "Grant was born in {#\n=1822:0\n=1823:1}",
            {"kind": "numeric", "prompt": "Grant was born in", "answer": 1823, "tolerance": 1},
        ),
        (
            "Jesus Christ was from {=Nazareth}.",
            {"kind": "cloze", "text": "Jesus Christ was from {{Nazareth}}."},
        ),
        ("{=Asia} is the largest continent.", {"text": "{{Asia}} is the largest continent."}),
        ("_____ is the largest continent.{=Asia}", {"text": "{{Asia}} is the largest continent."}),
        (
            "Two plus two is {=four =4}.",
            {"kind": "short", "prompt": "Two plus two is _____.", "accept": ["4"]},
        ),
        (
            "Capitals {=Canada -> Ottawa =Italy -> Rome}",
            {"kind": "match", "pairs": [["Canada", "Ottawa"], ["Italy", "Rome"]]},
        ),
        (
            "Escapes \\~ \\= \\# \\{ \\} \\: \\\\ and a\\nbreak{T}",
            {"prompt": "Escapes ~ = # { } : \\ and a\nbreak"},
        ),
        ("Which equals 5? {~\\= 2+2 =\\= 2+3}", {"choices": ["= 2+2", "= 2+3"]}),
        ("Wrapped\nline{T}", {"prompt": "Wrapped\nline"}),
        ("[plain]<b>bold</b> stays{T}", {"prompt": "<b>bold</b> stays"}),
        ("[html]a &amp; b{T}", {"prompt": "a & b"}),
        ("[html]<p>Lines</p><p>survive<br>as such</p>{T}", {"prompt": "Lines\nsurvive\nas such"}),
        (
            "::Grant's Tomb::Who? {=no one}",
            {"id": "grants-tomb", "prompt": "Who?", "answer": "no one"},
        ),
        (
            "// [id:q-7]\n// [tag:fred] [tag:barney]\nQ?{T}",
            {"id": "q-7", "tags": ["fred", "barney"]},
        ),
        ("$CATEGORY: $course$/top/Unit 1/Week 2\nQ?{T}", {"tags": ["Unit 1/Week 2"]}),
        ("$CATEGORY: top/a//b\n\nQ?{T}", {"tags": ["a/b"]}),
    ],
)
def test_import_question(gift: str, expected: dict[str, Any]) -> None:
    question = _one(gift)
    assert {key: question.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("gift", "explanation"),
    [
        ("Q?{=a#right ~b#wrong ####general}", "general\n\na: right\nb: wrong"),
        ("Q?{=a ~b####only general}", "only general"),
        # Moodle: the first true/false feedback is for the wrong response, the second the right.
        ("42 is it.{FALSE#no, 43#you got it}", "True: no, 43\nFalse: you got it"),
        ("42 is it.{TRUE#on false}", "False: on false"),
        ("Year?{#1822#born then}", "1822: born then"),
        ("Year?{#=1822:2 ~#completely wrong}", "Any other answer: completely wrong"),
    ],
)
def test_feedback_goes_into_the_explanation(gift: str, explanation: str) -> None:
    assert _one(gift)["explanation"] == explanation


def test_titles_give_unique_ids_and_questions_keep_their_order() -> None:
    questions, _ = _import("::Same::A?{T}\n\n::Same::B?{F}\n\nC?{T}\n\n// [id:same-2]\nD?{T}")
    assert [(q["id"], q["prompt"]) for q in questions] == [
        ("same", "A?"),
        ("same-2", "B?"),
        ("c", "C?"),
        ("same-2-2", "D?"),
    ]


def test_category_applies_until_the_next_one() -> None:
    questions, _ = _import(
        "$CATEGORY: $course$/top/A\n\nQ1?{T}\n\nQ2?{T}\n\n$CATEGORY: $course$/top\n\nQ3?{T}"
    )
    assert [q.get("tags", []) for q in questions] == [["A"], ["A"], []]


# -- import: what cannot be carried -------------------------------------------------


def _warned(text: str) -> list[tuple[int | None, str]]:
    _, warnings = _import(text)
    return [(w.line, w.message) for w in warnings]


@pytest.mark.parametrize(
    ("gift", "line", "fragment"),
    [
        ("OK?{T}\n\nJust some instructions.", 3, "description"),
        ("OK?{T}\n\n// c\nWrite an essay. {}", 4, "essay"),
        ("OK?{T}\n\nBroken {=a\n=b", 3, "never closed"),
        ("OK?{T}\n\nBroken =a}", 3, "without an opening"),
        ("OK?{T}\n\n::No end title Q?{T}", 3, "title"),
        ("OK?{T}\n\nQ {=a} and {=b}", 3, "second answer block"),
        ("OK?{T}\n\nQ{\n=a\n=%50%b\n}", 5, "partial credit 50%"),
        ("OK?{T}\n\nQ{~a ~%50%b =c}", 3, "partial credit 50%"),
        ("OK?{T}\n\nQ{~%50%a ~%25%b ~%25%c}", 3, "unequal answer weights"),
        ("OK?{T}\n\nQ{~%50%a ~b}", 3, "add up to 50%"),
        ("OK?{T}\n\nQ{~a ~b}", 3, "no right answer"),
        ("OK?{T}\n\nQ{=a =b ~c}", 3, "any one of them"),
        ("OK?{T}\n\nQ{=a ~b =c ~d}", 3, "any one of them"),
        ("OK?{T}\n\nQ{=*}", 3, "wildcard"),
        ("OK?{T}\n\nQ{=Gr*nt}", 3, "matched literally"),
        ("OK?{T}\n\nQ{#\n=1\n=5}", 5, "another right answer 5"),
        ("OK?{T}\n\nQ{#abc}", 3, "not a number"),
        ("OK?{T}\n\nQ{#5..1}", 3, "runs backwards"),
        ("OK?{T}\n\nQ{#1e400}", 3, "beyond what a deck holds"),
        ("OK?{T}\n\nQ{#1:-2}", 3, "negative tolerance"),
        ("OK?{T}\n\n" + "\\{\\}" * 30 + "{\n=a\n=%50%b\n}", 5, "partial credit 50%"),
        ("OK?{T}\n\nQ{\n=a\n\nno brace here\n\nNext?{T}", 3, "never closed"),
        ("OK?{T}\n\nQ{\n=a -> 1\n=b -> 2\n= -> 3\n}", 6, "extra answer '3'"),
        ("OK?{T}\n\nQ{=a -> 1 =b -> 1}", 3, "duplicate right side"),
        ("OK?{T}\n\nQ{~a ~a =b}", 3, "duplicate choice"),
        ("OK?{T}\n\n[html]<p>Q <img src=x></p>{T}", 3, "1 image"),
        ("OK?{T}\n\nQ <b>bold</b>{T}", 3, "formatting lost"),
        ("OK?{T}\n\n[markdown]**Q**{T}", 3, "Markdown is shown as plain text"),
        ("OK?{T}\n\nEssay with a model answer{####The answer.}", 3, "flashcard"),
        ("OK?{T}\n\nQ{\n=a\n\n=b}", 5, "blank line inside an answer block"),
        ("OK?{T}\n\nQ{junk =a ~b}", 3, "before the first answer"),
    ],
)
def test_what_is_not_carried_is_a_warning_with_its_line(
    gift: str, line: int, fragment: str
) -> None:
    warnings = _warned(gift)
    assert any(at == line and fragment in message for at, message in warnings), warnings


def test_a_blank_line_inside_a_block_does_not_lose_the_question() -> None:
    questions, _ = _import("Q{\n=a\n\n=b}\n\nNext?{T}")
    assert [q["kind"] for q in questions] == ["short", "truefalse"]
    assert questions[0]["accept"] == ["b"]


def test_an_unclosed_block_does_not_swallow_the_next_question() -> None:
    questions, warnings = _import("Broken {=a\n\nNext?{T}")
    assert [q["prompt"] for q in questions] == ["Next?"]
    assert [w.line for w in warnings] == [1]


def test_essay_with_general_feedback_becomes_a_flashcard() -> None:
    questions, _ = _import("::Bio::Write about X.{####X was born in 1900.}")
    assert questions == [
        {
            "id": "bio",
            "prompt": "Write about X.",
            "kind": "flashcard",
            "answer": "X was born in 1900.",
        }
    ]


def test_markdown_only_banks_make_a_markdown_deck() -> None:
    result = import_gift(
        "[markdown]**Bold** claim{T}\n\n[markdown]Other _claim_{F}", deck_id="d", title="D"
    )
    assert result.deck.deck.format == "markdown"
    assert result.warnings == []
    assert result.deck.questions[0].prompt == "**Bold** claim"  # type: ignore[union-attr]


def test_windows_line_endings_and_a_bom_read_like_unix() -> None:
    unix = _import("// c\n::T::Q?{\n=a\n=b\n}\n\nR?{T}\n")
    assert _import("\ufeff// c\r\n::T::Q?{\r\n=a\r\n=b\r\n}\r\n\r\nR?{T}\r\n") == unix


@pytest.mark.parametrize(
    "text", ["", "   \n\n", "// only a comment", "$CATEGORY: a/b", "Just prose.\n\nMore prose."]
)
def test_nothing_importable_is_a_gift_error(text: str) -> None:
    with pytest.raises(GiftError) as error:
        import_gift(text, deck_id="d", title="D")
    assert "no question could be imported" in str(error.value)
    if "prose" in text:
        assert [w.line for w in error.value.warnings] == [1, 3]


def test_deck_id_must_be_a_slug() -> None:
    with pytest.raises(ValueError, match="slug"):
        import_gift("Q?{T}", deck_id="Not A Slug", title="D")


GIFTISH = st.text(alphabet="{}~=#:%\\/[]->.$_ \n\tabcT1FRUE*<>&;@", max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.one_of(GIFTISH, st.text(max_size=100)))
def test_import_never_crashes(text: str) -> None:
    """Any text gives a deck or a `GiftError`; never another exception."""
    try:
        result = import_gift(text, deck_id="fuzz", title="Fuzz")
    except GiftError:
        return
    assert result.deck.questions


# -- export ------------------------------------------------------------------------


def test_export_escapes_and_writes_moodle_syntax() -> None:
    deck = _deck(
        {
            "kind": "short",
            "id": "s",
            "prompt": "a~b=c#d{e}f:g\\h\nnext",
            "answer": "x -> y",
            "accept": ["%5%"],
            "explanation": "why",
            "tags": ["t 1"],
        },
        {"kind": "choice", "id": "c", "prompt": "<b>?", "choices": ["a", "%1%b"], "answer": "a"},
        {
            "kind": "multi",
            "id": "m",
            "prompt": "M",
            "choices": ["a", "b", "c"],
            "answers": ["a", "b"],
        },
        {"kind": "truefalse", "id": "t", "prompt": "T", "answer": False},
        {"kind": "numeric", "id": "n", "prompt": "N", "answer": 2.5, "tolerance": 1},
    )
    result = export_gift(deck)
    assert result.warnings == []
    assert result.text == (
        "// GIFT (deck gift), exported by quiz\n"
        '// [deck:{"id": "gift", "title": "GIFT"}]\n\n'
        "// [id:s]\n// [tag:t 1]\n::s::a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\nnext{\n"
        "\t=[html]x -&gt; y\n\t=%100%%5%\n\t####why\n}\n\n"
        "// [id:c]\n::c::[plain]<b>?{\n\t=a\n\t~%0%%1%b\n}\n\n"
        "// [id:m]\n::m::M{\n\t~%50%a\n\t~%50%b\n\t~%-50%c\n}\n\n"
        "// [id:t]\n::t::T{FALSE}\n\n"
        "// [id:n]\n::n::N{#2.5:1}\n"
    )


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        ({"kind": "numeric", "prompt": "N", "answer": 1, "unit": "kg"}, "unit 'kg'"),
        ({"kind": "truefalse", "prompt": "T", "answer": True, "points": 2}, "points (2)"),
        ({"kind": "truefalse", "prompt": "T", "answer": True, "tags": ["a]b"]}, "tag 'a]b'"),
        ({"kind": "short", "prompt": "S", "answer": "a", "exact": True}, "typed-answer options"),
        (
            {
                "kind": "choice",
                "prompt": "C",
                "choices": ["a", "b"],
                "answer": "a",
                "shuffle": False,
            },
            "shuffle",
        ),
        ({"kind": "cloze", "text": "A {{b|hint}}"}, "hints"),
        ({"kind": "cloze", "text": "A {{b}}", "prompt": "Fill in"}, "instruction"),
        ({"kind": "cloze", "text": "{{a}} and {{b}}"}, "2 blanks written as 2 questions"),
        ({"kind": "order", "prompt": "O", "items": ["a", "b"]}, "matching positions"),
        ({"kind": "flashcard", "prompt": "F", "answer": "short"}, "short answer"),
        ({"kind": "flashcard", "prompt": "F", "answer": "long\nback"}, "essay"),
        ({"kind": "flashcard", "prompt": "F", "answer": "b", "reverse": True}, "reverse card"),
        ({"kind": "short", "prompt": "S", "answer": "Gr*nt"}, "wildcard"),
    ],
)
def test_export_warns_about_what_gift_cannot_carry(question: dict[str, Any], fragment: str) -> None:
    result = export_gift(_deck({"id": "q", **question}))
    assert any(
        fragment in w.message and w.message.startswith("question 1 (q)") for w in result.warnings
    )


def test_exported_kinds_that_change_come_back_as_documented() -> None:
    deck = _deck(
        {"kind": "cloze", "id": "c", "text": "{{A}} and {{B}} are letters", "tags": ["x"]},
        {"kind": "order", "id": "o", "prompt": "Order", "items": ["first", "second"]},
        {"kind": "flashcard", "id": "f", "prompt": "Front", "answer": "Back"},
        {
            "kind": "flashcard",
            "id": "g",
            "prompt": "Front",
            "answer": "A long\nback",
            "explanation": "e",
        },
    )
    back = import_gift(export_gift(deck).text, deck_id="gift", title="GIFT")
    assert [q.model_dump(exclude_defaults=True) for q in back.deck.questions] == [
        {"id": "c-blank-1", "tags": ["x"], "kind": "cloze", "text": "{{A}} and B are letters"},
        {"id": "c-blank-2", "tags": ["x"], "kind": "cloze", "text": "A and {{B}} are letters"},
        {"id": "o", "prompt": "Order", "kind": "match", "pairs": [["1", "first"], ["2", "second"]]},
        {"id": "f", "prompt": "Front", "kind": "short", "answer": "Back"},
        {"id": "g", "prompt": "Front", "kind": "flashcard", "answer": "A long\nback\n\ne"},
    ]


def test_markdown_decks_round_trip() -> None:
    deck = _deck(
        {
            "kind": "truefalse",
            "id": "a",
            "prompt": "**Bold**\n- item\n    - nested",
            "answer": True,
        },
        {
            "kind": "short",
            "id": "b",
            "prompt": "[html] is *text*",
            "answer": "x",
            "explanation": "_e_",
        },
        fmt="markdown",
    )
    result = export_gift(deck)
    assert "::a::[markdown]**Bold**\\n- item\\n    - nested{TRUE}" in result.text
    assert import_gift(result.text, deck_id="gift", title="GIFT").deck == deck


# -- round trip property -----------------------------------------------------------

WORD = st.text(alphabet="abcXYZ019~=#{}:\\<>&-%'\"/[]().,;!?|$", min_size=1, max_size=6)
TEXT = st.lists(st.tuples(WORD, st.sampled_from([" ", "\n"])), min_size=1, max_size=5).map(
    lambda parts: "".join(word + sep for word, sep in parts)[:-1]
)
"""Text with GIFT's special characters, single spaces and line breaks, nothing to trim."""
CLOZE_WORD = st.text(alphabet="abcXYZ019~=#:\\<>&-%'\"/[]().,;!?$", min_size=1, max_size=6)
IDS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,15}", fullmatch=True)
TAGS = st.lists(
    st.text(alphabet="abcXYZ019~=#{}:-_/ ", min_size=1, max_size=8).map(str.strip).filter(bool),
    max_size=3,
    unique=True,
)
NUMBER = st.one_of(
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
)
TOLERANCE = st.one_of(
    st.integers(0, 10**6), st.floats(min_value=0, max_value=1e300, allow_nan=False)
)


@st.composite
def questions(draw: st.DrawFn) -> dict[str, Any]:
    """A question of a kind GIFT carries one to one, with an id, tags and explanation."""
    kind = draw(
        st.sampled_from(["short", "choice", "multi", "truefalse", "numeric", "cloze", "match"])
    )
    common: dict[str, Any] = {
        "kind": kind,
        "tags": draw(TAGS),
        "explanation": draw(st.one_of(st.just(""), TEXT)),
    }
    if kind == "cloze":
        before = draw(st.one_of(st.just(""), CLOZE_WORD.map(lambda w: w + " ")))
        after = draw(st.one_of(st.just(""), st.just("."), CLOZE_WORD.map(lambda w: " " + w)))
        answer = draw(CLOZE_WORD.filter(lambda w: "|" not in w))
        return {**common, "text": f"{before}{{{{{answer}}}}}{after}"}
    common["prompt"] = draw(TEXT)
    if kind == "short":
        answers = draw(
            st.lists(TEXT.filter(lambda t: "*" not in t), min_size=1, max_size=3, unique=True)
        )
        return {**common, "answer": answers[0], "accept": answers[1:]}
    if kind in ("choice", "multi"):
        choices = draw(st.lists(TEXT, min_size=2, max_size=5, unique=True))
        picked = draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
        right = [c for c in choices if c in picked]  # GIFT keeps the choices' order only
        if kind == "choice":
            return {**common, "choices": choices, "answer": right[0]}
        return {**common, "choices": choices, "answers": right}
    if kind == "truefalse":
        return {**common, "answer": draw(st.booleans())}
    if kind == "numeric":
        return {**common, "answer": draw(NUMBER), "tolerance": draw(TOLERANCE)}
    lefts = draw(st.lists(TEXT, min_size=2, max_size=4, unique=True))
    rights = draw(st.lists(TEXT, min_size=len(lefts), max_size=len(lefts), unique=True))
    return {**common, "pairs": [list(pair) for pair in zip(lefts, rights, strict=True)]}


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    drawn = draw(st.lists(questions(), min_size=1, max_size=4))
    ids = draw(st.lists(IDS, min_size=len(drawn), max_size=len(drawn), unique=True))
    return _deck(*({**q, "id": i} for q, i in zip(drawn, ids, strict=True)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decks())
def test_round_trip(deck: Deck) -> None:
    """import(export(deck)) is the deck again, without a warning, for every kind GIFT carries."""
    exported = export_gift(deck)
    assert exported.warnings == []
    back = import_gift(exported.text, deck_id="gift", title="GIFT")
    assert back.warnings == []
    assert back.deck == deck


def test_round_trip_example_with_every_special_character() -> None:
    question: Question = _deck(
        {"kind": "short", "id": "s", "prompt": "~=#{}:\\ -> %1% [html] <i>", "answer": "-> ~=#{}:"}
    ).questions[0]
    deck = _deck(question.model_dump(exclude_defaults=True))
    assert import_gift(export_gift(deck).text, deck_id="gift", title="GIFT").deck == deck


def test_html_to_text_keeps_words_and_lines() -> None:
    assert html_to_text("<p>One &amp; two</p><p>three<br>four</p><!-- x --><script>y</script>") == (
        "One & two\nthree\nfour",
        ["formatting"],
    )
    assert html_to_text("no tags &lt;here&gt;") == ("no tags <here>", [])


def test_wrong_choice_weights_that_score_otherwise_are_said() -> None:
    """quiz takes a right choice's share off per wrong tick; Moodle uses the file's weights."""
    same = import_gift("Pick {~%50%a ~%50%b ~%-50%c}", deck_id="d", title="D")
    assert same.warnings == []
    other = import_gift("Pick {~%50%a ~%50%b ~%-100%c ~d}", deck_id="d", title="D")
    assert [w.message for w in other.warnings] == [
        "wrong choices weigh -100%, 0% in Moodle: quiz takes 50% off for each wrong tick"
        " (a right choice's share), so scores will differ"
    ]


def test_the_deck_table_goes_out_in_the_header_and_comes_back() -> None:
    deck = Deck.model_validate(
        {
            "deck": {
                "id": "news",
                "title": "News\nof the day",
                "description": "Two lines,\nand a ] bracket",
                "pass_mark": 75,
                "source": {
                    "title": "Article",
                    "url": "https://x.example/a",
                    "published": date(2026, 1, 2),
                },
            },
            "questions": [{"kind": "short", "id": "q", "prompt": "Who?", "answer": "Ann"}],
        }
    )
    back = import_gift(export_gift(deck).text)
    assert back.deck.deck == deck.deck
    named = import_gift(export_gift(deck).text, deck_id="other", title="Other")
    assert (named.deck.deck.id, named.deck.deck.title) == ("other", "Other")
    assert named.deck.deck.pass_mark == 75
    broken = import_gift('// [deck:{"id": "Not a slug"}]\n\nWho? {=Ann}', default_id="fallback")
    assert broken.deck.deck.id == "fallback"
    assert [str(w) for w in broken.warnings] == [
        "line 1: [deck:...] comment unusable (id: String should match pattern"
        " '^[a-z0-9][a-z0-9_-]*$'); ignored"
    ]
