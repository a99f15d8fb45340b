"""`quiz cards`: list the cards a search finds, and act on all of them.

    quiz cards [DECK ...] [--search QUERY] [--sort COL] [--reverse] [--limit N]
               [--format table|json]
    quiz cards [DECK ...] --search QUERY --suspend | --unsuspend | --bury | --unbury |
               --flag COLOUR | --forget | --set-due WHEN
    quiz cards --undo BATCH

DECK is a deck file (read, and its cards brought into the store, so a deck never studied
is found too) or the id of a deck the store knows; without one, every deck. The search is
the card browser's query language (`quiz.core.card_query`). An action acts on every card
the search matches (not only the `--limit` listed) and prints the batch that `--undo`
takes back. Rich and the store are imported inside the command, so `quiz --help` stays
fast; everything printed from a deck goes through `sanitize` (JSON escapes it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from quiz.commands.files import database_path, load_settings, open_store
from quiz.core.text import counted, sanitize

if TYPE_CHECKING:
    from quiz.core.card_query import SearchContext
    from quiz.core.storage import Store
    from quiz.core.storage.card_actions import ActionResult, CardRef
    from quiz.core.storage.card_search import CardRow

SORTS = ("deck", "prompt", "due", "interval", "lapses", "reps", "retrievability", "created")
"""`card_query.SORT_COLUMNS`, spelt out so that `quiz --help` need not import the core."""

ACTIONS = ("suspend", "unsuspend", "bury", "unbury", "flag", "forget", "set_due")

Action = Callable[["Store", "Sequence[CardRef]", datetime], "ActionResult"]


@click.command("cards")
@click.argument("decks", nargs=-1)
@click.option("--search", "-s", "search", default="", help="Query: words deck: tag: is: ...")
@click.option("--sort", type=click.Choice(SORTS), default="deck", show_default=True)
@click.option("--reverse", is_flag=True, help="Sort the other way.")
@click.option("--limit", type=click.IntRange(min=0), help="List at most N cards.")
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--suspend", is_flag=True, help="Suspend every card the search matches.")
@click.option("--unsuspend", is_flag=True, help="Unsuspend them.")
@click.option("--bury", is_flag=True, help="Bury them until tomorrow.")
@click.option("--unbury", is_flag=True, help="Bring them back today.")
@click.option("--flag", metavar="COLOUR", help="Flag them: red orange green blue purple, none.")
@click.option("--forget", is_flag=True, help="Send them back to new (their history stays).")
@click.option("--set-due", metavar="WHEN", help="Make them due: today, tomorrow, N days, a date.")
@click.option("--undo", type=int, metavar="BATCH", help="Take back an action by its batch.")
@click.pass_context
def cards(
    ctx: click.Context,
    /,
    decks: tuple[str, ...],
    search: str,
    sort: str,
    reverse: bool,
    limit: int | None,
    output: str,
    undo: int | None,
    **actions: Any,
) -> None:
    """List the cards of DECKs (deck files or ids; default every deck) that a search matches,
    or act on all of them.

    \b
    Search terms (all must hold): words (prefixes; "a phrase"), deck:X, tag:X (tag:X*),
    kind:K, is:STATE / -is:STATE (new learning review suspended buried flagged leech
    orphaned), flag:COLOUR (or any, none), due<N lapses>N reps=N (< <= > >= =; due in
    study days from today), prop:r<0.8 (retrievability).

    \b
    quiz cards geo.toml --search "is:leech" --format json
    quiz cards --search "tag:africa due<7" --suspend
    quiz cards --undo 42
    """
    chosen = [name for name in ACTIONS if actions[name] not in (None, False)]
    if len(chosen) + (undo is not None) > 1:
        raise click.UsageError("give one action at a time")
    settings = load_settings()
    if undo is not None:
        if decks or search:
            raise click.UsageError("--undo takes no deck and no search: the batch says it all")
        _undo(ctx, undo)
        return
    query, context = _query(search, settings)
    action = _action(chosen[0], actions, context) if chosen else None
    paths = [deck for deck in decks if Path(deck).is_file()]
    with open_store(
        database_path(ctx),
        must_exist=not paths,
        missing_hint="study a deck, or name a deck file",
        settings=settings,
    ) as store:
        query = query.within(_deck_ids(store, decks, context.now) if decks else None)
        if action is not None:
            _act(store, query, context, chosen[0], action)
            return
        rows = store.search_cards(
            query,
            context=context,
            order_by=sort,  # type: ignore[arg-type]  # a click.Choice of SORTS
            descending=reverse,
            limit=limit if limit is not None else 2**62,
        )
        total = store.count_cards(query, context=context)
    if output == "json":
        click.echo(json.dumps([card_json(row, context) for row in rows], indent=2))
    else:
        _print_table(rows, total, context)


def _query(search: str, settings: Any) -> tuple[Any, SearchContext]:
    """The parsed search (a bad term is a usage error) and the clock it runs at."""
    from quiz.core.card_query import QueryError, SearchContext, decay_of, parse_query

    try:
        query = parse_query(search)
    except QueryError as error:
        raise click.BadParameter(str(error), param_hint="'--search'") from None
    context = SearchContext(
        now=datetime.now(timezone.utc),
        day_starts_at=settings.day_starts_at,
        decay=decay_of(settings.parameters),
    )
    return query, context


def _deck_ids(store: Store, decks: Sequence[str], now: datetime) -> list[str]:
    """The ids DECKs name: a deck file is read and reconciled (its cards enter the store)."""
    from quiz.core.deckfile.diagnostics import DeckError
    from quiz.core.library import load, reconcile

    ids = []
    for deck in decks:
        path = Path(deck)
        if path.is_file():
            try:
                loaded = load(path)
            except DeckError as error:
                first = error.diagnostics[0] if error.diagnostics else error
                raise click.BadParameter(sanitize(str(first)), param_hint="DECK") from None
            reconcile(store, loaded, now)
            ids.append(loaded.deck.deck.id)
        elif store.deck(deck) is not None:
            ids.append(deck)
        else:
            raise click.BadParameter(
                f"no deck file or studied deck id {sanitize(deck)!r}", param_hint="DECK"
            )
    return ids


def _action(name: str, values: dict[str, Any], context: SearchContext) -> Action:
    """The store call of an action flag, its value checked first (exit 2 when wrong)."""
    from quiz.core.card_query import QueryError, due_day, flag_named

    today = context.today.date
    try:
        if name == "flag":
            flag = flag_named(values["flag"])
            return lambda store, refs, now: store.set_flag(refs, flag, now=now)
        if name == "set_due":
            due = context.start_of(due_day(values["set_due"], today))
            return lambda store, refs, now: store.set_due(refs, due=due, now=now)
    except QueryError as error:
        option = "--flag" if name == "flag" else "--set-due"
        raise click.BadParameter(str(error), param_hint=f"'{option}'") from None
    tomorrow = today + timedelta(days=1)
    simple: dict[str, Action] = {
        "suspend": lambda store, refs, now: store.suspend(refs, now=now),
        "unsuspend": lambda store, refs, now: store.unsuspend(refs, now=now),
        "bury": lambda store, refs, now: store.bury(refs, until=tomorrow, now=now),
        "unbury": lambda store, refs, now: store.unbury(refs, now=now),
        "forget": lambda store, refs, now: store.forget(refs, now=now),
    }
    return simple[name]


PAST = {
    "suspend": "suspended",
    "unsuspend": "unsuspended",
    "bury": "buried",
    "unbury": "unburied",
    "flag": "flagged",
    "forget": "forgot",
    "set_due": "rescheduled",
}


def _act(store: Store, query: Any, context: SearchContext, name: str, action: Action) -> None:
    refs = store.card_refs(query, context=context)
    result = action(store, refs, context.now)
    line = f"{PAST[name]} {counted(result.changed, 'card')}"
    if result.unchanged:
        line += f" ({result.unchanged} left as they were)"
    if result.batch is not None:
        line += f"; undo with: quiz cards --undo {result.batch}"
    click.echo(line)


def _undo(ctx: click.Context, batch: int) -> None:
    with open_store(database_path(ctx), must_exist=True) as store:
        restored = store.undo_card_action(batch)
    click.echo(f"undid action {batch}: {counted(len(restored), 'card')} as they were")


def card_json(row: CardRow, context: SearchContext) -> dict[str, object]:
    """One card as JSON: stable field names, times in UTC ISO 8601, days as numbers."""
    marks = row.marks
    return {
        "deck_id": row.deck_id,
        "deck_title": row.deck_title,
        "card_key": row.card_key,
        "kind": row.kind,
        "prompt": row.prompt,
        "answer": row.answer,
        "tags": list(row.tags),
        "state": row.phase.name.lower(),
        "due": None if row.due is None else row.due.isoformat(),
        "due_day": None if row.due is None else context.day_of(row.due).isoformat(),
        "interval_days": None if row.interval is None else row.interval / timedelta(days=1),
        "reps": row.reps,
        "lapses": row.lapses,
        "retrievability": None if row.retrievability is None else round(row.retrievability, 4),
        "suspended": marks.suspended,
        "buried_until": None if marks.buried_until is None else marks.buried_until.isoformat(),
        "flag": None if marks.flag == 0 else marks.flag.name.lower(),
        "leech": marks.leech,
        "orphaned": row.orphaned,
        "created": row.created.isoformat(),
    }


TABLE_COLUMNS = [
    # label, width (0: the prompt, what the others leave), narrowest terminal that shows it
    ("Deck", 12, 0),
    ("Card", 14, 110),
    ("Prompt", 0, 0),
    ("Due", 10, 0),
    ("Ivl", 5, 80),
    ("R", 4, 0),
    ("Lap", 3, 0),
    ("Marks", 9, 80),
]


def _print_table(rows: list[CardRow], total: int, context: SearchContext) -> None:
    """The cards as columns fitting the terminal: a narrow one drops the card key, interval
    and marks; the prompt takes what the others leave, cut with `…`."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    shown = [(label, width) for label, width, least in TABLE_COLUMNS if console.width >= least]
    fixed = sum(width for _, width in shown) + 2 * (len(shown) - 1)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for label, width in shown:
        table.add_column(
            label,
            width=width or max(10, console.width - fixed),
            no_wrap=True,
            overflow="ellipsis",
            justify="right" if label in ("Ivl", "R", "Lap") else "left",
        )
    for row in rows:
        cells = {
            "Deck": sanitize(row.deck_id),
            "Card": sanitize(row.card_key),
            "Prompt": sanitize(" ".join(row.prompt.split())),
            "Due": "new" if row.due is None else context.day_of(row.due).isoformat(),
            "Ivl": "" if row.interval is None else f"{row.interval.days}d",
            "R": "" if row.retrievability is None else f"{row.retrievability:.0%}",
            "Lap": str(row.lapses),
            "Marks": _marks(row, context),
        }
        table.add_row(*(Text(cells[label]) for label, _ in shown))  # never markup
    console.print(table)
    listed = f"{len(rows)} of {total}" if len(rows) < total else str(total)
    console.print(Text(f"{listed} {'card' if total == 1 else 'cards'}"))


def _marks(row: CardRow, context: SearchContext) -> str:
    marks = row.marks
    parts = [
        *(["suspended"] if marks.suspended else []),
        *(["buried"] if marks.buried_on(context.today.date) else []),
        *([marks.flag.name.lower()] if marks.flag else []),
        *(["leech"] if marks.leech else []),
        *(["orphaned"] if row.orphaned else []),
    ]
    return " ".join(parts)
