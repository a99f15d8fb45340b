"""`quiz check` (the teachers' linter, made for a deck repo's CI) and `quiz schema`.

Both stay light: no Textual, no study store, so `quiz check` starts fast in CI.
The loader and the deck models (pydantic) are imported inside the commands:
this module is imported by every `quiz` run, which must not pay for them.
Every line printed comes from deck files, which are untrusted: diagnostics are
sanitized (no escape sequences reach the terminal) and printed as plain text.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from quiz.core.collector import collector_paused
from quiz.core.text import counted, sanitize

if TYPE_CHECKING:
    from quiz.core.deckfile.diagnostics import Diagnostic

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"


@click.command("check")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--fix",
    is_flag=True,
    help="First add missing question ids in place (slugs of the prompts); nothing else changes.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: an object with `files` (file, ok, errors, warnings) and `diagnostics` "
    "(file, line, column, severity, message).",
)
def check(paths: tuple[Path, ...], strict: bool, fix: bool, output_format: str) -> None:
    """Check deck files (or folders of them) and report every problem as FILE:LINE:COL.

    Exit status: 0 when every deck is valid, 1 when any has an error (or a warning,
    with --strict), 2 on a usage error.
    """
    from quiz.core.deckfile.finding import find_deck_files

    files = find_deck_files(paths)
    if not files:
        shown = ", ".join(sanitize(str(p)) for p in paths)
        raise click.UsageError(f"no deck files (*.toml) found in {shown}")
    diagnostics: list[Diagnostic] = []
    summaries: list[dict[str, Any]] = []
    # A deck's objects live while it is checked: cyclic collection would only walk them again
    # and again (~20% of a 10k deck's check). Importing the linter (pydantic, the deck models)
    # too: its thousands of objects all stay; ~5 ms faster paused.
    with collector_paused(survivors_old=True):
        from quiz.core.deckfile.lint import lint_deck

        for file in files:
            if fix:
                _fix_ids(file)
            result = lint_deck(file)
            diagnostics.extend(result.diagnostics)
            failed = bool(result.errors) or (strict and bool(result.warnings))
            summaries.append(
                {
                    "file": str(file),
                    "ok": not failed,
                    "errors": len(result.errors),
                    "warnings": len(result.warnings),
                }
            )
            # The deck goes now, not when the next one is built (one deck in memory at a
            # time), nor when the command ends: freed while the collector is paused.
            del result
    if output_format == "json":
        report = {"files": summaries, "diagnostics": [d.to_json() for d in diagnostics]}
        click.echo(json.dumps(report, indent=2))  # ASCII-only: escapes cannot reach a terminal
    elif diagnostics:  # one write: click.echo flushes each time (1,735 lines for a 10k deck)
        click.echo("\n".join(str(diagnostic) for diagnostic in diagnostics))
    errors = sum(s["errors"] for s in summaries)
    warnings = sum(s["warnings"] for s in summaries)
    failed_files = sum(not s["ok"] for s in summaries)
    decks = counted(len(files), "deck")
    counts = f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"
    verdict = f"{failed_files} failed" if failed_files else "all valid"
    click.echo(f"checked {decks}: {counts}; {verdict}", err=True)
    if failed_files:
        raise click.exceptions.Exit(1)


def _fix_ids(file: Path) -> None:
    """`check --fix`: add missing question ids (logic in `quiz.core.interchange.fix_ids`)."""
    from quiz.core.deckfile.diagnostics import DeckError
    from quiz.core.interchange.fix_ids import fix_file

    try:
        added = fix_file(file)
    except (ValueError, DeckError):
        return  # not a UTF-8 TOML file: the check below reports what is wrong, and where
    except OSError as error:
        click.echo(f"{sanitize(str(file))}: cannot add ids: {error.strerror}", err=True)
        return
    for item in added:
        click.echo(
            f'{sanitize(str(file))}: question {item.position}: added id = "{item.id}"', err=True
        )


def deck_schema() -> dict[str, Any]:
    """The JSON Schema of a deck file, for TOML language servers (taplo, Even Better TOML)."""
    from quiz.core.models import Deck

    schema = _without_null(Deck.model_json_schema())
    _describe_fields(schema)
    return {
        "$schema": SCHEMA_URL,
        "title": "quiz deck",
        "description": "A deck file of the `quiz` app: a [deck] table and [[questions]]. "
        "See decks/README.md in the quiz repository.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _describe_fields(schema: dict[str, Any]) -> None:
    """Add each field's docstring to the schema as its description, for editor tooltips.

    pydantic's `use_attribute_docstrings` would do this at import time, for every run of
    every command (~20 ms of source parsing); only `quiz schema` needs it.
    """
    from quiz.core import models

    try:
        docs = _attribute_docstrings(inspect.getsource(models))
    except OSError:  # installed without sources: the schema still works, undescribed
        return
    classes = {cls.__name__: cls for cls in vars(models).values() if isinstance(cls, type)}
    for name, definition in schema.get("$defs", {}).items():
        bases = [c.__name__ for c in getattr(classes.get(name), "__mro__", ())]
        for field_name, field_schema in definition.get("properties", {}).items():
            doc = next((docs[b][field_name] for b in bases if field_name in docs.get(b, {})), None)
            if doc and "description" not in field_schema:
                field_schema["description"] = doc


def _attribute_docstrings(source: str) -> dict[str, dict[str, str]]:
    """{class: {field: docstring}} for the `field: T` lines followed by a string literal."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        for statement, following in itertools.pairwise(node.body):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                doc = inspect.cleandoc(following.value.value)
                found.setdefault(node.name, {})[statement.target.id] = doc
    return found


def _without_null(node: Any) -> Any:
    """Drop the `null` branch of optional fields: TOML has no null, so editors must not offer it."""
    if isinstance(node, list):
        return [_without_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _without_null(value) for key, value in node.items()}
    if "anyOf" in node:
        branches = [b for b in node["anyOf"] if b != {"type": "null"}]
        if len(branches) < len(node["anyOf"]):
            if node.get("default", 0) is None:
                del node["default"]
            del node["anyOf"]
            if len(branches) == 1:
                node = {**branches[0], **node}
            else:
                node["anyOf"] = branches
    return node


@click.command("schema")
def schema() -> None:
    """Print the JSON Schema of deck files, for editor completion and validation.

    Save it next to your decks (`quiz schema > deck.schema.json`) and put
    `#:schema ./deck.schema.json` on the first line of a deck.
    """
    click.echo(json.dumps(deck_schema(), indent=2))
