"""Card actions, edits and custom study inside a review session (issue 14), against a real
store with a pinned clock and zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.config import Settings
from quiz.core.card_state import CardMarks, CardState, Flag, Phase
from quiz.core.cards import cards_of
from quiz.core.custom_study import CramFilter, CustomStudy, cram_questions
from quiz.core.models import Deck
from quiz.core.scheduling import Grade
from quiz.core.storage import Store
from quiz.core.study import ReviewSession

NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 1, 15, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York, study day Jan 15
DAY = timedelta(days=1)
STEADY = Settings(fuzz=False)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def flash(key: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "flashcard", "id": key, "prompt": f"front {key}", "answer": key, **extra}


def make_deck(*questions: dict[str, Any]) -> Deck:
    return Deck.model_validate({"deck": {"id": "d", "title": "Deck"}, "questions": list(questions)})


def plain_deck(count: int) -> Deck:
    return make_deck(*(flash(f"q{n}") for n in range(count)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=T0) as opened:
        yield opened


def session(
    store: Store, deck: Deck, clock: Clock, config: Settings = STEADY, **kw: Any
) -> ReviewSession:
    return ReviewSession(store, deck, config, clock, tz=NEW_YORK, daily_backup=False, **kw)


def snapshot(store: Store) -> tuple[list[tuple[Any, ...]], int, int]:
    """Every card's state and marks, the review count and the event count."""
    cards = store.read(
        "SELECT card_key, state, step, stability, difficulty, due, last_review, reps, lapses,"
        " suspended, buried_until, flag, leech FROM cards WHERE deck_id = 'd' ORDER BY card_key"
    )
    reviews = store.read("SELECT count(*) FROM reviews")[0][0]
    events = store.read("SELECT count(*) FROM card_events")[0][0]
    return [tuple(row) for row in cards], int(reviews), int(events)


def review_state(due: datetime) -> CardState:
    return CardState(
        state=Phase.REVIEW,
        stability=10.0,
        difficulty=5.0,
        due=due,
        last_review=due - 10 * DAY,
        reps=3,
    )


# --- actions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "marks", "leaves"),
    [
        ("suspend", CardMarks(suspended=True), True),
        ("bury", CardMarks(buried_until=date(2026, 1, 16)), True),
        ("flag", CardMarks(flag=Flag.RED), False),
        ("forget", CardMarks(), True),
    ],
)
def test_an_action_marks_the_card_and_undo_takes_it_back(
    store: Store, action: str, marks: CardMarks, leaves: bool
) -> None:
    review = session(store, plain_deck(3), Clock())
    before = snapshot(store)
    card = review.next_card()
    assert card is not None and card.key == "q0"
    outcome = review.flag(card, Flag.RED) if action == "flag" else getattr(review, action)(card)
    assert outcome.kind == action and outcome.card is card
    assert review.marks(card) == marks
    shown = review.next_card()
    assert shown is not None and (shown.key != "q0") is leaves
    assert review.counts().total == (2 if leaves else 3)
    assert review.can_undo
    back = review.undo()
    assert back is not None and back.key == "q0"
    assert review.next_card() is back and review.counts().total == 3
    assert snapshot(store) == before and not review.can_undo


def test_forget_sends_a_studied_card_back_to_new(store: Store) -> None:
    review = session(store, plain_deck(2), Clock())
    store.record_review("d", "q1", after=review_state(T0 - DAY), grade=3, reviewed_at=T0 - 11 * DAY)
    review = session(store, plain_deck(2), Clock())
    card = review.next_card()
    assert card is not None and card.key == "q1"
    review.forget(card)
    state = review.state_in_store(card)
    assert state.state is Phase.NEW and state.reps == 3
    shown = review.next_card()
    assert shown is not None and shown.key == "q0" and review.counts().total == 1


def test_a_buried_card_comes_back_the_next_study_day(store: Store) -> None:
    clock = Clock()
    review = session(store, plain_deck(1), clock)
    card = review.next_card()
    assert card is not None
    review.bury(card)
    assert review.next_card() is None
    clock.now = T0 + DAY
    again = review.next_card()
    assert again is not None and again.key == card.key


