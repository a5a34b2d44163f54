"""Reading an input file whole: a regular file only, and no larger than a bound.

A FIFO, a device or a socket given as an input would block the reader forever or
feed it without end (`/dev/zero`), so it is refused before a byte is read: the file
is opened without blocking and its type checked on the open descriptor.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from timeline.engine.errors import TimelineError

__all__ = ["INPUT_LIMIT", "InputFileError", "check_input", "read_input"]

# The largest input read whole: a seed file, a branch, an import (JSON Lines of a
# dataset's release).  Reading one of this size already takes several times it in memory.
INPUT_LIMIT = 2 * 1024**3
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class InputFileError(TimelineError, OSError):
    """An input is not a regular file, or is larger than the bound."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _null(found: os.stat_result) -> bool:
    if not stat.S_ISCHR(found.st_mode):
        return False
    null = os.stat(os.devnull)
    return (found.st_rdev, found.st_dev, found.st_ino) == (null.st_rdev, null.st_dev, null.st_ino)


def _size(size: int) -> str:
    return f"{size / 1024**2:,.0f} MiB" if size >= 1024**2 else f"{size:,} bytes"


def check_input(path: str | Path) -> None:
    """Refuses anything at `path` but a regular file (or the null device), before it is read.

    For inputs read as a stream, whose size is no bound on memory.
    """
    # O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        found = os.fstat(fd)
    finally:
        os.close(fd)
    if not (stat.S_ISREG(found.st_mode) or _null(found)):
        raise InputFileError(f"{path} is {_kind(found.st_mode)}; expected a regular file")


def read_input(path: str | Path, *, limit: int = INPUT_LIMIT) -> bytes:
    """The bytes of the regular file at `path`, refused when special or over `limit` bytes."""
    # O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        found = os.fstat(fd)
        mode, size = found.st_mode, found.st_size
        if _null(found):
            return b""  # the null device is an empty file, and is read as one
        if not stat.S_ISREG(mode):
            raise InputFileError(f"{path} is {_kind(mode)}; expected a regular file")
        if size > limit:
            raise InputFileError(
                f"{path} holds {_size(size)}; expected at most {_size(limit)} in one file"
            )
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)  # a file may grow while it is read
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputFileError(f"{path} holds more than {_size(limit)}; expected at most that")
    return data
