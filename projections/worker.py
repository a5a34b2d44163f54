"""A projection worker: catches the view up in bulk, then follows the store.

On PostgreSQL it follows by LISTEN/NOTIFY, each notification starting a batched
catch-up of everything new, so new events arrive as they are committed; SQLite has no
subscriptions, so there it polls.  One worker works on a view at a time: on
PostgreSQL a second one waits on an advisory lock until the first stops.  Every
batch is written with its tracking in one transaction, so a stop
or a crash at any point resumes exactly where the view's tracking says.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import PersistenceError

from timeline.engine.config import StoreConfig
from timeline.engine.errors import StoreError
from timeline.projections.materialised import Materialised

__all__ = ["Worker"]

Report = Callable[[str], None]
# The longest pause, in seconds, between attempts to reach a store that went away.
MAX_PAUSE = 8.0


def _lost() -> tuple[type[BaseException], ...]:
    """The errors that mean the store went away (a subscription raises the driver's own)."""
    errors: list[type[BaseException]] = [PersistenceError, StoreError, OSError]
    try:
        import psycopg
    except ImportError:  # no PostgreSQL driver: only SQLite stores
        return tuple(errors)
    return (*errors, psycopg.Error)


_LOST = _lost()


def _quiet(message: str) -> None:
    """Says nothing."""


class Worker:
    """Keeps one store's materialised view current until told to stop."""

    def __init__(
        self,
        materialised: Materialised,
        config: StoreConfig,
        *,
        interval: float = 0.5,
        report: Report = _quiet,
    ) -> None:
        self.materialised = materialised
        self.config = config
        self.interval = interval
        self.report = report

    def run(self, stop: threading.Event) -> int:
        """Catches up, then follows until `stop` is set; returns the events processed.

        When the store goes away (a server restart, a dropped connection) it says
        so, waits with growing pauses, and goes on from the view's tracking.
        """
        total, pause = 0, self.interval
        while not stop.is_set():
            before = self.materialised.projection.processed
            try:
                self._work(stop)
                break
            except _LOST as error:
                reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
                self.report(
                    f"lost the store ({self.config.redact(reason)}); retrying in {pause:g} s"
                )
                stop.wait(pause)
                pause = min(pause * 2, MAX_PAUSE)
            finally:
                total += self.materialised.projection.processed - before
        return total

    def _work(self, stop: threading.Event) -> None:
        with self._alone(stop):
            if stop.is_set():
                return
            self._catch_up(stop)
            if stop.is_set():
                return
            if self.config.kind == "postgresql":
                self._subscribe(stop)
            else:
                self._poll(stop)

    def _catch_up(self, stop: threading.Event) -> int:
        view = self.materialised
        processed = view.catch_up(stop=stop)
        if processed:
            self.report(f"processed {processed} events, up to #{view.tracking_id}")
        return processed

    def _poll(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            self._catch_up(stop)

    def _subscribe(self, stop: threading.Event) -> None:
        """Follows by LISTEN: each notification, or a quiet interval, starts a batched catch-up.

        A bulk write commits many thousands of events at once; catching them up in
        pages of `catchup.BATCH`, each page one transaction, keeps pace with it where
        processing them one event per transaction (eventsourcing's runner) fell behind.
        """
        from psycopg.sql import SQL, Identifier

        recorder: Any = self.materialised.application.recorder  # a PostgreSQL recorder
        channel = recorder.channel_name
        with self.config.connect() as conn:
            # Listening before catching up: nothing committed in between goes unnoticed.
            conn.execute(SQL("LISTEN {0}").format(Identifier(channel)))
            self._catch_up(stop)
            self.report(f"following the store from #{self.materialised.tracking_id}")
            while not stop.is_set():
                for _ in conn.notifies(timeout=self.interval, stop_after=1):
                    pass  # what was notified is read from the view's tracking on
                self._catch_up(stop)

    @contextmanager
    def _alone(self, stop: threading.Event) -> Iterator[None]:
        """Holds, on PostgreSQL, the lock that lets one worker at a time work on the view."""
        if self.config.kind != "postgresql":
            yield
            return
        schema = self.config.env.get("POSTGRES_SCHEMA", "public")
        digest = hashlib.sha256(f"timeline-worker/{schema}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        with self.config.connect() as conn:
            said = False
            while not _try_lock(conn, key):
                if not said:
                    self.report("another worker is keeping this view; waiting for it to stop")
                    said = True
                if stop.wait(self.interval):
                    break
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock_all()")


def _try_lock(conn: Any, key: int) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
    return bool(row and row[0])
