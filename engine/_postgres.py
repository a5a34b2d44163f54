"""PostgreSQL's application recorder, able to insert any number of events in one call.

eventsourcing inserts a batch through psycopg's pipeline mode, which hangs for
batches of about ten thousand events and more (client and server each wait for
the other to read).  Large batches go instead as a few array statements in one
transaction, under the same table lock and notification as eventsourcing's own
inserts, so they stay all or nothing and readers never pass over a gap.

It also counts the inserts this process has committed, so that a reader in the
same process knows of them without waiting for their notification, and keeps the
highest notification id it wrote, which a reader on a replica waits for (its
caller's own last write).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

__all__ = ["TOPIC", "BulkPostgresRecorder", "committed"]

TOPIC = "timeline.engine._postgres:BulkPostgresRecorder"

_committed = 0
_counting = threading.Lock()


def committed() -> int:
    """How many event inserts this process has committed to any PostgreSQL store."""
    return _committed


def _count_commit() -> None:
    global _committed
    with _counting:  # writer threads may commit at once
        _committed += 1


class BulkPostgresRecorder(PostgresApplicationRecorder):
    """An application recorder that inserts large batches in chunks of one statement."""

    # Events per statement; smaller batches take eventsourcing's own path.
    CHUNK = 5000
    # The highest notification id this recorder has committed (0: none yet).
    last_written = 0

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if len(stored_events) <= self.CHUNK:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
        else:
            ids = self._insert_in_chunks(stored_events)
        if ids:
            self.last_written = max(self.last_written, max(ids))
        _count_commit()  # after the commit: a reader told of it must find it
        return ids

    def _insert_in_chunks(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%s::{kind}[], %s::bigint[], %s::text[], %s::bytea[]) "
            "RETURNING originator_id, originator_version, notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            kind=SQL(self.datastore.originator_id_type),
        )
        ids: dict[tuple[str, int], int] = {}
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            for start in range(0, len(stored_events), self.CHUNK):
                chunk = stored_events[start : start + self.CHUNK]
                curs.execute(
                    statement,
                    (
                        [e.originator_id for e in chunk],
                        [e.originator_version for e in chunk],
                        [e.topic for e in chunk],
                        [e.state for e in chunk],
                    ),
                )
                for row in curs.fetchall():
                    key = (str(row["originator_id"]), row["originator_version"])
                    ids[key] = row["notification_id"]
        return [ids[(str(e.originator_id), e.originator_version)] for e in stored_events]
