"""PostgreSQL: clear connection errors, and many writer processes on one store."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

import pytest

from tests.strategies import agreement, registry_actors, registry_topics
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


@pytest.mark.postgres
def test_reading_ahead_builds_the_view_a_page_at_a_time_builds(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small pages, corrections of developments recorded pages before: the page
    # read ahead must change nothing about what is written, or in what order.
    with Timeline.open(postgres_url) as tl:
        tl.record_many(
            [agreement(id=f"d{n}", occurred=f"2019-{n % 12 + 1:02d}") for n in range(20)],
            actors=registry_actors(),
            topics=registry_topics(),
        )
        for n in range(0, 20, 3):
            tl.retract(f"d{n}", reported="2020-01-01", reason="withdrawn")
        view = tl.materialised
        view.batch = 4
        assert view.view.reads_ahead
        assert view.rebuild() == tl.head
        ahead = view.view.dump()
        monkeypatch.setattr(type(view.view), "reads_ahead", False)
        assert view.rebuild() == tl.head
        assert view.view.dump() == ahead
        assert tl.as_of("2019-12-31").position("TUR", "s400-purchase") is not None


@pytest.mark.postgres
def test_a_page_is_written_while_the_next_page_is_prepared(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each page's write waits (bounded) until the next page's rows are being computed:
    # written one after the other, the first write would wait in vain.
    from timeline.projections._projection import StoryProjection

    with Timeline.open(postgres_url) as tl:
        tl.record_many(
            [agreement(id=f"d{n}", occurred=f"2019-{n % 12 + 1:02d}") for n in range(12)],
            actors=registry_actors(),
            topics=registry_topics(),
        )
        tl.retract("d1", reported="2020-01-01", reason="withdrawn")
        view = tl.materialised
        view.batch = 4
        prepared = threading.Condition()
        pages: list[int] = []  # the first notification id of each page prepared
        overlapped: list[bool] = []
        prepare, write = StoryProjection.prepare, StoryProjection.write

        def preparing(self: StoryProjection, notifications: Any) -> Any:
            with prepared:
                pages.append(notifications[0].id)
                prepared.notify_all()
            return prepare(self, notifications)

        def writing(self: StoryProjection, run: Any, page: Any, name: str, expected: int) -> None:
            if page[-1].id < tl.head:  # a page follows: is it prepared meanwhile?
                with prepared:
                    overlapped.append(
                        prepared.wait_for(lambda: pages[-1] > page[-1].id, timeout=30)
                    )
            write(self, run, page, name, expected)

        monkeypatch.setattr(StoryProjection, "prepare", preparing)
        monkeypatch.setattr(StoryProjection, "write", writing)
        assert view.rebuild() == tl.head
        assert overlapped
        assert all(overlapped)
        monkeypatch.undo()
        pipelined = view.view.dump()
        monkeypatch.setattr(type(view.view), "reads_ahead", False)
        assert view.rebuild() == tl.head
        assert view.view.dump() == pipelined


@pytest.mark.postgres
def test_the_view_keeps_days_in_32_bits_and_stances_in_16(postgres_url: str) -> None:
    # Narrow columns laid out widest first keep PostgreSQL's rows free of padding.
    import psycopg

    base, _, schema = postgres_url.partition("?schema=")
    with Timeline.open(postgres_url) as tl:
        tl.record_many([agreement()], actors=registry_actors(), topics=registry_topics())
        position = tl.as_of("2019-12-31").position("TUR", "s400-purchase")
    assert position is not None
    with psycopg.connect(base, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'positions_claims' ORDER BY ordinal_position",
            (schema,),
        ).fetchall()
    types: dict[str, str] = dict(rows)
    assert types["occurred_earliest"] == types["known_until"] == "integer"
    assert types["stance"] == types["rank"] == "smallint"
    assert types["recorded_from"] == types["recorded_until"] == "integer"
    widths = {"bigint": 0, "integer": 1, "smallint": 2, "text": 3}
    assert [widths[t] for _, t in rows] == sorted(widths[t] for _, t in rows)


@pytest.mark.postgres
def test_the_reader_reads_without_jit_compilation(postgres_url: str) -> None:
    # Once the view's tables have statistics, positions()'s statement costs past the JIT
    # threshold, and compiling it took far longer than running it.
    with Timeline.open(postgres_url) as tl:
        tl.record_many([agreement()], actors=registry_actors(), topics=registry_topics())
        assert tl.as_of("2019-12-31").positions()
        assert tl.materialised.queries.query("SHOW jit", {}) == [("off",)]
