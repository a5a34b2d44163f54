"""Catching the positions view up with the store by pulling its notification log.

SQLite (and in-memory) recorders have no subscriptions, so instead of eventsourcing's
`ProjectionRunner` the view pulls pages with `select_notifications` after its own
tracking and writes each page's rows with the page's tracking in one transaction.
Pages are written one after another: a writer thread overlapping the next page's
decoding was tried and lost, since binding each row's values needs Python's lock.
Where a write mostly waits on a database server (PostgreSQL), the next page is
read meanwhile by a thread of its own (`ViewRecorder.reads_ahead`), and a page's
write runs in another while the next page's rows are computed: the server's COPY
and index upkeep overlap this process's decoding.  On SQLite that was measured and
did not help.

A catch-up with at least a page to write into a view that holds no development
yet (a first catch-up, or a rebuild) drops the view's secondary indexes first and
builds them once its rows are in: a sorted build costs less than keeping them up
row by row, and packs them.  Each page still commits with its tracking, so it
stays resumable; should it stop midway, the indexes are built on its way out, or,
if the process died, by the next open of the view (`ViewRecorder.build_indexes`).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification, OperationalError

from timeline.engine._uncollected import uncollected
from timeline.projections._backend import TrackingConflictError
from timeline.projections._projection import StoryProjection

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
    deferred = _defer_indexes(app, projection, until, batch)
    try:
        processed = _catch_up(app, projection, until, batch, stop)
    except BaseException:
        if deferred:
            with contextlib.suppress(Exception):  # the error that stopped it matters more
                projection.view.build_indexes()
        raise
    if deferred:
        projection.view.build_indexes()
    return processed


def _defer_indexes(
    app: Application[UUID], projection: StoryProjection, until: int | None, batch: int
) -> bool:
    """Drops the view's secondary indexes if it is empty and a page or more is to come."""
    start = projection.view.max_tracking_id(app.name) or 0
    head = app.recorder.max_notification_id() or 0
    end = head if until is None else min(until, head)
    return end - start >= batch and projection.view.defer_indexes()


def _catch_up(
    app: Application[UUID],
    projection: StoryProjection,
    until: int | None,
    batch: int,
    stop: threading.Event | None,
) -> int:
    if not projection.view.reads_ahead:
        return _Writes(app, projection, None).run(_ReadAhead(app, until, batch, None), until, stop)
    with ThreadPoolExecutor(2, thread_name_prefix="timeline-catch-up") as threads:
        pages = _ReadAhead(app, until, batch, threads)
        return _Writes(app, projection, threads).run(pages, until, stop)


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


class _Writes:
    """Writes pages in order, each only once the one before is committed.

    With a `writer`, a page's write runs there while the caller prepares the next
    page; the next page is prepared from the events alone (never from the view),
    so it is the same whether the write before it has finished or not, and it is
    written only if that write succeeded.
    """

    def __init__(
        self, app: Application[UUID], projection: StoryProjection, writer: Executor | None
    ) -> None:
        self._app, self._projection, self._writer = app, projection, writer
        self._pending: tuple[Future[None], int] | None = None

    def _settle(self) -> int:
        """Waits for the write under way; returns how many notifications it wrote."""
        pending, self._pending = self._pending, None
        if pending is None:
            return 0
        pending[0].result()
        return pending[1]

    def _write(self, page: Sequence[Notification], expected: int) -> int:
        """Writes (or starts writing) one page's rows; returns how many were written now."""
        run = self._projection.prepare(page)
        settled = self._settle()
        write = functools.partial(self._projection.write, run, page, self._app.name, expected)
        if self._writer is None:
            write()
            return settled + len(page)
        self._pending = (self._writer.submit(write), len(page))
        return settled

    def run(self, pages: _ReadAhead, until: int | None, stop: threading.Event | None) -> int:
        """Processes pages until none is left (or `until`, or `stop`); returns how many."""
        try:
            return self._run(pages, until, stop)
        finally:
            if self._pending is not None:  # an error came first: let the write end
                wait([self._pending[0]])

    def _run(self, pages: _ReadAhead, until: int | None, stop: threading.Event | None) -> int:
        processed = conflicts = locked = 0
        start: int | None = None  # None: read where the view's tracking is
        while True:
            try:
                if start is None:
                    start = self._projection.view.max_tracking_id(self._app.name) or 0
                ended = (stop is not None and stop.is_set()) or (
                    until is not None and start >= until
                )
                # A page makes many short-lived objects without cycles: collections
                # they set off would walk the whole heap again and again, for nothing.
                with uncollected():
                    page = () if ended else pages.page(start)
                    if not page:
                        return processed + self._settle()
                    processed += self._write(page, start)
                start = page[-1].id
            except TrackingConflictError:
                # Another writer moved the view on: read its tracking and go on from there.
                conflicts += 1
                if conflicts > PATIENCE:
                    raise
                start = None
            except OperationalError:
                # The write lock was held past the store's wait (each write waits for it):
                # try once more, then say so, rather than wait without end.
                locked += 1
                if locked > 1:
                    raise
                start = None
