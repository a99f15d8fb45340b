"""The TOML position scanner: every key and value found where it was written."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.deckfile.toml_positions import TomlPath, index_toml

DOC = """\
# comment with "quotes" and [brackets]
title = "top"  # trailing comment
[deck]
id = "x"
"quoted.key" = 'literal # not a comment'
source = { title = "t", "pub.date" = 2025-01-01, nested = { a = [1, {b = 2}] } }
a.b.c = 1979-05-27 07:32:00Z

[[questions]]
kind = 'choice'
choices = [
  "a ] , # still a string",  # c
  \"\"\"multi
line "" \\\"\"\" inside\"\"\", '''lit ] ''' ,
  [1, 2], # nested array
]
answer = \"\"\"ends with quotes\"\"\"\"\"

[[questions]]
text = '''
'''
[questions.extra]
q = 1
[[questions.parts]]
p = 0
[[questions.parts]]
p = 1

[[questions]]
k = {
  x = 1,
  y = [ 2 ,3 ],
}
crlf = 1\r
after = 2
"""


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        (("title",), (2, 1), (2, 9)),
        (("deck",), (3, 1), (3, 1)),
        (("deck", "id"), (4, 1), (4, 6)),
        (("deck", "quoted.key"), (5, 1), (5, 16)),
        (("deck", "source"), (6, 1), (6, 10)),
        (("deck", "source", "title"), (6, 12), (6, 20)),
        (("deck", "source", "pub.date"), (6, 25), (6, 38)),
        (("deck", "source", "nested", "a", 1, "b"), (6, 70), (6, 74)),
        (("deck", "a"), (7, 1), (7, 1)),
        (("deck", "a", "b", "c"), (7, 5), (7, 9)),
        (("questions",), (9, 1), (9, 1)),
        (("questions", 0), (9, 1), (9, 1)),
        (("questions", 0, "kind"), (10, 1), (10, 8)),
        (("questions", 0, "choices", 0), (12, 3), (12, 3)),
        (("questions", 0, "choices", 1), (13, 3), (13, 3)),
        (("questions", 0, "choices", 2), (14, 25), (14, 25)),
        (("questions", 0, "choices", 3, 1), (15, 7), (15, 7)),
        (("questions", 0, "answer"), (17, 1), (17, 10)),
        (("questions", 1), (19, 1), (19, 1)),
        (("questions", 1, "text"), (20, 1), (20, 8)),
        (("questions", 1, "extra"), (22, 1), (22, 1)),
        (("questions", 1, "extra", "q"), (23, 1), (23, 5)),
        (("questions", 1, "parts", 1), (26, 1), (26, 1)),
        (("questions", 1, "parts", 1, "p"), (27, 1), (27, 5)),
        (("questions", 2, "k", "y", 1), (32, 12), (32, 12)),
        (("questions", 2, "crlf"), (34, 1), (34, 8)),
        (("questions", 2, "after"), (35, 1), (35, 9)),
    ],
)
def test_positions_in_a_document_with_every_construct(
    path: TomlPath, key: tuple[int, int], value: tuple[int, int]
) -> None:
    tomli.loads(DOC)  # the scanner only ever sees text tomli accepted
    source = index_toml(DOC)
    assert source.stopped_at is None
    assert (source.key(path), source.value(path)) == (key, value)


def test_keys_set_twice_are_recorded() -> None:
    source = index_toml("[q]\na = 1\nb = 2\na = 3\n")
    assert [(path, source.line_col(o), source.line_col(e)) for path, o, e in source.repeated] == [
        (("q", "a"), (4, 1), (2, 1))
    ]


def test_scanner_stops_at_an_unclosed_string() -> None:
    source = index_toml('a = 1\nb = """never closed\n')
    assert source.stopped_at is not None
    assert source.line_col(source.stopped_at) == (2, 5)
    assert source.value(("a",)) == (1, 5)


# --- property: generated documents with random formatting --------------------------------

BARE = re.compile(r"[A-Za-z0-9_-]+")
keys = st.text(alphabet=st.sampled_from("ab_-1.\"' #]=é\\"), min_size=1, max_size=5)
texts = st.text(alphabet=st.sampled_from("ab \"'#]\\\n\t,{}é"), max_size=8)
scalars = st.one_of(texts, st.integers(-5, 5), st.booleans(), st.dates(), st.floats(-9, 9))


