"""The positions projection: folds development events into the bitemporal view.

Each event recomputes its development's rows from the development's whole
`Entry` (kept in the view's `streams` table) and replaces the rows that changed,
so the order in which revisions were recorded never matters.  A run of events is
written with its tracking in one transaction (exactly once); a transaction that
fails leaves nothing behind, and processing resumes from the tracking.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Notification,
    StoredEvent,
    Tracking,
    UUIDAsHex,
)
from eventsourcing.projection import Projection

from timeline.engine import aggregates, contract
from timeline.engine.replay import Entry
from timeline.engine.transcodings import register_all
from timeline.projections.recorder import Batch, PositionsRecorder, TrackingConflictError
from timeline.projections.rows import RECORDED_FOREVER, ClaimRow, claim_rows, versions
from timeline.projections.wire import recorded_rows

__all__ = ["TOPICS", "PositionsProjection", "collection_paused", "default_mapper", "fold"]

_Recorded = aggregates.DevelopmentStream.Recorded
_Revised = aggregates.DevelopmentStream.Revised
_Retracted = aggregates.DevelopmentStream.Retracted
# Every topic, current or former, of the events this projection processes: a
# subscription filters on topic text, so old names must be listed too.
TOPICS = contract.topics_of(_Recorded, _Revised, _Retracted)
_PROCESSED = (_Recorded, _Revised, _Retracted)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector inside the block."""
    # A batch allocates many short-lived, acyclic objects; with the story held in
    # memory, the cyclic collections they trigger would scan the whole heap over
    # and over and cost more than the batch itself.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def default_mapper() -> Mapper[UUID]:
    """A mapper that decodes the store's events as `StoreApplication` encodes them."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_all(transcoder)
    return contract.StoreMapper(transcoder=transcoder)


def fold(entry: Entry | None, event: Any) -> Entry:
    """The development's entry after one more of its events."""
    if isinstance(event, _Recorded):
        return Entry(event.development)
    if entry is None:
        raise TrackingConflictError(f"a correction of stream {event.originator_id} came first")
    if isinstance(event, _Revised):
        return Entry(entry.development, (*entry.revisions, event.revision), entry.retractions)
    return Entry(entry.development, entry.revisions, (*entry.retractions, event.retraction))


class _Pending:
    """Rows one batch opens and closes, keyed without their recorded-from id."""

    def __init__(self, key_size: int) -> None:
        self.key_size = key_size
        self.open: dict[tuple[Any, ...], list[Any]] = {}
        self.done: list[tuple[Any, ...]] = []
        self.closes: list[tuple[Any, ...]] = []

    def replace(
        self, old: Sequence[tuple[Any, ...]], new: Sequence[tuple[Any, ...]], n: int
    ) -> None:
        """Closes the rows of `old` not in `new` and opens those of `new` not in `old`."""
        if old:
            kept = set(new)
            for row in old:
                if row not in kept:
                    self._close(row[: self.key_size], n)
        gone = set(old) if old else ()
        for row in new:
            if row not in gone:
                self.open[row[: self.key_size]] = [*row, n, RECORDED_FOREVER]

    def _close(self, key: tuple[Any, ...], n: int) -> None:
        pending = self.open.pop(key, None)
        if pending is None:
            self.closes.append((n, *key))
        else:
            # Opened earlier in this batch: it is written already closed.
            pending[-1] = n
            self.done.append(tuple(pending))

    def rows(self) -> list[tuple[Any, ...]]:
        """Every row to insert."""
        return [*self.done, *(tuple(row) for row in self.open.values())]


