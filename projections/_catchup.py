"""Catching the positions view up with the store by pulling its notification log.

SQLite (and in-memory) recorders have no subscriptions, so instead of eventsourcing's
`ProjectionRunner` the view pulls pages with `select_notifications` after its own
tracking and writes each page's rows with the page's tracking in one transaction.
Pages are written one after another: a writer thread overlapping the next page's
decoding was tried and lost, since binding each row's values needs Python's lock.
Where a write mostly waits on a database server (PostgreSQL), the next page is
read meanwhile by a thread of its own (`ViewRecorder.reads_ahead`); on SQLite that
was measured and did not help.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification, OperationalError

from timeline.projections._backend import TrackingConflictError
from timeline.projections._projection import StoryProjection, collection_paused

__all__ = ["BATCH", "catch_up"]

# Events per transaction: commits (and the checkpoints they trigger) dominate
# SQLite's write cost, so pages are large.
BATCH = 50000
# Conflicts after which catching up gives up rather than spin.
PATIENCE = 50


def catch_up(
    app: Application[UUID],
    projection: StoryProjection,
    *,
    until: int | None = None,
    batch: int = BATCH,
    stop: threading.Event | None = None,
) -> int:
    """Processes the store's events after the view's tracking (up to `until`).

    Returns how many notifications were processed.  With `stop`, it stops between
    batches once the event is set.  When another writer moves
    the view on meanwhile, it goes on from that writer's tracking.
    """
    if not projection.view.reads_ahead:
        return _catch_up(app, projection, _ReadAhead(app, until, batch, None), until, stop)
    with ThreadPoolExecutor(1, thread_name_prefix="timeline-read-ahead") as reader:
        return _catch_up(app, projection, _ReadAhead(app, until, batch, reader), until, stop)


class _ReadAhead:
    """Pages of notifications, the next one read while this one is written (if enabled).

    Reading ahead only overlaps what the store's server does with what this
    process does; the page read ahead is used only if it starts at the tracking
    the view then has, so exactly-once processing is as without it.
    """

    def __init__(
        self, app: Application[UUID], until: int | None, batch: int, reader: Executor | None
    ) -> None:
        self._app, self._until, self._batch, self._reader = app, until, batch, reader
        self._next: tuple[int, Future[Sequence[Notification]]] | None = None

    def _select(self, start: int) -> Sequence[Notification]:
        return self._app.recorder.select_notifications(
            start=start, limit=self._batch, stop=self._until, inclusive_of_start=False
        )

    def page(self, start: int) -> Sequence[Notification]:
        """The page after notification `start`; the next is then read in the background."""
        ahead, self._next = self._next, None
        page = ahead[1].result() if ahead is not None and ahead[0] == start else None
        if page is None:
            page = self._select(start)
        if self._reader is not None and len(page) == self._batch:
            after = page[-1].id
            self._next = (after, self._reader.submit(self._select, after))
        return page


def _catch_up(
    app: Application[UUID],
    projection: StoryProjection,
    pages: _ReadAhead,
    until: int | None,
    stop: threading.Event | None,
) -> int:
    processed = conflicts = locked = 0
    while stop is None or not stop.is_set():
        start = projection.view.max_tracking_id(app.name) or 0
        if until is not None and start >= until:
            return processed
        try:
            with collection_paused():
                page = pages.page(start)
                if not page:
                    return processed
                projection.process_notifications(page, app.name, expected=start)
        except TrackingConflictError:
            # Another writer moved the view on: read its tracking and go on from there.
            conflicts += 1
            if conflicts > PATIENCE:
                raise
            continue
        except OperationalError:
            # The write lock was held past the store's wait (each write waits for it):
            # try once more, then say so, rather than wait without end.
            locked += 1
            if locked > 1:
                raise
            continue
        processed += len(page)
    return processed
