"""The materialised view in PostgreSQL: the same tables as SQLite's, in the store's schema.

The recorder is an eventsourcing `PostgresTrackingRecorder`, so eventsourcing's
factory builds it (`TRACKING_RECORDER_TOPIC`) and a `ProjectionRunner` drives it
from a subscription; bulk batches are written with COPY.  A reader keeps one
autocommit connection of its own, which listens to the store's inserts: while
none is heard of, a lookup is one statement and one round trip, and `positions()`
one statement for every pair.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.utils import resolve_topic
from psycopg import Connection, Notify
from psycopg.sql import SQL, Composed, Identifier

from timeline.engine._application import StoreApplication
from timeline.engine._postgres import committed
from timeline.engine.config import StoreConfig
from timeline.projections._backend import (
    IGNORING,
    Batch,
    ViewQueries,
    ViewRecorder,
    first,
)
from timeline.projections._queries import Params
from timeline.projections._schema import VIEW_TABLES
from timeline.projections._sql import (
    FORMER_TABLES,
    PREFIX,
    SCHEMA,
    SCHEMA_ROW,
    TABLES,
    Dialect,
)

__all__ = ["PostgresQueries", "PostgresViewRecorder", "open_postgres_view"]

# The tables with secondary indexes, which a first catch-up builds after its rows.
INDEXED = tuple(name for name, table in VIEW_TABLES.items() if table.indexes)

# A reader's session: no JIT compilation.  Once the view's tables have statistics (when
# autovacuum analyses them), the planner costs `positions()`'s statement (a search per
# pair) past `jit_above_cost`, and compiling it took 1.5 s of a read that runs in 40 ms.
NO_JIT = "SET jit = off"
# Rows of a single lookup's run fetched at once: most winning runs are one or two
# claims long, and each row the server fetches is a heap page visited.
LOOKUP_LIMIT = 4


class PostgresViewRecorder(PostgresTrackingRecorder, ViewRecorder):
    """The view's tables in PostgreSQL, tracked in `positions_tracking`."""

    reads_ahead = True  # a batch's COPY mostly waits on the server
    # Smaller pages than SQLite's: a commit costs little here, and the more pages,
    # the more of each page's write overlaps the next page's decoding.
    page = 10000

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        tracking_table_name: str = f"{PREFIX}tracking",
        events_table_name: str = f"{StoreApplication.name.lower()}_events",
        **kwargs: Any,
    ) -> None:
        # eventsourcing's factory names the table after the projection ("positions").
        assert tracking_table_name == f"{PREFIX}tracking", tracking_table_name
        super().__init__(datastore, tracking_table_name=tracking_table_name, **kwargs)
        self.dialect = Dialect("postgresql", datastore.schema, events_table_name)
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in self.dialect.create)

    def create_table(self) -> None:
        # A view of another schema version is dropped, by its tables' exact names,
        # and rebuilt from the events; callers hold the store's creation lock.
        with self.datastore.transaction(commit=True) as c:
            c.execute("SELECT to_regclass(%s)", (self.dialect.table("tracking"),))
            if first(c.fetchone()) is not None:
                c.execute(self.dialect.tracked, {"application_name": SCHEMA_ROW})
                if first(c.fetchone()) == SCHEMA:
                    if self._missing_indexes(c):  # a first catch-up stopped before it built them
                        self._build_missing(c)
                    return
            for statement in self.dialect.drop(tuple(dict.fromkeys((*TABLES, *FORMER_TABLES)))):
                c.execute(statement)
        super().create_table()
        self.insert_tracking_schema()

    def build_indexes(self) -> None:
        # Called when a first catch-up (or a rebuild) ends: the key indexes it filled row
        # by row, at random, are rebuilt from sorted rows, about two thirds their size.
        # No ANALYZE here: autovacuum analyses the tables where it runs, and the lookup's
        # and positions()' plans read the key index with statistics as without them
        # (`Dialect.filtered`).
        with self.writing() as c:
            self._build_missing(c)
            for statement in self.dialect.repacked:
                c.execute(statement)

    def _build_missing(self, c: Any) -> None:
        # Two builders at once (a catch-up ending, another process opening the view) would
        # both pass IF NOT EXISTS, and one fail on the catalog's unique name: a lock that
        # conflicts with itself (and with writes) makes them take turns.
        for table in INDEXED:
            c.execute(f"LOCK TABLE {self.dialect.table(table)} IN SHARE ROW EXCLUSIVE MODE")
        for name in self._missing_indexes(c):
            c.execute(self.dialect.secondary[name])

    def _missing_indexes(self, c: Any) -> list[str]:
        missing = []
        for name in self.dialect.secondary:
            c.execute("SELECT to_regclass(%s)", (self.dialect.index(name),))
            if first(c.fetchone()) is None:
                missing.append(name)
        return missing

    def insert_tracking_schema(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                self.dialect.track, {"application_name": SCHEMA_ROW, "notification_id": SCHEMA}
            )

    @contextmanager
    def writing(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as c:
            # The view is made from the events, and its rows commit with their tracking:
            # a commit a crash loses is redone from the tracking before, so a write
            # need not wait for the server's disk.
            c.execute("SET LOCAL synchronous_commit = off")
            yield c

    def clear(self, application_name: str) -> None:
        """Empties the view's tables at once (no dead rows for the rebuild to wade through)."""
        with self.writing() as c:
            tables = ", ".join(self.dialect.table(t) for t in TABLES if t != "tracking")
            c.execute(f"TRUNCATE {tables}")
            c.execute(
                self.dialect.render(
                    "DELETE FROM {tracking} WHERE application_name = :application_name"
                ),
                {"application_name": application_name},
            )

    @contextmanager
    def reading(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as c:
            yield c

    def lock_tracking(self, c: Any, application_name: str) -> int:
        # FOR UPDATE locks only a row that exists: before the first batch there is
        # none, and concurrent first writers would each write the same rows.  The
        # row is made first (a concurrent maker waits for this one's commit).
        c.execute(
            self.dialect.render(
                "INSERT INTO {tracking} (application_name, notification_id) "
                "VALUES (:application_name, 0) ON CONFLICT DO NOTHING"
            ),
            {"application_name": application_name},
        )
        c.execute(self.dialect.tracked + " FOR UPDATE", {"application_name": application_name})
        return int(first(c.fetchone()) or 0)

    def write_rows(self, c: Any, batch: Batch) -> None:
        """Closes rows statement by statement, then writes the new rows in bulk: COPY where
        no key can be there already, else one statement of column arrays per table."""
        d = self.dialect
        self.close_rows(c, batch)
        for table, rows in batch.inserts():
            if not rows:
                continue
            if rows is batch.first_mentions:
                _copy(c, d, table, rows)  # no key there yet: no check needed
                continue
            if table in IGNORING:
                _insert_new(c, d, table, rows)
            else:
                _copy(c, d, table, rows)


def _copy(c: Any, d: Dialect, table: str, rows: Sequence[Any]) -> None:
    """COPYs rows into one of the view's tables (binary: no text escaping of the states)."""
    statement, types = d.copy(table)
    with c.copy(statement) as copy:
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)


def _insert_new(c: Any, d: Dialect, table: str, rows: Sequence[Any]) -> None:
    """Adds the rows whose key is not in the table yet, in one statement of column arrays.

    COPY cannot skip a key the table holds already; a statement per row, even
    pipelined, cost twice what COPY does; and COPY through a temporary table
    cost a truncation of it at every commit.
    """
    c.execute(d.insert_new(table), [list(column) for column in zip(*rows, strict=True)])


class PostgresQueries(ViewQueries):
    """Pinned reads of the PostgreSQL view through one autocommit connection."""

    def __init__(self, dialect: Dialect, application_name: str, config: StoreConfig) -> None:
        self.dialect = dialect
        self.application_name = application_name
        self._config = config
        self._connection: Connection[Any] | None = None
        self._cursor_of: Any = None
        self._limited: dict[str, str] = {}  # run statements with their LIMIT, by statement
        self._lock = threading.Lock()
        events = f"{application_name.lower()}_events"
        self._head = f'SELECT MAX(notification_id) FROM "{dialect.schema}"."{events}"'
        # eventsourcing notifies the events table's name on every insert.
        self._listen = SQL("LISTEN {}").format(Identifier(events))
        self._heard = 0  # notifications and connections: see `version`

    def _connect(self) -> Connection[Any]:
        if self._connection is None or self._connection.closed:
            connection = self._config.connect()
            connection.add_notify_handler(self._hear)
            connection.execute(NO_JIT)
            connection.execute(self._listen)
            self._connection = connection
            self._cursor_of = None
            self._heard += 1  # a new connection may have missed notifications
        return self._connection

    def _hear(self, _: Notify) -> None:
        self._heard += 1  # a notification that came in with the answer to a query

    def version(self) -> int | None:
        # This connection listens to the store's inserts: the version moves with each
        # notification, and with each insert committed by this process, which is
        # known before its notification arrives.  Another process's commit is seen
        # once its notification is delivered, a moment after the commit.
        with self._lock:
            try:
                pgconn = self._connect().pgconn  # listening from the first read on
                pgconn.consume_input()  # reads what has arrived; never waits
            except psycopg.Error:
                return None  # the next statement reconnects, or says why not
            while pgconn.notifies() is not None:
                self._heard += 1
            return self._heard + committed()

    def _cursor(self) -> Any:
        # One cursor for every statement, a lookup making none of its own; results
        # come in binary, so numbers and bytes need no parsing from text.
        if self._connection is None or self._connection.closed or self._cursor_of is None:
            self._cursor_of = self._connect().cursor(binary=True)
        return self._cursor_of

    def query(self, statement: str, params: Params) -> list[tuple[Any, ...]]:
        with self._lock:
            rows: list[tuple[Any, ...]] = self._cursor().execute(statement, params).fetchall()
        return rows

    def run_rows(self, statement: str, params: Params) -> list[tuple[Any, ...]]:
        # At most LOOKUP_LIMIT rows are fetched: a winning run is rarely longer, and
        # one that may be is read again whole.
        limited = self._limited.get(statement)
        if limited is None:
            limited = self._limited[statement] = f"{statement} LIMIT {LOOKUP_LIMIT}"
        rows = super().run_rows(limited, params)
        if len(rows) == LOOKUP_LIMIT:
            return super().run_rows(statement, params)
        return rows

    def head(self) -> int:
        with self._lock:
            row = self._cursor().execute(self._head).fetchone()
        return int(row[0] or 0) if row else 0

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
                self._cursor_of = None


def open_postgres_view(
    env: Mapping[str, str], application_name: str, written: Callable[[], int] = lambda: 0
) -> tuple[Any, Any]:
    """The view's recorder (with its own small connection pool) and reader for a store.

    With a replica in `env`, the reader reads the standby, never at a position
    older than `written` (the caller's own last write); the recorder stays on the primary.
    """
    datastore = PostgresDatastore(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD", ""),
        # With no password given, let libpq find one (PGPASSWORD, ~/.pgpass) as it would.
        get_password_func=(
            resolve_topic(env["POSTGRES_GET_PASSWORD_TOPIC"])
            if "POSTGRES_GET_PASSWORD_TOPIC" in env
            else None
        ),
        connect_timeout=float(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        schema=env.get("POSTGRES_SCHEMA", ""),
        pool_size=2,
        max_overflow=2,
    )
    recorder = PostgresViewRecorder(
        datastore, events_table_name=f"{application_name.lower()}_events"
    )
    config = StoreConfig("", dict(env), "postgresql")
    with config.creating():
        recorder.create_table()
    queries = PostgresQueries(recorder.dialect, application_name, config)
    standby = config.replica
    if standby is None:
        return recorder, queries
    from timeline.projections._replica import ReplicaQueries

    return recorder, ReplicaQueries(
        recorder.dialect, application_name, standby, queries, written, config.replica_wait
    )
