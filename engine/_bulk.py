"""The bulk write path: many streams read and appended in one transaction, all or nothing.

    with BulkWrite(app) as bulk:
        streams = bulk.streams([stream_id("development", "acled-ARG1"), ...])
        ...                       # change them by their own commands, or make new ones
        bulk.write(changed)       # their pending events, appended at once
    # committed here; an exception (or `bulk.abandon()`) rolls everything back

The caller works batch by batch, so memory stays flat in the size of what it
writes: each batch's streams are read in one statement per few hundred, through
the transaction's own connection (so a stream appended in an earlier batch is
found), and appended in one statement (PostgreSQL: one binary COPY).  The write
lock is held from the start, so the streams read cannot change before the commit
and no other writer's events interleave with these.  The aggregates' own commands
keep their invariants: new, identical or conflicting is decided from each stream.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Generator, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.utils import get_topic

from timeline.engine._bulk_stores import StoreTransaction, recorded_id
from timeline.engine._encode import StoredEvents
from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream, stream_id
from timeline.engine.corrections import Correction, Ranking, check_unranked
from timeline.engine.errors import RecordError, UnknownDevelopmentError
from timeline.engine.values import Development

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

    from timeline.engine._application import StoreApplication

__all__ = ["BulkWrite", "Creation", "Encoded", "record_all"]

# Allocations between two collections of the youngest generation during a bulk write
# (Python's default is 700).  A batch's thousands of values live until it is written,
# so each collection at the default scanned them again and moved them on to be scanned
# once more: a fifth of an import's CPU time.  Cycles, which only a collection frees,
# are rare here, and the next collection still frees them.
YOUNG = 200_000


# Bits of the filter of the streams a write appended to (4 MB): a stream id's low bits
# (uuid5's, from SHA-1, so evenly spread) pick its bit.  A million streams set about 3%
# of them, and a stream whose bit is set though it was not written is only read.
_FILTER_BITS = 1 << 25
_FILTER_MASK = _FILTER_BITS - 1


class _Written:
    """The streams appended to by one write, as a filter: no false "not written"."""

    __slots__ = ("bits",)

    def __init__(self) -> None:
        self.bits = bytearray(_FILTER_BITS >> 3)

    def add(self, idents: Iterable[Any]) -> None:
        """Notes that these streams were appended to."""
        bits = self.bits
        for ident in idents:
            low = _int_of(ident) & _FILTER_MASK
            bits[low >> 3] |= 1 << (low & 7)

    def held(self, idents: Iterable[UUID]) -> list[UUID]:
        """Those of these streams that may have been appended to (every one that was), in
        their order."""
        bits, mask = self.bits, _FILTER_MASK
        return [i for i in idents if bits[(low := _int_of(i) & mask) >> 3] & (1 << (low & 7))]


def _int_of(ident: Any) -> int:
    return ident.int if type(ident) is UUID else UUID(str(ident)).int


class _Writing:
    """The bulk writes under way in this process, and the threshold from before the first."""

    count = 0
    threshold = gc.get_threshold()
    lock = threading.Lock()


_DEVELOPMENT_TOPIC = get_topic(DevelopmentStream)
_RECORDED: Any = DevelopmentStream.Recorded  # its fields are the aggregate's arguments


class Creation:
    """A new development's stream as recorded: its creation event's fields, event unmade."""

    __slots__ = ("development", "ident", "timestamp")

    def __init__(self, ident: UUID, development: Development, timestamp: Any) -> None:
        self.ident, self.development, self.timestamp = ident, development, timestamp

    def event(self) -> Any:
        """The creation event, as `DevelopmentStream(development=...)` makes it."""
        return _RECORDED(
            originator_id=self.ident,
            originator_version=1,
            timestamp=self.timestamp,
            originator_topic=_DEVELOPMENT_TOPIC,
            development=self.development,
        )

    def mutate(self, aggregate: None) -> DevelopmentStream:
        """The new stream's aggregate, for a command on it."""
        made: DevelopmentStream = self.event().mutate(aggregate)
        return made


class Encoded(Creation):
    """A new development's creation whose development's JSON text was made already (by a
    reader process): stored around that text, decoded only for a command."""

    __slots__ = ("events", "text")

    def __init__(self, ident: UUID, text: str, timestamp: Any, events: StoredEvents) -> None:
        super().__init__(ident, None, timestamp)  # type: ignore[arg-type]  # read from `text`
        self.text, self.events = text, events

    def stored(self) -> StoredEvent:
        """The stored event, the very bytes `StoredEvents.creation` makes of the development."""
        return self.events.around(self.ident, self.timestamp, self.text)

    def mutate(self, aggregate: None) -> DevelopmentStream:
        event: Any = self.events.mapper.to_domain_event(self.stored())
        made: DevelopmentStream = event.mutate(aggregate)
        return made


