"""`quiz import ARTICLE --suggest`: the teacher goes through the questions the article's body
suggests (`quiz.core.interchange.article.suggest`), one at a time, with the sentence in
front of them: accept, edit (in `$VISUAL` / `$EDITOR`, as TOML), reject, or stop.

A new deck gets the Key Questions and the accepted suggestions. An existing deck (`-o`
naming one) gets the accepted suggestions appended through tomlkit, so every comment and
every line the teacher wrote stays as it was; suggestions it already has (same line and
key) are not offered again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from pydantic import TypeAdapter, ValidationError

from quiz.core.interchange.article.suggest import Suggestion
from quiz.core.interchange.fix_ids import unique_slug
from quiz.core.models import Deck, Question
from quiz.core.text import sanitize

_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)


def review_suggestions(suggestions: list[Suggestion], taken: set[str]) -> list[dict[str, Any]]:
    """Ask about each suggestion on the terminal; the accepted (or edited) questions, each
    with an id not in `taken`."""
    accepted: list[dict[str, Any]] = []
    total = len(suggestions)
    for number, suggestion in enumerate(suggestions, start=1):
        click.echo("")
        click.echo(f"Suggestion {number} of {total} (line {suggestion.line}):")
        click.echo(f"  {sanitize(suggestion.sentence)}")
        question = dict(suggestion.question)
        while True:
            click.echo(_shown(question))
            try:
                choice = click.prompt(
                    "[a]ccept, [e]dit, [r]eject, [s]top",
                    type=click.Choice(["a", "e", "r", "s"]),
                    default="r",
                    show_choices=False,
                )
            except click.Abort:  # end of input, or Ctrl+C: keep what was accepted
                click.echo("")
                choice = "s"
            if choice == "e":
                edited = _edited(question)
                if edited is not None:
                    question = edited
                continue
            break
        if choice == "s":
            break
        if choice == "a":
            basis = str(question.get("prompt") or question.get("text") or "")
            question = {"id": unique_slug(basis, taken), **question}
            accepted.append(question)
    return accepted


def _shown(question: dict[str, Any]) -> str:
    """The question as the teacher reviews it: what is asked and what is right."""
    if question["kind"] == "cloze":
        asked = f"  cloze: {question['text']}"
    else:
        asked = f"  {question['kind']}: {question.get('prompt', '')}"
        answer = question.get("answer")
        unit = f" {question['unit']}" if question.get("unit") else ""
        tolerance = f" ± {question['tolerance']:g}" if question.get("tolerance") else ""
        asked += f"\n  answer: {answer}{tolerance}{unit}"
    return sanitize(asked)


def _edited(question: dict[str, Any]) -> dict[str, Any] | None:
    """The question edited as TOML in the teacher's editor; None (after saying why) when the
    editor was closed without saving or the result is not a valid question."""
    import tomli

    from quiz.core.interchange.toml_writer import question_to_toml

    current = _QUESTION.validate_python(question)
    text = click.edit(question_to_toml(current), extension=".toml")
    if text is None:
        click.echo("  not saved: unchanged")
        return None
    try:
        tables = tomli.loads(text).get("questions")
        candidate = tables[0] if isinstance(tables, list) and tables else None
        if not isinstance(candidate, dict):
            raise ValueError("keep the [[questions]] line and its keys")
        _QUESTION.validate_python(candidate)
    except (ValueError, ValidationError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        click.echo(f"  not a valid question ({sanitize(first)}): unchanged")
        return None
    return candidate


def append_to_deck(path: Path, questions: list[dict[str, Any]]) -> None:
    """Append `questions` to the deck file at `path` through tomlkit, keeping every comment
    and line already there; the file is replaced atomically."""
    import os

    import tomlkit

    text = path.read_text(encoding="utf-8")
    document = tomlkit.parse(text)
    tables = document.get("questions")
    if tables is None:
        tables = tomlkit.aot()
        document.append("questions", tables)
    for question in questions:
        table = tomlkit.table()
        for key, value in question.items():
            table.add(key, value)
        tables.append(table)
    temporary = path.with_name(f".{path.name}.suggest.tmp")
    temporary.write_text(tomlkit.dumps(document), encoding="utf-8")
    os.replace(temporary, path)


def not_yet_in(deck: Deck, suggestions: list[Suggestion]) -> list[Suggestion]:
    """The suggestions a deck made from the same article does not have yet (same line, and
    the same key as a cloze's blank or a numeric answer)."""
    have = set()
    for question in deck.questions:
        if question.source_line is None:
            continue
        have.add((question.source_line, str(getattr(question, "answer", ""))))
        for blank in getattr(question, "blanks", ()):
            have.add((question.source_line, blank.answer))
    return [
        s
        for s in suggestions
        if (s.line, s.key) not in have and (s.line, str(s.question.get("answer", ""))) not in have
    ]
