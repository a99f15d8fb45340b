"""`quiz` / `quiz open`, `quiz take` and `quiz review`: the commands that study.

`make_app` is the one way to build the full-screen app; the CLI, the Pilot
tests, the snapshot tests and `python -m quiz.screenshots` all use it, so they
run the same app. Textual, the store and the sessions are imported inside the
commands: `quiz --help` must not pay for them.

A deck that does not load, an unknown deck id or a bad option ends with a
one-line message and exit status 1 (2 for usage errors) before any screen opens.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import wait
from contextlib import contextmanager
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz import paths
from quiz.commands.files import database_path, load_settings, open_store, store_on_demand
from quiz.core.collector import collector_paused
from quiz.core.text import sanitize

if TYPE_CHECKING:
    from quiz.config import Settings
    from quiz.core.custom_study import CramFilter
    from quiz.core.deck_cache import DeckCache
    from quiz.core.library import LoadedDeck
    from quiz.core.models import Question
    from quiz.core.outline import Drawable, OutlinedDeck
    from quiz.core.storage import Store
    from quiz.presentation.options import QuizOptions
    from quiz.ui.app import QuizApp, Start


def default_deck_dirs() -> list[Path]:
    """Where the library looks: the bundled `decks/` folder and the user's decks folder."""
    folders = [paths.user_decks_dir()]
    bundled = paths.bundled_decks_dir()
    if bundled is not None:
        folders.insert(0, bundled)
    return folders


def system_now() -> datetime:
    """The app's clock: aware UTC (sessions and the store refuse naive times)."""
    from quiz.core.days import system_clock

    return system_clock()


def make_app(
    *,
    store: Store | Callable[[], Store],
    settings: Settings,
    start: Start | None = None,
    now: Callable[[], datetime] = system_now,
    deck_dirs: Sequence[Path] | None = None,
    settings_path: Path | None = None,
    tz: tzinfo | None = None,
    deck_cache: DeckCache | None = None,
    stylesheet_cache: Path | None = None,
) -> QuizApp:
    """Build the full-screen app with its services (shared by the CLI and the tests)."""
    from quiz.ui.app import QuizApp

    return QuizApp(
        store=store,
        settings=settings,
        deck_dirs=default_deck_dirs() if deck_dirs is None else deck_dirs,
        now=now,
        start=start,
        settings_path=settings_path,
        tz=tz,
        deck_cache=deck_cache,
        stylesheet_cache=stylesheet_cache,
    )


# --- what every command needs -----------------------------------------------------------------


def resolve_deck(store: Store, settings: Settings, deck: str) -> Path:
    """A deck argument as a file: a path as given, else the id of a deck in the library."""
    path = Path(deck)
    if path.exists():  # a folder or a pipe too: loading says what is wrong with it
        return path
    if path.suffix == ".toml" or "/" in deck:
        raise click.ClickException(f"no deck file {sanitize(deck)}")
    from quiz.core.library import find_by_id, scan

    found = find_by_id(scan(store, default_deck_dirs(), settings=settings, now=system_now()), deck)
    if found is None:
        raise click.ClickException(f"no deck file or deck id {sanitize(deck)!r} in the library")
    return found.path


def user_deck_cache() -> DeckCache:
    """The validated-deck cache in the user cache folder, which every study command uses."""
    from quiz.core.deck_cache import DeckCache

    return DeckCache(paths.cache_dir() / "decks")


def user_stylesheet_cache() -> Path:
    """Where the full-screen app keeps the CSS it parsed for the next start
    (`quiz.ui.stylesheet_cache`)."""
    return paths.cache_dir() / "stylesheets"


def load_or_fail(path: Path) -> LoadedDeck:
    """Load a deck (from the user's deck cache when its bytes are there), or end the command
    with its first error (`FILE:LINE:COL: error: ...`)."""
    from quiz.core.deckfile.diagnostics import DeckError
    from quiz.core.library import load

    try:
        return load(path, user_deck_cache())
    except DeckError as error:
        first = error.diagnostics[0] if error.diagnostics else sanitize(str(error))
        more = len(error.diagnostics) - 1
        suffix = f" (and {more} more; run `quiz check {sanitize(str(path))}`)" if more > 0 else ""
        raise click.ClickException(f"{first}{suffix}") from None


