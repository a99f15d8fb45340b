"""The article corpus (`tests/data/articles/corpus/`): 20 articles in the layouts articles
use, each with the deck a teacher would want, written by a helper who had not read the
importer (labels fixed before it ran; see the corpus README).

For each article: the source metadata, every question's line and prompt, the questions
skipped for want of an answer, and, where the label is sure, the kind, key, unit,
tolerance, alternatives and how typed responses are judged. Where the label is unsure (a
teacher could choose either way) the importer must warn at that line, whatever it chose.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from quiz.core.checking import check
from quiz.core.interchange.article import NoQuestionsSectionError, import_article
from quiz.core.interchange.base import ImportResult
from quiz.core.models import Flashcard, Numeric, Question, ShortAnswer

CORPUS = Path(__file__).parents[1] / "data" / "articles" / "corpus"
LABELS = sorted(CORPUS.glob("*.expected.json"))


def article_of(label: Path) -> Path:
    stem = label.name.removesuffix(".expected.json")
    (article,) = [p for p in CORPUS.glob(f"{stem}.*") if p.suffix in (".txt", ".md")]
    return article


def imported(label: Path) -> tuple[dict[str, Any], str, ImportResult | None]:
    expected = json.loads(label.read_text("utf-8"))
    text = article_of(label).read_bytes().decode("utf-8")  # CRLF kept, as a file gives it
    if expected["error"] is not None:
        return expected, text, None
    return expected, text, import_article(text)


@pytest.mark.parametrize("label", LABELS, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_the_article_gives_the_expected_deck(label: Path) -> None:
    expected, text, result = imported(label)
    if result is None:
        with pytest.raises(NoQuestionsSectionError, match="section found"):
            import_article(text)
        return
    deck = result.deck
    source = deck.deck.source
    assert source is not None
    assert {
        "title": source.title,
        "author": source.author,
        "published": source.published.isoformat() if source.published else None,
        "url": source.url,
    } == expected["source"]
    assert [(q.source_line, q.prompt) for q in deck.questions] == [  # type: ignore[union-attr]
        (q["line"], q["prompt"]) for q in expected["questions"]
    ]
    skipped = {w.line for w in result.warnings if w.message.startswith("no answer for")}
    assert skipped == {s["line"] for s in expected["skipped"]}
    warned = {w.line for w in result.warnings}
    for question, wanted in zip(deck.questions, expected["questions"], strict=True):
        where = f"line {wanted['line']}"
        if wanted["confidence"] == "unsure":
            assert wanted["line"] in warned, f"{where}: an unsure choice must be a warning"
            continue
        assert question.kind == wanted["kind"], where
        assert_keyed_as_labelled(question, wanted, deck.deck, where)


def assert_keyed_as_labelled(
    question: Question, wanted: dict[str, Any], meta: Any, where: str
) -> None:
    if isinstance(question, Flashcard):
        assert question.answer == wanted["answer_text"], where
        return
    assert isinstance(question, ShortAnswer | Numeric)
    assert question.explanation == wanted["answer_text"], where
    assert question.answer == wanted["answer"], where
    if isinstance(question, Numeric):
        assert (question.unit, question.tolerance) == (wanted["unit"], wanted["tolerance"]), where
    else:
        missing = set(wanted["accept_should_include"]) - set(question.accept)
        assert not missing, f"{where}: accept lacks {missing}"
    for response in wanted["should_judge_right"]:
        assert check(question, response, meta).correct, f"{where}: {response!r} is right"
    for response in wanted["should_judge_wrong"]:
        assert not check(question, response, meta).correct, f"{where}: {response!r} is wrong"


def number_forms(value: float) -> set[str]:
    """How a number may be written in an article: 9000, 9,000, 9.000, 4.5, 4,5."""
    forms = {f"{value:g}"}
    if float(value).is_integer():
        whole = int(value)
        forms |= {str(whole), f"{whole:,}", f"{whole:,}".replace(",", ".")}
    else:
        for text in (f"{value:,}", f"{value:,.2f}"):  # 1.8, 1.80, 3,250.75
            forms |= {text, text.replace(",", " ").replace(".", ",").replace(" ", ".")}
    return forms


NUMBER_WORDS = {3: "three", 4: "four", 6: "six"}


@pytest.mark.parametrize("label", LABELS, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_every_answer_key_is_in_its_article(label: Path) -> None:
    """The importer takes keys from the article's words, never invents them: every `answer`
    key (not its `accept` alternatives) appears in the article, up to number formatting."""
    _, text, result = imported(label)
    if result is None:
        return
    plain = re.sub(r"[*_`#]|<[^>]+>", "", text).lower()
    for question in result.deck.questions:
        if isinstance(question, ShortAnswer):
            assert question.answer.lower() in plain, question.answer
        elif isinstance(question, Numeric):
            forms = number_forms(question.answer)
            word = NUMBER_WORDS.get(int(question.answer))
            found = any(
                re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d]|[.,]\d)", plain) for f in forms
            )
            assert found or (word is not None and word in plain), question.answer
