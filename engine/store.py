"""The event store: an eventsourcing `Application` and a reader of its whole log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Mapper, Notification, Recording
from eventsourcing.utils import Environment, EnvType

from timeline.engine import aggregates, values
from timeline.engine.contract import StoreMapper
from timeline.engine.replay import Entry
from timeline.engine.transcodings import register_all

__all__ = ["EventLog", "StoreApplication"]

# A page of notifications read at once; large, because bulk reads beat small sections.
PAGE = 5000


class StoreApplication(Application[UUID]):
    """The application whose aggregates hold developments, actors and topics."""

    name = "timeline"

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


class EventLog:
    """What the store holds, folded by stable id and kept current by pulling new events."""

    def __init__(self, app: StoreApplication) -> None:
        self._app = app
        self.position = 0
        self.developments: dict[str, Entry] = {}
        self.actors: dict[str, values.Actor] = {}
        self.topics: dict[str, values.Topic] = {}
        self._ids: dict[UUID, str] = {}

    def pull(self) -> int:
        """Folds in events recorded since the last pull; returns how many there were."""
        count = 0
        for notification in self._app.notifications(after=self.position):
            self.apply(self._app.mapper.to_domain_event(notification))
            self.position = notification.id
            count += 1
        return count

    def absorb(self, recordings: Sequence[Recording[UUID]]) -> bool:
        """Folds in events this process just saved, when nothing else came between.

        Returns False (and folds nothing) when another writer's events are interleaved
        or ids are unknown, in which case the caller pulls instead.
        """
        ids = [recording.notification.id for recording in recordings]
        if not ids or ids != list(range(self.position + 1, self.position + 1 + len(ids))):
            return False
        for recording in recordings:
            self.apply(recording.domain_event)
        self.position = ids[-1]
        return True

    def apply(self, event: Any) -> None:
        """Folds one domain event into the log."""
        if isinstance(event, aggregates.DevelopmentStream.Recorded):
            self.developments[event.development.id] = Entry(event.development)
            self._ids[event.originator_id] = event.development.id
        elif isinstance(event, aggregates.DevelopmentStream.Revised):
            entry = self._entry(event.originator_id)
            self.developments[entry.id] = Entry(
                entry.development, (*entry.revisions, event.revision), entry.retractions
            )
        elif isinstance(event, aggregates.DevelopmentStream.Retracted):
            entry = self._entry(event.originator_id)
            self.developments[entry.id] = Entry(
                entry.development,
                entry.revisions,
                (*entry.retractions, event.retraction),
            )
        elif isinstance(event, aggregates.ActorStream.Registered):
            self.actors[event.actor.id] = event.actor
        elif isinstance(event, aggregates.TopicStream.Registered):
            self.topics[event.topic.id] = event.topic

    def _entry(self, stream: UUID) -> Entry:
        # A stream is created before it is revised, so its id is always known here.
        return self.developments[self._ids[stream]]

    def entries(self) -> Sequence[Entry]:
        """Every development entry, in no particular order."""
        return list(self.developments.values())
