"""The sync folder's files (issue 16): the clock that orders events, the event line
format, appending this device's events and reading another's mid-copy."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quiz.core.sync import folder as sync_folder
from quiz.core.sync.clock import MAX_INTEGER, HybridClock, Stamp
from quiz.core.sync.events import (
    MAX_TIME_US,
    MIN_TIME_US,
    Event,
    EventFormatError,
    NewerFormat,
    decode_line,
    encode_line,
    load_json,
)
from quiz.core.sync.folder import (
    SyncFolderError,
    append_events,
    check_folder,
    device_files,
    init_folder,
    new_device_id,
    read_events,
    valid_device_id,
)

DEVICE = "laptop-1a2b3c4d"
OTHER = "desktop-99aa88bb"
DEC_2026 = 1_796_000_000_000_000  # 2026-11-30 in microseconds


def event(seq: int, *, device: str = DEVICE, at_us: int = DEC_2026, kind: str = "flag") -> Event:
    return Event(
        device, seq, Stamp(at_us, 0, device), at_us, kind, "geo", f"card-{seq}", {"flag": 1}
    )


# --- the clock -------------------------------------------------------------------------


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("stamp"), st.integers(0, 10**6)),
            st.tuples(st.just("observe"), st.integers(0, 10**6), st.integers(0, 5)),
        ),
        max_size=60,
    )
)
def test_a_device_stamps_after_everything_it_has_stamped_or_seen(
    steps: list[tuple[object, ...]],
) -> None:
    """Whatever its own clock says (behind, ahead, standing still), each new stamp sorts
    after every stamp the device made or observed before."""
    clock = HybridClock(DEVICE)
    newest: tuple[int, int] | None = None
    for step in steps:
        if step[0] == "stamp":
            stamp = clock.stamp(int(step[1]))  # type: ignore[call-overload]
            if newest is not None:
                assert (stamp.wall_us, stamp.counter) > newest
            newest = (stamp.wall_us, stamp.counter)
        else:
            seen = Stamp(int(step[1]), int(step[2]), OTHER)  # type: ignore[call-overload]
            clock.observe(seen)
            newest = max(newest or (0, 0), (seen.wall_us, seen.counter))


def test_a_clock_that_is_behind_still_stamps_after_what_it_read() -> None:
    clock = HybridClock(DEVICE)
    clock.observe(Stamp(5_000, 3, OTHER))  # the other device's clock is ahead
    assert clock.stamp(1_000) == Stamp(5_000, 4, DEVICE)
    assert clock.stamp(9_000) == Stamp(9_000, 0, DEVICE)


@pytest.mark.parametrize("text", ["", "12", "12.", ".3", "1.2.3", "-1.0", "a.b", "1 .2"])
def test_a_stamp_text_is_wall_dot_counter(text: str) -> None:
    with pytest.raises(ValueError):
        Stamp.parse(text, DEVICE)


# --- the line format -------------------------------------------------------------------

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)


NEW_STATE = {
    "difficulty": None,
    "due": None,
    "lapses": 0,
    "last_review": None,
    "reps": 0,
    "stability": None,
    "state": 0,
    "step": None,
}
LEARNT_STATE = {**NEW_STATE, "state": 2, "stability": 2.5, "difficulty": 5.0, "reps": 1}
LEARNT_STATE.update(due=DEC_2026 + 86_400_000_000, last_review=DEC_2026)

extra = st.dictionaries(texts.filter(lambda key: key not in ANSWER_KEYS), texts, max_size=2)
ANSWER_KEYS = {"grade", "response", "correct", "duration_ms", "sched", "until", "before", "after"}
valid_data = st.one_of(
    st.tuples(
        st.just("answer"),
        st.fixed_dictionaries(
            {
                "grade": st.integers(1, 4),
                "response": st.none() | texts,
                "correct": st.none() | st.booleans(),
                "duration_ms": st.none() | st.integers(0, 10**15 - 1),
                "sched": texts,
                "until": st.none() | st.dates().map(str),
                "before": st.just(NEW_STATE),
                "after": st.just(LEARNT_STATE),
            }
        ),
    ),
    st.tuples(st.just("undo"), st.fixed_dictionaries({"undoes": texts})),
    st.tuples(st.just("flag"), st.fixed_dictionaries({"flag": st.integers(0, 5)})),
    st.tuples(st.just("bury"), st.fixed_dictionaries({"until": st.dates().map(str)})),
    st.tuples(st.sampled_from(["suspend", "unsuspend", "unbury"]), extra),
    st.tuples(st.just("leech"), st.fixed_dictionaries({}, optional={"suspend": st.booleans()})),
)
"""Each kind's `data` as quiz writes it (the line format's rules: `events._DATA_CHECKS`),
unknown keys too where a kind needs none."""


@given(
    seq=st.integers(1, MAX_INTEGER),
    wall=st.integers(0, MAX_INTEGER),
    counter=st.integers(0, MAX_INTEGER),
    at=st.integers(MIN_TIME_US, MAX_TIME_US),
    kind_data=valid_data,
    deck=texts,
    card=texts,
)
def test_an_event_line_round_trips(
    seq: int,
    wall: int,
    counter: int,
    at: int,
    kind_data: tuple[str, dict[str, object]],
    deck: str,
    card: str,
) -> None:
    kind, data = kind_data
    original = Event(DEVICE, seq, Stamp(wall, counter, DEVICE), at, kind, deck, card, data)
    line = encode_line(original)
    assert line.endswith("\n") and line.count("\n") == 1  # one line, whatever the text
    assert decode_line(line) == original
    assert decode_line(line.encode("utf-8")) == original


def test_a_line_is_sorted_json_a_person_can_read() -> None:
    line = encode_line(event(7))
    assert line == (
        '{"at":1796000000000000,"card":"card-7","data":{"flag":1},"deck":"geo",'
        '"hlc":"1796000000000000.0","id":"laptop-1a2b3c4d:7","kind":"flag","v":1}\n'
    )


GOOD = json.loads(encode_line(event(1)))
ANSWER = {"grade": 3, "sched": "s1", "before": NEW_STATE, "after": LEARNT_STATE}
ATTEMPT = {
    "deck_id": "geo",
    "deck_hash": None,
    "student": "ana",
    "mode": "exam",
    "seed": 7,
    "started_at": DEC_2026,
    "finished_at": DEC_2026 + 60_000_000,
    "score": 1.0,
    "max_score": 3.0,
    "pass_mark": None,
    "questions": [[0, "a", 1.0], [1, "b", 2]],
    "answers": [[0, "a", '"Paris"', 1, 1.0, 1.0, DEC_2026, 4000, 0, None, None, None, None]],
}


def test_every_kind_written_by_quiz_is_read_back() -> None:
    """The rules refuse nothing quiz writes (the table below: what they refuse)."""
    for kind, data in [("answer", ANSWER), ("attempt", ATTEMPT), ("leech", {"suspend": True})]:
        record = {**GOOD, "kind": kind, "data": data}
        assert decode_line(json.dumps(record)).data == data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"v": None}, "format version"),
        ({"v": "1"}, "format version"),
        ({"v": 0}, "format version"),
        ({"id": "no-seq"}, "bad id"),
        ({"id": ":4"}, "bad id"),
        ({"id": "dev:-4"}, "bad id"),
        ({"id": "dev:٣"}, "bad id"),
        ({"hlc": 12}, "clock stamp"),
        ({"hlc": "x.1"}, "clock stamp"),
        ({"at": "now"}, "bad time"),
        ({"at": True}, "bad time"),
        ({"kind": "delete_everything"}, "unknown kind"),
        ({"data": []}, "data is not an object"),
        ({"deck": 3}, "bad deck"),
        ({"card": None}, "names no card"),
        # numbers past what SQLite or a datetime holds (a traceback before)
        ({"id": f"dev:{2**63}"}, "bad id"),
        ({"hlc": f"{2**63}.0"}, "out of range"),
        ({"hlc": f"1.{2**63}"}, "out of range"),
        ({"hlc": "١.0"}, "clock stamp"),
        ({"at": MAX_TIME_US + 1}, "bad time"),
        ({"at": 10**20}, "bad time"),
        ({"at": 1.5}, "bad time"),
        # each kind's data
        ({"data": {"flag": 6}}, "bad flag data: flag 6"),
        ({"data": {"flag": True}}, "bad flag data"),
        ({"data": {"flag": 10**20}}, "bad flag data"),
        ({"data": {}}, "bad flag data"),
        ({"kind": "bury", "data": {"until": "2026-02-30"}}, "bad bury data"),
        ({"kind": "bury", "data": {"until": "20261203"}}, "bad bury data"),
        ({"kind": "undo", "data": {"undoes": 4}}, "bad undo data"),
        ({"kind": "leech", "data": {"suspend": 1}}, "bad leech data"),
        ({"kind": "set_due", "data": {"due": 2**70}}, "bad set_due data: due"),
        ({"kind": "forget", "data": {"reset": False}}, "bad forget data: no before state"),
        ({"kind": "sched", "data": {"id": "x"}}, "bad sched data"),
        ({"kind": "answer", "data": {**ANSWER, "grade": 5}}, "bad answer data: grade 5"),
        ({"kind": "answer", "data": {**ANSWER, "grade": 3.0}}, "grade 3.0"),
        ({"kind": "answer", "data": {**ANSWER, "response": ["a"]}}, "response"),
        ({"kind": "answer", "data": {**ANSWER, "correct": 1}}, "correct 1"),
        ({"kind": "answer", "data": {**ANSWER, "duration_ms": -1}}, "duration_ms -1"),
        ({"kind": "answer", "data": {**ANSWER, "sched": None}}, "sched None"),
        ({"kind": "answer", "data": {**ANSWER, "until": "soon"}}, "until 'soon'"),
        ({"kind": "answer", "data": {**ANSWER, "after": None}}, "no after state"),
        # a message shows a bad value cut short
        ({"kind": "answer", "data": {**ANSWER, "response": ["x" * 10**5]}}, r"\['xx+\.\.\.$"),
        ({"kind": "attempt", "data": {**ATTEMPT, "mode": "party"}}, "bad attempt data: mode"),
        ({"kind": "attempt", "data": {**ATTEMPT, "score": "NaN"}}, "score"),
        ({"kind": "attempt", "data": {**ATTEMPT, "questions": [[0, "a"]]}}, "questions"),
        ({"kind": "attempt", "data": {**ATTEMPT, "answers": [[0] * 13]}}, "answers"),
    ],
)
def test_a_line_that_is_not_an_event_is_refused(change: dict[str, object], message: str) -> None:
    record = {**GOOD, **change}
    with pytest.raises(EventFormatError, match=message):
        decode_line(json.dumps(record))


@pytest.mark.parametrize("hlc", ["9" * 3000 + ".0", "x" * 10**5, "9" * 5000 + ".0"])
def test_a_huge_clock_stamp_is_said_short(hlc: str) -> None:
    with pytest.raises(EventFormatError) as refused:
        decode_line(json.dumps({**GOOD, "hlc": hlc}))
    assert len(str(refused.value)) <= 80


@pytest.mark.parametrize("line", ["", "{", "[1]", '"text"', "{" * 5000 + "}" * 5000, "\x00"])
def test_broken_lines_are_format_errors(line: str) -> None:
    with pytest.raises(EventFormatError):
        decode_line(line)


def test_a_line_from_a_newer_quiz_is_refused_with_what_to_do() -> None:
    with pytest.raises(NewerFormat, match="update quiz"):
        decode_line(json.dumps({**GOOD, "v": 2}))


# --- the folder ------------------------------------------------------------------------


def test_device_ids_are_readable_and_safe_folder_names() -> None:
    made = new_device_id("Ana's MacBook Pro.local")
    assert made.startswith("ana-s-macbook-pro-local-") and valid_device_id(made)
    assert new_device_id("").startswith("device-")
    for bad in ("..", "a/b", "UPPER-case", "x", "-lead", "a" * 80):
        assert not valid_device_id(bad)


def test_a_folder_is_marked_once_and_a_newer_one_refused(tmp_path: Path) -> None:
    with pytest.raises(SyncFolderError, match="quiz sync init"):
        check_folder(tmp_path)
    init_folder(tmp_path)
    init_folder(tmp_path)  # again: nothing changes
    check_folder(tmp_path)
    (tmp_path / "quiz-sync.json").write_text('{"format": "quiz-sync", "version": 9}')
    with pytest.raises(SyncFolderError, match="newer quiz"):
        init_folder(tmp_path)


def test_events_go_to_their_device_and_month(tmp_path: Path) -> None:
    later = int(datetime(2027, 1, 2, tzinfo=timezone.utc).timestamp() * 1_000_000)
    written = append_events(tmp_path, DEVICE, [event(1), event(2, at_us=later), event(3)])
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        f"devices/{DEVICE}/events-2026-11.jsonl",
        f"devices/{DEVICE}/events-2027-01.jsonl",
    ]
    assert device_files(tmp_path) == {DEVICE: written}
    assert [e.seq for e in read_events(written[0], DEVICE).events] == [1, 3]
    with pytest.raises(ValueError, match="not laptop"):
        append_events(tmp_path, DEVICE, [event(4, device=OTHER)])


def test_a_torn_line_of_our_own_stays_apart_from_the_next(tmp_path: Path) -> None:
    (path,) = append_events(tmp_path, DEVICE, [event(1)])
    with path.open("ab") as handle:
        handle.write(encode_line(event(2)).encode()[:20])  # a crash mid-append
    append_events(tmp_path, DEVICE, [event(3)])
    read = read_events(path, DEVICE)
    assert [e.seq for e in read.events] == [1, 3]
    assert len(read.problems) == 1 and "not an event" in read.problems[0]


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_a_torn_last_line_is_left_for_the_next_sync(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    whole = b"".join(encode_line(event(n)).encode() for n in (1, 2, 3))
    first_end = whole.index(b"\n") + 1
    cut = whole.index(b"\n", first_end) + 10  # ten bytes into the third line
    write(path, whole[: first_end + 15])  # fifteen bytes into the second
    first = read_events(path, DEVICE)
    assert [e.seq for e in first.events] == [1] and first.problems == []
    write(path, whole[:cut])
    second = read_events(path, DEVICE, first.offset)
    assert [e.seq for e in second.events] == [2] and second.problems == []
    write(path, whole)
    third = read_events(path, DEVICE, second.offset)
    assert [e.seq for e in third.events] == [3] and third.offset == len(whole)


def test_an_invalid_last_line_waits_but_one_in_the_middle_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    good = encode_line(event(1)).encode()
    write(path, good + b'{"v": 1, "id": "laptop\n')  # newline, but not (yet) an event
    first = read_events(path, DEVICE)
    assert [e.seq for e in first.events] == [1] and first.problems == []
    assert first.offset == len(good)
    write(path, good + b'{"v": 1, "id": "laptop\n' + encode_line(event(2)).encode())
    second = read_events(path, DEVICE, first.offset)
    assert [e.seq for e in second.events] == [2]
    assert len(second.problems) == 1 and "not an event" in second.problems[0]


def test_a_truncated_file_is_read_again_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    write(path, encode_line(event(1)).encode() + encode_line(event(2)).encode())
    offset = read_events(path, DEVICE).offset
    write(path, encode_line(event(1)).encode())
    again = read_events(path, DEVICE, offset)
    assert again.restarted and "shorter" in again.problems[0]
    assert [e.seq for e in again.events] == [1]


def test_a_missing_file_a_newer_line_and_a_stranger_are_reported(tmp_path: Path) -> None:
    assert "is gone" in read_events(tmp_path / "nope.jsonl", DEVICE).problems[0]
    path = tmp_path / "events.jsonl"
    newer = json.dumps({**GOOD, "v": 2}).encode() + b"\n"
    stranger = encode_line(event(5, device=OTHER)).encode()
    write(path, stranger + newer + encode_line(event(2)).encode())
    read = read_events(path, DEVICE)
    assert read.events == []
    assert "not laptop" in read.problems[0] and "update quiz" in read.problems[1]
    assert read.offset == len(stranger)  # stops before the newer line, for a later quiz


@settings(max_examples=150)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=6), st.integers(1, 12))
def test_reading_a_file_while_it_is_copied_yields_every_event_once(
    cuts: list[int], count: int
) -> None:
    """A sync tool copies the file in pieces; each sync reads what is there. Whatever the
    pieces, the syncs together read every event exactly once, in order."""
    import tempfile

    whole = b"".join(encode_line(event(n)).encode() for n in range(1, count + 1))
    sizes = [*sorted({min(cut, len(whole)) for cut in cuts}), len(whole)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.jsonl"
        offset, seen = 0, []
        for size in sizes:
            path.write_bytes(whole[:size])
            read = read_events(path, DEVICE, offset)
            assert read.problems == []
            seen += [e.seq for e in read.events]
            offset = read.offset
    assert seen == list(range(1, count + 1))


file_parts = st.lists(
    st.one_of(
        st.integers(1, 50).map(lambda seq: encode_line(event(seq)).encode()),
        st.sampled_from([b"\n", b"{not json\n", b'{"v":1}\n', b"\xff\xfe\n", b"[]\r\n"]),
    ),
    max_size=8,
)


@settings(max_examples=150)
@given(file_parts, st.sampled_from([b"", b'{"v":1,"id"', b"\xff"]), st.integers(1, 300))
def test_a_file_reads_the_same_whatever_the_block_size(
    parts: list[bytes], torn: bytes, block: int
) -> None:
    """Lines are read a block at a time; the events, problems and offset reached do not
    depend on where the blocks fall (a bad last line waits, a torn end is left)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.jsonl"
        path.write_bytes(b"".join(parts) + torn)
        whole = read_events(path, DEVICE, 0)
        with patch.object(sync_folder, "_BLOCK", block):
            pieces = read_events(path, DEVICE, 0)
    assert (pieces.events, pieces.problems, pieces.offset) == (
        whole.events,
        whole.problems,
        whole.offset,
    )
    # all complete lines read, but a bad last one with nothing after it (it may be mid-copy)
    rest = b"".join(parts)[whole.offset :]
    assert rest == b"" or (torn == b"" and rest.count(b"\n") == 1 and rest.endswith(b"\n"))


