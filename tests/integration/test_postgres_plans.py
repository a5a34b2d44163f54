"""PostgreSQL: the lookup's and positions' prepared plans once the view's tables have statistics."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs
import pytest

from tests.strategies import agreement, registry_actors, registry_topics
from tests.winning_runs_sql import postgres_runs
from timeline import Timeline
from timeline.engine.values import StanceClaim
from timeline.projections._claim_reads import LATEST
from timeline.projections._postgres import LOOKUP_LIMIT
from timeline.projections._rows import known_ordinal
from timeline.projections._winning import latest_claims

# Claims on each of a few pairs: enough that reading them all and sorting them costs the
# server more than reading the key index backwards to the latest few.
PAIRS = (("TUR", "s400-purchase"), ("USA", "patriot-sale"), ("RUS", "f35-participation"))
PER_PAIR = 600
STANCES = ("committed", "supports", "opposes")


def _story() -> list[Any]:
    """PER_PAIR developments on each pair, one claim each, a day apart from 2000 on."""
    first = dt.date(2000, 1, 1).toordinal()
    return [
        attrs.evolve(
            agreement(),
            id=f"dev-{p}-{n}",
            occurred=dt.date.fromordinal(first + n).isoformat(),
            actors=[actor],
            claims=[StanceClaim(actor, topic, STANCES[n % 3])],
        )
        for p, (actor, topic) in enumerate(PAIRS)
        for n in range(PER_PAIR)
    ]


def _generic_plan(conn: Any, statement: str, values: dict[str, Any]) -> str:
    """The plan a prepared `statement` runs by for any values: its generic plan."""
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))
    for number, name in enumerate(names, start=1):
        statement = statement.replace(f"%({name})s", f"${number}")
    types = ", ".join("text" if isinstance(values[n], str) else "int4" for n in names)
    conn.execute("SET plan_cache_mode = force_generic_plan")
    conn.execute(f"PREPARE lookup ({types}) AS {statement}")
    literal = ", ".join(repr(values[n]) if isinstance(values[n], str) else str(values[n])
                        for n in names)  # fmt: skip
    rows = conn.execute(f"EXPLAIN EXECUTE lookup ({literal})").fetchall()
    return "\n".join(row[0] for row in rows)


def _analysed(postgres_url: str) -> tuple[Any, dict[str, Any]]:
    """The store of `_story`, its view's tables analysed (as autovacuum would), its view's
    dialect and the values of a lookup of its first pair."""
    import psycopg

    with Timeline.open(postgres_url) as tl:
        tl.record_many(_story(), actors=registry_actors(), topics=registry_topics())
        dialect = tl.materialised.queries.dialect
        values = {
            "actor": "TUR",
            "topic": "s400-purchase",
            "day": dt.date(2001, 1, 1).toordinal(),
            "known": known_ordinal(None),
            "pin": tl.materialised.current(),
        }
        # The claims the plan is for are there: the pair holds a position on that day.
        assert tl.as_of("2001-01-01").position("TUR", "s400-purchase") is not None
    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as conn:
        for table in ("claims", "developments", "pairs", "preferred", "mentions"):
            conn.execute(f"ANALYZE {dialect.table(table)}")
    return dialect, values


@pytest.mark.postgres
def test_the_lookup_reads_the_latest_claims_in_key_order_once_tables_are_analysed(
    postgres_url: str,
) -> None:
    import psycopg

    dialect, values = _analysed(postgres_url)
    statement = f"{dialect.run(False)} LIMIT {LOOKUP_LIMIT}"
    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as conn:
        plan = _generic_plan(conn, statement, values)
    assert "Index Scan Backward using positions_claims_key" in plan, plan
    assert "Sort" not in plan, plan
    assert "Bitmap" not in plan, plan


@pytest.mark.postgres
def test_positions_find_each_pairs_latest_claims_in_key_order_once_tables_are_analysed(
    postgres_url: str,
) -> None:
    import psycopg

    dialect, values = _analysed(postgres_url)
    statement = postgres_runs(dialect, False)
    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as conn:
        plan = _generic_plan(conn, statement, values)
    # The winner's and the break's searches: each the latest claim, by the key index.
    assert plan.count("Index Scan Backward using positions_claims_key") == 2, plan
    assert "occurred_earliest DESC" not in plan, plan  # no claims sorted latest first


@pytest.mark.postgres
@pytest.mark.parametrize("ranked", [False, True])
def test_positions_first_claims_read_the_key_index_backwards_once_tables_are_analysed(
    postgres_url: str, ranked: bool
) -> None:
    import psycopg

    dialect, values = _analysed(postgres_url)
    statement = latest_claims(dialect, False, LATEST, ranked=ranked)
    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as conn:
        plan = _generic_plan(conn, statement, values)
    # Each never-ranked pair's first claims: the latest few, by the key index.
    assert "Index Scan Backward using positions_claims_key" in plan, plan
    if not ranked:  # (a ranked pair's claims are read by rank first: a scan and a sort)
        assert "Bitmap" not in plan, plan
        assert "occurred_earliest DESC" not in plan, plan  # no claims sorted latest first
