"""One home for the data formats: each format's reader (and writer) side by side.

`open_records(path, registry=...)` finds a file's format from its content (or
takes the one named), checks that a knowledge time is available, and returns
`Records` that yield, lazily and in file order, an `Item` per value read and a
`Rejected` per record that could not be read.
"""

from __future__ import annotations

from pathlib import Path

from timeline.engine._import_lines import Item
from timeline.engine._input import InputFileError, check_input
from timeline.engine._registry import Registry
from timeline.engine.errors import LoadError
from timeline.engine.when import When
from timeline.formats._records import HEAD_BYTES, Format, Head, Records, Rejected, missing_knowledge
from timeline.formats.acled import ACLED, ACLED_DELETIONS
from timeline.formats.gdelt import GDELT
from timeline.formats.icews import ICEWS
from timeline.formats.jsonl import JSONL
from timeline.formats.plover import PLOVER
from timeline.formats.polecat import POLECAT

__all__ = ["FORMATS", "Item", "LoadError", "Records", "Rejected", "open_records"]

# In the order detection tries them: the most specific first.
_KNOWN: tuple[Format, ...] = (JSONL, PLOVER, POLECAT, ICEWS, GDELT, ACLED_DELETIONS, ACLED)
FORMATS: tuple[str, ...] = tuple(f.name for f in _KNOWN)


def _head(path: str) -> Head:
    try:
        with open(path, "rb") as file:
            raw = file.read(HEAD_BYTES)
    except OSError as error:
        raise LoadError([f"{path}: cannot read the file: {error}"]) from None
    return Head(path, raw.decode("utf-8", errors="replace"))


def _named(path: str, name: str) -> Format:
    for known in _KNOWN:
        if known.name == name:
            return known
    raise LoadError([f"{path}: unknown format {name!r}; expected one of {', '.join(FORMATS)}"])


def _detect(head: Head) -> Format:
    for known in _KNOWN:
        if known.recognise(head):
            return known
    raise LoadError(
        [f"{head.path}: not in any format timeline reads ({', '.join(FORMATS)}); {head.describe()}"]
    )


def open_records(
    path: str | Path,
    *,
    registry: Registry,
    format: str | None = None,
    reported: When | None = None,
) -> Records:
    """The records of a file in a known format, to be read lazily, in file order.

    Raises `LoadError` when the file is in no known format (naming those accepted
    and what the file looked like), or when its format carries no knowledge time
    and `reported` is not given.
    """
    name = str(path)
    try:
        check_input(name)  # a FIFO or a device is refused before anything waits on it
    except InputFileError as error:
        raise LoadError([str(error)]) from None
    except OSError as error:
        raise LoadError([f"{name}: cannot read the file: {error.strerror or error}"]) from None
    found = _named(name, format) if format is not None else _detect(_head(name))
    if not found.own_knowledge and reported is None:
        raise missing_knowledge(name, found.name)
    meta, notes, read = found.read(name, registry, reported)
    return Records(name, found.name, found.dataset, meta, notes, read, found.writes)
