"""The event store: an eventsourcing `Application` whose commands record and correct a story.

Each command decides new, identical or conflicting from the aggregates it
concerns (never from a folded copy of the log), and saves what is new in one
transaction, all or nothing.  Names must already be canonical ids: resolving
aliases is the read side's business (the registry read model).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Notification,
)
from eventsourcing.utils import Environment, EnvType

from timeline.engine._backends import Backend, backend_of
from timeline.engine._contract import StoreMapper
from timeline.engine._rule import Entry
from timeline.engine._transcodings import register_all
from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream, stream_id
from timeline.engine.config import APPLICATION
from timeline.engine.corrections import Correction, Ranking, Retraction, Revision
from timeline.engine.errors import (
    ConflictError,
    DuplicateError,
    RecordError,
    UnknownDevelopmentError,
)
from timeline.engine.values import Actor, Development, Topic

__all__ = ["RETRIES", "StoreApplication", "correct"]

# A page of notifications read at once; large, because bulk reads beat small sections.
PAGE = 5000
# How often a command is tried again when another writer got to a stream first.
RETRIES = 20


def _backoff(attempt: int) -> None:
    # Jittered, growing waits keep concurrent writers from colliding in step.
    time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 8)))


class StoreApplication(Application[UUID]):
    """The application whose aggregates hold developments, actors and topics."""

    name = APPLICATION
    # What this application's last `record` wrote: actors, topics, developments and
    # corrections by count (another writer's events in between are not among them).
    written: dict[str, int] | None = None

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # Configuration is passed in explicitly; unlike the base class this never
        # reads os.environ, so a stray variable cannot redirect the store.
        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> Mapper[UUID]:
        # Only timeline's own event topics, old names included, are ever resolved.
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=StoreMapper)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder)

    @property
    def backend(self) -> Backend:
        """The kind of store this application keeps its events in (from its settings)."""
        return backend_of(self.env)

    @property
    def head(self) -> int:
        """The notification id of the last event in the store (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def fingerprint(self) -> str | None:
        """A digest of the head position and the first and last stored events; None if empty.

        Each event's state holds the instant it was recorded, so two stores give the
        same fingerprint only when one is a copy of the other at the same head.
        """
        head = self.head
        if head == 0:
            return None
        import hashlib  # only here: slow to import

        found = hashlib.sha256(str(head).encode())
        for start in (1, head):
            for note in self.recorder.select_notifications(start=start, limit=1):
                found.update(f"{note.id}/{note.originator_id}/{note.originator_version}".encode())
                found.update(note.topic.encode() + b"\0" + bytes(note.state))
        return found.hexdigest()

    def notifications(self, after: int = 0, page: int = PAGE) -> Iterator[Notification]:
        """Every stored event after notification id `after`, in recording order."""
        while True:
            batch = self.recorder.select_notifications(
                start=after, limit=page, inclusive_of_start=False
            )
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].id

    # -- commands ---------------------------------------------------------------

    def record(
        self,
        developments: Sequence[Development],
        actors: Sequence[Actor] = (),
        topics: Sequence[Topic] = (),
        corrections: Sequence[tuple[str, Correction]] = (),
    ) -> list[str]:
        """Registers, records and corrects everything in one transaction, all or nothing.

        What is already stored with the same content is skipped; an id stored with
        other content is refused; a correction already there is skipped.  Returns
        the ids of the developments that were new.
        """
        from timeline.engine._bulk import record_all

        wanted = _unique([*actors, *topics, *developments])
        # The bulk write holds the store's write lock while it reads the streams, so
        # no other writer can get to one first: nothing to retry.
        return record_all(self, wanted, corrections, _stream)

    def _check_grounds(self, dev_id: str, by: str) -> None:
        """Raises `RecordError` unless the development a ranking cites is recorded."""
        if not self.recorded([by]):
            raise RecordError(
                f"ranking of {dev_id!r}: by={by!r} names no recorded development; "
                "record the development that grounds the ranking first (or with it)"
            )

    def revise(self, dev_id: str, revision: Revision) -> bool:
        """Appends a correction known from its own reported date; False if already there."""
        return self._change(dev_id, lambda stream: stream.revise(revision))

    def retract(self, dev_id: str, retraction: Retraction) -> bool:
        """Appends the withdrawal of a development; False if the same one is there."""
        return self._change(dev_id, lambda stream: stream.retract(retraction))

    def rank(self, dev_id: str, ranking: Ranking) -> bool:
        """Appends a ranking of a development's claims; False if the same one is there."""
        if ranking.by is not None:
            self._check_grounds(dev_id, ranking.by)
        return self._change(dev_id, lambda stream: stream.rank(ranking))

    def _change(self, dev_id: str, change: Callable[[DevelopmentStream], bool]) -> bool:
        for attempt in range(RETRIES):
            stream = self.stream(dev_id)
            if not change(stream):
                return False
            try:
                self.save(stream)
            except IntegrityError:
                # Another writer appended to the stream first: read it again.
                _backoff(attempt)
                continue
            return True
        raise ConflictError(
            f"development {dev_id!r} kept changing under concurrent writers; gave up after "
            f"{RETRIES} attempts (nothing was written; the same command again is safe)"
        )

    # -- the aggregates themselves ----------------------------------------------

    def stream(self, dev_id: str) -> DevelopmentStream:
        """The stream of one development; raises `UnknownDevelopmentError` if none."""
        try:
            stream: DevelopmentStream = self.repository.get(stream_id("development", dev_id))
        except AggregateNotFoundError:
            raise UnknownDevelopmentError(dev_id) from None
        return stream

    def entry(self, dev_id: str) -> Entry:
        """The audit trail of one development: the original and its corrections."""
        return self.stream(dev_id).entry

    def registered(self, kind: str, ident: str) -> Actor | Topic | None:
        """The actor or topic registered under exactly this id, from its own stream."""
        if kind not in ("actor", "topic"):
            return None
        try:
            stream: Any = self.repository.get(stream_id(kind, ident))
        except AggregateNotFoundError:
            return None
        found: Actor | Topic = stream.actor if kind == "actor" else stream.topic
        return found

    def recorded(self, dev_ids: Iterable[str]) -> dict[str, Development]:
        """The originals of those of `dev_ids` that are recorded, by id."""
        found: dict[str, Development] = {}
        for dev_id in dict.fromkeys(dev_ids):
            try:
                found[dev_id] = self.stream(dev_id).development
            except UnknownDevelopmentError:
                continue
        return found


