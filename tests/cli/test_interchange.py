"""`quiz import` and `quiz export` end to end: files in, files out, warnings and exit codes."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import TtyRun

from quiz.cli import main
from quiz.core.deckfile.loading import load_deck

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
ARTICLE = DATA / "articles" / "belarus-prisoner-release-2025.txt"
NEWS_DECK = ROOT / "decks" / "belarus-prisoner-release-2025.toml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_import_article_writes_a_deck_that_check_accepts(tmp_path: Path) -> None:
    out = tmp_path / "news.toml"
    result = run("import", ARTICLE, "--from", "article", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}: 4 questions, 0 warnings\n"
    deck = load_deck(out)
    assert deck.questions[0].prompt == "Who was released?"
    assert deck.deck.source is not None and deck.deck.source.author == "Web Editor"
    assert run("check", "--strict", out).exit_code == 0


def test_an_imported_article_is_named_beside_the_deck_and_each_question_keeps_its_line(
    tmp_path: Path,
) -> None:
    """`[deck.source] file` is the article relative to the deck, so the deck and the article
    can move together (a course folder in git), and `source_line` points into it."""
    (tmp_path / "sources").mkdir()
    article = tmp_path / "sources" / "news.txt"
    article.write_bytes(ARTICLE.read_bytes())
    out = tmp_path / "decks" / "news.toml"
    out.parent.mkdir()
    assert run("import", article, "--from", "article", "-o", out).exit_code == 0
    deck = load_deck(out)
    assert deck.deck.source is not None and deck.deck.source.file == "../sources/news.txt"
    lines = article.read_text("utf-8").splitlines()
    for question in deck.questions:
        assert question.source_line is not None
        assert question.prompt in lines[question.source_line - 1]  # type: ignore[union-attr]


def test_import_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "deck.toml"
    out.write_text("keep me", encoding="utf-8")
    refused = run("import", ARTICLE, "--from", "article", "-o", out)
    assert refused.exit_code == 1
    assert "already exists; use --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = run("import", ARTICLE, "--from", "article", "-o", out, "--force")
    assert forced.exit_code == 0
    assert load_deck(out).deck.title.startswith("Belarus Releases")


def test_import_to_stdout_with_warnings_on_stderr_and_overrides() -> None:
    source = DATA / "opentrivia" / "video-games"
    result = run("import", source, "--from", "opentrivia", "--id", "games", "--title", "Games")
    assert result.exit_code == 0
    assert result.stdout.startswith('[deck]\nid = "games"\ntitle = "Games"\n')
    assert result.stderr.splitlines() == [
        f"{source}:39: warning: option 'Zealot' listed twice; kept once",
        f"{source}:46: warning: not valid UTF-8; read as cp1252",
        f"{source}:53: warning: not valid UTF-8; read as cp1252",
        f"{source}:67: warning: same question as line 60; skipped",
        "imported: 9 questions, 4 warnings",
    ]


def test_article_without_questions_section_fails_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "deck.toml"
    result = run("import", DATA / "articles" / "no-questions.md", "-o", out)
    assert result.exit_code == 1
    expected = 'no "Key Questions", "Questions and Answers", "Q&A" or "FAQ" section found'
    assert expected in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "csv", "--id", "Not A Slug"], "is not a lowercase slug"),
        (["--from", "csv", "--title", " "], "must not be empty"),
        (["--from", "pdf"], "'pdf' is not one of"),
        (["--from", "gift", "--kind", "short"], "apply to --from csv and tsv only"),
        ([], "say what"),
    ],
)
def test_import_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "questions.txt"
    source.write_text("prompt,answer\nQ,A\n", encoding="utf-8")
    result = run("import", source, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_import_csv_with_columns_and_kind(tmp_path: Path) -> None:
    out = tmp_path / "dogs.toml"
    result = run(
        "import",
        DATA / "csv" / "no-header.csv",
        "--columns",
        "answer, prompt",
        "--kind",
        "short",
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    deck = load_deck(out)
    assert (deck.deck.id, deck.deck.title) == ("no-header", "No header")
    assert [(q.kind, q.prompt) for q in deck.questions] == [
        ("short", "the dog"),
        ("short", "the cat"),
    ]


def test_import_tsv_and_a_windows_1252_file(tmp_path: Path) -> None:
    source = tmp_path / "words.tsv"
    source.write_bytes("front\tback\r\ncaf\xe9\tcoffee\r\n".encode("cp1252"))
    result = run("import", source)
    assert result.exit_code == 0
    assert 'prompt = "café"' in result.stdout
    assert f"{source}:2: warning: not valid UTF-8; read as cp1252" in result.stderr


def test_import_gift(tmp_path: Path) -> None:
    source = tmp_path / "bank.gift"
    source.write_text("::Q1:: 2 + 2 = {=4 ~3 ~5}\n\n::Q2:: The sky is blue. {T}\n", "utf-8")
    out = tmp_path / "bank.toml"
    result = run("import", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert [q.kind for q in load_deck(out).questions] == ["choice", "truefalse"]


def test_export_csv_to_stdout_and_gift_to_a_file(tmp_path: Path) -> None:
    result = run("export", NEWS_DECK, "--to", "csv")
    assert result.exit_code == 0
    written = result.stdout_bytes.decode("utf-8")  # .stdout turns CRLF into LF
    first_line, table = written.split("\r\n", 1)
    assert first_line.startswith('\ufeff#deck:{"id": "belarus-prisoner-release-2025"')
    rows = list(csv.DictReader(io.StringIO(table, newline="")))
    assert len(rows) == len(load_deck(NEWS_DECK).questions)
    assert rows[0]["id"] == "who-was-released"
    back = tmp_path / "back.toml"
    (tmp_path / "news.csv").write_text(written, encoding="utf-8", newline="")
    assert run("import", tmp_path / "news.csv", "-o", back).exit_code == 0
    assert load_deck(back) == load_deck(NEWS_DECK)

    out = tmp_path / "news.gift"
    result = run("export", NEWS_DECK, "--to", "gift", "-o", out)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == f"wrote {out}: 25 questions"
    assert "Who was released?" in out.read_text(encoding="utf-8")


def test_export_anki_needs_a_file_and_writes_a_package(tmp_path: Path) -> None:
    assert run("export", NEWS_DECK, "--to", "anki").exit_code == 2
    out = tmp_path / "news.apkg"
    result = run("export", NEWS_DECK, "--to", "anki", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Anki checks no answers" in result.stderr
    with zipfile.ZipFile(out) as package:
        (tmp_path / "c.anki2").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as db:
        assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 25
    assert run("export", NEWS_DECK, "--to", "anki", "-o", out).exit_code == 1
    assert run("export", NEWS_DECK, "--to", "anki", "-o", out, "--force").exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".apkg"] == ["news.apkg"]


def test_export_anki_without_genanki_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "genanki" else real(name, *a)
    )
    result = run("export", NEWS_DECK, "--to", "anki", "-o", tmp_path / "x.apkg")
    assert result.exit_code == 1
    assert "pip install genanki" in result.stderr
    assert not (tmp_path / "x.apkg").exists()


def test_export_of_an_invalid_deck_shows_its_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[deck]\nid = 'x'\n", encoding="utf-8")
    result = run("export", bad, "--to", "csv")
    assert result.exit_code == 1
    assert f"{bad}:" in result.stderr
    assert "is not a valid deck" in result.stderr
    assert result.stdout == ""


def test_csv_round_trip_through_the_cli(tmp_path: Path) -> None:
    deck_file = tmp_path / "capitals.toml"
    assert run("import", DATA / "csv" / "capitals.csv", "-o", deck_file).exit_code == 0
    exported = tmp_path / "capitals-out.csv"
    assert run("export", deck_file, "--to", "csv", "-o", exported).exit_code == 0
    again = tmp_path / "again.toml"
    result = run("import", exported, "--id", "capitals", "--title", "Capitals", "-o", again)
    assert result.exit_code == 0
    assert load_deck(again) == load_deck(deck_file)


def test_check_fix_adds_ids_and_then_the_deck_passes_strict(tmp_path: Path) -> None:
    text = (
        "# My deck\n[deck]\nid = 'mine'\ntitle = 'Mine'\n\n"
        "[[questions]]  # first\nkind = 'short'\nprompt = 'Who?'\nanswer = 'Ann'\n"
    )
    deck = tmp_path / "mine.toml"
    deck.write_text(text, encoding="utf-8")
    before = run("check", "--strict", deck)
    assert before.exit_code == 1  # a question without an id is a warning
    fixed = run("check", "--strict", "--fix", deck)
    assert fixed.exit_code == 0, fixed.output
    assert f'{deck}: question 1: added id = "who"' in fixed.stderr
    assert deck.read_text(encoding="utf-8") == text.replace(
        "[[questions]]  # first\n", '[[questions]]  # first\nid = "who"\n'
    )
    again = run("check", "--fix", deck)
    assert "added id" not in again.stderr


def test_check_fix_leaves_a_broken_deck_to_the_checker(tmp_path: Path) -> None:
    deck = tmp_path / "broken.toml"
    deck.write_text("[deck\n", encoding="utf-8")
    result = run("check", "--fix", deck)
    assert result.exit_code == 1
    assert f"{deck}:1:" in result.output
    assert deck.read_text(encoding="utf-8") == "[deck\n"


def test_export_to_a_terminal_strips_escape_sequences(tmp_path: Path, run_on_tty: TtyRun) -> None:
    """Deck text is untrusted: on a terminal, an ESC from a deck must not reach it."""
    deck = tmp_path / "evil.toml"
    deck.write_text(
        '[deck]\nid = "evil"\ntitle = "Evil"\n\n[[questions]]\nid = "q"\nkind = "flashcard"\n'
        'prompt = "Hi \\u001b]0;pwned\\u0007 \\u001b[2J there"\nanswer = "A"\n',
        encoding="utf-8",
    )
    code, output = run_on_tty("export", str(deck), "--to", "csv")
    assert code == 0
    assert b"q,flashcard,Hi   there,,A" in output
    assert b"\x1b" not in output and b"\x07" not in output


def test_delimiter_can_be_forced_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "odd.csv"
    table.write_text("prompt:answer\nWho?:Ann\n", encoding="utf-8")
    sniffed = run("import", table)
    assert sniffed.exit_code == 1
    assert "the first row has: 'prompt:answer'" in sniffed.stderr
    forced = run("import", table, "--delimiter", ":")
    assert forced.exit_code == 0, forced.output
    assert 'answer = "Ann"' in forced.stdout
    assert run("import", table, "--delimiter", "ab").exit_code == 2
    assert run("import", ARTICLE, "--from", "article", "--delimiter", ";").exit_code == 2


def test_export_warnings_point_at_the_question_they_concern(tmp_path: Path) -> None:
    deck = ROOT / "decks" / "chemistry-elements.toml"
    result = run("export", deck, "--to", "gift", "-o", tmp_path / "c.gift")
    assert result.exit_code == 0
    lines = deck.read_text("utf-8").splitlines()
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings
    for warning in warnings:
        where, _, message = warning.partition(": warning: ")
        number = int(where.rsplit(":", 1)[1])
        assert lines[number - 1] == "[[questions]]", warning
        question_id = message.split("(", 1)[1].split(")", 1)[0]
        assert f'id = "{question_id}"' in lines[number]


BRIDGE = DATA / "articles" / "corpus" / "bridge_closure.txt"


def test_suggest_accepts_edits_and_rejects_then_adds_to_an_existing_deck(
    tmp_path: Path,
) -> None:
    out = tmp_path / "bridge.toml"
    assert run("import", BRIDGE, "--suggest").exit_code == 2  # needs --from article and -o
    editor = "sed -i 's/^answer = 8$/answer = 9/'"  # the teacher's $EDITOR, scripted
    result = CliRunner(env={"VISUAL": editor, "EDITOR": editor}).invoke(
        main,
        ["import", str(BRIDGE), "--from", "article", "-o", str(out), "--suggest"],
        input="r\na\ne\na\ns\n",
    )
    assert result.exit_code == 0, result.output
    assert "Suggestion 1 of " in result.stdout and "(line 5):" in result.stdout
    deck = load_deck(out)
    assert len(deck.questions) == 6 + 2  # the six Key Questions, then the two accepted
    cloze, numeric = deck.questions[-2:]
    assert cloze.kind == "cloze" and "{{16 March}}" in cloze.text  # type: ignore[union-attr]
    assert numeric.kind == "numeric" and numeric.answer == 9  # type: ignore[union-attr]
    assert (cloze.source_line, numeric.source_line) == (5, 5)

    out.write_text("# Notes for the class\n" + out.read_text("utf-8"), encoding="utf-8")
    again = run_with_input(
        ["import", str(BRIDGE), "--from", "article", "-o", str(out), "--suggest"], "a\n"
    )
    assert again.exit_code == 0, again.output
    assert "added 1 question to" in again.stderr
    text = out.read_text("utf-8")
    assert text.startswith("# Notes for the class\n")  # kept, as every line was
    assert len(load_deck(out).questions) == 9
    assert "{{16 March}}" not in again.stdout  # what the deck has is not offered again


def run_with_input(args: list[str], text: str) -> Result:
    return CliRunner().invoke(main, args, input=text)
