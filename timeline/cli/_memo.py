"""Remembers loads, so that reloading unchanged seed files into an unchanged store is quick.

The record (in the cache folder, `$XDG_CACHE_HOME/timeline/loads.json`) holds, per
store, the digest of each set of seed files loaded and the store's last event id
then.  When both match, the files are already recorded: nothing is read.  It is
only a cache: losing it, or `load --full`, means the files are checked in full.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["Memo", "digest"]


def digest(path: Path) -> str | None:
    """A digest of the seed files at `path` (a file, or a folder's *.toml), or None."""
    if path.is_dir():
        files = sorted((p for p in path.glob("*.toml") if p.is_file()), key=lambda p: p.name)
    else:
        files = [path] if path.is_file() else []
    if not files:
        return None
    found = hashlib.sha256()
    try:
        for file in files:
            found.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None
    return found.hexdigest()


class Memo:
    """The remembered loads of every store, keyed by the store's URL and identity."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._data: dict[str, Any] | None = None

    def _read(self) -> dict[str, Any]:
        if self._data is None:
            try:
                assert self.file is not None
                loaded = json.loads(self.file.read_text(encoding="utf-8"))
                self._data = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError, AssertionError):
                self._data = {}
        return self._data

    def seen(self, store: str, files: str | None, head: int) -> bool:
        """Whether these files were loaded into this store when it was at `head`."""
        if self.file is None or files is None or head == 0:
            return False
        return bool(self._read().get(store, {}).get(files) == head)

    def remember(self, store: str, files: str | None, head: int) -> None:
        """Notes that the store holds these files at `head` (best effort)."""
        if self.file is None or files is None or store.startswith("memory:"):
            return
        data = self._read()
        data.setdefault(store, {})[files] = head
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.file.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(data), encoding="utf-8")
            partial.replace(self.file)
        except OSError:
            pass


def identity(url: str, path: Path | None) -> str:
    """The key of a store: its URL, and for a file the inode it has now."""
    if path is None:
        return url
    try:
        return f"{url}#{path.stat().st_ino}"
    except OSError:
        return url
