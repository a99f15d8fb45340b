"""`quiz results` and `quiz results merge`: attempts out for grading, and a class table back.

`quiz results [DECK]` is short for `quiz results export [DECK]`: the group puts
the default subcommand in front of anything that is not one of its own, as the
`quiz` group does with `quiz DECK`. Output goes to `-o FILE` (never replaced
without `--force`) or stdout, sanitized when stdout is a terminal; the format
is `--format`, else the output file's suffix, else CSV.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.commands.files import database_path, load_deck_or_fail, open_store, write_output
from quiz.core.text import sanitize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from quiz.core.models import Deck
    from quiz.core.results.class_table import ClassTable
    from quiz.core.results.regrade import Change
    from quiz.core.storage import Store

FORMATS = ("csv", "json")


class _DefaultExportGroup(click.Group):
    """A group whose first word may be a deck or an option of `export` instead of a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["export", *args]
        return super().parse_args(ctx, args)


@click.group("results", cls=_DefaultExportGroup)
def results() -> None:
    """Quiz and exam results for grading, and class tables.

    `quiz results [DECK] [OPTIONS]` is `quiz results export`: it writes the
    attempts recorded in the study database. `quiz results merge FILES...` turns
    students' result files into one class table with question statistics.
    """


def _format(chosen: str | None, output: Path | None) -> str:
    if chosen is not None:
        return chosen
    if output is not None and output.suffix.lower() == ".json":
        return "json"
    return "csv"


def _deck_filter(store: Store, deck: str | None) -> tuple[str | None, dict[str, float]]:
    """The deck id DECK names (a deck file or an id in the store) and known pass marks."""
    if deck is None:
        return None, {}
    path = Path(deck)
    if path.is_file():
        loaded = load_deck_or_fail(path)
        return loaded.deck.id, {loaded.deck.id: loaded.deck.pass_mark}
    if store.deck(deck) is None:
        raise click.ClickException(
            f"{sanitize(deck)} is neither a deck file nor a deck id in the study database"
        )
    return deck, {}


def _pass_marks(store: Store, deck_ids: set[str], known: dict[str, float]) -> dict[str, float]:
    """Pass marks from the deck files the store last saw; decks that no longer load have none."""
    from quiz.core.deckfile.diagnostics import DeckError
    from quiz.core.deckfile.loading import load_deck

    marks = dict(known)
    for deck_id in deck_ids - set(marks):
        record = store.deck(deck_id)
        if record is None or record.path is None:
            continue
        try:
            loaded = load_deck(Path(record.path))
        except (DeckError, OSError):
            continue
        if loaded.deck.id == deck_id:
            marks[deck_id] = loaded.deck.pass_mark
    return marks


def _output_options(function: click.decorators.FC) -> click.decorators.FC:
    function = click.option("--force", is_flag=True, help="Overwrite the output file.")(function)
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="File to write (default: stdout).",
    )(function)


def _from_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--from",
        "from_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A class sync folder: every student's attempts in it (sync init --attempts-only).",
    )(function)


@contextmanager
def _attempt_source(ctx: click.Context, from_dir: Path | None) -> Iterator[Store]:
    """The store attempts are read from: the study database, or with `--from DIR` a
    temporary one filled from the class folder's event files (problems said on stderr)."""
    if from_dir is None:
        with open_store(database_path(ctx), must_exist=True) as store:
            yield store
        return
    from datetime import datetime, timezone

    from quiz.core.storage import Store
    from quiz.core.sync.engine import load_attempts

    with tempfile.TemporaryDirectory() as temporary:
        now = datetime.now(timezone.utc)
        with Store.open(Path(temporary) / "results.sqlite3", now=now) as store:
            for problem in load_attempts(store, from_dir, now=now):
                click.echo(f"warning: {sanitize(problem)}", err=True)
            yield store


