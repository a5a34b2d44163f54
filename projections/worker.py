"""A projection worker: catches the view up in bulk, then follows the store.

On PostgreSQL it follows by subscription (eventsourcing's projection runner over
LISTEN/NOTIFY), so new events arrive as they are committed; SQLite has no
subscriptions, so there it polls.  One worker works on a view at a time: on
PostgreSQL a second one waits on an advisory lock until the first stops.  Every
batch and every event is written with its tracking in one transaction, so a stop
or a crash at any point resumes exactly where the view's tracking says.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.projection import BaseProjectionRunner

from timeline.engine.application import StoreApplication
from timeline.engine.config import StoreConfig
from timeline.projections.materialised import Materialised
from timeline.projections.projection import TOPICS

__all__ = ["Worker"]

Report = Callable[[str], None]


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
        """Catches up, then follows until `stop` is set; returns the events processed."""
        with self._alone(stop):
            if stop.is_set():
                return 0
            total = self._catch_up(stop)
            if stop.is_set():
                return total
            if self.config.kind == "postgresql":
                total += self._subscribe(stop)
            else:
                total += self._poll(stop)
        return total

    def _catch_up(self, stop: threading.Event) -> int:
        view = self.materialised
        processed = view.catch_up(stop=stop)
        if processed:
            self.report(f"processed {processed} events, up to #{view.tracking_id}")
        return processed

    def _poll(self, stop: threading.Event) -> int:
        total = 0
        while not stop.wait(self.interval):
            total += self._catch_up(stop)
        return total

    def _subscribe(self, stop: threading.Event) -> int:
        view = self.materialised
        before = view.projection.processed
        runner: BaseProjectionRunner[StoreApplication] = BaseProjectionRunner(
            projection=view.projection,
            application_class=StoreApplication,
            tracking_recorder=view.view,
            topics=TOPICS,
            env=self.config.env,
        )
        self.report(f"following the store from #{view.tracking_id}")
        with runner:
            seen = before
            while not stop.is_set() and not runner.is_interrupted.is_set():
                runner.run_forever(timeout=self.interval)  # raises what the runner hit
                if view.projection.processed != seen:
                    seen = view.projection.processed
                    self.report(f"processed {seen - before} events, up to #{view.tracking_id}")
        return view.projection.processed - before

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
