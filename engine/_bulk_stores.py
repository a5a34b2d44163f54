"""One write transaction per store kind for the bulk path: read streams, append, commit.

Each transaction holds the store's write lock from its first statement (SQLite's
`BEGIN IMMEDIATE`, PostgreSQL's table lock that eventsourcing's own inserts take),
so what it reads cannot change under it and its inserts cannot collide with another
writer's.  Reads go through the same connection, so they see what the transaction
appended before.  Nothing is visible to others until `commit`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from eventsourcing.persistence import StoredEvent

__all__ = ["CHUNK", "IDLE", "LOCK_WAIT", "RECORDED_TOPIC", "StoreTransaction", "grouped"]

# Events read per statement when fetching the streams of a batch.
CHUNK = 500
# The id inside a stored `DevelopmentStream.Recorded` state (the transcoder's JSON,
# whose development fields start with its id).
_RECORDED_ID = re.compile(rb'"development":\{"_type_":"development","_data_":\{"id":"([^"\\]*)"')
# Seconds a bulk write on SQLite waits for another writer (say a long import) to commit.
LOCK_WAIT = 600.0
# Seconds a PostgreSQL bulk write may spend between two of its statements.
IDLE = 600
RECORDED_TOPIC = "timeline.engine.aggregates:DevelopmentStream.Recorded"


class StoreTransaction:
    """The base: events appended and streams read inside one all-or-nothing transaction."""

    appended = 0

    def streams(self, idents: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        """The stored events of those streams that exist, each in version order."""
        raise NotImplementedError

    def empty(self) -> bool:
        """Whether the store holds no events at all (False when it cannot tell)."""
        return False

    def append(self, events: Sequence[StoredEvent]) -> None:
        """Appends events to the store inside the transaction."""
        raise NotImplementedError

    def append_new(self, idents: Sequence[UUID], topic: str, states: Sequence[bytes]) -> None:
        """Appends the first event (version 1, of `topic`) of each of these new streams, as
        `append` of their stored events does."""
        from eventsourcing.persistence import StoredEvent

        self.append([StoredEvent(i, 1, topic, s) for i, s in zip(idents, states, strict=True)])

    def recorded_states(self) -> Iterator[bytes]:
        """The stored state of every development's creation event, in no set order."""
        raise NotImplementedError

    def commit(self) -> None:
        """Makes everything appended visible at once."""
        raise NotImplementedError

    def rollback(self) -> None:
        """Discards everything appended."""
        raise NotImplementedError


def recorded_id(state: bytes) -> str | None:
    """The development id in a creation event's stored state (None if it cannot be found)."""
    found = _RECORDED_ID.search(state)
    return None if found is None else found[1].decode("utf-8")


def grouped(rows: Sequence[tuple[UUID, int, str, bytes]]) -> dict[UUID, list[StoredEvent]]:
    from eventsourcing.persistence import StoredEvent

    found: dict[UUID, list[StoredEvent]] = defaultdict(list)
    for ident, version, topic, state in sorted(rows, key=lambda row: (row[0], row[1])):
        found[ident].append(StoredEvent(ident, version, topic, state))
    return dict(found)
