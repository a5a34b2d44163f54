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

from timeline.engine.application import StoreApplication
from timeline.projections._views import ViewBackend
from timeline.projections.backend import ViewQueries, ViewRecorder

if TYPE_CHECKING:
    from timeline.projections.worker import Worker

__all__ = ["VIEW", "PostgresView"]


class PostgresView(ViewBackend):
    """The view in the store's PostgreSQL schema (read from a hot standby when one is set)."""

    def open(self, app: StoreApplication) -> tuple[ViewRecorder, ViewQueries]:
        from timeline.projections.postgres import open_postgres_view

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
        """Follows by subscription (eventsourcing's projection runner), as events commit."""
        from eventsourcing.projection import BaseProjectionRunner

        from timeline.projections.projection import TOPICS

        view = worker.materialised
        before = view.projection.processed
        # The runner builds its own application, which replaces the store's insert
        # function; under the openers' lock, so a writer opening at that moment does
        # not fail with "tuple concurrently updated".
        with worker.config.creating():
            runner: BaseProjectionRunner[StoreApplication] = BaseProjectionRunner(
                projection=view.projection,
                application_class=StoreApplication,
                tracking_recorder=view.view,
                topics=TOPICS,
                env=worker.config.env,
            )
        worker.report(f"following the store from #{view.tracking_id}")
        with runner:
            seen = before
            while not stop.is_set() and not runner.is_interrupted.is_set():
                runner.run_forever(timeout=worker.interval)  # raises what the runner hit
                if view.projection.processed != seen:
                    seen = view.projection.processed
                    worker.report(f"processed {seen - before} events, up to #{view.tracking_id}")


def _try_lock(conn: Any, key: int) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
    return bool(row and row[0])


VIEW = PostgresView()
