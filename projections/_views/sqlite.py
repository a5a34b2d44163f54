"""An SQLite store's view: tables beside the events, in the store's own file."""

from __future__ import annotations

from eventsourcing.sqlite import SQLiteDatastore, SQLiteFactory

from timeline.engine._application import StoreApplication
from timeline.projections._backend import ViewQueries, ViewRecorder
from timeline.projections._sqlite import SQLiteQueries, SQLiteViewRecorder
from timeline.projections._views import ViewBackend

__all__ = ["VIEW", "SQLiteView"]


class SQLiteView(ViewBackend):
    """The view in the store's SQLite file, read and written on connections of its own."""

    def open(self, app: StoreApplication) -> tuple[ViewRecorder, ViewQueries]:
        # The view has its own connections, so views taken from it stay readable
        # after the store is closed; they are released when the last view is gone.
        factory = app.factory
        assert isinstance(factory, SQLiteFactory)
        pool = factory.datastore.pool
        datastore = SQLiteDatastore(db_name=pool.db_name, lock_timeout=pool.lock_timeout)
        recorder = SQLiteViewRecorder(datastore)
        recorder.create_table()
        queries = SQLiteQueries(
            datastore.pool.db_name, app.name, shared_cache=False, events_table="stored_events"
        )
        return recorder, queries


VIEW = SQLiteView()
