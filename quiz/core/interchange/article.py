"""Article (.txt / .md) -> deck, from the article's own questions-and-answers section.

News explainers and study texts often end with a "Key Questions" / "Questions and
Answers" / "FAQ" section. That section is the author's own idea of what a reader
should take away, so it is what we turn into questions; the rest of the article
is left for a person to mine.

What is recognised:
- the section: a heading line (Markdown `#` or a plain line, `**bold**` or `:` allowed)
  naming one of the section titles, up to the next heading;
- items: bullets / numbered lines "Question? Answer", or a question line followed by
  its answer paragraph; `Q:` / `A:` prefixes are dropped;
- the deck title from the first line, the date from a line that is only a date
  ("December 13, 2025", "13 December 2025" or ISO), and an author line ("By ...",
  or a short name line just before the date) into `[deck.source]`.

A short answer (at most `SHORT_ANSWER_WORDS` words) becomes a typed `short` question.
A long answer whose grammatical subject answers a who/what/which question ("X, Y
and 121 others were freed by ...") becomes a `short` question on that phrase, with
the sentence as explanation. Any other long answer becomes a `flashcard`, which the
learner grades themself. `accept` alternatives come from the answer: the names in
a list without their given names, the list without its trailing "and N others",
an answer without a leading "the".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from quiz.core.interchange.base import ImportResult, ImportWarning  # noqa: A004
from quiz.core.interchange.fix_ids import slugify, unique_slug
from quiz.core.models import Deck
from quiz.core.text import normalize, sanitize
from quiz.errors import ImportFormatError

SHORT_ANSWER_WORDS = 12
"""Longer answers cannot reasonably be typed from memory; they become flashcards."""


class NoQuestionsSectionError(ImportFormatError):
    """The article has no questions-and-answers section, or the section has no pairs."""


SECTION_TITLES = re.compile(
    r"(?:key\s+questions(?:\s+(?:and|&)\s+answers)?|questions\s+(?:and|&)\s+answers"
    r"|q\s*&\s*a|faqs?|frequently\s+asked\s+questions)",
    re.IGNORECASE,
)
_HEADING_DECOR = re.compile(r"^\s*(#{1,6}(?=\s))?\s*[*_]*\s*(.*?)\s*[*_]*\s*:?\s*[*_]*\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+•‣◦·–]|\d{1,3}[.)]|\(\d{1,3}\))\s+(.*)$")
_QA_PREFIX = re.compile(r"^\s*(?:q(?:uestion)?\s*[:.)]\s*)", re.IGNORECASE)
_A_PREFIX = re.compile(r"^\s*(?:a(?:nswer)?\s*[:.)]\s*)", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_CODE = re.compile(r"`([^`]+)`")
_DATE_PATTERNS = ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%b %d, %Y", "%b. %d, %Y", "%Y-%m-%d")
_SUBJECT = re.compile(
    r"^(?P<subject>.+?)\s+(?:was|were|is|are|has\s+been|have\s+been)\s+(?:\w+ly\s+)?\w+(?:ed|en)\b",
)
"""A passive sentence: its subject is what a who/what/which question asks for."""
_WH_SUBJECT_QUESTION = re.compile(r"^(?:who|what|which)\b", re.IGNORECASE)
_TRAILING_OTHERS = re.compile(
    r",?\s+(?:and|&)\s+(?:\d[\d,]*|many|several|dozens\s+of|hundreds\s+of)\s+"
    r"(?:other|more)?\s*\w+$",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return text.split()


def _strip_markup(line: str) -> str:
    """Markdown emphasis, links and code spans as the plain text a reader sees."""
    line = _LINK.sub(r"\1", _EMPHASIS.sub(r"\2", line))
    return _CODE.sub(r"\1", line).strip()


def _heading_text(line: str) -> tuple[int, str]:
    """(Markdown level or 0 for a plain line, the heading's text without decoration)."""
    match = _HEADING_DECOR.match(line)
    if match is None:
        return 0, line.strip()
    hashes, text = match.groups()
    return (len(hashes) if hashes else 0), text


def _is_section_heading(line: str) -> bool:
    _, text = _heading_text(line)
    return SECTION_TITLES.fullmatch(text) is not None


def _looks_like_plain_heading(line: str) -> bool:
    """A plain-text heading: a short capitalised line without sentence punctuation."""
    text = line.strip()
    if not text or _ITEM.match(line) or text[-1] in '.?!:;,"”)':
        return False
    return len(_words(text)) <= 8 and text[0].isupper()


def parse_date(line: str) -> date | None:
    """The date a line consists of, in the usual news formats; None for any other line."""
    text = re.sub(r"\s+", " ", line.strip().strip("*_ "))
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for pattern in _DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _split_question(text: str) -> tuple[str, str]:
    """("Question?", "rest") for an item; rest is "" when the answer is on the next lines."""
    text = _QA_PREFIX.sub("", _strip_markup(text))
    index = text.find("?")
    if index < 0:
        return "", text
    return text[: index + 1].strip(), _A_PREFIX.sub("", text[index + 1 :]).strip()


def _accept(answer: str, prompt: str) -> list[str]:
    """Other ways of typing `answer` that a teacher would count as right.

    Surnames alone are offered only for "who" questions: "States" is not a way to
    write "The United States".
    """
    alternatives: list[str] = []
    core = answer.rstrip(".")
    without_rest = _TRAILING_OTHERS.sub("", core)
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", without_rest) if p.strip()]
    names = [p for p in parts if all(w[0].isupper() for w in p.split()) and not re.search(r"\d", p)]
    if without_rest != core and len(parts) > 1:
        alternatives.append(_join(parts))
    about_people = re.match(r"(?i)who(?:m|se)?\b", prompt) is not None
    if about_people and len(names) == len(parts) and any(len(n.split()) > 1 for n in names):
        surnames = [n.split()[-1] for n in names]
        rest = core[len(without_rest) :].lstrip(", ")
        if rest:
            alternatives.append(f"{', '.join(surnames)} {rest}")
        alternatives.append(_join(surnames))
    if re.match(r"(?i)the\s", core):
        alternatives.append(core[4:])
    seen = {normalize(answer)}
    unique = []
    for alternative in alternatives:
        if normalize(alternative) not in seen:
            seen.add(normalize(alternative))
            unique.append(alternative)
    return unique


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def question_from_pair(prompt: str, answer: str) -> dict[str, Any]:
    """The deck question for one question/answer pair (see the module docstring)."""
    answer = " ".join(answer.split())
    if len(_words(answer)) <= SHORT_ANSWER_WORDS:
        short = answer.rstrip(".")
        return {
            "kind": "short",
            "prompt": prompt,
            "answer": short,
            "accept": _accept(short, prompt),
        }
    subject = _SUBJECT.match(answer)
    if (
        subject is not None
        and _WH_SUBJECT_QUESTION.match(prompt)
        and len(_words(subject["subject"])) <= SHORT_ANSWER_WORDS
    ):
        phrase = subject["subject"].strip(" ,")
        return {
            "kind": "short",
            "prompt": prompt,
            "answer": phrase,
            "accept": _accept(phrase, prompt),
            "explanation": answer,
        }
    return {"kind": "flashcard", "prompt": prompt, "answer": answer}


def _find_section(lines: list[str]) -> tuple[int, int] | None:
    """(0-based index of the questions heading, its Markdown level or 0), or None."""
    for index, line in enumerate(lines):
        if _is_section_heading(line):
            return index, _heading_text(line)[0]
    return None


def _pairs(
    lines: list[str], heading: int, level: int, warnings: list[ImportWarning]
) -> list[tuple[int, str, str]]:
    """(1-based line, question, answer) for every item of the section after `heading`.

    The section ends at the next heading; a line right after a question that still
    waits for its answer is that answer, however much it looks like a heading.
    """
    pairs: list[tuple[int, str, str]] = []
    current: tuple[int, str, list[str]] | None = None

    def flush() -> None:
        if current is None:
            return
        line_no, question, answer_lines = current
        answer = " ".join(" ".join(answer_lines).split())
        if any(ch.isalnum() for ch in answer):  # "..." or "-" is no answer
            pairs.append((line_no, question, answer))
        else:
            warnings.append(ImportWarning(line_no, f"no answer for {question!r}; skipped"))

    for index in range(heading + 1, len(lines)):
        raw = lines[index]
        if not raw.strip():
            continue
        awaiting_answer = current is not None and not current[2]
        line_level = _heading_text(raw)[0]
        if line_level and (not level or line_level <= level):
            break
        after_blank = not lines[index - 1].strip()
        if not level and not awaiting_answer and after_blank and _looks_like_plain_heading(raw):
            break
        item = _ITEM.match(raw)
        question, rest = _split_question(item.group(1) if item else raw)
        if question and not awaiting_answer:
            flush()
            current = (index + 1, question, [rest] if rest else [])
        elif current is not None:
            current[2].append(_A_PREFIX.sub("", _strip_markup(item.group(1) if item else raw)))
        else:
            warnings.append(ImportWarning(index + 1, "text before the first question; skipped"))
    flush()
    return pairs


def _source(lines: list[str]) -> dict[str, Any]:
    nonblank = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    headings = (_heading_text(line)[1] for _, line in nonblank)
    title = next((text for text in headings if text), "Article")  # `#` alone says nothing
    source: dict[str, Any] = {"title": title}
    for position, (_, line) in enumerate(nonblank[:12]):
        if line.lower().startswith("by ") and len(_words(line)) <= 6:
            source["author"] = line[3:].strip()
        published = parse_date(line)
        if published is not None:
            source["published"] = published
            before = nonblank[position - 1][1] if position > 1 else ""
            looks_like_name = len(_words(before)) <= 5 and not re.search(r"[.?!:]$", before)
            if "author" not in source and before and looks_like_name:
                source["author"] = before
            break
    return source


def import_article(
    text: str, *, deck_id: str | None = None, title: str | None = None
) -> ImportResult:
    """Build a deck from the questions-and-answers section of an article.

    Raises `NoQuestionsSectionError` when there is no such section or it holds no
    question with an answer: an empty deck would only hide the problem.
    """
    text = sanitize(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    section = _find_section(lines)
    if section is None:
        raise NoQuestionsSectionError(
            'no "Key Questions", "Questions and Answers" or "FAQ" section found'
        )
    warnings: list[ImportWarning] = []
    pairs = _pairs(lines, *section, warnings)
    if not pairs:
        raise NoQuestionsSectionError(
            f"the questions section (line {section[0] + 1}) has no question/answer pairs"
        )
    source = _source(lines)
    taken: set[str] = set()
    questions = []
    seen_prompts: dict[str, int] = {}
    for line_no, prompt, answer in pairs:
        key = normalize(prompt)
        if key in seen_prompts:
            warnings.append(
                ImportWarning(line_no, f"same question as line {seen_prompts[key]}; skipped")
            )
            continue
        seen_prompts[key] = line_no
        question = question_from_pair(prompt, answer)
        question["id"] = unique_slug(prompt, taken)
        questions.append(question)
    deck_title = title or source["title"]
    meta = {
        "id": deck_id or slugify(deck_title) or "article",
        "title": deck_title,
        "source": source,
    }
    return ImportResult(Deck.model_validate({"deck": meta, "questions": questions}), warnings)
