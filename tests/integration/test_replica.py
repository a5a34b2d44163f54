"""Reads from a real hot standby: writes go to the primary, answers never predate them."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.clusters import ReplicaPair, missing_tools, replica_pair
from tests.integration.test_cli import environment, timeline
from tests.strategies import agreement, fill
from timeline import Timeline
from timeline.engine import Stance, StanceClaim
from timeline.projections._replica import ReplicaQueries


@pytest.fixture(scope="session")
def pair() -> Iterator[ReplicaPair]:
    """A primary and its streaming hot standby, made for this session and removed after."""
    why = missing_tools()
    if why:
        pytest.skip(f"no replica pair: {why}")
    with replica_pair() as made:
        yield made


@pytest.fixture
def schema(pair: ReplicaPair) -> str:
    """A fresh schema on the primary (and so, once replayed, on the standby)."""
    name = f"r_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pair.primary_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return name


def _url(pair: ReplicaPair, schema: str, wait: str = "30") -> str:
    return f"{pair.primary_url}?schema={schema}&replica={pair.standby}&replica_wait={wait}"


def _served(tl: Timeline) -> dict[str, int]:
    queries = tl.materialised.queries
    assert isinstance(queries, ReplicaQueries)
    return dict(queries.served)


def _standby_head(pair: ReplicaPair, schema: str) -> int:
    with psycopg.connect(pair.standby_url, autocommit=True) as conn:
        table = conn.execute("SELECT to_regclass(%s)", (f"{schema}.timeline_events",)).fetchone()
        if not table or table[0] is None:
            return 0  # not even the table is replayed yet
        row = conn.execute(f'SELECT MAX(notification_id) FROM "{schema}".timeline_events')
        found = row.fetchone()
    return int(found[0] or 0) if found else 0


def _until_replayed(pair: ReplicaPair, schema: str, head: int) -> None:
    deadline = time.monotonic() + 30
    while _standby_head(pair, schema) < head:
        assert time.monotonic() < deadline, "the standby did not replay within 30 s"
        time.sleep(0.02)


def test_reads_come_from_the_standby_and_agree_with_the_primary(
    pair: ReplicaPair, schema: str
) -> None:
    with Timeline.open(_url(pair, schema)) as tl:
        fill(tl, [agreement()])
        held = tl.as_of("2019-01-01").position("TUR", "s400-purchase")
        assert held is not None
        assert held.stance is Stance.COMMITTED
        served = _served(tl)
        assert served["standby"] > 0
        assert served["primary"] == 0
        with Timeline.open(f"{pair.primary_url}?schema={schema}") as primary:
            assert tl.as_of("2019-01-01").positions() == primary.as_of("2019-01-01").positions()
            assert [d.id for d in tl.developments()] == [d.id for d in primary.developments()]


def test_a_write_the_standby_has_not_replayed_is_read_from_the_primary(
    pair: ReplicaPair, schema: str
) -> None:
    with Timeline.open(_url(pair, schema, wait="0.2")) as tl:
        fill(tl, [agreement()])
        tl.as_of("2019-01-01").positions()  # the standby has it all
        with psycopg.connect(pair.standby_url, autocommit=True) as standby:
            standby.execute("SELECT pg_wal_replay_pause()")
            try:
                claim = StanceClaim("TUR", "s400-purchase", "opposes")
                tl.record(agreement(id="second", occurred="2018-06", claims=[claim]))
                before = _served(tl)["primary"]
                held = tl.as_of("2019-01-01").position("TUR", "s400-purchase")
                everything = tl.as_of("2019-01-01").positions()
                assert _standby_head(pair, schema) < tl.head  # it is not there yet
            finally:
                standby.execute("SELECT pg_wal_replay_resume()")
        assert held is not None
        assert held.stance is Stance.OPPOSES
        assert everything[("TUR", "s400-purchase")].stance is Stance.OPPOSES
        assert _served(tl)["primary"] > before


def test_a_reader_sees_what_the_standby_replayed_without_listening(
    pair: ReplicaPair, schema: str
) -> None:
    plain = f"{pair.primary_url}?schema={schema}"
    with Timeline.open(plain) as writer, Timeline.open(_url(pair, schema)) as reader:
        fill(writer, [agreement()])  # events only: nobody has caught the view up
        _until_replayed(pair, schema, writer.head)
        held = reader.as_of("2019-01-01").position("TUR", "s400-purchase")
        assert held is not None
        assert held.stance is Stance.COMMITTED
        claim = StanceClaim("TUR", "s400-purchase", "rejects")
        writer.record(agreement(id="later", occurred="2018-09", claims=[claim]))
        _until_replayed(pair, schema, writer.head)
        again = reader.as_of("2019-01-01").position("TUR", "s400-purchase")
        assert again is not None
        assert again.stance is Stance.REJECTS
        assert reader.as_of("2019-01-01").positions() == writer.as_of("2019-01-01").positions()
        assert _served(reader)["primary"] == 0


def test_the_command_reads_a_standby_named_in_its_db_url(
    pair: ReplicaPair, schema: str, tmp_path: Path
) -> None:
    with Timeline.open(f"{pair.primary_url}?schema={schema}") as writer:
        fill(writer, [agreement()])
        expected = writer.as_of("2019-01-01").position("TUR", "s400-purchase")
        _until_replayed(pair, schema, writer.head)
    env = environment(tmp_path)
    shown = timeline(
        env, "--db", _url(pair, schema), "positions", "--as-of", "2019-01-01", "--json"
    )
    assert shown.returncode == 0, shown.stderr
    held = {(p["actor"], p["topic"]): p["stance"] for p in json.loads(shown.stdout)["positions"]}
    assert expected is not None
    assert held[("TUR", "s400-purchase")] == expected.stance.name.lower()
