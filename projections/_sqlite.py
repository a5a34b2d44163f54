"""The materialised view in SQLite: beside the events in the store's file.

The in-memory store keeps its view in a private in-memory SQLite database, so both
share this one implementation with real transactions.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import (
    SQLiteConnection,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteTrackingRecorder,
)

from timeline.engine import _rule as rule
from timeline.projections._backend import RUN_MARK, ViewQueries, ViewRecorder
from timeline.projections._sql import FORMER_TABLES, SCHEMA, SCHEMA_ROW, TABLES, Dialect
from timeline.projections._winning import sqlite_runs
from timeline.projections.errors import ClosedError

__all__ = ["SQLiteQueries", "SQLiteViewRecorder"]

DIALECT = Dialect("sqlite")
# The start of the name of an in-memory store's view database.
MEMORY_VIEW = "file:timeline-view-"
# The writer's and the reader's page caches, in KiB (SQLite reads a negative size as KiB).
CACHE_KIB = -256 * 1024
# The reader's is SQLite's default size.  Each page a bigger cache takes in is new
# memory, faulted in on first touch, until the cache is full: that cost a cold
# reader more per lookup (measured: 16 MiB, ~4 us more at a million developments)
# than it saved, since random lookups land on new leaf pages anyway and the upper
# levels of the claims index fit in 2 MiB.
READER_CACHE_KIB = -2 * 1024


@contextmanager
def _open() -> Iterator[None]:
    """Says that the store was closed, for a view read after `Timeline.close()`."""
    try:
        yield
    except sqlite3.ProgrammingError as error:
        if "closed" not in str(error):
            raise
        raise ClosedError("the store is closed: open it again to read") from None


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
            if self._schema(c) == SCHEMA:
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


class SQLiteQueries(ViewQueries):
    """Pinned reads of the view through one SQLite connection of its own.

    A single statement in autocommit mode is its own read transaction, so a
    lookup is one indexed query and no transaction overhead.
    """

    dialect = DIALECT

    def __init__(
        self,
        db_name: str,
        application_name: str,
        *,
        shared_cache: bool,
        events_table: str | None = "stored_events",
    ) -> None:
        self._db_name, self._shared_cache = db_name, shared_cache
        self._connection = self._connect()
        self._lock = threading.Lock()
        self._versions: sqlite3.Cursor | None = None
        self._events = events_table
        self.application_name = application_name
        # A file's readers on other threads (a web server's) each query through a
        # connection of their own, so their statements run side by side in SQLite.
        self._local = threading.local()
        self._others: list[sqlite3.Connection] = []
        self._closed = False

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._db_name, uri=True, check_same_thread=False, isolation_level=None
        )
        connection.execute(f"PRAGMA cache_size = {READER_CACHE_KIB}")
        if self._shared_cache:
            # In a shared-cache (in-memory) database a reader would otherwise be
            # locked out while a batch is written; the pin hides uncommitted rows,
            # which always come from notifications after the committed tracking.
            connection.execute("PRAGMA read_uncommitted = 1")
        return connection

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection: the first thread's is shared, under the lock."""
        if self._closed:
            raise ClosedError("the store is closed: open it again to read")
        if self._shared_cache or threading.current_thread() is threading.main_thread():
            with self._lock, _open():
                yield self._connection
            return
        mine: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if mine is None:
            with self._lock:
                mine = self._local.connection = self._connect()
                self._others.append(mine)
        with _open():
            yield mine

    def query(self, statement: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        with self._reading() as connection:
            return connection.execute(statement, params).fetchall()

    def run_rows(self, statement: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        # Steps the cursor only as far as the winning run: a pair may hold many claims.
        # The commonest read of all: on the shared connection it takes the lock
        # itself, with no context managers made per call.
        if self._closed or not (
            self._shared_cache or threading.current_thread() is threading.main_thread()
        ):
            return self._run_rows_elsewhere(statement, params)
        with self._lock:
            try:
                cursor = self._connection.execute(statement, params)
            except sqlite3.ProgrammingError as error:
                if "closed" not in str(error):
                    raise
                raise ClosedError("the store is closed: open it again to read") from None
            try:
                return rule.leading_run(cursor, RUN_MARK)
            finally:
                cursor.close()

    def _run_rows_elsewhere(
        self, statement: str, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        with self._reading() as connection:
            cursor = connection.execute(statement, params)
            try:
                return rule.leading_run(cursor, RUN_MARK)
            finally:
                cursor.close()

    def winning_statement(self, possible: bool, scope: str = "") -> str:
        return sqlite_runs(self.dialect, possible, scope)

    def head(self) -> int:
        assert self._events is not None, "an in-memory store's head comes from its recorder"
        with self._lock:
            row = self._connection.execute(f"SELECT MAX(rowid) FROM {self._events}").fetchone()
        return int(row[0] or 0)

    def version(self) -> int | None:
        if self._events is None:
            return None  # in memory the events are not in SQLite: nothing to watch
        # SQLite's data version changes on this connection whenever any other
        # connection (of any process) commits; this one only reads, so every
        # write to the file (events or the view's rows) changes it.
        with self._lock:
            if self._versions is None:
                self._versions = self._connection.cursor()  # asked once per read: kept
            row = self._versions.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for connection in (self._connection, *self._others):
                connection.close()
            self._others.clear()
