"""Finding cards: the search box's query language, and `Store.search_cards` over every filter,
state and sort, hostile text included."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quiz.core.card_query import (
    DEFAULT_DECAY,
    SORT_COLUMNS,
    CardQuery,
    QueryError,
    Range,
    SearchContext,
    decay_of,
    due_day,
    parse_query,
)
from quiz.core.card_state import CardState, Flag, Phase
from quiz.core.cards import CardText
from quiz.core.scheduling import Scheduler
from quiz.core.storage import Store

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
CONTEXT = SearchContext(now=NOW, day_starts_at=4, tz=timezone.utc)
DAY = timedelta(days=1)

CARDS = {
    # key: (kind, tags, prompt, answer)
    "nile": ("short", "africa rivers", "Longest river in Africa?", "The Nile"),
    "congo": ("short", "africa rivers", "Deepest river in the world?", "The Congo"),
    "everest": ("numeric", "asia mountains", "Height of Everest (m)?", "8849 m"),
    "paris:blank-1": ("cloze", "europe", "Paris is the capital of France", "Paris"),
    "sahara": ("flashcard", "africa deserts", "Largest hot desert?", "Sahara"),
    "zurich": ("short", "europe world-war", "Zürich lies on which lake?", "Lake Zürich"),
}


def reviewed(
    days_ago: int, due_in: float, *, stability: float = 10.0, lapses: int = 0
) -> CardState:
    return CardState(
        state=Phase.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=NOW + timedelta(days=due_in),
        last_review=NOW - timedelta(days=days_ago),
        reps=lapses + 3,
        lapses=lapses,
    )


def fill(store: Store) -> None:
    """Two decks; cards in every state and with every mark the filters read."""
    store.reconcile_deck(
        "geo",
        title="World Geography",
        path=None,
        content_hash=None,
        card_keys=list(CARDS),
        question_count=len(CARDS),
        now=NOW,
        texts={key: CardText(*value) for key, value in CARDS.items()},
    )
    store.reconcile_deck(
        "hist",
        title="History",
        path=None,
        content_hash=None,
        card_keys=["rome", "gone"],
        question_count=2,
        now=NOW,
        texts={
            "rome": CardText("short", "europe", "[bold]Rome[/] \x1b[31mfounded?", "753 BC"),
            "gone": CardText("short", "", "A removed question", "x"),
        },
    )
    store.reconcile_deck(  # "gone" leaves its deck: orphaned
        "hist",
        title="History",
        path=None,
        content_hash=None,
        card_keys=["rome"],
        question_count=1,
        now=NOW,
    )
    states = {
        ("geo", "nile"): reviewed(10, 5, stability=30.0),
        ("geo", "congo"): reviewed(40, -2, stability=5.0, lapses=5),
        ("geo", "everest"): reviewed(1, 0.2, stability=2.0, lapses=1),
        ("hist", "rome"): CardState(
            Phase.LEARNING, 0, 1.0, 6.0, NOW + timedelta(minutes=10), NOW - DAY, 1, 0
        ),
    }
    for (deck, key), state in states.items():
        store.record_review(deck, key, after=state, grade=3, reviewed_at=state.last_review or NOW)
    store.suspend([("geo", "sahara")], now=NOW)
    store.bury([("geo", "paris:blank-1")], until=date(2026, 3, 3), now=NOW)
    store.set_flag([("geo", "nile")], Flag.RED, now=NOW)
    store.set_flag([("geo", "zurich")], Flag.BLUE, now=NOW)
    store.record_review(
        "geo",
        "congo",
        after=reviewed(40, -2, stability=5.0, lapses=6),
        grade=1,
        reviewed_at=NOW - timedelta(days=40),
        leech="mark",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "quiz.sqlite3", now=NOW) as opened:
        fill(opened)
        yield opened


def keys(store: Store, text: str, order_by: str = "deck", descending: bool = False) -> list[str]:
    query = parse_query(text)
    rows = store.search_cards(
        query,
        context=CONTEXT,
        order_by=order_by,
        descending=descending,
        limit=100,  # type: ignore[arg-type]
    )
    assert store.count_cards(query, context=CONTEXT) == len(rows)
    return [row.card_key for row in rows]


# --- the query language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("", CardQuery()),
        ("nile river", CardQuery(words=("nile", "river"))),
        ('"hot desert" big', CardQuery(words=("hot desert", "big"))),
        ('"unclosed quote', CardQuery(words=("unclosed quote",))),
        ("deck:geo", CardQuery(decks=("geo",))),
        ('deck:"World Geo"', CardQuery(decks=("World Geo",))),
        ("tag:africa tag:riv*", CardQuery(tags=("africa", "riv*"))),
        ("kind:Cloze", CardQuery(kinds=("cloze",))),
        ("is:suspended is:leech", CardQuery(states=frozenset({"suspended", "leech"}))),
        ("-is:new", CardQuery(not_states=frozenset({"new"}))),
        ("flag:red flag:4", CardQuery(flags=frozenset({Flag.RED, Flag.BLUE}))),
        ("flag:any", CardQuery(states=frozenset({"flagged"}))),
        ("flag:none", CardQuery(flags=frozenset({Flag.NONE}))),
        ("due<7", CardQuery(due=Range(high=7, high_strict=True))),
        ("due>=-3 due<=0", CardQuery(due=Range(low=-3, high=0))),
        ("due=2", CardQuery(due=Range(2, 2))),
        ("lapses>3", CardQuery(lapses=Range(low=3, low_strict=True))),
        ("reps:5", CardQuery(reps=Range(5, 5))),
        ("prop:r<0.8", CardQuery(retrievability=Range(high=0.8, high_strict=True))),
        ("PROP:R>=0.5", CardQuery(retrievability=Range(low=0.5))),
    ],
)
def test_parse(text: str, query: CardQuery) -> None:
    assert parse_query(text) == query


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour:red", "unknown search term 'colour:'"),
        ("is:sleeping", "unknown state 'is:sleeping'"),
        ("kind:essay", "unknown kind 'essay'"),
        ("flag:pink", "unknown flag 'pink'"),
        ("deck:", "needs a value"),
        ("-tag:x", "only is: can be negated"),
        ("due<soon", "whole number"),
        ("lapses>-1", "never negative"),
        ("due<1234567", "whole number"),
        ("prop:r<2", "between 0 and 1"),
        ("prop:r<nan", "between 0 and 1"),
        ("prop:r<x", "number 0-1"),
    ],
)
def test_parse_errors_name_the_term(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(text)


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_or_fails_with_the_parsers_own_error(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", date(2026, 3, 2)),
        ("Tomorrow", date(2026, 3, 3)),
        ("7", date(2026, 3, 9)),
        ("2026-04-01", date(2026, 4, 1)),
    ],
)
def test_due_day(text: str, day: date) -> None:
    assert due_day(text, date(2026, 3, 2)) == day


@pytest.mark.parametrize("text", ["yesterday", "2026-03-01", "-1", "", "soon"])
def test_due_day_refuses(text: str) -> None:
    with pytest.raises(QueryError):
        due_day(text, date(2026, 3, 2))


# --- searching -------------------------------------------------------------------------------

EVERY = ["congo", "everest", "nile", "paris:blank-1", "sahara", "zurich", "gone", "rome"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("", EVERY),
        ("nile", ["nile"]),
        ("riv", ["congo", "nile"]),  # a prefix
        ("RIVER africa", ["congo", "nile"]),
        ("zurich", ["zurich"]),  # accents ignored
        ("lake zür", ["zurich"]),
        ('"the world"', ["congo"]),
        ("deck:hist", ["gone", "rome"]),
        ("deck:geography nile", ["nile"]),
        ("deck:nothing", []),
        ("tag:africa", ["congo", "nile", "sahara"]),
        ("tag:riv*", ["congo", "nile"]),
        ("tag:rivers tag:africa", ["congo", "nile"]),
        ("tag:war", []),  # a whole tag only
        ("tag:world-war", ["zurich"]),
        ("kind:cloze", ["paris:blank-1"]),
        ("kind:numeric kind:flashcard", ["everest", "sahara"]),
        ("is:new", ["paris:blank-1", "sahara", "zurich", "gone"]),
        ("is:learning", ["rome"]),
        ("is:review", ["congo", "everest", "nile"]),
        ("is:suspended", ["sahara"]),
        ("is:buried", ["paris:blank-1"]),
        ("is:flagged", ["nile", "zurich"]),
        ("flag:red", ["nile"]),
        ("flag:blue", ["zurich"]),
        ("is:leech", ["congo"]),
        ("is:orphaned", ["gone"]),
        ("-is:new -is:orphaned", ["congo", "everest", "nile", "rome"]),
        ("due<0", ["congo"]),
        ("due<1", ["congo", "everest", "rome"]),
        ("due=0", ["everest", "rome"]),
        ("due>1", ["nile"]),
        ("lapses>3", ["congo"]),
        ("lapses>=1", ["congo", "everest"]),
        ("reps=4", ["everest"]),
        ("prop:r<0.8", ["congo"]),
        ("prop:r>0.9", ["everest", "nile"]),
        ("prop:r>=0 is:learning", ["rome"]),
        ("is:review prop:r<=1 prop:r>=0", ["congo", "everest", "nile"]),
    ],
)
def test_search(store: Store, text: str, found: list[str]) -> None:
    assert sorted(keys(store, text)) == sorted(found)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        "*",
        "a*",
        "NEAR(",
        "NEAR(a b)",
        "AND",
        "OR",
        "NOT",
        "a AND",
        "(",
        ")",
        "^",
        "-",
        ":",
        "prompt:x",
        '"a" OR "b"',
        "'",
        "{prompt}",
        "\x00",
        "🦀",
        "日本",
        "\u200b",
        " ",
    ],
)
def test_hostile_text_is_searched_as_text(store: Store, text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError:
        return  # a term the language refuses, with its own message
    rows = store.search_cards(query, context=CONTEXT)
    assert store.count_cards(query, context=CONTEXT) == len(rows)


def test_rows_carry_text_schedule_and_marks_as_stored(store: Store) -> None:
    (rome,) = store.search_cards(parse_query("deck:hist -is:orphaned"), context=CONTEXT)
    assert rome.prompt == "[bold]Rome[/] \x1b[31mfounded?"  # sanitised only on display
    assert (rome.deck_title, rome.kind, rome.tags, rome.phase) == (
        "History",
        "short",
        ("europe",),
        Phase.LEARNING,
    )
    (nile,) = store.search_cards(parse_query("nile"), context=CONTEXT)
    assert nile.marks.flag is Flag.RED and nile.interval == timedelta(days=15)
    assert (nile.reps, nile.lapses, nile.orphaned) == (3, 0, False)


@pytest.mark.parametrize("order_by", SORT_COLUMNS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_orders_its_column_with_missing_values_last(
    store: Store, order_by: str, descending: bool
) -> None:
    rows = store.search_cards(
        CardQuery(),
        context=CONTEXT,
        order_by=order_by,
        descending=descending,  # type: ignore[arg-type]
    )
    assert len(rows) == len(EVERY)
    value = {
        "deck": lambda r: (r.deck_id,),
        "prompt": lambda r: r.prompt.casefold(),
        "due": lambda r: r.due,
        "interval": lambda r: r.interval,
        "lapses": lambda r: r.lapses,
        "reps": lambda r: r.reps,
        "retrievability": lambda r: r.retrievability,
        "created": lambda r: r.created,
    }[order_by]
    values = [value(row) for row in rows]
    present = [v for v in values if v is not None]
    assert values[: len(present)] == present, "rows without a value come last"
    assert present == sorted(present, reverse=descending)


def test_pages_follow_on(store: Store) -> None:
    query = CardQuery()
    whole = store.search_cards(query, context=CONTEXT, order_by="due")
    pages = [
        row
        for offset in range(0, len(whole), 3)
        for row in store.search_cards(
            query, context=CONTEXT, order_by="due", limit=3, offset=offset
        )
    ]
    assert pages == whole


def test_the_prompt_sort_reads_the_prompt_index(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sort by prompt is the index's order (100k cards sorted took 100 ms a page)."""
    keys = [f"k{n}" for n in range(500)]  # enough that the planner prefers the index
    store.reconcile_deck(
        "big",
        title="Big",
        path=None,
        content_hash=None,
        card_keys=keys,
        question_count=len(keys),
        now=NOW,
        texts={key: CardText("short", "", f"Question {key}?", "a") for key in keys},
    )
    queries: list[tuple[str, Any]] = []
    rows = store._rows

    def noted(sql: str, params: Any = ()) -> list[Any]:
        queries.append((sql, params))
        return rows(sql, params)

    monkeypatch.setattr(store, "_rows", noted)
    for descending in (False, True):
        queries.clear()
        store.search_cards(
            CardQuery(), context=CONTEXT, order_by="prompt", descending=descending, limit=50
        )
        sql, params = queries[0]
        plan = " ".join(row[3] for row in store._db.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "SCAN t USING INDEX card_texts_prompt" in plan, plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan  # only ties on the prompt are sorted


@pytest.mark.parametrize("descending", [False, True])
def test_cards_without_text_come_last_in_the_prompt_sort_page_after_page(
    store: Store, descending: bool
) -> None:
    store.reconcile_deck(  # a deck whose text the store has not read yet
        "unread",
        title="Unread",
        path=None,
        content_hash=None,
        card_keys=["u1", "u2"],
        question_count=2,
        now=NOW,
    )
    query = CardQuery()
    whole = store.search_cards(query, context=CONTEXT, order_by="prompt", descending=descending)
    assert [row.card_key for row in whole[-2:]] == ["u1", "u2"]
    assert not any(row.has_text for row in whole[-2:])
    for size in (2, 3, 4):
        pages = [
            row
            for offset in range(0, len(whole) + size, size)
            for row in store.search_cards(
                query,
                context=CONTEXT,
                order_by="prompt",
                descending=descending,
                limit=size,
                offset=offset,
            )
        ]
        assert pages == whole


def test_the_default_decay_is_fsrs_s() -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    assert DEFAULT_PARAMETERS[20] == DEFAULT_DECAY
    assert decay_of(None) == DEFAULT_DECAY


def test_card_refs_are_every_match(store: Store) -> None:
    assert set(store.card_refs(parse_query("tag:africa"), context=CONTEXT)) == {
        ("geo", "nile"),
        ("geo", "congo"),
        ("geo", "sahara"),
    }


def test_retrievability_agrees_with_the_scheduler(store: Store) -> None:
    scheduler = Scheduler(fuzz=False, tz=timezone.utc)
    for row in store.search_cards(parse_query("-is:new"), context=CONTEXT):
        card = store.card(row.deck_id, row.card_key)
        assert card is not None and row.retrievability is not None
        assert row.retrievability == pytest.approx(
            scheduler.retrievability(card.state, NOW), abs=0.01
        )


@given(
    stability=st.floats(0.1, 3650),
    days_ago=st.integers(0, 3000),
    hour=st.integers(0, 23),
    threshold=st.floats(0.01, 0.99),
)
@settings(max_examples=60, deadline=None)
def test_retrievability_filter_agrees_with_the_scheduler(
    stability: float, days_ago: int, hour: int, threshold: float
) -> None:
    now = NOW.replace(hour=hour)
    context = SearchContext(now=now, day_starts_at=4, tz=timezone.utc)
    state = CardState(
        Phase.REVIEW, None, stability, 5.0, now + DAY, now - timedelta(days=days_ago), 2, 0
    )
    expected = Scheduler(fuzz=False, tz=timezone.utc).retrievability(state, now)
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "q.sqlite3", now=now) as db,
    ):
        db.reconcile_deck(
            "d", title="D", path=None, content_hash=None, card_keys=["k"], question_count=1, now=now
        )
        db.record_review("d", "k", after=state, grade=3, reviewed_at=now)
        (row,) = db.search_cards(CardQuery(), context=context)
        assert row.retrievability == pytest.approx(expected, abs=0.01)
        below = db.count_cards(
            CardQuery(retrievability=Range(high=threshold, high_strict=True)), context=context
        )
        if abs(expected - threshold) > 1e-9:
            assert below == int(expected < threshold)


