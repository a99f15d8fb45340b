"""Reading a file a user names, safely: never blocking on a pipe, never reading a device,
never taking more than a limit.

Decks, files to import and students' result files all come through `read_regular_file`,
so each says the same things about a folder, a pipe or a file too large.
"""

from __future__ import annotations

import os
import stat

from quiz.errors import QuizError

StrPath = str | os.PathLike[str]

_KINDS_OF_FILE = {
    stat.S_IFIFO: "a pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


class UnreadableFileError(QuizError):
    """A named file that cannot be read as one: `reason` says why, without the path."""

    def __init__(self, path: StrPath, reason: str) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason


def read_regular_file(path: StrPath, *, what: str, limit: int, too_big: str) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    The file is opened without blocking and checked on the open descriptor, so a pipe
    named `deck.toml` (or one swapped in after a check) is refused instead of waiting
    forever for a writer. `what` names the file in messages ("deck file"); `too_big`
    is what to do about one over the limit.

    Raises:
        UnreadableFileError: saying why the file cannot be read.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as file:
            mode = os.fstat(descriptor)
            if stat.S_ISDIR(mode.st_mode):
                raise UnreadableFileError(path, f"is a folder, not a {what}")
            if not stat.S_ISREG(mode.st_mode):
                kind = _KINDS_OF_FILE.get(stat.S_IFMT(mode.st_mode), "not a regular file")
                raise UnreadableFileError(path, f"is {kind}, not a {what}")
            if mode.st_size > limit:
                message = size_limit_message(what, limit, too_big, mode.st_size)
                raise UnreadableFileError(path, message)
            raw = file.read(limit + 1)  # a file may grow meanwhile
    except FileNotFoundError:
        raise UnreadableFileError(path, "no such file") from None
    except IsADirectoryError:  # Windows cannot open a folder at all
        raise UnreadableFileError(path, f"is a folder, not a {what}") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UnreadableFileError(path, f"cannot read the file: {reason}") from None
    if len(raw) > limit:
        raise UnreadableFileError(path, size_limit_message(what, limit, too_big))
    return raw


def size_limit_message(what: str, limit: int, too_big: str, size: int | None = None) -> str:
    """Why a file is too big, in words: its size if known, the limit and what to do
    (`too_big`)."""
    mib = 2**20
    size_text = f" ({size / mib:.1f} MiB)" if size is not None else ""
    return f"the {what}{size_text} is larger than the {limit / mib:g} MiB limit; {too_big}"
