"""A quiz started from the deck cache's outline (`quiz take DECK`, issue 15): its first frame
shows the question the session will ask, exactly as a quiz started from the loaded deck
shows it; the deck, the store and the session come right after that frame, and an answer
given before they have is not lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_support import NOW, UI_DATA, Clock, answer_keys

from quiz.commands.ui import make_app
from quiz.config import Settings
from quiz.core import library
from quiz.core.cards import question_identity
from quiz.core.deck_cache import DeckCache
from quiz.core.outline import QUESTION_KINDS, OutlinedDeck
from quiz.core.storage import Store
from quiz.errors import StoreError
from quiz.presentation.options import QuizOptions
from quiz.presentation.questions import presented_order
from quiz.ui import screens
from quiz.ui.app import QuizApp, Start
from quiz.ui.screens.quiz import QuizScreen

EVERY_KIND = UI_DATA / "every-kind.toml"


@pytest.fixture
def cache(tmp_path: Path) -> DeckCache:
    return DeckCache(tmp_path / "cache")


def copied(folder: Path) -> Path:
    """The every-kind deck copied to `folder`, to edit or break."""
    path = folder / "every-kind.toml"
    path.write_bytes(EVERY_KIND.read_bytes())
    return path


def outlined(path: Path, cache: DeckCache) -> OutlinedDeck:
    library.load(path, cache)  # as the first take of a deck fills the cache
    found = cache.outline_of_file(path)
    assert found is not None
    return OutlinedDeck(path, found[1], found[0])


class Opener:
    """The CLI's `store_on_demand`: opens the store when first asked, and counts that."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls = 0

    def __call__(self) -> Store:
        self.calls += 1
        return self.store


def app_of(
    start: Start, store: Store | Callable[[], Store], cache: DeckCache, clock: Clock
) -> QuizApp:
    return make_app(
        store=store,
        settings=Settings(fuzz=False),
        start=start,
        now=clock,
        deck_dirs=[],
        tz=timezone.utc,
        deck_cache=cache,
    )


@pytest.fixture
def begin_later(monkeypatch: pytest.MonkeyPatch) -> float:
    """The session starts 0.3 s after the first frame instead of at once: time to look."""
    monkeypatch.setattr(screens.quiz, "BEGIN_AFTER_S", 0.3)
    return 0.3


