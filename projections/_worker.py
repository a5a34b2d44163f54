"""A projection worker: catches the view up in bulk, then follows the store.

On PostgreSQL it follows by LISTEN/NOTIFY, each notification starting a batched
catch-up of everything new, so new events arrive as they are committed; SQLite has no
subscriptions, so there it polls.  One worker works on a view at a time: on
PostgreSQL a second one waits on an advisory lock until the first stops.  Every
batch is written with its tracking in one transaction, so a stop
or a crash at any point resumes exactly where the view's tracking says.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from eventsourcing.persistence import PersistenceError

from timeline.engine.config import StoreConfig
from timeline.engine.errors import StoreError
from timeline.projections._materialised import Materialised

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
        backend = self.materialised.backend
        with backend.alone(self, stop):
            if stop.is_set():
                return
            self.catch_up(stop)
            if stop.is_set():
                return
            backend.follow(self, stop)

    def catch_up(self, stop: threading.Event) -> int:
        """Catches the view up on everything new, in batches, and says how many it processed."""
        view = self.materialised
        processed = view.catch_up(stop=stop)
        if processed:
            self.report(f"processed {processed} events, up to #{view.tracking_id}")
        return processed

    def poll(self, stop: threading.Event) -> None:
        """Catches up every `interval` seconds until `stop` is set."""
        while not stop.wait(self.interval):
            self.catch_up(stop)
