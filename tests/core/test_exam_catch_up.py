"""An exam date set (or moved earlier) after cards were scheduled past it: a review session
brings those cards into their window first, as one undoable action, within the daily limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from quiz.config import Settings
from quiz.core.card_state import CardState, Phase
from quiz.core.cards import cards_of
from quiz.core.exam_prep import ExamCatchUp, deck_exam_outlook, exam_outlook, plan_exam_moves
from quiz.core.models import Deck
from quiz.core.scheduling import ExamGoal, Scheduler
from quiz.core.storage import Store
from quiz.core.study import ReviewSession, study_day

NEW_YORK = ZoneInfo("America/New_York")
"""West of UTC: the exam day's start is not midnight UTC."""
T0 = datetime(2026, 1, 15, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York
TODAY = date(2026, 1, 15)
DAY = timedelta(days=1)
STEADY = Settings(fuzz=False)
CARDS = 30


def make_deck(exam_in: int | None, *, valid_until: date | None = None) -> Deck:
    """30 flashcards; the first one's fact holds until `valid_until`."""
    meta: dict[str, Any] = {"id": "d", "title": "Deck"}
    if exam_in is not None:
        meta |= {"exam_date": TODAY + exam_in * DAY, "exam_retention": 0.95}
    questions: list[dict[str, Any]] = [
        {"kind": "flashcard", "id": f"q{n:02d}", "prompt": f"front {n}", "answer": f"a{n}"}
        for n in range(CARDS)
    ]
    if valid_until is not None:
        questions[0]["valid_until"] = valid_until
    return Deck.model_validate({"deck": meta, "questions": questions})


def far_state(n: int, weak: bool = False) -> CardState:
    """Card n: reviewed 10 days ago, due 30 + n days from now (past any exam of these
    tests), stability 30 + 2n days (5 + n/2 if `weak`): those below 95% on the exam day fall
    short."""
    return CardState(
        state=Phase.REVIEW,
        stability=5.0 + n / 2 if weak else 30.0 + 2 * n,
        difficulty=5.0,
        due=T0 + (30 + n) * DAY,
        last_review=T0 - 10 * DAY,
        reps=3,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=T0) as opened:
        yield opened


def studied(store: Store, deck: Deck, weak: bool = False) -> list[str]:
    """Reconcile `deck` without its exam, then put its cards in `far_state`; their keys."""
    without_exam = deck.model_copy(update={"deck": replace_exam(deck)})
    ReviewSession(store, without_exam, STEADY, lambda: T0, daily_backup=False)
    keys = [card.key for card in cards_of(deck)]
    for n, key in enumerate(keys):
        state = far_state(n, weak)
        assert state.last_review is not None
        store.record_review("d", key, after=state, grade=3, reviewed_at=state.last_review)
    return keys


def replace_exam(deck: Deck) -> Any:
    return deck.deck.model_copy(update={"exam_date": None, "exam_retention": None})


def session(store: Store, deck: Deck, settings: Settings = STEADY) -> ReviewSession:
    return ReviewSession(store, deck, settings, lambda: T0, tz=NEW_YORK, daily_backup=False)


def dues(store: Store, keys: list[str]) -> list[datetime | None]:
    return [state.due if (state := store.card_state("d", key)) else None for key in keys]


def planner(exam_in: int) -> Scheduler:
    return Scheduler(fuzz=False, tz=NEW_YORK, exam=ExamGoal(TODAY + exam_in * DAY, 0.95))


def short_of_goal(exam_in: int, weak: bool = False) -> list[int]:
    """The cards whose recall on the exam day would fall short where they are now."""
    plan = planner(exam_in)
    exam_start = plan.study_day(TODAY + exam_in * DAY).start
    recalls = [plan.retrievability(far_state(n, weak), exam_start) for n in range(CARDS)]
    return [n for n, recall in enumerate(recalls) if recall < 0.95]


def test_cards_scheduled_past_a_late_exam_are_brought_into_their_window(store: Store) -> None:
    deck = make_deck(exam_in=12)
    keys = studied(store, deck)
    short = short_of_goal(12)
    assert 5 < len(short) < CARDS  # some fall short, some hold anyway
    before = dues(store, keys)

    review = session(store, deck)
    catch_up = review.exam_catch_up
    assert catch_up is not None and catch_up.batch is not None
    assert (catch_up.moved, catch_up.full) == (len(short), False)
    after = dues(store, keys)
    plan = planner(12)
    for n, (old, new) in enumerate(zip(before, after, strict=True)):
        if n not in short:
            assert new == old
            continue
        window = plan.exam_review_days(far_state(n))
        assert window is not None and new is not None
        day = study_day(new, 4, NEW_YORK)
        assert window[0] <= day.date <= window[1] == TODAY + 11 * DAY
        assert new == day.start
    outlook = deck_exam_outlook(store, deck.deck, STEADY, T0, NEW_YORK)
    assert outlook is not None and outlook.short_cards == 0 and outlook.reachable
    shown = review.exam_outlook()
    assert shown is not None
    assert shown.summary().endswith(
        f"; {len(short)} cards due after the exam were brought before it"
        f" (undo: quiz spread --undo {catch_up.batch})"
    )

    assert session(store, deck).exam_catch_up is None  # nothing left to bring forward
    store.undo_card_action(catch_up.batch)
    assert dues(store, keys) == before
    again = session(store, deck).exam_catch_up  # the next session does it again, the same way
    assert again is not None and again.moved == len(short) and dues(store, keys) == after


def test_the_daily_limit_caps_what_is_brought_forward_and_the_rest_is_said(
    store: Store,
) -> None:
    deck = make_deck(exam_in=4)
    keys = studied(store, deck, weak=True)
    assert len(short_of_goal(4, weak=True)) == CARDS
    limited = replace(STEADY, reviews_per_day=3)
    review = session(store, deck, limited)
    catch_up = review.exam_catch_up
    assert catch_up is not None
    assert 0 < catch_up.moved <= 3 * 4 and catch_up.full
    moved_days = [study_day(due, 4, NEW_YORK).date for due in dues(store, keys) if due]
    for offset in range(4):
        assert moved_days.count(TODAY + offset * DAY) <= 3
    assert str(catch_up.notice()).endswith(
        "; reviews_per_day leaves no room before the exam for more cards due after it"
    )
    outlook = deck_exam_outlook(store, deck.deck, limited, T0, NEW_YORK)
    assert outlook is not None
    assert f"{CARDS - catch_up.moved} cards will fall short" in str(outlook.warning())


def test_an_exam_tomorrow_brings_them_into_todays_queue(store: Store) -> None:
    deck = make_deck(exam_in=1)
    studied(store, deck, weak=True)
    review = session(store, deck)
    assert review.exam_catch_up is not None
    assert review.counts().review == review.exam_catch_up.moved == CARDS


def test_valid_until_still_caps_a_card_brought_forward(store: Store) -> None:
    until = TODAY + 3 * DAY
    deck = make_deck(exam_in=12, valid_until=until)
    keys = studied(store, deck)
    session(store, deck)
    first = store.card_state("d", keys[0])
    assert first is not None and first.due is not None
    assert study_day(first.due, 4, NEW_YORK).date <= until


@pytest.mark.parametrize("exam_in", [None, 0, -3])
def test_no_exam_ahead_moves_nothing(store: Store, exam_in: int | None) -> None:
    deck = make_deck(exam_in=exam_in)
    keys = studied(store, deck)
    before = dues(store, keys)
    assert session(store, deck).exam_catch_up is None
    assert dues(store, keys) == before


def test_the_plan_takes_the_emptiest_day_the_later_on_a_tie_and_no_full_one() -> None:
    plan = planner(5)
    cards = [(f"c{n}", far_state(0), None) for n in range(4)]
    moves, left = plan_exam_moves(cards, plan, TODAY, [1, 0, 2, 2, 1])
    window = plan.exam_review_days(far_state(0))
    assert window is not None and window[0] <= TODAY
    assert [move.day for move in moves] == [TODAY + n * DAY for n in (3, 2, 4, 3)]
    assert left == 0
    moves, left = plan_exam_moves(cards, plan, TODAY, [0, 0, 0, 1, 0])
    assert len(moves) == 1 and left == 3


def test_recall_holds_for_matches_the_forgetting_curve() -> None:
    plan = Scheduler(fuzz=False, tz=timezone.utc)
    for retention in (0.8, 0.9, 0.95, 0.99):
        card = replace(far_state(5), last_review=T0, due=None)  # stability 40 days
        days = plan.recall_holds_for(retention) * 40.0
        assert plan.retrievability(card, T0 + int(days) * DAY) >= retention
        assert plan.retrievability(card, T0 + (int(days) + 1) * DAY) < retention


def test_a_catch_up_notice_is_one_line() -> None:
    assert ExamCatchUp(moved=1, batch=7, full=False).notice() == (
        "1 card due after the exam was brought before it (undo: quiz spread --undo 7)"
    )
    assert ExamCatchUp(moved=0, batch=None, full=True).notice() == (
        "reviews_per_day leaves no room before the exam for the cards due after it"
    )
    assert ExamCatchUp(moved=0, batch=None, full=False).notice() is None


def test_the_outlook_reads_recall_on_the_exam_day_in_the_learners_zone() -> None:
    """Reviewed on the 15th in New York, exam on the 25th: ten days, not nine (midnight UTC
    of the 25th is still the 24th in New York)."""
    card = replace(far_state(0), due=T0 + 60 * DAY, last_review=T0)
    plan = planner(10)
    outlook = exam_outlook([card], plan, STEADY, TODAY)
    assert outlook is not None
    ten_days = Scheduler(fuzz=False, tz=timezone.utc).retrievability(card, T0 + 10 * DAY)
    assert outlook.predicted_recall == pytest.approx(ten_days)


def test_plain_mode_names_what_was_brought_forward(store: Store, tmp_path: Path) -> None:
    """The review's opening lines: the outlook, then what bringing cards forward did."""
    import io

    from quiz.core.library import load
    from quiz.plain import run_review

    path = tmp_path / "exam.toml"
    body = "".join(
        f'\n[[questions]]\nid = "q{n:02d}"\nkind = "flashcard"\nprompt = "p{n}"\nanswer = "a{n}"\n'
        for n in range(CARDS)
    )
    path.write_text('[deck]\nid = "d"\ntitle = "D"\n' + body, encoding="utf-8")
    loaded = load(path)
    keys = studied(store, loaded.deck)
    path.write_text(
        '[deck]\nid = "d"\ntitle = "D"\nexam_date = 2026-01-27\nexam_retention = 0.95\n' + body,
        encoding="utf-8",
    )
    out = io.StringIO()
    run_review(store, load(path), STEADY, now=lambda: T0, stdin=io.StringIO(":q\n"), stdout=out)
    line = out.getvalue().splitlines()[1]
    assert line.startswith("Exam in 12 days: predicted recall ")
    moved = re.search(r"; (\d+) cards due after the exam were brought before it \(undo: quiz", line)
    assert moved is not None and 5 < int(moved[1]) < len(keys)
