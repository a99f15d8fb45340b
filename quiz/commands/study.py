"""`quiz stats` and `quiz optimize`: study statistics and FSRS parameters fitted to the log.

Both honour the global `--db`. DECK is a deck file or the id of a deck the study
database knows; without it, every deck counts. Rich and the store are imported
inside the commands so `quiz --help` stays fast; everything printed from a deck
or the database goes through `sanitize`.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.commands.files import database_path, load_settings, open_store
from quiz.core.text import counted, sanitize

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from quiz.core.stats import HardCard, Stats
    from quiz.core.storage import Store


def _existing_store(ctx: click.Context) -> Store:
    """The study database; statistics of a missing one would only create an empty one."""
    return open_store(database_path(ctx), must_exist=True, missing_hint="review a deck first")


def _deck_ids(store: Store, deck: str | None) -> tuple[list[str] | None, dict[str, str]]:
    """The deck ids DECK names (None: every deck), and card prompts when a file was given."""
    if deck is None:
        return None, {}
    path = Path(deck)
    if path.is_file():
        from quiz.core.cards import cards_of
        from quiz.core.deckfile.diagnostics import DeckError
        from quiz.core.deckfile.loading import load_deck

        try:
            loaded = load_deck(path)
        except DeckError as error:
            first = error.diagnostics[0] if error.diagnostics else sanitize(str(error))
            raise click.ClickException(str(first)) from None
        prompts = {
            card.key: getattr(card.question, "prompt", "") or getattr(card.question, "text", "")
            for card in cards_of(loaded)
        }
        return [loaded.deck.id], prompts
    if store.deck(deck) is None:
        raise click.ClickException(
            f"no deck file or studied deck id {sanitize(deck)!r} (see `quiz stats`)"
        )
    return [deck], {}


@click.command("stats")
@click.argument("deck", required=False)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Rich tables for a terminal, or JSON for scripts.",
)
@click.pass_context
def stats(ctx: click.Context, deck: str | None, output: str) -> None:
    """Study statistics of DECK (a deck file or id), or of every deck.

    Cards by state and due today, reviews per day, true retention (mature cards
    answered right), streaks, the 30-day due forecast, answer time and the cards
    forgotten most often.
    """
    from quiz.core.stats import collect

    settings = load_settings()
    with _existing_store(ctx) as store:
        deck_ids, prompts = _deck_ids(store, deck)
        result = collect(
            store,
            deck_ids,
            now=datetime.now(timezone.utc),
            day_starts_at=settings.day_starts_at,
        )
        titles = {record.id: record.title for record in store.decks()}
    if output == "json":
        data = result.to_json()
        data["decks"] = deck_ids if deck_ids is not None else sorted(titles)
        click.echo(json.dumps(data, indent=2))
        return
    from rich.console import Console

    name = "every deck" if deck_ids is None else titles.get(deck_ids[0], deck_ids[0])
    _print_tables(Console(), result, sanitize(name), prompts)


def _print_tables(console: Console, result: Stats, name: str, prompts: dict[str, str]) -> None:
    from rich.table import Table
    from rich.text import Text

    from quiz.core.stats import MATURE_DAYS, Retention
    from quiz.presentation.formatting import RETENTION_LABELS, retention_text

    console.print(Text(f"Statistics of {name}, study day {result.today.isoformat()}", "bold"))
    cards = Table(
        "New",
        "Learning",
        "Review",
        "Suspended",
        "Due today",
        "Buried",
        "Leeches",
        "Total",
        title="Cards",
    )
    counts = result.cards
    cards.add_row(
        *(
            str(n)
            for n in (
                counts.new,
                counts.learning,
                counts.review,
                counts.suspended,
                counts.due_today,
                counts.buried,
                counts.leeches,
                counts.total,
            )
        )
    )
    console.print(cards)

    recent = result.reviews_per_day
    summary = Table("", "", title="Reviews", show_header=False)
    for label, value in (
        ("today", str(recent[-1].count)),
        ("last 7 days", str(sum(d.count for d in recent[-7:]))),
        ("last 30 days", str(sum(d.count for d in recent[-30:]))),
        ("last 365 days", str(sum(d.count for d in recent))),
        ("all time", str(result.total_reviews)),
        ("true retention", _percent(result.true_retention, result.mature_reviews)),
        ("answer time", _seconds(result.average_answer_ms)),
        ("streak", f"{counted(result.current_streak, 'day')} (longest {result.longest_streak})"),
    ):
        summary.add_row(label, value)
    console.print(summary)

    retention = Table("", "Young", "Mature", "All", title="True retention")
    for period in result.retention_table:
        young, mature = period.young, period.mature
        both = Retention(young.passed + mature.passed, young.failed + mature.failed)
        retention.add_row(
            RETENTION_LABELS[period.period], *(retention_text(c) for c in (young, mature, both))
        )
    retention.caption = f"mature: scheduled {MATURE_DAYS} days or more"
    console.print(retention)

    days = Table("Day", "Reviews", "", title="Last 14 days")
    _bars(days, [(d.day, d.count) for d in recent[-14:]])
    console.print(days)
    forecast = Table("Day", "Due", "", title="Due in the next 30 days")
    _bars(forecast, [(d.day, d.count) for d in result.forecast[:14]])
    later = sum(d.count for d in result.forecast[14:])
    forecast.caption = f"and {later} more in the 16 days after"
    console.print(forecast)

    if result.overrules:
        overruled = Table(
            "Deck", "Again after right", "Right after wrong", "Quiz", title="Verdicts overruled"
        )
        for row in result.overrules:
            numbers = (row.again_after_right, row.right_after_wrong, row.quiz_answers)
            overruled.add_row(Text(row.deck_id), *(str(n) for n in numbers))
        overruled.caption = "many overrules on a deck: check its answer keys"
        console.print(overruled)

    if result.leeches:
        leeches = Table("Card", "Lapses", "Reviews", title="Leeches")
        for card in result.leeches:
            leeches.add_row(
                Text(sanitize(_card_label(card, prompts))[:70]),
                str(card.lapses),
                str(card.reps),
            )
        leeches.caption = "forgotten again and again: rewrite them, or split them in two"
        console.print(leeches)

    if result.hardest:
        hardest = Table("Card", "Lapses", "Reviews", title="Forgotten most often")
        for card in result.hardest:
            label = _card_label(card, prompts)
            hardest.add_row(Text(sanitize(label)[:70]), str(card.lapses), str(card.reps))
        console.print(hardest)


def _bars(table: Table, rows: list[tuple[date, int]]) -> None:
    top = max((count for _, count in rows), default=0) or 1
    for day, count in rows:
        table.add_row(day.strftime("%a %d %b"), str(count), "█" * round(20 * count / top))


def _card_label(card: HardCard, prompts: dict[str, str]) -> str:
    """A card's key, with its prompt (from the deck file given, else as last stored)."""
    prompt = prompts.get(card.card_key, card.prompt)
    return f"{card.card_key}: {prompt}" if prompt else card.card_key


