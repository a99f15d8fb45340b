"""OpenTriviaQA importer on a byte-exact excerpt of the real files and a hand-made quirks file."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.interchange.base import ImportWarning  # noqa: A004
from quiz.core.interchange.opentrivia import decode_lines, import_opentrivia
from quiz.core.interchange.toml_writer import deck_to_toml
from quiz.core.models import Deck, SingleChoice
from quiz.errors import ImportFormatError

DATA = Path(__file__).parents[1] / "data" / "opentrivia"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def choice(deck: Deck, index: int) -> SingleChoice:
    question = deck.questions[index]
    assert isinstance(question, SingleChoice)
    return question


@pytest.mark.parametrize(
    ("name", "questions", "warnings"),
    [
        ("brain-teasers", 9, [ImportWarning(70, "same question as line 28; skipped")]),
        ("entertainment", 6, [ImportWarning(44, "same question as line 23; skipped")]),
        (
            "video-games",
            9,
            [
                ImportWarning(39, "option 'Zealot' listed twice; kept once"),
                ImportWarning(46, "not valid UTF-8; read as cp1252"),
                ImportWarning(53, "not valid UTF-8; read as cp1252"),
                ImportWarning(67, "same question as line 60; skipped"),
            ],
        ),
    ],
)
def test_excerpts_import_with_their_quirks_reported(
    name: str, questions: int, warnings: list[ImportWarning]
) -> None:
    result = import_opentrivia(load(name), category=name)
    assert len(result.deck.questions) == questions
    assert result.warnings == warnings
    assert result.deck.deck.id == f"opentrivia-{name}"
    assert result.deck.deck.tags == [name]
    assert all(q.kind == "choice" for q in result.deck.questions)
    # What we write is a valid deck again.
    assert Deck.model_validate(tomli.loads(deck_to_toml(result.deck))) == result.deck


def test_first_question_of_brain_teasers() -> None:
    deck = import_opentrivia(load("brain-teasers"), category="brain-teasers").deck
    first = choice(deck, 0)
    assert first.prompt == "Which of these is true about the sleep of zebras?"
    assert first.choices == [
        "All of these",
        "They sleep standing up.",
        "They would fall asleep every 5 to 6 hours.",
        "They need more than 12 hours of sleep a day.",
    ]
    assert first.answer == "They sleep standing up."
    # "All of these" refers to the other options: their order must stay put.
    assert first.shuffle is False
    assert choice(deck, 1).shuffle is False  # "none" alone may mean "none of these"
    assert choice(deck, 2).shuffle is None


def test_multi_line_question_with_crlf_keeps_its_lines() -> None:
    deck = import_opentrivia(load("brain-teasers")).deck
    question = next(q for q in deck.questions if q.prompt.startswith("Which letter"))
    assert question.prompt == "Which letter comes next in this series:\nW-L-C-N-I-T-?"
    assert "\r" not in deck_to_toml(deck)


def test_cp1252_line_decodes_to_curly_quotes() -> None:
    deck = import_opentrivia(load("video-games")).deck
    assert any(q.prompt == "Who rides “Nightsabre Panthers”?" for q in deck.questions)
    dup = next(q for q in deck.questions if q.prompt == "What unit says that in the game?")
    assert isinstance(dup, SingleChoice)
    assert dup.choices == ["Zealot", "Scout", "Dark Templar"]


def test_hand_made_quirks() -> None:
    result = import_opentrivia(load("quirks"), deck_id="q", title="Quirks")
    assert (result.deck.deck.id, result.deck.deck.title) == ("q", "Quirks")
    assert [q.prompt for q in result.deck.questions] == [
        "Which planet is red?",  # CR-only line endings
        "Odd byte  here?",  # 0x81 is neither UTF-8 nor cp1252: latin-1, a C1 control, removed
        "Which of these are fruits?",
    ]
    assert choice(result.deck, 1).answer == "This"
    assert [str(w) for w in result.warnings] == [
        "line 1: text before the first #Q; ignored",
        "line 7: answer 'Lyon' is not among the options; skipped",
        "line 12: question has fewer than two options; skipped",
        "line 16: not valid UTF-8; read as latin-1",
        "line 20: second ^ answer; ignored",
        "line 21: unexpected line 'not an option line'; ignored",
    ]


def test_mixed_line_endings_are_all_line_breaks() -> None:
    lines, warnings = decode_lines(b"\xef\xbb\xbfa\r\nb\rc\nd")
    assert (lines, warnings) == (["a", "b", "c", "d"], [])


@pytest.mark.parametrize("data", [b"", b"just text\n", b"#Q Lonely?\n^ Yes\nA Yes\n"])
def test_no_usable_question_is_an_error(data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="no OpenTriviaQA questions"):
        import_opentrivia(data)


TRIVIA_LINES = [
    b"#Q Which?",
    b"^ a",
    b"A a",
    b"B b",
    b"B a",
    b"",
    b"#Q",
    b"^",
    b"\x93x\x94",
    b"\xff",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TRIVIA_LINES), st.binary(max_size=12)), max_size=12))
def test_any_bytes_give_a_deck_or_a_clear_error(lines: list[bytes]) -> None:
    try:
        result = import_opentrivia(b"\n".join(lines))
    except ImportFormatError as error:
        assert "no OpenTriviaQA questions" in str(error)
        return
    assert result.deck.questions