@results.command("export")
@click.argument("deck", required=False)
@click.option("--student", help="Only this student's attempts (exact name).")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="csv or json (default: by -o suffix, csv)."
)
@click.option("--summary", is_flag=True, help="One row per attempt instead of per question.")
@_from_option
@_output_options
@click.pass_context
def export(
    ctx: click.Context,
    deck: str | None,
    student: str | None,
    fmt: str | None,
    summary: bool,
    from_dir: Path | None,
    output: Path | None,
    force: bool,
) -> None:
    """Write the recorded quiz and exam attempts (of DECK, a deck file or id; default all).

    One row per attempt and question asked (an unanswered one: empty response,
    0 points): student, deck id and content hash, attempt, mode, UTC start and
    finish, question id, response, correct, points earned and possible, time in ms.
    --summary: one row per attempt with score, percent and passed. Give the file
    to your teacher for `quiz results merge`. --from DIR: the attempts of every student
    syncing into the class folder DIR, instead of this device's.
    """
    from quiz.core.results.export import answer_rows, summary_rows, to_csv, to_json
    from quiz.core.results.records import ANSWER_FILE_COLUMNS, SUMMARY_COLUMNS

    fmt = _format(fmt, output)
    with _attempt_source(ctx, from_dir) as store:
        deck_id, known = _deck_filter(store, deck)
        if summary:
            # Attempts store their pass mark; only older ones need the deck file's.
            deck_ids = {a.deck_id for a in store.attempts(deck_id) if a.pass_mark is None}
            rows = summary_rows(
                store,
                deck_id=deck_id,
                student=student,
                pass_marks=_pass_marks(store, deck_ids, known),
            )
            records = [row.record() for row in rows]
            text = (
                to_json("summary", records) if fmt == "json" else to_csv(SUMMARY_COLUMNS, records)
            )
        else:
            answers = answer_rows(store, deck_id=deck_id, student=student)
            records = [row.record() for row in answers]
            text = (
                to_json("answers", records)
                if fmt == "json"
                else to_csv(ANSWER_FILE_COLUMNS, records)
            )
    write_output(output, text, force)
    attempts = len({(r["student"], r["attempt_id"], r["started"]) for r in records})
    if not records:
        click.echo("no attempts recorded" + (" for that student" if student else ""), err=True)
    elif output is not None:
        counted = _count(attempts, "attempt")
        if not summary:
            counted = f"{_count(len(records), 'answer')} in {counted}"
        click.echo(f"wrote {sanitize(str(output))}: {counted}", err=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@results.command("merge")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "table"]),
    help="csv, json or table (default: by -o suffix, csv).",
)
@click.option(
    "--all-attempts",
    is_flag=True,
    help="Question statistics over every attempt, not each student's first.",
)
@click.option(
    "--deck",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The deck sat: lists every choice of its choice questions, picked or not.",
)
@_from_option
@_output_options
@click.pass_context
def merge(
    ctx: click.Context,
    files: tuple[Path, ...],
    fmt: str | None,
    all_attempts: bool,
    deck: Path | None,
    from_dir: Path | None,
    output: Path | None,
    force: bool,
) -> None:
    """Merge students' result files into one class table.

    Per student and deck: attempts and the best score. Per question: attempts,
    answered right, facility (share of the marks earned) and Moodle's
    discrimination index (correlation of the question with the rest of the test,
    in percent), with flags for too hard, too easy, weak and misleading questions.
    Per answer: how often each wrong answer was given, and with --deck how often each
    choice was picked (distractor analysis). The same attempt handed in twice counts
    once. With -o FILE.csv each table is its own file (FILE-students.csv,
    FILE-questions.csv, FILE-answers.csv), and a readable table is also printed to
    stderr. --from DIR adds every attempt in the class sync folder DIR: no result files
    to collect by hand.
    """
    from quiz.core.files import read_regular_file
    from quiz.core.results.class_table import class_table, collect_attempts
    from quiz.core.results.reading import MAX_RESULTS_BYTES, read_answers

    fmt = _format(fmt, output)
    if not files and from_dir is None:
        raise click.UsageError("give result FILES to merge, or --from a class sync folder")
    parsed = []
    if from_dir is not None:
        from quiz.core.results.export import answer_rows

        with _attempt_source(ctx, from_dir) as store:
            parsed.append(answer_rows(store))
    for file in files:
        data = read_regular_file(  # an UnreadableFileError ends in quiz.cli
            file,
            what="results file",
            limit=MAX_RESULTS_BYTES,
            too_big="is it a student's results file?",
        )
        parsed.append(read_answers(data, str(file)))  # a ResultsFileError ends in quiz.cli
    attempts, duplicates = collect_attempts(parsed)
    sat = load_deck_or_fail(deck) if deck is not None else None
    table = class_table(attempts, duplicates=duplicates, all_attempts=all_attempts, deck=sat)
    if fmt == "table":
        if output is not None:
            raise click.UsageError("--format table prints to the terminal; drop -o")
        _print_table(table, err=False)
        return
    if output is None or fmt == "json":
        write_output(output, table.to_json() if fmt == "json" else table.to_csv(), force)
        written = [] if output is None else [output]
    else:
        written = _write_tables(output, table.csv_tables(), force)
    if output is not None:
        _print_table(table, err=True)
        for path in written:
            click.echo(f"wrote {sanitize(str(path))}", err=True)


