"""The decks shipped in `decks/` and the format documentation that goes with them.

Bundled decks must be valid, lint-clean, answerable and faithful to their source, and
every example in `decks/README.md` must be what the code really accepts and prints.

The news deck is held to its article: the four "Key Questions" word for word, quoted
explanations that really occur in the article, and counts that have one right answer
although the article gives two different totals.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz.cli import main
from quiz.core.cards import cards_of
from quiz.core.checking import Response, check, check_card
from quiz.core.deckfile.lint import lint_deck
from quiz.core.deckfile.loading import load_deck, parse_deck
from quiz.core.deckfile.reading import MAX_DECK_BYTES
from quiz.core.models import (
    Cloze,
    Deck,
    DeckMeta,
    Flashcard,
    Match,
    MultipleChoice,
    Numeric,
    Order,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from quiz.core.outline import QUESTION_KINDS

DECKS = Path(__file__).resolve().parents[2] / "decks"
NEWS = DECKS / "belarus-prisoner-release-2025.toml"
ARTICLE = DECKS / "sources" / "belarus-prisoner-release-2025.txt"
DECK_FILES = sorted(DECKS.glob("*.toml"))


def canonical_response(question: Question) -> Response:
    """The response a learner who knows the deck's own answer gives."""
    match question:
        case Flashcard():
            return True
        case ShortAnswer() | SingleChoice():
            return question.answer
        case MultipleChoice():
            return list(question.answers)
        case TrueFalse():
            return question.answer
        case Numeric():
            return str(question.answer)
        case Cloze():
            return [blank.answer for blank in question.blanks]
        case Order():
            return list(question.items)
        case Match():
            return {left: right for left, right in question.pairs}


def by_id(deck: Deck, ident: str) -> Question:
    return next(q for q in deck.questions if q.id == ident)


def plain(text: str) -> str:
    """Text with typographic apostrophes and spacing evened out, for quoting comparisons."""
    return " ".join(text.replace("’", "'").split()).casefold()


@pytest.fixture(scope="module")
def news() -> Deck:
    return load_deck(NEWS)


# --- every bundled deck ------------------------------------------------------------------


def test_there_are_at_least_two_decks_on_different_subjects() -> None:
    assert len(DECK_FILES) >= 2
    tags = [set(load_deck(path).deck.tags) for path in DECK_FILES]
    assert not set.intersection(*tags)


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_deck_loads_without_errors_or_warnings(path: Path) -> None:
    result = lint_deck(path)
    assert result.deck is not None
    assert [str(d) for d in result.diagnostics] == []
    assert result.deck.deck.id == path.stem


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_every_question_has_an_id_explanation_and_tags(path: Path) -> None:
    deck = load_deck(path)
    for question in deck.questions:
        assert question.id, question
        assert question.explanation.strip(), question.id
        assert question.tags, question.id


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_the_decks_own_answers_score_full_marks(path: Path) -> None:
    deck = load_deck(path)
    for question in deck.questions:
        result = check(question, canonical_response(question), deck.deck)
        assert result.correct, (question.id, result)
        assert result.score == result.points == question.points, question.id
        if isinstance(question, ShortAnswer):
            for accepted in question.accept:
                assert check(question, accepted, deck.deck).correct, (question.id, accepted)
        if isinstance(question, Numeric) and question.unit:
            with_unit = f"{question.answer} {question.unit}"
            assert check(question, with_unit, deck.deck).correct, question.id


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_every_card_is_answerable(path: Path) -> None:
    deck = load_deck(path)
    for card in cards_of(deck):
        question = card.question
        if isinstance(question, Cloze) and card.blank is not None:
            response: Response = question.blanks[card.blank].answer
        else:
            response = canonical_response(question)
        assert check_card(card, response, deck.deck).correct, card.key


def test_chemistry_deck_shows_the_format_is_general() -> None:
    deck = load_deck(DECKS / "chemistry-elements.toml")
    assert 10 <= len(deck.questions) <= 15
    assert len({q.kind for q in deck.questions}) >= 5
    assert "news" not in deck.deck.tags


# --- the news deck and its article ------------------------------------------------------


