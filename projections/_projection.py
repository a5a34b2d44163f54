"""The story projection: folds the store's events into the materialised view's tables.

Each development event recomputes its development's rows (claims and versions)
from the development's whole `Entry` (read from the store's own events) and
replaces the rows that changed, so the order in which revisions were recorded
never matters.  Registrations become registry rows.  A run of events is written
with its tracking in one transaction (exactly once); a transaction that fails
leaves nothing behind, and processing resumes from the tracking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import attrs
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

from timeline.engine import _contract as contract
from timeline.engine import aggregates
from timeline.engine._rule import Entry
from timeline.engine._transcodings import register_all
from timeline.projections._backend import Batch, Stream, TrackingConflictError, ViewRecorder
from timeline.projections._listing import mentions
from timeline.projections._rows import (
    CLAIM_KEY,
    DEVELOPMENT_KEY,
    RECORDED_FOREVER,
    ClaimRow,
    DevelopmentRow,
    claim_rows,
    development_rows,
    stored_claim,
    versions,
)
from timeline.projections._wire import recorded_rows

__all__ = ["TOPICS", "StoryProjection", "default_mapper", "fold"]

_Recorded = aggregates.DevelopmentStream.Recorded
_Revised = aggregates.DevelopmentStream.Revised
_Retracted = aggregates.DevelopmentStream.Retracted
_Ranked = aggregates.DevelopmentStream.Ranked
_CORRECTIONS = (_Revised, _Retracted, _Ranked)
_REGISTERED = (aggregates.ActorStream.Registered, aggregates.TopicStream.Registered)
# Every topic, current or former, of the events this projection processes: a
# subscription filters on topic text, so old names must be listed too.
TOPICS = contract.topics_of(_Recorded, *_CORRECTIONS, *_REGISTERED)


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
        return attrs.evolve(entry, revisions=(*entry.revisions, event.revision))
    if isinstance(event, _Ranked):
        return attrs.evolve(entry, rankings=(*entry.rankings, event.ranking))
    return attrs.evolve(entry, retractions=(*entry.retractions, event.retraction))


class _Pending:
    """Rows one batch opens and closes in one table, keyed without their recorded-from id."""

    def __init__(self, key_size: int) -> None:
        self.key_size = key_size
        # Each open row as it is written: its fields, recorded from, recorded until.
        self.open: dict[tuple[Any, ...], tuple[Any, ...]] = {}
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
                self.open[row[: self.key_size]] = (*row, n, RECORDED_FOREVER)

    def add(self, new: Sequence[tuple[Any, ...]], n: int) -> None:
        """Opens the rows of `new` (`replace` with nothing old, on the hot path)."""
        opened = self.open
        size = self.key_size
        for row in new:
            opened[row[:size]] = (*row, n, RECORDED_FOREVER)

    def _close(self, key: tuple[Any, ...], n: int) -> None:
        pending = self.open.pop(key, None)
        if pending is None:
            self.closes.append((n, *key))
        else:
            # Opened earlier in this batch: it is written already closed.
            self.done.append((*pending[:-1], n))

    def rows(self) -> list[tuple[Any, ...]]:
        """Every row to insert: its fields, then recorded from and until."""
        return [*self.done, *self.open.values()]


Mention = tuple[str, int, int, str]  # actor, occurred latest and earliest, dev_id


def _named(entry: Entry) -> set[Mention]:
    """Every actor any version of the entry's development names but does not claim in,
    with that version's span: a claimant's mention is its claim row, which keeps the
    same actor, span and id (reads of mentions search `claims` too)."""
    return {
        (actor, d.occurred.latest.toordinal(), d.occurred.earliest.toordinal(), d.id)
        for _, _, d in versions(entry)
        for actor in mentions(d) - {claim.actor for claim in d.claims}
    }


class _Run:
    """The rows a run of events writes, built before writing."""

    def __init__(self, projection: StoryProjection) -> None:
        self.projection = projection
        self.entries: dict[UUID, Entry] = {}
        self.undecoded: dict[UUID, StoredEvent] = {}  # recorded in this run, read lightly
        self.stored: dict[UUID, Stream] = {}  # read from the store ahead, at once
        self.origins: dict[UUID, int] = {}  # each stream's first notification id
        self.claims = _Pending(CLAIM_KEY)
        self.developments = _Pending(DEVELOPMENT_KEY)
        self.registry: list[tuple[Any, ...]] = []
        self.pairs: set[tuple[str, str]] = set()
        self.preferred: set[tuple[str, str]] = set()
        self.events: list[tuple[Any, ...]] = []
        self.mentions: set[Mention] = set()  # new in this run
        self.first_mentions: set[Mention] = set()  # of developments recorded in this run

    def _rows(self, entry: Entry, origin: int) -> tuple[list[ClaimRow], list[DevelopmentRow]]:
        spans = versions(entry)
        encode = self.projection.mapper.transcoder.encode
        return claim_rows(spans), development_rows(spans, encode, entry.development, origin)

    def _keep(self, stored: StoredEvent, n: int) -> None:
        """Keeps the event itself, where the view holds the events (in memory)."""
        if self.projection.view.keeps_events:
            ident = stored.originator_id
            stream = ident if isinstance(ident, UUID) else UUID(str(ident))
            self.events.append(
                (n, stream.hex, stored.originator_version, stored.topic, stored.state)
            )

    def add(self, event: Any, stored: StoredEvent, n: int) -> None:
        """Adds the rows of one decoded development event."""
        stream: UUID = event.originator_id
        if isinstance(event, _Recorded):
            previous, self.origins[stream] = None, n
        else:
            previous = self._current(stream, stored.originator_version)
        origin = self.origins[stream]
        entry = fold(previous, event)
        self.entries[stream] = entry
        self._keep(stored, n)
        old_claims, old_versions = self._rows(previous, origin) if previous else ([], [])
        new_claims, new_versions = self._rows(entry, origin)
        self.claims.replace(
            [stored_claim(row) for row in old_claims], [stored_claim(row) for row in new_claims], n
        )
        self.developments.replace(old_versions, new_versions, n)
        self.pairs.update((row.actor, row.topic) for row in new_claims)
        self.preferred.update((row.actor, row.topic) for row in new_claims if row.rank > 0)
        self.mentions |= _named(entry) - (_named(previous) if previous is not None else set())

    def add_recorded(
        self,
        stored: Notification,
        claims: list[ClaimRow],
        version: DevelopmentRow,
        named: set[str],
    ) -> None:
        """Adds a newly recorded development whose rows (and the actors it names) were
        read from its JSON."""
        ident = stored.originator_id
        stream = ident if isinstance(ident, UUID) else UUID(str(ident))
        n = stored.id
        self.undecoded[stream] = stored
        self.origins[stream] = n
        self._keep(stored, n)
        self.claims.add([stored_claim(row) for row in claims], n)
        self.developments.add((version,), n)
        self.pairs.update((row.actor, row.topic) for row in claims)
        span = (version.occurred_latest, version.occurred_earliest, version.dev_id)
        # A claimant's mention is its claim row (`_named`).
        claimants = {row.actor for row in claims}
        self.first_mentions.update((actor, *span) for actor in named if actor not in claimants)

    def add_registered(self, event: Any, stored: StoredEvent, n: int) -> None:
        """Adds the registry row of an actor or topic."""
        value = getattr(event, "actor", None) or event.topic
        kind = "actor" if hasattr(event, "actor") else "topic"
        self._keep(stored, n)
        self.registry.append((kind, value.id, n, self.projection.mapper.transcoder.encode(value)))

    def _current(self, stream: UUID, version: int) -> Entry:
        """The stream's entry before its event `version`."""
        found = self.entries.get(stream)
        if found is not None:
            return found
        stored = self.undecoded.pop(stream, None)
        if stored is not None:
            return self.projection.entry_of([stored])
        ahead = self.stored.pop(stream, None)
        if ahead is None:
            ahead = self.projection.stream(stream, version)
        self.origins[stream] = ahead[0]
        return self.projection.entry_of(ahead[1])

    def batch(self) -> Batch:
        # Rows go in in key order: each page of a table's b-tree (SQLite's clustered
        # tables, PostgreSQL's indexes) is then visited once per batch, in order, where
        # rows in the order of their events would visit them at random.
        return Batch(
            close_claims=self.claims.closes,
            claims=sorted(self.claims.rows()),
            close_developments=self.developments.closes,
            developments=sorted(self.developments.rows()),
            registry=self.registry,
            pairs=sorted(self.pairs),
            preferred=sorted(self.preferred),
            events=self.events,
            # A correction may name again what its development's first version named.
            mentions=sorted(self.mentions - self.first_mentions),
            first_mentions=sorted(self.first_mentions),
        )


