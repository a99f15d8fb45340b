"""`quiz serve`: run the quiz in a classroom's browsers (needs the `serve` extra).

Decks are checked here, before anything listens: a class should hear about a
broken deck from the teacher's terminal, not from thirty browser tabs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.commands.files import database_path, load_settings, open_store
from quiz.core.text import sanitize
from quiz.web import is_loopback

if TYPE_CHECKING:
    from quiz.web.server import ServedDeck

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")


def _check_token(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _TOKEN.fullmatch(value):
        raise click.BadParameter("use 16 to 128 characters from A-Z a-z 0-9 _ -")
    return value


@click.command("serve")
@click.argument("decks", nargs=-1, metavar="[DECK]...")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port, printed at start).",
)
@click.option(
    "--token",
    envvar="QUIZ_SERVE_TOKEN",  # quiz.web.server.TOKEN_ENV (not imported: --help stays fast)
    callback=_check_token,
    help="Access token (default: a new random one each start; env QUIZ_SERVE_TOKEN).",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 1000),
    default=40,
    show_default=True,
    help="Open browser tabs at most (each runs the app: about 60 MB of memory).",
)
@click.option(
    "--exam", is_flag=True, help="Run exams (`quiz take --exam`) instead of practice quizzes."
)
@click.option(
    "--public",
    is_flag=True,
    help="Allow a --host other computers can reach (plain HTTP: see the README for TLS).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    decks: tuple[str, ...],
    host: str,
    port: int,
    token: str | None,
    max_sessions: int,
    exam: bool,
    public: bool,
) -> None:
    """Serve quizzes on DECKs (default: every deck in the library) to web browsers.

    Each browser tab asks for the student's name, then runs `quiz take` for that
    student; attempts go to the study database, for `quiz results`. Every
    request needs the access token in the printed URL. Ctrl+C stops the server.
    """
    if not is_loopback(host) and not public:
        raise click.UsageError(
            f"--host {host} lets other computers in over plain HTTP, where anyone on the"
            " network can read the access token: add --public if that is what you want"
            " (the README says how to put HTTPS in front)"
        )
    try:
        from quiz.web import server
    except ImportError as error:
        raise click.ClickException(
            f"quiz serve needs the serve extra ({error.name} is missing): pip install 'quiz[serve]'"
        ) from None

    db = database_path(ctx).resolve()
    classroom = server.Classroom(
        decks=_served_decks(db, decks),
        db=db,
        token=token or server.new_token(),
        max_sessions=max_sessions,
        exam=exam,
    )

    def ready(bound_host: str, bound_port: int) -> None:
        shown = bound_host if ":" not in bound_host else f"[{bound_host}]"
        if bound_host in ("0.0.0.0", "::", ""):
            import socket

            shown = socket.gethostname()
        what = "exams on " if exam else ""
        click.echo(f"Serving {what}{len(classroom.decks)} deck(s) to browsers. Students open:")
        click.echo(f"  http://{shown}:{bound_port}/?token={classroom.token}")
        if shown != bound_host:
            click.echo(f"  (or this computer's IP address in place of {shown})")
        if not is_loopback(bound_host):
            click.echo(
                "Plain HTTP: anyone on this network who sees the URL or the traffic can join; "
                "use a network you trust."
            )
        click.echo("Press Ctrl+C to stop.", nl=True)

    import asyncio
    import logging

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        asyncio.run(server.serve(classroom, host, port, ready=ready))
    except server.PortInUseError as error:
        raise click.ClickException(
            f"{error} (is another quiz serve running? try --port {port + 1 if port else 8001})"
        ) from None
    click.echo("Stopped.")


def _served_decks(db: Path, decks: tuple[str, ...]) -> tuple[ServedDeck, ...]:
    """The decks to offer, loaded once now so that errors show before the server starts."""
    from quiz.commands.ui import default_deck_dirs, load_or_fail, resolve_deck, system_now
    from quiz.web.server import ServedDeck

    settings = load_settings()
    served: dict[Path, ServedDeck] = {}
    with open_store(db) as store:
        if decks:
            for deck in decks:
                path = resolve_deck(store, settings, deck).resolve()
                loaded = load_or_fail(path)
                served.setdefault(path, ServedDeck(path, sanitize(loaded.deck.deck.title)))
        else:
            from quiz.core.library import scan

            for entry in scan(store, default_deck_dirs(), settings=settings, now=system_now()):
                if entry.ok:
                    path = entry.path.resolve()
                    served.setdefault(path, ServedDeck(path, sanitize(entry.title)))
    if not served:
        raise click.ClickException("no deck to serve: name deck files, or add decks to the library")
    return tuple(served.values())
