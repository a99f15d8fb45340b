"""The deck loader: positions and wording of every error a teacher can make, and safety."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from quiz.core.deckfile.diagnostics import DeckError, Diagnostic
from quiz.core.deckfile.finding import find_deck_files
from quiz.core.deckfile.lint import lint_deck
from quiz.core.deckfile.loading import load_deck, parse_deck
from quiz.core.deckfile.reading import MAX_DECK_BYTES
from quiz.core.models import Deck

DATA = Path(__file__).resolve().parent.parent / "data"
BROKEN = DATA / "broken"
HEADER = '[deck]\nid = "d"\ntitle = "T"\n\n'

KINDS = "flashcard, short, choice, multi, truefalse, numeric, cloze, order, match"

# One file per mistake; the expected lines are written by hand from the files, not from the code.
BROKEN_EXPECTED: dict[str, list[str]] = {
    "syntax-error.toml": [
        "8:28: error: TOML syntax: line break inside a quoted string: close the quote, "
        'or use """triple quotes""" for text on several lines'
    ],
    "unterminated-multiline-string.toml": [
        "10:15: error: TOML syntax: this string is never closed: check for a missing quote"
    ],
    "key-set-twice.toml": [
        "11:1: error: TOML syntax: 'id' is already set on line 6; "
        "does a new question need its own [[questions]] line?"
    ],
    "not-utf8.toml": ["8:20: error: the file is not UTF-8 text; save it as UTF-8 in your editor"],
    "unknown-top-level-key.toml": [
        "1:1: error: unknown key 'title' at the top level; it belongs in the [deck] table"
    ],
    "unknown-question-key.toml": [
        "8:1: error: unknown key 'promt' for a 'short' question; did you mean 'prompt'?"
    ],
    "unknown-source-key.toml": [
        "4:30: error: unknown key 'publisehd' in 'source'; did you mean 'published'?"
    ],
    "choice-key-on-short.toml": [
        "10:1: error: unknown key 'choices' for a 'short' question; "
        "only 'choice' and 'multi' questions have it"
    ],
    "bad-kind.toml": [
        "7:8: error: unknown question kind 'shortanswer'; did you mean 'short'? "
        f"Valid kinds: {KINDS}"
    ],
    "missing-kind.toml": [f"5:1: error: question has no 'kind'; add kind = one of {KINDS}"],
    "missing-prompt.toml": ["5:1: error: missing required key 'prompt' for a 'flashcard' question"],
    "missing-answer.toml": ["5:1: error: missing required key 'answer' for a 'short' question"],
    "missing-deck-table.toml": [
        "1:1: error: missing the [deck] table (it needs at least id and title)"
    ],
    "no-questions.toml": ["1:1: error: the deck has no questions: add a [[questions]] table"],
    "answer-not-in-choices.toml": [
        "10:10: error: answer 'Vilnus' is not one of the choices; did you mean 'Vilnius'?"
    ],
    "empty-choices.toml": ["9:11: error: a 'choice' question needs at least 2 choices, got 0"],
    "text-instead-of-list.toml": [
        "9:11: error: expected a list for 'choices', got text; "
        'write a list in square brackets, e.g. ["first", "second"]'
    ],
    "cloze-without-blanks.toml": ["8:8: error: a cloze text needs at least one {{blank}}"],
    "multi-without-answers.toml": [
        "10:11: error: a 'multi' question needs at least one correct answer in 'answers'"
    ],
    "duplicate-id.toml": [
        "12:6: error: duplicate question id 'released': the question at line 5 uses it too"
    ],
    "number-where-text-needed.toml": [
        "9:10: error: expected text for 'answer', got a number; put it in quotes: \"1996\""
    ],
    "empty-prompt.toml": ["8:10: error: 'prompt' must not be empty"],
    "whitespace-prompt.toml": ["8:10: error: 'prompt' must not be empty or only whitespace"],
    "same-prompt-no-id.toml": [
        "10:1: error: same prompt as the question at line 5 and neither has an id: "
        "they would be one card; give them ids (quiz check --fix)"
    ],
    "blank-accepted-answer.toml": [
        "10:26: error: item 2 of 'accept' must not be empty or only whitespace"
    ],
    "bad-slug-id.toml": [
        "6:6: error: 'Who Was Released' is not a valid id: use lowercase letters, digits, "
        "'-' and '_', starting with a letter or digit; try 'who-was-released'"
    ],
    "truefalse-given-string.toml": [
        "9:10: error: expected true or false for 'answer', got text; write true without quotes"
    ],
    "numeric-given-text.toml": [
        "9:10: error: expected a number for 'answer', got text; write 123 without quotes"
    ],
    "match-pair-of-three.toml": [
        "11:3: error: a pair has exactly two items, [left, right]; this one has 3"
    ],
    "points-zero.toml": ["10:10: error: 'points' must be greater than 0, got 0"],
    "bad-format.toml": ["4:10: error: expected 'plain' or 'markdown' for 'format', got 'md'"],
}


def test_every_broken_file_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.toml")) == sorted(BROKEN_EXPECTED)
    assert len(BROKEN_EXPECTED) >= 15


@pytest.mark.parametrize("name", sorted(BROKEN_EXPECTED))
def test_broken_deck_reports_file_line_col(name: str) -> None:
    path = BROKEN / name
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{path}:{line}" for line in BROKEN_EXPECTED[name]
    ]
    assert str(caught.value) == "\n".join(f"{path}:{line}" for line in BROKEN_EXPECTED[name])


def test_all_errors_of_a_deck_are_reported_in_file_order() -> None:
    text = HEADER + (
        "[[questions]]\n"  # line 5
        'id = "a"\n'
        'kind = "choice"\n'
        "prompt = 7\n"  # line 8
        'choices = ["x", "y"]\n'
        'answer = "z"\n'  # line 10
        "\n"
        "[[questions]]\n"  # line 12
        'id = "a"\n'  # line 13
        'kind = "truefalse"\n'
        'prompt = "p"\n'
        "answer = true\n"
        "pionts = 2\n"  # line 17
        "\n"
        "[[questions]]\n"  # line 19
        'kind = "cloze"\n'
        'text = "no blanks"\n'  # line 21
    )
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "deck.toml")
    assert [str(d) for d in caught.value.diagnostics] == [
        "deck.toml:8:10: error: expected text for 'prompt', got a number; put it in quotes: \"7\"",
        "deck.toml:10:10: error: answer 'z' is not one of the choices",
        "deck.toml:13:6: error: duplicate question id 'a': the question at line 5 uses it too",
        "deck.toml:17:1: error: unknown key 'pionts' for a 'truefalse' question; "
        "did you mean 'points'?",
        "deck.toml:21:8: error: a cloze text needs at least one {{blank}}",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Inline tables and dotted keys point inside the line.
        (
            'source = { title = "S", url = 3 }\n',
            "3:31: error: expected text for 'source.url', got a number; put it in quotes: \"3\"",
        ),
        (
            "source.title = 5\n",
            "3:16: error: expected text for 'source.title', got a number; put it in quotes: \"5\"",
        ),
        # A union (`float | int`) fails once per member: reported once.
        ("time_limit = 1.5\n", "3:14: error: expected a whole number for 'time_limit', got 1.5"),
        ("pass_mark = 101\n", "3:13: error: 'pass_mark' must be at most 100, got 101"),
        (
            'tags = ["a", 2]\n',
            "3:14: error: expected text for item 2 of "
            "'tags', got a number; put it in quotes: \"2\"",
        ),
        ('source = { title = "S", published = 2025-13-01 }\n', None),  # a TOML syntax error
    ],
)
def test_deck_table_errors_point_inside_the_line(body: str, expected: str | None) -> None:
    text = (
        '[deck]\nid = "d"\n' + body + 'title = "T"\n\n[[questions]]\nid = "q"\n'
        'kind = "truefalse"\nprompt = "p"\nanswer = true\n'
    )
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "d.toml")
    lines = [str(d).removeprefix("d.toml:") for d in caught.value.diagnostics]
    if expected is None:
        assert len(lines) == 1 and "TOML syntax" in lines[0]
    else:
        assert lines == [expected]


def test_questions_as_an_inline_array_are_located_too() -> None:
    text = (
        "questions = [\n"
        '  { id = "q", kind = "short", prompt = "p", answer = "a" },\n'
        '  { id = "r", kind = "short", prompt = "p", anser = "a" },\n'
        "]\n" + HEADER
    )
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "d.toml")
    assert [str(d) for d in caught.value.diagnostics] == [
        "d.toml:3:45: error: unknown key 'anser' for a 'short' question; did you mean 'answer'?"
    ]


def test_a_valid_deck_loads(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(
        HEADER + '[[questions]]\nid = "q"\nkind = "numeric"\nprompt = "p"\nanswer = 3\n'
    )
    deck = load_deck(path)
    assert isinstance(deck, Deck)
    assert deck.questions[0].kind == "numeric"


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    text = HEADER + '[[questions]]\nid = "q"\nkind = "truefalse"\nprompt = "p"\nanswer = 1\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    # Line 1 column counting starts after the BOM, as editors show it.
    assert str(caught.value).endswith(
        ":9:10: error: expected true or false for 'answer', got a number"
    )


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize(("answer", "valid"), [("true", True), ('"yes"', False), ('"yes', False)])
def test_gc_state_is_restored(enabled: bool, answer: str, valid: bool) -> None:
    """Whether the deck is valid, invalid or not even TOML, the collector is left as it was."""
    text = (
        HEADER + f'[[questions]]\nid = "q"\nkind = "truefalse"\nprompt = "p"\nanswer = {answer}\n'
    )
    was = gc.isenabled()
    try:
        _set_gc(enabled)
        try:
            parse_deck(text, "d.toml")
        except DeckError:
            assert not valid
        else:
            assert valid
        assert gc.isenabled() is enabled
    finally:
        _set_gc(was)


def _set_gc(enabled: bool) -> None:
    if enabled:
        gc.enable()
    else:
        gc.disable()


# --- safety -----------------------------------------------------------------------------


def _only_error(path: Path | str) -> str:
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert len(caught.value.diagnostics) == 1
    return str(caught.value.diagnostics[0])


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert (
        _only_error(tmp_path / "nope.toml") == f"{tmp_path / 'nope.toml'}:1:1: error: no such file"
    )
    assert _only_error(tmp_path) == f"{tmp_path}:1:1: error: is a folder, not a deck file"


def test_size_cap_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as file:
        file.truncate(MAX_DECK_BYTES + 1)  # sparse: costs no disk and no read
    assert _only_error(path).endswith(
        "error: the deck file (10.0 MiB) is larger than the 10 MiB limit;"
        " split it into several deck files"
    )


def test_size_cap_applies_to_text_too() -> None:
    with pytest.raises(DeckError, match="larger than the 10 MiB limit; split it"):
        parse_deck("#" * (MAX_DECK_BYTES + 1), "big.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_or_device_is_refused_not_waited_on(tmp_path: Path) -> None:
    """`cat > deck.toml` into a FIFO never ends: reading one would block forever."""
    fifo = tmp_path / "deck.toml"
    os.mkfifo(fifo)
    assert _only_error(fifo) == f"{fifo}:1:1: error: is a pipe (FIFO), not a deck file"
    if Path("/dev/null").exists():
        assert _only_error("/dev/null") == "/dev/null:1:1: error: is a device, not a deck file"


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.toml"
    path.write_text(HEADER)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: permissions are not enforced")
        assert _only_error(path).endswith("error: cannot read the file: Permission denied")
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000,  # tomli: RecursionError
        "a = " + "{b = " * 300 + "1" + "}" * 300,
        "x = " + "[" * 350 + "]" * 350 + "\n" + HEADER,  # parses; validation rejects it
        "\x00",
        "[deck]\nid = 1e999999\n",
        "a = 1979-05-27T07:32:00+99:00\n",
    ],
)
def test_absurd_input_is_a_deck_error(text: str) -> None:
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "absurd.toml")
    assert caught.value.diagnostics
    for diagnostic in caught.value.diagnostics:
        assert diagnostic.severity == "error" and diagnostic.line >= 1 and diagnostic.col >= 1


def test_hostile_file_name_is_sanitized(tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b]52;c;eA==\x07\x1b[2J.toml"
    path.write_text("[deck]\n")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    lines = str(caught.value).splitlines()
    assert lines and all("\x1b" not in line and "\x07" not in line for line in lines)
    assert lines[0].startswith(f"{tmp_path}/evil.toml:1:1: error: ")


def test_diagnostic_format_and_json() -> None:
    d = Diagnostic("decks/a.toml", 3, 7, "warning", "question has no id")
    assert str(d) == "decks/a.toml:3:7: warning: question has no id"
    assert d.to_json() == {
        "file": "decks/a.toml",
        "line": 3,
        "column": 7,
        "severity": "warning",
        "message": "question has no id",
    }


# --- warnings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (
            '[[questions]]\nkind = "short"\nprompt = "p"\nanswer = "a"\n',
            [
                "5:1: warning: question has no id; its review "
                "history is lost when the prompt changes"
            ],
        ),
        (
            '[[questions]]\nid = "q"\nkind = "short"\nprompt = "p"\n'
            'answer = "Minsk"\naccept = ["Vilnius", "minsk!"]\n',
            [
                "10:22: warning: accept entry 'minsk!' is already "
                "accepted (case, spacing and punctuation are ignored)"
            ],
        ),
        (
            '[[questions]]\nid = "q"\nkind = "short"\nprompt = "p"\n'
            'answer = "a"\nexact = true\ntypo_threshold = 90\n',
            ["11:1: warning: typo_threshold has no effect with exact = true"],
        ),
        (
            '[[questions]]\nid = "q"\nkind = "choice"\nprompt = "p"\n'
            'choices = ["Kyiv", "kyiv."]\nanswer = "Kyiv"\n',
            ["9:20: warning: choices 'Kyiv' and 'kyiv.' look the same to a learner"],
        ),
        (
            '[[questions]]\nid = "q"\nkind = "cloze"\ntext = "It is {{Viasna|viasna}}."\n',
            ["8:8: warning: blank 1's hint gives its answer away: 'viasna'"],
        ),
        (
            '[[questions]]\nkind = "truefalse"\nprompt = "Same?"\nanswer = true\n\n'
            '[[questions]]\nkind = "truefalse"\nprompt = "Different?"\nanswer = false\n',
            [
                "5:1: warning: question has no id; its review "
                "history is lost when the prompt changes",
                "10:1: warning: question has no id; its "
                "review history is lost when the prompt changes",
            ],
        ),
    ],
)
def test_lint_warnings(tmp_path: Path, questions: str, expected: list[str]) -> None:
    path = tmp_path / "w.toml"
    path.write_text(HEADER + questions)
    result = lint_deck(path)
    assert result.deck is not None
    assert not result.errors
    assert [str(d).removeprefix(f"{path}:") for d in result.diagnostics] == expected


def test_lint_pass_mark_zero_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[deck]\nid = "d"\ntitle = "T"\npass_mark = 0\n\n[[questions]]\n'
        'id = "q"\nkind = "truefalse"\nprompt = "p"\nanswer = true\n'
    )
    assert [str(d).removeprefix(f"{path}:") for d in lint_deck(path).diagnostics] == [
        "4:13: warning: pass_mark = 0 means every quiz passes"
    ]
    broken = lint_deck(BROKEN / "missing-answer.toml")
    assert broken.deck is None
    assert [d.severity for d in broken.diagnostics] == ["error"]


# --- finding deck files ------------------------------------------------------------------


def test_find_deck_files(tmp_path: Path) -> None:
    for name in ["b.toml", "a/z.toml", "a/y/x.toml", ".git/h.toml", "a/notes.txt", "c.TOML.bak"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    single = tmp_path / "c.TOML.bak"
    found = find_deck_files([tmp_path, tmp_path / "b.toml", single])
    assert found == sorted(
        [tmp_path / "a/y/x.toml", tmp_path / "a/z.toml", tmp_path / "b.toml", single]
    )
    assert find_deck_files([]) == []


def test_question_keys_without_a_questions_header() -> None:
    text = HEADER.rstrip("\n") + '\nkind = "short"\nquestions = []\n'
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "d.toml")
    assert [str(d).removeprefix("d.toml:") for d in caught.value.diagnostics] == [
        "1:1: error: the deck has no questions: add a [[questions]] table",
        "4:1: error: unknown key 'kind' in [deck]; each question starts with a [[questions]] line",
        "5:1: error: unknown key 'questions' in [deck]; "
        "write questions as [[questions]] tables after [deck]",
    ]


TRUEFALSE = '\n[[questions]]\nid = "q"\nkind = "truefalse"\nprompt = "p"\nanswer = true\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[deck]]\nid = "d"\ntitle = "T"\n' + TRUEFALSE,
            "1:1: error: [deck] is one table: write [deck] with single brackets",
        ),
        (
            HEADER + '[questions]\nid = "q"\n',
            "5:1: error: questions are [[questions]] tables, with double brackets; got a table",
        ),
        (
            'questions = "none"\n' + HEADER,
            "1:13: error: questions are [[questions]] tables, with double brackets; got text",
        ),
        (
            HEADER.rstrip("\n")
            + '\nsource = { title = "x", published = "2025-12-13" }\n'
            + TRUEFALSE,
            "4:37: error: expected a date like 2025-12-13 for 'source.published', got text; "
            "write 2025-12-13 without quotes",
        ),
        (
            HEADER + '[[questions]]\nid = "q"\nkind = "order"\nitems = ["a", "b"]\n',
            "5:1: error: missing required key 'prompt' for an 'order' question",
        ),
        (
            HEADER + '[[questions]]\nid = "q"\nkind = "numeric"\nprompt = "p"\nanswer = true\n',
            "9:10: error: expected a number for 'answer', got true/false",
        ),
        (
            HEADER + '[[questions]]\nid = "q"\nkind = "cloze"\ntext = "a {{ }} b"\n',
            "8:8: error: a cloze blank must not be empty: write {{answer}} or {{answer|hint}}",
        ),
    ],
)
def test_shape_mistakes(text: str, expected: str) -> None:
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "d.toml")
    assert [str(d).removeprefix("d.toml:") for d in caught.value.diagnostics] == [expected]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            'kind: "short"',
            "7:5: error: TOML syntax: expected '=' after the key, e.g. kind = \"short\"",
        ),
        (
            "prompt = 'It's here'",
            "7:14: error: TOML syntax: unexpected text after the value; "
            "did a quote inside the text end the string early?",
        ),
        ("answer = True", "7:10: error: TOML syntax: true and false are written in lowercase"),
        (
            "answer = yes",
            '7:10: error: TOML syntax: not a TOML value: text needs quotes, e.g. kind = "short"',
        ),
        (
            'choices = ["a" "b"]',
            "7:16: error: TOML syntax: unclosed list: is a comma or the closing ] missing?",
        ),
        (
            'prompt = "C:\\quiz"',
            "7:13: error: TOML syntax: \\q is not an escape TOML knows: a Windows path? Write it"
            " in 'single quotes' (they take backslashes as they are), or double each backslash",
        ),
        (
            'prompt = "a digit: \\d"',
            "7:20: error: TOML syntax: \\d is not an escape TOML knows: write \\\\ for a"
            " backslash, or use 'single quotes'",
        ),
        (
            'answer = "C:\\Users\\ann"',
            "7:13: error: TOML syntax: \\U is not an escape TOML knows: a Windows path? Write it"
            " in 'single quotes' (they take backslashes as they are), or double each backslash",
        ),
        (
            "prompt = “Who?”",
            "7:10: error: TOML syntax: curly quotes (“ ” or ‘ ’), as a word processor writes"
            ' them: TOML needs straight quotes, "..."',
        ),
        (
            "points = 3,5",
            "7:11: error: TOML syntax: a decimal comma: TOML numbers are written with a point"
            ' (3.14), or put text in quotes ("3,14")',
        ),
        (
            'choices = ["a", "b"\nanswer = "a"',
            "7:11: error: TOML syntax: this list is never closed: is a comma or the closing ]"
            " missing?",
        ),
        ("[deck]", "7:6: error: TOML syntax: [deck] appears twice; merge the two tables"),
    ],
)
def test_toml_slips_are_explained(line: str, expected: str) -> None:
    text = HEADER + '[[questions]]\nid = "q"\n' + line + "\n"
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "d.toml")
    assert [str(d).removeprefix("d.toml:") for d in caught.value.diagnostics] == [expected]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'kind = "choice"\nchoices = ["a", "b", "a"]\nanswer = "a"\n',
            "9:22: error: duplicate choice 'a'",
        ),
        (
            'kind = "multi"\nchoices = ["a", "b", "c"]\nanswers = ["a", "d"]\n',
            "10:17: error: answer 'd' is not one of the choices",
        ),
        (
            'kind = "multi"\nchoices = ["a", "b", "c"]\nanswers = ["a", "b", "a"]\n',
            "10:22: error: answer 'a' is listed twice",
        ),
        ('kind = "order"\nitems = ["x", "y", "x"]\n', "9:20: error: duplicate item 'x'"),
        (
            'kind = "match"\npairs = [["a", "1"], ["b", "2"], ["c", "1"]]\n',
            "9:40: error: duplicate right side '1'",
        ),
    ],
)
def test_list_checks_point_at_the_offending_item(body: str, expected: str) -> None:
    text = HEADER + '[[questions]]\nid = "q"\nprompt = "p"\n' + body
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "d.toml")
    assert [str(d).removeprefix("d.toml:") for d in caught.value.diagnostics] == [expected]


NUMERIC = '\n[[questions]]\nid = "n"\nkind = "numeric"\nprompt = "N?"\n'


@pytest.mark.parametrize(
    ("deck_line", "question_lines", "expected"),
    [
        ("", "answer = inf", "10:10: error: 'answer' must be a finite number between"),
        ("", "answer = -inf", "10:10: error: 'answer' must be a finite number between"),
        ("", "answer = nan", "10:10: error: 'answer' must be a finite number between"),
        ("", "answer = 1e999", "10:10: error: 'answer' must be a finite number between"),
        ("", "answer = 1" + "0" * 400, "10:10: error: 'answer' must be a finite number between"),
        ("", "answer = 1\ntolerance = inf", "11:13: error: 'tolerance' must be a finite"),
        ("", "answer = 1\ntolerance = 1" + "0" * 400, "11:13: error: 'tolerance' must be a fin"),
        ("", "answer = 1\npoints = inf", "11:10: error: 'points' must be a finite number"),
        ("", "answer = 1\npoints = nan", "11:10: error: 'points' must be a finite number"),
        ("", "answer = 1\npoints = 1e9", "11:10: error: 'points' must be at most 1000"),
        ("pass_mark = nan\n", "answer = 1", "4:13: error: 'pass_mark' must be at most 100"),
        ("time_limit = 9223372036854775807\n", "answer = 1", "4:14: error: 'time_limit' must"),
        ("time_limit = 604801\n", "answer = 1", "4:14: error: 'time_limit' must be at most 604800"),
    ],
)
def test_numbers_that_cannot_work_are_located_errors(
    deck_line: str, question_lines: str, expected: str
) -> None:
    """`inf` as an answer would mark every number right and `nan` none; an integer past
    float's range overflowed in take, review and export; an absurd time limit overflowed
    when the quiz started. Each is refused where it is written, in one message."""
    text = HEADER.replace("\n\n", "\n" + deck_line + "\n", 1) + NUMERIC + question_lines + "\n"
    with pytest.raises(DeckError) as caught:
        parse_deck(text, "n.toml")
    (diagnostic,) = caught.value.diagnostics
    assert f"n.toml:{expected}" in str(diagnostic)
    assert len(str(diagnostic)) < 200, "a 400-digit number is not quoted back"


@pytest.mark.parametrize("answer", ["6.022e23", "12345678901234567890", "-1e300", "0", "1e-300"])
def test_large_and_small_numbers_that_work_load(answer: str) -> None:
    deck = parse_deck(HEADER + NUMERIC + f"answer = {answer}\n", "n.toml")
    assert deck.questions[0].kind == "numeric"


def test_choices_that_differ_by_a_symbol_are_not_called_the_same(tmp_path: Path) -> None:
    """GIFT escapes (`\\=`, `\\~`) import as choices that differ by one symbol: different."""
    path = tmp_path / "deck.toml"
    path.write_text(
        '[deck]\nid = "d"\ntitle = "D"\n\n[[questions]]\nid = "q"\nkind = "choice"\n'
        'prompt = "Which sign?"\nchoices = ["the = sign", "the ~ sign", "The = sign."]\n'
        'answer = "the = sign"\n',
        encoding="utf-8",
    )
    from quiz.core.deckfile.lint import lint_deck

    assert [w.message for w in lint_deck(path).warnings] == [
        "choices 'the = sign' and 'The = sign.' look the same to a learner"
    ]
