"""The materialised view's storage: a tracking recorder with bitemporal claim tables.

Tables (all prefixed `positions_`, beside the events in the same SQLite file):

- `tracking`: the last notification id processed, one row per application name.
  The view keeps its own tracking table because SQLite's `tracking` table name is
  fixed per file and would be shared with any other projection of the store.
- `streams`: a copy of each development stream's stored events, the state the
  projection needs to recompute a development's rows; decoding it needs no read
  of the application's events.
- `claims`: the stance claims of each version of each development (what was
  known about it during `[known_from, known_until)`, see `projections.rows`),
  keyed (actor, topic, occurred earliest, occurred latest, development id, ...),
  so an as-of lookup is one backwards range scan of the primary key.
- `pairs`: every (actor, topic) ever claimed.

Claim rows also carry the span of notification ids during which they were
current, `[recorded_from, recorded_until)`: rows are closed, never deleted, when
a later event replaces them.  A reader pins the notification id it read the story
at, so a view taken before later writes keeps answering as of its own moment, and
rebuilding from zero reproduces the tables exactly.  Every index takes writes at
random places, which dominate catching up a large store, so there are few.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.persistence import StoredEvent, TrackingRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder

from timeline.engine.errors import TimelineError
from timeline.projections.rows import RECORDED_FOREVER

__all__ = [
    "PREFIX",
    "Batch",
    "PositionsRecorder",
    "SQLitePositionsRecorder",
    "TrackingConflictError",
]

PREFIX = "positions_"

_TABLES = (
    f"CREATE TABLE IF NOT EXISTS {PREFIX}tracking ("
    "application_name TEXT, notification_id INTEGER, "
    "PRIMARY KEY (application_name)) WITHOUT ROWID",
    # Rows in notification order (the rowid), so appends stay at the end; the
    # states are large, and only the (stream, version) index takes random writes.
    f"CREATE TABLE IF NOT EXISTS {PREFIX}streams ("
    "notification_id INTEGER PRIMARY KEY, stream BLOB, version INTEGER, "
    "topic TEXT, state BLOB)",
    f"CREATE UNIQUE INDEX IF NOT EXISTS {PREFIX}streams_by_id ON {PREFIX}streams (stream, version)",
    f"CREATE TABLE IF NOT EXISTS {PREFIX}claims ("
    "actor TEXT, topic TEXT, occurred_earliest INTEGER, occurred_latest INTEGER, "
    "dev_id TEXT, known_from INTEGER, recorded_from INTEGER, "
    "known_until INTEGER, recorded_until INTEGER, stance INTEGER, occurred TEXT, "
    "PRIMARY KEY (actor, topic, occurred_earliest, occurred_latest, dev_id, "
    "known_from, recorded_from)) WITHOUT ROWID",
    f"CREATE TABLE IF NOT EXISTS {PREFIX}pairs ("
    "actor TEXT, topic TEXT, PRIMARY KEY (actor, topic)) WITHOUT ROWID",
)

# The version of the tables below, kept in the tracking table under `_SCHEMA_ROW`.
SCHEMA = 2
_SCHEMA_ROW = "__schema__"

# The writer's page cache, in KiB (SQLite reads a negative size as KiB).
CACHE_KIB = -256 * 1024

_CLOSE = f"recorded_until = {RECORDED_FOREVER}"


class TrackingConflictError(TimelineError, RuntimeError):
    """Another writer moved the view's tracking since this batch was read."""


@attrs.define
class Batch:
    """The writes of a run of events, applied in one transaction with their tracking."""

    streams: list[tuple[Any, ...]] = attrs.field(factory=list)
    close_claims: list[tuple[Any, ...]] = attrs.field(factory=list)
    open_claims: list[tuple[Any, ...]] = attrs.field(factory=list)
    pairs: set[tuple[str, str]] = attrs.field(factory=set)


class PositionsRecorder(TrackingRecorder, ABC):
    """What the positions projection needs of a view's storage, in any database.

    A PostgreSQL view (issue 5) implements the same tables with its own tracking
    table, so a worker can run `PositionsProjection` under a `ProjectionRunner`.
    """

    @abstractmethod
    def write(self, batch: Batch, application_name: str, expected: int, last: int) -> None:
        """Applies `batch` and tracks `last` in one transaction, if tracking is `expected`.

        Raises `TrackingConflictError` when the tracking has moved meanwhile.
        """

    @abstractmethod
    def stream(self, stream: UUID) -> list[StoredEvent]:
        """The view's copy of one development stream's stored events, in order."""

    @abstractmethod
    def clear(self, application_name: str) -> None:
        """Deletes every row and the tracking, so the view restarts from zero."""