def _percent(share: float | None, out_of: int) -> str:
    return "no mature reviews yet" if share is None else f"{100 * share:.1f}% of {out_of}"


def _seconds(milliseconds: float | None) -> str:
    return "not recorded" if milliseconds is None else f"{milliseconds / 1000:.1f} s"


@click.command("optimize")
@click.argument("deck", required=False)
@click.option("--dry-run", is_flag=True, help="Print the fitted parameters, do not save them.")
@click.pass_context
def optimize(ctx: click.Context, deck: str | None, dry_run: bool) -> None:
    """Fit the FSRS parameters to your own review log and save them to config.toml.

    Needs the optional optimizer (PyTorch): pip install "fsrs[optimizer]".
    With DECK, only that deck's reviews are used; the parameters are global.
    """
    from quiz.core.scheduling import (
        OPTIMIZER_HINT,
        OptimizerMissing,
        fit_parameters,
        optimizer_available,
        to_review_logs,
    )

    if not optimizer_available():
        raise click.ClickException(
            f"quiz optimize needs the FSRS optimizer, which is not installed: {OPTIMIZER_HINT}"
        )
    settings = load_settings()
    with _existing_store(ctx) as store:
        deck_ids, _ = _deck_ids(store, deck)
        logs = to_review_logs(store.iter_reviews(deck_ids))
    click.echo(f"fitting FSRS to {len(logs)} reviews ...", err=True)
    try:
        fitted = fit_parameters(logs)
    except OptimizerMissing as error:
        raise click.ClickException(f"the FSRS optimizer is missing: {error}") from None
    if fitted is None:
        raise click.ClickException(
            f"not enough reviews to fit ({len(logs)} logged; fsrs needs about 512 on"
            " separate days): the parameters are unchanged"
        )
    click.echo(json.dumps([round(weight, 4) for weight in fitted]))
    if not dry_run:
        from quiz.config import config_path
        from quiz.core.scheduling import Scheduler

        settings.parameters = fitted  # validated on assignment
        Scheduler.for_deck(settings)  # and by fsrs: every weight within its bounds
        settings.save()
        click.echo(f"saved to {sanitize(str(config_path()))}", err=True)
