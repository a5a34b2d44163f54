"""Reads of the PostgreSQL view from a hot standby, never older than the caller's last write.

PostgreSQL's streaming replication copies the primary's events *and* its view's
tables to the standby; nothing is ever written there (a standby refuses writes,
and has no LISTEN).  So:

- the view is kept current on the primary, by a worker (`timeline project
  --follow`) or, when none has, by the reader itself, which catches up there as
  a reader of the primary would;
- freshness is checked on the standby by its own numbers, one statement: the
  last event it has replayed and the view's tracking it has replayed;
- each read is pinned at a notification id no older than its caller's own last
  write (the highest id this process wrote).  A read pinned past what the
  standby's view holds waits, for at most `wait` seconds, for the standby to
  replay that far; if it has not by then, that read goes to the primary.  So an
  answer is never older than the caller's own writes, and a lagging standby
  costs time, never correctness; so does a statement the standby cancels
  because its replay conflicts with it (it is asked of the primary instead).

Statements are routed by the pin they carry; the few that carry none (the list
of pairs, the pairs with preferred claims) go where every pin handed out so far
can be read, since those lists only grow.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import psycopg

from timeline.engine.config import StoreConfig
from timeline.projections._backend import ViewBehindError
from timeline.projections._postgres import NO_JIT, PostgresQueries
from timeline.projections._queries import Params
from timeline.projections._sql import Dialect

__all__ = ["ReplicaQueries"]

# How often a read waiting for the standby asks how far it has replayed, in seconds.
POLL = 0.01


class ReplicaQueries(PostgresQueries):
    """Pinned reads from a hot standby, or from the primary when the standby lags too long."""

    def __init__(
        self,
        dialect: Dialect,
        application_name: str,
        standby: StoreConfig,
        primary: PostgresQueries,
        written: Callable[[], int],
        wait: float,
    ) -> None:
        super().__init__(dialect, application_name, standby)
        self.primary = primary
        self._written = written
        self.wait = wait
        # The view's tracking on the standby, last seen; -1 until its tables are there.
        self._standby_reached = -1
        self._highest_pin = 0  # the highest pin any read has carried
        # The lowest pin the standby was last waited for in vain: reads at it or later
        # ask the standby once, without waiting again, until it has caught up.
        self._lagging: int | None = None
        events = f'"{dialect.schema}"."{application_name.lower()}_events"'
        self._freshness = (
            f"SELECT (SELECT MAX(notification_id) FROM {events}), "
            f"({dialect.tracked.replace('%(application_name)s', '%s')})"
        )
        self.served = {"standby": 0, "primary": 0}  # statements answered by each

    def _connect(self) -> psycopg.Connection[Any]:
        # A standby has no LISTEN: connect without it, read-only.
        if self._connection is None or self._connection.closed:
            connection = self._config.connect()
            connection.execute("SET default_transaction_read_only = on")
            connection.execute(NO_JIT)
            self._connection = connection
            self._cursor_of = None
        return self._connection

    def version(self) -> int | None:
        return None  # nothing to listen to: every read asks the standby how far it is

    def head(self) -> int:
        """The last event the standby has replayed, or the caller's own last write if later.

        Seeing the standby's view behind its own events, the reader catches the
        view up on the primary, then waits here for the standby to replay it.
        """
        try:
            with self._lock:
                row = self._cursor().execute(self._freshness, (self.application_name,)).fetchone()
        except psycopg.errors.UndefinedTable:
            row = None  # a store so new that the standby has not replayed its tables yet
        replayed, reached = (int(value or 0) for value in row) if row else (0, -1)
        self._standby_reached = max(self._standby_reached, reached)
        return max(replayed, self._written())

    def reached(self) -> int:
        """The view's tracking on the standby, or the primary's once the standby lags."""
        standby = self._standby_tracking()
        if standby >= self._written():
            return standby
        return self.primary.reached()

    def _standby_tracking(self) -> int:
        """The view's tracking on the standby (-1 while it lacks the view's tables)."""
        try:
            rows = super().query(self.dialect.tracked, {"application_name": self.application_name})
        except psycopg.errors.UndefinedTable:
            rows = [(-1,)]
        self._standby_reached = int(rows[0][0]) if rows else 0
        return self._standby_reached

    def _on_standby(self, pin: int) -> bool:
        """Whether a read at `pin` goes to the standby: it holds `pin`, or does within `wait`."""
        if pin <= self._standby_reached:
            return True
        waited_in_vain = self._lagging is not None and pin >= self._lagging
        deadline = time.monotonic() + (0 if waited_in_vain else self.wait)
        while True:
            if self._standby_tracking() >= pin:
                self._lagging = None
                return True
            if time.monotonic() >= deadline:
                self._lagging = pin if self._lagging is None else min(self._lagging, pin)
                return False
            time.sleep(POLL)

    def query(self, statement: str, params: Params) -> list[tuple[Any, ...]]:
        # Only SQLite numbers its lookups' parameters (`numbered`): a read here names its pin.
        pin = params.get("pin") if isinstance(params, Mapping) else None
        if pin is not None:
            self._highest_pin = max(self._highest_pin, int(pin))
        wanted = self._highest_pin if pin is None else int(pin)
        if self._on_standby(wanted):
            try:
                found = super().query(statement, params)
            except psycopg.errors.SerializationFailure:
                # Cancelled by the standby's replay (a conflict with recovery): the
                # primary answers instead, as it would for a standby that lags.
                found = None
            if found is not None:
                self.served["standby"] += 1
                return found
        self.served["primary"] += 1
        return self.primary.query(statement, params)

    def check(self, pin: int) -> None:
        self._highest_pin = max(self._highest_pin, pin)
        if self._on_standby(pin):
            if self._standby_tracking() < pin:  # the view on the primary was reset
                raise ViewBehindError(f"the standby's view has not reached notification {pin}")
            return
        self.primary.check(pin)

    def close(self) -> None:
        super().close()
        self.primary.close()
