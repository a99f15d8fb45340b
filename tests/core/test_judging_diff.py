"""The letter-by-letter comparison shown beside a forgiven typo or a "mind the accents"."""

from __future__ import annotations

import pytest

from quiz.core.checking import check
from quiz.core.judging.diff import letter_diff
from quiz.core.models import DeckMeta, ShortAnswer
from quiz.presentation.formatting import compared_text


@pytest.mark.parametrize(
    ("typed", "answer", "shown"),
    [
        ("Canbera", "Canberra", "Canber[+r]a"),
        ("Bialiatsky", "Bialiatski", "Bialiatsk[-y][+i]"),
        ("eleve", "élève", "[-e][+é]l[-e][+è]ve"),
        ("Kyvi", "Kyiv", "Ky[+i]v[-i]"),
        ("Paris", "Paris", "Paris"),
        ("  two   words ", "two words", "two words"),
    ],
)
def test_compared_text(typed: str, answer: str, shown: str) -> None:
    assert compared_text(typed, answer) == shown


def test_the_segments_rebuild_both_sides() -> None:
    segments = letter_diff("Bialiatsky", "Bialiatski")
    assert "".join(t for mark, t in segments if mark != "missing") == "Bialiatsky"
    assert "".join(t for mark, t in segments if mark != "wrong") == "Bialiatski"


def test_deck_and_learner_text_are_sanitised() -> None:
    segments = letter_diff("Can\x1b]52;c;eA==\x07bera", "Can\x1b[2Jberra")
    assert not any("\x1b" in text or "\x07" in text for _, text in segments)


def test_a_check_says_what_to_compare_only_when_close() -> None:
    question = ShortAnswer(kind="short", prompt="Capital of Australia?", answer="Canberra")
    deck = DeckMeta(id="d", title="D")
    typo = check(question, "Canbera", deck)
    assert (typo.correct, typo.close_to, typo.typed) == (True, "Canberra", "Canbera")
    assert check(question, "Canberra", deck).close_to == ""
    assert check(question, "Sydney", deck).close_to == ""
    french = DeckMeta(id="d", title="D", language="fr")
    eleve = ShortAnswer(kind="short", prompt="Pupil?", answer="élève")
    accents = check(eleve, "eleve", french)
    assert (accents.correct, accents.score, accents.close_to) == (False, 0.0, "élève")
    assert accents.feedback.startswith("Close: mind the accents")
