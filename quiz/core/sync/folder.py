"""The sync folder on disk: its layout, this device's appends, and reading other devices.

    DIR/quiz-sync.json                          marks the folder (format and version)
    DIR/devices/<device-id>/events-YYYY-MM.jsonl  one device's events of one month (UTC)

Only the device named in a path ever writes there, so a sync tool (git, Syncthing,
Dropbox, a network share) never sees two writers of one file. Appends are flushed and
fsynced before they count. Reading another device's file starts where the last read
stopped (a byte offset the caller keeps): a last line without its newline, or one that
is not yet valid JSON, is a copy in progress and is left for the next sync; a file
shorter than the offset was truncated or replaced and is read again from its start (the
caller imports events by id, so nothing is doubled); a line from a newer quiz stops the
file there, with a message.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

from quiz.core.sync.events import Event, EventFormatError, NewerFormat, decode_line, encode_line
from quiz.errors import QuizError

MARKER = "quiz-sync.json"
DEVICES = "devices"
FOLDER_VERSION = 1
"""The version of the folder layout (in its marker file)."""

Item = TypeVar("Item")

_DEVICE_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,62}[a-z0-9]")
_EVENT_FILE = re.compile(r"events-(\d{4})-(\d{2})\.jsonl")


class SyncFolderError(QuizError):
    """The folder cannot be used for sync (not one, or from a newer quiz)."""


def new_device_id(hostname: str) -> str:
    """`<host>-<random>`: readable in `quiz sync status`, unique without coordination."""
    host = re.sub(r"[^a-z0-9]+", "-", hostname.lower()).strip("-")[:40] or "device"
    return f"{host}-{secrets.token_hex(4)}"


def valid_device_id(device: str) -> bool:
    """Whether `device` is a device id this quiz would make (a safe folder name)."""
    return _DEVICE_ID.fullmatch(device) is not None


def init_folder(root: Path) -> None:
    """Make `root` a sync folder (idempotent); refuse one marked by a newer quiz."""
    root.mkdir(parents=True, exist_ok=True)
    marker = root / MARKER
    if marker.exists():
        check_folder(root)
        return
    (root / DEVICES).mkdir(exist_ok=True)
    marker_text = json.dumps({"format": "quiz-sync", "version": FOLDER_VERSION}, indent=1)
    marker.write_text(marker_text + "\n", encoding="utf-8")


def check_folder(root: Path) -> None:
    """Raise `SyncFolderError` unless `root` is a sync folder this quiz can use."""
    marker = root / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SyncFolderError(f"{root} is not a quiz sync folder (run: quiz sync init)") from None
    except (OSError, ValueError) as error:
        raise SyncFolderError(f"{marker} cannot be read: {error}") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, int) or data.get("format") != "quiz-sync":
        raise SyncFolderError(f"{marker} is not a quiz sync marker")
    if version > FOLDER_VERSION:
        raise SyncFolderError(f"{root} was set up by a newer quiz (format {version}): update quiz")


def event_file(root: Path, device: str, at: datetime) -> Path:
    """The file `device` appends an event of time `at` to."""
    month = at.astimezone(timezone.utc)
    return root / DEVICES / device / f"events-{month:%Y-%m}.jsonl"


def append_events(root: Path, device: str, events: Iterable[Event]) -> list[Path]:
    """Append `events` (all this device's) to their month files, durably; the files written."""
    by_file: dict[Path, list[str]] = {}
    for event in events:
        if event.device != device:
            raise ValueError(f"event {event.id} is not {device}'s to write")
        moment = datetime.fromtimestamp(event.at_us / 1_000_000, tz=timezone.utc)
        by_file.setdefault(event_file(root, device, moment), []).append(encode_line(event))
    for path, lines in by_file.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
        with path.open("ab") as handle:
            if handle.tell() > 0 and not _ends_with_newline(path):
                handle.write(b"\n")  # a torn line of our own (a crash mid-write) stays apart
            handle.write("".join(lines).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            _fsync_dir(path.parent)
    return sorted(by_file)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _fsync_dir(folder: Path) -> None:
    """Make a new file's name durable too (POSIX; a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def device_files(root: Path) -> dict[str, list[Path]]:
    """Every device's event files in the folder, oldest month first."""
    found: dict[str, list[Path]] = {}
    devices = root / DEVICES
    if not devices.is_dir():
        return found
    for folder in sorted(devices.iterdir()):
        if folder.is_dir() and valid_device_id(folder.name):
            files = sorted(p for p in folder.iterdir() if _EVENT_FILE.fullmatch(p.name))
            found[folder.name] = files
    return found


@dataclass
class FileRead:
    """What one read of an event file brought: complete events, where to go on next time,
    and what was wrong (said to the learner, never a reason to drop history)."""

    events: list[Event] = field(default_factory=list)
    offset: int = 0
    problems: list[str] = field(default_factory=list)
    restarted: bool = False
    """The file was shorter than the offset (truncated or replaced): read from its start."""


def read_events(path: Path, device: str, offset: int = 0) -> FileRead:
    """The events of `device`'s file `path` from byte `offset` on (module docstring), all
    at once (`iter_events` reads a big file in pieces)."""
    whole = FileRead(offset=offset)
    for piece in iter_events(path, device, offset):
        whole.events += piece.events
        whole.problems += piece.problems
        whole.offset = piece.offset
        whole.restarted = whole.restarted or piece.restarted
    return whole


def iter_events(
    path: Path, device: str, offset: int = 0, *, chunk: int = 10_000
) -> Iterator[FileRead]:
    """`read_events` in pieces of at most `chunk` lines, each with the offset reached, so a
    file of a million events is never all in memory."""
    opened = open_at(path, offset)
    piece = FileRead(offset=opened.offset, problems=opened.problems, restarted=opened.restarted)
    if opened.handle is not None:
        with opened.handle:
            for lines in _line_batches(opened.handle, chunk):
                read = decode_lines(lines, path, device, _itself)
                piece.events, piece.offset = read.items, piece.offset + read.taken
                piece.problems += read.problems
                if read.stopped or len(lines) < chunk:
                    break  # (the last batch: the piece below)
                yield piece
                piece = FileRead(offset=piece.offset)
    yield piece


@dataclass
class Opened:
    """An event file opened where reading goes on (`handle` None: it is gone)."""

    handle: BinaryIO | None
    offset: int
    problems: list[str] = field(default_factory=list)
    restarted: bool = False


def open_at(path: Path, offset: int) -> Opened:
    """`path` opened at `offset`; at its start if it is shorter now (truncated or replaced),
    said as a problem, as is a file that is gone."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return Opened(None, offset, [f"{path} is gone (deleted, or not synced yet)"])
    if os.fstat(handle.fileno()).st_size >= offset:
        handle.seek(offset)
        return Opened(handle, offset)
    shorter = f"{path} is shorter than when it was last read: read again from its start"
    return Opened(handle, 0, [shorter], restarted=True)


@dataclass
class LinesRead(Generic[Item]):
    """What decoding some lines of a file brought."""

    items: list[Item]
    """What was made of each event (`decode_lines`' `make`)."""
    problems: list[str]
    taken: int
    """Bytes of the lines read (the offset moves on by as much)."""
    stopped: bool
    """Read no further: a line from a newer quiz, or a bad last line (perhaps mid-copy)."""


def decode_lines(
    lines: Iterable[tuple[bytes, bool]], path: Path, device: str, make: Callable[[Event], Item]
) -> LinesRead[Item]:
    """`make` of each event of `device`'s `lines` (each with whether it is the last in the
    file); an event `make` refuses (ValueError, TypeError, KeyError) is skipped, said with
    the line problems in file order."""
    read: LinesRead[Item] = LinesRead([], [], 0, False)
    for line, last in lines:
        try:
            event = decode_line(line)
        except NewerFormat as error:
            read.problems.append(f"{path}: {error}")
            read.stopped = True
            break
        except EventFormatError as error:
            if last:
                read.stopped = True  # perhaps still being copied: read again next time
                break
            read.problems.append(f"{path}: a line that is not an event was skipped ({error})")
        else:
            if event.device != device:
                read.problems.append(f"{path}: event {event.id} is not {device}'s; skipped")
            else:
                try:
                    read.items.append(make(event))
                except (ValueError, TypeError, KeyError) as error:
                    read.problems.append(f"event {event.id} was skipped: {error}")
        read.taken += len(line) + 1
    return read


def _itself(event: Event) -> Event:
    return event


def _line_batches(handle: BinaryIO, size: int) -> Iterator[list[tuple[bytes, bool]]]:
    """`_lines` in lists of at most `size`."""
    batch: list[tuple[bytes, bool]] = []
    for item in _lines(handle):
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_BLOCK = 1 << 20
"""Bytes read at a time: a line at a time cost ~2 µs a line (a million in a first sync)."""


def _lines(handle: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """Each complete line from the handle's position (without its newline), and whether it
    is the last thing in the file; a last part without its newline is torn: left out."""
    carry = b""
    block = handle.read(_BLOCK)
    while block:
        following = handle.read(_BLOCK)
        lines = (carry + block).split(b"\n")
        carry = lines.pop()
        final = len(lines) - 1 if not following and not carry else -1
        for index, line in enumerate(lines):
            yield line, index == final
        block = following