class BulkWrite:
    """One all-or-nothing write of many streams, read and appended batch by batch."""

    def __init__(self, app: StoreApplication, *, separate: bool = False) -> None:
        self.app = app
        # With `separate`, a writer process holds the transaction (`engine._bulk_process`).
        self.separate = separate
        self._peak = 0.0
        self._store: StoreTransaction | None = None
        self._abandoned = False
        self._stored = StoredEvents(app.mapper)
        # In a store empty when the write began, only the streams it appended to hold
        # events: so a batch of new streams (a first import's) is not looked for.
        self._written: _Written | None = None

    def __enter__(self) -> BulkWrite:
        if self.separate:
            from timeline.engine._bulk_process import ProcessTransaction

            self._store = ProcessTransaction(self.app)
        else:
            self._store = self.app.backend.begin(self.app.recorder)
        _collect_less(+1)
        try:
            self._written = _Written() if self._store.empty() else None
        except BaseException as error:  # rolled back, the lock let go
            self.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _collect_less(-1)
        store, self._store = self._store, None
        if store is None:
            return
        if kind is None and not self._abandoned:
            store.commit()
        else:
            store.rollback()
        self._peak = float(getattr(store, "writer_peak_mb", 0.0))

    @property
    def store(self) -> StoreTransaction:
        """The open transaction; raises `RuntimeError` outside the `with` block."""
        if self._store is None:
            raise RuntimeError("BulkWrite is used outside its with block")
        return self._store

    @property
    def writer_peak_mb(self) -> float:
        """The writer process's peak RSS in MB once committed (0 without one)."""
        return self._peak

    @property
    def appended(self) -> int:
        """How many events this write has appended so far."""
        return self.store.appended

    def abandon(self) -> None:
        """Rolls back everything at the end of the `with` block instead of committing."""
        self._abandoned = True

    def streams(self, idents: Iterable[UUID]) -> dict[UUID, Any]:
        """The aggregates of those streams that exist, folded from their stored events."""
        mapper = self.app.mapper
        found: dict[UUID, Any] = {}
        if self._written is not None:  # most of a new store's streams are found new here
            idents = self._written.held(idents)
        wanted = list(dict.fromkeys(idents))
        if not wanted:
            return found
        for ident, events in self.store.streams(wanted).items():
            aggregate = None
            for stored in events:
                event: Any = mapper.to_domain_event(stored)
                aggregate = event.mutate(aggregate)
            found[ident] = aggregate
        return found

    def write(self, aggregates: Sequence[Any], created: Sequence[Any] = ()) -> int:
        """Appends the names' events, the `created` events, then the other aggregates'
        pending events; returns how many.

        `created` holds the creations made by `recorded` for streams that need no
        aggregate (most of a bulk import's); the aggregates may include streams
        folded from them.  Names come first so that the store's log, read in order
        (as the JSON Lines export writes it), registers each name before its use.
        """
        to_stored = self._stored  # the mapper's bytes, made faster
        names = [a for a in aggregates if isinstance(a, ActorStream | TopicStream)]
        others = [a for a in aggregates if not isinstance(a, ActorStream | TopicStream)]
        events = [to_stored(e) for aggregate in names for e in aggregate.collect_events()]
        events += [
            made.stored() if type(made) is Encoded else to_stored.creation(made) for made in created
        ]
        events += [to_stored(e) for aggregate in others for e in aggregate.collect_events()]
        if events:
            self.store.append(events)
            if self._written is not None:
                self._written.add(e.originator_id for e in events)
        return len(events)

    def create(self, idents: Sequence[UUID], texts: Sequence[str]) -> None:
        """Appends the creations of new developments' streams from their JSON texts, as
        `write` of `encoded(ident, text)` for each would (the caller found no stream held)."""
        stored = self._stored
        self.store.append_new(
            idents, stored.creation_topic, stored.creation_states(texts, _RECORDED.create_timestamp)
        )
        if self._written is not None:
            self._written.add(idents)

    def recorded(self, ident: UUID, development: Development) -> Creation:
        """The creation of a new development's stream, as its constructor would make it.

        Made without the aggregate or even its event (whose construction costs more
        than the stored bytes, written straight from the development by `write`);
        `mutate(None)` gives the aggregate when a command needs it.
        """
        check_unranked(development.claims, f"development {development.id!r}")
        return Creation(ident, development, _RECORDED.create_timestamp())

    def encoded(self, ident: UUID, text: str) -> Encoded:
        """The creation of a new development's stream from its JSON text, as `recorded`
        makes it from the development (its claims checked by whoever made the text)."""
        return Encoded(ident, text, _RECORDED.create_timestamp(), self._stored)

    def recorded_ids(self, prefix: str) -> Generator[str, None, None]:
        """The id of every development recorded (in this write too) that starts with `prefix`."""
        if self.app.mapper.cipher is not None or self.app.mapper.compressor is not None:
            yield from self._decoded_ids(prefix)
            return
        marker = f'"id":"{prefix}'.encode()
        for state in self.store.recorded_states():
            if marker in state:
                ident = recorded_id(state)
                if ident is not None and ident.startswith(prefix):
                    yield ident

    def _decoded_ids(self, prefix: str) -> Generator[str, None, None]:
        """As `recorded_ids`, decoding each event (a store whose states are not plain JSON)."""
        from eventsourcing.persistence import StoredEvent

        from timeline.engine._bulk_stores import RECORDED_TOPIC

        for state in self.store.recorded_states():
            stored = StoredEvent(UUID(int=0), 1, RECORDED_TOPIC, state)
            event: Any = self.app.mapper.to_domain_event(stored)
            ident = event.development.id
            if ident.startswith(prefix):
                yield ident