class _Run:
    """The entries and rows a run of events touches, built before writing."""

    def __init__(self, projection: PositionsProjection) -> None:
        self.projection = projection
        self.entries: dict[UUID, tuple[str, Entry]] = {}
        self.undecoded: dict[UUID, StoredEvent] = {}  # recorded in this run, read lightly
        self.streams: list[tuple[Any, ...]] = []
        self.claims = _Pending(key_size=6)
        self.pairs: set[tuple[str, str]] = set()

    def add(self, event: Any, stored: StoredEvent, n: int) -> None:
        stream: UUID = event.originator_id
        if isinstance(event, _Recorded):
            dev_id, previous = event.development.id, None
        else:
            dev_id, previous = self._current(stream)
        entry = fold(previous, event)
        self.entries[stream] = (dev_id, entry)
        self.streams.append(
            (n, stream.bytes, stored.originator_version, stored.topic, stored.state)
        )
        old = claim_rows(versions(previous)) if previous is not None else []
        new_claims = claim_rows(versions(entry))
        self.claims.replace(old, new_claims, n)
        for row in new_claims:
            self.pairs.add((row.actor, row.topic))

    def add_recorded(self, stored: Notification, dev_id: str, rows: list[ClaimRow]) -> None:
        """Adds a newly recorded development whose claim rows were read from its JSON."""
        stream = UUID(str(stored.originator_id))
        self.undecoded[stream] = stored
        self.streams.append(
            (stored.id, stream.bytes, stored.originator_version, stored.topic, stored.state)
        )
        self.claims.replace([], rows, stored.id)
        for row in rows:
            self.pairs.add((row.actor, row.topic))

    def _current(self, stream: UUID) -> tuple[str, Entry]:
        found = self.entries.get(stream)
        if found is not None:
            return found
        stored = self.undecoded.pop(stream, None)
        if stored is not None:
            entry = self.projection.entry_of([stored])
            return entry.id, entry
        return self.projection.entry(stream)

    def batch(self) -> Batch:
        return Batch(
            streams=self.streams,
            close_claims=self.claims.closes,
            open_claims=self.claims.rows(),
            pairs=self.pairs,
        )


class PositionsProjection(Projection[PositionsRecorder]):
    """Keeps the bitemporal positions view of a `StoreApplication` (exactly once)."""

    name = "positions"
    topics = TOPICS

    def __init__(self, view: PositionsRecorder, mapper: Mapper[UUID] | None = None):
        super().__init__(view)
        self.mapper = mapper if mapper is not None else default_mapper()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Processes one event and tracks it, in one transaction."""
        expected = self.view.max_tracking_id(tracking.application_name) or 0
        if expected >= tracking.notification_id:
            return  # processed already, by this projection or another
        items = []
        if isinstance(domain_event, (_Recorded, _Revised, _Retracted)):
            stored = self.mapper.to_stored_event(domain_event)
            items.append((domain_event, stored, tracking.notification_id))
        # Other events (registrations) only move the tracking on.
        self.process(items, tracking.application_name, expected, tracking.notification_id)

    def process_notifications(
        self, notifications: Sequence[Notification], application_name: str, expected: int
    ) -> None:
        """Processes notifications after `expected` in one transaction with their tracking."""
        run = self.prepare(notifications)
        self.view.write(run.batch(), application_name, expected, notifications[-1].id)

    def prepare(self, notifications: Sequence[Notification]) -> _Run:
        """Decodes notifications and computes their rows, without writing."""
        run = _Run(self)
        light = self.mapper.cipher is None and self.mapper.compressor is None
        for n in notifications:
            # Events are selected by the class their topic resolves to, never by
            # topic text, so events written under a former name count the same.
            cls = contract.resolve(n.topic)
            if light and cls is _Recorded:
                found = recorded_rows(n.state)
                if found is not None:
                    run.add_recorded(n, *found)
                    continue
            if cls in _PROCESSED:
                run.add(self.mapper.to_domain_event(n), n, n.id)
        return run

    def process(
        self,
        items: Sequence[tuple[Any, StoredEvent, int]],
        application_name: str,
        expected: int,
        last: int,
    ) -> None:
        """Writes the rows of (event, stored event, notification id) items and tracks `last`."""
        run = _Run(self)
        for event, stored, n in items:
            run.add(event, stored, n)
        self.view.write(run.batch(), application_name, expected, last)

    def entry(self, stream: UUID) -> tuple[str, Entry]:
        """The development id and entry of a stream, from the view's own copy."""
        stored = self.view.stream(stream)
        if not stored:
            raise TrackingConflictError(f"stream {stream} is not in the view yet")
        entry = self.entry_of(stored)
        return entry.id, entry

    def entry_of(self, stored: Sequence[StoredEvent]) -> Entry:
        """The entry that a development stream's stored events (in order) make."""
        entry: Entry | None = None
        for event in map(self.mapper.to_domain_event, stored):
            entry = fold(entry, event)
        if entry is None:
            raise TrackingConflictError("an empty stream has no entry")
        return entry
