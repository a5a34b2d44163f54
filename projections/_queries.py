"""The read side of the materialised view: what runs its statements, without eventsourcing.

A read of a view that is current needs no event store application: `ViewQueries`
runs pinned statements on a connection of its own, and the store's head and the
view's tracking are plain SQL.  The write side (`projections._backend`) builds on
this module; importing this one loads no eventsourcing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any
from uuid import UUID

from timeline.engine import _rule as rule
from timeline.engine.errors import TimelineError
from timeline.projections._sql import Dialect

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

__all__ = [
    "LOOKUP_PARAMS",
    "RUN_MARK",
    "STREAMS_AT_ONCE",
    "TrackingConflictError",
    "ViewBehindError",
    "ViewFullError",
    "ViewQueries",
    "first",
    "streams_of",
]

Row = Sequence[Any]
# Streams read in one statement by `ViewRecorder.streams` (well under SQLite's limit
# of parameters per statement).
STREAMS_AT_ONCE = 500
# A run statement's row is (dev_id, stance, occurred, rank, occurred earliest and latest):
# its stance and rank end a run.
RUN_MARK = itemgetter(1, 3)
# The parameters of an unscoped run statement, in the order `ViewQueries.numbered` binds them.
LOOKUP_PARAMS = ("actor", "topic", "day", "known", "pin")
# A statement's parameters: by name, or (`ViewQueries.numbered`) by position.
Params = Mapping[str, Any] | Sequence[Any]


class TrackingConflictError(TimelineError, RuntimeError):
    """Another writer moved the view's tracking since this batch was read."""


class ViewFullError(TimelineError, OverflowError):
    """A notification id past the largest the view's 32-bit columns hold."""


class ViewBehindError(TimelineError, RuntimeError):
    """The view has not processed the notification a read is pinned at."""


# A stream: the notification id of its first event, and its events in order.
Stream = tuple[int, list["StoredEvent"]]


def first(row: Any) -> Any:
    """The first column of a row, whether the driver gives tuples or mappings."""
    if row is None:
        return None
    return next(iter(row.values())) if isinstance(row, Mapping) else row[0]


class ViewQueries(ABC):
    """Runs the view's read statements on a connection of its own; safe across threads."""

    dialect: Dialect
    application_name: str

    @abstractmethod
    def query(self, statement: str, params: Params) -> list[tuple[Any, ...]]:
        """The rows of one read statement, run as its own (autocommit) transaction."""

    def run_rows(self, statement: str, params: Params) -> list[tuple[Any, ...]]:
        """The rows of a run statement (stance second, rank fourth) up to the run's end.

        Only the winning run is needed; the rest of a pair's claims are never fetched.
        """
        return rule.leading_run(self.query(statement, params), RUN_MARK)

    def numbered(self, statement: str) -> str | None:
        """`statement` with its parameters bound by position in `LOOKUP_PARAMS` order, or
        None where it has others or the driver binds this way no faster than by name."""
        return None

    def headed(self, statement: str) -> str | None:
        """`statement` (a run statement: its WHERE, then its ORDER BY) finding its rows only
        while the store's head, read in the same transaction as them, is at or before the
        read's pin: none found, the store may have moved on (None: it cannot say so there)."""
        return None

    @abstractmethod
    def head(self) -> int:
        """The notification id of the store's last event (0 when empty)."""

    def version(self) -> int | None:
        """A number that changes whenever any other connection commits (None: not known).

        A read that finds it unchanged since the store was last found fully
        processed need not ask for the head again.
        """
        return None

    @abstractmethod
    def close(self) -> None:
        """Closes the connection."""

    def reached(self) -> int:
        """The last notification id the view has processed (0 for none)."""
        rows = self.query(self.dialect.tracked, {"application_name": self.application_name})
        return int(rows[0][0]) if rows else 0

    def check(self, pin: int) -> None:
        """Raises `ViewBehindError` unless the view holds notification `pin`."""
        if self.reached() < pin:
            raise ViewBehindError(f"the view has not reached notification {pin}")

    def settled(self, pin: int) -> bool:
        """Whether the store's head is at or before `pin` and the view holds `pin`: a read
        pinned there then finds every event in the view (read in one transaction where
        the store can)."""
        return self.head() <= pin <= self.reached()


def streams_of(rows: Sequence[tuple[Any, ...]]) -> dict[UUID, Stream]:
    """Streams from rows of (notification id, stream, version, topic, state) in order."""
    from eventsourcing.persistence import StoredEvent

    found: dict[UUID, Stream] = {}
    for n, stream, version, topic, state in rows:
        ident = stream if isinstance(stream, UUID) else UUID(str(stream))
        event = StoredEvent(ident, version, topic, bytes(state))
        if ident in found:
            found[ident][1].append(event)
        else:
            found[ident] = (n, [event])
    return found
