"""Article importer: the Q&A section of an article becomes short / flashcard questions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import tomli
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from quiz.core.checking import check
from quiz.core.interchange.article import NoQuestionsSectionError, import_article, parse_date
from quiz.core.interchange.article.keys import keyed_question
from quiz.core.interchange.article.language import ENGLISH
from quiz.core.interchange.base import ImportWarning  # noqa: A004
from quiz.core.interchange.toml_writer import deck_to_toml
from quiz.core.models import Deck, Flashcard, ShortAnswer
from quiz.core.text import normalize

ROOT = Path(__file__).parents[2]
ARTICLES = ROOT / "tests" / "data" / "articles"


def read(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def test_news_article_round_trips_into_the_bundled_decks_core_questions() -> None:
    bundled = Deck.model_validate(
        tomli.loads((ROOT / "decks" / "belarus-prisoner-release-2025.toml").read_text("utf-8"))
    )
    core = [q for q in bundled.questions if "key-questions" in q.tags]
    imported = import_article(read("belarus-prisoner-release-2025.txt"))

    assert imported.warnings == []
    assert [q.prompt for q in imported.deck.questions] == [q.prompt for q in core]
    assert len(core) == 4
    for ours, theirs in zip(imported.deck.questions, core, strict=True):
        assert ours.kind == theirs.kind
        if isinstance(ours, ShortAnswer):
            assert isinstance(theirs, ShortAnswer)
            # Each deck's answer is right by the other deck's question.
            assert check(ours, theirs.answer, bundled.deck).correct
            assert check(theirs, ours.answer, bundled.deck).correct
            assert all(check(theirs, alt, bundled.deck).correct for alt in ours.accept)
        else:
            assert isinstance(ours, Flashcard) and isinstance(theirs, Flashcard)
            assert fuzz.ratio(normalize(ours.answer), normalize(theirs.answer)) >= 90

    source = imported.deck.deck.source
    assert source is not None and bundled.deck.source is not None
    assert source.title == bundled.deck.source.title
    assert source.published == bundled.deck.source.published == date(2025, 12, 13)
    assert source.author == bundled.deck.source.author


def test_news_article_short_answer_and_its_alternatives() -> None:
    first = import_article(read("belarus-prisoner-release-2025.txt")).deck.questions[0]
    assert isinstance(first, ShortAnswer)
    assert first.answer == "Ales Bialiatski, Maria Kalesnikava, and 121 other prisoners"
    assert first.accept == [
        "Ales Bialiatski and Maria Kalesnikava",
        "Bialiatski, Kalesnikava and 121 other prisoners",
        "Bialiatski and Kalesnikava",
    ]
    assert first.explanation.endswith("were freed by Belarusian President Alexander Lukashenko.")


def test_markdown_faq_with_answer_paragraphs() -> None:
    result = import_article(read("faq-markdown.md"))
    deck = result.deck
    assert deck.deck.title == "Photosynthesis for Beginners"
    assert deck.deck.id == "photosynthesis-for-beginners"
    assert deck.deck.source is not None
    assert deck.deck.source.author == "Ada Green"
    assert deck.deck.source.published == date(2024, 3, 5)
    assert [(q.id, q.kind) for q in deck.questions] == [
        ("what-gas-do-plants-take-in", "short"),
        ("where-does-photosynthesis-happen", "flashcard"),
        ("why-are-leaves-green", "flashcard"),
    ]
    first, second = deck.questions[:2]
    assert isinstance(first, ShortAnswer) and first.answer == "Carbon dioxide"
    # A Markdown link in an answer paragraph reads as its text.
    assert isinstance(second, Flashcard)
    assert second.answer.startswith("In the chloroplasts, which are small structures")
    # The question with no answer before the next heading is reported, not dropped silently,
    # and the section stops at "## Further reading".
    assert result.warnings == [ImportWarning(26, "no answer for 'What is released?'; skipped")]


def test_numbered_items_prefixes_duplicates_and_plain_heading_end() -> None:
    result = import_article(read("numbered-qa.txt"), deck_id="moon", title="Apollo")
    deck = result.deck
    assert (deck.deck.id, deck.deck.title) == ("moon", "Apollo")
    assert deck.deck.source is not None and deck.deck.source.title == "The Moon Landing"
    assert deck.deck.source.published == date(1969, 7, 20)
    assert [(q.prompt, getattr(q, "answer", None)) for q in deck.questions] == [
        ("Who first walked on the Moon?", "Neil Armstrong"),
        ("What was the name of the lunar module?", "Eagle"),
        ("Which mission landed first?", "Apollo 11"),
    ]
    first = deck.questions[0]
    assert isinstance(first, ShortAnswer) and first.accept == ["Armstrong"]
    assert result.warnings == [ImportWarning(10, "same question as line 7; skipped")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (read("no-questions.md"), 'no "Key Questions", "Questions and Answers", "Q&A" or "FAQ"'),
        ("Title\n\nFAQ\n\nNothing to ask here.\n", "has no question/answer pairs"),
        ("", 'no "Key Questions"'),
        ("FAQ\n- Who? ...\n- Why? -\n", "has no question/answer pairs"),
    ],
)
def test_article_without_questions_is_an_error_not_an_empty_deck(text: str, message: str) -> None:
    with pytest.raises(NoQuestionsSectionError, match=message):
        import_article(text)


@pytest.mark.parametrize(
    ("prompt", "answer", "kind", "expected", "accept"),
    [
        ("What is the capital?", "Paris.", "short", "Paris", []),
        ("Which country?", "The United States", "short", "United States", ["The United States"]),
        (
            "Who won?",
            "Marie Curie and Pierre Curie shared the prize with Henri Becquerel in Stockholm.",
            "flashcard",
            None,
            None,
        ),
        (
            "What was destroyed?",
            "The old wooden bridge was destroyed by the flood that hit the valley in spring.",
            "short",
            "old wooden bridge",
            ["the old wooden bridge", "bridge"],
        ),
        (
            "Why was it closed?",
            "The road was closed because the old wooden bridge had been destroyed by floods.",
            "flashcard",
            None,
            None,
        ),
        (
            "What happens if a book is more than 60 days overdue?",
            "It is counted as lost, and the borrower is charged its price.",
            "flashcard",
            None,
            None,
        ),
        ("When does it start?", "From 1 July, for all streets.", "short", "1 July", ["July 1"]),
        ("How many schools closed?", "Three of the district's eleven schools.", "numeric", 3, None),
    ],
)
def test_kind_and_alternatives_from_the_answer(
    prompt: str, answer: str, kind: str, expected: object, accept: list[str] | None
) -> None:
    question = keyed_question(prompt, answer, ENGLISH).fields
    assert question["kind"] == kind
    if kind == "short":
        assert (question["answer"], question["accept"]) == (expected, accept)
    elif kind == "numeric":
        assert question["answer"] == expected
    else:
        assert question["answer"] == answer


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("December 13, 2025", date(2025, 12, 13)),
        ("Dec 13, 2025", date(2025, 12, 13)),
        ("13 December 2025", date(2025, 12, 13)),
        ("December 1st, 2025", date(2025, 12, 1)),
        ("2025-12-13", date(2025, 12, 13)),
        ("**2025-12-13**", date(2025, 12, 13)),
        ("On December 13, 2025 it rained", None),
        ("2025-13-45", None),
    ],
)
def test_date_lines(line: str, expected: date | None) -> None:
    assert parse_date(line) == expected


def test_control_characters_in_an_article_never_reach_the_deck() -> None:
    text = "Title\x1b[2J\n\nFAQ\n\n- Who? \x1b]8;;http://x\x07Ann\x07\n"
    deck = import_article(text).deck
    assert deck.deck.title == "Title"
    question = deck.questions[0]
    assert isinstance(question, ShortAnswer) and question.answer == "Ann"
    assert "\x1b" not in deck_to_toml(deck)


ARTICLE_LINES = [
    "FAQ",
    "# FAQ",
    "## Key Questions",
    "**Questions and Answers:**",
    "- Who? Ann",
    "1. What? ...",
    "Q: a? A: b",
    "Why?",
    "",
    "Heading",
    "2025-12-13",
    "By Someone",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(ARTICLE_LINES), st.text(max_size=20)), max_size=12))
@example(["#", "FAQ", "- Who? Ann"])  # an empty heading first: no title to take from it
def test_any_text_gives_a_deck_or_the_no_section_error(lines: list[str]) -> None:
    try:
        result = import_article("\n".join(lines))
    except NoQuestionsSectionError:
        return
    assert result.deck.questions


def test_setext_headings_and_bold_questions_with_their_answers_on_the_line() -> None:
    """Markdown's underlined headings (`===`, `---`) and the FAQ layout `**Q?** Answer`."""
    text = (
        "Harbour news\n============\n\nBy Ann Lee, 4 March 2026\n\n"
        "Some body text about the harbour that is long enough to be prose here.\n\n"
        "Frequently Asked Questions\n--------------------------\n\n"
        "**How many boats dock each day?** About 140, most of them fishing boats.\n\n"
        "**Who runs the harbour?** Harbour master Tom Reed, who took over in 2019.\n\n"
        "Related\n-------\n\nNothing here? Nobody.\n"
    )
    result = import_article(text)
    source = result.deck.deck.source
    assert source is not None
    assert (source.title, source.author, source.published) == (
        "Harbour news", "Ann Lee", date(2026, 3, 4),
    )  # fmt: skip
    assert [
        (q.prompt, q.kind, getattr(q, "answer", None), q.source_line) for q in result.deck.questions
    ] == [
        ("How many boats dock each day?", "numeric", 140, 11),
        ("Who runs the harbour?", "short", "Tom Reed", 13),
    ]


