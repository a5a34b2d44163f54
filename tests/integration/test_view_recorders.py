"""The view recorders pass eventsourcing's own test cases, and its factory builds them.

`SQLiteViewRecorder` and `PostgresViewRecorder` are eventsourcing tracking
recorders: eventsourcing's `TrackingRecorderTestCase` runs on each, its
`InfrastructureFactoryTestCase` runs with `TRACKING_RECORDER_TOPIC` naming each,
and a recorder the factory builds takes tracking and writes the view's rows.
The PostgreSQL cases need `TIMELINE_TEST_POSTGRES_URL`; each test gets a fresh
schema, dropped afterwards.  eventsourcing's test module imports its AES cipher,
so the module needs pycryptodome (`eventsourcing[crypto]`) and is skipped without it.
"""

from __future__ import annotations

import pytest

# Before eventsourcing's test module is imported, which needs pycryptodome.
pytest.importorskip(
    "Crypto", reason="eventsourcing's test cases need pycryptodome: eventsourcing[crypto]"
)

import tempfile
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    ProcessRecorder,
    Tracking,
    TrackingRecorder,
)
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteDatastore,
    SQLiteFactory,
    SQLiteProcessRecorder,
)
from eventsourcing.tests import persistence as es
from eventsourcing.utils import Environment, get_topic

from tests.conftest import POSTGRES_URL
from tests.strategies import agreement, fill
from timeline import Timeline
from timeline.projections._backend import Batch, TrackingConflictError, ViewRecorder
from timeline.projections._catchup import catch_up
from timeline.projections._projection import StoryProjection
from timeline.projections._sql import SCHEMA, SCHEMA_ROW
from timeline.projections._sqlite import SQLiteViewRecorder

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="TIMELINE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test"
)
# eventsourcing's factory names the tracking table after the environment: the
# view's is `positions_tracking`.
NAME = "positions"


class SQLiteViewRecorderSubclass(SQLiteViewRecorder):
    """A subclass, for the factory's 'recorder class given' code paths."""


# -- PostgreSQL: a fresh schema per test ----------------------------------------------


def postgres_env(schema: str) -> dict[str, str]:
    """eventsourcing's PostgreSQL settings for the test server and one schema."""
    assert POSTGRES_URL is not None
    parts = urlsplit(POSTGRES_URL)
    return {
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "",
        "POSTGRES_SCHEMA": schema,
    }


def create_schema() -> str:
    import psycopg

    assert POSTGRES_URL is not None
    schema = f"v_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_URL.split("?")[0], autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema


