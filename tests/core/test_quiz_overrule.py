"""The learner's last word on a quiz answer: `QuizSession.overrule` and what it stores."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz.config import Settings
from quiz.core.models import Cloze, Deck, DeckMeta, ShortAnswer
from quiz.core.scheduling import Grade
from quiz.core.storage import Store
from quiz.core.study import OVERRULED_RIGHT, QuizSession
from quiz.errors import StoreConflict

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DECK = Deck(
    deck=DeckMeta(id="capitals", title="Capitals", shuffle=False),
    questions=[
        ShortAnswer(kind="short", id="fr", prompt="Capital of France?", answer="Paris", points=2),
        Cloze(kind="cloze", id="by", text="{{Minsk}} is on the {{Svislach}}."),
    ],
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "quiz.sqlite3", now=NOW)


def session(store: Store, **options: object) -> QuizSession:
    settings = Settings(fuzz=False)
    return QuizSession(store, DECK, now=lambda: NOW, settings=settings, **options)  # type: ignore[arg-type]


def test_i_was_right_scores_the_answer_and_keeps_the_checkers_score(store: Store) -> None:
    quiz = session(store)
    paris = quiz.questions[0]
    assert not quiz.answer(paris, "Lyon").correct
    verdict = quiz.overrule(paris, right=True)
    assert (verdict.correct, verdict.score, verdict.feedback) == (True, 2.0, OVERRULED_RIGHT)
    (row,) = store.attempt_answers(quiz.attempt_id)
    assert (row.correct, row.score, row.overruled, row.checked_score) == (True, 2.0, True, 0.0)
    assert quiz.finish().score == 2.0


def test_turning_back_restores_the_checkers_verdict(store: Store) -> None:
    quiz = session(store)
    paris = quiz.questions[0]
    checked = quiz.answer(paris, "Paris")
    assert quiz.overrule(paris, right=False).score == 0.0
    assert quiz.overrule(paris, right=True) == checked
    (row,) = store.attempt_answers(quiz.attempt_id)
    assert (row.correct, row.score, row.overruled, row.checked_score) == (True, 2.0, False, None)
    assert quiz.overrule(paris, right=True) == checked  # already so: nothing changes


def test_with_schedule_the_answers_reviews_are_regraded_in_place(store: Store) -> None:
    quiz = session(store, schedule=True)
    cloze = quiz.questions[1]
    quiz.answer(cloze, ["Minsk", "Dnieper"])  # one blank right, one wrong
    before = {r.card_key: (r.id, r.grade) for r in store.iter_reviews()}
    assert sorted(grade for _, grade in before.values()) == [Grade.Again, Grade.Good]
    quiz.overrule(cloze, right=True)
    after = {r.card_key: (r.id, r.grade, r.correct) for r in store.iter_reviews()}
    assert {key: review[0] for key, review in after.items()} == {
        key: review[0] for key, review in before.items()
    }, "the same rows, corrected"
    assert {review[1] for review in after.values()} == {Grade.Good}
    assert sorted(review[2] for review in after.values()) == [False, True], "checker's kept"
    for key, (review_id, _, _) in after.items():
        logged = store.review(review_id)
        card = store.card_state("capitals", key)
        assert logged is not None and logged.after == card
    # Back to the checker's verdict: each blank gets the checker's own grade again.
    quiz.overrule(cloze, right=False)
    assert {r.card_key: (r.id, r.grade) for r in store.iter_reviews()} == before


def test_a_card_reviewed_since_is_a_conflict_and_nothing_changes(store: Store) -> None:
    quiz = session(store, schedule=True)
    paris = quiz.questions[0]
    quiz.answer(paris, "Lyon")
    (review,) = store.iter_reviews()
    assert review.after is not None
    store.record_review("capitals", review.card_key, after=review.after, grade=3, reviewed_at=NOW)
    with pytest.raises(StoreConflict):
        quiz.overrule(paris, right=True)
    (row,) = store.attempt_answers(quiz.attempt_id)
    assert (row.correct, row.overruled) == (False, False)


def test_an_exam_keeps_the_checkers_verdict(store: Store) -> None:
    exam = session(store, mode="exam")
    paris = exam.questions[0]
    exam.answer(paris, "Lyon")
    with pytest.raises(ValueError, match="exam"):
        exam.overrule(paris, right=True)


def test_an_answer_overruled_after_it_was_synced_reaches_the_other_devices(
    store: Store, tmp_path: Path
) -> None:
    """The amended review loses its event (a trigger notes it, schema 11): the next sync
    sends an undo of the first answer and the corrected one, and another device ends with
    the corrected grade and state."""
    from quiz.core.sync.engine import join, scheduler_records, sync_all

    def sync(device: Store) -> None:
        for report in sync_all(
            device, now=NOW, sched_for=scheduler_records(device, Settings(), NOW)
        ):
            assert report.problems == []

    folder = tmp_path / "sync"
    join(store, folder, scope="all", now=NOW)
    quiz = session(store, schedule=True)
    cloze = quiz.questions[1]
    quiz.answer(cloze, ["Minsk", "Dnieper"])  # one blank right, one wrong
    sync(store)
    with Store.open(tmp_path / "other.sqlite3", now=NOW) as other:
        session(other)  # the deck's cards exist there
        join(other, folder, scope="all", now=NOW)
        sync(other)
        assert sorted(r.grade for r in other.iter_reviews()) == [Grade.Again, Grade.Good]
        quiz.overrule(cloze, right=True)
        sync(store)
        sync(other)
        assert [r.grade for r in other.iter_reviews()] == [Grade.Good, Grade.Good]
        keys = {r.card_key for r in store.iter_reviews()}
        assert len(keys) == 2
        for key in keys:
            state = store.card_state("capitals", key)
            assert state is not None and other.card_state("capitals", key) == state