class Writer:
    """Emits TOML with formatting drawn by hypothesis, recording where each path went."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.out: list[str] = []
        self.size = 0
        self.expected: dict[TomlPath, tuple[int, int]] = {}

    def write(self, text: str) -> None:
        self.out.append(text)
        self.size += len(text)

    def draw(self, strategy: st.SearchStrategy[Any]) -> Any:
        return self.data.draw(strategy)

    def key(self, name: str) -> None:
        if BARE.fullmatch(name) and self.draw(st.booleans()):
            self.write(name)
        elif "'" not in name and "\n" not in name and self.draw(st.booleans()):
            self.write(f"'{name}'")
        else:
            self.write(basic(name))

    def entry(self, path: TomlPath, value: Any) -> None:
        key_at = self.size
        self.key(str(path[-1]))
        self.write(self.draw(st.sampled_from(["=", " = ", "  =\t"])))
        self.expected[path] = (key_at, self.size)
        self.value(path, value)

    def value(self, path: TomlPath, value: Any) -> None:
        if isinstance(value, list):
            multiline = self.draw(st.booleans())
            self.write("[")
            for index, item in enumerate(value):
                self.write("\n  " if multiline else self.draw(st.sampled_from(["", " "])))
                self.expected[(*path, index)] = (self.size, self.size)
                self.value((*path, index), item)
                if index < len(value) - 1 or self.draw(st.booleans()):
                    self.write(",")
                if multiline and self.draw(st.booleans()):
                    self.write(" # ] , ' \"")
            self.write("\n]" if multiline else "]")
        elif isinstance(value, dict):
            self.write("{")
            for index, (name, item) in enumerate(value.items()):
                self.write(", " if index else " ")
                self.entry((*path, name), item)
            self.write(" }")
        elif isinstance(value, str):
            self.write(self.string(value))
        elif isinstance(value, bool):
            self.write("true" if value else "false")
        else:
            self.write(value.isoformat() if hasattr(value, "isoformat") else repr(value))

    def string(self, text: str) -> str:
        style = self.draw(st.sampled_from(["basic", "literal", "ml-basic", "ml-literal"]))
        plain = "\n" not in text and "\t" not in text
        if style == "literal" and plain and "'" not in text:
            return f"'{text}'"
        # A literal multi-line string cannot hold ''' nor end in '' (nor start with a newline,
        # which TOML trims).
        quotes_ok = "'''" not in text and not text.endswith("''")
        if style == "ml-literal" and quotes_ok and not text.startswith("\n"):
            return f"'''{text}'''"
        if style == "ml-basic" and not text.startswith("\n"):
            return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'
        return basic(text)


def basic(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\t", "\\t") + '"'


inline_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=6,
)
tables = st.dictionaries(keys, inline_values, max_size=4)
documents = st.fixed_dictionaries(
    {},
    optional={
        "top": inline_values,
        "table": tables,
        "array": st.lists(tables, min_size=1, max_size=3),
    },
)


@settings(max_examples=200, deadline=None)
@given(documents, st.data())
def test_generated_documents_are_located_exactly(doc: dict[str, Any], data: st.DataObject) -> None:
    writer = Writer(data)
    if "top" in doc:
        writer.entry(("top",), doc["top"])
        writer.write("  # comment\n")
    if "table" in doc:
        writer.write("\n[table]\n")
        for name, value in doc["table"].items():
            writer.entry(("table", name), value)
            writer.write("\n")
    for index, table in enumerate(doc.get("array", [])):
        writer.expected[("array", index)] = (writer.size, writer.size)
        writer.write("[[array]]\n")
        for name, value in table.items():
            writer.entry(("array", index, name), value)
            writer.write("\n")
    text = "".join(writer.out)
    assert tomli.loads(text) == doc  # the generator writes valid TOML
    spans = index_toml(text).spans
    for path, (key_at, value_at) in writer.expected.items():
        assert (spans[path].key, spans[path].value) == (key_at, value_at), path


def _every_path(data: object, here: TomlPath = ()) -> list[TomlPath]:
    """Every path of parsed TOML data, tables and arrays included."""
    paths = [here] if here else []
    if isinstance(data, dict):
        for key, value in data.items():
            paths += _every_path(value, (*here, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            paths += _every_path(value, (*here, index))
    return paths


def _decks() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = [*root.glob("decks/*.toml"), *root.glob("tests/ui/data/*.toml")]
    sys.path.insert(0, str(root / "tests" / "bench"))
    try:
        from gen_decks import deck_text  # every kind, weighted as hand-written decks are
    finally:
        sys.path.remove(str(root / "tests" / "bench"))
    generated = [deck_text(300, seed) for seed in (1, 2, 3)]
    return [path.read_text(encoding="utf-8") for path in sorted(files)] + [DOC, *generated]


@pytest.mark.parametrize("text", _decks(), ids=lambda text: str(len(text)))
def test_deck_positions_agree_with_the_whole_file_scan(text: str) -> None:
    """`DeckPositions` scans one question table where the whole-file scan scanned all:
    every path of every bundled deck, of every kind, at its key and at its value, is put
    at the same line and column by both."""
    from quiz.core.deckfile.toml_positions import DeckPositions

    data = tomli.loads(text)
    questions = data.get("questions")
    lazy = DeckPositions(text, len(questions) if isinstance(questions, list) else 0)
    whole = index_toml(text)
    for path in _every_path(data):
        for at_key in (True, False):
            assert lazy.position(path, at_key=at_key) == whole.position(path, at_key=at_key), path


@pytest.mark.parametrize(
    "text",
    [
        # a header inside a multi-line string: the headers no longer match the questions
        '[[questions]]\nprompt = """\n[[questions]]\n"""\n[[questions]]\nprompt = "b"\n',
        # an inline array of questions: no headers at all
        'questions = [{ prompt = "a" }, { prompt = "b", accept = ["x"] }]\n',
        # CRLF line ends, a header with spaces and a comment, a table after the last one
        '[[ questions ]]  # one\r\nprompt = "a"\r\n\r\n[[questions]]\r\nprompt = "b"\r\n'
        '[deck]\r\nid = "d"\r\n',
    ],
)
def test_deck_positions_fall_back_or_agree_on_odd_shapes(text: str) -> None:
    from quiz.core.deckfile.toml_positions import DeckPositions

    data = tomli.loads(text)
    lazy = DeckPositions(text, len(data.get("questions", [])))
    whole = index_toml(text)
    for path in _every_path(data):
        assert lazy.position(path, at_key=True) == whole.position(path, at_key=True), path


# --- property: the one-key-value fast path of `DeckPositions` -----------------------------

question_keys = st.sampled_from(["accept", "choices", "text", "valid_until", "prompt", "tags"])
lookalikes = st.sampled_from(
    ["\naccept = [1]\n", "\n  choices = []\n", "{", "\n[x]\n", "'''", '"""', "text=1"]
)
"""Text that looks like a key line, or like what may hide one, inside a value or comment."""
question_values = st.one_of(inline_values, lookalikes, st.lists(lookalikes, max_size=3))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(question_keys, question_values, max_size=4), min_size=1, max_size=3),
    st.data(),
)
def test_deck_positions_of_one_key_value_agree_with_the_whole_file_scan(
    questions: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Where `DeckPositions` scans only the key-value a path is in, it puts every path at the
    line and column the whole-file scan does: keys quoted or indented, values that span lines
    or hold text that looks like a key line, comments, multi-line inline tables, sub-tables."""
    from quiz.core.deckfile.toml_positions import DeckPositions

    writer = Writer(data)
    for index, question in enumerate(questions):
        writer.write(data.draw(st.sampled_from(["[[questions]]\n", "  [[ questions ]] # {\n"])))
        if data.draw(st.booleans()):
            writer.write(
                data.draw(st.sampled_from(["# accept = 1 {\n", "other = {\n  text = 1\n}\n"]))
            )
        for name, value in question.items():
            writer.write(data.draw(st.sampled_from(["", "  ", "\t"])))
            writer.entry(("questions", index, name), value)
            writer.write(data.draw(st.sampled_from(["\n", "  # '''\n", "\n\n"])))
        if data.draw(st.booleans()):
            writer.write(f"[questions.sub]\n{data.draw(question_keys)} = [1, 2]\n")
    text = "".join(writer.out)
    if data.draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    parsed = tomli.loads(text)
    whole = index_toml(text)
    paths = _every_path(parsed)
    for order in (paths, paths[::-1]):  # lines are counted on from the last one asked for
        lazy = DeckPositions(text, len(parsed["questions"]))
        for path in order:
            for at_key in (True, False):
                expected = whole.position(path, at_key=at_key)
                assert lazy.position(path, at_key=at_key) == expected, path


def test_deck_positions_scan_no_question_table_of_a_plain_deck(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The warnings of a generated deck (ids, accept entries) are placed by the fast path
    alone: no question table, nor the whole file, is scanned."""
    from quiz.core.deckfile import toml_positions

    text = _decks()[-1]
    questions = tomli.loads(text)["questions"]
    lazy = toml_positions.DeckPositions(text, len(questions))
    monkeypatch.setattr(toml_positions, "index_toml", None)  # any scan would fail
    for index, question in enumerate(questions):
        assert lazy.position(("questions", index), at_key=True)
        for position in range(len(question.get("accept", []))):
            assert lazy.position(("questions", index, "accept", position), at_key=False)
