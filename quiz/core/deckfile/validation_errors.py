"""Pydantic's validation errors in a teacher's words, each at the key or value it is about.

Only invalid decks come here, so nothing in this module is on the fast path. Each
pydantic error becomes a `Diagnostic`: its location (`questions.3.answer`) placed in
the file through `toml_positions`, its message rewritten for the mistakes teachers
make (a number in quotes, `promt` for `prompt`, a key in the wrong table), with a
did-you-mean where a close spelling exists.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from quiz.core.deckfile.diagnostics import Diagnostic, quoted
from quiz.core.deckfile.toml_positions import SourceMap, TomlPath, index_toml
from quiz.core.models import (
    NOT_BLANK_PATTERN,
    Deck,
    DeckMeta,
    Question,
    Source,
)
from quiz.core.outline import QUESTION_KINDS
from quiz.core.text import sanitize

_MODEL_OF_KIND: dict[str, type[BaseModel]] = {
    get_args(model.model_fields["kind"].annotation)[0]: model
    for model in get_args(get_args(Question)[0])
}
_KINDS_LISTED = ", ".join(QUESTION_KINDS)


def validation_diagnostics(
    text: str, name: str, data: dict[str, Any], errors: list[ErrorDetails]
) -> list[Diagnostic]:
    """The errors of a deck that failed validation: one per problem, sorted by position.

    `text` is the deck's text (scanned for positions), `data` what tomli parsed from it
    and `errors` what pydantic said about `data`.
    """
    source = index_toml(text)
    duplicates = _duplicate_id_errors(data, source, name)
    found: dict[tuple[TomlPath, str], Diagnostic] = {}
    resolved = [(error, *_split_location(error["loc"], data)) for error in errors]
    # `promt = ...` is one mistake: report the unknown key (with its did-you-mean) only,
    # not also the missing `prompt` it was meant to be.
    misspelt = {
        (path[:-1], _closest_field(str(path[-1]), _model_of_table(path[:-1], data)))
        for error, path, _ in resolved
        if error["type"] == "extra_forbidden" and path
    }
    for error, path, rest in resolved:
        if error["loc"] == () and duplicates:
            continue  # the model's deck-wide id check; `_duplicate_id_errors` says where
        if error["type"] == "missing" and rest and (path, rest[0]) in misspelt:
            continue
        diagnostic = _diagnostic_for_error(error, path, rest, data, source, name)
        # A value of a union type (`float | int`) fails once per member: report it once.
        group = "type" if error["type"].endswith("_type") else diagnostic.message
        found.setdefault((path, group), diagnostic)
    return sorted([*found.values(), *duplicates], key=lambda d: (d.line, d.col, d.message))


def _split_location(
    loc: tuple[int | str, ...], data: Any
) -> tuple[TomlPath, tuple[int | str, ...]]:
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


def _diagnostic_for_error(
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
            kinds = f" Valid kinds: {_KINDS_LISTED}" if hint else f"; valid kinds: {_KINDS_LISTED}"
            message = f"unknown question kind {quoted(tag)}{hint}{kinds}"
        else:
            message = (
                f"expected text for 'kind', got {_type_in_words(tag)}; "
                f"the kinds are {_KINDS_LISTED}"
            )
    elif kind == "union_tag_not_found":
        message, at_key = f"question has no 'kind'; add kind = one of {_KINDS_LISTED}", True
    else:
        message = _value_message(kind, value, ctx, path, data, error["msg"])
        if kind == "value_error" and isinstance(value, list):
            path = _offending_item(path, value, data)
    position = source.position(path, at_key=at_key)
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
            if (index := _first_repeat_index(sides)) is not None:
                return (*path, index, side)
        return path
    if path[-1:] == ("answers",):
        question = data["questions"][path[1]] if len(path) == 3 else {}
        choices = question.get("choices")
        if isinstance(choices, list):
            missing = [i for i, item in enumerate(items) if item not in choices]
            if missing:
                return (*path, missing[0])
    index = _first_repeat_index(items)
    return path if index is None else (*path, index)


def _first_repeat_index(items: list[Any]) -> int | None:
    seen: list[Any] = []
    for index, item in enumerate(items):
        if item is not None and item in seen:
            return index
        seen.append(item)
    return None


def _model_of_table(path: TomlPath, data: dict[str, Any]) -> type[BaseModel] | None:
    if path == ():
        return Deck
    if path == ("deck",):
        return DeckMeta
    if path == ("deck", "source"):
        return Source
    if len(path) == 2 and path[0] == "questions":
        kind = _question_kind(path, data)
        return _MODEL_OF_KIND.get(kind) if kind else None
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


def _table_in_words(path: TomlPath, data: dict[str, Any]) -> str:
    """`for a 'short' question`, `in [deck]`...: the table a key belongs to, in words."""
    if path == ():
        return " at the top level"
    if path == ("deck",):
        return " in [deck]"
    if len(path) == 2 and path[0] == "questions":
        return f" for {_a_question_of_kind(_question_kind(path, data))}"
    return f" in {_path_in_words(path)}"


def _missing_message(path: TomlPath, key: str, data: dict[str, Any]) -> str:
    if path == () and key == "deck":
        return "missing the [deck] table (it needs at least id and title)"
    if path == () and key == "questions":
        return "the deck has no questions: add a [[questions]] table"
    return f"missing required key {quoted(key)}{_table_in_words(path, data)}"


def _unknown_key_message(path: TomlPath, data: dict[str, Any]) -> str:
    key = str(path[-1])
    parent = path[:-1]
    message = f"unknown key {quoted(key)}{_table_in_words(parent, data)}"
    if parent == ("deck",) and key == "questions":
        return f"{message}; write questions as [[questions]] tables after [deck]"
    if parent == ("deck",) and any(key in m.model_fields for m in _MODEL_OF_KIND.values()):
        return f"{message}; each question starts with a [[questions]] line"
    if close := _closest_field(key, _model_of_table(parent, data)):
        return f"{message}; did you mean {quoted(close)}?"
    if parent == () and key in DeckMeta.model_fields:
        return f"{message}; it belongs in the [deck] table"
    if len(parent) == 2 and parent[0] == "questions":
        owners = [kind for kind, m in _MODEL_OF_KIND.items() if key in m.model_fields]
        if owners:
            return f"{message}; only {_quoted_list(owners)} questions have it"
    return message


_EXPECTED_TYPE = {
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
    field_name = _path_in_words(path)
    if path == ("questions",) and kind == "list_type":
        return (
            f"questions are [[questions]] tables, with double brackets; got {_type_in_words(value)}"
        )
    if path == ("deck",) and kind == "model_type" and isinstance(value, list):
        return "[deck] is one table: write [deck] with single brackets"
    if kind in _EXPECTED_TYPE:
        expected = _EXPECTED_TYPE[kind]
        if kind == "int_type" and isinstance(value, float):
            return f"expected a whole number for {field_name}, got {value!r}"
        got = _type_in_words(value) + _type_fix(kind, value)
        return f"expected {expected} for {field_name}, got {got}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected', '?')} for {field_name}, got {_as_written(value)}"
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
    if kind in _BOUND_WORDS:
        word, key = _BOUND_WORDS[kind]
        return f"{field_name} must be {word} {ctx.get(key, 0):g}, got {_as_written(value)}"
    if kind == "finite_number":
        return f"{field_name} must be a finite number, got {value!r}"
    if kind == "value_error":
        reason = str(ctx.get("error", fallback))
        return sanitize(f"{field_name} {reason}" if reason.startswith("must") else reason)
    return sanitize(f"{field_name}: {fallback}")


_BOUND_WORDS = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}


def _type_fix(kind: str, value: Any) -> str:
    """A concrete fix for the type mistakes teachers actually make."""
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return f'; put it in quotes: "{value}"'
    if (
        kind == "bool_type"
        and isinstance(value, str)
        and value.strip().lower() in ("true", "false")
    ):
        return f"; write {value.strip().lower()} without quotes"
    if kind in ("float_type", "int_type") and isinstance(value, str) and _looks_like_number(value):
        return f"; write {sanitize(value.strip())} without quotes"
    if kind == "date_type" and isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return f"; write {value.strip()} without quotes"
    if kind == "list_type" and isinstance(value, str):
        return '; write a list in square brackets, e.g. ["first", "second"]'
    return ""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _looks_like_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return len(text) < 40


def _bad_id_message(value: Any) -> str:
    suggestion = re.sub(r"[^a-z0-9_-]+", "-", sanitize(str(value)).lower()).strip("-_")
    hint = f"; try {quoted(suggestion)}" if suggestion else ""
    return (
        f"{quoted(value)} is not a valid id: use lowercase letters, digits, '-' and '_', "
        f"starting with a letter or digit{hint}"
    )


def _length_message(kind: str, path: TomlPath, ctx: dict[str, Any], data: dict[str, Any]) -> str:
    actual = ctx.get("actual_length", 0)
    if len(path) >= 2 and path[-2] == "pairs":
        return f"a pair has exactly two items, [left, right]; this one has {actual}"
    key = path[-1] if path else ""
    if kind == "too_long":
        return f"{_path_in_words(path)} has at most {ctx.get('max_length')} items, got {actual}"
    least = ctx.get("min_length", 1)
    if key == "questions":
        return "the deck has no questions: add a [[questions]] table"
    if key == "answers":
        return "a 'multi' question needs at least one correct answer in 'answers'"
    if key in ("choices", "items", "pairs") and len(path) == 3:
        question = _a_question_of_kind(_question_kind(path, data))
        return f"{question} needs at least {least} {key}, got {actual}"
    return f"{_path_in_words(path)} needs at least {least} items, got {actual}"


def _duplicate_id_errors(data: dict[str, Any], source: SourceMap, name: str) -> list[Diagnostic]:
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
        line, col = source.position(("questions", index, "id"), at_key=False)
        earlier, _ = source.position(("questions", first[ident]), at_key=True)
        message = (
            f"duplicate question id {quoted(ident)}: the question at line {earlier} uses it too"
        )
        found.append(Diagnostic(name, line, col, "error", message))
    return found


# --- wording ---------------------------------------------------------------------------


def _a_question_of_kind(kind: str | None) -> str:
    """`a 'short' question`, `an 'order' question`."""
    kind = kind or "?"
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {quoted(kind)} question"


def _as_written(value: Any) -> str:
    """A value as the teacher wrote it: text quoted, `true`/`false`, numbers as numbers."""
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    return _type_in_words(value)


def _closest_field(key: str, model: type[BaseModel] | None) -> str | None:
    """The field of `model` that `key` is probably a typo of."""
    fields = list(model.model_fields) if model else []
    close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {quoted(close[0])}?" if close else ""


def _quoted_list(words: Sequence[str]) -> str:
    """`'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`."""
    each = [quoted(w) for w in words]
    return each[0] if len(each) == 1 else ", ".join(each[:-1]) + " and " + each[-1]


def _type_in_words(value: Any) -> str:
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


def _path_in_words(path: TomlPath) -> str:
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
        items.append(quoted(".".join(map(str, path))))
    return " of ".join(items) or "the deck"
