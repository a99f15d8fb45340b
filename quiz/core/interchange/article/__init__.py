"""Article (.txt / .md) -> deck, from the article's own questions-and-answers sections.

News explainers and study texts often end with a "Key Questions" / "Questions and Answers" /
"FAQ" section: the author's own idea of what a reader should take away, so it is what
becomes the deck. `layout` finds the sections and their question/answer pairs in the
layouts articles use; `keys` decides each question's kind and answer key from what the
answer leads with; `metadata` fills `[deck.source]`. Each question keeps the line of the
article it came from (`source_line`), and every choice the importer is unsure of is a
warning naming that line.
"""

from __future__ import annotations

from quiz.core.interchange.article.keys import keyed_question
from quiz.core.interchange.article.language import Language, guess_language
from quiz.core.interchange.article.layout import (
    Pair,
    front_matter,
    read_lines,
    section_pairs,
    section_starts,
)
from quiz.core.interchange.article.metadata import article_source, parse_date
from quiz.core.interchange.base import ImportResult, ImportWarning  # noqa: A004
from quiz.core.interchange.fix_ids import slugify, unique_slug
from quiz.core.models import Deck
from quiz.core.text import normalize, sanitize
from quiz.errors import ImportFormatError

__all__ = ["NoQuestionsSectionError", "import_article", "parse_date"]


class NoQuestionsSectionError(ImportFormatError):
    """The article has no questions-and-answers section, or the section has no pairs."""


def import_article(
    text: str, *, deck_id: str | None = None, title: str | None = None
) -> ImportResult:
    """Build a deck from the questions-and-answers sections of an article.

    Raises `NoQuestionsSectionError` when there is no such section or it holds no question
    with an answer: an empty deck would only hide the problem.
    """
    raw_lines = sanitize(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    fields, skip = front_matter(raw_lines)
    lines = read_lines(raw_lines, skip)
    starts = section_starts(lines)
    if not starts:
        raise NoQuestionsSectionError(
            'no "Key Questions", "Questions and Answers", "Q&A" or "FAQ" section found'
        )
    warnings: list[ImportWarning] = []
    pairs: list[Pair] = []
    end = 0
    for start in starts:
        if start < end:
            continue  # a title inside the previous section's span was taken as its end
        found, end = section_pairs(lines, start, warnings)
        pairs += found
    language = guess_language(text)
    questions = _questions(pairs, language, warnings)
    if not questions:
        where = ", ".join(str(lines[start].number) for start in starts)
        raise NoQuestionsSectionError(
            f"the questions section (line {where}) has no question/answer pairs"
        )
    source = article_source(lines, fields)
    deck_title = title or source["title"]
    meta = {
        "id": deck_id or slugify(deck_title) or "article",
        "title": deck_title,
        "source": source,
    }
    if language.code != "en":
        meta["language"] = language.code
    return ImportResult(
        Deck.model_validate({"deck": meta, "questions": questions}),
        sorted(warnings, key=lambda warning: warning.line or 0),
    )


def _questions(
    pairs: list[Pair], language: Language, warnings: list[ImportWarning]
) -> list[dict[str, object]]:
    """Each answered pair as a deck question; unanswered and repeated questions are skipped
    with a warning."""
    taken: set[str] = set()
    seen: dict[str, int] = {}
    questions = []
    for pair in pairs:
        if not any(ch.isalnum() for ch in pair.answer):  # "..." or "-" is no answer
            warnings.append(ImportWarning(pair.line, f"no answer for {pair.question!r}; skipped"))
            continue
        key = normalize(pair.question)
        if key in seen:
            warnings.append(ImportWarning(pair.line, f"same question as line {seen[key]}; skipped"))
            continue
        seen[key] = pair.line
        keyed = keyed_question(pair.question, pair.answer, language)
        if keyed.unsure is not None:
            warnings.append(ImportWarning(pair.line, keyed.unsure))
        question = {
            **keyed.fields,
            "id": unique_slug(pair.question, taken),
            "source_line": pair.line,
        }
        questions.append(question)
    return questions
