"""Decks -> Moodle GIFT, written so that Moodle and `import_gift` read back the same questions.

What GIFT cannot say is reported as a warning naming the question:

- `short`, `choice`, `truefalse`, `numeric`, `match` and one-blank `cloze` map
  one to one (a cloze becomes a missing-word short answer; a blank at the very
  end is written `text _____{=answer}`, which `import_gift` reads back as a cloze).
- `multi` has no `=` answer (that is how Moodle tells it from one-answer choice):
  right choices get `%100/n%` and wrong ones `%-100/n%`, so a wrong tick cancels
  a right one as in `quiz.core.checking`.
- A cloze with several blanks becomes one missing-word question per blank, the
  other blanks filled in (what each of its review cards asks), ids `ID-blank-N`.
- `order` becomes matching of positions to items (`1 -> first item`), the
  closest Moodle type GIFT can write; it comes back as a `match`.
- `flashcard` becomes a short answer when its back is one short line, else an
  essay whose general feedback is the back (Moodle grades essays by hand);
  `import_gift` turns such an essay back into a flashcard.
- Question ids are written as the name `::id::` and as `// [id:id]`; tags as
  `// [tag:x]` comment lines (Moodle 4 reads both). Points, units, shuffle
  settings, hints and typed-answer options have no GIFT form.
- Text is escaped (`\\ ~ = # { } :` and line breaks as `\\n`). Text that Moodle
  would read as HTML (`<`, `&`) is marked `[plain]`; an answer containing `->`,
  which Moodle would take for a matching pair, is written as `[html]` with `&gt;`.
"""

from __future__ import annotations

import html
import json
import re

from quiz.core.interchange.base import ExportResult, ImportWarning  # noqa: A004
from quiz.core.interchange.gift_parse import DECK_COMMENT, GAP
from quiz.core.models import (
    CLOZE_BLANK,
    Cloze,
    Deck,
    Flashcard,
    Match,
    MultipleChoice,
    Numeric,
    Order,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    parse_blanks,
)

FLASHCARD_SHORT_MAX = 60
"""Longest flashcard back (one line) still exported as a typed short answer."""

_SPECIAL = re.compile(r"[\\~=#{}:]")
_FORMAT_PREFIX = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
_LOOKS_HTML = re.compile(r"[<&]")


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), text).replace("\n", "\\n")


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else repr(value)


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


