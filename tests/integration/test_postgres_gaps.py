"""PostgreSQL: notification ids left unused by rolled-back inserts never stall catching up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from timeline import Timeline, seeds

TIMELINE = Path(sys.executable).parent / "timeline"
# Well past the 1,000 ids one step of `timeline load`'s catch-up covers.
GAP = 5000


def _command(url: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DB"}
    return subprocess.run(
        [str(TIMELINE), "--db", url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def _skip_ids(url: str, count: int) -> None:
    """Takes `count` notification ids in a transaction that is rolled back: a gap."""
    base, _, schema = url.partition("?schema=")
    with Timeline.open(url) as tl:
        table = f'"{schema}"."{tl._app.name.lower()}_events"'
    with psycopg.connect(base) as conn:
        sequence = conn.execute(
            "SELECT pg_get_serial_sequence(%s, 'notification_id')", (table,)
        ).fetchone()
        assert sequence is not None
        assert sequence[0]
        conn.execute("SELECT nextval(%s) FROM generate_series(1, %s)", (sequence[0], count))
        conn.rollback()


@pytest.mark.postgres
def test_load_after_a_gap_of_rolled_back_ids_completes(postgres_url: str) -> None:
    assert _command(postgres_url, "init").returncode == 0
    with Timeline.open(postgres_url) as tl:
        before = tl.head
    _skip_ids(postgres_url, GAP)
    done = _command(postgres_url, "load", str(seeds.path()))
    assert done.returncode == 0, done.stderr
    with Timeline.open(postgres_url) as tl:
        assert tl.head > before + GAP  # the events came after the gap
        assert tl.materialised.tracking_id == tl.head
        found = tl.as_of("2018-12-31").positions()
    expected = Timeline()
    expected.load(seeds.path())
    assert found == expected.as_of("2018-12-31").positions()


@pytest.mark.postgres
def test_catching_up_to_a_bound_inside_a_gap_then_past_it(postgres_url: str) -> None:
    with Timeline.open(postgres_url) as tl:
        tl.load(seeds.path())
        tl.materialised.catch_up()
        before = tl.head
    _skip_ids(postgres_url, GAP)
    with Timeline.open(postgres_url) as tl:
        tl.revise(
            "patriot-sale-approved", reported="2019-01-15", reason="dated", occurred="2018-12"
        )
    with Timeline.open(postgres_url) as tl:  # opening reads the tracking and no event
        view = tl.materialised
        assert view.tracking_id == before
        assert view.catch_up(until=before + GAP // 2) == 0  # nothing there: no wait, no error
        assert view.catch_up() == 1  # the next call goes past the gap to the new event
        assert view.tracking_id == tl.head > before + GAP
