"""The sync folder's files (issue 16): the clock that orders events, the event line
format, appending this device's events and reading another's mid-copy."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.sync.clock import HybridClock, Stamp
from quiz.core.sync.events import (
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


@given(
    seq=st.integers(1, 10**12),
    wall=st.integers(0, 2**62),
    counter=st.integers(0, 10**6),
    kind=st.sampled_from(["answer", "undo", "flag", "attempt"]),
    deck=texts,
    card=texts,
    data=st.dictionaries(texts, st.one_of(st.integers(), texts, st.none(), st.booleans())),
)
def test_an_event_line_round_trips(
    seq: int, wall: int, counter: int, kind: str, deck: str, card: str, data: dict[str, object]
) -> None:
    original = Event(DEVICE, seq, Stamp(wall, counter, DEVICE), wall, kind, deck, card, data)
    line = encode_line(original)
    assert line.endswith("\n") and line.count("\n") == 1  # one line, whatever the text
    assert decode_line(line) == original


def test_a_line_is_sorted_json_a_person_can_read() -> None:
    line = encode_line(event(7))
    assert line == (
        '{"at":1796000000000000,"card":"card-7","data":{"flag":1},"deck":"geo",'
        '"hlc":"1796000000000000.0","id":"laptop-1a2b3c4d:7","kind":"flag","v":1}\n'
    )


GOOD = json.loads(encode_line(event(1)))


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
    ],
)
def test_a_line_that_is_not_an_event_is_refused(change: dict[str, object], message: str) -> None:
    record = {**GOOD, **change}
    with pytest.raises(EventFormatError, match=message):
        decode_line(json.dumps(record))


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


json_texts = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda pad, value, end: pad + json.dumps(value) + end,
        st.sampled_from(["", " ", "\ufeff", "\n"]),
        st.recursive(st.none() | st.integers() | st.floats() | texts, st.lists, max_leaves=5),
        st.sampled_from(["", " ", "x", "\t", "}"]),
    ),
)


@given(json_texts)
def test_a_line_is_read_as_json_loads_reads_it(text: str) -> None:
    """decode_line's shortcut around json.loads gives its value, or its error."""
    try:
        expected: object = repr(json.loads(text))
    except ValueError as error:
        expected = str(error)
    try:
        got: object = repr(load_json(text))
    except ValueError as error:
        got = str(error)
    assert got == expected
