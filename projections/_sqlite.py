"""The materialised view in SQLite: beside the events in the store's file.

The in-memory store keeps its view in a private in-memory SQLite database, so both
share this one implementation with real transactions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import (
    SQLiteConnection,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteTrackingRecorder,
)

from timeline.projections._backend import ViewRecorder
from timeline.projections._sql import FORMER_TABLES, SCHEMA, SCHEMA_ROW, TABLES
from timeline.projections._sqlite_reads import DIALECT, MEMORY_VIEW, SQLiteQueries

__all__ = ["DIALECT", "MEMORY_VIEW", "SQLiteQueries", "SQLiteViewRecorder"]

# The writer's page cache, in KiB (SQLite reads a negative size as KiB).
CACHE_KIB = -256 * 1024


@contextmanager
def _immediate(conn: SQLiteConnection) -> Iterator[SQLiteCursor]:
    """A write transaction that takes the write lock first, waiting for it if need be.

    A deferred transaction that reads, then writes, fails at once ("database is
    locked") when another connection wrote in between: SQLite cannot wait there.
    """
    cursor = conn.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        cursor.sqlite_cursor.close()
        raise OperationalError(error) from error
    try:
        yield cursor
    except BaseException:
        conn.rollback()
        raise
    else:
        try:
            conn.commit()
        except sqlite3.OperationalError as error:
            raise OperationalError(error) from error
    finally:
        cursor.sqlite_cursor.close()


class SQLiteViewRecorder(SQLiteTrackingRecorder, ViewRecorder):
    """The view's tables in SQLite, with their own tracking table.

    The in-memory store's view (a database named `MEMORY_VIEW...`) also keeps the
    events, in a table shaped like SQLite's own, since they are not in SQL there.
    """

    dialect = DIALECT

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.keeps_events = datastore.pool.db_name.startswith(MEMORY_VIEW)
        self.insert_tracking_statement = DIALECT.track
        self.select_max_tracking_id_statement = DIALECT.render(
            "SELECT MAX(notification_id) FROM {tracking} WHERE application_name = ?"
        )

    def construct_create_table_statements(self) -> list[str]:
        return DIALECT.create

    def create_table(self) -> None:
        self._create_view()
        if self.keeps_events:
            with self.datastore.transaction(commit=True) as c:
                c.execute(DIALECT.create_events)

    def clear(self, application_name: str) -> None:
        super().clear(application_name)
        if self.keeps_events:  # only ever the in-memory store's own copy
            with self.writing() as c:
                c.execute(DIALECT.render("DELETE FROM {events}"))

    def _create_view(self) -> None:
        # A current view needs no write: a reader opening the view then never
        # waits for (or fails on) the write lock a worker's batch holds.  A view
        # of another schema version is dropped, by its tables' exact names, and
        # rebuilt from the events on the next read.
        with self.datastore.transaction(commit=False) as c:
            if self._schema(c) == SCHEMA and self._indexed(c):
                return
        with self.datastore.get_connection(commit=True) as conn, _immediate(conn) as c:
            if self._schema(c) != SCHEMA:
                for statement in DIALECT.drop(tuple(dict.fromkeys((*TABLES, *FORMER_TABLES)))):
                    c.execute(statement)
            for statement in self.create_table_statements:
                c.execute(statement)
            c.execute(
                DIALECT.render("INSERT OR REPLACE INTO {tracking} VALUES (?, ?)"),
                (SCHEMA_ROW, SCHEMA),
            )

    def _indexed(self, c: SQLiteCursor) -> bool:
        """Whether every secondary index is there (a first catch-up that stopped before
        building them leaves them for the next open to build)."""
        names = tuple(DIALECT.secondary)
        marks = ", ".join("?" for _ in names)
        c.execute(
            f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ({marks})", names
        )
        return int(c.fetchone()[0]) == len(names)

    def _schema(self, c: SQLiteCursor) -> int | None:
        try:
            c.execute(self.select_max_tracking_id_statement, (SCHEMA_ROW,))
        except sqlite3.OperationalError:
            return None  # no tracking table: no view, or a partial one
        found = c.fetchone()[0]
        return None if found is None else int(found)

    @contextmanager
    def writing(self) -> Iterator[Any]:
        with self.datastore.get_connection(commit=True) as conn:
            # The view can be rebuilt from the events, so its commits need not wait
            # for the disk: in WAL mode a power cut loses at most the latest
            # batches, rows and tracking together, and they are processed again.
            with conn.cursor() as pragma:
                pragma.execute("PRAGMA synchronous = NORMAL")
                pragma.execute(f"PRAGMA cache_size = {CACHE_KIB}")
            with _immediate(conn) as c:
                yield c

    @contextmanager
    def reading(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as c:
            yield c