def _write_tables(output: Path, tables: dict[str, str], force: bool) -> list[Path]:
    """One CSV file per table, named after `output` (`class.csv` -> `class-students.csv`);
    none is written when one would replace a file without `force`."""
    from quiz.commands.files import already_exists

    paths = {name: output.with_name(f"{output.stem}-{name}{output.suffix}") for name in tables}
    for path in paths.values():
        if path.exists() and not force:
            raise already_exists(path)
    for name, path in paths.items():
        write_output(path, tables[name], force=True)
    return list(paths.values())


def _mark_option(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[tuple[str, int, str], bool]:
    """`STUDENT:ATTEMPT:QUESTION=right|wrong` (as the changes are listed) -> the mark."""
    marks: dict[tuple[str, int, str], bool] = {}
    for value in values:
        answer, equals, verdict = value.rpartition("=")
        parts = answer.rsplit(":", 2)
        if not equals or len(parts) != 3 or verdict not in ("right", "wrong"):
            raise click.BadParameter(
                f"{sanitize(value)!r}: write STUDENT:ATTEMPT:QUESTION=right or =wrong"
            )
        student, attempt, question = parts
        if not attempt.isdigit():
            raise click.BadParameter(f"{sanitize(value)!r}: the attempt is a number")
        marks[(student, int(attempt), question)] = verdict == "right"
    return marks


@results.command("regrade")
@click.argument("deck", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mark",
    "marks",
    multiple=True,
    callback=_mark_option,
    metavar="STUDENT:ATTEMPT:QUESTION=right|wrong",
    help="Mark one answer right or wrong by hand (repeatable).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the regraded FILES to (default: only list the changes).",
)
@click.option("--force", is_flag=True, help="Overwrite regraded files already in the folder.")
@click.pass_context
def regrade(
    ctx: click.Context,
    deck: Path,
    files: tuple[Path, ...],
    marks: dict[tuple[str, int, str], bool],
    output: Path | None,
    force: bool,
) -> None:
    """Check every recorded answer to DECK again, after fixing its answer key or adding
    `accept`s, and apply answers marked by hand.

    Without FILES, the attempts in the study database are regraded. With FILES (result
    files students handed in), each is regraded into -o FOLDER under its own name, in its
    own format; without -o the changes are only listed. The first verdict is kept beside
    the new one (original_points, original_correct, regraded = key or hand); every change
    is listed as STUDENT:ATTEMPT:QUESTION, the form --mark takes.
    """
    from quiz.core.results.regrade import regrade_store

    loaded = load_deck_or_fail(deck)
    if not files:
        with open_store(database_path(ctx), must_exist=True) as store:
            changes = regrade_store(store, loaded, marks)
        _say_changes(changes, "the study database")
        return
    for file in files:
        _regrade_file(file, loaded, marks, output, force)


def _regrade_file(
    file: Path,
    deck: Deck,
    marks: dict[tuple[str, int, str], bool],
    output: Path | None,
    force: bool,
) -> None:
    from quiz.core.files import read_regular_file
    from quiz.core.results.export import to_csv, to_json
    from quiz.core.results.reading import MAX_RESULTS_BYTES, read_answers
    from quiz.core.results.records import ANSWER_FILE_COLUMNS
    from quiz.core.results.regrade import regraded_rows

    data = read_regular_file(
        file, what="results file", limit=MAX_RESULTS_BYTES, too_big="is it a results file?"
    )
    rows, changes = regraded_rows(read_answers(data, str(file)), deck, marks)
    _say_changes(changes, str(file))
    if output is None:
        return
    records = [row.record() for row in rows]
    json_file = file.suffix.lower() == ".json"
    text = to_json("answers", records) if json_file else to_csv(ANSWER_FILE_COLUMNS, records)
    output.mkdir(parents=True, exist_ok=True)
    target = output / file.name
    write_output(target, text, force)
    click.echo(f"wrote {sanitize(str(target))}", err=True)


def _say_changes(changes: Sequence[Change], where: str) -> None:
    """Each change on its own line (stdout), then a count (stderr)."""
    for change in changes:
        click.echo(sanitize(str(change)))
    by_hand = sum(change.how == "hand" for change in changes)
    hand = f" ({by_hand} marked by hand)" if by_hand else ""
    if changes:
        click.echo(f"{sanitize(where)}: {_count(len(changes), 'answer')} regraded{hand}", err=True)
    else:
        click.echo(f"{sanitize(where)}: no answer changes", err=True)


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def _print_table(table: ClassTable, *, err: bool) -> None:
    """Students and questions as Rich tables; every cell is plain, sanitized `Text`."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=sys.stderr if err else sys.stdout, highlight=False, soft_wrap=False)

    def cell(text: str) -> Text:
        return Text(sanitize(text))

    def titled(title: str, columns: str, left: int) -> Table:
        """A table of `columns` (`|`-separated), the first `left` of them text on the left."""
        made = Table(title=title, title_justify="left")
        for index, name in enumerate(columns.split("|")):
            made.add_column(name, justify="left" if index < left else "right")
        return made

    students = titled("Students (best attempt)", "Student|Deck|Attempts|Score|%", 2)
    for total in table.students:
        students.add_row(
            cell(total.student or "(no name)"),
            cell(total.deck_id),
            str(total.attempts),
            f"{_number(total.score)}/{_number(total.max_score)}",
            _number(total.percent, 0),
        )
    questions = titled("Questions", "Deck|Question|Attempts|Right|Facility|Discr.", 2)
    questions.add_column("Flags", justify="left")
    for item in table.questions:
        questions.add_row(
            cell(item.deck_id),
            cell(item.question_id),
            str(item.attempts),
            str(item.right),
            _number(item.facility),
            _number(item.discrimination, 0),
            ", ".join(item.flags),
        )
    answers = titled("Answers given", "Deck|Question|Answer|Times|Share|Right", 3)
    for given in table.answers:
        answers.add_row(
            cell(given.deck_id),
            cell(given.question_id),
            cell(given.answer),
            str(given.times),
            f"{100 * given.share:.0f}%",
            "yes" if given.right else "no",
        )
    console.print(students)
    console.print(questions)
    if table.answers:
        console.print(answers)
    analysed = "" if table.analysed == table.attempts else f", {table.analysed} analysed"
    dropped = f", {_count(table.duplicates, 'duplicate')} dropped" if table.duplicates else ""
    console.print(Text(f"{_count(table.attempts, 'attempt')}{analysed}{dropped}"))