def drop_schema(schema: str) -> None:
    import psycopg

    assert POSTGRES_URL is not None
    with psycopg.connect(POSTGRES_URL.split("?")[0], autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def postgres_datastore(schema: str) -> Any:
    from eventsourcing.postgres import PostgresDatastore

    env = postgres_env(schema)
    return PostgresDatastore(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        schema=schema,
    )


def postgres_subclass() -> type[TrackingRecorder]:
    from timeline.projections._postgres import PostgresViewRecorder

    class PostgresViewRecorderSubclass(PostgresViewRecorder):
        """A subclass, for the factory's 'recorder class given' code paths."""

    return PostgresViewRecorderSubclass


# -- eventsourcing's tracking recorder test case --------------------------------------


class TestSQLiteViewRecorderTracking(es.TrackingRecorderTestCase):
    """eventsourcing's tracking contract, on the view's SQLite recorder."""

    def setUp(self) -> None:
        self.datastores: list[SQLiteDatastore] = []

    def tearDown(self) -> None:
        for datastore in self.datastores:
            datastore.close()

    def create_recorder(self) -> TrackingRecorder:
        datastore = SQLiteDatastore(
            db_name=f"file:view-{uuid.uuid4().hex}?mode=memory&cache=shared"
        )
        self.datastores.append(datastore)
        recorder = SQLiteViewRecorder(datastore)
        recorder.create_table()
        return recorder


class TestSQLiteFileViewRecorderTracking(es.TrackingRecorderTestCase):
    """The same, on an SQLite file."""

    def setUp(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.datastores: list[SQLiteDatastore] = []

    def tearDown(self) -> None:
        for datastore in self.datastores:
            datastore.close()
        self.folder.cleanup()

    def create_recorder(self) -> TrackingRecorder:
        name = str(Path(self.folder.name) / f"view-{len(self.datastores)}.db")
        datastore = SQLiteDatastore(db_name=name)
        self.datastores.append(datastore)
        recorder = SQLiteViewRecorder(datastore)
        recorder.create_table()
        return recorder


@needs_postgres
class TestPostgresViewRecorderTracking(es.TrackingRecorderTestCase):
    """eventsourcing's tracking contract, on the view's PostgreSQL recorder."""

    def setUp(self) -> None:
        self.schema = create_schema()
        self.datastores: list[Any] = []

    def tearDown(self) -> None:
        for datastore in self.datastores:
            datastore.close()
        drop_schema(self.schema)

    def create_recorder(self) -> TrackingRecorder:
        from timeline.projections._postgres import PostgresViewRecorder

        datastore = postgres_datastore(self.schema)
        self.datastores.append(datastore)
        recorder = PostgresViewRecorder(datastore)
        recorder.create_table()
        return recorder


# -- eventsourcing's factory test case, pointed at the view recorders -----------------


class TestSQLiteFactoryBuildsTheViewRecorder(es.InfrastructureFactoryTestCase[SQLiteFactory]):
    """eventsourcing's SQLite factory test, with the view's recorder as tracking recorder."""

    def expected_factory_class(self) -> type[SQLiteFactory]:
        return SQLiteFactory

    def expected_aggregate_recorder_class(self) -> type[SQLiteAggregateRecorder]:
        return SQLiteAggregateRecorder

    def expected_application_recorder_class(self) -> type[SQLiteApplicationRecorder]:
        return SQLiteApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[TrackingRecorder]:
        return SQLiteViewRecorder

    def tracking_recorder_subclass(self) -> type[TrackingRecorder]:
        return SQLiteViewRecorderSubclass

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        return SQLiteProcessRecorder

    def setUp(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.env = Environment(
            NAME,
            {
                InfrastructureFactory.PERSISTENCE_MODULE: SQLiteFactory.__module__,
                SQLiteFactory.SQLITE_DBNAME: str(Path(self.folder.name) / "store.db"),
                InfrastructureFactory.TRACKING_RECORDER_TOPIC: get_topic(SQLiteViewRecorder),
            },
        )
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        self.folder.cleanup()


@needs_postgres
class TestPostgresFactoryBuildsTheViewRecorder(es.InfrastructureFactoryTestCase[Any]):
    """eventsourcing's PostgreSQL factory test, with the view's recorder as tracking recorder."""

    def expected_factory_class(self) -> type[Any]:
        from eventsourcing.postgres import PostgresFactory

        return PostgresFactory

    def expected_aggregate_recorder_class(self) -> type[Any]:
        from eventsourcing.postgres import PostgresAggregateRecorder

        return PostgresAggregateRecorder

    def expected_application_recorder_class(self) -> type[Any]:
        from eventsourcing.postgres import PostgresApplicationRecorder

        return PostgresApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[TrackingRecorder]:
        from timeline.projections._postgres import PostgresViewRecorder

        return PostgresViewRecorder

    def tracking_recorder_subclass(self) -> type[TrackingRecorder]:
        return postgres_subclass()

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        from eventsourcing.postgres import PostgresProcessRecorder

        return PostgresProcessRecorder

    def setUp(self) -> None:
        from timeline.projections._postgres import PostgresViewRecorder

        self.schema = create_schema()
        self.env = Environment(
            NAME,
            {
                InfrastructureFactory.PERSISTENCE_MODULE: "eventsourcing.postgres",
                InfrastructureFactory.TRACKING_RECORDER_TOPIC: get_topic(PostgresViewRecorder),
                **postgres_env(self.schema),
            },
        )
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        drop_schema(self.schema)


# -- a recorder the factory builds does the view's work -------------------------------


def works(recorder: ViewRecorder) -> None:
    """Takes tracking, writes a batch exactly once, and processes a story's events."""
    assert recorder.max_tracking_id(SCHEMA_ROW) == SCHEMA  # the view's schema version
    recorder.insert_tracking(Tracking("upstream", 3))
    assert recorder.max_tracking_id("upstream") == 3
    with pytest.raises(IntegrityError):
        recorder.insert_tracking(Tracking("upstream", 3))

    recorder.write(Batch(pairs=[("TUR", "s400-purchase")]), "upstream", expected=3, last=5)
    assert recorder.max_tracking_id("upstream") == 5
    with pytest.raises(TrackingConflictError):
        recorder.write(Batch(pairs=[("USA", "s400-purchase")]), "upstream", expected=3, last=6)
    assert recorder.dump()["pairs"] == [("TUR", "s400-purchase")]  # the failed batch left none

    with Timeline() as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        materialised = tl.materialised
        materialised.catch_up()
        app = materialised.application
        projection = StoryProjection(recorder, mapper=app.mapper)
        assert catch_up(app, projection) == materialised.tracking_id > 0
        assert recorder.max_tracking_id(app.name) == materialised.tracking_id
        theirs, ours = materialised.view.dump(), recorder.dump()
        for table in ("claims", "developments", "registry"):
            assert ours[table] == theirs[table], table
        assert ("TUR", "s400-purchase") in ours["pairs"]
        materialised.close()


def test_eventsourcings_sqlite_factory_builds_a_working_view_recorder(tmp_path: Path) -> None:
    env = Environment(
        name=NAME,
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "view.db"),
            "TRACKING_RECORDER_TOPIC": get_topic(SQLiteViewRecorder),
        },
    )
    factory = InfrastructureFactory.construct(env)
    try:
        recorder = factory.tracking_recorder()
        assert type(recorder) is SQLiteViewRecorder
        works(recorder)
    finally:
        factory.close()


@needs_postgres
def test_eventsourcings_postgres_factory_builds_a_working_view_recorder() -> None:
    from timeline.projections._postgres import PostgresViewRecorder

    schema = create_schema()
    try:
        env = Environment(
            name=NAME,
            env={
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "TRACKING_RECORDER_TOPIC": get_topic(PostgresViewRecorder),
                **postgres_env(schema),
            },
        )
        factory = InfrastructureFactory.construct(env)
        try:
            recorder = factory.tracking_recorder()
            assert type(recorder) is PostgresViewRecorder
            works(recorder)
        finally:
            factory.close()
    finally:
        drop_schema(schema)
