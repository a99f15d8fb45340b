"""The one command-line entry point: `quiz`, its global options and its subcommands.

`quiz` alone opens the library, `quiz DECK` opens a deck, and every other verb
is a subcommand. Subcommands live in `quiz/commands/` and are registered here;
heavy imports (Textual, the study store) happen inside the commands that need
them so that `quiz check` and `quiz --help` start instantly.
"""

from __future__ import annotations

import gc
from importlib import import_module
from pathlib import Path

import click

from quiz.errors import QuizError

SUBCOMMANDS = {
    "open": "quiz.commands.ui:open_",
    "take": "quiz.commands.ui:take",
    "review": "quiz.commands.ui:review",
    "stats": "quiz.commands.study:stats",
    "new": "quiz.commands.authoring:new",
    "check": "quiz.commands.deck:check",
    "schema": "quiz.commands.deck:schema",
    "import": "quiz.commands.interchange:import_",
    "export": "quiz.commands.interchange:export",
    "results": "quiz.commands.results:results",
    "serve": "quiz.commands.serve:serve",
    "backup": "quiz.commands.data:backup",
    "restore": "quiz.commands.data:restore",
    "doctor": "quiz.commands.data:doctor",
    "cache": "quiz.commands.data:cache",
    "optimize": "quiz.commands.study:optimize",
    "cards": "quiz.commands.cards:cards",
    "spread": "quiz.commands.schedule:spread",
    "sync": "quiz.commands.sync:sync",
}
"""Subcommand name -> `module:attribute`, imported when the command runs (or `--help`
lists them): `quiz` alone loads only `quiz.commands.ui` (and `quiz.commands.files`, which
opens the settings and the store for every command)."""


class DeckDefaultGroup(click.Group):
    """A group whose first argument may be a deck instead of a subcommand (`quiz DECK`),
    and whose subcommands are imported when used (`SUBCOMMANDS`)."""

    default_command = "open"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in SUBCOMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = SUBCOMMANDS[cmd_name].split(":")
        command = getattr(import_module(module), attribute)
        assert isinstance(command, click.Command), SUBCOMMANDS[cmd_name]
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        # Called after the group's own options are parsed, so `--db PATH` is never
        # mistaken for the deck: only the first remaining word is looked at.
        if args and not args[0].startswith("-") and args[0] not in self.list_commands(ctx):
            args = [self.default_command, *args]
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        """Any of the project's own errors ends the command with its message and exit status 1;
        anything else is a bug and keeps its traceback."""
        try:
            return super().invoke(ctx)
        except QuizError as error:
            from quiz.core.text import sanitize  # only on the error path: keeps startup light

            raise click.ClickException(sanitize(str(error))) from error


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
    if ctx.invoked_subcommand is None:
        library = main.get_command(ctx, "open")
        assert library is not None
        ctx.invoke(library)


def run() -> None:
    """The `quiz` process (console script and `python -m quiz`): `main`, then an exit that
    skips the interpreter's last walks over every object left (`gc.freeze`).

    Those walks cost ~20 ms once pydantic and the deck models are loaded, a tenth of a 10k
    deck's `quiz check`, and free nothing the ending process could use; files, the store
    and output are closed or flushed explicitly before this. Tests and tools that call
    `main` themselves keep the usual exit.
    """
    try:
        main()
    finally:
        gc.freeze()
