"""Files kept in the user cache folder to start faster, which nothing else depends on.

The deck cache (`quiz.core.deck_cache`) and the full-screen app's stylesheet cache
(`quiz.ui.stylesheet_cache`) both keep pickles there, so both follow the same rules:

- pickle runs code named in its data, so a folder another user could write to is not used
  (`private_folder`);
- a file is written whole or not at all (`write_whole`): a reader never sees half of one;
- a file starts with a header naming what wrote it, then a CRC-32 of its payload
  (`sealed`), and a file whose header or checksum is not the expected one is not read
  (`unsealed`): another version's file, or a torn or damaged one, only costs the work the
  cache would have saved.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zlib
from pathlib import Path

_CHECKSUM_BYTES = len(b"%08x\n" % 0)


def private_folder(folder: Path) -> bool:
    """Whether `folder` is a real folder of this user's that no one else can write."""
    try:
        mode = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(mode.st_mode):
        return False
    if hasattr(os, "getuid") and mode.st_uid != os.getuid():
        return False
    return not mode.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def make_private_folder(folder: Path) -> bool:
    """Create `folder` (mode 0700) if it is missing; whether it is usable (`private_folder`).

    Raises:
        OSError: it cannot be created.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return private_folder(folder)


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a scratch file beside it, replaced into place.

    Raises:
        OSError: the scratch file cannot be written or moved (it is removed).
    """
    descriptor, scratch = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
        os.replace(scratch, path)
    except BaseException:
        remove(Path(scratch))
        raise


def sealed(header: bytes, payload: bytes) -> bytes:
    """A file's bytes: `header` (one line naming its writer), a checksum line, `payload`."""
    return b"%s%08x\n%s" % (header, zlib.crc32(payload), payload)


def unsealed(data: bytes, header: bytes) -> memoryview | None:
    """The payload of a file `sealed` with `header`, as a view (a big deck's entry is tens
    of MiB, and a copy would count in peak memory); None when the header or the checksum
    is not the expected one."""
    start = len(header) + _CHECKSUM_BYTES
    if not data.startswith(header) or len(data) < start:
        return None
    payload = memoryview(data)[start:]
    if data[len(header) : start] != b"%08x\n" % zlib.crc32(payload):
        return None
    return payload


def remove_all(folder: Path, pattern: str) -> int:
    """Remove the files of `folder` matching `pattern`, and scratch files an interrupted
    write left; how many of the former went."""
    if not folder.is_dir():
        return 0
    for leftover in folder.glob("*.tmp"):
        remove(leftover)
    return sum(remove(path) for path in folder.glob(pattern))


def remove(path: Path) -> int:
    """Remove a file if it is there; 1 if this call removed it."""
    try:
        path.unlink()
    except OSError:
        return 0
    return 1
