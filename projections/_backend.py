"""What every database behind the materialised view does, written once.

A backend is two objects: a `ViewRecorder` (an eventsourcing tracking recorder,
so eventsourcing's factory and `ProjectionRunner` can build and drive it) that
writes a batch of rows with its tracking in one transaction, and a `ViewQueries`
that runs pinned read statements on a connection of its own.  Each backend module
(`projections._sqlite`, `projections._postgres`) only opens connections and
transactions; the statements come from `projections._sql`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.persistence import TrackingRecorder

from timeline.projections._queries import (
    RUN_MARK,
    STREAMS_AT_ONCE,
    Row,
    Stream,
    TrackingConflictError,
    ViewBehindError,
    ViewFullError,
    ViewQueries,
    first,
    streams_of,
)
from timeline.projections._rows import RECORDED_FOREVER
from timeline.projections._sql import TABLES, Dialect

__all__ = [
    "RUN_MARK",
    "STREAMS_AT_ONCE",
    "Batch",
    "Row",
    "Stream",
    "TrackingConflictError",
    "ViewBehindError",
    "ViewFullError",
    "ViewQueries",
    "ViewRecorder",
    "first",
    "streams_of",
]


@attrs.define
class Batch:
    """The writes of a run of events, applied in one transaction with their tracking.

    Each list of rows to insert is named after its table; `events` are written
    only where the view keeps the events itself (the in-memory store).
    """

    close_claims: list[tuple[Any, ...]] = attrs.field(factory=list)
    claims: list[tuple[Any, ...]] = attrs.field(factory=list)
    close_developments: list[tuple[Any, ...]] = attrs.field(factory=list)
    developments: list[tuple[Any, ...]] = attrs.field(factory=list)
    registry: list[tuple[Any, ...]] = attrs.field(factory=list)
    pairs: list[tuple[str, str]] = attrs.field(factory=list)
    preferred: list[tuple[str, str]] = attrs.field(factory=list)
    events: list[tuple[Any, ...]] = attrs.field(factory=list)
    # (actor, occurred latest, occurred earliest, dev_id): new ones.
    mentions: list[tuple[str, int, int, str]] = attrs.field(factory=list)
    # Mentions of developments first recorded in this batch: a stream is recorded
    # once, so no row of the view has their keys yet, and they need no check.
    first_mentions: list[tuple[str, int, int, str]] = attrs.field(factory=list)

    def inserts(self) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """Each table's new rows, by table name, in the order they are written."""
        return [
            ("claims", self.claims),
            ("developments", self.developments),
            ("registry", self.registry),
            ("pairs", self.pairs),
            ("preferred", self.preferred),
            ("mentions", self.first_mentions),
            ("mentions", self.mentions),
        ]


# Tables whose rows may repeat an existing key, which then stands: the first
# registration of an id, a pair seen before, and a mention a revision repeats.
IGNORING = frozenset({"registry", "pairs", "preferred", "mentions"})