class StoryProjection(Projection[ViewRecorder]):
    """Keeps the materialised view of a `StoreApplication` (exactly once)."""

    name = "positions"
    topics = TOPICS

    def __init__(self, view: ViewRecorder, mapper: Mapper[UUID] | None = None):
        super().__init__(view)
        self.mapper = mapper if mapper is not None else default_mapper()
        self.processed = 0  # notifications processed by this object, for tests and stats

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Processes one event and tracks it, in one transaction (as a runner feeds it)."""
        expected = self.view.max_tracking_id(tracking.application_name) or 0
        if expected >= tracking.notification_id:
            return  # processed already, by this projection or another
        run = _Run(self)
        self._add(run, domain_event, self.mapper.to_stored_event(domain_event), tracking)
        self.view.write(run.batch(), tracking.application_name, expected, tracking.notification_id)
        self.processed += 1

    def _add(self, run: _Run, event: Any, stored: StoredEvent, tracking: Tracking) -> None:
        if isinstance(event, (_Recorded, *_CORRECTIONS)):
            run.add(event, stored, tracking.notification_id)
        elif isinstance(event, _REGISTERED):
            run.add_registered(event, stored, tracking.notification_id)
        else:
            run._keep(stored, tracking.notification_id)

    def process_notifications(
        self, notifications: Sequence[Notification], application_name: str, expected: int
    ) -> None:
        """Processes notifications after `expected` in one transaction with their tracking."""
        self.write(self.prepare(notifications), notifications, application_name, expected)

    def write(
        self, run: _Run, notifications: Sequence[Notification], application_name: str, expected: int
    ) -> None:
        """Writes rows `prepare` computed, with their tracking, if the view is at `expected`."""
        self.view.write(run.batch(), application_name, expected, notifications[-1].id)
        self.processed += len(notifications)

    def prepare(self, notifications: Sequence[Notification]) -> _Run:
        """Decodes notifications and computes their rows, without writing."""
        run = _Run(self)
        light = self.mapper.cipher is None and self.mapper.compressor is None
        # Events are selected by the class their topic resolves to, never by topic
        # text, so events written under a former name count the same.
        classes = [contract.resolve(n.topic) for n in notifications]
        run.stored = self._corrected_streams(notifications, classes)
        for n, cls in zip(notifications, classes, strict=True):
            if light and cls is _Recorded:
                found = recorded_rows(n.state, n.id)
                if found is not None:
                    run.add_recorded(n, found[1], found[2], found[3])
                    continue
            event = self.mapper.to_domain_event(n)
            self._add(run, event, n, Tracking("", n.id))
        return run

    def _corrected_streams(
        self, notifications: Sequence[Notification], classes: Sequence[type[Any]]
    ) -> dict[UUID, Stream]:
        """The streams corrected here but recorded before, as far as this run, read at once.

        A correction recomputes its development from the stream; reading the streams
        one by one cost a round trip each on PostgreSQL.
        """
        recorded: set[UUID] = set()
        first: dict[UUID, int] = {}  # each corrected stream's first version in this run
        for n, cls in zip(notifications, classes, strict=True):
            if cls is _Recorded or cls in _CORRECTIONS:
                ident = n.originator_id
                stream = ident if isinstance(ident, UUID) else UUID(str(ident))
                if cls is _Recorded:
                    recorded.add(stream)
                else:
                    first.setdefault(stream, n.originator_version)
        wanted = sorted(set(first) - recorded)
        return self.view.streams(wanted, before=first) if wanted else {}

    def stream(self, stream: UUID, before: int) -> Stream:
        """A stream's first notification id and its events of versions below `before`."""
        found = self.view.streams([stream], before={stream: before}).get(stream)
        if found is None:
            raise TrackingConflictError(f"stream {stream} is not in the store as far as that")
        return found

    def entry_of(self, stored: Sequence[StoredEvent]) -> Entry:
        """The entry that a development stream's stored events (in order) make."""
        entry: Entry | None = None
        for event in map(self.mapper.to_domain_event, stored):
            entry = fold(entry, event)
        if entry is None:
            raise TrackingConflictError("an empty stream has no entry")
        return entry