class SQLitePositionsRecorder(SQLiteTrackingRecorder, PositionsRecorder):
    """The bitemporal positions view in SQLite, with its own tracking table."""

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.insert_tracking_statement = (
            f"INSERT INTO {PREFIX}tracking VALUES (:application_name, :notification_id) "
            "ON CONFLICT (application_name) DO UPDATE SET notification_id = "
            f":notification_id WHERE {PREFIX}tracking.notification_id < :notification_id "
            "RETURNING notification_id"
        )
        self.select_max_tracking_id_statement = (
            f"SELECT MAX(notification_id) FROM {PREFIX}tracking WHERE application_name=?"
        )

    def construct_create_table_statements(self) -> list[str]:
        return list(_TABLES)

    def create_table(self) -> None:
        # The base class migrates eventsourcing's shared `tracking` table; this
        # view's table is its own and always single-row.  A view of another
        # schema version is dropped: it is rebuilt from the events on next read.
        with self.datastore.transaction(commit=False) as c:
            # A current view needs no write: a reader opening the view then never
            # waits for (or fails on) the write lock a worker's batch holds.
            if self._schema(c) == SCHEMA:
                return
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?",
                (f"{PREFIX}%",),
            )
            existing = [name for (name,) in c.fetchall()]
            if existing and self._schema(c) != SCHEMA:
                for name in existing:
                    c.execute(f"DROP TABLE {name}")
            for statement in self.create_table_statements:
                c.execute(statement)
            c.execute(
                f"INSERT OR REPLACE INTO {PREFIX}tracking VALUES (?, ?)", (_SCHEMA_ROW, SCHEMA)
            )

    def _schema(self, c: SQLiteCursor) -> int | None:
        try:
            c.execute(self.select_max_tracking_id_statement, (_SCHEMA_ROW,))
        except sqlite3.OperationalError:
            return None  # no tracking table: a partial view from some other version
        found = c.fetchone()[0]
        return None if found is None else int(found)

    # -- writing ----------------------------------------------------------------

    def write(self, batch: Batch, application_name: str, expected: int, last: int) -> None:
        """Applies `batch` and tracks `last`, if tracking still stands at `expected`."""
        with self.datastore.get_connection(commit=True) as conn:
            # The view can be rebuilt from the events, so its commits need not wait
            # for the disk: in WAL mode a power cut loses at most the latest
            # batches, rows and tracking together, and they are processed again.
            # A large page cache keeps the indexes' upper levels in memory.
            with conn.cursor() as pragma:
                pragma.execute("PRAGMA synchronous = NORMAL")
                pragma.execute(f"PRAGMA cache_size = {CACHE_KIB}")
            with conn.transaction(commit=True) as c:
                self._write(c, batch, application_name, expected, last)

    def _write(
        self, c: SQLiteCursor, batch: Batch, application_name: str, expected: int, last: int
    ) -> None:
        self._check_tracking(c, application_name, expected)
        self._write_rows(c, batch)
        c.execute(
            self.insert_tracking_statement,
            {"application_name": application_name, "notification_id": last},
        )
        if c.fetchone() is None:
            raise TrackingConflictError(f"notification {last} was already processed")

    def _check_tracking(self, c: SQLiteCursor, name: str, expected: int) -> None:
        c.execute(self.select_max_tracking_id_statement, (name,))
        current = c.fetchone()[0] or 0
        if current != expected:
            raise TrackingConflictError(
                f"the view's tracking moved from {expected} to {current} meanwhile"
            )

    def _write_rows(self, c: SQLiteCursor, batch: Batch) -> None:
        c.executemany(f"INSERT INTO {PREFIX}streams VALUES (?,?,?,?,?)", batch.streams)
        # Closes first: they only touch rows of earlier batches, and a row this
        # batch reopens with the same key must not be closed with them.
        c.executemany(
            f"UPDATE {PREFIX}claims SET recorded_until = ? WHERE actor = ? AND topic = ? "
            "AND occurred_earliest = ? AND occurred_latest = ? AND dev_id = ? "
            f"AND known_from = ? AND {_CLOSE}",
            batch.close_claims,
        )
        c.executemany(
            f"INSERT INTO {PREFIX}claims (actor, topic, occurred_earliest, "
            "occurred_latest, dev_id, known_from, known_until, stance, occurred, "
            "recorded_from, recorded_until) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            batch.open_claims,
        )
        c.executemany(f"INSERT OR IGNORE INTO {PREFIX}pairs VALUES (?, ?)", sorted(batch.pairs))

    def clear(self, application_name: str) -> None:
        """Deletes every row and the tracking, so the view restarts from zero."""
        with self.datastore.transaction(commit=True) as c:
            for table in ("streams", "claims", "pairs"):
                c.execute(f"DELETE FROM {PREFIX}{table}")
            c.execute(
                f"DELETE FROM {PREFIX}tracking WHERE application_name = ?",
                (application_name,),
            )

    # -- reading ----------------------------------------------------------------

    def stream(self, stream: UUID) -> list[StoredEvent]:
        """The stored events of one development stream, in version order."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT version, topic, state FROM {PREFIX}streams WHERE stream = ? "
                "ORDER BY version",
                (stream.bytes,),
            )
            return [StoredEvent(stream, v, topic, state) for v, topic, state in c.fetchall()]

    def dump(self) -> dict[str, Sequence[tuple[Any, ...]]]:
        """Every row of every table, sorted; for comparing rebuilt and caught-up views."""
        tables: dict[str, Sequence[tuple[Any, ...]]] = {}
        with self.datastore.transaction(commit=False) as c:
            for table in ("tracking", "streams", "claims", "pairs"):
                c.execute(f"SELECT * FROM {PREFIX}{table}")
                tables[table] = sorted(tuple(row) for row in c.fetchall())
        return tables
