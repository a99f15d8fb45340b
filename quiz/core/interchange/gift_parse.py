"""Moodle GIFT question banks -> decks.

The reading follows Moodle's own importer (`question/format/gift/format.php`),
because that is what produced or will consume a teacher's file:

- Questions are separated by blank lines; `//` lines are comments, except that
  `// [id:X]` and `// [tag:Y]` give an id and tags (Moodle 4). A blank line
  inside an answer block is tolerated (with a warning) when the block closes later.
- `$CATEGORY: $course$/top/A/B` tags the questions after it with `A/B` (context
  tokens like `$course$` and the root `top` are dropped; `//` is a literal `/`).
- `// [deck:{...}]` (what `export_gift` writes in its header) gives the `[deck]` table:
  id, title, description, pass mark, source and the rest, unless the caller names the
  deck's id or title.
- `::Title::` becomes the question id (slugified, made unique); `[id:X]` wins
  over it. Moodle never shows question names to students, so titles are not
  put into prompts.
- The answer block decides the kind, in Moodle's order: `{}` essay, `{#...}`
  numeric, any `~` multiple choice, `=` with `->` matching, `T`/`TRUE`/`F`/`FALSE`
  true/false, otherwise short answer.
- Multiple choice: with an `=` answer Moodle makes a one-answer question, so one
  `=` gives `choice`; several `=` give `multi` (with a warning, since Moodle would
  have accepted any one of them). Without `=`, the choices with a positive
  `%weight%` are the answers of a `multi`; zero or negative weights are wrong
  choices. Partial credit inside a one-answer question cannot be carried (warning).
- Missing word (text after the block): a short answer with one accepted answer
  becomes a `cloze` with one blank; every other kind keeps its kind and shows
  `_____` where the block was (a missing-word multiple choice is a `choice` whose
  prompt has the gap, as Moodle shows it). A short answer whose stem already has
  one `_____` gap and one answer is read the same way, as a cloze.
- Numbers: `#3.14:0.01`, ranges `#1..5` (midpoint and half-width), several
  answers (`#=1822:0 =%50%1822:2`): full-credit answers whose ranges touch merge
  into one; other right answers and partial credit are warnings.
- An essay whose general feedback holds a model answer becomes a `flashcard`
  (front: the stem, back: the feedback); essays without one and descriptions
  carry nothing a learner can be checked on, so they are skipped with a warning.
- Feedback: the general feedback (`####`) starts the `explanation`; per-answer
  feedback follows, one line per answer (`choice: feedback`). True/false
  feedback follows Moodle: the first is shown for the wrong response, the second
  for the right one.
- Text formats: `[html]` (and Moodle-format text that contains tags) is turned
  into plain text, with a warning naming what was lost; `[markdown]` is kept as
  written (the deck is marked `format = "markdown"` when every question is
  Markdown, else a warning says it shows as plain text); `[plain]` is verbatim.
  Outside HTML, line breaks are kept (Moodle shows them) with each line trimmed
  and runs of spaces collapsed; `\\n` is a line break too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import TypeAdapter, ValidationError

from quiz.core.interchange.base import ImportResult, ImportWarning, html_to_text  # noqa: A004
from quiz.core.interchange.fix_ids import slugify, unique_slug
from quiz.core.models import SLUG_PATTERN, Deck, DeckMeta, Question, is_workable
from quiz.errors import ImportFormatError


class GiftError(ImportFormatError):
    """The input holds no question a deck can carry (empty, not GIFT, or all skipped).

    `warnings` says why each candidate question was skipped, so a caller can show
    them along with the one-line message.
    """

    def __init__(
        self, message: str, *, line: int | None = None, warnings: list[ImportWarning] | None = None
    ) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line
        self.message = message
        self.warnings = list(warnings or [])


Format = Literal["moodle", "html", "plain", "markdown"]

GAP = "_____"
DECK_COMMENT = "deck"
"""`// [deck:{...}]`: the comment line carrying the `[deck]` table as JSON."""
_DECK_LINE = re.compile(rf"^\s*//\s*\[{DECK_COMMENT}:(\{{.*\}})\]\s*$", re.MULTILINE)
"""How Moodle shows a missing word in the question text; we show the same."""

# Escaped characters are swapped for Unicode noncharacters (reserved for exactly
# this kind of internal use) before any structure is looked for, as Moodle does
# with its `&&058;` placeholders, then swapped back in the finished text.
_ESCAPES = {
    "\\\\": "\ufdd0",
    "\\~": "\ufdd1",
    "\\=": "\ufdd2",
    "\\#": "\ufdd3",
    "\\{": "\ufdd4",
    "\\}": "\ufdd5",
    "\\:": "\ufdd6",
    "\\n": "\ufdd7",
}
_NEWLINE = "\ufdd7"
_BLANK = "\ufdd8"
"""Marks where a missing-word block stood in the stem."""
_RESTORE = {ph: esc[1] for esc, ph in _ESCAPES.items()} | {_NEWLINE: "\n"}
_ESCAPE_RE = re.compile(r"\\[\\~=#{}:n]")
_RESTORE_RE = re.compile("[\ufdd0-\ufdd7]")
_RESERVED_RE = re.compile("[\ufdd0-\ufdd8]")

_FORMAT_RE = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_SPACE_RE = re.compile(r"[ \t\r\n\f\v]+")
_LINE_SPACE_RE = re.compile(r"[ \t\r\f\v]+")
_TAG_RE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^<>]*|/[a-zA-Z][a-zA-Z0-9]*\s*|!--.*?--)>", re.S)
_ID_RE = re.compile(r"\[id:([^\]]*)\]")
_TAG_COMMENT_RE = re.compile(r"\[tag:([^\]]*)\]")
_GAP_RE = re.compile(r"_{3,}")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE_RE = re.compile(rf"^\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*$")
_TOLERANCE_RE = re.compile(rf"^\s*({_NUMBER})\s*(?::\s*({_NUMBER}))?\s*$")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_EXCERPT = 40
_ID_MAX = 100
_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _restore(text: str) -> str:
    return _RESTORE_RE.sub(lambda m: _RESTORE[m.group(0)], text)


def _excerpt(text: str) -> str:
    flat = _SPACE_RE.sub(" ", _restore(text).replace(_BLANK, GAP)).strip()
    return repr(flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…")


@dataclass
class _Chunk:
    """One question's lines, comments blanked and escapes protected (offsets still map to lines)."""

    text: str
    first_line: int
    ids: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        return self.first_line + self.text.count("\n", 0, offset)


