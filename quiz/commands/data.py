"""`quiz backup`, `quiz restore` and `quiz doctor`: looking after the study database;
`quiz cache`: the validated decks kept for fast starts.

All three honour the global `--db` (and `QUIZ_DB`). The store is imported inside
the commands so `quiz --help` stays fast. A `StoreError` (damaged file, newer
schema) is turned into a one-line message and exit 1 by the `quiz` group itself.
Paths are printed through `sanitize`: a database path can come from the
environment and contain anything.
"""

from __future__ import annotations

from pathlib import Path

import click

from quiz.commands.files import database_path, local_now, open_store
from quiz.core.text import sanitize
from quiz.paths import backups_dir


@click.command("backup")
@click.pass_context
def backup(ctx: click.Context) -> None:
    """Copy the study database into its backups folder now and print the file written.

    Manual backups are kept 10 at a time; daily ones (taken when studying starts) 7.
    """
    with open_store(database_path(ctx), must_exist=True) as store:
        written = store.backup_now("manual", now=local_now())
    click.echo(sanitize(str(written)))


@click.command("restore")
@click.argument("backup_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--list", "list_only", is_flag=True, help="List the backups, oldest first, and exit.")
@click.pass_context
def restore(ctx: click.Context, backup_file: Path | None, list_only: bool) -> None:
    """Replace the study database with BACKUP_FILE (default: the newest backup).

    The backup is checked first (PRAGMA integrity_check); the current database is
    saved into the backups folder before it is replaced, so a restore can be undone
    by restoring that file. BACKUP_FILE may be a bare name from the backups folder.
    """
    from quiz.core.storage import backups_of, restore_database

    path = database_path(ctx)
    if list_only:
        found = backups_of(path)
        for file in found:
            click.echo(sanitize(str(file)))
        if not found:
            click.echo(f"No backups in {sanitize(str(backups_dir(path)))}", err=True)
        return
    if backup_file is not None and not backup_file.exists():
        in_folder = backups_dir(path) / backup_file.name
        backup_file = in_folder if in_folder.exists() else backup_file
    result = restore_database(path, backup_file, now=local_now())
    click.echo(f"Restored {sanitize(str(path))} from {sanitize(str(result.restored_from))}.")
    if result.saved_current is not None:
        click.echo(f"The replaced database was saved as {sanitize(str(result.saved_current))}.")


@click.command("doctor")
@click.option("--repair", is_flag=True, help="Fix what can be fixed without losing history.")
@click.pass_context
def doctor(ctx: click.Context, repair: bool) -> None:
    """Check the study database: integrity, and rows that do not fit together.

    Exit status 0 when nothing is left to fix, 1 otherwise. `--repair` is safe to
    run twice: the second run finds nothing.
    """
    from quiz.core.backup import damage_advice

    path = database_path(ctx)
    with open_store(path, must_exist=True) as store:
        report = store.doctor(repair=repair, now=local_now())
    if report.integrity != ["ok"]:
        for line in report.integrity[:20]:
            click.echo(f"integrity: {sanitize(line)}")
        raise click.ClickException(sanitize(f"{path} is damaged. {damage_advice(path)}"))
    click.echo("integrity: ok")
    for finding in report.findings:
        state = "repaired" if finding.repaired else "found"
        click.echo(f"{finding.check}: {sanitize(finding.message)} ({state})")
    if not report.findings:
        click.echo("No problems found.")
    elif not report.healthy:
        click.echo("Run `quiz doctor --repair` to fix these.")
        ctx.exit(1)


@click.group("cache", invoke_without_command=True)
@click.pass_context
def cache(ctx: click.Context) -> None:
    """Where validated decks are kept for fast starts, and how much room they take.

    A study session keeps each deck it parses, named by the file's content hash, and
    starts from it while the file is unchanged. Nothing in it is needed: `quiz cache
    clear` only costs the next start a parse.
    """
    if ctx.invoked_subcommand is not None:
        return
    from quiz.commands.ui import user_deck_cache

    found = user_deck_cache().info()
    click.echo(f"folder:  {sanitize(str(found.folder))}")
    click.echo(f"decks:   {found.entries}")
    click.echo(f"size:    {_mib(found.size_bytes)} of {_mib(found.limit_bytes)}")
    if not found.usable:
        click.echo("not used: the folder is not yours alone (another user could write to it)")


@cache.command("clear")
def clear_cache() -> None:
    """Remove every kept deck, and the screens' parsed CSS; the next session parses again."""
    from quiz.commands.ui import user_deck_cache, user_stylesheet_cache
    from quiz.core.cache_files import remove_all
    from quiz.ui.stylesheet_cache import SUFFIX

    removed = user_deck_cache().clear()
    remove_all(user_stylesheet_cache(), f"*{SUFFIX}")
    click.echo(f"removed {removed} deck{'' if removed == 1 else 's'} from the cache")


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"
