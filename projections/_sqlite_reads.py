"""Reads of an SQLite view on a connection of their own, without eventsourcing.

What a read of a current view needs and no more: the write side (`projections._sqlite`)
imports eventsourcing's SQLite recorder, this module only `sqlite3`.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from threading import get_ident
from typing import Any, NoReturn

from timeline.engine import _rule as rule
from timeline.projections._queries import LOOKUP_PARAMS, RUN_MARK, Params, ViewQueries
from timeline.projections._sql import Dialect
from timeline.projections.errors import ClosedError

__all__ = ["DIALECT", "MEMORY_VIEW", "SQLiteQueries"]

DIALECT = Dialect("sqlite")
# The start of the name of an in-memory store's view database.
MEMORY_VIEW = "file:timeline-view-"
# The reader's page cache, in KiB (SQLite reads a negative size as KiB), is SQLite's
# default size.  Each page a bigger cache takes in is new
# memory, faulted in on first touch, until the cache is full: that cost a cold
# reader more per lookup (measured: 16 MiB, ~4 us more at a million developments)
# than it saved, since random lookups land on new leaf pages anyway and the upper
# levels of the claims index fit in 2 MiB.
READER_CACHE_KIB = -2 * 1024
# A named parameter of a statement (not the second colon of a cast).
_NAMED = re.compile(r"(?<!:):\w+")
# Each lookup parameter's number: SQLite binds a tuple by number faster than a dict by name.
_NUMBERS = {f":{name}": f"?{n}" for n, name in enumerate(LOOKUP_PARAMS, 1)}


def _closed(error: sqlite3.ProgrammingError) -> NoReturn:
    """Says that the store was closed, for a view read after `Timeline.close()` (else
    raises `error` again)."""
    if "closed" not in str(error):
        raise error
    raise ClosedError("the store is closed: open it again to read") from None


def _last_rowid(events: str) -> str:
    """The statement of the last event's rowid: the end of the table's b-tree, one descent
    (with no aggregate, as MAX would run)."""
    return f"SELECT rowid FROM {events} ORDER BY rowid DESC LIMIT 1"


@contextmanager
def _open() -> Iterator[None]:
    """`_closed` for the reads in its block."""
    try:
        yield
    except sqlite3.ProgrammingError as error:
        _closed(error)


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
        self._headed: dict[str, str] = {}  # run statements with the head tested, by statement
        self._settling: str | None = None  # the statement of `settled`, made when first needed
        self.application_name = application_name
        # A file's readers on other threads (a web server's) each query through a
        # connection of their own, so their statements run side by side in SQLite.
        self._local = threading.local()
        self._main = threading.main_thread().ident  # whose reads share the first connection
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
        if self._shared_cache or get_ident() == self._main:
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

    def query(self, statement: str, params: Params) -> list[tuple[Any, ...]]:
        # On the shared connection it takes the lock itself, with no context managers
        # made per call (two generators' worth, more than a short statement costs).
        if self._closed or not (self._shared_cache or get_ident() == self._main):
            with self._reading() as connection:
                return connection.execute(statement, params).fetchall()
        self._lock.acquire()  # not `with`, whose two method calls cost as much again
        try:
            return self._connection.execute(statement, params).fetchall()
        except sqlite3.ProgrammingError as error:
            _closed(error)
        finally:
            self._lock.release()

    def run_rows(self, statement: str, params: Params) -> list[tuple[Any, ...]]:
        # Steps the cursor only as far as the winning run: a pair may hold many claims.
        # The commonest read of all: on the shared connection it takes the lock
        # itself, as `query` does.
        if self._closed or not (self._shared_cache or get_ident() == self._main):
            return self._run_rows_elsewhere(statement, params)
        self._lock.acquire()  # as in `query`
        try:
            cursor = self._connection.execute(statement, params)
            try:
                # `rule.leading_run(cursor, RUN_MARK)` written out, with no call of its own:
                # the rows up to the first of another stance (second) or rank (fourth).
                first = next(cursor, None)
                if first is None:
                    return []
                run, stance, rank = [first], first[1], first[3]
                for row in cursor:
                    if row[1] != stance or row[3] != rank:
                        break
                    run.append(row)
                return run
            finally:
                cursor.close()  # ends the statement, and with it its read transaction
        except sqlite3.ProgrammingError as error:
            _closed(error)
        finally:
            self._lock.release()

    def _run_rows_elsewhere(self, statement: str, params: Params) -> list[tuple[Any, ...]]:
        with self._reading() as connection:
            cursor = connection.execute(statement, params)
            try:
                return rule.leading_run(cursor, RUN_MARK)
            finally:
                cursor.close()

    def numbered(self, statement: str) -> str | None:
        found = _NAMED.sub(lambda name: _NUMBERS.get(name[0], name[0]), statement)
        return None if _NAMED.search(found) else found

    def headed(self, statement: str) -> str | None:
        found = self._headed.get(statement)
        if found is None and self._events is not None:
            searched, order, ordered = statement.rpartition(" ORDER BY ")
            if not order:
                return None  # no search order to put the test before
            # SQLite reads the head once (the subquery is run once, when a row first passes
            # the other tests) and finds no row past it: no column more on each row, as the
            # head beside them cost.
            pin = ":pin" if ":pin" in statement else _NUMBERS[":pin"]
            head = _last_rowid(self._events)
            found = f"{searched} AND ({head}) <= {pin}{order}{ordered}"
            self._headed[statement] = found
        return found

    def settled(self, pin: int) -> bool:
        if self._events is None:
            return super().settled(pin)  # in memory the head comes from the recorder
        if self._settling is None:
            head = _last_rowid(self._events)
            self._settling = f"SELECT ({head}) <= :pin, ({self.dialect.tracked}) >= :pin"
        params = {"pin": pin, "application_name": self.application_name}
        return self.query(self._settling, params)[0] == (1, 1)  # NULL: no event, no tracking

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
