"""`quiz spread`: spread a deck's backlog of overdue reviews over the next days.

The plan is `quiz.core.backlog.plan_backlog` (at-risk cards first, the ones most
likely still remembered last); applying it is one undoable card action
(`Store.set_dues`), which `quiz spread --undo ACTION` takes back. Everything printed
from a deck goes through `sanitize`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

import click

from quiz.commands.files import database_path, load_settings, open_store
from quiz.core.text import counted, sanitize

if TYPE_CHECKING:
    from quiz.config import Settings
    from quiz.core.storage import Store

MOST_CARDS = 1_000_000
"""Every overdue card of a deck (the daily limits cap a session, not a plan)."""


@click.command("spread")
@click.argument("deck", required=False)
@click.option(
    "--days",
    type=click.IntRange(1, 365),
    help="Study days to spread the overdue reviews over, today first.",
)
@click.option("--dry-run", is_flag=True, help="Print the plan, move nothing.")
@click.option("--undo", "undo", type=int, metavar="ACTION", help="Take back an earlier spread.")
@click.pass_context
def spread(
    ctx: click.Context, deck: str | None, days: int | None, dry_run: bool, undo: int | None
) -> None:
    """Spread the reviews DECK has due by today over the next DAYS study days.

    After a break: the cards you are least likely to remember come first, the ones
    you most likely still remember last (they lose least by waiting). Prints how many
    cards each day gets and the action number that `--undo` takes back.
    """
    settings = load_settings()
    with open_store(
        database_path(ctx), must_exist=True, missing_hint="review a deck first", settings=settings
    ) as store:
        if undo is not None:
            from quiz.errors import StoreError

            try:
                restored = store.undo_card_action(undo)
            except StoreError as error:
                raise click.ClickException(str(error)) from None
            click.echo(f"undone: {counted(len(restored), 'card')} due as before")
            return
        if deck is None or days is None:
            raise click.UsageError("give DECK and --days N (or --undo ACTION)")
        _spread(store, deck, days, dry_run, settings)


def _spread(store: Store, deck: str, days: int, dry_run: bool, settings: Settings) -> None:
    from quiz.commands.ui import load_or_fail, resolve_deck, system_now
    from quiz.core.backlog import plan_backlog
    from quiz.core.card_state import Phase
    from quiz.core.scheduling import Scheduler

    meta = load_or_fail(resolve_deck(store, settings, deck)).deck.deck
    now = system_now()
    scheduler = Scheduler.for_deck(settings, meta)
    today = scheduler.study_day(scheduler.day_time(now).date())
    due = store.due_cards(
        [meta.id], until=today.end, limit=MOST_CARDS, phases=(Phase.REVIEW,), on=today.date
    )
    plan = plan_backlog([((c.deck_id, c.card_key), c.state) for c in due], scheduler, now, days)
    if not plan:
        click.echo(f"{sanitize(meta.id)}: no reviews due, nothing to spread")
        return
    per_day: dict[date, list[float]] = defaultdict(list)
    for move in plan:
        per_day[move.day].append(move.retrievability)
    for day, recalls in per_day.items():
        low, high = f"{100 * min(recalls):.0f}", f"{100 * max(recalls):.0f}"
        shown = f"{low}%" if low == high else f"{low}-{high}%"
        over = " (over reviews_per_day)" if len(recalls) > settings.reviews_per_day else ""
        click.echo(f"{day:%a %d %b}: {counted(len(recalls), 'card')}, recall now {shown}{over}")
    moved = {move.card: move.due for move in plan if move.moved}
    if dry_run:
        click.echo(f"would move {counted(len(moved), 'card')} of {len(plan)} (dry run)")
        return
    result = store.set_dues(moved, now=now) if moved else None
    changed = 0 if result is None else result.changed
    batch = None if result is None else result.batch
    undo = "" if batch is None else f"; undo: quiz spread --undo {batch}"
    click.echo(f"moved {counted(changed, 'card')} of {len(plan)} over {counted(days, 'day')}{undo}")