def test_the_publication_date_wins_over_an_update_and_is_no_author() -> None:
    text = (
        "City news\nUpdated: 9 March 2026\nPublished: 4 March 2026\n\n"
        "Body text that is long enough to count as the article's prose, really.\n\n"
        "Key questions answered\n\nQ: Who leads the council?\nA: Ann Lee, the mayor.\n"
    )
    source = import_article(text).deck.deck.source
    assert source is not None
    assert (source.published, source.author) == (date(2026, 3, 4), None)
    only_updated = import_article(text.replace("Published: 4 March 2026\n", "")).deck.deck.source
    assert only_updated is not None and only_updated.published == date(2026, 3, 9)


def test_numbered_question_headings_lists_in_answers_and_ordinal_dates() -> None:
    """`### 1. When?` asks "When?"; a list in an answer stays a list (an item a line, a
    wrapped item one line); "4th of March 2026" is a date."""
    text = (
        "# Library opens late\n\nBy Sam Roe | 4th of March 2026\n\n"
        "The central library will stay open until 10pm on weekdays from next month.\n\n"
        "## Key Questions\n\n### 1. When does the change start?\n\nOn 1 April.\n\n"
        "### 2. Why is it happening?\n\nTwo reasons:\n- Students asked for more study space.\n"
        "- The council found money\n  in its budget.\n"
    )
    result = import_article(text)
    source = result.deck.deck.source
    assert source is not None and (source.author, source.published) == ("Sam Roe", date(2026, 3, 4))
    first, second = result.deck.questions
    assert isinstance(first, ShortAnswer) and (first.prompt, first.answer) == (
        "When does the change start?", "1 April",
    )  # fmt: skip
    assert isinstance(second, Flashcard) and second.answer == (
        "Two reasons:\n- Students asked for more study space.\n"
        "- The council found money in its budget."
    )