@dataclass
class _Answer:
    """One `=`/`~` entry of an answer block, escapes still protected."""

    marker: str
    weight: float | None
    text: str
    feedback: str | None
    line: int

    @property
    def credit(self) -> float:
        """Moodle's fraction in percent: `=` is 100 unless weighted, `~` is 0 unless weighted."""
        if self.weight is not None:
            return self.weight
        return 100.0 if self.marker == "=" else 0.0


@dataclass(frozen=True)
class _Number:
    """A numeric answer: value and absolute tolerance, as read."""

    value: Decimal
    tolerance: Decimal
    label: str
    line: int

    @property
    def low(self) -> Decimal:
        return self.value - self.tolerance

    @property
    def high(self) -> Decimal:
        return self.value + self.tolerance


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _raw_chunks(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, end) line indexes of each run of non-blank lines."""
    first: int | None = None
    for index, line in enumerate(lines):
        if line.strip() and first is None:
            first = index
        elif not line.strip() and first is not None:
            yield first, index
            first = None
    if first is not None:
        yield first, len(lines)


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("//")


def _code(lines: list[str]) -> str:
    """The lines with comments blanked and escapes protected: what braces are counted in."""
    return _protect("\n".join("" if _is_comment(line) else line for line in lines))


def _ends_inside_block(lines: list[str]) -> bool:
    """True when the last brace is an unclosed `{` (GIFT blocks do not nest)."""
    code = _code(lines)
    return code.rfind("{") > code.rfind("}")


def _first_brace(lines: list[str]) -> str | None:
    match = re.search(r"[{}]", _code(lines))
    return match.group(0) if match else None


class _Importer:
    """State of one import: warnings, ids taken, current category, Markdown seen."""

    def __init__(self, deck_id: str, title: str) -> None:
        self.deck_id = deck_id
        self.title = title
        self.warnings: list[ImportWarning] = []
        self.taken: set[str] = set()
        self.category: list[str] = []
        self.questions: list[Question] = []
        self.markdown_lines: list[int] = []
        self.plain_questions = 0

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(ImportWarning(line, message))

    # -- splitting ---------------------------------------------------------------

    def chunks(self, text: str) -> Iterator[_Chunk]:
        """Questions as Moodle splits them (at blank lines), re-joining a block cut by one.

        A chunk that ends inside `{` is joined with the following chunks up to
        the one whose first brace closes it; if a `{` comes first (a new question)
        or the file ends, the chunk stays alone and is reported as unclosed.
        """
        lines = _lines(text)
        runs = list(_raw_chunks(lines))
        i = 0
        while i < len(runs):
            first, end = runs[i]
            i += 1
            if _ends_inside_block(lines[first:end]):
                j = i
                while j < len(runs) and _first_brace(lines[slice(*runs[j])]) is None:
                    j += 1
                if j < len(runs) and _first_brace(lines[slice(*runs[j])]) == "}":
                    self.warn(
                        end + 1,
                        "blank line inside an answer block (Moodle would split the question "
                        "here); read as one question",
                    )
                    end, i = runs[j][1], j + 1
            yield self._chunk(first, lines[first:end])

    def _chunk(self, first: int, lines: list[str]) -> _Chunk:
        ids: list[str] = []
        tags: list[str] = []
        code: list[str] = []
        for number, line in enumerate(lines, first + 1):
            if _is_comment(line):
                ids += _ID_RE.findall(line)
                tags += _TAG_COMMENT_RE.findall(line)
                line = ""
            if _RESERVED_RE.search(line):
                self.warn(number, "removed Unicode noncharacters U+FDD0-U+FDD8")
                line = _RESERVED_RE.sub("", line)
            code.append(line)
        return _Chunk(_protect("\n".join(code)), first + 1, ids, tags)

    # -- text --------------------------------------------------------------------

    def text(self, raw: str, default: Format, lost: set[str], line: int) -> tuple[str, Format]:
        """Finished plain text of a fragment, honouring its own `[format]` prefix."""
        fmt: Format = default
        if match := _FORMAT_RE.match(raw):
            fmt = match.group(1)  # type: ignore[assignment]
            raw = raw[match.end() :]
        if fmt == "markdown":
            self.markdown_lines.append(line)
            return _restore(raw).strip(), fmt
        lines = (_LINE_SPACE_RE.sub(" ", part).strip() for part in raw.split("\n"))
        joined = "\n".join(part for part in lines if part)
        if fmt == "html" or (fmt == "moodle" and _TAG_RE.search(joined)):
            text, losses = html_to_text(_restore(raw))
            lost.update(losses)
            return text, fmt
        return _restore(joined), fmt

    # -- questions ---------------------------------------------------------------

    def chunk(self, chunk: _Chunk) -> None:
        """Read one chunk: a category line, a question, or something to warn about."""
        text = chunk.text
        pos = len(text) - len(text.lstrip())
        if pos == len(text):
            return
        if text.startswith("$CATEGORY:", pos):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            self.category = _category_tags(_restore(text[pos + len("$CATEGORY:") : end]))
            rest = text[end:]
            if not rest.strip():
                return
            pos = end + len(rest) - len(rest.lstrip())
        line = chunk.line_at(pos)

        title = None
        if text.startswith("::", pos):
            close = text.find("::", pos + 2)
            if close < 0:
                self.warn(line, "title '::' is not closed: question skipped")
                return
            title = _SPACE_RE.sub(" ", _restore(text[pos + 2 : close])).strip()
            pos = close + 2

        open_at = text.find("{", pos)
        if open_at < 0 and "}" in text[pos:]:
            self.warn(
                chunk.line_at(text.index("}", pos)), "'}' without an opening '{': question skipped"
            )
            return
        if open_at < 0:
            self.warn(
                line,
                f"description {_excerpt(text[pos:])} has no answer to check: skipped "
                "(only questions can be carried into a deck)",
            )
            return
        close_at = text.find("}", open_at)
        if close_at < 0:
            self.warn(chunk.line_at(open_at), "answer block '{' is never closed: question skipped")
            return
        after = text[close_at + 1 :]
        if "{" in after:
            self.warn(
                chunk.line_at(close_at + 1 + after.index("{")),
                "a second answer block in one question (GIFT has one per question): skipped",
            )
            return
        missing_word = bool(after.strip())
        stem_raw = text[pos:open_at] + (_BLANK + after if missing_word else "")
        lost: set[str] = set()
        stem, fmt = self.text(stem_raw, "moodle", lost, line)
        builder = _QuestionBuilder(
            self,
            chunk,
            line=line,
            title=title,
            stem=stem,
            fmt=fmt,
            lost=lost,
            missing_word=missing_word,
        )
        question = builder.build(text[open_at + 1 : close_at], open_at + 1)
        if question is not None:
            self.questions.append(question)
            self.plain_questions += fmt != "markdown"

    def result(self) -> ImportResult:
        if not self.questions:
            count = len(self.warnings)
            reason = f" ({count} warning{'s say' if count != 1 else ' says'} why)" if count else ""
            raise GiftError(f"no question could be imported{reason}", warnings=self.warnings)
        markdown_deck = bool(self.markdown_lines) and self.plain_questions == 0
        if self.markdown_lines and not markdown_deck:
            for line in sorted(set(self.markdown_lines)):
                self.warn(line, "Markdown is shown as plain text (the deck mixes formats)")
        self.warnings.sort(key=lambda w: (w.line is None, w.line or 0))
        fields = {"format": "markdown" if markdown_deck else "plain", **self.header}
        fields.update(id=self.deck_id, title=self.title)
        meta = DeckMeta.model_validate(fields)
        return ImportResult(Deck(deck=meta, questions=self.questions), self.warnings)

    def read_header(self, text: str, deck_id: str | None, title: str | None) -> None:
        """The `[deck]` table of a `// [deck:{...}]` line; `deck_id` and `title` win over it."""
        self.header: dict[str, object] = {}
        match = _DECK_LINE.search(text)
        if match is not None:
            line = text.count("\n", 0, match.start()) + 1
            try:
                self.header = DeckMeta.model_validate_json(match.group(1)).model_dump(
                    exclude_defaults=True
                )
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "the line"
                self.warn(line, f"[deck:...] comment unusable ({where}: {first['msg']}); ignored")
        self.deck_id = deck_id or str(self.header.get("id", self.deck_id))
        self.title = title or str(self.header.get("title", self.title))


def _category_tags(path: str) -> list[str]:
    """`$course$/top/Unit 1//2/Week` -> ["Unit 1/2/Week"]: one tag holding the path."""
    parts = [p.replace("//", "/").strip() for p in re.split(r"(?<!/)/(?!/)", path)]
    parts = [p for p in parts if p and not re.fullmatch(r"\$\w+\$", p)]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return ["/".join(parts)] if parts else []


class _QuestionBuilder:
    """Turns one stem and answer block into a question, warning about what is lost."""

    def __init__(
        self,
        importer: _Importer,
        chunk: _Chunk,
        *,
        line: int,
        title: str | None,
        stem: str,
        fmt: Format,
        lost: set[str],
        missing_word: bool,
    ) -> None:
        self.importer = importer
        self.chunk = chunk
        self.line = line
        self.title = title
        self.stem = stem
        self.fmt = fmt
        self.lost = lost
        self.missing_word = missing_word
        self.general = ""
        self.offset = 0

    def warn(self, message: str, line: int | None = None) -> None:
        self.importer.warn(self.line if line is None else line, message)

    def text(self, raw: str, line: int | None = None) -> str:
        return self.importer.text(raw, self.fmt, self.lost, self.line if line is None else line)[0]

    # -- the common part ---------------------------------------------------------

    def build(self, block: str, offset: int) -> Question | None:
        """The question for answer `block`, found at `offset` in the chunk (None: skipped)."""
        sep = block.rfind("####")
        if sep >= 0:
            self.general = self.text(block[sep + 4 :], self.chunk.line_at(offset + sep))
            block = block[:sep]
        self.offset = offset
        stripped = block.strip()
        make: Callable[[str], dict[str, object] | None]
        if not stripped:
            make = self.essay
        elif stripped.startswith("#"):
            make = self.numeric
        elif "~" in stripped:
            make = self.multiple_choice
        elif "=" in stripped and "->" in stripped:
            make = self.matching
        elif stripped.split("#", 1)[0].strip() in _TRUE_FALSE:
            make = self.true_false
        else:
            make = self.short_answer
        fields = make(block)
        if fields is None:
            return None
        try:
            question = _QUESTION.validate_python(fields)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"][1:])
            self.warn(f"question {_excerpt(self.stem)} skipped: {where}: {first['msg']}")
            return None
        if self.lost:
            self.warn(f"HTML converted to plain text: {', '.join(sorted(self.lost))} lost")
        return question

    def common(self, prompt_key: str = "prompt") -> dict[str, object]:
        fields: dict[str, object] = {"id": self.identity(), "tags": self.tags()}
        if prompt_key:
            fields[prompt_key] = self.stem.replace(_BLANK, GAP)
        return fields

    def identity(self) -> str:
        """`[id:X]` when it is a free slug, else a unique slug of it, the title or the stem."""
        taken = self.importer.taken
        if self.chunk.ids:
            given = self.chunk.ids[0].strip()
            if not (re.fullmatch(SLUG_PATTERN, given) and len(given) <= _ID_MAX):
                self.warn(f"id {given!r} is not a slug: a new one was made from it")
                return unique_slug(given, taken)
            candidate, n = given, 1
            while candidate in taken:
                n += 1
                candidate = f"{given[: _ID_MAX - 8]}-{n}"
            if candidate != given:
                self.warn(f"id {given!r} is used twice: {candidate!r} was used")
            taken.add(candidate)
            return candidate
        basis = self.title if self.title and slugify(self.title) else self.stem.replace(_BLANK, "")
        return unique_slug(basis, taken)

    def tags(self) -> list[str]:
        tags: list[str] = []
        for tag in [*self.importer.category, *(t.strip() for t in self.chunk.tags)]:
            if tag and tag not in tags:
                tags.append(tag)
        return tags

    def explanation(self, lines: list[tuple[str, str]]) -> str:
        """General feedback first, then `label: feedback` per answer that has some."""
        parts = [self.general] if self.general else []
        per_answer = "\n".join(f"{label}: {text}" for label, text in lines if text)
        if per_answer:
            parts.append(per_answer)
        return "\n\n".join(parts)

    def answers(
        self, block: str, offset: int, *, implicit: str | None = None, weighted_equals: bool = True
    ) -> list[_Answer]:
        """Entries starting at each `=` or `~` (Moodle splits on them even inside feedback).

        `offset` is where `block` starts in the chunk, for line numbers. In multiple
        choice Moodle reads no `%weight%` after `=` (the text keeps it): `weighted_equals`.
        """
        starts = [i for i, ch in enumerate(block) if ch in "=~"]
        head = block[: starts[0]] if starts else block
        if head.strip():
            if implicit is None:
                self.warn(
                    f"text {_excerpt(head)} before the first answer is ignored",
                    self.chunk.line_at(offset + len(head) - len(head.lstrip())),
                )
            else:
                starts = [-1, *starts]
        entries = []
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(block)
            marker = block[start] if start >= 0 else (implicit or "=")
            body = block[start + 1 : end]
            weight = None
            if (weighted_equals or marker == "~") and (match := _WEIGHT_RE.match(body)):
                weight = float(match.group(1))
                body = body[match.end() :]
            text, hash_, feedback = body.partition("#")
            line = self.chunk.line_at(offset + max(start, 0))
            entries.append(_Answer(marker, weight, text, feedback if hash_ else None, line))
        return entries

    def feedback(self, answer: _Answer) -> str:
        return self.text(answer.feedback, answer.line) if answer.feedback is not None else ""

    # -- kinds -------------------------------------------------------------------

    def essay(self, block: str) -> dict[str, object] | None:
        if not self.general:
            self.warn(
                f"essay {_excerpt(self.stem)} has no answer to check (Moodle grades essays "
                "by hand): skipped"
            )
            return None
        self.warn("essay imported as a flashcard: its general feedback is the answer")
        return {"kind": "flashcard", "answer": self.general, **self.common()}

    def true_false(self, block: str) -> dict[str, object] | None:
        answer_text, _, comment = block.partition("#")
        answer = _TRUE_FALSE[answer_text.strip()]
        wrong_raw, _, right_raw = comment.partition("#")
        wrong = self.text(wrong_raw) if comment else ""
        right = self.text(right_raw) if right_raw else ""
        on_true, on_false = (right, wrong) if answer else (wrong, right)
        explanation = self.explanation([("True", on_true), ("False", on_false)])
        return {
            "kind": "truefalse",
            "answer": answer,
            "explanation": explanation,
            **self.common(),
        }

    def multiple_choice(self, block: str) -> dict[str, object] | None:
        entries = self.answers(block, self.offset, weighted_equals=False)
        choices = [self.text(e.text, e.line) for e in entries]
        feedback = [(c, self.feedback(e)) for c, e in zip(choices, entries, strict=True)]
        explanation = self.explanation(feedback)
        has_equals = any(e.marker == "=" for e in entries)
        if has_equals:
            full = [c for c, e in zip(choices, entries, strict=True) if e.credit >= 100]
            if not full:
                best = max(e.credit for e in entries)
                if best <= 0:
                    self.warn(f"question {_excerpt(self.stem)} has no right answer: skipped")
                    return None
                full = [c for c, e in zip(choices, entries, strict=True) if e.credit == best]
                self.warn(f"no answer is worth 100%: the best ({best:g}%) counted as right")
            for choice, entry in zip(choices, entries, strict=True):
                if 0 < entry.credit < 100 and choice not in full:
                    self.warn(
                        f"partial credit {entry.credit:g}% for {choice!r} cannot be carried: "
                        "counted as wrong",
                        entry.line,
                    )
            if len(full) == 1:
                return {
                    "kind": "choice",
                    "choices": choices,
                    "answer": full[0],
                    "explanation": explanation,
                    **self.common(),
                }
            self.warn(
                f"{len(full)} answers marked right with '=': Moodle accepts any one of them, "
                "the deck asks for all of them"
            )
            return {
                "kind": "multi",
                "choices": choices,
                "answers": full,
                "explanation": explanation,
                **self.common(),
            }
        positive = [(c, e.credit) for c, e in zip(choices, entries, strict=True) if e.credit > 0]
        if not positive:
            self.warn(f"question {_excerpt(self.stem)} has no right answer: skipped")
            return None
        weights = {round(w, 3) for _, w in positive}
        if len(weights) > 1:
            self.warn(
                "unequal answer weights ("
                + ", ".join(f"{w:g}%" for _, w in positive)
                + ") cannot be carried: every right choice counts the same"
            )
        total = sum(w for _, w in positive)
        if abs(total - 100) > 0.01:
            self.warn(f"right answers add up to {total:g}%, not 100%")
        self.wrong_tick_costs([e.credit for e in entries if e.credit <= 0], len(positive))
        return {
            "kind": "multi",
            "choices": choices,
            "answers": [c for c, _ in positive],
            "explanation": explanation,
            **self.common(),
        }

    def wrong_tick_costs(self, weights: list[float], rights: int) -> None:
        """Warn when Moodle's weights of the wrong choices of a multi-answer question score
        otherwise than quiz, which takes a right choice's share (100% / rights) off for each
        wrong tick."""
        share = 100 / rights
        differing = sorted({round(w, 3) for w in weights if abs(w + share) > 0.01})
        if differing:
            written = ", ".join(f"{w:g}%" for w in differing)
            self.warn(
                f"wrong choices weigh {written} in Moodle: quiz takes {share:g}% off for each"
                " wrong tick (a right choice's share), so scores will differ"
            )

    def short_answer(self, block: str) -> dict[str, object] | None:
        entries = self.answers(block, self.offset, implicit="=")
        accepted: list[str] = []
        feedback: list[tuple[str, str]] = []
        for entry in entries:
            text = self.text(entry.text, entry.line)
            credit = entry.credit
            label = "Any other answer" if text == "*" else text
            feedback.append((label, self.feedback(entry)))
            if credit <= 0:
                continue
            if credit < 100:
                self.warn(
                    f"partial credit {credit:g}% for {text!r} cannot be carried: not accepted",
                    entry.line,
                )
            elif text == "*":
                self.warn("wildcard answer '*' (anything is right) cannot be carried", entry.line)
            else:
                if "*" in text:
                    self.warn(f"'*' in {text!r} is matched literally, not as a wildcard")
                if text not in accepted:
                    accepted.append(text)
        if not accepted:
            self.warn(f"question {_excerpt(self.stem)} has no fully right answer: skipped")
            return None
        explanation = self.explanation(feedback)
        answer = accepted[0]
        gaps = len(_GAP_RE.findall(self.stem))
        as_cloze = (self.missing_word and gaps == 0) or (not self.missing_word and gaps == 1)
        blank = f"{{{{{answer}}}}}"
        if (
            as_cloze
            and len(accepted) == 1
            and not re.search(r"[{}|]", answer)
            and "{{" not in self.stem
            and "}}" not in self.stem
        ):
            cloze_text = (
                self.stem.replace(_BLANK, blank)
                if self.missing_word
                else _GAP_RE.sub(lambda _: blank, self.stem, count=1)
            )
            return {
                "kind": "cloze",
                "text": cloze_text,
                "explanation": explanation,
                **self.common(prompt_key=""),
            }
        return {
            "kind": "short",
            "answer": answer,
            "accept": accepted[1:],
            "explanation": explanation,
            **self.common(),
        }

    def matching(self, block: str) -> dict[str, object] | None:
        pairs: list[list[str]] = []
        feedback: list[tuple[str, str]] = []
        for entry in self.answers(block, self.offset, weighted_equals=False):
            left_raw, arrow, right_raw = entry.text.partition("->")
            if not arrow:
                self.warn(
                    f"matching answer {_excerpt(entry.text)} has no '->': ignored", entry.line
                )
                continue
            left = self.text(left_raw, entry.line)
            right = _restore(_SPACE_RE.sub(" ", right_raw)).strip()
            if not left:
                self.warn(
                    f"extra answer {right!r} with no question to match cannot be carried: dropped",
                    entry.line,
                )
                continue
            pairs.append([left, right])
            feedback.append((left, self.feedback(entry)))
        return {
            "kind": "match",
            "pairs": pairs,
            "explanation": self.explanation(feedback),
            **self.common(),
        }

    def numeric(self, block: str) -> dict[str, object] | None:
        hash_at = block.index("#")
        body = block[hash_at + 1 :]
        entries = (
            self.answers(body, self.offset + hash_at + 1)
            if body.strip()[:1] in ("=", "~")
            else [_Answer("=", None, body.partition("#")[0], _feedback_of(body), self.line)]
        )
        right: list[_Number] = []
        feedback: list[tuple[str, str]] = []
        for entry in entries:
            text = _restore(entry.text).strip()
            number = self.number(text, entry.line) if text else None
            if text and number is None:
                continue
            label = number.label if number else "Any other answer"
            feedback.append((label, self.feedback(entry)))
            if number is None or entry.credit <= 0:
                continue
            if entry.credit < 100:
                self.warn(
                    f"partial credit {entry.credit:g}% for {label} cannot be carried: not accepted",
                    entry.line,
                )
                continue
            right.append(number)
        if not right:
            self.warn(f"question {_excerpt(self.stem)} has no fully right number: skipped")
            return None
        chosen = _merge(right)
        if chosen is None:
            chosen = right[0]
            for other in right[1:]:
                self.warn(
                    f"another right answer {other.label} cannot be carried: the first is kept",
                    other.line,
                )
        return {
            "kind": "numeric",
            "answer": _as_number(chosen.value),
            "tolerance": _as_number(chosen.tolerance),
            "explanation": self.explanation(feedback),
            **self.common(),
        }

    def number(self, text: str, line: int) -> _Number | None:
        """A numeric answer, or None (with a warning) when `text` is not one a deck can hold."""
        try:
            number = self.read_number(text, line)
        except ArithmeticError:
            number = None
        if number is None:
            self.warn(f"{text!r} is not a number, a number:tolerance or a low..high range", line)
            return None
        # float() of a Decimal past float's range is inf, which is not workable either
        if not all(is_workable(float(part)) for part in (number.value, number.tolerance)):
            self.warn(f"{text[:40]!r} is beyond what a deck holds (-1e300 to 1e300)", line)
            return None
        return number

    def read_number(self, text: str, line: int) -> _Number | None:
        """`value`, `value:tolerance` or `low..high`; reversed ranges and signs are fixed."""
        if match := _RANGE_RE.match(text):
            low, high = Decimal(match.group(1)), Decimal(match.group(2))
            if low > high:
                self.warn(f"range {text} runs backwards: read as {high}..{low}", line)
                low, high = high, low
            return _Number((low + high) / 2, (high - low) / 2, f"{low}..{high}", line)
        if match := _TOLERANCE_RE.match(text):
            value = Decimal(match.group(1))
            tolerance = Decimal(match.group(2) or "0")
            if tolerance < 0:
                self.warn(f"negative tolerance in {text}: read as {-tolerance}", line)
                tolerance = -tolerance
            label = f"{value}" if not tolerance else f"{value} ± {tolerance}"
            return _Number(value, tolerance, label, line)
        return None


def _feedback_of(body: str) -> str | None:
    _, hash_, feedback = body.partition("#")
    return feedback if hash_ else None


def _merge(numbers: list[_Number]) -> _Number | None:
    """One interval covering all the right answers when they overlap or touch, else None."""
    ordered = sorted(numbers, key=lambda n: n.low)
    low, high = ordered[0].low, ordered[0].high
    for number in ordered[1:]:
        if number.low > high:
            return None
        high = max(high, number.high)
    if len(numbers) == 1:
        return numbers[0]
    return _Number((low + high) / 2, (high - low) / 2, f"{low}..{high}", ordered[0].line)


def _as_number(value: Decimal) -> int | float:
    """An int when the value is whole and was written without a point, else a float."""
    if value == value.to_integral_value() and value.as_tuple().exponent == 0:
        return int(value)
    return float(value)


def import_gift(
    text: str,
    *,
    deck_id: str | None = None,
    title: str | None = None,
    default_id: str = "imported",
    default_title: str = "Imported questions",
) -> ImportResult:
    """Read a GIFT question bank into a deck.

    Its id and title: `deck_id` and `title` if given, else those of the file's
    `// [deck:{...}]` header (which also gives the rest of the `[deck]` table), else
    `default_id` and `default_title`. Returns the deck and a warning (with its line) for
    everything that could not be carried. Raises `GiftError` when no question at all could
    be imported, and `ValueError` when the id is not a lowercase slug.
    """
    if deck_id is not None and not re.fullmatch(SLUG_PATTERN, deck_id):
        raise ValueError(f"deck id {deck_id!r} must be a lowercase slug like 'my-deck'")
    importer = _Importer(default_id, default_title)
    text = text.removeprefix("\ufeff")
    importer.read_header(text, deck_id, title)
    for chunk in importer.chunks(text):
        importer.chunk(chunk)
    return importer.result()
