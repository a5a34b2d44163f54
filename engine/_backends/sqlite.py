"""SQLite files (`sqlite:///path.db`): eventsourcing's SQLite recorder, the view in its file."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from timeline.engine._backends import Backend
from timeline.engine._bulk_stores import (
    CHUNK,
    LOCK_WAIT,
    RECORDED_TOPIC,
    StoreTransaction,
    grouped,
)
from timeline.engine._copying import Copier, Rows
from timeline.engine.config import _shown
from timeline.engine.errors import StoreError

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

    from timeline.engine._application import StoreApplication
    from timeline.engine.config import StoreConfig

__all__ = ["BACKEND", "SQLITE_WAIT", "SQLiteBackend"]

# The page cache of a bulk write, in KiB (as `PRAGMA cache_size` takes it).
BULK_CACHE_KIB = -64 * 1024


class SQLiteBackend(Backend):
    """A store in one SQLite file (or, for `sqlite:///:memory:`, a shared in-memory database)."""

    name = "sqlite"
    persistence = "eventsourcing.sqlite"

    def settings(
        self, url: str, password: str | None, schema: str | None, replica: str | None
    ) -> dict[str, str]:
        return _sqlite_env(url)

    def location(self, env: dict[str, str]) -> str:
        return f"SQLite file {env['SQLITE_DBNAME']}"

    def file(self, env: dict[str, str]) -> Path | None:
        name = env.get("SQLITE_DBNAME", "")
        if not name or name.startswith("file:") or name == ":memory:":
            return None  # sqlite:///:memory: keeps nothing on disk
        return Path(name).absolute()

    def locked(self, config: StoreConfig, reason: str) -> str:
        if "locked" not in reason:
            return reason
        from timeline.engine._locks import holders

        path = config.env["SQLITE_DBNAME"]
        held = holders(path)
        who = f"; held by {', '.join(held)}" if held else "; another process holds its write lock"
        waited = config.env.get("SQLITE_LOCK_TIMEOUT", SQLITE_WAIT)
        return f"{reason}{who} (waited {waited} s; add ?timeout=SECONDS to the URL to wait longer)"

    def begin(self, recorder: Any) -> StoreTransaction:
        return SQLiteTransaction(recorder)

    def copier(self, target: StoreApplication, name: str) -> Copier:
        return SQLiteCopier(target, name)


def _sqlite_env(url: str) -> dict[str, str]:
    # As in SQLAlchemy: sqlite:///story.db is relative, sqlite:////abs/story.db absolute.
    shown = _shown(url)
    path = url[len("sqlite:///") :] if url[: len("sqlite:///")].lower() == "sqlite:///" else ""
    if not path:
        raise StoreError(f"cannot open store {shown!r}: expected sqlite:///path/to/file.db")
    if path == ":memory:":
        path = f"file:timeline-{uuid4().hex}?mode=memory&cache=shared"
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}
    # SQLite would read `file:...` as a URI (mode=memory keeps nothing, mode=ro
    # writes nothing), and eventsourcing takes any "mode=memory" as in-memory.
    path, _, query = path.partition("?")
    wait = _sqlite_timeout(shown, query)
    if path[:5].lower() == "file:" or "#" in path or ":memory:" in path:
        raise StoreError(
            f"cannot open store {shown!r}: expected a plain file path, as in "
            "sqlite:///path/to/file.db[?timeout=SECONDS] (SQLite URI names are not "
            "supported; sqlite:///:memory: keeps nothing)"
        )
    file = Path(path).expanduser()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot open store {shown!r}: {error.strerror or error}") from None
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(file),
        "SQLITE_LOCK_TIMEOUT": wait,
    }


# How long, in seconds, to wait for another process's write lock before saying so.
SQLITE_WAIT = "5"


def _sqlite_timeout(shown: str, query: str) -> str:
    """The lock wait a `?timeout=SECONDS` asks for (the only parameter an SQLite URL takes)."""
    if not query:
        return SQLITE_WAIT
    key, _, value = query.partition("=")
    if key != "timeout" or not re.fullmatch(r"[0-9]{1,5}", value) or not 1 <= int(value) <= 86400:
        raise StoreError(
            f"cannot open store {shown!r}: expected no parameter, or ?timeout=SECONDS "
            "(a whole number from 1 to 86400: how long to wait for another process's lock)"
        )
    return str(int(value))


class SQLiteTransaction(StoreTransaction):
    """An SQLite file: one writer connection, `BEGIN IMMEDIATE` to `COMMIT`."""

    def __init__(self, recorder: Any) -> None:
        self.table = recorder.events_table_name
        self._insert = (
            f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)"
        )
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
        for start in range(0, len(idents), CHUNK):
            chunk = [ident.hex for ident in idents[start : start + CHUNK]]
            self.cursor.execute(
                "SELECT originator_id, originator_version, topic, state FROM "
                f"{self.table} WHERE originator_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            rows += [(UUID(r[0]), r[1], r[2], r[3]) for r in self.cursor.fetchall()]
        return grouped(rows)

    def empty(self) -> bool:
        self.cursor.execute(f"SELECT 1 FROM {self.table} LIMIT 1")
        return self.cursor.fetchone() is None

    def append(self, events: Sequence[StoredEvent]) -> None:
        self.cursor.executemany(
            self._insert,
            [(_hex_of(e.originator_id), e.originator_version, e.topic, e.state) for e in events],
        )
        self.appended += len(events)

    def append_new(self, idents: Sequence[UUID], topic: str, states: Sequence[bytes]) -> None:
        rows = [(f"{i.int:032x}", 1, topic, s) for i, s in zip(idents, states, strict=True)]
        self.cursor.executemany(self._insert, rows)
        self.appended += len(rows)

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


def _hex_of(ident: Any) -> str:
    """The stream id as SQLite stores it (a UUID's 32 hex digits)."""
    return ident.hex if type(ident) is UUID else UUID(str(ident)).hex


class SQLiteCopier(Copier):
    """Copies into an empty SQLite store, each event under its own notification id (rowid)."""

    def _count(self) -> str:
        return f"SELECT count(*) FROM {self.recorder.events_table_name}"

    def _insert(self, cursor: Any, rows: Rows) -> None:
        table = self.recorder.events_table_name
        cursor.executemany(
            f"INSERT INTO {table} (rowid, originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?, ?)",
            [(n, ident.hex, version, topic, state) for n, ident, version, topic, state in rows],
        )


BACKEND = SQLiteBackend()
