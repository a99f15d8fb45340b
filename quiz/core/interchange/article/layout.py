"""An article's text as lines that know what they are (heading, bold line, paragraph), its
front matter, and its questions-and-answers sections as (line, question, answer) pairs.

Recognised, as articles write them:
- the section: "Key Questions (and Answers)", "Questions and Answers", "Q&A", "FAQ",
  "Frequently Asked Questions" (and their German and Spanish forms) as a plain line, a
  Markdown heading of any level, an HTML heading or a bold line; an article may have several;
  each ends at the next heading that is not one of its questions;
- questions: `Q:` / `Q1:` lines, headings deeper than the section's, bold lines, numbered
  items (`1.`, `1)`), bullets, or plain lines ending in "?";
- answers: what follows, up to the next question (`A:` dropped), in paragraphs.
Every markup mark is stripped from questions and answers.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from quiz.core.interchange.base import ImportWarning  # noqa: A004

SECTION_TITLE = re.compile(
    r"(?i)(?:key\s+questions(?:\s*\(?\s*(?:and|&)\s+answers\s*\)?|\s+answered)?"
    r"|(?:your\s+)?questions\s+(?:and|&)\s+answers|questions\s+answered"
    r"|q\s*(?:&|and|\+)\s*a|faqs?|frequently\s+asked\s+questions"
    r"|häufige\s+fragen|häufig\s+gestellte\s+fragen|fragen\s+(?:und|&)\s+antworten"
    r"|wichtige\s+fragen|preguntas\s+frecuentes|preguntas\s+(?:y|&)\s+respuestas"
    r"|preguntas\s+clave)"
)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_HTML_HEADING = re.compile(r"(?is)^\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*$")
_HTML_PARAGRAPH = re.compile(r"(?is)^\s*<p\b[^>]*>(.*?)(?:</p>)?\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$|^\s*<(strong|b)>(.+?)</\2>\s*$")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"
)
_CODE = re.compile(r"`([^`]+)`")
_Q_PREFIX = re.compile(r"(?i)^(?:q|question|f|frage|p|pregunta)\s*\d{0,3}\s*[:.)]\s*(?=\S)")
_A_PREFIX = re.compile(r"(?i)^(?:a|answer|antwort|r|respuesta)\s*\d{0,3}\s*[:.)]\s*")
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}[.)]|\(\d{1,3}\))\s+(?=\S)")
_BULLET = re.compile(r"^\s*[-*+•‣◦·–]\s+(?=\S)")
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-{3,})\s*$")
_LEADING_BOLD_QUESTION = re.compile(r"^\s*(?:\*\*|__)[^*_]+\?(?:\*\*|__)\s+\S")
"""`**How many?** About 9,000.`: a bold question with its answer on the same line."""


@dataclass(frozen=True)
class Line:
    """One line of the article: its 1-based number, its text without markup, and its role."""

    number: int
    text: str
    """Without markup, and without a list item's number or bullet."""
    full: str = ""
    """Without markup, list marker kept: `4. März 2026` is a date, not item 4."""
    heading: int = 0
    """Markdown or HTML heading level; 0 for any other line."""
    bold: bool = False
    """The whole line is bold (`**...**`, `<strong>`): a heading or a question."""
    paragraph: bool = False
    """An HTML `<p>` line: a paragraph of its own."""
    numbered: bool = False
    bullet: bool = False
    q_prefix: bool = False
    a_prefix: bool = False
    bold_question: bool = False
    """Starts with a bold question and goes on with its answer."""


@dataclass(frozen=True)
class Pair:
    """A question found in the article, at `line`, and its answer (paragraphs joined by a
    blank line; empty when the article gives none)."""

    line: int
    question: str
    answer: str


def strip_markup(text: str) -> str:
    """The text a reader sees: no links, emphasis, code marks or tags; entities decoded."""
    text = _LINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = _CODE.sub(r"\1", text)
    text = html.unescape(_TAG.sub("", text))
    return " ".join(text.split())


