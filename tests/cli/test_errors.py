"""One place turns the project's own errors into a message: `quiz.cli`, for every command.

Each error class a command may raise reaches the user as `Error: MESSAGE` with exit status 1,
sanitised like all output; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from quiz import cli
from quiz.core.deckfile.diagnostics import DeckError, Diagnostic
from quiz.core.interchange.csv_tsv import TableError
from quiz.core.results.reading import ResultsFileError
from quiz.core.scheduling import OptimizerMissing
from quiz.errors import ConfigError, QuizError, StoreConflict, StoreError
from quiz.presentation.students import StudentNameError

RAISED = [
    ConfigError("config.toml: learning_steps: must be a list of minutes"),
    StoreError("quiz.sqlite3 is damaged"),
    StoreConflict("the card changed"),
    TableError("no prompt column"),
    DeckError([Diagnostic("d.toml", 3, 1, "error", "prompt is missing")]),
    ResultsFileError("ann.json", 1, "not JSON"),
    OptimizerMissing("install fsrs[optimizer]"),
    StudentNameError("a name needs a letter"),
]


@pytest.fixture
def failing_command(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """`quiz failing` raises the error the test puts in the returned list."""
    raised: list[BaseException] = []

    @click.command("failing")
    def failing() -> None:
        raise raised[0]

    monkeypatch.setitem(cli.main.commands, "failing", failing)
    return raised


@pytest.mark.parametrize("error", RAISED, ids=lambda error: type(error).__name__)
def test_every_project_error_is_one_message_and_status_1(
    failing_command: list[BaseException], error: QuizError
) -> None:
    assert isinstance(error, QuizError)
    failing_command.append(error)
    result = CliRunner().invoke(cli.main, ["failing"])
    assert result.exit_code == 1
    assert result.output == f"Error: {error}\n"
    assert "Traceback" not in result.output


def test_the_message_is_sanitised(failing_command: list[BaseException]) -> None:
    failing_command.append(StoreError("bad \x1b]52;c;SGVsbG8=\x07file [@click=app.quit]x[/]"))
    result = CliRunner().invoke(cli.main, ["failing"])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_any_other_exception_is_a_bug_and_not_hidden(failing_command: list[BaseException]) -> None:
    failing_command.append(RuntimeError("a bug"))
    result = CliRunner().invoke(cli.main, ["failing"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    assert "Error: a bug" not in result.output
