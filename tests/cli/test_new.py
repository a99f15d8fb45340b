"""`quiz new`: the starter deck is valid, covers every kind, and never clobbers a file."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from quiz.cli import main
from quiz.commands.authoring import (
    TEMPLATE_ID_LINE,
    TEMPLATE_TITLE_LINE,
    slugify,
    starter_deck,
    title_from_name,
)
from quiz.core.deckfile.loading import load_deck, parse_deck
from quiz.core.models import SLUG_PATTERN, Flashcard
from quiz.core.outline import QUESTION_KINDS


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["new", *args])
    return result.exit_code, result.output


def test_new_writes_a_valid_deck_with_every_kind(tmp_path: Path) -> None:
    target = tmp_path / "world-rivers.toml"
    code, output = run(str(target))
    assert code == 0, output
    assert "quiz check" in output
    deck = load_deck(target)
    assert deck.deck.id == "world-rivers"
    assert deck.deck.title == "World rivers"
    assert [q.kind for q in deck.questions] == list(QUESTION_KINDS)
    assert all(q.id and q.explanation for q in deck.questions)
    assert any(isinstance(q, Flashcard) and q.reverse for q in deck.questions)


def test_quiz_check_accepts_the_written_deck_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "starter.toml"
    assert run(str(target))[0] == 0
    result = CliRunner().invoke(main, ["check", "--strict", str(target)])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_written_deck_keeps_the_template_comments(tmp_path: Path) -> None:
    template = files("quiz.templates").joinpath("starter.toml").read_text(encoding="utf-8")
    target = tmp_path / "biology.toml"
    assert run(str(target))[0] == 0
    written = target.read_text(encoding="utf-8")
    comments = [line for line in template.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 20
    assert [line for line in written.splitlines() if line.lstrip().startswith("#")] == comments
    assert written.count("\n") == template.count("\n")


def test_template_is_a_valid_deck_with_the_lines_new_fills_in() -> None:
    template = files("quiz.templates").joinpath("starter.toml").read_text(encoding="utf-8")
    assert template.count(TEMPLATE_ID_LINE) == 1
    assert template.count(TEMPLATE_TITLE_LINE) == 1
    deck = parse_deck(template, "starter.toml")
    assert deck.deck.id == "my-deck"
    assert {q.kind for q in deck.questions} == set(QUESTION_KINDS)


def test_new_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    target.write_text("# my precious deck\n", encoding="utf-8")
    code, output = run(str(target))
    assert code == 1
    assert output.count("\n") == 1
    assert "already exists" in output
    assert "--force" in output
    assert target.read_text(encoding="utf-8") == "# my precious deck\n"


def test_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    target.write_text("# old\n", encoding="utf-8")
    code, output = run("--force", str(target))
    assert code == 0, output
    assert load_deck(target).deck.id == "mine"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, output = run(str(tmp_path / "no-such-folder" / "deck.toml"))
    assert code == 1
    assert output.strip().endswith("does not exist")
    assert not (tmp_path / "no-such-folder").exists()


def test_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run(str(tmp_path))
    assert code == 2
    assert "is a directory" in output


def test_messages_do_not_pass_escape_sequences_from_the_file_name(tmp_path: Path) -> None:
    target = tmp_path / "evil\x1b]0;pwned\x07\x1b[31m.toml"
    code, output = run(str(target))
    assert code == 0, output
    assert "\x1b" not in output and "\x07" not in output
    deck = load_deck(target)
    assert re.fullmatch(SLUG_PATTERN, deck.deck.id)
    assert "\x1b" not in deck.deck.title


@pytest.mark.parametrize(
    ("name", "slug", "title"),
    [
        ("World-Rivers", "world-rivers", "World Rivers"),
        ("world_rivers", "world-rivers", "World rivers"),
        ("GCSE chemistry 2", "gcse-chemistry-2", "GCSE chemistry 2"),
        ("Ökologie Grundlagen", "okologie-grundlagen", "Ökologie Grundlagen"),
        ("Łódź 2025", "lodz-2025", "Łódź 2025"),
        ("--deck--", "deck", "Deck"),
        ("???", "deck", "???"),
        ("", "deck", "New deck"),
        ("日本語", "deck", "日本語"),
        ("a" * 150, "a" * 100, "A" + "a" * 149),
        ("a" * 99 + "-b", "a" * 99, "A" + "a" * 98 + " b"),
    ],
)
def test_id_and_title_from_the_file_name(name: str, slug: str, title: str) -> None:
    assert slugify(name) == slug
    assert title_from_name(name) == title


@given(st.text(alphabet=st.characters(exclude_characters="/\x00"), max_size=60))
def test_any_file_name_gives_a_valid_deck(name: str) -> None:
    deck = parse_deck(starter_deck(Path(f"{name}.toml")), "deck.toml")
    assert re.fullmatch(SLUG_PATTERN, deck.deck.id)
    assert deck.deck.title.strip()
