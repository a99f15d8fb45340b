"""Plain mode's card commands at a review prompt (`:suspend`, `:bury`, `:flag`, `:forget`,
`:edit`), its leech line and custom study, with a pinned clock."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz.config import Settings
from quiz.core.card_state import CardState, Flag, Phase
from quiz.core.custom_study import CustomStudy
from quiz.core.library import load
from quiz.core.storage import Store
from quiz.plain import run_review

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)

DECK = """\
[deck]
id = "acts"
title = "Actions"

[[questions]]
id = "one"
kind = "flashcard"
prompt = "First front"
answer = "first back"
tags = ["x"]

[[questions]]
id = "two"
kind = "flashcard"
prompt = "Second front"
answer = "second back"
"""

FAKE_EDITOR = """\
import sys
line, path = int(sys.argv[1].lstrip("+")), sys.argv[2]
lines = open(path, encoding="utf-8").read().split("\\n")
for index in range(line - 1, len(lines)):
    if lines[index].startswith("prompt = "):
        lines[index] = lines[index].replace("Front", "front").replace("front", MARK + " front", 1)
        break
open(path, "w", encoding="utf-8").write("\\n".join(lines))
"""


def clock() -> datetime:
    return NOW


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.sqlite3", now=NOW) as opened:
        yield opened


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "acts.toml"
    path.write_text(DECK, encoding="utf-8")
    return path


def review(store: Store, path: Path, lines: list[str], **kw: object) -> tuple[int, str]:
    out = io.StringIO()
    status = run_review(
        store,
        load(path),
        kw.pop("settings", Settings(fuzz=False)),  # type: ignore[arg-type]
        now=clock,
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=out,
        **kw,  # type: ignore[arg-type]
    )
    return status, out.getvalue()


def test_suspend_bury_flag_and_undo(store: Store, deck_file: Path) -> None:
    lines = [":flag green", ":suspend", ":u", ":u", ":bury", ":q"]
    status, text = review(store, deck_file, lines)
    assert "Flagged green." in text and "Suspended:" in text and "Buried until tomorrow." in text
    assert text.count("Undone.") == 2
    one = store.card("acts", "one")
    assert one is not None and one.marks.flag is Flag.NONE and not one.marks.suspended
    assert one.marks.buried_until is not None
    assert status == 1


def test_forget_and_a_bad_flag(store: Store, deck_file: Path) -> None:
    _, text = review(store, deck_file, [":flag pink", ":forget", ":q"])
    assert "Flags: red, orange, green, blue, purple, or none." in text
    assert "Forgotten: it comes back as a new card." in text
    assert store.card_state("acts", "one") == CardState()


def test_edit_reloads_the_deck_and_a_broken_edit_keeps_the_old_one(
    store: Store, deck_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "editor.py"
    script.write_text('MARK = "Edited"\n' + FAKE_EDITOR, encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    _, text = review(store, deck_file, [":edit", ":q"])
    assert "Deck reloaded: your history is kept." in text
    assert "Edited front" in text.split("Deck reloaded")[1]
    broken = tmp_path / "broken.py"
    broken.write_text("MARK = 'a\" = '\n" + FAKE_EDITOR, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {broken}")
    _, text = review(store, deck_file, [":edit", ":q"])
    assert f"{deck_file}:8:" in text and ": error: " in text
    assert "still studying the version before" in text


def test_a_leech_gets_a_line(store: Store, deck_file: Path) -> None:
    settings = Settings(fuzz=False, leech_threshold=1, leech_action="suspend")
    review(store, deck_file, ["", "4", ":q"], settings=settings)  # Easy: in review
    state = store.card_state("acts", "one")
    assert state is not None and state.state is Phase.REVIEW and state.due is not None
    out = io.StringIO()
    run_review(
        store,
        load(deck_file),
        settings,
        now=lambda: state.due or NOW,
        stdin=io.StringIO("\n1\n:q\n"),
        stdout=out,
    )
    assert "Leech: you have forgotten this card 1 times. It is suspended." in out.getvalue()


def test_custom_study_one_tag(store: Store, deck_file: Path) -> None:
    status, text = review(store, deck_file, ["", "4"], custom=CustomStudy(tag="x"))
    assert "(tag x)" in text and "Second front" not in text and status == 0
