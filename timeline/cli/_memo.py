"""Remembers loads, so that reloading unchanged seed files into an unchanged store is quick.

The record (in the cache folder, `$XDG_CACHE_HOME/timeline/loads.json`, readable by
its owner only) holds, per store, the digest of each set of seed files loaded and
the store's fingerprint then: its head position and a digest of its first and last
stored events, read from the store itself.  Only when both match are the files
known to be recorded, so a store file copied over another, or a database dropped
and made again under the same URL, is never vouched for by what another store held.

Stores are keyed by a digest of their URL with any password replaced (never the
password in any spelling).  It is only a cache: losing it, or `load --full`,
means the files are checked in full.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["Memo", "digest", "identity"]

# Keys of the record's current form; entries of older forms (which could hold a URL
# with its password) are dropped the next time the record is written.
_PREFIX = "store:"


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
    """The remembered loads of every store, keyed by `identity` and checked by fingerprint."""

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

    def seen(self, store: str, files: str | None, fingerprint: str | None) -> bool:
        """Whether these files were loaded into the store when its fingerprint was this."""
        if self.file is None or files is None or fingerprint is None:
            return False
        return bool(self._read().get(store, {}).get(files) == fingerprint)

    def remember(self, store: str, files: str | None, fingerprint: str | None) -> None:
        """Notes that the store held these files at this fingerprint (best effort)."""
        if self.file is None or files is None or fingerprint is None:
            return
        data = {k: v for k, v in self._read().items() if k.startswith(_PREFIX)}
        data.setdefault(store, {})[files] = fingerprint
        self._data = data
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.file.with_suffix(f".{os.getpid()}.tmp")
            # Made readable by its owner only before anything is written into it.
            handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps(data))
            partial.replace(self.file)
        except OSError:
            pass


def identity(redacted_url: str) -> str:
    """The key of a store: a digest of its URL with any password already replaced."""
    return _PREFIX + hashlib.sha256(redacted_url.encode("utf-8")).hexdigest()[:32]
