"""The in-memory store (`memory://`): eventsourcing's POPO recorder, gone with the process."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from timeline.engine._backends import Backend
from timeline.engine._bulk_stores import RECORDED_TOPIC, StoreTransaction
from timeline.engine.config import _shown
from timeline.engine.errors import StoreError

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

__all__ = ["BACKEND", "MemoryBackend"]


class MemoryBackend(Backend):
    """A store held in this process's memory."""

    name = "memory"
    persistence = "eventsourcing.popo"
    in_process = True

    def settings(
        self, url: str, password: str | None, schema: str | None, replica: str | None
    ) -> dict[str, str]:
        if url[len("memory://") :] != "":
            raise StoreError(f"cannot open store {_shown(url)!r}: memory:// takes nothing after it")
        return {"PERSISTENCE_MODULE": self.persistence}

    def location(self, env: dict[str, str]) -> str:
        return "in-memory store"

    def begin(self, recorder: Any) -> StoreTransaction:
        return MemoryTransaction(recorder)


class MemoryTransaction(StoreTransaction):
    """The in-memory store: appended events are held here and inserted at commit."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.pending: dict[UUID, list[StoredEvent]] = defaultdict(list)
        self.order: list[StoredEvent] = []

    def streams(self, idents: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        found = {}
        for ident in idents:
            events = [*self.recorder.select_events(ident), *self.pending.get(ident, ())]
            if events:
                found[ident] = events
        return found

    def empty(self) -> bool:
        return not self.order and not self.recorder.select_notifications(start=None, limit=1)

    def append(self, events: Sequence[StoredEvent]) -> None:
        for event in events:
            self.pending[UUID(str(event.originator_id))].append(event)
        self.order.extend(events)
        self.appended += len(events)

    def recorded_states(self) -> Iterator[bytes]:
        for note in self.recorder.select_notifications(start=None, limit=10**12):
            if note.topic == RECORDED_TOPIC:
                yield bytes(note.state)
        for event in self.order:
            if event.topic == RECORDED_TOPIC:
                yield event.state

    def commit(self) -> None:
        if self.order:
            self.recorder.insert_events(self.order)

    def rollback(self) -> None:
        self.order.clear()


BACKEND = MemoryBackend()
