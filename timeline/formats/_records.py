"""What every format's reader yields, and how a file's format is found from its content."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from timeline.engine._import_lines import Item
from timeline.engine._registry import Registry
from timeline.engine.errors import LoadError
from timeline.engine.when import When

__all__ = ["HEAD_BYTES", "Format", "Head", "Records", "Rejected", "Yield"]

# How much of a file detection reads: enough for a header and a few records.
HEAD_BYTES = 64 * 1024


@attrs.frozen
class Rejected:
    """A record a reader could not read: its line, its text and why (field and expectation)."""

    line: int
    text: str
    reason: str


Yield = Item | Rejected
Reader = Callable[[], Iterator[Yield]]


@attrs.frozen
class Records:
    """One file's records in one format, read lazily in file order as `Item` or `Rejected`."""

    path: str
    format: str
    dataset: str | None
    meta: Mapping[str, Any] | None
    notes: tuple[str, ...]
    _read: Reader = attrs.field(alias="read", repr=False, eq=False)

    def __iter__(self) -> Iterator[Yield]:
        return self._read()


@attrs.frozen
class Head:
    """The start of a file, as text, for telling formats apart by content."""

    path: str
    text: str

    @property
    def lines(self) -> list[str]:
        """The non-blank lines of the head, the last (possibly cut) one left out."""
        lines = self.text.splitlines()
        if len(self.text.encode("utf-8")) >= HEAD_BYTES and lines:
            lines = lines[:-1]
        return [line for line in lines if line.strip()]

    def describe(self) -> str:
        """What the file looked like, in a few words, for the unknown-format error."""
        lines = self.lines
        if not lines:
            return "it is empty"
        first = lines[0].strip()
        shown = first if len(first) <= 80 else first[:77] + "..."
        tabs, commas = first.count("\t"), first.count(",")
        shape = (
            f"{tabs + 1} tab-separated columns"
            if tabs
            else f"{commas + 1} comma-separated columns"
            if commas
            else "one field"
        )
        return f"its first line has {shape}: {shown!r}"


@attrs.frozen
class Format:
    """One format: its name, how to recognise it, and how to read it.

    `recognise` looks at the head; `read` returns the records' meta and a reader
    of the file's records; `own_knowledge` says whether the records carry their own
    knowledge time (else `--reported` must give it).
    """

    name: str
    dataset: str | None
    own_knowledge: bool
    recognise: Callable[[Head], bool]
    read: Callable[
        [str, Registry, When | None], tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]
    ]


def missing_knowledge(path: str, name: str) -> LoadError:
    """The error for a format whose records carry no knowledge time when none was given."""
    return LoadError(
        [
            f"{path}: a {name} file carries no date of its own on which each event became "
            "known; --reported DATE is required (the day the file was published or "
            "downloaded), so that --known-at means something"
        ]
    )
