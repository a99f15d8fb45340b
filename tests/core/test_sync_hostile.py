"""Another device's event file holding anything (issue 16): the corpus in
`tests/data/hostile/sync/` was written from the event format's rules by someone who had not
read this code, each line labelled before it ran. Whatever a line holds, a sync does not
crash, skips a bad line with a problem, takes the good lines around it, keeps this
device's own history, and prints nothing a terminal would act on."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TtyRun
from test_sync_stores import NOW, Device, open_store

from quiz.cli import main
from quiz.config import Settings
from quiz.core.scheduling import Grade
from quiz.core.storage import Store
from quiz.core.sync.engine import join, load_attempts, scheduler_records, sync_all
from quiz.core.sync.folder import init_folder

CORPUS = Path(__file__).parent.parent / "data" / "hostile" / "sync" / "events.jsonl"
OTHER = "other-00000001"
SCHED = (
    '{"at":1796115600000000,"data":{"id":"280ec635c0bee74d","record":{"day_starts_at":4,'
    '"exam":null,"fsrs":"6.3.2","fuzz":true,"max":36500,"relearning":[10],"retention":0.9,'
    '"steps":[1,10],"utc_offset_min":0,"w":[0.212,1.2931,2.3065,8.2956,6.4133,0.8334,3.0194,'
    "0.001,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,"
    '0.0658,0.1542]}},"hlc":"1796115600000000.0","id":"other-00000001:1","kind":"sched","v":1}'
)
"""The scheduler record the corpus's answers name, first in the file as quiz writes it."""
AFTER = (
    '{"at":1796300000000000,"card":"c","data":{"flag":4},"deck":"geo",'
    '"hlc":"1796300000000000.0","id":"other-00000001:2","kind":"flag","v":1}'
)
"""A good line after the case: it is taken in whatever came before it (but a newer line)."""


@dataclass(frozen=True)
class Case:
    name: str
    expect: str
    why: str
    line: bytes

    def __str__(self) -> str:
        return self.name


def cases() -> Iterator[Case]:
    for text in CORPUS.read_text(encoding="utf-8").split("\n")[:-1]:  # not splitlines: U+2028
        record = json.loads(text)
        if "line" in record:
            line = record["line"].encode("utf-8", "surrogatepass")
        else:
            line = base64.b64decode(record["line_b64"])
        yield Case(record["name"], record["expect"], record["why"], line)


CASES = list(cases())
TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def event_id(case: Case) -> str | None:
    """The id the case's event is known by (its sequence number as a number), where its
    line is an object that names one."""
    try:
        record = json.loads(case.line)
    except (ValueError, RecursionError):
        return None
    named = record.get("id") if isinstance(record, dict) else None
    if not isinstance(named, str) or not named.rpartition(":")[2].isdigit() or len(named) > 40:
        return named
    device, _, seq = named.rpartition(":")
    return f"{device}:{int(seq)}"


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Device]:
    """A device with an answer of its own, joined to a folder another device writes to."""
    folder = tmp_path / "sync"
    init_folder(folder)
    with open_store(tmp_path / "reader.sqlite3") as store:
        join(store, folder, scope="all", now=NOW)
        device = Device(store)
        device.answer("a", Grade.Good, NOW)
        yield device


def write_other(store: Store, lines: list[bytes]) -> Path:
    setup = store.sync_setup()
    assert setup is not None
    path = Path(setup.folders[0].folder, "devices", OTHER, "events-2026-12.jsonl")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def test_the_corpus_holds_every_label() -> None:
    labels = {case.expect for case in CASES}
    assert labels == {"accept", "refuse", "newer"} and len(CASES) > 150


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_hostile_line_is_taken_or_skipped_as_its_label_says(reader: Device, case: Case) -> None:
    store = reader.store
    write_other(store, [SCHED.encode(), case.line, AFTER.encode()])
    (report,) = sync_all(store, now=NOW, sched_for=scheduler_records(store, Settings(), NOW))
    known = {row[0] for row in store.read("SELECT id FROM sync_events")}
    about_line = [p for p in report.problems if "skipped" in p or "update quiz" in p]
    if case.expect == "accept":
        assert about_line == [], case.why
        assert event_id(case) in known
    elif case.expect == "refuse":
        assert len(about_line) == 1, (case.why, report.problems)
        assert event_id(case) not in known
    else:
        assert len(about_line) == 1 and "update quiz" in about_line[0], case.why
        assert event_id(case) not in known
    assert ("other-00000001:2" in known) == (case.expect != "newer")
    # this device's own answer is still there, as it was given
    own = "SELECT card_key, grade FROM reviews WHERE event_id NOT LIKE 'other-00000001:%'"
    assert store.read(own) == [("a", int(Grade.Good))]
    for problem in report.problems:
        assert len(problem) < 600


def test_the_whole_corpus_in_one_file_syncs_and_prints_nothing_a_terminal_acts_on(
    tmp_path: Path, run_on_tty: TtyRun
) -> None:
    """Every line at once through `quiz sync` (newer lines last: they stop the file), then
    the class-folder reading of `quiz results --from`."""
    data, folder = tmp_path / "data", tmp_path / "sync"
    runner = CliRunner()
    env = {"QUIZ_DATA_DIR": str(data)}
    assert runner.invoke(main, ["sync", "init", str(folder)], env=env).exit_code == 0
    ordered = sorted(CASES, key=lambda case: case.expect == "newer")
    lines = [SCHED.encode(), *(case.line for case in ordered)]
    path = folder / "devices" / OTHER / "events-2026-12.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    result = runner.invoke(main, ["sync"], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert TERMINAL_CONTROLS.search(result.output.replace("\n", "")) is None
    refused = sum(case.expect == "refuse" for case in CASES)
    assert result.output.count("skipped") >= refused - 1  # a bad last line may wait
    # the attempts, to a terminal (sanitized there) and to a pipe (the data as it is)
    code, shown = run_on_tty("results", "--from", folder)
    assert code == 0 and b"Traceback" not in shown
    assert TERMINAL_CONTROLS.search(shown.decode().replace("\r\n", "")) is None
    exported = runner.invoke(main, ["results", "export", "--from", str(folder)], env=env)
    assert exported.exit_code == 0 and "\x1b" in exported.output


def test_attempts_from_the_corpus_load_into_a_results_store(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    init_folder(folder)
    attempts = [case for case in CASES if b'"attempt"' in case.line and case.expect != "newer"]
    assert attempts
    path = folder / "devices" / OTHER / "events-2026-12.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(case.line + b"\n" for case in attempts) + AFTER.encode() + b"\n")
    with Store.open(tmp_path / "results.sqlite3", now=NOW) as store:
        problems = load_attempts(store, folder, now=NOW)
        loaded = {row[0] for row in store.read("SELECT event_id FROM attempts")}
    accepted = {event_id(case) for case in attempts if case.expect == "accept"}
    assert loaded == accepted
    assert len(problems) >= sum(case.expect == "refuse" for case in attempts)
