"""An SQLite store's view: tables beside the events, in the store's own file."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.projections._queries import ViewQueries
from timeline.projections._sql import SCHEMA, SCHEMA_ROW
from timeline.projections._sqlite_reads import DIALECT, SQLiteQueries
from timeline.projections._views import ViewBackend

if TYPE_CHECKING:
    from timeline.engine._application import StoreApplication
    from timeline.projections._backend import ViewRecorder

__all__ = ["VIEW", "SQLiteView"]

# The events table of an SQLite store (eventsourcing's name for it).
EVENTS_TABLE = "stored_events"


class SQLiteView(ViewBackend):
    """The view in the store's SQLite file, read and written on connections of its own."""

    def open(self, app: StoreApplication) -> tuple[ViewRecorder, ViewQueries]:
        # The view has its own connections, so views taken from it stay readable
        # after the store is closed; they are released when the last view is gone.
        recorder = self.recorder(app)
        queries = SQLiteQueries(
            recorder.datastore.pool.db_name, app.name, shared_cache=False, events_table=EVENTS_TABLE
        )
        return recorder, queries

    def recorder(self, app: StoreApplication) -> ViewRecorder:
        from eventsourcing.sqlite import SQLiteDatastore, SQLiteFactory

        from timeline.projections._sqlite import SQLiteViewRecorder

        factory = app.factory
        assert isinstance(factory, SQLiteFactory)
        pool = factory.datastore.pool
        datastore = SQLiteDatastore(db_name=pool.db_name, lock_timeout=pool.lock_timeout)
        recorder = SQLiteViewRecorder(datastore)
        recorder.create_table()
        return recorder

    def open_reads(self, env: dict[str, str], application_name: str) -> ViewQueries | None:
        # Only a file that holds the events and a view of this schema: anything else
        # (a new file, an old view, no file at all) takes the full open, which
        # creates, rebuilds or says what is wrong.
        file = env.get("SQLITE_DBNAME", "")
        if not file or file.startswith("file:") or not Path(file).is_file():
            return None
        try:
            queries = SQLiteQueries(
                file, application_name, shared_cache=False, events_table=EVENTS_TABLE
            )
        except sqlite3.Error:
            return None
        try:
            schema = queries.query(DIALECT.tracked, {"application_name": SCHEMA_ROW})
            queries.head()  # the events table is there
        except sqlite3.Error:
            schema = []
        if not schema or schema[0][0] != SCHEMA:
            queries.close()
            return None
        return queries


VIEW = SQLiteView()
