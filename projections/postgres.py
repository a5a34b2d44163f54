"""The positions view in PostgreSQL: the same tables as SQLite's, with their own tracking.

The view lives in the store's database and schema, beside the events, with its own
tracking table (`positions_tracking`), so a worker process (`timeline project
--follow`) can keep it current while writers append.  Rows and tracking are written
in one transaction; a batch whose tracking moved meanwhile (another worker) is
refused and re-read, so every event counts exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Connection, Cursor
from psycopg.rows import DictRow, dict_row
from psycopg.sql import SQL, Composed, Identifier

from timeline.engine.config import StoreConfig
from timeline.engine.store import StoreApplication
from timeline.projections.reader import Run, ViewBehindError
from timeline.projections.recorder import PREFIX, Batch, PositionsRecorder, TrackingConflictError
from timeline.projections.rows import RECORDED_FOREVER

__all__ = ["PostgresPositionsRecorder", "PostgresViewReader", "open_postgres_view"]

T = TypeVar("T")

_TABLES = (
    "CREATE TABLE IF NOT EXISTS {schema}.{p}streams ("
    "notification_id bigint PRIMARY KEY, stream bytea, version bigint, "
    "topic text, state bytea)",
    "CREATE UNIQUE INDEX IF NOT EXISTS {p}streams_by_id ON {schema}.{p}streams (stream, version)",
    "CREATE TABLE IF NOT EXISTS {schema}.{p}claims ("
    "actor text, topic text, occurred_earliest bigint, occurred_latest bigint, "
    "dev_id text, known_from bigint, recorded_from bigint, "
    "known_until bigint, recorded_until bigint, stance bigint, occurred text, "
    "PRIMARY KEY (actor, topic, occurred_earliest, occurred_latest, dev_id, "
    "known_from, recorded_from))",
    "CREATE TABLE IF NOT EXISTS {schema}.{p}pairs ("
    "actor text, topic text, PRIMARY KEY (actor, topic))",
)
_CURRENT = (
    "known_from <= %(known)s AND known_until > %(known)s "
    "AND recorded_from <= %(pin)s AND recorded_until > %(pin)s"
)


def _sql(text: str, schema: str) -> Composed:
    # Table names are fixed here and the schema is quoted: nothing comes from input.
    return SQL(text).format(schema=Identifier(schema), p=SQL(PREFIX))


class PostgresPositionsRecorder(PostgresTrackingRecorder, PositionsRecorder):
    """The bitemporal positions view in PostgreSQL, tracked in `positions_tracking`."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        super().__init__(datastore, tracking_table_name=f"{PREFIX}tracking")
        self._schema = datastore.schema
        self.sql_create_statements.extend(_sql(t, self._schema) for t in _TABLES)

    def q(self, text: str) -> Composed:
        """A statement on the view's tables in the store's schema."""
        return _sql(text, self._schema)

    def write(self, batch: Batch, application_name: str, expected: int, last: int) -> None:
        """Applies `batch` and tracks `last`, if tracking still stands at `expected`."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                self.q("SELECT notification_id FROM {schema}.{p}tracking "
                       "WHERE application_name = %s FOR UPDATE"),
                (application_name,),
            )  # fmt: skip
            row = c.fetchone()
            current = 0 if row is None else int(row["notification_id"])
            if current != expected:
                raise TrackingConflictError(
                    f"the view's tracking moved from {expected} to {current} meanwhile"
                )
            self._write_rows(c, batch)
            c.execute(
                self.insert_tracking_statement,
                {"application_name": application_name, "notification_id": last},
            )
            if c.fetchone() is None:
                raise TrackingConflictError(f"notification {last} was already processed")

    def _write_rows(self, c: Cursor[DictRow], batch: Batch) -> None:
        if batch.streams:
            c.executemany(
                self.q("INSERT INTO {schema}.{p}streams VALUES (%s, %s, %s, %s, %s)"),
                batch.streams,
            )
        if batch.close_claims:
            # Closes first: a row this batch reopens with the same key stays open.
            c.executemany(
                self.q(
                    "UPDATE {schema}.{p}claims SET recorded_until = %s WHERE actor = %s "
                    "AND topic = %s AND occurred_earliest = %s AND occurred_latest = %s "
                    f"AND dev_id = %s AND known_from = %s AND recorded_until = {RECORDED_FOREVER}"
                ),
                batch.close_claims,
            )
        if batch.open_claims:
            c.executemany(
                self.q(
                    "INSERT INTO {schema}.{p}claims (actor, topic, occurred_earliest, "
                    "occurred_latest, dev_id, known_from, known_until, stance, occurred, "
                    "recorded_from, recorded_until) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                ),
                batch.open_claims,
            )
        if batch.pairs:
            c.executemany(
                self.q("INSERT INTO {schema}.{p}pairs VALUES (%s, %s) ON CONFLICT DO NOTHING"),
                sorted(batch.pairs),
            )

    def clear(self, application_name: str) -> None:
        """Deletes every row and the tracking, so the view restarts from zero."""
        with self.datastore.transaction(commit=True) as c:
            for table in ("streams", "claims", "pairs"):
                c.execute(self.q("DELETE FROM {schema}.{p}" + table))
            c.execute(
                self.q("DELETE FROM {schema}.{p}tracking WHERE application_name = %s"),
                (application_name,),
            )

    def stream(self, stream: UUID) -> list[StoredEvent]:
        """The stored events of one development stream, in version order."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                self.q("SELECT version, topic, state FROM {schema}.{p}streams "
                       "WHERE stream = %s ORDER BY version"),
                (stream.bytes,),
            )  # fmt: skip
            return [
                StoredEvent(stream, r["version"], r["topic"], bytes(r["state"]))
                for r in c.fetchall()
            ]

    def dump(self) -> dict[str, Sequence[tuple[Any, ...]]]:
        """Every row of every table, sorted; for comparing rebuilt and caught-up views."""
        tables: dict[str, Sequence[tuple[Any, ...]]] = {}
        with self.datastore.transaction(commit=False) as c:
            for table in ("tracking", "streams", "claims", "pairs"):
                c.execute(self.q("SELECT * FROM {schema}.{p}" + table))
                tables[table] = sorted(
                    tuple(bytes(v) if isinstance(v, memoryview) else v for v in row.values())
                    for row in c.fetchall()
                )
        return tables


