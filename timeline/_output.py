"""Writing an output file whole or not at all, with a clear error when the disk refuses.

The bytes go to a hidden file beside the target, which then replaces it: a reader
sees the old file or the new one, and a full disk, a missing folder or a folder
that takes no files (`/proc`) leaves nothing half written.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from timeline.engine.errors import TimelineError

__all__ = ["OutputFileError", "write_whole"]

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would be larger than this process may write",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}


class OutputFileError(TimelineError, OSError):
    """An output file could not be written; nothing of it was left behind."""


def _reason(error: OSError, folder: Path) -> str:
    if error.errno == errno.ENOENT and folder.is_dir():  # such as /proc
        return "the folder takes no new files"
    return _REASONS.get(error.errno or 0, error.strerror or str(error))


def write_whole(path: str | Path, data: bytes, *, what: str = "the file") -> Path:
    """Writes `data` to `path` atomically; raises `OutputFileError` naming what and why."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(partial, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # a full disk may say so only when the data goes out
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OutputFileError(
            f"cannot write {what} {target}: {_reason(error, target.parent)}"
        ) from None
    return target