def _collect_less(step: int) -> None:
    """Raises the youngest generation's threshold as the first bulk write begins, and
    restores it as the last one ends (threads may write at once)."""
    with _Writing.lock:
        if step > 0 and _Writing.count == 0:
            _Writing.threshold = gc.get_threshold()
            gc.set_threshold(YOUNG, *_Writing.threshold[1:])
        _Writing.count += step
        if step < 0 and _Writing.count == 0:
            gc.set_threshold(*_Writing.threshold)


def record_all(
    app: StoreApplication,
    wanted: dict[UUID, Any],
    corrections: Sequence[tuple[str, Correction]],
    make: Any,
) -> list[str]:
    """Records the new values and the corrections in one bulk write; the new developments' ids.

    `wanted` holds actors, topics and developments by stream id; one stored with
    other content is refused by its stream's `check_same` (nothing is written);
    `make(ident, value)` makes the new stream of an actor or topic.
    """
    from timeline.engine._application import correct

    with BulkWrite(app) as bulk:
        grounds = [c.by for _, c in corrections if isinstance(c, Ranking) and c.by is not None]
        named = [stream_id("development", d) for d in (*(d for d, _ in corrections), *grounds)]
        stored = bulk.streams([*wanted, *named])
        created: dict[UUID, Any] = {}
        registered = []
        for ident, value in wanted.items():
            if ident in stored:
                stored[ident].check_same(value)
            elif isinstance(value, Development):
                created[ident] = bulk.recorded(ident, value)
            else:
                registered.append(make(ident, value))
        changed: dict[UUID, Any] = {}
        for dev_id, correction in corrections:
            ident = stream_id("development", dev_id)
            stream = changed.get(ident) or stored.get(ident)
            if stream is None and ident in created:
                stream = created[ident].mutate(None)
            if stream is None:
                raise UnknownDevelopmentError(dev_id)
            _check_grounds(dev_id, correction, stored, created)
            if correct(stream, correction):
                changed[ident] = stream
        app.written = _tally(registered, created, changed)
        bulk.write([*registered, *changed.values()], list(created.values()))
    return [value.id for ident, value in wanted.items() if ident in created]


def _tally(
    registered: Sequence[Any], created: dict[UUID, Any], changed: dict[UUID, Any]
) -> dict[str, int]:
    """How many actors, topics, developments and corrections a write adds (its own only)."""
    actors = sum(1 for stream in registered if isinstance(stream, ActorStream))
    return {
        "actor": actors,
        "topic": len(registered) - actors,
        "development": len(created),
        "correction": sum(len(stream.pending_events) for stream in changed.values()),
    }


def _check_grounds(
    dev_id: str, correction: Correction, stored: dict[UUID, Any], created: dict[UUID, Any]
) -> None:
    """Raises `RecordError` unless a ranking's `by` names a development stored or given."""
    if not isinstance(correction, Ranking) or correction.by is None:
        return
    by = stream_id("development", correction.by)
    if by not in stored and by not in created:
        raise RecordError(
            f"ranking of {dev_id!r}: by={correction.by!r} names no recorded development; "
            "record the development that grounds the ranking first (or with it)"
        )
