"""PostgreSQL: clear connection errors, and many writer processes on one store."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest

from engine import Development, Source, StanceClaim, StoreError, Timeline
from engine.aggregates import Development as DevelopmentStream
from tests.strategies import registry_actors, registry_topics

WRITERS = 4
PER_WRITER = 2500
SHARED = 50  # ids every writer records, identically, to exercise idempotent retries


def development(ident: str, n: int) -> Development:
    return Development(
        id=ident,
        occurred=f"{2016 + n % 4}-{1 + n % 12:02d}",
        reported=f"{2017 + n % 4}-{1 + n % 12:02d}-15",
        kind="statement",
        summary=f"Statement number {n}.",
        actors=["TUR"],
        source=Source("Wire", "named"),
        claims=[StanceClaim("TUR", "s400-purchase", ("supports", "opposes")[n % 2])],
    )


def writer(url: str, number: int) -> None:
    with Timeline.open(url) as tl:
        tl.record_many([], actors=registry_actors(), topics=registry_topics())
        mine = [development(f"w{number}-{n}", n) for n in range(PER_WRITER)]
        shared = [development(f"shared-{n}", n) for n in range(SHARED)]
        for start in range(0, PER_WRITER, 250):
            tl.record_many(mine[start : start + 250] + shared[start // 50 : start // 50 + 5])


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_writers_record_every_development_exactly_once(postgres_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    processes = [spawn.Process(target=writer, args=(postgres_url, n)) for n in range(WRITERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0
    with Timeline.open(postgres_url) as tl:
        recorded = Counter(
            event.development.id
            for event in map(tl._app.mapper.to_domain_event, tl._app.notifications())  # noqa: SLF001
            if isinstance(event, DevelopmentStream.Recorded)
        )
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
