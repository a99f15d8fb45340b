"""`add_missing_ids` / `fix_file` (quiz check --fix): only `id = "..."` lines are added."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import tomli
from tomli import TOMLDecodeError as ParseError

from quiz.core.interchange.fix_ids import AddedId, add_missing_ids, fix_file, slugify, unique_slug
from quiz.core.models import Deck

ROOT = Path(__file__).parents[2]


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line.startswith(("+ ", "- "))]


def without_question_ids(text: str) -> str:
    """The bundled news deck with every question id line removed (the deck id stays)."""
    return re.sub(r'(?m)^id = "(?!belarus-prisoner)[^"]*"\n', "", text)


def test_bundled_deck_gets_ids_and_nothing_else_changes() -> None:
    original = (ROOT / "decks" / "belarus-prisoner-release-2025.toml").read_text("utf-8")
    stripped = without_question_ids(original)
    fixed, added = add_missing_ids(stripped)

    deck = Deck.model_validate(tomli.loads(fixed))
    assert len(added) == len(deck.questions) == 25
    assert [q.id for q in deck.questions] == [a.id for a in added]
    assert added[:4] == [
        AddedId(1, "who-was-released"),
        AddedId(2, "what-were-the-conditions-for-their-release"),
        AddedId(3, "what-is-the-significance-of-this-event"),
        AddedId(4, "what-challenges-remain"),
    ]
    # Every comment, blank line, multi-line string and inline comment survives:
    # the only differences are the added lines.
    assert changed_lines(stripped, fixed) == [f'+ id = "{a.id}"\n' for a in added]
    # Each id line sits right under its [[questions]] header.
    lines = fixed.splitlines()
    for a in added:
        assert lines[lines.index(f'id = "{a.id}"') - 1] == "[[questions]]"


def test_existing_ids_are_kept_and_new_ones_avoid_them() -> None:
    text = (
        "# deck\n[deck]\nid = 'd'\ntitle = 'T'\n\n"
        "[[questions]]\n  kind = 'flashcard'  # why\n  prompt = 'Same?'\n  answer = 'a'\n\n"
        "[[questions]]\nid = \"same\"\nkind = 'flashcard'\nprompt = 'Other'\nanswer = 'b'\n\n"
        "[[questions]]\nkind = 'cloze'\ntext = '{{Paris|city}} is big'\n\n"
        "[[questions]]\nkind = 'flashcard'\nprompt = '¿?'\nanswer = 'c'\n"
    )
    fixed, added = add_missing_ids(text)
    assert added == [AddedId(1, "same-2"), AddedId(3, "paris-is-big"), AddedId(4, "q4")]
    assert changed_lines(text, fixed) == [
        '+   id = "same-2"\n',  # indented like its neighbours
        '+ id = "paris-is-big"\n',
        '+ id = "q4"\n',
    ]


def test_nothing_to_fix_returns_the_text_untouched() -> None:
    text = (
        "[deck]\nid='d'\ntitle='T'\n[[questions]]\nid='a'\nkind='flashcard'\nprompt='P'\nanswer='A'"
    )
    assert add_missing_ids(text) == (text, [])


def test_inline_question_tables_get_ids_too() -> None:
    text = (
        'questions = [{ kind = "flashcard", prompt = "A?", answer = "b" }]\n\n'
        '[deck]\nid = "d"\ntitle = "t"\n'
    )
    fixed, added = add_missing_ids(text)
    assert added == [AddedId(1, "a")]
    assert Deck.model_validate(tomli.loads(fixed)).questions[0].id == "a"


def test_fix_file_keeps_crlf_and_bom_and_rewrites_only_when_needed(tmp_path: Path) -> None:
    path = tmp_path / "deck.toml"
    text = (
        '\ufeff[deck]\r\nid = "d"\r\ntitle = "T"\r\n\r\n'
        '[[questions]]\r\nkind = "flashcard"\r\nprompt = "Why?"\r\nanswer = "x"\r\n'
    )
    path.write_bytes(text.encode("utf-8"))
    assert fix_file(path) == [AddedId(1, "why")]
    assert path.read_bytes() == text.replace(
        "[[questions]]\r\n", '[[questions]]\r\nid = "why"\r\n'
    ).encode("utf-8")
    before = path.stat().st_mtime_ns
    assert fix_file(path) == []
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == ["deck.toml"]


def test_fix_file_on_broken_toml_raises_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "deck.toml"
    path.write_text("[deck\n", encoding="utf-8")
    with pytest.raises(ParseError):
        fix_file(path)
    assert path.read_text(encoding="utf-8") == "[deck\n"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Who was Trump's envoy?", "who-was-trumps-envoy"),
        ("The U.S. engages with Lukashenko", "the-us-engages-with-lukashenko"),
        ("Żółć — ąę!", "zolc-ae"),
        ("{{Paris|city}} is the capital", "paris-is-the-capital"),
        (
            "one two three four five six seven eight nine ten",
            "one-two-three-four-five-six-seven-eight",
        ),
        ("日本", ""),
        ("x" * 80, "x" * 60),
        ("a" * 30 + " " + "b" * 40, "a" * 30),  # cut at a word boundary
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_unique_slug_counts_up() -> None:
    taken: set[str] = {"a"}
    assert [unique_slug("A", taken) for _ in range(2)] == ["a-2", "a-3"]
    assert unique_slug("日本", taken, fallback="q7") == "q7"


def test_fix_adds_ids_and_not_one_other_byte() -> None:
    """tomlkit's round trip turned `"01" ]` into `"01"]`; ids now go into the text itself.
    A table whose prompt key is misspelt gets no id: its error must stay the news."""
    text = (
        '[deck]\nid = "d"\ntitle = "D"\n\n'
        '[[questions]]\n    kind = "match"  # indented\n    prompt = "Pair"\n'
        '    pairs = [ ["a", "01" ], ["b","02"] ]\n\n'
        '[[questions]]\nkind = "short"\npromt = "Typo?"\nanswer = "yes"\n\n'
        '[[questions]] # trailing comment\nkind = "numeric"\nprompt = "Pi?"\nanswer = 3.14'
    )
    fixed, added = add_missing_ids(text)
    assert added == [AddedId(1, "pair"), AddedId(3, "pi")]
    assert changed_lines(text, fixed) == [
        '+     id = "pair"\n',
        '+ id = "pi"\n',
    ]


HEADER_SHAPES = [
    # comments and blank lines under the header; the keys indented two spaces
    '[[questions]]\n\n# about it\n  prompt = "Capital of France?"\n  answer = "Paris"\n',
    # CRLF line ends, a header with spaces inside and a comment after it
    '[[ questions ]]  # first\r\nprompt = "Two plus two?"\r\nanswer = "4"\r\n',
    # a sub-table before any key of the question's own
    "[[questions]]\n[questions.source]\nline = 3\n",
    # the header is the file's last line, with no line end
    '[[questions]]\nid = "kept"\nprompt = "x"\nanswer = "y"\n[[questions]]',
    # tabs, and a question that already has an id between two that have none
    '[[questions]]\n\tprompt = "A?"\n[[questions]]\nid = "b"\nprompt = "B?"\n'
    '[[questions]]\n\tprompt = "C?"\n',
    # a multi-line string that holds a header line: the scan decides
    '[[questions]]\nprompt = """\n[[questions]]\n"""\n[[questions]]\nprompt = "two"\n',
]


@pytest.mark.parametrize("text", HEADER_SHAPES)
def test_ids_under_known_headers_match_the_whole_file_scan(text: str) -> None:
    """The header search puts every id where the whole-file scan would, byte for byte."""
    from quiz.core.interchange.fix_ids import _add_by_scan

    questions = tomli.loads(text).get("questions", [])
    taken = {q["id"] for q in questions if "id" in q}
    newline = "\r\n" if "\r\n" in text else "\n"
    expected = _add_by_scan(text, questions, set(taken), newline)
    assert add_missing_ids(text) == expected
    fixed, _ = expected
    assert add_missing_ids(fixed) == (fixed, [])  # a second fix changes nothing


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_generated_decks_of_every_kind_get_the_same_ids_either_way(seed: int) -> None:
    """Generated decks (every kind, a tenth of questions without an id): the header path
    and the scan path write the same file, which loads to the same questions plus ids."""
    import sys

    from quiz.core.deckfile.loading import parse_deck
    from quiz.core.interchange.fix_ids import _add_by_scan

    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    try:
        from gen_decks import deck_text
    finally:
        sys.path.remove(str(ROOT / "tests" / "bench"))
    text = deck_text(200, seed)
    questions = tomli.loads(text)["questions"]
    taken = {q["id"] for q in questions if "id" in q}
    fixed, added = add_missing_ids(text)
    assert (fixed, added) == _add_by_scan(text, questions, set(taken), "\n")
    assert added and all(q.id is not None for q in parse_deck(fixed, "fixed.toml").questions)
    before = [q.model_dump(exclude={"id"}) for q in parse_deck(text, "deck.toml").questions]
    after = [q.model_dump(exclude={"id"}) for q in parse_deck(fixed, "fixed.toml").questions]
    assert before == after
