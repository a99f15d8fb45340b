"""The bytes the app writes to a real terminal carry no escape sequence from a deck.

A deck with every escape family (CSI, OSC 0/8/52, DCS, APC, 8-bit C1) in every text field,
each carrying a sentinel payload, is driven through the deck page, a quiz of every kind
with its feedback and summary, and a review, on a pseudo-terminal, by keys as a learner
types them. Textual writes its own CSI sequences; none of ours may get through, so no
sentinel may appear in the output at all (a stripped sequence takes its payload with it).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

FAMILIES = {
    "csi": "\\u001b[31;4{n}m",  # SGR with a sentinel parameter
    "osc0": "\\u001b]0;SENT{n}OSCZERO\\u0007",  # window title
    "osc8": "\\u001b]8;;https://SENT{n}.example\\u001b\\\\link\\u001b]8;;\\u001b\\\\",
    "osc52": "\\u001b]52;c;SENT{n}CLIP\\u0007",  # clipboard write
    "dcs": "\\u001bPSENT{n}DCS\\u001b\\\\",
    "apc": "\\u001b_SENT{n}APC\\u001b\\\\",
    "c1": "\\u009b31mSENT{n}C1",  # 8-bit CSI: the payload after it stays as text
}
"""TOML escapes of each family; {n} makes every field's payload unique."""


def hostile(n: int) -> str:
    """Text for one field: every family once, the C1 payload kept (it is not inside one)."""
    return "T" + "".join(f.format(n=n) for f in FAMILIES.values())


def deck_text() -> str:
    fields = iter(range(100, 200))

    def h() -> str:
        return hostile(next(fields))

    one = f"one {h()}"
    return f'''
[deck]
id = "raw"
title = "Raw {h()}"
description = "About {h()}"
shuffle = false
tags = ["tag{h()}"]

[deck.source]
title = "Source {h()}"
author = "Author {h()}"

[[questions]]
id = "short"
kind = "short"
prompt = "Short {h()}"
answer = "alpha"
explanation = "Because {h()}"

[[questions]]
id = "choice"
kind = "choice"
prompt = "Choice {h()}"
choices = ["{one}", "two {h()}"]
answer = "{one}"

[[questions]]
id = "cloze"
kind = "cloze"
text = "Blank {{{{beta|hint {h()}}}}} end {h()}"

[[questions]]
id = "flash"
kind = "flashcard"
prompt = "Flash {h()}"
answer = "Back {h()}"
'''


SENTINELS = [b"OSCZERO", b"CLIP", b"DCS", b"APC", b"https://SENT", b";4100m", b";4106m"]
"""What must never reach the terminal: every payload inside an escape sequence (the C1
family's text after its one byte is ordinary text, and may show)."""


def run_keys(args: list[str], keys: list[bytes], env: dict[str, str]) -> bytes:
    """Run `python -m quiz ARGS` on an 80x24 pseudo-terminal, typing `keys` one by one with
    a pause for the screen to settle, and return everything it wrote."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "quiz", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    output = bytearray()

    def drain(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([primary], [], [], 0.05)
            if ready:
                try:
                    output.extend(os.read(primary, 65536))
                except OSError:
                    return

    try:
        drain(4.0)  # start-up
        for key in keys:
            os.write(primary, key)
            drain(0.6)
        process.wait(timeout=20)
        drain(0.5)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    return bytes(output)


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "raw.toml"
    path.write_text(deck_text(), encoding="utf-8")
    return path


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": "80",
        "LINES": "24",
        "QUIZ_DATA_DIR": str(tmp_path / "data"),
    }


def assert_clean(output: bytes) -> None:
    assert len(output) > 2000, "the app drew its screens"
    for sentinel in SENTINELS:
        assert sentinel not in output, (sentinel, output[output.find(sentinel) - 80 :][:160])
    assert b"\xc2\x9b" not in output, "an 8-bit CSI from the deck"
    assert b"C1" in output, "the deck's text was drawn"


def test_a_quiz_of_every_kind_writes_nothing_from_the_decks_escapes(
    deck: Path, tmp_path: Path
) -> None:
    keys = [
        b"t",  # the deck page: take a quiz
        *[bytes([c]) for c in b"alpha"],
        b"\r",  # short: right
        b"\r",  # on to the choice
        b"2",  # choice: wrong (feedback shows the answer)
        b"\r",
        *[bytes([c]) for c in b"nope"],
        b"\r",  # cloze: wrong, hint seen first
        b"\r",
        b" ",  # flashcard: reveal
        b"n",  # did not know it
        b"\r",  # to the summary
        b"\x11",  # Ctrl+Q
    ]
    output = run_keys([str(deck)], keys, environment(tmp_path))
    assert_clean(output)


def test_a_review_writes_nothing_from_the_decks_escapes(deck: Path, tmp_path: Path) -> None:
    keys = [
        *[bytes([c]) for c in b"alphx"],
        b"\r",  # short: a typo, the comparison shown
        b"3",
        b"1",  # choice: right answer, then Again
        *[bytes([c]) for c in b"x"],
        b"\r",  # cloze: wrong
        b"1",
        b"\x11",
    ]
    output = run_keys(["review", str(deck)], keys, environment(tmp_path))
    assert_clean(output)
