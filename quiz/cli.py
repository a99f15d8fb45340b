"""The one command-line entry point: `quiz`, its global options and its subcommands.

`quiz` alone opens the library, `quiz DECK` opens a deck, and every other verb
is a subcommand. Subcommands live in `quiz/commands/` and are registered here;
heavy imports (Textual, the study store) happen inside the commands that need
them so that `quiz check` and `quiz --help` start instantly.
"""

from __future__ import annotations

from pathlib import Path

import click

from quiz.commands.authoring import new
from quiz.commands.data import backup, doctor, restore
from quiz.commands.deck import check, schema
from quiz.commands.interchange import export, import_
from quiz.commands.results import results
from quiz.commands.serve import serve
from quiz.commands.study import optimize, stats
from quiz.commands.ui import open_, review, take


class DeckDefaultGroup(click.Group):
    """A group whose first argument may be a deck instead of a subcommand (`quiz DECK`)."""

    default_command = "open"

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        # Called after the group's own options are parsed, so `--db PATH` is never
        # mistaken for the deck: only the first remaining word is looked at.
        if (
            args
            and not args[0].startswith("-")
            and args[0] not in self.commands
            and self.default_command in self.commands
        ):
            args = [self.default_command, *args]
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        """Any command that meets a damaged or too-new database ends with its one-line message."""
        try:
            return super().invoke(ctx)
        except Exception as error:
            from quiz.core.backup import StoreError  # only on the error path: keeps startup light
            from quiz.core.text import sanitize

            if isinstance(error, StoreError):
                raise click.ClickException(sanitize(str(error))) from error
            raise


@click.group(cls=DeckDefaultGroup, invoke_without_command=True)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="QUIZ_DB",
    help="Study database file (default: quiz.sqlite3 in the user data folder; env QUIZ_DB).",
)
@click.version_option(package_name="quiz")
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Quizzes and spaced-repetition review from plain TOML decks.

    Run `quiz` to open the deck library, `quiz DECK.toml` to open one deck.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None and "open" in main.commands:
        ctx.invoke(main.commands["open"])


for command in (
    open_,
    take,
    review,
    stats,
    new,
    check,
    schema,
    import_,
    export,
    results,
    serve,
    backup,
    restore,
    doctor,
    optimize,
):
    main.add_command(command)
