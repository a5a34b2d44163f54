"""PostgreSQL databases (`postgresql://user@host/db`): eventsourcing's PostgreSQL recorder.

Events and the view share one schema; processes on any host share the store, so
creating its tables, and the bulk and copy writes, take the server's locks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

from timeline.engine._backends import Backend
from timeline.engine._backends._postgres_url import postgres_env, replica_argument, schema_name
from timeline.engine._bulk_stores import CHUNK, IDLE, RECORDED_TOPIC, StoreTransaction, grouped
from timeline.engine._copy_binary import binary_copy
from timeline.engine._copying import Copier, Rows
from timeline.engine.config import (
    APPLICATION,
)
from timeline.engine.errors import StoreError

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

    from timeline.engine._application import StoreApplication
    from timeline.engine.config import StoreConfig

__all__ = ["BACKEND", "PostgresBackend"]


class PostgresBackend(Backend):
    """A store in a PostgreSQL schema, on a server any number of processes reach."""

    name = "postgresql"
    persistence = "eventsourcing.postgres"
    server = True

    def settings(
        self, url: str, password: str | None, schema: str | None, replica: str | None
    ) -> dict[str, str]:
        if password is not None and not isinstance(password, str):
            raise StoreError("password: expected text")
        env = postgres_env(url, password or None)
        if schema is not None:
            env["POSTGRES_SCHEMA"] = schema_name(url, schema, "the schema argument")
        if replica is not None:
            env["POSTGRES_REPLICA"] = replica_argument(replica)
        return env

    def location(self, env: dict[str, str]) -> str:
        return (
            f"PostgreSQL database {env['POSTGRES_DBNAME']!r} on "
            f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"
        )

    def application_env(self, env: dict[str, str]) -> dict[str, str]:
        from timeline.engine._extras import require
        from timeline.engine._postgres import TOPIC

        require("postgres", "a postgresql:// store")
        # Inserts of any size in one transaction (eventsourcing's pipeline hangs on large ones).
        return {**env, "APPLICATION_RECORDER_TOPIC": TOPIC}

    def diagnose(self, config: StoreConfig) -> str | None:
        import psycopg

        try:
            self.connect(config).close()
        except psycopg.Error as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            # psycopg prefixes the reason with the address it tried; keep the reason.
            return first.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
        return None

    def connect(self, config: StoreConfig) -> Any:
        import psycopg

        env = config.env
        return psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            # None, not "": libpq then looks up PGPASSWORD and ~/.pgpass itself.
            password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=int(float(env.get("POSTGRES_CONNECT_TIMEOUT", "5"))),
            autocommit=True,
        )

    def creating(self, config: StoreConfig) -> AbstractContextManager[None]:
        return self._creating(config)

    @contextmanager
    def _creating(self, config: StoreConfig) -> Iterator[None]:
        # Processes opening a new database at once would otherwise race to create
        # the same tables and types.
        import hashlib  # only here: slow to import

        schema = config.env.get("POSTGRES_SCHEMA", "public")
        digest = hashlib.sha256(f"timeline/{schema}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        with self.connect(config) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def holds_store(self, config: StoreConfig) -> bool:
        # An empty database holds no event table; a server that cannot be reached
        # answers True, so the open that follows says why.
        import psycopg
        from psycopg import sql

        schema = config.env.get("POSTGRES_SCHEMA") or "public"
        try:
            with self.connect(config) as conn:
                name = sql.Identifier(schema, f"{APPLICATION}_events").as_string(conn)
                row = conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()
        except psycopg.Error:
            return True
        return row is not None and row[0] is not None

    def replica(self, config: StoreConfig) -> StoreConfig | None:
        from timeline.engine.config import StoreConfig

        where = config.env.get("POSTGRES_REPLICA")
        if where is None:
            return None
        host, _, port = where.rpartition(":")
        env = {k: v for k, v in config.env.items() if not k.startswith("POSTGRES_REPLICA")}
        env.update(POSTGRES_HOST=host, POSTGRES_PORT=port)
        return StoreConfig(config._url, env, self)

    def begin(self, recorder: Any) -> StoreTransaction:
        return PostgresTransaction(recorder)

    def copier(self, target: StoreApplication, name: str) -> Copier:
        return PostgresCopier(target, name)


class PostgresTransaction(StoreTransaction):
    """A PostgreSQL database: the events table locked, appends by binary COPY."""

    def __init__(self, recorder: Any) -> None:
        from psycopg.sql import SQL, Identifier

        self.recorder = recorder
        schema, table = recorder.datastore.schema, recorder.events_table_name
        self.table = SQL("{0}.{1}").format(Identifier(schema), Identifier(table))
        self.id_type = recorder.datastore.originator_id_type
        self._connected = recorder.datastore.get_connection()
        self.connection = self._connected.__enter__()
        self._transaction = self.connection.transaction()
        self._transaction.__enter__()
        self.cursor = self.connection.cursor()
        try:
            # The pool's short idle limit (5 s by default) is for abandoned transactions;
            # this one works in Python between its statements, for longer on a busy machine.
            self.cursor.execute(f"SET LOCAL idle_in_transaction_session_timeout = '{IDLE}s'")
            recorder._lock_table(self.cursor)
            recorder._notify_channel(self.cursor)
        except BaseException as error:
            self._end(error)
            raise

    def streams(self, idents: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        from psycopg.sql import SQL

        statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {0} "
            "WHERE originator_id = ANY(%s)"
        ).format(self.table)
        rows = []
        for start in range(0, len(idents), CHUNK * 10):
            chunk = list(idents[start : start + CHUNK * 10])
            if self.id_type == "text":
                chunk = [str(i) for i in chunk]  # type: ignore[misc]
            self.cursor.execute(statement, (chunk,))
            rows += [
                (UUID(str(r["originator_id"])), r["originator_version"], r["topic"], r["state"])
                for r in self.cursor.fetchall()
            ]
        return grouped([(i, v, t, bytes(s)) for i, v, t, s in rows])

    def empty(self) -> bool:
        from psycopg.sql import SQL

        self.cursor.execute(SQL("SELECT 1 FROM {0} LIMIT 1").format(self.table))
        return self.cursor.fetchone() is None

    def append(self, events: Sequence[StoredEvent]) -> None:
        from psycopg.sql import SQL

        statement = SQL(
            "COPY {0} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(self.table)
        data = binary_copy(events) if self.id_type == "uuid" else None
        with self.cursor.copy(statement) as copy:
            if data is not None:  # the whole batch packed at once: the same bytes
                copy.write(data)
            else:
                copy.set_types([self.id_type, "int8", "text", "bytea"])
                for e in events:
                    ident = e.originator_id if self.id_type == "uuid" else str(e.originator_id)
                    copy.write_row((ident, e.originator_version, e.topic, e.state))
        self.appended += len(events)

    def recorded_states(self) -> Iterator[bytes]:
        from psycopg.sql import SQL

        statement = SQL("SELECT state FROM {0} WHERE topic = %s").format(self.table)
        with self.connection.cursor(name="timeline_recorded") as reader:
            reader.itersize = 5000
            reader.execute(statement, (RECORDED_TOPIC,))
            for row in reader:
                yield bytes(row["state"])

    def commit(self) -> None:
        from psycopg.sql import SQL

        from timeline.engine._postgres import _count_commit

        last = 0
        if self.appended:
            # The table is locked: its newest id is this transaction's last event, which
            # a reader on a replica must see before it answers this process (read-your-writes).
            self.cursor.execute(SQL("SELECT max(notification_id) FROM {0}").format(self.table))
            row = self.cursor.fetchone()
            last = int(next(iter(row.values())) if isinstance(row, dict) else row[0])
        self._end(None)
        if last:
            self.recorder.last_written = max(getattr(self.recorder, "last_written", 0), last)
        _count_commit()  # after the commit: a reader told of it must find it

    def rollback(self) -> None:
        from psycopg import Rollback

        self._end(Rollback())

    def _end(self, error: BaseException | None) -> None:
        try:
            self.cursor.close()
            kind = None if error is None else type(error)
            self._transaction.__exit__(kind, error, None)
        finally:
            self._connected.__exit__(None, None, None)


class PostgresCopier(Copier):
    """Copies into an empty PostgreSQL store, its events table locked as every insert locks it."""

    def _prepare(self, cursor: Any) -> None:
        self.recorder._lock_table(cursor)  # as every insert does: no reader sees a gap
        self.recorder._notify_channel(cursor)

    def _count(self) -> str:
        table = self.recorder.events_table_name
        return f'SELECT count(*) AS count FROM "{self.recorder.datastore.schema}"."{table}"'

    def _insert(self, cursor: Any, rows: Rows) -> None:
        table = self.recorder.events_table_name
        schema = self.recorder.datastore.schema
        kind = self.recorder.datastore.originator_id_type
        cursor.execute(
            f'INSERT INTO "{schema}"."{table}" '
            "(notification_id, originator_id, originator_version, topic, state) "
            f"SELECT * FROM unnest(%s::bigint[], %s::{kind}[], %s::bigint[], %s::text[], "
            "%s::bytea[])",
            [list(column) for column in zip(*rows, strict=True)],
        )

    def _finish(self, cursor: Any) -> None:
        # New events must number on from the copied ones.
        schema = self.recorder.datastore.schema
        table = self.recorder.events_table_name
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
            (f'"{schema}"."{table}"', self.highest),
        )


BACKEND = PostgresBackend()