def test_undo_goes_back_through_answers_and_actions_in_reverse_order(store: Store) -> None:
    review = session(store, plain_deck(4), Clock())
    start = snapshot(store)
    steps = []
    for do in ("answer", "suspend", "flag", "answer", "bury"):
        card = review.next_card()
        assert card is not None
        steps.append((card.key, snapshot(store)))
        if do == "answer":
            review.answer(card, Grade.Easy)
        elif do == "flag":
            review.flag(card, Flag.BLUE)
        else:
            getattr(review, do)(card)
    for key, state in reversed(steps):
        back = review.undo()
        assert back is not None and back.key == key and snapshot(store) == state
    assert review.undo() is None and snapshot(store) == start


def test_a_flag_already_set_changes_nothing_and_undoes_as_nothing(store: Store) -> None:
    review = session(store, plain_deck(1), Clock())
    card = review.next_card()
    assert card is not None
    review.flag(card, Flag.GREEN)
    assert review.flag(card, Flag.GREEN).batch is None
    assert review.undo() is not None and review.marks(card).flag is Flag.GREEN
    assert review.undo() is not None and review.marks(card).flag is Flag.NONE


def test_a_leech_suspended_by_its_answer_does_not_come_back_today(store: Store) -> None:
    config = Settings(fuzz=False, leech_threshold=1, leech_action="suspend")
    session(store, plain_deck(1), Clock())
    store.record_review("d", "q0", after=review_state(T0), grade=3, reviewed_at=T0 - 10 * DAY)
    review = session(store, plain_deck(1), Clock(), config)
    card = review.next_card()
    assert card is not None
    outcome = review.answer(card, Grade.Again)
    assert outcome.leech and review.marks(card).suspended
    assert review.next_card() is None
    assert review.undo() is not None and not review.marks(card).suspended


# --- random sequences -------------------------------------------------------------------------

STEP = st.sampled_from(
    ["again", "good", "easy", "suspend", "bury", "flag", "forget", "undo", "wait"]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(STEP, max_size=25), flag=st.sampled_from(list(Flag)))
def test_random_answers_actions_and_undos_never_crash_and_undo_restores_the_store(
    tmp_path_factory: pytest.TempPathFactory, steps: list[str], flag: Flag
) -> None:
    path = tmp_path_factory.mktemp("random") / "study.sqlite3"
    clock = Clock()
    with Store.open(path, now=T0) as opened:
        review = session(opened, plain_deck(4), clock, Settings(fuzz=False, leech_threshold=1))
        start = snapshot(opened)
        for step in steps:
            if step == "undo":
                review.undo()
                continue
            if step == "wait":
                clock.now += timedelta(minutes=7)
                continue
            card = review.next_card()
            if card is None:
                continue
            if step in ("again", "good", "easy"):
                review.answer(
                    card, {"again": Grade.Again, "good": Grade.Good, "easy": Grade.Easy}[step]
                )
            elif step == "flag":
                review.flag(card, flag)
            else:
                getattr(review, step)(card)
        while review.undo() is not None:
            pass
        assert snapshot(opened) == start


# --- editing ----------------------------------------------------------------------------------


def test_reload_shows_the_new_text_and_drops_removed_cards(store: Store) -> None:
    review = session(store, plain_deck(3), Clock())
    card = review.next_card()
    assert card is not None
    review.answer(card, Grade.Again)
    shown = review.next_card()
    assert shown is not None and shown.key == "q1"
    edited = make_deck(flash("q0", prompt="new front"), flash("q1", prompt="edited front"))
    again = review.reload(edited, path=None, content_hash=None)
    assert again is not None and again.question.prompt == "edited front"
    assert review.next_card() is again
    assert review.counts().total == 2  # q1 on screen, q0 in learning; q2 gone
    back = review.undo()
    assert back is not None and back.question.prompt == "new front"


def test_reload_refuses_another_deck(store: Store) -> None:
    review = session(store, plain_deck(1), Clock())
    other = Deck.model_validate({"deck": {"id": "e", "title": "E"}, "questions": [flash("x")]})
    with pytest.raises(ValueError, match="'e'"):
        review.reload(other, path=None, content_hash=None)