class ViewRecorder(TrackingRecorder, ABC):
    """Writes the view's rows, exactly once, in any database."""

    dialect: Dialect
    datastore: Any  # the backend's eventsourcing datastore
    # Whether catching up reads the next page while a batch is written: worth it
    # where writing mostly waits on a server.
    reads_ahead = False
    # Events a catch-up reads and writes at a time, unless told: commits dominate
    # SQLite's write cost, so its pages are large.
    page = 50000
    # Whether the view's database keeps the events too (only where they are not in SQL).
    keeps_events = False

    @abstractmethod
    def writing(self) -> AbstractContextManager[Any]:
        """A cursor inside one write transaction, committed when the block ends."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[Any]:
        """A cursor for reads of the recorder's own (not committed by the block)."""

    def lock_tracking(self, c: Any, application_name: str) -> int:
        """The tracking, read so that no other writer moves it before this commits."""
        c.execute(self.dialect.tracked, {"application_name": application_name})
        return int(first(c.fetchone()) or 0)

    def write(self, batch: Batch, application_name: str, expected: int, last: int) -> None:
        """Applies `batch` and tracks `last` in one transaction, if tracking is `expected`.

        Raises `TrackingConflictError` when the tracking has moved meanwhile, and
        `ViewFullError` for a notification id past what the view's columns hold.
        """
        if last >= RECORDED_FOREVER:
            raise ViewFullError(
                f"notification {last}: the view's {self.dialect.table('claims')} and "
                f"{self.dialect.table('developments')} keep notification ids "
                f"(recorded_from, recorded_until, origin) below {RECORDED_FOREVER:,}"
            )
        with self.writing() as c:
            current = self.lock_tracking(c, application_name)
            if current != expected:
                raise TrackingConflictError(
                    f"the view's tracking moved from {expected} to {current} meanwhile"
                )
            self.write_rows(c, batch)
            c.execute(
                self.dialect.track,
                {"application_name": application_name, "notification_id": last},
            )
            if c.fetchone() is None:
                raise TrackingConflictError(f"notification {last} was already processed")

    def close_rows(self, c: Any, batch: Batch) -> None:
        """Closes the rows a batch ends, before any is written, so a row reopened with the
        same key stays open."""
        d = self.dialect
        for statement, rows in (
            (d.close_claims, batch.close_claims),
            (d.close_developments, batch.close_developments),
        ):
            if rows:
                c.executemany(statement, rows)

    def write_rows(self, c: Any, batch: Batch) -> None:
        """Writes a batch's rows, after closing those it ends."""
        d = self.dialect
        self.close_rows(c, batch)
        for table, rows in batch.inserts():
            if rows:
                c.executemany(d.insert(table, ignore=table in IGNORING), rows)
        if batch.events:
            c.executemany(d.insert_events, batch.events)

    def streams(
        self, idents: Sequence[UUID], *, before: Mapping[UUID, int] | None = None
    ) -> dict[UUID, Stream]:
        """The store's events of many streams (with `before`, only versions below it).

        Read from the store's own events table, a statement per `STREAMS_AT_ONCE`.
        """
        found: dict[UUID, Stream] = {}
        with self.reading() as c:
            for start in range(0, len(idents), STREAMS_AT_ONCE):
                chunk = idents[start : start + STREAMS_AT_ONCE]
                keys = {f"stream_{n}": self.dialect.stream_key(i) for n, i in enumerate(chunk)}
                c.execute(self.dialect.streams_of(len(chunk)), keys)
                rows = [tuple(r.values() if isinstance(r, Mapping) else r) for r in c.fetchall()]
                found.update(streams_of(rows))
        if before is not None:
            found = {
                ident: (origin, [e for e in events if e.originator_version < before[ident]])
                for ident, (origin, events) in found.items()
            }
        return {ident: stream for ident, stream in found.items() if stream[1]}

    def defer_indexes(self) -> bool:
        """Drops the secondary indexes if the view holds no development yet; says whether.

        Nothing reads an empty view, and a catch-up that fills it writes its rows
        faster, and leaves the indexes smaller, building them after (`build_indexes`).
        """
        with self.writing() as c:
            c.execute(self.dialect.any_development)
            if c.fetchone() is not None:
                return False
            for name in self.dialect.secondary:
                c.execute(self.dialect.drop_index(name))
        return True

    def build_indexes(self) -> None:
        """Builds the secondary indexes that are missing (each only if it is)."""
        with self.writing() as c:
            for statement in self.dialect.secondary.values():
                c.execute(statement)

    def clear(self, application_name: str) -> None:
        """Deletes every row and the tracking, so the view restarts from zero."""
        with self.writing() as c:
            for statement in self.dialect.clear():
                c.execute(statement)
            c.execute(
                self.dialect.render(
                    "DELETE FROM {tracking} WHERE application_name = :application_name"
                ),
                {"application_name": application_name},
            )

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted; for comparing rebuilt and caught-up views."""
        tables: dict[str, list[tuple[Any, ...]]] = {}
        with self.reading() as c:
            for table in TABLES:
                c.execute(self.dialect.everything(table))
                rows = (r.values() if isinstance(r, Mapping) else r for r in c.fetchall())
                tables[table] = sorted((tuple(map(_plain, row)) for row in rows), key=_sortable)
        return tables


def _sortable(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # A state or origin may be NULL in one row and not in the next.
    return tuple((value is None, 0 if value is None else value) for value in row)


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value