def key_questions_of_article() -> list[tuple[str, str]]:
    """(question, answer) pairs of the article's "Key Questions and Answers" bullets."""
    text = ARTICLE.read_text(encoding="utf-8")
    section = text.split("Key Questions and Answers", 1)[1]
    bullets = re.findall(r"•\s*(.+)", section)
    return [(q.strip() + "?", a.strip()) for q, a in (b.split("?", 1) for b in bullets)]


def test_news_deck_starts_with_the_four_key_questions_word_for_word(news: Deck) -> None:
    key_questions = key_questions_of_article()
    assert len(key_questions) == 4
    assert [q.prompt for q in news.questions[:4]] == [q for q, _ in key_questions]
    assert [q.prompt for q in news.questions[:4]] == [
        "Who was released?",
        "What were the conditions for their release?",
        "What is the significance of this event?",
        "What challenges remain?",
    ]
    first, *rest = news.questions[:4]
    # The short factual answer is the article's answer up to "were freed by ...".
    assert isinstance(first, ShortAnswer)
    assert key_questions[0][1].startswith(first.answer + " were freed")
    # The long answers are flashcards carrying the article's answer verbatim.
    for question, (_, article_answer) in zip(rest, key_questions[1:], strict=True):
        assert isinstance(question, Flashcard)
        assert question.answer == article_answer
    assert all("key-questions" in q.tags for q in news.questions[:4])
    assert not any("key-questions" in q.tags for q in news.questions[4:])


def test_news_deck_size_and_kinds(news: Deck) -> None:
    assert len(news.questions) >= 20
    assert {q.kind for q in news.questions} == set(QUESTION_KINDS)
    assert any(isinstance(q, Flashcard) and q.reverse for q in news.questions)
    assert any(isinstance(q, Numeric) and q.tolerance > 0 for q in news.questions)
    clozes = [q for q in news.questions if isinstance(q, Cloze)]
    assert any(len(q.blanks) >= 3 and any(b.hint for b in q.blanks) for q in clozes)


def test_news_deck_source_is_the_article_kept_in_the_repository(news: Deck) -> None:
    source = news.deck.source
    assert source is not None
    assert source.published == date(2025, 12, 13)
    assert source.title == ARTICLE.read_text(encoding="utf-8").splitlines()[0].strip()
    assert "decks/sources/belarus-prisoner-release-2025.txt" in news.deck.description


def test_quoted_explanations_occur_in_the_article(news: Deck) -> None:
    """Every “quoted” passage of at least three words is really in the article."""
    article = plain(ARTICLE.read_text(encoding="utf-8"))
    quoting = 0
    for question in news.questions:
        fragments = re.findall(r"“([^“”]+)", question.explanation)
        pieces = [p.strip(" .,") for f in fragments for p in f.split("…")]
        pieces = [p for p in pieces if len(p.split()) >= 3]
        for piece in pieces:
            assert plain(piece) in article, (question.id, piece)
        quoting += bool(pieces)
    assert quoting >= len(news.questions) - 2


@pytest.mark.parametrize(
    ("ident", "answer", "right", "wrong"),
    [
        # "Key Actions and Impact": "freed 123 prisoners, including Bialiatski and Kalesnikava".
        # 124 would be the first paragraph's "Bialiatski ... along with 123 other prisoners".
        ("freed-total-key-actions", 123, ["123", "123 prisoners"], ["124", "122", "121"]),
        # "Key Questions and Answers": "Bialiatski, Kalesnikava, and 121 other prisoners".
        ("freed-others-key-questions", 121, ["121"], ["123", "122", "124"]),
        ("nobel-year", 2022, ["2022"], ["2021", "2023"]),
        # Arrested in 2021, freed in December 2025: four to five years.
        ("years-imprisoned", 4.5, ["4", "4.5", "5 years"], ["3", "6", "3.9"]),
    ],
)
def test_numbers_asked_have_one_right_answer(
    news: Deck, ident: str, answer: float, right: list[str], wrong: list[str]
) -> None:
    question = by_id(news, ident)
    assert isinstance(question, Numeric)
    assert question.answer == answer
    for response in right:
        assert check(question, response, news.deck).correct, response
    for response in wrong:
        assert not check(question, response, news.deck).correct, response


