"""Loading deck files: TOML text -> validated `Deck`, or diagnostics a teacher can act on.

The fast path is `tomli` plus one `Deck.model_validate` call with the garbage
collector paused (both allocate many small objects that the collector would
otherwise scan over and over: 100k questions validate in ~0.23 s instead of ~1 s).
Only when validation fails is the text scanned for positions (`toml_positions`),
and each pydantic error becomes a `Diagnostic` pointing at the offending key or
value, with a message in a teacher's words rather than pydantic's.

Deck files are untrusted: size, encoding and parser failures all end as a
`DeckError`, and every piece of deck text quoted in a message is sanitized.
"""

from __future__ import annotations

import difflib
import gc
import os
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal, get_args

import tomli
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from quiz.core.cards import question_identity
from quiz.core.deck_files import find_deck_files as find_deck_files  # moved: no pydantic
from quiz.core.models import (
    NOT_BLANK_PATTERN,
    QUESTION_KINDS,
    Cloze,
    Deck,
    DeckMeta,
    MultipleChoice,
    Question,
    ShortAnswer,
    SingleChoice,
    Source,
    TypedAnswerOptions,
)
from quiz.core.text import normalize, sanitize
from quiz.core.toml_positions import SourceMap, TomlPath, index_toml
from quiz.errors import QuizError

MAX_DECK_BYTES = 10 * 1024 * 1024
"""Deck files larger than this (10 MiB, ~20k questions) are refused before being read."""

Severity = Literal["error", "warning"]
StrPath = str | os.PathLike[str]

_KIND_MODELS: dict[str, type[BaseModel]] = {
    get_args(model.model_fields["kind"].annotation)[0]: model
    for model in get_args(get_args(Question)[0])
}
_KINDS_TEXT = ", ".join(QUESTION_KINDS)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about a deck file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        # Messages quote deck text sanitized already; the whole line is sanitized again
        # because file names are untrusted too and this is what reaches terminals.
        return sanitize(f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}")

    def to_json(self) -> dict[str, str | int]:
        """The machine-readable form used by `quiz check --format json`."""
        return {
            "file": self.path,
            "line": self.line,
            "column": self.col,
            "severity": self.severity,
            "message": self.message,
        }


