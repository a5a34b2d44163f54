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
from typing import TYPE_CHECKING, Any
from uuid import UUID

from timeline.engine.errors import StoreError

if TYPE_CHECKING:
    from eventsourcing.persistence import Notification

    from timeline.engine._application import StoreApplication

__all__ = ["PAGE", "Copier", "Rows", "copy_events"]

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
    copied = 0
    with target.backend.copier(target, target_name) as write:
        for batch in _pages(source, page):
            write(_rows(batch))
            copied += len(batch)
    return copied


class Copier:
    """A transaction on the target that is refused unless the target is empty.

    Each backend that can be copied into says how to count, insert and finish.
    """

    def __init__(self, target: StoreApplication, name: str) -> None:
        self.recorder: Any = target.recorder
        self.name = name
        self._transaction: Any = None
        self._cursor: Any = None
        self.highest = 0

    def __enter__(self) -> Callable[[Rows], None]:
        self._transaction = self.recorder.datastore.transaction(commit=True)
        cursor = self._cursor = self._transaction.__enter__()
        self._prepare(cursor)
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

    def _prepare(self, cursor: Any) -> None:
        """Whatever the store needs first inside the transaction (nothing by default)."""

    def _count(self) -> str:
        """The statement that counts the target's events."""
        raise NotImplementedError

    def _write(self, cursor: Any, rows: Rows) -> None:
        if not rows:
            return
        self.highest = max(self.highest, rows[-1][0])
        self._insert(cursor, rows)

    def _insert(self, cursor: Any, rows: Rows) -> None:
        """Inserts the rows, notification ids kept."""
        raise NotImplementedError

    def _finish(self, cursor: Any) -> None:
        """Whatever must follow a successful copy before its commit (nothing by default)."""

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None and self.highest:
            self._finish(self._cursor)
        self._transaction.__exit__(*exc)
