"""The one command-line entry point: `quiz`, its global options and its subcommands.

`quiz` alone opens the library, `quiz DECK` opens a deck, and every other verb
is a subcommand. Subcommands live in `quiz/commands/` and are registered here;
heavy imports (Textual, the study store) happen inside the commands that need
them so that `quiz check` and `quiz --help` start instantly.
"""

from __future__ import annotations

from pathlib import Path

import click


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


from quiz.commands.authoring import new  # noqa: E402  (helper C: quiz new)

main.add_command(new)

from quiz.commands.deck import check, schema  # noqa: E402  (helper A: linter and JSON Schema)

main.add_command(check)
main.add_command(schema)

from quiz.commands.data import backup, doctor, restore  # noqa: E402  (helper D1: study database care)

main.add_command(backup)
main.add_command(restore)
main.add_command(doctor)

from quiz.commands.interchange import export, import_  # noqa: E402  (helper E2: import/export)

main.add_command(import_)
main.add_command(export)

from quiz.commands.ui import open_, review, take  # noqa: E402  (helper F: the app and plain mode)

main.add_command(open_)
main.add_command(take)
main.add_command(review)

from quiz.commands.serve import serve  # noqa: E402  (helper H: quiz serve, browsers)

main.add_command(serve)

from quiz.commands.results import results  # noqa: E402  (helper G: results for grading)

main.add_command(results)

from quiz.commands.study import optimize, stats  # noqa: E402  (helper D2: statistics, FSRS fit)

main.add_command(stats)
main.add_command(optimize)
