"""OpenTriviaQA category files -> a deck of `choice` questions.

The format (https://github.com/uberspot/OpenTriviaQA) is a plain list of blocks:

    #Q The question, possibly continued on the following lines
    ^ The correct answer, repeated from the options
    A An option
    B Another option

The real files have quirks that the importer absorbs rather than crashes on:
questions spanning several lines (kept as separate lines), CRLF, CR and LF line
endings mixed in one file, and one file that mixes cp1252 bytes into UTF-8 text
(each such line is decoded as cp1252, with a warning naming it). Questions whose
`^` answer is not among the options or with fewer than two options are skipped
with a warning, as are repeats of an earlier question (same prompt and answer after
normalising); an option listed twice is kept once. The category (the file name)
becomes the deck's tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from quiz.core.interchange.base import ImportResult, ImportWarning  # noqa: A004
from quiz.core.interchange.fix_ids import slugify, unique_slug
from quiz.core.models import Deck
from quiz.core.text import normalize, sanitize
from quiz.errors import ImportFormatError

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_OPTION = re.compile(r"^([A-Z])\s+(.*)$")
_ORDER_MATTERS = re.compile(
    r"\b(?:all|none|both|neither)\s+of\s+(?:these|those|them|the\s+above)\b"
    r"|^(?:all|none|both|neither)$",
    re.IGNORECASE,
)
"""Options like "All of these" refer to the others, so their order must not be shuffled."""


def decode_lines(data: bytes) -> tuple[list[str], list[ImportWarning]]:
    """Split `data` into lines at any of CRLF, CR or LF, decoding each line on its own.

    UTF-8 is tried first; a line that is not valid UTF-8 is read as cp1252 (the usual
    culprit: Windows curly quotes) or, failing that, latin-1, which decodes any byte.
    Decoding line by line keeps the UTF-8 lines of a mixed file intact.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines: list[str] = []
    warnings: list[ImportWarning] = []
    for number, raw in enumerate(_LINE_BREAK.split(data), start=1):
        try:
            lines.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        try:
            lines.append(raw.decode("cp1252"))
            encoding = "cp1252"
        except UnicodeDecodeError:
            lines.append(raw.decode("latin-1"))
            encoding = "latin-1"
        warnings.append(ImportWarning(number, f"not valid UTF-8; read as {encoding}"))
    return lines, warnings


@dataclass
class _Block:
    line: int
    question: list[str]
    answer: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)


def _blocks(lines: list[str], warnings: list[ImportWarning]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(lines, start=1):
        line = sanitize(raw).strip()
        if line.startswith("#Q"):
            current = _Block(number, [line[2:].strip()])
            blocks.append(current)
        elif not line:
            continue
        elif current is None:
            warnings.append(ImportWarning(number, "text before the first #Q; ignored"))
        elif line.startswith("^"):
            if current.answer is not None:
                warnings.append(ImportWarning(number, "second ^ answer; ignored"))
            else:
                current.answer = line[1:].strip()
        elif current.answer is None:
            current.question.append(line)
        elif option := _OPTION.match(line):
            current.options.append((option.group(1), option.group(2).strip()))
        else:
            warnings.append(ImportWarning(number, f"unexpected line {line[:40]!r}; ignored"))
    return blocks


def _question(block: _Block, warnings: list[ImportWarning]) -> dict[str, Any] | None:
    prompt = "\n".join(part for part in block.question if part)
    choices: list[str] = []
    for _, text in block.options:
        if text in choices:
            warnings.append(ImportWarning(block.line, f"option {text!r} listed twice; kept once"))
        elif text:
            choices.append(text)
    problem = None
    if not prompt:
        problem = "question has no text"
    elif block.answer is None:
        problem = "question has no ^ answer"
    elif len(choices) < 2:
        problem = "question has fewer than two options"
    elif " ".join(block.answer.split()) not in [" ".join(c.split()) for c in choices]:
        problem = f"answer {block.answer!r} is not among the options"
    if problem is not None:
        warnings.append(ImportWarning(block.line, f"{problem}; skipped"))
        return None
    assert block.answer is not None
    answer = next(c for c in choices if " ".join(c.split()) == " ".join(block.answer.split()))
    question: dict[str, Any] = {
        "kind": "choice",
        "prompt": prompt,
        "choices": choices,
        "answer": answer,
    }
    if any(_ORDER_MATTERS.search(choice) for choice in choices):
        question["shuffle"] = False
    return question


def import_opentrivia(
    data: bytes,
    *,
    category: str | None = None,
    deck_id: str | None = None,
    title: str | None = None,
) -> ImportResult:
    """Build a deck of choice questions from one OpenTriviaQA category file.

    `category` (normally the file name, e.g. "video-games") becomes the deck's tag
    and, unless given, its id and title. Raises `ValueError` when the file holds
    no usable question.
    """
    lines, warnings = decode_lines(data)
    blocks = _blocks(lines, warnings)
    questions: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    taken: set[str] = set()
    for block in blocks:
        question = _question(block, warnings)
        if question is None:
            continue
        key = (normalize(question["prompt"]), normalize(question["answer"]))
        if key in seen:
            warnings.append(
                ImportWarning(block.line, f"same question as line {seen[key]}; skipped")
            )
            continue
        seen[key] = block.line
        question["id"] = unique_slug(question["prompt"], taken)
        questions.append(question)
    if not questions:
        raise ImportFormatError("no OpenTriviaQA questions (#Q ... ^ answer ... A option) found")
    tag = slugify(category) if category else ""
    name = category.replace("-", " ").replace("_", " ").strip().capitalize() if category else ""
    meta: dict[str, Any] = {
        "id": deck_id or (f"opentrivia-{tag}" if tag else "opentrivia"),
        "title": title or (f"OpenTriviaQA: {name}" if name else "OpenTriviaQA"),
        "description": "Questions from OpenTriviaQA (CC BY-SA 4.0), "
        "https://github.com/uberspot/OpenTriviaQA",
        "source": {"title": "OpenTriviaQA", "url": "https://github.com/uberspot/OpenTriviaQA"},
    }
    if tag:
        meta["tags"] = [tag]
    warnings.sort(key=lambda w: w.line or 0)
    return ImportResult(Deck.model_validate({"deck": meta, "questions": questions}), warnings)
