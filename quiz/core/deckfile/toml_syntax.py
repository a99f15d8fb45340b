"""Parsing deck text with tomli, its syntax errors put in a teacher's words.

tomli says where it stopped and why, in a parser's terms; a teacher needs the usual
slip named (an unclosed quote, `True` for `true`, two questions pasted without a
`[[questions]]` line between them) and the position of the mistake, which for a
repeated key or a bad escape is not where tomli stopped.
"""

from __future__ import annotations

import re
from typing import Any

import tomli

from quiz.core.deckfile.diagnostics import DeckError, file_error, quoted
from quiz.core.deckfile.toml_positions import index_toml
from quiz.core.text import sanitize

_MESSAGE_AND_POSITION = re.compile(
    r"^(?P<msg>.*?) \((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)$",
    re.DOTALL,
)
"""Splits tomli's error text into its message and its position."""

_TOML_HINTS = {
    "Illegal character '\\n'": "line break inside a quoted string: close the quote, "
    'or use """triple quotes""" for text on several lines',
    "Unterminated string": "this string is never closed: check for a missing quote",
    "Invalid value": 'not a TOML value: text needs quotes, e.g. kind = "short"',
    "Expected '=' after a key in a key/value pair": "expected '=' after the key, "
    'e.g. kind = "short"',
    "Expected newline or end of document after a statement": "unexpected text after the value; "
    "did a quote inside the text end the string early?",
}
_DECLARED_TWICE = re.compile(r"Cannot declare \((.*)\) twice")


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """The TOML document in `text`; `name` is only used to name the file in diagnostics.

    Raises:
        DeckError: one diagnostic, at the mistake, for any parser failure.
    """
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        match = _MESSAGE_AND_POSITION.match(str(error))
        if match is None:
            line, col, message = 1, 1, str(error)
        elif match["line"] is None:
            line, col = _end_of_text(text)
            message = match["msg"]
        else:
            line, col, message = int(match["line"]), int(match["col"]), match["msg"]
        if message == "Cannot overwrite a value":
            line, col, message = _repeated_key_error(text, line)
        elif message in ("Unescaped '\\' in a string", "Invalid hex value"):
            col = _backslash_column(text, line, col)
        elif message == "Unclosed array":
            opened = _unclosed_bracket(text, line, col)
            if opened[0] < line:  # stopped on a later line: the list never closed
                line, col, message = *opened, "Unclosed list"
        elif message == "Unterminated string":
            source = index_toml(text)
            if source.stopped_at is not None:
                line, col = source.line_col(source.stopped_at)
        message = _in_teachers_words(message, text, line, col)
        raise DeckError(
            [file_error(name, f"TOML syntax: {sanitize(message)}", line, col)]
        ) from None
    except RecursionError:
        raise DeckError(
            [file_error(name, "TOML syntax: arrays or tables nested too deeply")]
        ) from None
    except Exception as error:  # untrusted input: any parser failure is a bad deck
        message = f"TOML syntax: {sanitize(str(error)) or type(error).__name__}"
        raise DeckError([file_error(name, message)]) from None


def _in_teachers_words(message: str, text: str, line: int, col: int) -> str:
    """tomli's message in a teacher's words, with a hint for the usual slips."""
    if twice := _DECLARED_TWICE.fullmatch(message):
        table = ".".join(part.strip(" '\"") for part in twice.group(1).split(",") if part.strip())
        return f"[{table}] appears twice; merge the two tables"
    lines = text.split("\n", line)
    whole_line = lines[line - 1] if line <= len(lines) else ""
    here = whole_line[col - 1 :]
    if message == "Invalid value" and here.startswith(("True", "False")):
        return "true and false are written in lowercase"
    if message == "Invalid value" and here[:1] in _CURLY_QUOTES:
        return (
            "curly quotes (“ ” or ‘ ’), as a word processor writes them: TOML needs straight"
            ' quotes, "..."'
        )
    decimal_comma = re.match(r",\d", here) and re.search(r"=\s*-?\d+$", whole_line[: col - 1])
    if message.startswith("Expected newline") and decimal_comma:
        return (
            "a decimal comma: TOML numbers are written with a point (3.14), or put text"
            ' in quotes ("3,14")'
        )
    if message in ("Unescaped '\\' in a string", "Invalid hex value"):
        return _escape_hint(here, whole_line)
    if message == "Unclosed list":
        return "this list is never closed: is a comma or the closing ] missing?"
    if message == "Unclosed array":  # on the list's own line: an entry without its comma
        return "unclosed list: is a comma or the closing ] missing?"
    return _TOML_HINTS.get(message, message)


_CURLY_QUOTES = "“”‘’„«»"


def _escape_hint(here: str, whole_line: str) -> str:
    """What to say about a backslash in a "basic string" that is no escape TOML knows (`here`
    starts at it): most often a Windows path, or a regular expression."""
    escape = here[:2] if here.startswith("\\") else "\\"
    if re.match(r"\\[\w .-]+\\", here) or re.search(r"[A-Za-z]:\\", whole_line):
        return (
            f"{escape} is not an escape TOML knows: a Windows path? Write it in 'single quotes'"
            " (they take backslashes as they are), or double each backslash"
        )
    return (
        f"{escape} is not an escape TOML knows: write \\\\ for a backslash, or use 'single quotes'"
    )


def _unclosed_bracket(text: str, line: int, col: int) -> tuple[int, int]:
    """Where the list tomli found unclosed was opened (tomli reports where it gave up, often
    the next line): the last `[` still open before that point, outside strings and headers."""
    lines = text.split("\n")
    end = sum(len(row) + 1 for row in lines[: line - 1]) + col - 1
    opened: list[int] = []
    quote = ""
    at_line_start = True
    for offset, char in enumerate(text[:end]):
        if quote:
            if char == quote and text[offset - 1] != "\\":
                quote = ""
            elif char == "\n":
                quote = ""  # an unclosed quote is another error; keep looking
        elif char in "\"'":
            quote = char
        elif char == "#":
            quote = "\n"  # a comment runs to the end of the line
        elif char == "[" and not (at_line_start and not opened):
            opened.append(offset)
        elif char == "]" and opened:
            opened.pop()
        if char == "\n":
            at_line_start = True
        elif not char.isspace():
            at_line_start = False
    if not opened:
        return line, col
    start = opened[-1]
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def _backslash_column(text: str, line: int, col: int) -> int:
    """tomli reports a bad escape after its backslash; point at the backslash itself."""
    lines = text.split("\n", line)
    here = lines[line - 1] if line <= len(lines) else ""
    backslash = here.rfind("\\", 0, col)
    return backslash + 1 if backslash >= 0 else col


def _repeated_key_error(text: str, line: int) -> tuple[int, int, str]:
    """Point at a key set twice (tomli reports the end of its value) and say where it was first.

    Two questions pasted without a `[[questions]]` line between them is the usual cause.
    """
    source = index_toml(text)
    for path, offset, earlier in source.repeated:
        here = source.line_col(offset)
        if here[0] == line:
            message = f"{quoted(path[-1])} is already set on line {source.line_col(earlier)[0]}"
            if path[0] == "questions":
                message += "; does a new question need its own [[questions]] line?"
            return *here, message
    return line, 1, "a key is set twice"


def _end_of_text(text: str) -> tuple[int, int]:
    """The line and column just past the last character, where "at end of document" points."""
    line_start = text.rfind("\n") + 1
    return text.count("\n") + 1, len(text) - line_start + 1