# Each kind of value: its stream's kind, aggregate class, created event and its field.
_KINDS: dict[type[Any], tuple[str, Any, Any, str]] = {
    Development: ("development", DevelopmentStream, DevelopmentStream.Recorded, "development"),
    Actor: ("actor", ActorStream, ActorStream.Registered, "actor"),
    Topic: ("topic", TopicStream, TopicStream.Registered, "topic"),
}


def correct(stream: DevelopmentStream, correction: Correction) -> bool:
    """Applies one correction by the stream's own command; False if it was there already."""
    if isinstance(correction, Revision):
        return stream.revise(correction)
    if isinstance(correction, Ranking):
        return stream.rank(correction)
    return stream.retract(correction)


def _stream(ident: UUID, value: Any) -> Any:
    """The new stream of `value`, under the id `_unique` computed for it.

    Made as the class's constructor makes it (its created event, with `value`),
    only with the id given: hashing each value's name once per command is enough.
    """
    _, aggregate, created, field = _KINDS[type(value)]
    return aggregate._create(created, id=ident, **{field: value})


def _unique(values: Sequence[Any]) -> dict[UUID, Any]:
    """Values by stream id; the same value twice is one, different ones are refused."""
    found: dict[UUID, Any] = {}
    for value in values:
        kind = _KINDS[type(value)][0]
        ident = stream_id(kind, value.id)
        earlier = found.setdefault(ident, value)
        if earlier is not value and earlier != value:  # mostly itself: no field compared
            error = DuplicateError if kind == "development" else RecordError
            raise error(f"{kind} {value.id!r} is given twice with different content")
    return found
