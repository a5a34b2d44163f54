"""Who holds an SQLite file: the processes that have it open (read from /proc on Linux)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["holders"]


def holders(path: str | Path, *, limit: int = 3) -> list[str]:
    """Up to `limit` processes other than this one with the file open, as 'pid N (command)'.

    Where /proc cannot be read (another system, no permission) the list is empty.
    """
    try:
        target = Path(path).resolve()
        pids = [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    except OSError:
        return []
    found: list[str] = []
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            opened = {Path(os.readlink(f"/proc/{pid}/fd/{fd}")) for fd in fds}
        except OSError:
            continue  # gone, or not ours to read
        if target in opened or any(str(p).startswith(f"{target}-") for p in opened):
            found.append(f"pid {pid} ({_command(pid)})")
            if len(found) == limit:
                break
    return found


def _command(pid: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    shown = " ".join(Path(words[0]).name if i == 0 else w for i, w in enumerate(words[:4]))
    shown = " ".join(shown.split())  # one line, whatever the command line held
    return (shown[:57] + "...") if len(shown) > 60 else shown or "?"
