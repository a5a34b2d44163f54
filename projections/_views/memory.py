"""The in-memory store's view: a private in-memory SQLite database of its own."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from eventsourcing.sqlite import SQLiteDatastore

from timeline.engine._application import StoreApplication
from timeline.projections._backend import ViewQueries, ViewRecorder
from timeline.projections._sqlite import MEMORY_VIEW, SQLiteQueries, SQLiteViewRecorder
from timeline.projections._views import ViewBackend

__all__ = ["VIEW", "MemoryView"]


class MemoryView(ViewBackend):
    """The view of a `memory://` store, which the store's recorder tells the head of."""

    def open(self, app: StoreApplication) -> tuple[ViewRecorder, ViewQueries]:
        name = f"{MEMORY_VIEW}{uuid4().hex}?mode=memory&cache=shared"
        datastore = SQLiteDatastore(db_name=name)
        recorder = SQLiteViewRecorder(datastore)
        recorder.create_table()
        queries = SQLiteQueries(
            datastore.pool.db_name, app.name, shared_cache=True, events_table=None
        )
        return recorder, queries

    def head(self, app: StoreApplication, queries: ViewQueries) -> Callable[[], int | None]:
        # The events are not in SQLite: the recorder knows its head.
        head: Callable[[], int | None] = app.recorder.max_notification_id
        return head


VIEW = MemoryView()
