"""Student names: what a browser may submit, and what is stored and passed to `quiz take`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.presentation.students import MAX_LENGTH, StudentNameError, clean_student_name


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Ann", "Ann"),
        ("  Ann   Lee  ", "Ann Lee"),
        ("Ann\tLee\n", "Ann Lee"),
        ("O'Brien-Smith", "O'Brien-Smith"),
        ("J. R. R.", "J. R. R."),
        ("Алесь Бяляцкі", "Алесь Бяляцкі"),
        ("Zoë", "Zoë"),
        ("Zoe\u0308", "Zoë"),  # decomposed: stored composed (NFC)
        ("7b-12", "7b-12"),
        ("Ann\x1b[31mLee", "AnnLee"),  # escape sequences are removed, not kept
        ("李小龍", "李小龍"),
        ("a" * MAX_LENGTH, "a" * MAX_LENGTH),
    ],
)
def test_accepted_names(raw: str, stored: str) -> None:
    assert clean_student_name(raw) == stored


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "type your name"),
        ("   \t ", "type your name"),
        ("\x1b[2J", "type your name"),
        ("a" * (MAX_LENGTH + 1), "at most"),
        ("--help", "starting with a letter"),
        ("-x", "starting with a letter"),
        ("'quoted'", "starting with a letter"),
        ("Ann;rm -rf ~", "letters, digits"),
        ("Ann$(id)", "letters, digits"),
        ("<script>", "letters, digits"),
        ("a/b", "letters, digits"),
        ("Ann-", "letters, digits"),
        ("_ann", "letters, digits"),
        ("Ann\u202eLee", "letters, digits"),  # bidi override: would reorder a results table
    ],
)
def test_refused_names(raw: str, reason: str) -> None:
    with pytest.raises(StudentNameError) as info:
        clean_student_name(raw)
    assert reason.lower() in str(info.value).lower()


@given(st.text(max_size=60))
def test_any_accepted_name_is_stable_and_safe(raw: str) -> None:
    """Whatever is typed, a stored name is printable, short, cannot read as an option, and is
    already in stored form (cleaning twice changes nothing)."""
    try:
        name = clean_student_name(raw)
    except StudentNameError:
        return
    assert 1 <= len(name) <= MAX_LENGTH
    assert not name.startswith("-")
    assert name == name.strip()
    assert all(ch.isprintable() for ch in name)
    assert clean_student_name(name) == name
