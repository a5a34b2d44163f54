"""A PostgreSQL store's view: tables in the store's schema, followed by LISTEN/NOTIFY.

One worker works on a view at a time: a second one waits on an advisory lock
until the first stops.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from timeline.projections._backend import ViewQueries, ViewRecorder
from timeline.projections._views import ViewBackend

if TYPE_CHECKING:
    from timeline.engine._application import StoreApplication
    from timeline.projections._worker import Worker

__all__ = ["VIEW", "PostgresView"]


class PostgresView(ViewBackend):
    """The view in the store's PostgreSQL schema (read from a hot standby when one is set)."""

    def open(self, app: StoreApplication) -> tuple[ViewRecorder, ViewQueries]:
        from timeline.projections._postgres import open_postgres_view

        # A reader on a replica never reads older than this process's own last write.
        return open_postgres_view(
            app.env, app.name, lambda: int(getattr(app.recorder, "last_written", 0))
        )

    @contextmanager
    def alone(self, worker: Worker, stop: threading.Event) -> Iterator[None]:
        schema = worker.config.env.get("POSTGRES_SCHEMA", "public")
        digest = hashlib.sha256(f"timeline-worker/{schema}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        with worker.config.connect() as conn:
            said = False
            while not _try_lock(conn, key):
                if not said:
                    worker.report("another worker is keeping this view; waiting for it to stop")
                    said = True
                if stop.wait(worker.interval):
                    break
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock_all()")

    def follow(self, worker: Worker, stop: threading.Event) -> None:
        """Follows by LISTEN: each notification, or a quiet interval, starts a batched catch-up.

        A bulk write commits many thousands of events at once; catching them up in
        pages of the view's `page`, each page one transaction, keeps pace with it where
        processing them one event per transaction (eventsourcing's runner) fell behind.
        """
        from psycopg.sql import SQL, Identifier

        recorder: Any = worker.materialised.application.recorder  # a PostgreSQL recorder
        with worker.config.connect() as conn:
            # Listening before catching up: nothing committed in between goes unnoticed.
            conn.execute(SQL("LISTEN {0}").format(Identifier(recorder.channel_name)))
            worker.catch_up(stop)
            worker.report(f"following the store from #{worker.materialised.tracking_id}")
            while not stop.is_set():
                for _ in conn.notifies(timeout=worker.interval, stop_after=1):
                    pass  # what was notified is read from the view's tracking on
                worker.catch_up(stop)


def _try_lock(conn: Any, key: int) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
    return bool(row and row[0])


VIEW = PostgresView()
