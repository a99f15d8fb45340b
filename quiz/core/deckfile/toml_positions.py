"""Source positions for a TOML document: where each key and value was written.

`tomli` returns plain data without positions, which is what the fast path wants.
When a deck fails validation, the loader needs to turn pydantic's error location
(`questions.3.answer`) back into a line and column of the file; this module scans
the text once and records, for every path of the document, the offset of its key
(or table header) and of its value.

The scanner only ever runs on text that `tomli` has already accepted, so it can
stay small: it skips over values without checking them, and a construct it does
not understand ends the scan with the positions found so far (`SourceMap.position`
then falls back to the nearest known ancestor).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Hashable
from typing import NamedTuple

import tomli

TomlPath = tuple[Hashable, ...]
"""A path into the parsed document: table keys (str) and array indexes (int)."""

_BLANK = re.compile(r"[ \t]*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Unrolled loops, no alternation per character: these two run over most of a deck's text.
_BLANK_LINES = re.compile(r"[ \t\r\n]*(?:#[^\n]*[ \t\r\n]*)*")
_BASIC_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_LITERAL_STRING = re.compile(r"'[^'\n]*'")
_ML_BASIC_STOP = re.compile(r'\\.|"""', re.DOTALL)
_SCALAR = re.compile(r"[^,\]}#\r\n]*")


class Span(NamedTuple):
    """Offsets of a path's key (or table header) and of its value, in characters."""

    key: int
    value: int


