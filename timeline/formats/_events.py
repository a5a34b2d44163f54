"""One dataset row being read into a development: its cells, and why it cannot be read."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import urlsplit

from timeline.engine import _cameo
from timeline.engine._coding import cameo_kind
from timeline.engine._import_lines import Item
from timeline.engine._made import development, source
from timeline.engine.errors import DateError, RecordError
from timeline.engine.values import Development, Kind, Reliability
from timeline.engine.when import When
from timeline.formats._actors import Actors
from timeline.formats._dates import CellError
from timeline.formats._records import Rejected, Row, Yield

__all__ = ["Cells", "Event", "Make", "RowError", "Written", "cameo", "publisher_of", "read_rows"]


class Written:
    """A development read as its stored JSON text (`_row_text`): its id and that text."""

    __slots__ = ("id", "text")

    def __init__(self, ident: str, text: str) -> None:
        self.id, self.text = ident, text


# What a reader makes each row's development with: `Event.make`, or `RowText.make`.
Make = Callable[..., Development | Written]


class RowError(Exception):
    """A row that cannot be read: the reason names the column and what was expected."""


class Cells:
    """One row's cells by column name."""

    def __init__(self, columns: Mapping[str, int], cells: list[str]) -> None:
        self.columns, self.cells = columns, cells

    def get(self, column: str) -> str:
        """The stripped cell of `column`, or "" when the row or the file has none."""
        try:  # asked some twenty times a row: the usual cell costs no test
            return self.cells[self.columns[column]].strip()
        except (KeyError, IndexError):
            return ""

    def need(self, column: str, expected: str) -> str:
        """The cell of `column`, which must not be empty."""
        value = self.get(column)
        if not value:
            raise RowError(f"column {column!r}: empty; expected {expected}")
        return value

    def read(self, column: str, reader: Callable[[str], When], expected: str) -> When:
        """The cell of `column` read by `reader` (a date)."""
        value = self.need(column, expected)
        try:
            return reader(value)
        except (CellError, DateError) as error:
            raise RowError(f"column {column!r}: found {value!r}; {error}") from None

    def number(self, column: str) -> float | None:
        """The cell of `column` as a number from -10 to +10, or None when empty."""
        value = self.get(column)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise RowError(f"column {column!r}: found {value!r}; expected a number") from None
        if not -10 <= number <= 10:
            raise RowError(f"column {column!r}: found {value!r}; expected a number from -10 to 10")
        return number


def cameo(column: str, code: str) -> tuple[Kind, tuple[str, ...], tuple[str, ...]]:
    """The kind, modes and contexts of a CAMEO code in `column`."""
    found = cameo_kind(code)
    if found is None:
        raise RowError(
            f"column {column!r}: found {code!r}; expected a CAMEO event code such as '042'"
        )
    return found


@functools.lru_cache(maxsize=4096)  # as `cameo_kind`: few codes, named often
def cameo_label(code: str) -> str:
    """The label of a CAMEO code's root ("consult" for 042)."""
    root = _cameo.root_of(code)
    return _cameo.ROOTS[root][0] if root else code


# An http(s) URL whose host is lower-case letters, digits, dots and hyphens (no user,
# port or brackets, nothing `urlsplit` would strip or lower): the host it reads, as is.
_PLAIN_HOST = re.compile(r"https?://([a-z0-9.-]+)(?:[/?#]|\Z)")


def publisher_of(url: str) -> str:
    """The host a URL was published on, without its www."""
    # Most of a dataset's URLs are plain: a match costs a fraction of `urlsplit`.
    plain = _PLAIN_HOST.match(url)
    host = plain[1] if plain is not None else urlsplit(url).hostname or ""
    return host.removeprefix("www.") or url


def read_rows(
    rows: Iterator[tuple[int, str, Cells]],
    actors: Actors,
    read: Callable[[Cells], Development | Written | Item],
) -> Iterator[Yield]:
    """Each row read by `read`: its new actors then its value, or a `Rejected`."""
    for line, text, cells in rows:
        try:
            value = read(cells)
        except (RowError, RecordError) as error:
            # Readers name actors last, so a row rejected for its cells made none; an
            # actor made before a later refusal is still given, as registered.
            yield from actors.pending(line)
            yield Rejected(line, text, str(error))
            continue
        yield from actors.pending(line)
        if isinstance(value, Written):  # its text alone, as a reader process sends it
            yield Row(line, f"development {value.id!r}", value.id, value.text)
        elif isinstance(value, Item):
            yield Item(line, value.label, value.value, value.development)
        else:
            yield Item(line, f"development {value.id!r}", value)


class Event:
    """The parts of a development read from a dataset row."""

    @staticmethod
    def make(
        ident: str,
        *,
        occurred: When,
        reported: When,
        kind: Kind,
        summary: str,
        actors: tuple[str, ...],
        targets: tuple[str, ...] = (),
        publisher: str,
        url: str | None = None,
        coded: str | None = None,
        mode: tuple[str, ...] = (),
        context: tuple[str, ...] = (),
        weight: float | None = None,
    ) -> Development:
        """The development, or `RecordError` naming the field that is wrong."""
        # Made by `_made`: the constructor's checks, in fewer calls for the usual row.
        return development(
            ident,
            occurred,
            reported,
            kind,
            summary,
            actors,
            tuple(t for t in dict.fromkeys(targets) if t not in actors),
            source(publisher or "unknown", Reliability.NAMED, url or None),
            coded or None,
            mode,
            context,
            weight,
        )
