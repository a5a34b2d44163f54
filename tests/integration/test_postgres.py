"""PostgreSQL: clear connection errors, and many writer processes on one store."""

from __future__ import annotations

import multiprocessing

import pytest

from tests.strategies import registry_actors
from tests.workload import SHARED, recorded_ids, write
from timeline import Timeline
from timeline.engine import StoreError

WRITERS = 4
PER_WRITER = 2500


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_writers_record_every_development_exactly_once(postgres_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    processes = [
        spawn.Process(target=write, args=(postgres_url, n, PER_WRITER)) for n in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0
    with Timeline.open(postgres_url) as tl:
        recorded = recorded_ids(tl)
        assert len(recorded) == WRITERS * PER_WRITER + SHARED
        assert set(recorded.values()) == {1}
        assert len(tl.entries()) == WRITERS * PER_WRITER + SHARED


@pytest.mark.postgres
def test_a_refused_connection_names_host_and_database(postgres_url: str) -> None:
    with pytest.raises(StoreError) as caught:
        Timeline.open("postgresql://someone:hunter2@127.0.0.1:1/newsroom")
    message = str(caught.value)
    assert "'newsroom' on 127.0.0.1:1" in message
    assert "hunter2" not in message
    assert isinstance(caught.value, OSError)


@pytest.mark.postgres
def test_a_missing_database_is_named(postgres_url: str) -> None:
    base = postgres_url.split("?")[0].rsplit("/", 1)[0]
    with pytest.raises(StoreError, match='database "no_such_db_here" does not exist'):
        Timeline.open(f"{base}/no_such_db_here")


@pytest.mark.postgres
def test_password_and_schema_may_be_given_as_arguments(postgres_url: str) -> None:
    base, _, query = postgres_url.partition("?schema=")
    with Timeline.open(base, schema=query, password="") as tl:
        tl.record_many([], actors=registry_actors())
    with Timeline.open(postgres_url) as again:
        assert set(again.registry.actors) == {a.id for a in registry_actors()}