class _ScanError(Exception):
    """The scanner met text it does not understand; positions found so far stand."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class SourceMap:
    """Where each path of a TOML document was written; built by `index_toml`."""

    def __init__(
        self,
        text: str,
        spans: dict[TomlPath, Span],
        repeated: list[tuple[TomlPath, int, int]],
    ) -> None:
        self.spans = spans
        self.repeated = repeated
        """(path, offset, earlier offset) of keys set twice; tomli points past the value."""
        self.stopped_at: int | None = None
        """Where the scan gave up, e.g. the start of a string that is never closed."""
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of an offset, as editors count them."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def key(self, path: TomlPath) -> tuple[int, int] | None:
        """Position of the key (or `[table]` / `[[array]]` header) of `path`."""
        span = self.spans.get(path)
        return None if span is None else self.line_col(span.key)

    def value(self, path: TomlPath) -> tuple[int, int] | None:
        """Position of the first character of the value at `path`."""
        span = self.spans.get(path)
        return None if span is None else self.line_col(span.value)

    def position(self, path: TomlPath, *, at_key: bool) -> tuple[int, int]:
        """Where `path` was written; the nearest written ancestor when it was not (e.g. missing).

        `at_key` points at the key (or table header) of `path` rather than its value;
        ancestors are always pointed at by their key.
        """
        for end in range(len(path), 0, -1):
            prefix = path[:end]
            found = self.key(prefix) if at_key or end < len(path) else self.value(prefix)
            if found is not None:
                return found
        return 1, 1


def index_toml(text: str) -> SourceMap:
    """Scan TOML text that `tomli` accepted and record the position of every path."""
    scanner = _Scanner(text)
    source = SourceMap(text, scanner.spans, scanner.repeated)
    try:
        scanner.scan()
    except _ScanError as error:
        source.stopped_at = error.offset
    except (IndexError, RecursionError, tomli.TOMLDecodeError):
        pass  # on a construct we cannot follow, keep the positions found before it
    return source


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[TomlPath, Span] = {}
        self.array_tables: dict[TomlPath, int] = {}
        """How many `[[...]]` elements each array of tables has so far."""
        self.assigned: dict[TomlPath, int] = {}
        self.repeated: list[tuple[TomlPath, int, int]] = []

    def scan(self) -> None:
        text, pos = self.text, 0
        table: TomlPath = ()
        while True:
            pos = _skip(_BLANK_LINES, text, pos)
            if pos >= len(text):
                return
            if text.startswith("[[", pos):
                table, pos = self._array_table_header(pos)
            elif text[pos] == "[":
                table, pos = self._table_header(pos)
            else:
                pos = self._key_value(pos, table)

    def _array_table_header(self, start: int) -> tuple[TomlPath, int]:
        keys, pos = self._key(start + 2)
        pos = self._expect(pos, "]]")
        parent = self._resolve(keys[:-1])
        array = (*parent, keys[-1][0])
        self.spans.setdefault(array, Span(start, start))
        index = self.array_tables.get(array, 0)
        self.array_tables[array] = index + 1
        element = (*array, index)
        self.spans[element] = Span(start, start)
        return element, pos

    def _table_header(self, start: int) -> tuple[TomlPath, int]:
        keys, pos = self._key(start + 1)
        pos = self._expect(pos, "]")
        table = self._resolve(keys)
        self.spans[table] = Span(start, start)
        return table, pos

    def _resolve(self, keys: list[tuple[str, int]]) -> TomlPath:
        """The concrete path of header keys: an array of tables means its latest element."""
        path: TomlPath = ()
        for name, offset in keys:
            path = (*path, name)
            self.spans.setdefault(path, Span(offset, offset))
            if path in self.array_tables:
                path = (*path, self.array_tables[path] - 1)
        return path

    def _key_value(self, pos: int, table: TomlPath) -> int:
        keys, pos = self._key(pos)
        path = table
        for name, offset in keys[:-1]:
            path = (*path, name)
            self.spans.setdefault(path, Span(offset, offset))
        path = (*path, keys[-1][0])
        pos = self._expect(pos, "=")
        pos = _skip(_BLANK, self.text, pos)
        self.spans[path] = Span(keys[-1][1], pos)
        if path in self.assigned:
            self.repeated.append((path, keys[-1][1], self.assigned[path]))
        self.assigned.setdefault(path, keys[-1][1])
        return self._value(pos, path)

    def _key(self, pos: int) -> tuple[list[tuple[str, int]], int]:
        """A dotted key: each part's decoded name and offset."""
        text, keys = self.text, []
        while True:
            pos = _skip(_BLANK, text, pos)
            char = text[pos]
            if char == '"':
                match = _BASIC_STRING.match(text, pos)
                if match is None:
                    raise _ScanError(pos)
                name = tomli.loads(f"k = {match.group()}")["k"]
            elif char == "'":
                match = _LITERAL_STRING.match(text, pos)
                if match is None:
                    raise _ScanError(pos)
                name = match.group()[1:-1]
            else:
                match = _BARE_KEY.match(text, pos)
                if match is None:
                    raise _ScanError(pos)
                name = match.group()
            keys.append((name, pos))
            pos = _skip(_BLANK, text, match.end())
            if not text.startswith(".", pos):
                return keys, pos
            pos += 1

    def _expect(self, pos: int, token: str) -> int:
        pos = _skip(_BLANK, self.text, pos)
        if not self.text.startswith(token, pos):
            raise _ScanError(pos)
        return pos + len(token)

    def _value(self, pos: int, path: TomlPath) -> int:
        """Skip the value starting at `pos`, recording array elements and inline keys."""
        text = self.text
        if text.startswith('"""', pos):
            return self._multiline_basic(pos)
        if text.startswith("'''", pos):
            end = text.find("'''", pos + 3)
            if end < 0:
                raise _ScanError(pos)
            return _closing_quotes(text, end + 3, "'")
        char = text[pos]
        if char in "\"'":
            pattern = _BASIC_STRING if char == '"' else _LITERAL_STRING
            match = pattern.match(text, pos)
            if match is None:
                raise _ScanError(pos)
            return match.end()
        if char == "[":
            return self._array(pos + 1, path)
        if char == "{":
            return self._inline_table(pos + 1, path)
        end = _skip(_SCALAR, text, pos)
        if end == pos:
            raise _ScanError(pos)
        return end

    def _multiline_basic(self, start: int) -> int:
        pos = start + 3
        while True:
            match = _ML_BASIC_STOP.search(self.text, pos)
            if match is None:
                raise _ScanError(start)
            if match.group() == '"""':
                return _closing_quotes(self.text, match.end(), '"')
            pos = match.end()

    def _array(self, pos: int, path: TomlPath) -> int:
        text, index = self.text, 0
        while True:
            pos = _skip(_BLANK_LINES, text, pos)
            if text[pos] == "]":
                return pos + 1
            element = (*path, index)
            self.spans[element] = Span(pos, pos)
            pos = self._value(pos, element)
            index += 1
            pos = _skip(_BLANK_LINES, text, pos)
            if text[pos] == ",":
                pos += 1
            elif text[pos] != "]":
                raise _ScanError(pos)

    def _inline_table(self, pos: int, path: TomlPath) -> int:
        text = self.text
        while True:
            pos = _skip(_BLANK_LINES, text, pos)
            if text[pos] == "}":
                return pos + 1
            pos = self._key_value(pos, path)
            pos = _skip(_BLANK_LINES, text, pos)
            if text[pos] == ",":
                pos += 1
            elif text[pos] != "}":
                raise _ScanError(pos)


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """The offset after what `pattern` matches at `pos` (patterns here may match nothing)."""
    match = pattern.match(text, pos)
    return pos if match is None else match.end()


def _closing_quotes(text: str, pos: int, quote: str) -> int:
    """A multi-line string may end with up to two quotes right before its delimiter."""
    for _ in range(2):
        if text.startswith(quote, pos):
            pos += 1
    return pos


_QUESTIONS_HEADER = re.compile(r"\[\[[ \t]*questions[ \t]*\]\]")
"""A `[[questions]]` table header; one at the start of a line (blanks aside) is a header.
Without `^` the regex engine jumps from `[[` to `[[` (~8 ms over a 10k deck) instead of
trying every position of the text for a line start (~30 ms)."""