class _Writer:
    """Writes one deck; `markdown` marks every question text `[markdown]`."""

    def __init__(self, deck: Deck) -> None:
        self.markdown = deck.deck.format == "markdown"
        self.warnings: list[ImportWarning] = []
        self.ids = {q.id for q in deck.questions if q.id is not None}
        self.current: int | None = None
        """The index of the question being written, which every warning names."""

    def warn(self, label: str, message: str) -> None:
        self.warnings.append(ImportWarning(None, f"{label}: {message}", question=self.current))

    # -- text ----------------------------------------------------------------------

    def stem(self, text: str, tail: str = "") -> str:
        """Question text, and the `tail` after a missing-word block, which shares its format.

        `[markdown]` in a Markdown deck; else `[plain]` when Moodle would read HTML or
        a comment (`//` at the start of the line) into it.
        """
        if self.markdown:
            prefix = "[markdown]"
        elif _LOOKS_HTML.search(text + tail) or _FORMAT_PREFIX.match(text) or text.startswith("//"):
            prefix = "[plain]"
        else:
            prefix = ""
        return prefix + _escape(text)

    def fragment(self, text: str, *, arrow_safe: bool = False) -> str:
        """An answer or feedback text in the question's format.

        `arrow_safe` protects `->` (read as a matching pair in short answers) by
        writing the text as HTML with `&gt;`.
        """
        if arrow_safe and "->" in text:
            encoded = html.escape(text, quote=False).replace("\n", "<br>")
            return "[html]" + _escape(encoded)
        if self.markdown:
            prefix = "[markdown]" if _FORMAT_PREFIX.match(text) else ""
        else:
            needs_plain = _LOOKS_HTML.search(text) or _FORMAT_PREFIX.match(text)
            prefix = "[plain]" if needs_plain else ""
        return prefix + _escape(text)

    def typed(self, text: str) -> str:
        """A short-answer `=text` line; an explicit `%100%` when the text starts with `%`."""
        body = self.fragment(text, arrow_safe=True)
        return f"\t={'%100%' if body.startswith('%') else ''}{body}\n"

    def choice(self, right: bool, text: str) -> str:
        """`=` takes no weight in Moodle; a `~` text starting with `%` gets `%0%`."""
        body = self.fragment(text)
        if right:
            return f"\t={body}\n"
        return f"\t~{'%0%' if body.startswith('%') else ''}{body}\n"

    # -- questions -----------------------------------------------------------------

    def header(self, question_id: str | None, tags: list[str], label: str) -> str:
        lines = []
        if question_id is not None:
            lines.append(f"// [id:{question_id}]\n")
        usable = []
        for tag in tags:
            if "]" in tag or "\n" in tag:
                self.warn(label, f"tag {tag!r} cannot be written in GIFT (']' or a line break)")
            else:
                usable.append(f"[tag:{tag}]")
        if usable:
            lines.append("// " + " ".join(usable) + "\n")
        name = f"::{question_id}::" if question_id is not None else ""
        return "".join(lines) + name

    def general(self, explanation: str) -> str:
        return f"\t####{self.fragment(explanation)}\n" if explanation else ""

    def inline_general(self, explanation: str) -> str:
        return f"####{self.fragment(explanation)}" if explanation else ""

    def common_losses(self, question: Question, label: str) -> None:
        if question.points != 1:
            self.warn(
                label, f"points ({question.points:g}) are set per quiz in Moodle: not written"
            )
        if isinstance(question, SingleChoice | MultipleChoice) and question.shuffle is False:
            self.warn(label, "'shuffle = false' is a quiz setting in Moodle: not written")
        if isinstance(question, ShortAnswer | Cloze) and (
            question.exact
            or question.typo_threshold is not None
            or question.fold_accents is not None
        ):
            self.warn(
                label, "typed-answer options (exact, typo_threshold, fold_accents) not written"
            )

    def question(self, question: Question, label: str) -> list[str]:
        self.common_losses(question, label)
        if isinstance(question, Cloze):
            return self.cloze(question, label)
        head = self.header(question.id, question.tags, label)
        if isinstance(question, Flashcard):
            return [self.flashcard(question, head, label)]
        if isinstance(question, Order):
            self.warn(label, "order question written as matching positions to items")
            pairs = [[str(n), item] for n, item in enumerate(question.items, 1)]
            return [head + self.stem(question.prompt) + self.matching(pairs, question.explanation)]
        body = self.block(question, label)
        return [] if body is None else [head + self.stem(question.prompt) + body]

    def block(self, question: Question, label: str) -> str | None:
        explanation = question.explanation
        if isinstance(question, ShortAnswer):
            return self.short([question.answer, *question.accept], explanation, label)
        if isinstance(question, SingleChoice):
            lines = [self.choice(c == question.answer, c) for c in question.choices]
            return "{\n" + "".join(lines) + self.general(explanation) + "}"
        if isinstance(question, MultipleChoice):
            right = f"~%{_percent(100 / len(question.answers))}%"
            wrong = f"~%-{_percent(100 / len(question.answers))}%"
            lines = [
                f"\t{right if c in question.answers else wrong}{self.fragment(c)}\n"
                for c in question.choices
            ]
            return "{\n" + "".join(lines) + self.general(explanation) + "}"
        if isinstance(question, TrueFalse):
            return (
                "{"
                + ("TRUE" if question.answer else "FALSE")
                + self.inline_general(explanation)
                + "}"
            )
        if isinstance(question, Numeric):
            return self.numeric(question, label)
        if isinstance(question, Match):
            return self.matching(question.pairs, explanation)
        raise AssertionError(f"unhandled question kind {question.kind}")  # pragma: no cover

    def short(self, answers: list[str], explanation: str, label: str) -> str:
        for text in answers:
            if "*" in text:
                self.warn(label, f"Moodle reads '*' in {text!r} as a wildcard")
        lines = [self.typed(a) for a in answers]
        return "{\n" + "".join(lines) + self.general(explanation) + "}"

    def numeric(self, question: Numeric, label: str) -> str:
        if question.unit:
            self.warn(label, f"unit {question.unit!r} cannot be written (GIFT numbers have none)")
        spec = _number(question.answer)
        if question.tolerance:
            spec += ":" + _number(question.tolerance)
        return "{#" + spec + self.inline_general(question.explanation) + "}"

    def matching(self, pairs: list[list[str]], explanation: str) -> str:
        lines = [
            f"\t={self.fragment(left, arrow_safe=True)} -> {_escape(right)}\n"
            for left, right in pairs
        ]
        return "{\n" + "".join(lines) + self.general(explanation) + "}"

    def flashcard(self, question: Flashcard, head: str, label: str) -> str:
        if question.reverse:
            self.warn(label, "the reverse card has no GIFT form: only front -> back is written")
        back = question.answer
        if "\n" not in back and len(back) <= FLASHCARD_SHORT_MAX:
            self.warn(label, "flashcard written as a short answer (Moodle checks the typed answer)")
            body = self.short([back], question.explanation, label)
            return head + self.stem(question.prompt) + body
        self.warn(
            label,
            "flashcard written as an essay with the back as general feedback (graded by hand)",
        )
        if question.explanation:
            self.warn(label, "explanation appended to the back in the general feedback")
            back = f"{back}\n\n{question.explanation}"
        return head + self.stem(question.prompt) + "{" + self.inline_general(back) + "}"

    def cloze(self, question: Cloze, label: str) -> list[str]:
        if question.prompt:
            self.warn(label, "the cloze instruction (prompt) has no GIFT form: not written")
        blanks = parse_blanks(question.text)
        if any(b.hint for b in blanks):
            self.warn(label, "cloze hints have no GIFT form: not written")
        pieces = CLOZE_BLANK.split(question.text)
        before_after = pieces[0::2]
        if len(blanks) > 1:
            self.warn(label, f"cloze with {len(blanks)} blanks written as {len(blanks)} questions")
        out = []
        for n, blank in enumerate(blanks):
            before = before_after[0] + "".join(
                b.answer + before_after[i + 1] for i, b in enumerate(blanks[:n])
            )
            after = "".join(
                (b.answer if i > n else "") + before_after[i + 1]
                for i, b in enumerate(blanks)
                if i >= n
            )
            question_id = question.id
            if question_id is not None and len(blanks) > 1:
                question_id = self.fresh_id(f"{question_id}-blank-{n + 1}")
            head = self.header(question_id, question.tags, label)
            block = "{\n" + self.typed(blank.answer)
            block += self.general(question.explanation) + "}"
            if after.strip():
                out.append(head + self.stem(before, after) + block + _escape(after))
            else:
                out.append(head + self.stem(before + GAP) + block)
        return out

    def fresh_id(self, base: str) -> str:
        candidate, n = base[:100], 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base[:95]}-{n}"
        self.ids.add(candidate)
        return candidate


def export_gift(deck: Deck) -> ExportResult:
    """Write `deck` as GIFT text, with a warning for everything GIFT cannot carry.

    Warnings have no line: they name the deck question (`question`, its index), and each
    message starts with the question's position and id. The header comment carries the
    `[deck]` table (id, title, description, pass mark, source, ...) as JSON, which
    `import_gift` reads back.
    """
    writer = _Writer(deck)
    title = " ".join(deck.deck.title.split())
    meta = json.dumps(deck.deck.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)
    parts = [f"// {title} (deck {deck.deck.id}), exported by quiz\n// [{DECK_COMMENT}:{meta}]"]
    for number, question in enumerate(deck.questions, 1):
        writer.current = number - 1
        label = f"question {number}" + (f" ({question.id})" if question.id else "")
        parts += writer.question(question, label)
    return ExportResult("\n\n".join(parts) + "\n", writer.warnings)
