"""The records of a file to import: `timeline.formats.open_records` when it is there.

Until the format readers land, the project's JSON Lines log and PLOVER files are
read by `engine.importer.read_file` and given the same shape: `Records` yielding
`Item` values and `Rejected` records, in file order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from timeline.engine._import_lines import Item
from timeline.engine.registry import Registry
from timeline.engine.when import When

__all__ = ["Records", "Rejected", "open_records"]


@attrs.frozen
class Rejected:
    """A record the reader could not read: its line, its text and why."""

    line: int
    text: str
    reason: str


@attrs.frozen
class Records:
    """One file's records, read in file order as `Item` or `Rejected`."""

    path: str
    format: str
    dataset: str | None
    meta: Mapping[str, Any] | None
    notes: tuple[str, ...]
    _read: Callable[[], Iterator[Item | Rejected]] = attrs.field(alias="read", repr=False)

    def __iter__(self) -> Iterator[Item | Rejected]:
        return self._read()


def _read_whole(
    path: str | Path, *, registry: Registry, format: str | None = None, reported: When | None = None
) -> Records:
    """The records of a log or PLOVER file, read whole by `engine.importer.read_file`."""
    from timeline.engine.importer import read_file

    imported = read_file(path, registry, strict=False)
    name = str(path)

    def read() -> Iterator[Item | Rejected]:
        for line, message in imported.problems:
            reason = message.removeprefix(f"{name}:{line}: ").removeprefix(f"{name}: ")
            yield Rejected(line, "", reason)
        yield from imported.items

    return Records(name, imported.form, None, imported.meta, imported.notes, read)


def _reader() -> Callable[..., Any]:
    try:
        from timeline.formats import open_records as found  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return _read_whole
    return found  # type: ignore[no-any-return]


open_records: Callable[..., Any] = _reader()
