"""Fuzzing the loader: whatever the input, it returns a `Deck` or raises `DeckError`.

Two kinds of mutation of a valid deck that uses every question kind: byte-level
edits of the file (syntax breakage, bad UTF-8, escape bytes) and structural edits
of the parsed document (dropped, renamed or retyped keys, deep nesting) written
back as TOML, in table or inline layout so the position scanner sees both.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.core.deckfile.diagnostics import DeckError
from quiz.core.deckfile.loading import load_deck, parse_deck
from quiz.core.models import Deck

SEED = """\
# A valid deck with one question of every kind: the starting point of every mutation.
[deck]
id = "seed"
title = "Seed deck"
tags = ["fuzz"]
source = { title = "Nowhere", published = 2025-12-13 }

[[questions]]
id = "fc"
kind = "flashcard"
prompt = "Front"
answer = "Back"
reverse = true

[[questions]]
kind = "short"
prompt = "Who?"
answer = "Bialiatski"
accept = ["Ales Bialiatski"]  # a comment ] with "quotes"

[[questions]]
id = "ch"
kind = "choice"
prompt = '''Pick "one"'''
choices = [
  "a",  # first
  "b\\"c",
]
answer = "a"

[[questions]]
id = "mu"
kind = "multi"
prompt = "Pick two"
choices = ["x", "y", "z"]
answers = ["x", "y"]

[[questions]]
id = "tf"
kind = "truefalse"
prompt = "True?"
answer = false

[[questions]]
id = "nu"
kind = "numeric"
prompt = "How many?"
answer = 123
tolerance = 0.5
unit = "people"

[[questions]]
id = "cl"
kind = "cloze"
text = \"\"\"Bialiatski co-founded {{Viasna|a centre}}
in {{1996}}.\"\"\"

[[questions]]
id = "or"
kind = "order"
prompt = "Order these"
items = ["2020", "2022", "2025"]

[[questions]]
id = "ma"
kind = "match"
prompt = "Match"
pairs = [["Budapest", "Danube"], ["Kyiv", "Dnieper"]]
"""
SEED_BYTES = SEED.encode()
SEED_DATA = tomli.loads(SEED)

FUZZ = settings(
    max_examples=1200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_seed_is_a_valid_deck() -> None:
    assert len(parse_deck(SEED, "seed.toml").questions) == 9


def assert_deck_or_deck_error(text: str, load: Callable[[], Deck]) -> None:
    """The loader's contract, plus: every diagnostic is a well-formed, printable line."""
    try:
        deck = load()
    except DeckError as error:
        assert error.diagnostics
        last_line = text.count("\n") + 1
        for diagnostic in error.diagnostics:
            assert diagnostic.severity == "error"
            assert 1 <= diagnostic.line <= last_line
            assert diagnostic.col >= 1
            assert diagnostic.message.strip()
            assert "\x1b" not in str(diagnostic)
    else:
        assert isinstance(deck, Deck)


# --- byte-level mutations ----------------------------------------------------------------

TOKENS = [
    b'"', b"'", b'"""', b"'''", b"[", b"]", b"[[", b"]]", b"{", b"}", b"=", b".", b",", b"#",
    b"\n", b"\r\n", b"\\", b"\\u", b"\x1b[2J", b"\xff", b"\xc3", b"\x00", b"\x7f", b"true",
    b"1e999", b"-0", b"nan", b"1979-05-27T07:32:00Z", b"[[questions]]\n", b'kind = "multi"\n',
    b"[deck]\n", b"x = [[[[[[", b"{a={b={c=", b'"\xe2\x80\xae"',
]  # fmt: skip


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    raw = bytearray(SEED_BYTES)
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(raw)))
        operation = draw(st.sampled_from(["replace", "insert", "delete", "repeat"]))
        if operation == "replace" and pos < len(raw):
            raw[pos] = draw(st.integers(0, 255))
        elif operation == "insert":
            raw[pos:pos] = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=4))
        elif operation == "delete":
            del raw[pos : pos + draw(st.integers(1, 40))]
        else:
            raw[pos:pos] = raw[pos : pos + draw(st.integers(1, 60))]
    return bytes(raw)


