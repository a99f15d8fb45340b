"""`quiz check` and `quiz schema`: output, exit codes, JSON, and inert hostile text."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli
from click.testing import CliRunner, Result

from quiz.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
DECKS = ROOT / "decks"
DATA = ROOT / "tests" / "data"
BROKEN = DATA / "broken"
HOSTILE = DATA / "hostile"

NO_ID_DECK = (
    '[deck]\nid = "d"\ntitle = "T"\n\n'
    '[[questions]]\nkind = "truefalse"\nprompt = "p"\nanswer = true\n'
)
NO_ID = "warning: question has no id; its review history is lost when the prompt changes"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def bundled_decks() -> list[Path]:
    """The decks shipped in `decks/`; a deck from tests/data while none are written yet."""
    return sorted(DECKS.glob("*.toml")) or [DATA / "hostile" / "valid.toml"]


def test_bundled_decks_pass() -> None:
    result = run("check", str(DECKS))
    assert result.exit_code == 0, result.output
    assert ": error: " not in result.stdout
    count = len(bundled_decks())
    assert result.stderr.startswith(f"checked {count} decks: 0 errors, ")
    assert result.stderr.endswith("; all valid\n")


def test_broken_decks_fail_with_one_line_per_problem() -> None:
    result = run("check", str(BROKEN))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    files = sorted(BROKEN.glob("*.toml"))
    assert {line.split(":", 1)[0] for line in lines} == {str(f) for f in files}
    errors = [line for line in lines if ": error: " in line]
    warnings = [line for line in lines if ": warning: " in line]
    assert len(errors) + len(warnings) == len(lines)
    assert all(": question has no id" in line for line in warnings)  # shown despite errors
    assert result.stderr == (
        f"checked {len(files)} decks: {len(errors)} errors, {len(warnings)} warnings;"
        f" {len(files)} failed\n"
    )


def test_one_file_output_is_exact() -> None:
    path = BROKEN / "missing-answer.toml"
    result = run("check", str(path))
    assert result.exit_code == 1
    assert (
        result.stdout
        == f"{path}:5:1: error: missing required key 'answer' for a 'short' question\n"
    )
    assert result.stderr == "checked 1 deck: 1 error, 0 warnings; 1 failed\n"


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    deck = tmp_path / "no-id.toml"
    deck.write_text(NO_ID_DECK)
    line = f"{deck}:5:1: {NO_ID}\n"
    relaxed = run("check", str(deck))
    assert (relaxed.exit_code, relaxed.stdout) == (0, line)
    assert relaxed.stderr == "checked 1 deck: 0 errors, 1 warning; all valid\n"
    strict = run("check", "--strict", str(deck))
    assert (strict.exit_code, strict.stdout) == (1, line)
    assert strict.stderr == "checked 1 deck: 0 errors, 1 warning; 1 failed\n"


def test_json_format(tmp_path: Path) -> None:
    warned = tmp_path / "no-id.toml"
    warned.write_text(NO_ID_DECK)
    broken = BROKEN / "bad-slug-id.toml"
    result = run("check", "--format", "json", str(warned), str(broken))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["files"] == sorted(
        [
            {"file": str(warned), "ok": True, "errors": 0, "warnings": 1},
            {"file": str(broken), "ok": False, "errors": 1, "warnings": 0},
        ],
        key=lambda f: f["file"],
    )
    by_file = {d["file"]: d for d in report["diagnostics"]}
    assert by_file[str(broken)]["line"] == 6
    assert by_file[str(broken)]["column"] == 6
    assert by_file[str(broken)]["severity"] == "error"
    assert by_file[str(warned)] == {
        "file": str(warned),
        "line": 5,
        "column": 1,
        "severity": "warning",
        "message": "question has no id; its review history is lost when the prompt changes",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Missing argument 'PATHS...'"),
        (["nope.toml"], "Path 'nope.toml' does not exist"),
        (["--format", "xml", "decks"], "Invalid value for '--format'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run("check", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_folder_without_decks_is_a_usage_error(tmp_path: Path) -> None:
    result = run("check", str(tmp_path))
    assert result.exit_code == 2
    assert f"no deck files (*.toml) found in {tmp_path}" in result.stderr


# --- the JSON Schema --------------------------------------------------------------------


def as_json(value: Any) -> Any:
    """A parsed deck as a TOML language server sees it: dates and times become strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "quiz deck"
    assert "null" not in result.stdout  # TOML has no null: editors must not suggest it
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("deck", bundled_decks(), ids=lambda p: p.name)
def test_schema_accepts_the_bundled_decks(
    validator: jsonschema.Draft202012Validator, deck: Path
) -> None:
    data = as_json(tomli.loads(deck.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize(
    "name",
    [
        "bad-kind.toml",
        "unknown-question-key.toml",
        "missing-answer.toml",
        "truefalse-given-string.toml",
        "match-pair-of-three.toml",
        "bad-slug-id.toml",
    ],
)
def test_schema_rejects_broken_decks(validator: jsonschema.Draft202012Validator, name: str) -> None:
    data = as_json(tomli.loads((BROKEN / name).read_text(encoding="utf-8")))
    assert not validator.is_valid(data)


def test_schema_describes_fields_for_editors(validator: jsonschema.Draft202012Validator) -> None:
    definitions = validator.schema["$defs"]
    pass_mark = definitions["DeckMeta"]["properties"]["pass_mark"]
    assert pass_mark["description"] == "Percentage of the points needed to pass a quiz."
    # Inherited fields are described too (`exact` is declared on TypedAnswerOptions).
    exact = definitions["ShortAnswer"]["properties"]["exact"]
    assert exact["description"].startswith("Turn typo tolerance off")
    assert definitions["SingleChoice"]["description"] == "Pick the one correct choice."


# --- hostile text and a real process ---------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_hostile_deck_prints_no_escape_sequences(output_format: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "quiz", "check", "--format", output_format, str(HOSTILE)],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    out = completed.stdout + completed.stderr
    for control in (b"\x1b", b"\x07", "\x9b".encode()):  # ESC, BEL, the one-byte CSI (C1)
        assert control not in out
    assert b"Traceback" not in out
    if output_format == "text":
        # The text is shown, sanitized and inert: markup stays literal brackets.
        assert b"answer 'wipe' is not one of the choices" in completed.stdout
        assert b"'[bold]' is not a valid id" in completed.stdout


def test_exit_codes_of_the_real_command(tmp_path: Path) -> None:
    def status(*args: str) -> int:
        return subprocess.run(
            [sys.executable, "-m", "quiz", "check", *args],
            capture_output=True,
            cwd=ROOT,
            timeout=60,
            check=False,
        ).returncode

    assert status(str(bundled_decks()[0])) == 0
    assert status(str(BROKEN / "duplicate-id.toml")) == 1
    assert status(str(tmp_path / "missing.toml")) == 2


def test_check_gives_the_collector_back_as_it_found_it() -> None:
    """`quiz check` pauses cyclic collection while it parses; a process that runs it (a test
    run, a tool embedding quiz) keeps collecting afterwards, even when the check fails."""
    import gc

    assert gc.isenabled()
    deck = DECKS / "chemistry-elements.toml"
    assert CliRunner().invoke(main, ["check", str(deck)]).exit_code == 0
    assert gc.isenabled()
    assert CliRunner().invoke(main, ["check", str(deck.with_name("missing.toml"))]).exit_code
    assert gc.isenabled()


def test_survivors_of_a_pause_are_made_old_without_touching_a_freeze() -> None:
    """`collector_paused(survivors_old=True)` (what `quiz check` uses) gives the collector
    back with what the block made in the oldest generation, still collectable; objects
    someone else froze stay frozen."""
    import gc

    from quiz.core.collector import collector_paused

    gc.enable()
    with collector_paused(survivors_old=True):
        made: list[object] = [[]]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert any(thing is made for thing in gc.get_objects(generation=2))
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused(survivors_old=True):
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_the_linter_knows_every_kind_it_has_warnings_for() -> None:
    """The linter tells kinds apart by `type() is`, for speed: ShortAnswer and Cloze have the
    typed-answer options (`exact`, `typo_threshold`, `fold_accents`), SingleChoice and
    MultipleChoice have choices. A new kind with either must be added there too."""
    from typing import get_args

    from quiz.core import models

    kinds = get_args(get_args(models.Question)[0])
    typed = {kind for kind in kinds if issubclass(kind, models.TypedAnswerOptions)}
    assert typed == {models.ShortAnswer, models.Cloze}
    with_choices = {kind for kind in kinds if "choices" in kind.model_fields}
    assert with_choices == {models.SingleChoice, models.MultipleChoice}