class DeckError(QuizError):
    """A deck that cannot be loaded; `.diagnostics` holds every error found, in file order."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


@dataclass(frozen=True, slots=True)
class LintResult:
    """What `lint_deck` found: the deck when it loads, and every error or warning."""

    deck: Deck | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def load_deck(path: StrPath) -> Deck:
    """Read and validate a deck file.

    Raises:
        DeckError: the file is missing, too large, not UTF-8, not TOML or not a valid deck.
    """
    return _load(lambda: read_deck_text(path), os.fspath(path))


def parse_deck(text: str, path: StrPath) -> Deck:
    """Validate deck text; `path` is only used to name the file in diagnostics.

    Raises:
        DeckError: with one diagnostic per problem, sorted by position.
    """
    return _load(lambda: text, os.fspath(path))


def _load(read: Callable[[], str], name: str) -> Deck:
    """Parse and validate the text `read` returns; `read` is called again only to place errors.

    The text is dropped once parsed: as a `str` it takes up to 4 bytes a character (2 as soon
    as one character is beyond Latin-1, e.g. an em dash), and keeping it through validation
    raised the peak of a 100k-question deck from ~330 to ~410 MiB.
    """
    text = read()
    if len(text) > MAX_DECK_BYTES:
        raise DeckError([_file_error(name, f"the deck is larger than {_limit()}")])
    # Parsing and validation allocate hundreds of thousands of objects and no cycles: with the
    # collector paused, 100k questions validate in ~0.23 s instead of ~1 s, and parse ~10% faster.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    deck: Deck | None = None
    errors: list[ErrorDetails] = []
    shared: list[tuple[int, int]] = []
    try:
        data = _parse_toml(text, name)
        del text
        try:
            deck = Deck.model_validate(data)
            shared = _shared_identities(deck)
        except ValidationError as error:
            errors = error.errors(include_url=False)
        except RecursionError:
            pass
    finally:
        if gc_was_enabled:
            gc.enable()
    if shared:
        raise DeckError(_identity_errors(read(), name, shared))
    if deck is not None:
        return deck
    if not errors:
        raise DeckError([_file_error(name, "the deck is nested too deeply to check")])
    raise DeckError(_diagnose(read(), name, data, errors))


def _shared_identities(deck: Deck) -> list[tuple[int, int]]:
    """(earlier, later) indexes of id-less questions whose prompts hash to one identity.

    The store could not tell such questions apart, so they are an error. Only id-less
    questions are hashed: a deck with ids everywhere pays nothing for this check.
    """
    first: dict[str, int] = {}
    shared = []
    for index, question in enumerate(deck.questions):
        if question.id is None:
            identity = question_identity(question)
            shared.append((first.setdefault(identity, index), index))
    return [(earlier, later) for earlier, later in shared if earlier != later]


def _identity_errors(text: str, name: str, shared: list[tuple[int, int]]) -> list[Diagnostic]:
    source = index_toml(text)
    found = []
    for earlier, later in shared:
        line, col = _position(source, ("questions", later), at_key=True)
        first_line, _ = _position(source, ("questions", earlier), at_key=True)
        message = (
            f"same prompt as the question at line {first_line} and neither has an id: "
            "they would be one card; give them ids (quiz check --fix)"
        )
        found.append(Diagnostic(name, line, col, "error", message))
    return found


def lint_deck(path: StrPath) -> LintResult:
    """Load a deck and also report warnings (missing ids, redundant answers, ...).

    Never raises for a bad deck: errors come back as diagnostics with `deck=None`.
    """
    name = os.fspath(path)
    try:
        text = read_deck_text(path)
        deck = parse_deck(text, path)
    except DeckError as error:
        return LintResult(None, error.diagnostics)
    return LintResult(deck, _warnings(deck, text, name))


# --- reading and parsing ---------------------------------------------------------------


def _file_error(name: str, message: str, line: int = 1, col: int = 1) -> Diagnostic:
    return Diagnostic(name, line, col, "error", message)


def _limit() -> str:
    return f"the {MAX_DECK_BYTES / 2**20:g} MiB limit"


def read_deck_text(path: StrPath) -> str:
    """A deck file's text, refusing folders, huge files and anything that is not UTF-8.

    Raises:
        DeckError: one diagnostic saying why the file cannot be read as a deck.
    """
    name = os.fspath(path)
    try:
        if os.path.isdir(path):
            raise DeckError([_file_error(name, "is a folder, not a deck file")])
        if os.path.getsize(path) > MAX_DECK_BYTES:
            raise DeckError([_file_error(name, f"the file is larger than {_limit()}")])
        with open(path, "rb") as file:
            raw = file.read(MAX_DECK_BYTES + 1)  # a file may grow, or be a device
    except FileNotFoundError:
        raise DeckError([_file_error(name, "no such file")]) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DeckError([_file_error(name, f"cannot read the file: {reason}")]) from None
    if len(raw) > MAX_DECK_BYTES:
        raise DeckError([_file_error(name, f"the file is larger than {_limit()}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        col = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        message = "the file is not UTF-8 text; save it as UTF-8 in your editor"
        raise DeckError([_file_error(name, message, line, col)]) from None
    return text.removeprefix("\ufeff")  # editors hide a BOM; TOML does not allow one


_TOML_POSITION = re.compile(
    r"^(?P<msg>.*?) \((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)$",
    re.DOTALL,
)

_TOML_HINTS = {
    "Illegal character '\\n'": "line break inside a quoted string: close the quote, "
    'or use """triple quotes""" for text on several lines',
    "Unterminated string": "this string is never closed: check for a missing quote",
    "Invalid value": 'not a TOML value: text needs quotes, e.g. kind = "short"',
    "Expected '=' after a key in a key/value pair": "expected '=' after the key, "
    'e.g. kind = "short"',
    "Expected newline or end of document after a statement": "unexpected text after the value; "
    "did a quote inside the text end the string early?",
    "Unclosed array": "unclosed list: is a comma or the closing ] missing?",
    "Unescaped '\\' in a string": "a backslash starts an escape: write \\\\ for a backslash, "
    "or use 'single quotes'",
}
_DECLARED_TWICE = re.compile(r"Cannot declare \((.*)\) twice")


def _parse_toml(text: str, name: str) -> dict[str, Any]:
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        match = _TOML_POSITION.match(str(error))
        if match is None:
            line, col, message = 1, 1, str(error)
        elif match["line"] is None:
            line, col = _end_position(text)
            message = match["msg"]
        else:
            line, col, message = int(match["line"]), int(match["col"]), match["msg"]
        if message == "Cannot overwrite a value":
            line, col, message = _repeated_key(text, line)
        elif message == "Unescaped '\\' in a string":
            col = _backslash_column(text, line, col)
        elif message == "Unterminated string":
            source = index_toml(text)
            if source.stopped_at is not None:
                line, col = source.line_col(source.stopped_at)
        message = _toml_message(message, text, line, col)
        raise DeckError(
            [_file_error(name, f"TOML syntax: {sanitize(message)}", line, col)]
        ) from None
    except RecursionError:
        raise DeckError(
            [_file_error(name, "TOML syntax: arrays or tables nested too deeply")]
        ) from None
    except Exception as error:  # untrusted input: any parser failure is a bad deck
        message = f"TOML syntax: {sanitize(str(error)) or type(error).__name__}"
        raise DeckError([_file_error(name, message)]) from None


def _toml_message(message: str, text: str, line: int, col: int) -> str:
    """tomli's message in a teacher's words, with a hint for the usual slips."""
    if twice := _DECLARED_TWICE.fullmatch(message):
        table = ".".join(part.strip(" '\"") for part in twice.group(1).split(",") if part.strip())
        return f"[{table}] appears twice; merge the two tables"
    lines = text.split("\n", line)
    here = lines[line - 1][col - 1 :] if line <= len(lines) else ""
    if message == "Invalid value" and here.startswith(("True", "False")):
        return "true and false are written in lowercase"
    return _TOML_HINTS.get(message, message)


def _backslash_column(text: str, line: int, col: int) -> int:
    """tomli reports a bad escape after its backslash; point at the backslash itself."""
    lines = text.split("\n", line)
    here = lines[line - 1] if line <= len(lines) else ""
    backslash = here.rfind("\\", 0, col)
    return backslash + 1 if backslash >= 0 else col


def _repeated_key(text: str, line: int) -> tuple[int, int, str]:
    """Point at a key set twice (tomli reports the end of its value) and say where it was first.

    Two questions pasted without a `[[questions]]` line between them is the usual cause.
    """
    source = index_toml(text)
    for path, offset, earlier in source.repeated:
        here = source.line_col(offset)
        if here[0] == line:
            message = f"{_q(path[-1])} is already set on line {source.line_col(earlier)[0]}"
            if path[0] == "questions":
                message += "; does a new question need its own [[questions]] line?"
            return *here, message
    return line, 1, "a key is set twice"


def _end_position(text: str) -> tuple[int, int]:
    line_start = text.rfind("\n") + 1
    return text.count("\n") + 1, len(text) - line_start + 1


# --- turning pydantic errors into diagnostics -------------------------------------------


def _diagnose(
    text: str, name: str, data: dict[str, Any], errors: list[ErrorDetails]
) -> list[Diagnostic]:
    """One diagnostic per problem, sorted by position; only called for invalid decks."""
    source = index_toml(text)
    duplicates = _duplicate_ids(data, source, name)
    found: dict[tuple[TomlPath, str], Diagnostic] = {}
    resolved = [(error, *_resolve(error["loc"], data)) for error in errors]
    # `promt = ...` is one mistake: report the unknown key (with its did-you-mean) only,
    # not also the missing `prompt` it was meant to be.
    misspelt = {
        (path[:-1], _closest(str(path[-1]), _model_at(path[:-1], data)))
        for error, path, _ in resolved
        if error["type"] == "extra_forbidden" and path
    }
    for error, path, rest in resolved:
        if error["loc"] == () and duplicates:
            continue  # the model's deck-wide id check; `_duplicate_ids` says where
        if error["type"] == "missing" and rest and (path, rest[0]) in misspelt:
            continue
        diagnostic = _error_diagnostic(error, path, rest, data, source, name)
        # A value of a union type (`float | int`) fails once per member: report it once.
        group = "type" if error["type"].endswith("_type") else diagnostic.message
        found.setdefault((path, group), diagnostic)
    return sorted([*found.values(), *duplicates], key=lambda d: (d.line, d.col, d.message))


def _resolve(loc: tuple[int | str, ...], data: Any) -> tuple[TomlPath, tuple[int | str, ...]]:
    """Split a pydantic location into the part present in the data and the rest.

    The discriminator tag pydantic inserts after a question's index (`questions.3.choice`)
    is dropped; the rest is a missing key or a union member name (`float`).
    """
    path: list[Hashable] = []
    node = data
    for depth, part in enumerate(loc):
        is_question = len(path) == 2 and path[0] == "questions" and isinstance(path[1], int)
        if (
            is_question
            and len(path) == depth
            and isinstance(node, dict)
            and part == node.get("kind")
        ):
            continue
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            return tuple(path), loc[depth:]
        node = node[part]
        path.append(part)
    return tuple(path), ()


def _error_diagnostic(
    error: ErrorDetails,
    path: TomlPath,
    rest: tuple[int | str, ...],
    data: dict[str, Any],
    source: SourceMap,
    name: str,
) -> Diagnostic:
    kind, value, ctx = error["type"], error["input"], error.get("ctx", {})
    at_key = False
    if kind == "missing":
        message, at_key = _missing_message(path, str(rest[0]) if rest else "?", data), True
    elif kind == "extra_forbidden":
        message, at_key = _unknown_key_message(path, data), True
    elif kind == "union_tag_invalid":
        tag = value.get("kind") if isinstance(value, dict) else None
        path = (*path, "kind")
        if isinstance(tag, str):
            hint = _did_you_mean(tag, QUESTION_KINDS)
            kinds = f" Valid kinds: {_KINDS_TEXT}" if hint else f"; valid kinds: {_KINDS_TEXT}"
            message = f"unknown question kind {_q(tag)}{hint}{kinds}"
        else:
            message = (
                f"expected text for 'kind', got {_type_name(tag)}; the kinds are {_KINDS_TEXT}"
            )
    elif kind == "union_tag_not_found":
        message, at_key = f"question has no 'kind'; add kind = one of {_KINDS_TEXT}", True
    else:
        message = _value_message(kind, value, ctx, path, data, error["msg"])
        if kind == "value_error" and isinstance(value, list):
            path = _offending_item(path, value, data)
    position = _position(source, path, at_key=at_key)
    return Diagnostic(name, *position, "error", message)


def _offending_item(path: TomlPath, items: list[Any], data: dict[str, Any]) -> TomlPath:
    """The list item a list-wide check objects to: the repeat, or the answer not in choices.

    The model validators see the whole list, so pydantic locates their errors at the
    list; pointing at the item saves a teacher searching a long one.
    """
    if path[-1:] == ("pairs",):
        for side in (0, 1):
            sides = [
                pair[side] if isinstance(pair, list) and len(pair) > side else None
                for pair in items
            ]
            if (index := _first_repeat(sides)) is not None:
                return (*path, index, side)
        return path
    if path[-1:] == ("answers",):
        question = data["questions"][path[1]] if len(path) == 3 else {}
        choices = question.get("choices")
        if isinstance(choices, list):
            missing = [i for i, item in enumerate(items) if item not in choices]
            if missing:
                return (*path, missing[0])
    index = _first_repeat(items)
    return path if index is None else (*path, index)


def _first_repeat(items: list[Any]) -> int | None:
    seen: list[Any] = []
    for index, item in enumerate(items):
        if item is not None and item in seen:
            return index
        seen.append(item)
    return None


def _position(source: SourceMap, path: TomlPath, *, at_key: bool) -> tuple[int, int]:
    """Where `path` was written; the nearest written ancestor when it was not (e.g. missing)."""
    for end in range(len(path), 0, -1):
        prefix = path[:end]
        position = source.key(prefix) if at_key or end < len(path) else source.value(prefix)
        if position is not None:
            return position
    return 1, 1


def _model_at(path: TomlPath, data: dict[str, Any]) -> type[BaseModel] | None:
    if path == ():
        return Deck
    if path == ("deck",):
        return DeckMeta
    if path == ("deck", "source"):
        return Source
    if len(path) == 2 and path[0] == "questions":
        kind = _question_kind(path, data)
        return _KIND_MODELS.get(kind) if kind else None
    return None


def _question_kind(path: TomlPath, data: dict[str, Any]) -> str | None:
    questions = data.get("questions")
    if len(path) >= 2 and path[0] == "questions" and isinstance(questions, list):
        index = path[1]
        if (
            isinstance(index, int)
            and 0 <= index < len(questions)
            and isinstance(questions[index], dict)
        ):
            kind = questions[index].get("kind")
            return kind if isinstance(kind, str) else None
    return None


def _where(path: TomlPath, data: dict[str, Any]) -> str:
    """`for a 'short' question`, `in [deck]`...: the table a key belongs to, in words."""
    if path == ():
        return " at the top level"
    if path == ("deck",):
        return " in [deck]"
    if len(path) == 2 and path[0] == "questions":
        return f" for {_a_question(_question_kind(path, data))}"
    return f" in {_field_name(path)}"


def _missing_message(path: TomlPath, key: str, data: dict[str, Any]) -> str:
    if path == () and key == "deck":
        return "missing the [deck] table (it needs at least id and title)"
    if path == () and key == "questions":
        return "the deck has no questions: add a [[questions]] table"
    return f"missing required key {_q(key)}{_where(path, data)}"


def _unknown_key_message(path: TomlPath, data: dict[str, Any]) -> str:
    key = str(path[-1])
    parent = path[:-1]
    message = f"unknown key {_q(key)}{_where(parent, data)}"
    if parent == ("deck",) and key == "questions":
        return f"{message}; write questions as [[questions]] tables after [deck]"
    if parent == ("deck",) and any(key in m.model_fields for m in _KIND_MODELS.values()):
        return f"{message}; each question starts with a [[questions]] line"
    if close := _closest(key, _model_at(parent, data)):
        return f"{message}; did you mean {_q(close)}?"
    if parent == () and key in DeckMeta.model_fields:
        return f"{message}; it belongs in the [deck] table"
    if len(parent) == 2 and parent[0] == "questions":
        owners = [kind for kind, m in _KIND_MODELS.items() if key in m.model_fields]
        if owners:
            return f"{message}; only {_join(owners)} questions have it"
    return message


_EXPECTED = {
    "string_type": "text",
    "bool_type": "true or false",
    "float_type": "a number",
    "int_type": "a whole number",
    "list_type": "a list",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "dict_type": "a table",
    "date_type": "a date like 2025-12-13",
    "date_from_datetime_inexact": "a date like 2025-12-13",
    "date_from_datetime_parsing": "a date like 2025-12-13",
}


def _value_message(
    kind: str, value: Any, ctx: dict[str, Any], path: TomlPath, data: dict[str, Any], fallback: str
) -> str:
    field_name = _field_name(path)
    if path == ("questions",) and kind == "list_type":
        return f"questions are [[questions]] tables, with double brackets; got {_type_name(value)}"
    if path == ("deck",) and kind == "model_type" and isinstance(value, list):
        return "[deck] is one table: write [deck] with single brackets"
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        if kind == "int_type" and isinstance(value, float):
            return f"expected a whole number for {field_name}, got {value!r}"
        got = _type_name(value) + _type_hint(kind, value)
        return f"expected {expected} for {field_name}, got {got}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected', '?')} for {field_name}, got {_show(value)}"
    if kind == "string_too_short":
        return f"{field_name} must not be empty"
    if kind == "string_too_long":
        return f"{field_name} is too long: at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == NOT_BLANK_PATTERN:
            return f"{field_name} must not be empty or only whitespace"
        return _bad_id_message(value)
    if kind in ("too_short", "too_long"):
        return _length_message(kind, path, ctx, data)
    if kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        return f"{field_name} must be {word} {ctx.get(key, 0):g}, got {_show(value)}"
    if kind == "finite_number":
        return f"{field_name} must be a finite number, got {value!r}"
    if kind == "value_error":
        reason = str(ctx.get("error", fallback))
        return sanitize(f"{field_name} {reason}" if reason.startswith("must") else reason)
    return sanitize(f"{field_name}: {fallback}")


_BOUNDS = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}


def _type_hint(kind: str, value: Any) -> str:
    """A concrete fix for the type mistakes teachers actually make."""
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return f'; put it in quotes: "{value}"'
    if (
        kind == "bool_type"
        and isinstance(value, str)
        and value.strip().lower() in ("true", "false")
    ):
        return f"; write {value.strip().lower()} without quotes"
    if kind in ("float_type", "int_type") and isinstance(value, str) and _is_number(value):
        return f"; write {sanitize(value.strip())} without quotes"
    if kind == "date_type" and isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return f"; write {value.strip()} without quotes"
    if kind == "list_type" and isinstance(value, str):
        return '; write a list in square brackets, e.g. ["first", "second"]'
    return ""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return len(text) < 40


def _bad_id_message(value: Any) -> str:
    suggestion = re.sub(r"[^a-z0-9_-]+", "-", sanitize(str(value)).lower()).strip("-_")
    hint = f"; try {_q(suggestion)}" if suggestion else ""
    return (
        f"{_q(value)} is not a valid id: use lowercase letters, digits, '-' and '_', "
        f"starting with a letter or digit{hint}"
    )


def _length_message(kind: str, path: TomlPath, ctx: dict[str, Any], data: dict[str, Any]) -> str:
    actual = ctx.get("actual_length", 0)
    if len(path) >= 2 and path[-2] == "pairs":
        return f"a pair has exactly two items, [left, right]; this one has {actual}"
    key = path[-1] if path else ""
    if kind == "too_long":
        return f"{_field_name(path)} has at most {ctx.get('max_length')} items, got {actual}"
    least = ctx.get("min_length", 1)
    if key == "questions":
        return "the deck has no questions: add a [[questions]] table"
    if key == "answers":
        return "a 'multi' question needs at least one correct answer in 'answers'"
    if key in ("choices", "items", "pairs") and len(path) == 3:
        question = _a_question(_question_kind(path, data))
        return f"{question} needs at least {least} {key}, got {actual}"
    return f"{_field_name(path)} needs at least {least} items, got {actual}"


def _duplicate_ids(data: dict[str, Any], source: SourceMap, name: str) -> list[Diagnostic]:
    """Repeated question ids, pointing at the second use (the model only says "somewhere")."""
    questions = data.get("questions")
    if not isinstance(questions, list):
        return []
    first: dict[str, int] = {}
    found = []
    for index, question in enumerate(questions):
        ident = question.get("id") if isinstance(question, dict) else None
        if not isinstance(ident, str):
            continue
        if ident not in first:
            first[ident] = index
            continue
        line, col = _position(source, ("questions", index, "id"), at_key=False)
        earlier, _ = _position(source, ("questions", first[ident]), at_key=True)
        message = f"duplicate question id {_q(ident)}: the question at line {earlier} uses it too"
        found.append(Diagnostic(name, line, col, "error", message))
    return found


# --- warnings on valid decks ----------------------------------------------------------


def _warnings(deck: Deck, text: str, name: str) -> list[Diagnostic]:
    """Things that load but are probably mistakes; the positions are found only if needed."""
    found: list[tuple[TomlPath, bool, str]] = []  # (path, at_key, message)
    if deck.deck.pass_mark == 0:
        found.append((("deck", "pass_mark"), False, "pass_mark = 0 means every quiz passes"))
    for index, question in enumerate(deck.questions):
        here: TomlPath = ("questions", index)
        if question.id is None:
            found.append(
                (
                    here,
                    True,
                    "question has no id; its review history is lost when the prompt changes",
                )
            )
        found.extend(_question_warnings(question, here, deck.deck))
    if not found:
        return []
    source = index_toml(text)
    diagnostics = [
        Diagnostic(name, *_position(source, path, at_key=at_key), "warning", message)
        for path, at_key, message in found
    ]
    return sorted(diagnostics, key=lambda d: (d.line, d.col, d.message))


def _question_warnings(
    question: Question, here: TomlPath, meta: DeckMeta
) -> list[tuple[TomlPath, bool, str]]:
    found: list[tuple[TomlPath, bool, str]] = []
    if isinstance(question, TypedAnswerOptions):
        if question.exact and question.typo_threshold is not None:
            found.append(
                ((*here, "typo_threshold"), True, "typo_threshold has no effect with exact = true")
            )
        accents = question.fold_accents if question.fold_accents is not None else meta.fold_accents
        if isinstance(question, ShortAnswer):
            seen = {normalize(question.answer, accents=accents)}
            for position, accepted in enumerate(question.accept):
                key = normalize(accepted, accents=accents)
                if key in seen:
                    message = (
                        f"accept entry {_q(accepted)} is already accepted "
                        "(case, spacing and punctuation are ignored)"
                    )
                    found.append(((*here, "accept", position), False, message))
                seen.add(key)
        if isinstance(question, Cloze):
            for number, blank in enumerate(question.blanks, start=1):
                if blank.hint and normalize(blank.hint, accents=accents) == normalize(
                    blank.answer, accents=accents
                ):
                    found.append(
                        (
                            (*here, "text"),
                            False,
                            f"blank {number}'s hint gives its answer away: {_q(blank.hint)}",
                        )
                    )
    if isinstance(question, SingleChoice | MultipleChoice):
        seen_choices: dict[str, str] = {}
        for position, choice in enumerate(question.choices):
            key = normalize(choice, accents=False)
            if key in seen_choices:
                message = (
                    f"choices {_q(seen_choices[key])} and {_q(choice)} look the same to a learner"
                )
                found.append(((*here, "choices", position), False, message))
            seen_choices.setdefault(key, choice)
    return found


# --- wording ----------------------------------------------------------------------------


def _q(value: Any, limit: int = 60) -> str:
    """Deck text quoted in a message: sanitized, shortened, in single quotes."""
    text = sanitize(str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _a_question(kind: str | None) -> str:
    """`a 'short' question`, `an 'order' question`."""
    kind = kind or "?"
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {_q(kind)} question"


def _show(value: Any) -> str:
    """A value as the teacher wrote it: text quoted, `true`/`false`, numbers as numbers."""
    if isinstance(value, str):
        return _q(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    return _type_name(value)


def _closest(key: str, model: type[BaseModel] | None) -> str | None:
    """The field of `model` that `key` is probably a typo of."""
    fields = list(model.model_fields) if model else []
    close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {_q(close[0])}?" if close else ""


def _join(words: Sequence[str]) -> str:
    quoted = [_q(w) for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    return type(value).__name__


def _field_name(path: TomlPath) -> str:
    """`'prompt'`, `item 2 of 'choices'`, `question 4`, `[deck]`: a path in a teacher's words."""
    if len(path) == 2 and path[0] == "questions" and isinstance(path[1], int):
        return f"question {path[1] + 1}"
    if path == ("deck",):
        return "[deck]"
    if path[:1] == ("deck",):
        path = path[1:]
    elif len(path) > 2 and path[0] == "questions":
        path = path[2:]
    items: list[str] = []
    while path and isinstance(path[-1], int):
        items.append(f"item {path[-1] + 1}")
        path = path[:-1]
    if path:
        items.append(_q(".".join(map(str, path))))
    return " of ".join(items) or "the deck"
