"""Catching the positions view up with the store by pulling its notification log.

SQLite (and in-memory) recorders have no subscriptions, so instead of eventsourcing's
`ProjectionRunner` the view pulls pages with `select_notifications` after its own
tracking and writes each page's rows with the page's tracking in one transaction.
Pages are written one after another: a writer thread overlapping the next page's
decoding was tried and lost, since binding each row's values needs Python's lock.
"""

from __future__ import annotations

import threading
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import OperationalError

from timeline.projections.backend import TrackingConflictError
from timeline.projections.projection import StoryProjection, collection_paused

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
    processed = conflicts = locked = 0
    while stop is None or not stop.is_set():
        start = projection.view.max_tracking_id(app.name) or 0
        if until is not None and start >= until:
            return processed
        try:
            with collection_paused():
                page = app.recorder.select_notifications(
                    start=start, limit=batch, stop=until, inclusive_of_start=False
                )
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
