"""One write transaction per store kind for the bulk path: read streams, append, commit.

Each transaction holds the store's write lock from its first statement (SQLite's
`BEGIN IMMEDIATE`, PostgreSQL's table lock that eventsourcing's own inserts take),
so what it reads cannot change under it and its inserts cannot collide with another
writer's.  Reads go through the same connection, so they see what the transaction
appended before.  Nothing is visible to others until `commit`.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

__all__ = ["StoreTransaction", "begin"]

# Events read per statement when fetching the streams of a batch.
_CHUNK = 500
# The id inside a stored `DevelopmentStream.Recorded` state (the transcoder's JSON,
# whose development fields start with its id).
_RECORDED_ID = re.compile(rb'"development":\{"_type_":"development","_data_":\{"id":"([^"\\]*)"')
# Seconds a bulk write on SQLite waits for another writer (say a long import) to commit.
LOCK_WAIT = 600.0
# The page cache of a bulk write on SQLite, in KiB (as `PRAGMA cache_size` takes it).
BULK_CACHE_KIB = -64 * 1024
# Seconds a PostgreSQL bulk write may spend between two of its statements.
IDLE = 600
RECORDED_TOPIC = "timeline.engine.aggregates:DevelopmentStream.Recorded"


class StoreTransaction:
    """The base: events appended and streams read inside one all-or-nothing transaction."""

    appended = 0

    def streams(self, idents: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        """The stored events of those streams that exist, each in version order."""
        raise NotImplementedError

    def append(self, events: Sequence[StoredEvent]) -> None:
        """Appends events to the store inside the transaction."""
        raise NotImplementedError

    def recorded_states(self) -> Iterator[bytes]:
        """The stored state of every development's creation event, in no set order."""
        raise NotImplementedError

    def commit(self) -> None:
        """Makes everything appended visible at once."""
        raise NotImplementedError

    def rollback(self) -> None:
        """Discards everything appended."""
        raise NotImplementedError


def recorded_id(state: bytes) -> str | None:
    """The development id in a creation event's stored state (None if it cannot be found)."""
    found = _RECORDED_ID.search(state)
    return None if found is None else found[1].decode("utf-8")


def _hex(ident: UUID | str) -> str:
    return ident.hex if isinstance(ident, UUID) else ident


def _hex_of(ident: Any) -> str:
    """The stream id as SQLite stores it (a UUID's 32 hex digits)."""
    return ident.hex if type(ident) is UUID else UUID(str(ident)).hex


def _grouped(rows: Sequence[tuple[UUID, int, str, bytes]]) -> dict[UUID, list[StoredEvent]]:
    found: dict[UUID, list[StoredEvent]] = defaultdict(list)
    for ident, version, topic, state in sorted(rows, key=lambda row: (row[0], row[1])):
        found[ident].append(StoredEvent(ident, version, topic, state))
    return dict(found)


class _Memory(StoreTransaction):
    """The in-memory store: appended events are held here and inserted at commit."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.pending: dict[UUID, list[StoredEvent]] = defaultdict(list)
        self.order: list[StoredEvent] = []

    def streams(self, idents: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        found = {}
        for ident in idents:
            events = [*self.recorder.select_events(ident), *self.pending.get(ident, ())]
            if events:
                found[ident] = events
        return found

    def append(self, events: Sequence[StoredEvent]) -> None:
        for event in events:
            self.pending[UUID(str(event.originator_id))].append(event)
        self.order.extend(events)
        self.appended += len(events)

    def recorded_states(self) -> Iterator[bytes]:
        for note in self.recorder.select_notifications(start=None, limit=10**12):
            if note.topic == RECORDED_TOPIC:
                yield bytes(note.state)
        for event in self.order:
            if event.topic == RECORDED_TOPIC:
                yield event.state

    def commit(self) -> None:
        if self.order:
            self.recorder.insert_events(self.order)

    def rollback(self) -> None:
        self.order.clear()


class _SQLite(StoreTransaction):
    """An SQLite file: one writer connection, `BEGIN IMMEDIATE` to `COMMIT`."""

    def __init__(self, recorder: Any) -> None:
        self.table = recorder.events_table_name
        self._connected = recorder.datastore.get_connection(commit=True)
        connection = self._connected.__enter__()
        self.raw = connection._sqlite_conn
        self.cursor = self.raw.cursor()
        # A larger page cache for the write, so the stream index's pages that its many
        # inserts touch stay in memory; the connection's own size is restored after.
        self._cache = self.cursor.execute("PRAGMA cache_size").fetchone()[0]
        self.cursor.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        try:
            self._begin()
        except BaseException:
            self._release()
            raise

    def _begin(self) -> None:
        """Takes the write lock, waiting as long as `LOCK_WAIT` for another writer's commit."""
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                self.cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                locked = "locked" in str(error) or "busy" in str(error)
                if not locked or time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def streams(self, idents: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        rows = []
        for start in range(0, len(idents), _CHUNK):
            chunk = [ident.hex for ident in idents[start : start + _CHUNK]]
            self.cursor.execute(
                "SELECT originator_id, originator_version, topic, state FROM "
                f"{self.table} WHERE originator_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            rows += [(UUID(r[0]), r[1], r[2], r[3]) for r in self.cursor.fetchall()]
        return _grouped(rows)

    def append(self, events: Sequence[StoredEvent]) -> None:
        self.cursor.executemany(
            f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)",
            [(_hex_of(e.originator_id), e.originator_version, e.topic, e.state) for e in events],
        )
        self.appended += len(events)

    def recorded_states(self) -> Iterator[bytes]:
        reader = self.raw.cursor()
        reader.execute(f"SELECT state FROM {self.table} WHERE topic = ?", (RECORDED_TOPIC,))
        while rows := reader.fetchmany(5000):
            for (state,) in rows:
                yield bytes(state)

    def commit(self) -> None:
        try:
            self.raw.commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            self.raw.rollback()
        finally:
            self._release()

    def _release(self) -> None:
        try:
            self.cursor.execute(f"PRAGMA cache_size = {int(self._cache)}")
        finally:
            self._connected.__exit__(None, None, None)


class _Postgres(StoreTransaction):
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
        for start in range(0, len(idents), _CHUNK * 10):
            chunk = list(idents[start : start + _CHUNK * 10])
            if self.id_type == "text":
                chunk = [str(i) for i in chunk]  # type: ignore[misc]
            self.cursor.execute(statement, (chunk,))
            rows += [
                (UUID(str(r["originator_id"])), r["originator_version"], r["topic"], r["state"])
                for r in self.cursor.fetchall()
            ]
        return _grouped([(i, v, t, bytes(s)) for i, v, t, s in rows])

    def append(self, events: Sequence[StoredEvent]) -> None:
        from psycopg.sql import SQL

        statement = SQL(
            "COPY {0} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(self.table)
        with self.cursor.copy(statement) as copy:
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


def begin(recorder: Any) -> StoreTransaction:
    """A write transaction on the recorder's store, its write lock already held."""
    module = type(recorder).__module__.rsplit(".", 1)[-1]
    if module == "sqlite":
        return _SQLite(recorder)
    if module in ("postgres", "_postgres"):
        return _Postgres(recorder)
    return _Memory(recorder)
