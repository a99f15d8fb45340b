"""Settings and the FSRS layer: exact intervals at pinned dates, previews, grades, labels."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.config import Settings, config_path
from quiz.core.card_state import CardState, Phase
from quiz.core.models import DeckMeta
from quiz.core.scheduling import (
    NEW_CARD,
    Grade,
    Scheduler,
    format_interval,
    grade_for,
    overruled,
)
from quiz.errors import ConfigError

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)
DAY = timedelta(days=1)


def steady(**options: object) -> Scheduler:
    return Scheduler(fuzz=False, **options)  # type: ignore[arg-type]


def run(scheduler: Scheduler, grades: list[Grade]) -> list[timedelta]:
    """Answer each grade exactly when the card comes due; the intervals given."""
    state, now, intervals = NEW_CARD, T0, []
    for grade in grades:
        state, _ = scheduler.review(state, grade, now)
        assert state.due is not None
        intervals.append(state.due - now)
        now = state.due
    return intervals


# --- exact intervals (fsrs 6 default parameters, retention 0.9, steps 1m 10m / 10m) ---


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ([Grade.Again], [1 * MIN]),
        ([Grade.Hard], [5.5 * MIN]),  # halfway between the first two learning steps
        ([Grade.Good], [10 * MIN]),
        ([Grade.Easy], [8 * DAY]),
        ([Grade.Good, Grade.Good, Grade.Good], [10 * MIN, 2 * DAY, 11 * DAY]),
        (
            [Grade.Good, Grade.Good, Grade.Good, Grade.Again, Grade.Good],
            [10 * MIN, 2 * DAY, 11 * DAY, 10 * MIN, 2 * DAY],
        ),
        ([Grade.Again, Grade.Again, Grade.Good, Grade.Good], [MIN, MIN, 10 * MIN, 1 * DAY]),
    ],
)
def test_exact_intervals(grades: list[Grade], expected: list[timedelta]) -> None:
    assert run(steady(), grades) == expected


def test_phases_reps_and_lapses() -> None:
    scheduler, state, now = steady(), NEW_CARD, T0
    phases = []
    for grade in (Grade.Good, Grade.Good, Grade.Again, Grade.Good):
        state, review = scheduler.review(state, grade, now)
        assert review.after == state and review.grade is grade and review.reviewed_at == now
        assert state.due is not None
        phases.append(state.state)
        now = state.due
    assert phases == [Phase.LEARNING, Phase.REVIEW, Phase.RELEARNING, Phase.REVIEW]
    assert (state.reps, state.lapses) == (4, 1)


def test_again_while_learning_is_not_a_lapse() -> None:
    state, _ = steady().review(NEW_CARD, Grade.Again, T0)
    assert state.lapses == 0 and state.state is Phase.LEARNING


def test_review_leaves_the_input_state_alone() -> None:
    before = CardState(
        state=Phase.REVIEW, stability=5.0, difficulty=5.0, due=T0, last_review=T0 - 5 * DAY
    )
    after, review = steady().review(before, Grade.Good, T0)
    assert review.before is before and before.due == T0 and after != before


def test_configured_steps_and_maximum_interval() -> None:
    scheduler = steady(learning_steps=[5], maximum_interval=3)
    assert run(scheduler, [Grade.Again, Grade.Good, Grade.Easy]) == [5 * MIN, 1 * DAY, 3 * DAY]


def test_lower_retention_gives_longer_intervals() -> None:
    meta = DeckMeta(id="d", title="D", desired_retention=0.8)
    config = Settings(fuzz=False)
    lenient = Scheduler.for_deck(config, meta)
    default = Scheduler.for_deck(config, None)
    assert lenient.desired_retention == 0.8 and default.desired_retention == 0.9
    assert run(lenient, [Grade.Good] * 3)[-1] > run(default, [Grade.Good] * 3)[-1]


def test_optimized_parameters_are_used() -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    slow_start = list(DEFAULT_PARAMETERS)
    slow_start[3] = 20.0  # initial stability after Easy
    scheduler = Scheduler.for_deck(Settings(fuzz=False, parameters=slow_start))
    assert run(scheduler, [Grade.Easy]) == [20 * DAY]


# --- previews ---


def test_preview_matches_the_unfuzzed_answer_for_every_grade() -> None:
    scheduler, state = steady(), NEW_CARD
    for grade in (Grade.Good, Grade.Good):
        state, _ = scheduler.review(state, grade, T0 if state is NEW_CARD else state.due or T0)
    now = (state.due or T0) + 3 * DAY
    preview = scheduler.preview(state, now)
    assert list(preview) == list(Grade)
    for grade, interval in preview.items():
        after, _ = scheduler.review(state, grade, now)
        assert after.due == now + interval


def test_preview_is_stable_with_fuzz_and_the_answer_stays_near_it() -> None:
    fuzzy = Scheduler(fuzz=True)
    state = CardState(
        state=Phase.REVIEW, stability=40.0, difficulty=5.0, due=T0, last_review=T0 - 40 * DAY
    )
    first = fuzzy.preview(state, T0)
    assert all(fuzzy.preview(state, T0) == first for _ in range(20))
    assert first == steady().preview(state, T0)
    answers = {fuzzy.review(state, Grade.Good, T0)[0].due for _ in range(40)}
    assert len(answers) > 1, "fuzz is on: forty answers should not all land on one day"
    for due in answers:
        assert due is not None
        assert abs((due - T0) - first[Grade.Good]) <= 0.1 * first[Grade.Good]


# --- time handling ---


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        steady().review(NEW_CARD, Grade.Good, datetime(2026, 3, 1, 12))


def test_other_zones_are_converted_to_utc() -> None:
    minsk = T0.astimezone(ZoneInfo("Europe/Minsk"))
    state, review = steady().review(NEW_CARD, Grade.Good, minsk)
    assert review.reviewed_at == T0 and review.reviewed_at.tzinfo is timezone.utc
    assert state.due == T0 + 10 * MIN


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(list(Grade)),
            st.integers(min_value=0, max_value=400 * 24 * 60),  # minutes after "due"
            st.booleans(),  # early: answer before due instead of after
        ),
        min_size=1,
        max_size=25,
    )
)
def test_due_always_moves_forward(steps: list[tuple[Grade, int, bool]]) -> None:
    scheduler, state, now = steady(), NEW_CARD, T0
    for grade, minutes, early in steps:
        after, review = scheduler.review(state, grade, now)
        assert after.due is not None and after.due > now
        assert after.last_review == now and after.reps == state.reps + 1
        assert review.before == state
        state = after
        gap = timedelta(minutes=minutes)
        now = max(now + MIN, after.due - gap) if early else after.due + gap


# --- grades of auto-checked answers ---


@pytest.mark.parametrize(
    ("correct", "chosen", "expected"),
    [
        (False, None, Grade.Again),
        (False, Grade.Easy, Grade.Easy),  # the learner overruled the check: "I was right"
        (True, Grade.Again, Grade.Again),  # "I did not really know it", never a crash
        (True, None, Grade.Good),
        (True, Grade.Hard, Grade.Hard),
        (True, Grade.Good, Grade.Good),
        (True, Grade.Easy, Grade.Easy),
    ],
)
def test_grade_for(correct: bool, chosen: Grade | None, expected: Grade) -> None:
    assert grade_for(correct, chosen) is expected


@pytest.mark.parametrize(
    ("correct", "grade", "expected"),
    [
        (True, Grade.Again, True),
        (False, Grade.Good, True),
        (True, Grade.Good, False),
        (False, Grade.Again, False),
        (None, Grade.Again, False),  # a flashcard has no verdict to overrule
    ],
)
def test_overruled(correct: bool | None, grade: Grade, expected: bool) -> None:
    assert overruled(correct, grade) is expected


def test_grades_are_fsrs_ratings() -> None:
    import fsrs

    assert [g.rating for g in Grade] == list(fsrs.Rating)


# --- button labels ---


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=20), "<1m"),
        (MIN, "1m"),
        (6 * MIN, "6m"),
        (10 * MIN, "10m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=1, minutes=30), "1.5h"),
        (DAY, "1d"),
        (4 * DAY, "4d"),
        (29 * DAY, "29d"),
        (30 * DAY, "1mo"),
        (90 * DAY, "3mo"),
        (45 * DAY, "1.5mo"),
        (365 * DAY, "1y"),
        (438 * DAY, "1.2y"),
        (36500 * DAY, "100y"),
    ],
)
def test_format_interval(interval: timedelta, label: str) -> None:
    assert format_interval(interval) == label


# --- settings file ---


def test_missing_config_gives_defaults() -> None:
    assert not config_path().exists()
    loaded = Settings.load()
    assert loaded == Settings()
    assert (loaded.desired_retention, loaded.learning_steps, loaded.relearning_steps) == (
        0.9,
        [1, 10],
        [10],
    )
    assert (loaded.new_per_day, loaded.reviews_per_day, loaded.day_starts_at) == (20, 200, 4)
    assert (loaded.maximum_interval, loaded.fuzz, loaded.theme) == (36500, True, "textual-dark")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("new_per_day = ", "not valid TOML"),
        ("new_per_dya = 5", "new_per_dya: unknown setting"),
        ("desired_retention = 1.5", "desired_retention: Input should be less than 1"),
        ('new_per_day = "5"', "new_per_day: Input should be a valid integer"),
        ("learning_steps = [1, 0]", "learning_steps.1: Input should be greater than 0"),
        ("day_starts_at = 24", "day_starts_at: Input should be less than or equal to 23"),
        (
            "new_per_day = 99999999999999999999999",
            "new_per_day: Input should be less than or equal to 1000000",
        ),
        ("reviews_per_day = 1e3", "reviews_per_day: Input should be a valid integer"),
        (
            "learning_steps = [1, 99999999999999]",
            "learning_steps.1: Input should be less than or equal to 525600",
        ),
        ("relearning_steps = [0]", "relearning_steps.0: Input should be greater than 0"),
        (
            "maximum_interval = 10000000000",
            "maximum_interval: Input should be less than or equal to 36500",
        ),
        ("parameters = [1.0, 2.0]", "parameters: Expected 21 parameters, got 2."),
        (
            "parameters = [" + ", ".join(["1e300"] * 21) + "]",
            "parameters[0] = 1e+300 is out of bounds: (0.001, 100.0) (and 20 more)",
        ),
        (
            "parameters = [" + ", ".join(["nan"] * 21) + "]",
            "parameters.0: Input should be a finite number",
        ),
        ("x = " + "[" * 5000 + "]" * 5000, "not valid TOML: nested too deeply"),
        ("new_per_day = " + "9" * 5000, "not valid TOML: a number over 4,300 digits long"),
        ("[learning_steps]\na = 1", "learning_steps: Input should be a valid list"),
    ],
)
def test_broken_config_is_a_clear_one_line_error(text: str, message: str) -> None:
    """The file, the key and what is allowed, on one line: never a traceback (huge numbers,
    deep nesting and FSRS weights of the wrong count or size used to end in one)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Settings.load()
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_save_keeps_comments_and_writes_only_chosen_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "# my study settings\n"
        "desired_retention = 0.85  # fewer reviews\n"
        "\n"
        "learning_steps = [1, 10]  # Anki's default\n",
        encoding="utf-8",
    )
    chosen = replace(Settings.load(path), new_per_day=5, learning_steps=[2])
    chosen.save(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# my study settings\ndesired_retention = 0.85  # fewer reviews\n")
    assert "learning_steps = [2]  # Anki's default" in text
    assert "new_per_day = 5" in text
    assert "theme" not in text and "parameters" not in text
    assert Settings.load(path) == chosen


def test_save_creates_the_file_and_clears_parameters(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    fitted = [round(w * 1.1, 4) for w in fsrs.scheduler.DEFAULT_PARAMETERS]
    Settings(parameters=fitted).save(path)
    assert Settings.load(path).parameters == fitted
    Settings().save(path)
    assert "parameters" not in path.read_text(encoding="utf-8")


def test_save_refuses_to_overwrite_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("broken = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not overwriting"):
        Settings(new_per_day=3).save(path)
    assert path.read_text(encoding="utf-8") == "broken = [\n"


def test_deck_retention_overrides_the_global_one() -> None:
    own = DeckMeta(id="d", title="D", desired_retention=0.95)
    plain = DeckMeta(id="e", title="E")
    config = Settings(desired_retention=0.85)
    assert (config.retention_for(own), config.retention_for(plain)) == (0.95, 0.85)


# --- the optimizer's input ---


def test_review_rows_become_fsrs_review_logs(tmp_path: Path) -> None:
    import fsrs

    from quiz.core.scheduling import to_review_logs
    from quiz.core.storage import Store

    minsk = ZoneInfo("Europe/Minsk")
    with Store.open(tmp_path / "s.sqlite3", now=T0) as store:
        for deck in ("a", "b"):
            store.reconcile_deck(
                deck,
                title=deck,
                path=None,
                content_hash=None,
                card_keys=["x", "y"],
                question_count=2,
                now=T0,
            )
        moment = T0
        for deck, key, grade, ms in (
            ("a", "x", Grade.Again, 1200),
            ("b", "x", Grade.Good, None),
            ("a", "x", Grade.Easy, 800),
            ("a", "y", Grade.Hard, 0),
        ):
            state, _ = steady().review(NEW_CARD, grade, moment)
            store.record_review(
                deck,
                key,
                after=state,
                grade=int(grade),
                reviewed_at=moment.astimezone(minsk),
                duration_ms=ms,
            )
            moment += DAY
        logs = to_review_logs(store.iter_reviews())
    assert [(log.card_id, log.rating, log.review_duration) for log in logs] == [
        (1, fsrs.Rating.Again, 1200),
        (2, fsrs.Rating.Good, None),
        (1, fsrs.Rating.Easy, 800),
        (3, fsrs.Rating.Hard, 0),
    ]
    assert [log.review_datetime for log in logs] == [T0 + n * DAY for n in range(4)]
    assert all(log.review_datetime.tzinfo is timezone.utc for log in logs)


def test_fitting_without_the_optimizer_raises_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from quiz.core import scheduling

    monkeypatch.setattr(scheduling, "optimizer_available", lambda: False)
    with pytest.raises(scheduling.OptimizerMissing, match=r"fsrs\[optimizer\]"):
        scheduling.fit_parameters([])