@FUZZ
@given(mutated_bytes())
def test_byte_mutations_of_text(raw: bytes) -> None:
    text = raw.decode("utf-8", "replace")
    assert_deck_or_deck_error(text, lambda: parse_deck(text, "fuzz.toml"))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(FUZZ, max_examples=300)
@given(raw=mutated_bytes())
def test_byte_mutations_of_files(fuzz_dir: Path, raw: bytes) -> None:
    path = fuzz_dir / "deck.toml"
    path.write_bytes(raw)
    text = raw.decode("utf-8", "replace")
    assert_deck_or_deck_error(text, lambda: load_deck(path))


# --- structural mutations ----------------------------------------------------------------

scalars = (
    st.text(max_size=12)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | st.booleans()
    | st.dates()
    | st.datetimes()
    | st.times()
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every entry of every table and array of the document."""
    found: list[tuple[Any, ...]] = []
    entries = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in entries:
        found.append((*path, key))
        if isinstance(value, dict | list):
            found.extend(containers(value, (*path, key)))
    return found


@dataclass(frozen=True)
class Deep:
    """A value nested `depth` arrays or inline tables deep, written out without recursion."""

    depth: int
    as_table: bool

    def toml(self) -> str:
        if self.as_table:
            return "{k = " * self.depth + "1" + "}" * self.depth
        return "[" * self.depth + "]" * self.depth


@st.composite
def mutated_documents(draw: st.DrawFn) -> str:
    data = copy.deepcopy(SEED_DATA)
    for _ in range(draw(st.integers(1, 5))):
        paths = containers(data)
        if not paths:
            break
        *parent_path, key = draw(st.sampled_from(paths))
        parent: Any = data
        for part in parent_path:
            parent = parent[part]
        operation = draw(st.sampled_from(["drop", "rename", "retype", "nest"]))
        if operation == "drop":
            del parent[key]
        elif operation == "rename" and isinstance(parent, dict):
            typo = draw(st.sampled_from([key[1:], key + "s", key[:1] + key, key.upper()]))
            parent[draw(st.just(typo) | st.text(max_size=8))] = parent.pop(key)
        elif operation == "nest":
            # tomli refuses more than 400 levels: probe both sides of its limit.
            parent[key] = Deep(draw(st.integers(1, 450)), draw(st.booleans()))
        else:
            parent[key] = draw(values)
    return dump(data, inline=draw(st.booleans()))


def dump(data: dict[str, Any], *, inline: bool) -> str:
    """TOML text for `data`: top-level tables as `[table]` / `[[array]]` sections unless inline."""
    lines = []
    sections = []
    for key, value in data.items():
        if not inline and isinstance(value, dict):
            sections.append(f"[{toml_string(key)}]\n{_entries(value)}")
        elif not inline and _is_array_of_tables(value):
            sections.extend(f"[[{toml_string(key)}]]\n{_entries(item)}" for item in value)
        else:
            lines.append(f"{toml_string(key)} = {toml_value(value)}\n")
    return "".join(lines) + "\n".join(sections)


def _is_array_of_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _entries(table: dict[str, Any]) -> str:
    return "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in table.items())


def toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, Deep):
        return value.toml()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("-inf" if value < 0 else "inf") if math.isinf(value) else repr(value)
    if isinstance(value, int | date | time):  # datetime is a date
        return value.isoformat() if isinstance(value, date | time | datetime) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def test_dump_round_trips() -> None:
    for inline in (True, False):
        assert tomli.loads(dump(SEED_DATA, inline=inline)) == SEED_DATA


@settings(FUZZ, max_examples=800)
@given(mutated_documents())
def test_structural_mutations(text: str) -> None:
    assert_deck_or_deck_error(text, lambda: parse_deck(text, "fuzz.toml"))
