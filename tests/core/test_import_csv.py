"""CSV / TSV importer, including Anki's "Notes in Plain Text" export."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.interchange.base import ImportWarning  # noqa: A004
from quiz.core.interchange.csv_tsv import TableError, import_table, strip_html
from quiz.core.models import Cloze, Flashcard, ShortAnswer

DATA = Path(__file__).parents[1] / "data" / "csv"
TABLE_LINES = [
    "prompt,answer",
    "front\tback",
    "#separator:tab",
    "#html:true",
    "#tags column:3",
    "#columns:Front,Back",
    '"',
    "a,b",
    "{{c1::x}},y",
    "{{c1::}},y",
    "<br>,&amp;",
]


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_csv_with_header_row_quotes_and_a_multi_line_field() -> None:
    result = import_table(read("capitals.csv"), deck_id="caps", title="Capitals")
    deck = result.deck
    assert (deck.deck.id, deck.deck.title) == ("caps", "Capitals")
    assert [(q.id, q.prompt, getattr(q, "answer", None)) for q in deck.questions] == [
        ("what-is-the-capital-of-france", "What is the capital of France?", "Paris"),
        ("capital-of-the-netherlands", 'Capital of "the Netherlands"?', "Amsterdam"),
        ("what-is-the-capital-of-peru", "What is the capital of Peru?", "Lima"),
    ]
    assert all(isinstance(q, Flashcard) for q in deck.questions)
    assert deck.questions[1].explanation == "The seat of government is\nThe Hague."
    assert [q.tags for q in deck.questions] == [
        ["europe", "capitals"],
        ["europe", "capitals"],
        ["south-america"],
    ]
    # Line numbers are physical lines: the quoted field spans lines 3-4.
    assert result.warnings == [
        ImportWarning(1, "column 'Source' ignored"),
        ImportWarning(5, "row has no prompt; skipped"),
        ImportWarning(6, "row has no answer; skipped"),
        ImportWarning(7, "same row as line 2; skipped"),
    ]


def test_line_breaks_in_fields_become_newlines() -> None:
    text = 'prompt,answer\r\n"two\r\nlines","one\rtwo"\r\n'
    question = import_table(text).deck.questions[0]
    assert isinstance(question, Flashcard)
    assert (question.prompt, question.answer) == ("two\nlines", "one\ntwo")


def test_tsv_front_back_as_short_answers() -> None:
    deck = import_table(read("vocab.tsv"), delimiter="\t", kind="short").deck
    assert [(q.kind, q.prompt, getattr(q, "answer", None)) for q in deck.questions] == [
        ("short", "der Hund", "the dog"),
        ("short", "die Katze", "the cat"),
    ]


def test_columns_option_for_a_file_without_header() -> None:
    with pytest.raises(TableError, match="--columns prompt,answer"):
        import_table(read("no-header.csv"))
    deck = import_table(read("no-header.csv"), columns=["answer", "prompt"]).deck
    first = deck.questions[0]
    assert isinstance(first, Flashcard)
    assert (first.prompt, first.answer) == ("the dog", "le chien")


def test_columns_option_overrides_a_header_row() -> None:
    result = import_table("question,answer\nQ1,A1\n", columns=["answer", "prompt"])
    assert [q.prompt for q in result.deck.questions] == ["A1"]
    assert result.warnings == [ImportWarning(1, "header row skipped: --columns says the order")]


def test_unknown_column_name_is_an_error() -> None:
    with pytest.raises(TableError, match="unknown column name 'anwser'"):
        import_table(read("no-header.csv"), columns=["prompt", "anwser"])


def test_a_field_past_the_csv_modules_limit_is_a_located_error() -> None:
    """Python's csv stops at 131,072 characters a field: that was a `_csv.Error` traceback."""
    text = 'prompt,answer\nOne?,1\n"' + "x" * 200_000 + '",y\n'
    with pytest.raises(TableError, match=r"line 3: not CSV: field larger than field limit"):
        import_table(text)


def test_anki_notes_in_plain_text_export() -> None:
    # Anki's header says tab, whatever delimiter the caller guessed from the extension.
    result = import_table(read("anki-notes.txt"), delimiter=",")
    assert result.warnings == []
    hund, katze, berlin = result.deck.questions
    assert isinstance(hund, Flashcard) and isinstance(katze, Flashcard)
    assert (hund.prompt, hund.answer, hund.tags, hund.reverse) == (
        "der Hund",
        "the dog\n(masculine)",
        ["nouns", "animals"],
        False,
    )
    assert (katze.prompt, katze.answer, katze.reverse) == ("die Katze", "the cat & kitten", True)
    assert isinstance(berlin, Cloze)
    assert berlin.text == "{{Berlin|city}} is the capital of {{Germany}}"
    assert (berlin.id, berlin.explanation) == ("berlin-is-the-capital-of-germany", "Since 1990")


def test_anki_columns_header_and_named_separator() -> None:
    deck = import_table(read("anki-columns.txt"), kind="short").deck
    first = deck.questions[0]
    assert isinstance(first, ShortAnswer)
    assert (first.prompt, first.answer, first.tags) == ("Capital of France?", "Paris", ["geo"])


def test_ids_from_an_id_column_win_over_made_up_ones() -> None:
    text = "prompt,answer,id\nSame?,a,\nSame?,b,same\nOther?,c,Not A Slug\n"
    result = import_table(text)
    assert [q.id for q in result.deck.questions] == ["same-2", "same", "other"]
    assert result.warnings == [ImportWarning(4, "id 'Not A Slug' unusable; made one")]


def test_a_row_the_deck_format_rejects_is_skipped_not_fatal() -> None:
    result = import_table("prompt,answer\n{{c1::}} is empty,x\nok?,fine\n")
    assert [q.prompt for q in result.deck.questions] == ["ok?"]
    assert [str(w) for w in result.warnings] == [
        "line 2: row cannot be a cloze question (a cloze blank must not be empty: write "
        "{{answer}} or {{answer|hint}}); skipped"
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TABLE_LINES), st.text(max_size=20)), max_size=10))
def test_any_text_gives_a_deck_or_a_table_error(lines: list[str]) -> None:
    try:
        result = import_table("\n".join(lines))
    except TableError:
        return
    assert result.deck.questions


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no header row"),
        ("prompt,answer\n", "no row with both"),
        ("prompt,answer\n,\n", "no row with both"),
        ("#separator:weird\na\tb\n", "unknown #separator:weird"),
        ("#separator:tab\n#columns:Tags\tDeck\nx\ty\n", "must include a prompt"),
    ],
)
def test_unreadable_tables(text: str, message: str) -> None:
    with pytest.raises(TableError, match=message):
        import_table(text)


@pytest.mark.parametrize(
    ("field", "plain"),
    [
        ("a<br>b", "a\nb"),
        ("<div>a</div><div>b</div>", "a\nb"),
        ("x &lt;y&gt; &amp;&nbsp;z", "x <y> & z"),
        ('<span style="color:red">red</span>', "red"),
        ("<script>alert(1)</script>", "alert(1)"),
    ],
)
def test_strip_html(field: str, plain: str) -> None:
    assert strip_html(field) == plain