@pytest.mark.parametrize("kind", QUESTION_KINDS)
async def test_the_first_frame_is_the_question_the_session_asks(
    kind: str, store: Store, cache: DeckCache, tmp_path: Path, begin_later: float
) -> None:
    options = QuizOptions(tags=(kind,))
    deck = outlined(EVERY_KIND, cache)
    opener = Opener(store)
    app = app_of(Start(at="quiz", outlined=deck, quiz=options), opener, cache, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.session is None and opener.calls == 0, "nothing loaded before the frame"
        early = app.export_screenshot()
        await pilot.pause(begin_later + 0.2)
        assert screen.session is not None and opener.calls == 1
        asked = screen.session.questions[0]
        assert asked.kind == kind
        assert screen.first_asked is not None
        assert question_identity(asked) == screen.first_asked[0]
        assert screen.options == options, "a retake gets the command's options, not this seed"
        assert screen.seed is not None and screen.session.seed == screen.seed
        seeded = QuizOptions(seed=screen.seed, tags=(kind,))
        late = app.export_screenshot()
    loaded = library.load(EVERY_KIND, cache)
    with Store.open(tmp_path / "other.sqlite3", now=NOW) as other:
        reference = app_of(Start(at="quiz", loaded=loaded, quiz=seeded), other, cache, Clock())
        async with reference.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert early == reference.export_screenshot(), "the same first frame either way"
            assert late == reference.export_screenshot(), "and nothing moved when it started"


@pytest.mark.parametrize("kind", QUESTION_KINDS)
async def test_an_answer_given_before_the_session_starts_is_kept(
    kind: str, store: Store, cache: DeckCache, begin_later: float
) -> None:
    options = QuizOptions(seed=7, tags=(kind,))
    deck = outlined(EVERY_KIND, cache)
    loaded = library.load(EVERY_KIND, cache)
    question = next(q for q in loaded.deck.questions if q.kind == kind)
    keys = answer_keys(question, presented_order(question, loaded.deck.deck, 7))
    app = app_of(Start(at="quiz", outlined=deck, quiz=options), store, cache, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is None
        await pilot.press(*keys)  # before the session has started
        await pilot.pause(begin_later + 0.2)
        assert screen.session is not None and screen.showing_feedback
        assert screen.result is not None and screen.result.correct
        (answer,) = store.attempt_answers(screen.session.attempt_id)
        assert answer.correct


async def test_a_deck_edited_since_its_outline_asks_what_the_session_asks(
    store: Store, cache: DeckCache, tmp_path: Path, begin_later: float
) -> None:
    path = copied(tmp_path)
    deck = outlined(path, cache)
    first_prompt = deck.outline.questions[0].asked.prompt
    # Edited after the outline was read: the cache no longer holds the outlined deck.
    path.write_text(
        path.read_text(encoding="utf-8").replace(first_prompt, "An edited first prompt", 1),
        encoding="utf-8",
    )
    for entry in cache.folder.glob("*.deck"):
        entry.unlink()
    options = QuizOptions(shuffle=False)
    app = app_of(Start(at="quiz", outlined=deck, quiz=options), store, cache, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert first_prompt in str(screen.query_one("#prompt").render())
        await pilot.pause(begin_later + 0.2)
        assert screen.session is not None
        assert screen.session.questions[0].prompt == "An edited first prompt"
        assert "An edited first prompt" in str(screen.query_one("#prompt").render())
        assert screen.focused is not None, "the new question's input has the keyboard"


async def test_a_store_that_cannot_open_ends_the_quiz_with_its_error(
    cache: DeckCache, begin_later: float
) -> None:
    def broken() -> Store:
        raise StoreError("quiz.sqlite3 is damaged (file is not a database)")

    deck = outlined(EVERY_KIND, cache)
    app = app_of(Start(at="quiz", outlined=deck, quiz=QuizOptions()), broken, cache, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(begin_later + 0.2)
    assert app.return_code == 1


async def test_a_deck_that_no_longer_loads_ends_the_quiz_with_its_error(
    store: Store, cache: DeckCache, tmp_path: Path, begin_later: float
) -> None:
    path = copied(tmp_path)
    deck = outlined(path, cache)
    path.write_text("[deck\n", encoding="utf-8")
    for entry in cache.folder.glob("*.deck"):
        entry.unlink()
    app = app_of(Start(at="quiz", outlined=deck, quiz=QuizOptions()), store, cache, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(begin_later + 0.2)
    assert app.return_code == 1
    assert store.attempts() == []


@pytest.mark.parametrize("from_outline", [True, False], ids=["outline", "loaded"])
async def test_keys_typed_as_the_app_starts_reach_the_answer_box(
    from_outline: bool, store: Store, cache: DeckCache
) -> None:
    """Typed ahead of the first frame (a pilot that presses as soon as the app is ready):
    the app is ready only once the first screen has focused its answer box."""
    options = QuizOptions(seed=7, tags=("short",))
    deck = outlined(EVERY_KIND, cache) if from_outline else library.load(EVERY_KIND, cache)
    start = (
        Start(at="quiz", outlined=deck, quiz=options)
        if isinstance(deck, OutlinedDeck)
        else Start(at="quiz", loaded=deck, quiz=options)
    )
    app = app_of(start, store, cache, Clock())
    typed: list[str] = []

    async def type_at_once(pilot: Pilot[None]) -> None:
        await pilot.press(*"Pinsk")
        await pilot.pause()
        typed.extend(str(box.value) for box in app.screen.query("Input"))
        app.exit()

    await app.run_async(headless=True, auto_pilot=type_at_once, size=(80, 24))
    assert typed == ["Pinsk"]