@example(text="0\x00", order_by="deck", descending=False)  # a NUL ended the query
@given(
    text=st.one_of(
        st.text(max_size=30),
        st.lists(
            st.sampled_from(
                [
                    "nile",
                    "ri",
                    "is:new",
                    "-is:review",
                    "tag:africa",
                    "due<3",
                    "lapses>0",
                    "prop:r<0.9",
                    "flag:red",
                    "deck:geo",
                    "kind:short",
                    '"',
                    "*",
                    "NEAR(",
                    "AND",
                    "zür",
                    "日本",
                ]
            ),
            max_size=5,
        ).map(" ".join),
    ),
    order_by=st.sampled_from(SORT_COLUMNS),
    descending=st.booleans(),
)
@settings(max_examples=120, deadline=None)
def test_random_searches_count_what_they_list(text: str, order_by: str, descending: bool) -> None:
    try:
        query = parse_query(text)
    except QueryError:
        return
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "q.sqlite3", now=NOW) as db,
    ):
        fill(db)
        rows = db.search_cards(
            query,
            context=CONTEXT,
            order_by=order_by,
            descending=descending,
            limit=1000,  # type: ignore[arg-type]
        )
        assert db.count_cards(query, context=CONTEXT) == len(rows)
        assert len(db.card_refs(query, context=CONTEXT)) == len(rows)