class PostgresViewReader:
    """Reads the PostgreSQL positions view at a pinned notification id; thread-safe.

    It keeps one autocommit connection of its own, so a lookup is one statement and
    one round trip, with no transaction to begin or end around it.
    """

    def __init__(
        self, recorder: PostgresPositionsRecorder, application_name: str, connect: Any
    ) -> None:
        self._recorder = recorder
        self._connect = connect
        self._connection: Connection[DictRow] | None = None
        self._lock = threading.Lock()
        self.application_name = application_name

    def close(self) -> None:
        """Closes the reader's connection (it reopens on the next read)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    @contextmanager
    def _cursor(self) -> Iterator[Cursor[DictRow]]:
        with self._lock:
            if self._connection is None or self._connection.closed:
                self._connection = self._connect()
            assert self._connection is not None
            with self._connection.cursor() as cursor:
                yield cursor

    def reached(self) -> int:
        """The last notification id the view has processed (0 for none)."""
        with self._cursor() as c:
            c.execute(
                self._recorder.q(
                    "SELECT notification_id FROM {schema}.{p}tracking WHERE application_name = %s"
                ),
                (self.application_name,),
            )
            row = c.fetchone()
        return 0 if row is None else int(row["notification_id"])

    def _check(self, pin: int) -> None:
        if self.reached() < pin:
            raise ViewBehindError(f"the view has not reached notification {pin}")

    def run(self, key: tuple[str, str], when: tuple[int, int, int], possible: bool) -> Run:
        """The winning run of claims for one pair, latest first, at (day, known, pin)."""
        day, known, pin = when
        certain = "" if possible else "AND occurred_latest <= %(day)s"
        statement = self._recorder.q(
            "SELECT dev_id, stance, occurred, occurred_latest FROM {schema}.{p}claims "
            "WHERE actor = %(actor)s AND topic = %(topic)s AND occurred_earliest <= %(day)s "
            f"AND {_CURRENT} {certain} AND (SELECT notification_id FROM {{schema}}.{{p}}tracking "
            "WHERE application_name = %(app)s) >= %(pin)s "
            "ORDER BY occurred_earliest DESC, occurred_latest DESC, dev_id DESC"
        )
        found: Run = []
        params = {"actor": key[0], "topic": key[1], "day": day, "known": known, "pin": pin}
        params["app"] = self.application_name
        with self._cursor() as c:
            c.execute(statement, params)
            for row in c:
                item = (row["dev_id"], row["stance"], row["occurred"], row["occurred_latest"])
                if found and item[1] != found[0][1]:
                    break
                found.append(item)
        if not found:
            self._check(pin)  # nothing found: no claim counts, or the view is behind
        return found

    def pinned(self, pin: int, read: Callable[[Any], T]) -> T:
        """Runs `read(cursor)` and returns its result, if the view holds `pin` throughout."""
        self._check(pin)
        with self._cursor() as c:
            result = read(c)
        self._check(pin)
        return result

    def pairs(self, c: Cursor[DictRow]) -> list[tuple[str, str]]:
        """Every (actor, topic) with a claim, sorted."""
        c.execute(self._recorder.q("SELECT actor, topic FROM {schema}.{p}pairs ORDER BY 1, 2"))
        return [(r["actor"], r["topic"]) for r in c.fetchall()]

    def claimed_by(self, c: Cursor[DictRow], key: tuple[str, str], pin: int) -> list[str]:
        """The ids of developments that claim the pair in any version, as of `pin`."""
        c.execute(
            self._recorder.q(
                "SELECT DISTINCT dev_id FROM {schema}.{p}claims WHERE actor = %s "
                "AND topic = %s AND recorded_from <= %s AND recorded_until > %s ORDER BY 1"
            ),
            (key[0], key[1], pin, pin),
        )
        return [r["dev_id"] for r in c.fetchall()]

    def streams(self, c: Cursor[DictRow], pin: int) -> dict[UUID, list[StoredEvent]]:
        """The view's copy of every development stream, up to notification `pin`."""
        c.execute(
            self._recorder.q(
                "SELECT stream, version, topic, state FROM {schema}.{p}streams "
                "WHERE notification_id <= %s ORDER BY notification_id"
            ),
            (pin,),
        )
        found: dict[UUID, list[StoredEvent]] = {}
        for r in c.fetchall():
            ident = UUID(bytes=bytes(r["stream"]))
            event = StoredEvent(ident, r["version"], r["topic"], bytes(r["state"]))
            found.setdefault(ident, []).append(event)
        return found


def open_postgres_view(
    app: StoreApplication,
) -> tuple[PostgresPositionsRecorder, PostgresViewReader]:
    """The view's recorder (with its own small connection pool) and reader for `app`."""
    env = app.env
    datastore = PostgresDatastore(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        connect_timeout=float(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        schema=env.get("POSTGRES_SCHEMA", ""),
        pool_size=2,
        max_overflow=2,
    )
    recorder = PostgresPositionsRecorder(datastore)
    config = StoreConfig("", dict(env), "postgresql")
    with config.creating():
        recorder.create_table()

    def connect() -> Connection[DictRow]:
        connection: Connection[DictRow] = config.connect()
        connection.row_factory = dict_row
        return connection

    return recorder, PostgresViewReader(recorder, app.name, connect)