def test_the_wrong_total_is_not_accepted_for_who_was_released(news: Deck) -> None:
    question = by_id(news, "who-was-released")
    assert check(question, "Bialiatski, Kalesnikava and 121 other prisoners", news.deck).correct
    assert check(question, "Bialiatski and Kalesnikava", news.deck).correct
    assert not check(question, "Bialiatski, Kalesnikava and 123 other prisoners", news.deck).correct


def test_the_contradiction_is_explained_in_the_deck_file() -> None:
    comments = "\n".join(
        line for line in NEWS.read_text(encoding="utf-8").splitlines() if line.startswith("#")
    )
    assert "contradicts itself" in comments
    for passage in ("along with 123 other prisoners", "freed 123 prisoners", "121 other"):
        assert passage in comments


def test_no_question_rests_on_the_articles_doubtful_details(news: Deck) -> None:
    """Doubtful claims may be flagged in explanations, never asked or given as answers."""
    for question in news.questions:
        asked = question.model_dump(exclude={"explanation"})
        text = str(asked).casefold()
        for doubtful in ("former", "tsikhanouskaya", "18 months", "18-month"):
            assert doubtful not in text, (question.id, doubtful)


def test_timeline_and_roles(news: Deck) -> None:
    timeline = by_id(news, "timeline")
    assert isinstance(timeline, Order)
    landmarks = ["disputed elections", "arrested", "invades Ukraine", "frees Bialiatski"]
    assert [next(i for i, item in enumerate(timeline.items) if m in item) for m in landmarks] == [
        0,
        1,
        2,
        3,
    ]
    assert "tightened" in timeline.items[2]
    roles = by_id(news, "who-is-who")
    assert isinstance(roles, Match)
    assert [left for left, _ in roles.pairs] == [
        "Ales Bialiatski",
        "Maria Kalesnikava",
        "John Coale",
        "Alexander Lukashenko",
    ]


# --- decks/README.md: its examples are real -------------------------------------------------

FORMAT_DOC = DECKS / "README.md"
MINIMAL_DECK = '[deck]\nid = "doc-example"\ntitle = "Example"\n\n'


def doc_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", FORMAT_DOC.read_text(encoding="utf-8"), re.S)


def test_every_question_example_in_the_format_doc_is_valid() -> None:
    examples = [block for block in doc_blocks("toml") if "[[questions]]" in block]
    kinds = set()
    for block in examples:
        if "[deck]" not in block:
            deck = parse_deck(MINIMAL_DECK + block, "example.toml")
            kinds.update(q.kind for q in deck.questions)
        elif "Dnube" not in block:  # the deliberately broken deck of the `quiz check` section
            parse_deck(block, "example.toml")
    assert kinds == set(QUESTION_KINDS)


def test_the_quiz_check_example_in_the_format_doc_matches_the_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = next(block for block in doc_blocks("toml") if "Dnube" in block)
    documented = next(block for block in doc_blocks("text") if "broken.toml:" in block)
    (tmp_path / "broken.toml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "broken.toml"])
    assert result.exit_code == 1
    assert result.output == documented


def test_the_format_doc_states_the_real_defaults_and_limits() -> None:
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    meta = DeckMeta(id="x", title="x")
    for key, shown in [
        ("pass_mark", f"`{meta.pass_mark:g}`"),
        ("typo_threshold", f"`{meta.typo_threshold:g}`"),
        ("language", f'`"{meta.language}"`'),
        ("format", f'`"{meta.format}"`'),
    ]:
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{key}` "))
        assert shown in row, (key, row)
    assert MAX_DECK_BYTES == 10 * 1024 * 1024
    assert f"{MAX_DECK_BYTES:,} bytes" in doc


def test_quiz_new_and_quiz_schema_point_at_this_guide(tmp_path: Path) -> None:
    """Every new deck and every saved schema names the guide: the path must lead to it."""
    runner = CliRunner()
    starter = tmp_path / "rivers.toml"
    assert runner.invoke(main, ["new", str(starter)]).exit_code == 0
    schema = runner.invoke(main, ["schema"])
    assert schema.exit_code == 0
    guide = "decks/README.md"
    assert DECKS.parent / guide == FORMAT_DOC
    for text in (starter.read_text(encoding="utf-8"), schema.output):
        assert set(re.findall(r"[\w./-]+\.md\b", text)) == {guide}
