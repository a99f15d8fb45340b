"""How card actions and leeches are worded, one wording for the review screen and plain mode."""

from __future__ import annotations

from quiz.core.card_state import Flag
from quiz.core.study import AnswerOutcome, CardActionOutcome

FLAG_CYCLE = (Flag.RED, Flag.ORANGE, Flag.GREEN, Flag.BLUE, Flag.PURPLE, Flag.NONE)
"""The order `f` steps through: each colour, then no flag."""


def next_flag(flag: Flag) -> Flag:
    """The flag after `flag` in `FLAG_CYCLE` (no flag goes to red)."""
    return FLAG_CYCLE[(FLAG_CYCLE.index(flag) + 1) % len(FLAG_CYCLE)]


def flag_name(flag: Flag) -> str:
    """`red`, ..., `none`: the word plain mode's `:flag` takes."""
    return flag.name.lower()


def parse_flag(text: str) -> Flag | None:
    """A colour name (`red`, `none`/`off`) or its number 0-5; None when neither."""
    word = text.strip().casefold()
    if word in ("off", "none", "0"):
        return Flag.NONE
    if word.isdecimal() and int(word) in {int(f) for f in Flag}:
        return Flag(int(word))
    return Flag.__members__.get(word.upper())


def action_text(outcome: CardActionOutcome) -> str:
    """What an action did, in a few words (`Suspended.`, `Flagged red.`)."""
    if outcome.kind == "flag":
        flag = outcome.flag or Flag.NONE
        return "Flag removed." if flag is Flag.NONE else f"Flagged {flag_name(flag)}."
    return {
        "suspend": "Suspended: it stays out of reviews until you unsuspend it.",
        "bury": "Buried until tomorrow.",
        "forget": "Forgotten: it comes back as a new card.",
    }[outcome.kind]


def leech_text(outcome: AnswerOutcome, *, suspended: bool, keys: tuple[str, str] | None) -> str:
    """The announcement of a leech: how often it was forgotten, and what to do about it;
    `keys` are the undo and edit keys of the front end (None: no editing there)."""
    first = f"Leech: you have forgotten this card {outcome.after.lapses} times."
    how = "." if keys is None else f" ({keys[0]} brings it back, {keys[1]} edits it)."
    middle = " It is suspended." if suspended else ""
    return f"{first}{middle} Consider rewriting it{how}"