# --- custom study -----------------------------------------------------------------------------


def test_review_ahead_serves_cards_due_in_the_next_days_scheduled_from_now(store: Store) -> None:
    deck = plain_deck(3)
    session(store, deck, Clock())
    store.record_review(
        "d", "q0", after=review_state(T0 + 3 * DAY), grade=3, reviewed_at=T0 - 7 * DAY
    )
    store.record_review("d", "q1", after=review_state(T0 + 9 * DAY), grade=3, reviewed_at=T0 - DAY)
    plain = session(store, deck, Clock(), Settings(fuzz=False, new_per_day=0))
    assert plain.next_card() is None
    ahead = session(
        store, deck, Clock(), Settings(fuzz=False, new_per_day=0), custom=CustomStudy(ahead_days=5)
    )
    card = ahead.next_card()
    assert card is not None and card.key == "q0"
    outcome = ahead.answer(card, Grade.Good)
    assert outcome.after.last_review == T0  # FSRS saw the real moment, 3 days early
    assert ahead.next_card() is None


def test_extra_new_cards_raise_todays_new_limit(store: Store) -> None:
    config = Settings(fuzz=False, new_per_day=2)
    assert session(store, plain_deck(6), Clock(), config).counts().new == 2
    extra = session(store, plain_deck(6), Clock(), config, custom=CustomStudy(extra_new=3))
    assert extra.counts().new == 5
    # the day's allowance is kept: a restart the same day still has it, asking again for 3
    # does not make it 6, and the next study day is back to the limit
    assert session(store, plain_deck(6), Clock(), config).counts().new == 5
    again = session(store, plain_deck(6), Clock(), config, custom=CustomStudy(extra_new=3))
    assert again.counts().new == 5
    tomorrow = Clock(T0 + timedelta(days=1))
    assert session(store, plain_deck(6), tomorrow, config).counts().new == 2


def test_one_tag_only(store: Store) -> None:
    deck = make_deck(flash("a", tags=["x"]), flash("b"), flash("c", tags=["x", "y"]))
    review = session(store, deck, Clock(), custom=CustomStudy(tag="x"))
    keys = []
    while (card := review.next_card()) is not None:
        keys.append(card.key)
        review.answer(card, Grade.Easy)
    assert keys == ["a", "c"]


def test_custom_study_refuses_negative_numbers() -> None:
    with pytest.raises(ValueError):
        CustomStudy(ahead_days=-1)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("tag:verbs", CramFilter("tag", "verbs")),
        ("flag:Red", CramFilter("flag", "red")),
        ("lapses:03", CramFilter("lapses", "3")),
    ],
)
def test_cram_filters_parse(text: str, parsed: CramFilter) -> None:
    assert CramFilter.parse(text) == parsed and str(parsed) == text.lower().replace("03", "3")


@pytest.mark.parametrize(
    "text", ["tag:", "flag:none", "flag:pink", "lapses:0", "lapses:x", "due:3", ""]
)
def test_bad_cram_filters_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match="tag:NAME, flag:COLOUR"):
        CramFilter.parse(text)


def test_cram_questions_by_tag_flag_and_lapses(store: Store) -> None:
    deck = make_deck(flash("a", tags=["x"]), flash("b"), flash("c"))
    review = session(store, deck, Clock())
    cards = cards_of(deck)
    store.set_flag([("d", "b")], Flag.RED, now=T0)
    lapsed = CardState(
        state=Phase.RELEARNING, stability=1.0, difficulty=5.0, due=T0, last_review=T0, lapses=3
    )
    store.record_review("d", "c", after=lapsed, grade=1, reviewed_at=T0)
    ids = lambda f: [q.id for q in cram_questions(store, review.deck, CramFilter.parse(f), cards)]  # noqa: E731
    assert ids("tag:x") == ["a"]
    assert ids("flag:red") == ["b"]
    assert ids("lapses:3") == ["c"] and ids("lapses:4") == []
