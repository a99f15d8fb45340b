"""The `synchronous` setting: how durably each answer is committed, from config.toml to SQLite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from quiz.cli import main
from quiz.commands.files import database_path, open_store
from quiz.config import Settings, config_path
from quiz.core.storage import Store
from quiz.errors import ConfigError

DECK = """\
[deck]
id = "geo"
title = "Geography"

[[questions]]
id = "fr"
kind = "flashcard"
prompt = "Capital of France?"
answer = "Paris"
"""


def write_config(text: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "level"),
    [("", "FULL"), ('synchronous = "full"\n', "FULL"), ('synchronous = "normal"\n', "NORMAL")],
)
def test_the_setting_names_the_sqlite_level(text: str, level: str) -> None:
    write_config(text)
    assert Settings.load().sqlite_synchronous == level


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('synchronous = "off"', "synchronous: Input should be 'full' or 'normal'"),
        ('synchronous = "FULL"', "synchronous: Input should be 'full' or 'normal'"),
        ("synchronous = 1", "synchronous: Input should be a valid string"),
    ],
)
def test_other_values_are_a_one_line_error(text: str, message: str) -> None:
    write_config(text + "\n")
    with pytest.raises(ConfigError) as caught:
        Settings.load()
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_save_writes_the_chosen_level_only(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    Settings().save(path)
    assert "synchronous" not in path.read_text(encoding="utf-8")
    Settings(synchronous="normal").save(path)
    assert Settings.load(path).synchronous == "normal"


@pytest.mark.parametrize(("choice", "pragma"), [("full", 2), ("normal", 1)])
def test_study_commands_open_the_store_at_that_level(
    tmp_path: Path, choice: str, pragma: int
) -> None:
    context = click.Context(main, obj={"db": str(tmp_path / "quiz.sqlite3")})
    with open_store(database_path(context), settings=Settings(synchronous=choice)) as store:
        assert store.read("SELECT * FROM pragma_synchronous") == [(pragma,)]


def test_review_reads_the_setting_from_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config('synchronous = "normal"\n')
    deck = tmp_path / "geo.toml"
    deck.write_text(DECK, encoding="utf-8")
    opened: list[str] = []
    real_open = Store.open

    def spy(path: Path | str, **options: Any) -> Store:
        opened.append(options.get("synchronous", "FULL"))
        return real_open(path, **options)

    monkeypatch.setattr(Store, "open", spy)
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "q.sqlite3"), "review", "--plain", str(deck)], input="q\n"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert opened == ["NORMAL"]
