"""What every format's reader yields, and how a file's format is found from its content."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs
from eventsourcing.persistence import Mapper

from timeline.engine._import_lines import Item
from timeline.engine._registry import Registry
from timeline.engine.errors import LoadError
from timeline.engine.when import When

__all__ = ["HEAD_BYTES", "Format", "Head", "Records", "Rejected", "Row", "Yield"]

# How much of a file detection reads: enough for a header and a few records.
HEAD_BYTES = 64 * 1024


@attrs.frozen
class Rejected:
    """A record a reader could not read: its line, its text and why (field and expectation)."""

    line: int
    text: str
    reason: str


class Row:
    """A development read as its stored JSON text (by `RowText`, or sent by a reader
    process): where, its id and that text."""

    __slots__ = ("label", "line", "text", "value_id")
    development = None  # as an `Item` of a development: it corrects none
    value = None  # the development itself is read back from `text` only when needed

    def __init__(self, line: int, label: str, value_id: str, text: str) -> None:
        self.line, self.label, self.value_id, self.text = line, label, value_id, text

    def item(self, mapper: Mapper[Any]) -> Item:
        """The record as the format's reader gave it: an `Item` of the development."""
        development = mapper.transcoder.decode(self.text.encode("utf8"))
        return Item(self.line, self.label, development)


Yield = Item | Rejected | Row  # a `Row` only from `Records.written`
# A format's reader: its records, each development made by `Event.make` or, for a
# format that `writes`, by the `Make` it is given.
Reader = Callable[..., Iterator[Yield]]


@attrs.frozen
class Records:
    """One file's records in one format, read lazily in file order as `Item` or `Rejected`."""

    path: str
    format: str
    dataset: str | None
    meta: Mapping[str, Any] | None
    notes: tuple[str, ...]
    _read: Reader = attrs.field(alias="read", repr=False, eq=False)
    writes: bool = False  # whether `written` can give developments as their text

    def __iter__(self) -> Iterator[Yield]:
        return self._read()

    def written(self, make: Callable[..., Any]) -> Iterator[Yield]:
        """The records, each development made by `make` (`RowText.make`: a `Row` when it
        can); as `iter(self)` for a format whose reader makes no dataset rows."""
        return self._read(make) if self.writes else self._read()


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
    writes: bool = False  # whether its reader takes the `Make` of each row's development


def missing_knowledge(path: str, name: str) -> LoadError:
    """The error for a format whose records carry no knowledge time when none was given."""
    return LoadError(
        [
            f"{path}: a {name} file carries no date of its own on which each event became "
            "known; --reported DATE is required (the day the file was published or "
            "downloaded), so that --known-at means something"
        ]
    )
