"""Copies every stored event of one store into an empty one: how a store moves between kinds.

Events go across as stored (stream id, version, topic, state bytes), in notification
order and keeping their notification ids, so a copy answers every question as the
original does, `--at` positions included.  The whole copy is one transaction on the
target: a failure anywhere leaves it as empty as it was, and a target that holds
any event is refused before anything is written.  The source is read in pages, so
memory stays flat in the store's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from timeline.engine.application import StoreApplication
from timeline.engine.errors import StoreError

__all__ = ["PAGE", "copy_events"]

# Events read from the source, and written to the target, at a time.
PAGE = 5000

Rows = Sequence[tuple[int, UUID, int, str, bytes]]


def _pages(source: StoreApplication, page: int) -> Iterator[Sequence[Notification]]:
    """The source's notifications in order, `page` at a time."""
    start = 1
    while True:
        batch = source.recorder.select_notifications(start, page)
        if not batch:
            return
        yield batch
        start = batch[-1].id + 1


def _rows(batch: Sequence[Notification]) -> Rows:
    return [
        (
            n.id,
            n.originator_id if isinstance(n.originator_id, UUID) else UUID(str(n.originator_id)),
            n.originator_version,
            n.topic,
            n.state,
        )
        for n in batch
    ]


def copy_events(
    source: StoreApplication, target: StoreApplication, target_name: str, *, page: int = PAGE
) -> int:
    """Copies every event of `source` into the empty `target` in one transaction; how many.

    `target_name` names the target in errors.  Raises `StoreError` when the target
    holds any event already (nothing is written then).
    """
    kind = type(target.recorder).__module__
    if "postgres" not in kind and "sqlite" not in kind:
        raise StoreError(f"cannot copy into {target_name}: expected an SQLite or PostgreSQL store")
    copied = 0
    with _Writing(target, target_name, postgres="postgres" in kind) as write:
        for batch in _pages(source, page):
            write(_rows(batch))
            copied += len(batch)
    return copied


class _Writing:
    """A transaction on the target that is refused unless the target is empty."""

    def __init__(self, target: StoreApplication, name: str, postgres: bool) -> None:
        self.recorder: Any = target.recorder
        self.name = name
        self.postgres = postgres
        self._transaction: Any = None
        self._cursor: Any = None
        self.highest = 0

    def __enter__(self) -> Callable[[Rows], None]:
        self._transaction = self.recorder.datastore.transaction(commit=True)
        cursor = self._cursor = self._transaction.__enter__()
        if self.postgres:
            self.recorder._lock_table(cursor)  # as every insert does: no reader sees a gap
            self.recorder._notify_channel(cursor)
        cursor.execute(self._count())
        found = cursor.fetchone()
        held = int((found["count"] if isinstance(found, dict) else found[0]) or 0) if found else 0
        if held:
            error = StoreError(
                f"cannot copy into {self.name}: it holds {held:,} events already; "
                "expected an empty store (nothing was written)"
            )
            self._transaction.__exit__(type(error), error, None)
            raise error
        return lambda rows: self._write(cursor, rows)

    def _count(self) -> str:
        table = self.recorder.events_table_name
        if self.postgres:
            return f'SELECT count(*) AS count FROM "{self.recorder.datastore.schema}"."{table}"'
        return f"SELECT count(*) FROM {table}"

    def _write(self, cursor: Any, rows: Rows) -> None:
        if not rows:
            return
        self.highest = max(self.highest, rows[-1][0])
        table = self.recorder.events_table_name
        if self.postgres:
            schema = self.recorder.datastore.schema
            kind = self.recorder.datastore.originator_id_type
            cursor.execute(
                f'INSERT INTO "{schema}"."{table}" '
                "(notification_id, originator_id, originator_version, topic, state) "
                f"SELECT * FROM unnest(%s::bigint[], %s::{kind}[], %s::bigint[], %s::text[], "
                "%s::bytea[])",
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (rowid, originator_id, originator_version, topic, state) "
                "VALUES (?, ?, ?, ?, ?)",
                [(n, ident.hex, version, topic, state) for n, ident, version, topic, state in rows],
            )

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None and self.postgres and self.highest:
            # New events must number on from the copied ones.
            schema = self.recorder.datastore.schema
            table = self.recorder.events_table_name
            self._cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
                (f'"{schema}"."{table}"', self.highest),
            )
        self._transaction.__exit__(*exc)