def front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """YAML-like `key: value` front matter between `---` lines at the top, and how many lines
    it takes (0 without one)."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            fields: dict[str, str] = {}
            for line in lines[1:end]:
                match = _FRONT_MATTER_KEY.match(line)
                if match and match[2]:
                    fields[match[1].lower()] = match[2].strip().strip("\"'")
            return fields, end + 1
    return {}, 0


def read_lines(raw_lines: list[str], skip: int) -> list[Line]:
    """Each line's role and plain text; the first `skip` lines (front matter) are left out.

    A Markdown setext heading (a line underlined with `===` or `---`) is a heading of level
    1 or 2, and its underline a blank line."""
    lines: list[Line] = []
    for index, raw in enumerate(raw_lines):
        if index < skip:
            continue
        underline = raw_lines[index + 1] if index + 1 < len(raw_lines) else ""
        setext = _SETEXT.match(underline)
        if lines and _SETEXT.match(raw) and lines[-1].heading and lines[-1].number == index:
            lines.append(Line(index + 1, ""))  # the underline of the heading before
        elif setext is not None and raw.strip() and not _MD_HEADING.match(raw):
            text = strip_markup(raw)
            level = 1 if setext[1].startswith("=") else 2
            lines.append(Line(index + 1, text, full=text, heading=level))
        else:
            lines.append(_read_line(index + 1, raw))
    return lines


def _read_line(number: int, raw: str) -> Line:
    heading = _HTML_HEADING.match(raw)
    if heading is not None:
        text = strip_markup(heading[2])
        return Line(number, text, full=text, heading=int(heading[1]))
    markdown = _MD_HEADING.match(raw)
    if markdown is not None:
        text = strip_markup(markdown[2] or "")
        q_prefix = bool(_Q_PREFIX.match(text))
        return Line(number, text, full=text, heading=len(markdown[1]), q_prefix=q_prefix)
    paragraph = _HTML_PARAGRAPH.match(raw)
    body = paragraph[1] if paragraph is not None else raw
    bold = _BOLD_LINE.match(body)
    if bold is not None:
        inner = strip_markup(bold[1] or bold[3])
        return Line(number, inner, full=inner, bold=True, q_prefix=bool(_Q_PREFIX.match(inner)))
    numbered = _NUMBERED.match(body)
    bullet = _BULLET.match(body) if numbered is None else None
    marker = numbered or bullet
    text = strip_markup(body[marker.end() :] if marker else body)
    return Line(
        number,
        text,
        full=strip_markup(body) if marker else text,
        bold_question=_LEADING_BOLD_QUESTION.match(body[marker.end() :] if marker else body)
        is not None,
        paragraph=paragraph is not None,
        numbered=numbered is not None,
        bullet=bullet is not None,
        q_prefix=bool(_Q_PREFIX.match(text)),
        a_prefix=bool(_A_PREFIX.match(text)),
    )


def is_section_title(line: Line) -> bool:
    """A line that opens a questions-and-answers section."""
    text = line.text.rstrip(":").strip()
    return bool(text) and SECTION_TITLE.fullmatch(text) is not None


def section_starts(lines: list[Line]) -> list[int]:
    """Indexes (into `lines`) of every line that opens a questions-and-answers section."""
    return [index for index, line in enumerate(lines) if is_section_title(line)]


def section_pairs(
    lines: list[Line], start: int, warnings: list[ImportWarning]
) -> tuple[list[Pair], int]:
    """The questions and answers of the section opened at `lines[start]`, and the index where
    the section ends (the next heading that is not one of its questions)."""
    level = lines[start].heading
    pairs: list[Pair] = []
    question: Line | None = None
    prompt = ""
    paragraphs: list[list[str]] = []
    numbered_style = False

    def flush() -> None:
        if question is None:
            return
        answer = "\n\n".join(_joined(words) for words in paragraphs if words)
        pairs.append(Pair(question.number, prompt, answer))

    index = start + 1
    while index < len(lines):
        line = lines[index]
        if is_section_title(line):
            break
        if line.heading and (not level or line.heading <= level) and not _is_question_text(line):
            break
        answered = question is not None and any(paragraphs)
        after_blank = index > 0 and not lines[index - 1].text
        if not level and answered and after_blank and _looks_like_plain_heading(line):
            break  # `Related Stories` after a plain `FAQ` section
        starts_question = _starts_question(line, level, numbered_style, question is not None)
        if starts_question:
            flush()
            if line.numbered and question is None:
                numbered_style = True
            question, paragraphs = line, [[]]
            prompt, inline = _split_question(line)
            if inline:
                paragraphs[-1].append(inline)
        elif not line.text:
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
        elif question is None:
            warnings.append(ImportWarning(line.number, "text before the first question; skipped"))
        else:
            text = _A_PREFIX.sub("", line.text) if line.a_prefix else line.full
            if line.bullet:
                text = f"- {line.text}"  # a list in an answer stays a list, an item a line
            if line.paragraph and paragraphs[-1]:
                paragraphs.append([])
            paragraphs[-1].append(text)
            if line.paragraph:
                paragraphs.append([])
        index += 1
    flush()
    return pairs, index


def _joined(words: list[str]) -> str:
    """A paragraph's lines as one: wrapped lines joined by a space, list items ("- ...")
    each on a line of its own."""
    joined = ""
    for word in words:
        joined += word if not joined else ("\n" if word.startswith("- ") else " ") + word
    return joined


def _looks_like_plain_heading(line: Line) -> bool:
    """A plain-text heading: a short capitalised line without sentence punctuation."""
    text = line.text
    if line.numbered or line.bullet or line.q_prefix or line.a_prefix or line.paragraph:
        return False
    if not text or text[-1] in '.?!:;,"”)»' or not text[0].isupper():
        return False
    return len(text.split()) <= 8 and not any(ch.isdigit() for ch in text)


def _is_question_text(line: Line) -> bool:
    return line.q_prefix or line.text.rstrip().endswith("?")


def _starts_question(line: Line, level: int, numbered_style: bool, in_answer: bool) -> bool:
    """Whether `line` is a question of the section (see the module docstring)."""
    if not line.text:
        return False
    if line.a_prefix and not line.q_prefix:
        return False
    if line.heading:
        return line.heading > level > 0 or _is_question_text(line)
    if line.q_prefix or line.bold or line.bold_question:
        return True
    if line.numbered:
        return "?" in line.text or numbered_style or not in_answer
    if line.bullet:
        return "?" in line.text
    return line.text.endswith("?")


def _split_question(line: Line) -> tuple[str, str]:
    """(the question, an answer on the same line) of a question line: `Who? Ann` or
    `Q: Who? A: Ann`."""
    text = _NUMBERED.sub("", _Q_PREFIX.sub("", line.text))  # "### 1. When?" asks "When?"
    mark = text.find("?")
    if mark < 0 or mark == len(text) - 1:
        return text.strip(), ""
    question, rest = text[: mark + 1].strip(), text[mark + 1 :].strip()
    return question, _A_PREFIX.sub("", rest).strip()