class DeckPositions:
    """Positions in a deck file, found only where asked (`SourceMap.position`'s answer).

    Scanning a whole deck costs ~100 ms per 1,000 questions in Python, which `quiz check`
    paid for a single warning. Here one regex search finds the `[[questions]]` headers,
    and only the key-value a message is about is scanned (`_in_key_value`), or, when that
    key cannot be found for sure, its question table on its own; a path outside the
    questions, or a deck whose headers do not match its questions one to one (an inline
    array, a header inside a multi-line string), gets the whole-file scan.
    """

    def __init__(self, text: str, question_count: int) -> None:
        self._text = text
        self._count = question_count
        self._tables: list[int] | None = None
        """Where each question table's header line starts, once looked for."""
        self._counted = (0, 1)
        """An offset whose line is known (where the last one was asked), to count on from."""
        self._scanned: dict[int, SourceMap] = {}
        self._whole: SourceMap | None = None

    def position(self, path: TomlPath, *, at_key: bool) -> tuple[int, int]:
        """`SourceMap.position` of `path` in the deck file."""
        tables = self._question_tables()
        if tables is not None and len(path) >= 2 and path[0] == "questions":
            index = path[1]
            if isinstance(index, int) and 0 <= index < len(tables):
                offset = tables[index]
                if len(path) == 2 and at_key:  # the header itself: no scan needed
                    return self._line_at(offset), self._text.index("[", offset) - offset + 1
                found = self._in_key_value(index, tables, path, at_key=at_key)
                if found is not None:
                    return found
                source = self._question(index, tables)
                line, col = source.position(("questions", 0, *path[2:]), at_key=at_key)
                return line + self._line_at(offset) - 1, col
        if self._whole is None:
            self._whole = index_toml(self._text)
        return self._whole.position(path, at_key=at_key)

    def question_headers(self) -> list[int] | None:
        """Where each question's `[[questions]]` header line starts, or None when the headers
        do not match the questions one to one (then only the whole-file scan will do)."""
        return self._question_tables()

    def _question_tables(self) -> list[int] | None:
        if self._tables is None:
            text, tables = self._text, []
            for match in _QUESTIONS_HEADER.finditer(text):
                at = match.start()
                start = text.rfind("\n", 0, at) + 1
                if start == at or not text[start:at].strip(" \t"):  # at the start of its line
                    tables.append(start)
            self._tables = tables
        return self._tables if len(self._tables) == self._count else None

    def _line_at(self, offset: int) -> int:
        """The 1-based line of `offset`, counted from the last one asked for (messages come
        nearly in file order): the lines of the questions a message is about, not of every
        header (~3 ms at 10k)."""
        known, line = self._counted
        if offset >= known:
            line += self._text.count("\n", known, offset)
        else:
            line -= self._text.count("\n", offset, known)
        self._counted = (offset, line)
        return line

    def _table_span(self, index: int, tables: list[int]) -> tuple[int, int]:
        """Where question `index`'s table starts in the text, and where the next one does."""
        end = tables[index + 1] if index + 1 < len(tables) else len(self._text)
        return tables[index], end

    def _question(self, index: int, tables: list[int]) -> SourceMap:
        if index not in self._scanned:
            start, end = self._table_span(index, tables)
            self._scanned[index] = index_toml(self._text[start:end])
        return self._scanned[index]

    def _in_key_value(
        self, index: int, tables: list[int], path: TomlPath, *, at_key: bool
    ) -> tuple[int, int] | None:
        """The position of `path` found by scanning only the key-value it is in, or None when
        that key cannot be found for sure.

        A question table scanned whole costs ~60 us, paid for each of a deck's warnings; most
        warnings are about one key (`accept`, `choices`, `valid_until`). A line that starts
        with that bare key and `=` is that key when nothing before it in the table can hold
        such a line: no multi-line string, no inline table (TOML 1.1 lets one span lines), no
        other table header. Then that one key-value is scanned, as the whole-file scan would.
        """
        key = path[2] if len(path) > 2 else None
        if not isinstance(key, str) or _BARE_KEY.fullmatch(key) is None:
            return None
        text = self._text
        start, end = self._table_span(index, tables)
        header_end = text.find("\n", start, end)
        if header_end < 0:
            return None
        match = _key_line(key).search(text, header_end, end)
        if match is None or _UNSURE.search(text, header_end, match.start()) is not None:
            return None
        scanner = _Scanner(text)
        try:
            scanner._key_value(match.start(1), path[:2])
        except (_ScanError, IndexError, RecursionError, tomli.TOMLDecodeError):
            return None
        span = scanner.spans.get(path)
        if span is None:
            return None
        offset = span.key if at_key else span.value
        return self._line_at(offset), offset - text.rfind("\n", 0, offset)


_UNSURE = re.compile(r"\"\"\"|\'\'\'|\{|\n[ \t]*\[")
"""What may put a line that looks like `key = ...` inside a value or another table."""


@functools.cache
def _key_line(key: str) -> re.Pattern[str]:
    """A line that starts with the bare `key` and its `=`."""
    return re.compile(rf"^[ \t]*({re.escape(key)})[ \t]*=", re.MULTILINE)