@contextmanager
def _session_sync(database: Path, settings: Settings) -> Iterator[None]:
    """With `sync_on_study`: sync beside the session from a moment after it starts, and
    again when it ends (what it did goes to stderr). Without it, nothing."""
    if not settings.sync_on_study:
        yield
        return
    from quiz.core.sync.session import SyncJob

    started = SyncJob(database, settings)
    try:
        yield
    finally:
        lines = started.wait(timeout=30)
        ended = SyncJob(database, settings, delay=0).wait(timeout=120)
        for line in [*lines, *ended]:
            click.echo(sanitize(line), err=True)


def _run(
    ctx: click.Context, start: Start, store: Store | Callable[[], Store], settings: Settings
) -> None:
    from quiz.config import config_path

    app = make_app(
        store=store,
        settings=settings,
        start=start,
        settings_path=config_path(),
        deck_cache=user_deck_cache(),
        stylesheet_cache=user_stylesheet_cache(),
    )
    # What exists now (modules, classes, the app) lives as long as the app: frozen, no
    # collection walks it again, so none lands on a key press with its cost.
    gc.freeze()
    gc.enable()
    app.run()
    if app.return_code:
        ctx.exit(app.return_code)


def _tags(values: Sequence[str]) -> tuple[str, ...]:
    """`--tags a,b --tags c` -> ("a", "b", "c")."""
    return tuple(tag.strip() for value in values for tag in value.split(",") if tag.strip())


def _quiz_options(
    shuffle: bool | None,
    seed: int | None,
    count: int | None,
    tags: Sequence[str],
    student: str | None = None,
    *,
    exam: bool = False,
    per_student: bool = False,
    time_limit: float | None = None,
    schedule: bool = False,
) -> QuizOptions:
    from quiz.presentation.options import QuizOptions

    if per_student and not exam:
        raise click.UsageError("--shuffle-per-student is for exams: add --exam")
    return QuizOptions(
        shuffle=shuffle,
        seed=seed,
        count=count,
        tags=_tags(tags),
        student=student,
        exam=exam,
        per_student=per_student,
        time_limit=None if time_limit is None else max(1, round(time_limit * 60)),
        schedule=schedule,
    )