json_texts = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda pad, value, end: pad + json.dumps(value) + end,
        st.sampled_from(["", " ", "\ufeff", "\n"]),
        st.recursive(
            st.none() | st.integers() | st.integers(-(2**80), 2**80) | st.floats() | texts,
            st.lists,
            max_leaves=5,
        ),
        st.sampled_from(["", " ", "x", "\t", "}"]),
    ),
)


@settings(max_examples=300)
@given(json_texts)
@example(str(2**64))  # orjson: a float
@example(f'{{"at":{-(2**63) - 1}}}')
@example("1e400")
@example('"\\ud800"')
def test_a_line_is_read_as_json_loads_reads_it(text: str) -> None:
    """decode_line's shortcuts around json.loads (orjson; no whitespace searches) give its
    value, or its error: integers past 64 bits, NaN, 1e400, lone surrogates included."""
    try:
        expected: object = repr(json.loads(text))
    except ValueError as error:
        expected = str(error)
    for given_as in (text, text.encode("utf-8", "surrogatepass")):
        try:
            got: object = repr(load_json(given_as))
        except UnicodeDecodeError:
            continue  # bytes that are not UTF-8 are no line's
        except ValueError as error:
            got = str(error)
        assert got == expected


@settings(max_examples=300)
@given(json_texts)
@example("[NaN]")
@example('{"a":-Infinity}')
@example("[1e400]")
@example('["\\udc00"]')
def test_a_strict_read_refuses_what_json_has_not(text: str) -> None:
    """`strict`: json's value, but a ValueError where it holds something JSON has not
    (NaN, an infinity, a lone surrogate), which a database would refuse later."""
    try:
        value = json.loads(text)
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeEncodeError: a lone surrogate
        with pytest.raises((ValueError, RecursionError)):
            load_json(text, strict=True)
        return
    assert repr(load_json(text, strict=True)) == repr(value)