def _student(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """`--student`: the name as stored in the results (rules in `quiz.presentation.students`)."""
    if value is None:
        return None
    from quiz.presentation.students import StudentNameError, clean_student_name

    try:
        return clean_student_name(value)
    except StudentNameError as error:
        raise click.BadParameter(str(error)) from None


# --- the commands -----------------------------------------------------------------------------


@click.command("open")
@click.argument("deck", required=False)
@click.pass_context
def open_(ctx: click.Context, deck: str | None) -> None:
    """Open the deck library, or DECK's page (a deck file or a deck id)."""
    # Importing Textual and building the app allocate enough long-lived objects to set off
    # ~120 collections (~50 ms of a ~0.5 s start), finding nearly no garbage; `_run` resumes
    # collection once the app is built. Plain mode, which runs a whole session, does not pause.
    with collector_paused():
        settings = load_settings()
        with open_store(database_path(ctx), settings=settings) as store:
            if deck is None:
                from quiz.core.library import scan_in_background

                scan = scan_in_background(
                    store, default_deck_dirs(), settings=settings, now=system_now()
                )
                # Served from the cache, the scan takes ~10 ms: wait for it, or its
                # SQLite calls queue for the interpreter lock behind Textual's import.
                # One with decks to parse goes on while Textual loads.
                wait((scan.entries,), timeout=0.1)
                from quiz.ui.app import Start

                start = Start(library_scan=scan)
            else:
                from quiz.ui.app import Start

                path = resolve_deck(store, settings, deck)
                load_or_fail(path)
                start = Start(at="deck", deck=path)
            with _session_sync(store.path, settings):
                _run(ctx, start, store, settings)


@click.command("take")
@click.argument("deck")
@click.option("--plain", is_flag=True, help="Line-by-line prompts on stdin/stdout, no full screen.")
@click.option(
    "--shuffle/--no-shuffle",
    default=None,
    help="Shuffle the questions (default: the deck's `shuffle` setting).",
)
@click.option("--seed", type=int, help="Seed for the question order, to repeat an attempt.")
@click.option("--count", type=click.IntRange(min=1), help="Ask at most N questions.")
@click.option(
    "--tags", multiple=True, metavar="TAG[,TAG]", help="Only questions with one of these tags."
)
@click.option(
    "--student",
    metavar="NAME",
    callback=_student,
    help="Record the attempt under this name (class results; `quiz serve` sets it).",
)
@click.option(
    "--exam",
    is_flag=True,
    help="Exam: name required, no feedback until the end, no going back; the question order"
    " comes from a seed shown at the start (default: from the deck id, the same for everyone).",
)
@click.option(
    "--shuffle-per-student",
    "per_student",
    is_flag=True,
    help="With --exam: each student's own order, seeded from their name and the deck id.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    metavar="MINUTES",
    help="End the attempt after this long, keeping what was answered (default: the deck's).",
)
@click.option(
    "--schedule", is_flag=True, help="Answers also move the cards' spaced-repetition schedule."
)
@click.pass_context
def take(
    ctx: click.Context,
    deck: str,
    plain: bool,
    shuffle: bool | None,
    seed: int | None,
    count: int | None,
    tags: tuple[str, ...],
    student: str | None,
    exam: bool,
    per_student: bool,
    time_limit: float | None,
    schedule: bool,
) -> None:
    """Take a scored quiz (or with --exam, an exam) on DECK (a deck file or a deck id)."""
    with collector_paused(not plain):
        settings = load_settings()
        options = _quiz_options(
            shuffle,
            seed,
            count,
            tags,
            student,
            exam=exam,
            per_student=per_student,
            time_limit=time_limit,
            schedule=schedule,
        )
        database = database_path(ctx)
        outlined = None if plain or exam else outlined_deck(deck)
        if outlined is not None:  # the first question from the outline, the rest after it
            _check_tags(outlined.outline.deck_id, options, outlined.outline.questions)
            from quiz.ui.app import Start

            start = Start(at="quiz", outlined=outlined, quiz=options)
            on_demand = store_on_demand(database, settings=settings)
            with on_demand as store, _session_sync(database, settings):
                _run(ctx, start, store, settings)
            return
        with open_store(database, settings=settings) as opened:
            loaded = load_or_fail(resolve_deck(opened, settings, deck))
            _check_tags(loaded.deck.deck.id, options, loaded.deck.questions)
            with _session_sync(database, settings):
                _start_quiz(ctx, opened, settings, loaded, options, plain=plain)


def outlined_deck(deck: str) -> OutlinedDeck | None:
    """DECK as the user's deck cache outlines it, when it names a deck file the cache holds
    (a full-screen quiz then starts before the deck is loaded); None otherwise."""
    path = Path(deck)
    if not path.is_file():
        return None
    from quiz.core.outline import OutlinedDeck

    found = user_deck_cache().outline_of_file(path)
    return None if found is None else OutlinedDeck(path, found[1], found[0])


def _check_tags(deck_id: str, options: QuizOptions, questions: Iterable[Drawable]) -> None:
    """End the command when `--tags` names no tag of the deck's questions."""
    if options.tags and not any(set(options.tags) & set(q.tags) for q in questions):
        raise click.ClickException(
            f"no question of {sanitize(deck_id)} has the tags "
            + ", ".join(sanitize(t) for t in options.tags)
        )


@click.command("review")
@click.argument("deck")
@click.option("--plain", is_flag=True, help="Line-by-line prompts on stdin/stdout, no full screen.")
@click.option(
    "--ahead",
    type=click.IntRange(min=1, max=3650),
    metavar="DAYS",
    help="Custom study: also review the cards due in the next DAYS days (scheduled from now).",
)
@click.option(
    "--extra-new",
    type=click.IntRange(min=1, max=10000),
    metavar="N",
    help="Custom study: N more new cards than new_per_day, for this review.",
)
@click.option("--tag", metavar="TAG", help="Custom study: only the questions tagged TAG.")
@click.option(
    "--cram",
    metavar="tag:X|flag:COLOUR|lapses:N",
    help="A quiz-like pass over those cards; grades leave the schedule alone (see --schedule).",
)
@click.option("--schedule", is_flag=True, help="With --cram: grades also move the schedule.")
@click.pass_context
def review(
    ctx: click.Context,
    deck: str,
    plain: bool,
    ahead: int | None,
    extra_new: int | None,
    tag: str | None,
    cram: str | None,
    schedule: bool,
) -> None:
    """Review DECK's cards that are due today (spaced repetition), or study beyond them."""
    from quiz.core.custom_study import CramFilter, CustomStudy

    if cram is not None and (ahead or extra_new or tag):
        raise click.UsageError("--cram is a pass of its own: not with --ahead, --extra-new, --tag")
    if schedule and cram is None:
        raise click.UsageError("--schedule is for --cram (a review always schedules)")
    try:
        crammed = None if cram is None else CramFilter.parse(cram)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--cram") from None
    custom = CustomStudy(ahead_days=ahead or 0, extra_new=extra_new or 0, tag=tag)
    with collector_paused(not plain):
        settings = load_settings()
        with open_store(database_path(ctx), settings=settings) as store:
            loaded = load_or_fail(resolve_deck(store, settings, deck))
            if tag is not None and not any(tag in q.tags for q in loaded.deck.questions):
                raise click.ClickException(
                    f"no question of {sanitize(loaded.deck.deck.id)} has the tag {sanitize(tag)}"
                )
            with _session_sync(store.path, settings):
                if crammed is not None:
                    _cram(ctx, store, settings, loaded, crammed, schedule=schedule, plain=plain)
                    return
                if plain:
                    from quiz.plain import run_review

                    ctx.exit(
                        run_review(
                            store,
                            loaded,
                            settings,
                            now=system_now,
                            stdin=sys.stdin,
                            stdout=sys.stdout,
                            custom=custom,
                        )
                    )
                from quiz.ui.app import Start

                _run(ctx, Start(at="review", loaded=loaded, custom=custom), store, settings)


def _cram(
    ctx: click.Context,
    store: Store,
    settings: Settings,
    loaded: LoadedDeck,
    crammed: CramFilter,
    *,
    schedule: bool,
    plain: bool,
) -> None:
    """`quiz review --cram`: a quiz over the chosen questions (an attempt, not reviews, unless
    `schedule`)."""
    from quiz.core.cards import cards_of
    from quiz.core.custom_study import cram_questions
    from quiz.core.library import reconcile
    from quiz.presentation.options import QuizOptions

    keys = set(reconcile(store, loaded, system_now()))
    cards = [card for card in cards_of(loaded.deck) if card.key in keys]
    questions = cram_questions(store, loaded.deck, crammed, cards)
    if not questions:
        raise click.ClickException(f"no card of {sanitize(loaded.deck.deck.id)} is {crammed}")
    options = QuizOptions(schedule=schedule, shuffle=True)
    _start_quiz(ctx, store, settings, loaded, options, plain=plain, questions=questions)


def _start_quiz(
    ctx: click.Context,
    store: Store,
    settings: Settings,
    loaded: LoadedDeck,
    options: QuizOptions,
    *,
    plain: bool,
    questions: Sequence[Question] | None = None,
) -> None:
    """Run a quiz (of `questions` only, when given) in plain mode or full screen; a take and
    a cram start alike."""
    if plain:
        from quiz.plain import run_quiz

        ctx.exit(
            run_quiz(
                store,
                loaded,
                options,
                now=system_now,
                stdin=sys.stdin,
                stdout=sys.stdout,
                settings=settings,
                questions=questions,
            )
        )
    from quiz.ui.app import Start

    chosen = tuple(questions) if questions is not None else None
    _run(ctx, Start(at="quiz", loaded=loaded, quiz=options, questions=chosen), store, settings)
