"""Each pair's whole winning run found in SQL, one statement per dialect: the reference
the tests hold `positions()` to (which reads each pair's first claims, `_winning`).

A run never spans two ranks, so it is found among the claims of the pair's highest
counted rank alone (`r0`: the normal rank, unless the pair ever had a preferred
claim), latest first; its first claim gives its stance (`s0`); the first claim of
that rank after it with another stance is the break; and the run is every claim of
that rank later in story order than the break (all of them, with no break).  Each
step is one index search of `claims` per pair.  Rows come as (actor, topic, dev_id,
stance, occurred, rank, occurred earliest, occurred latest), each pair's run in
story order, as `positions_of` reads them.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from typing import Any

from timeline.engine import _rule as rule
from timeline.engine._rule import PairKey, Position
from timeline.engine.values import Rank
from timeline.projections._lookups import _occurred, _stance
from timeline.projections._sql import Dialect
from timeline.projections._sql_reads import LATEST_FIRST, STORY, current
from timeline.projections._winning import _counted

__all__ = ["positions_of", "postgres_runs", "runs_statement", "sqlite_runs"]

# A row of these statements begins with its pair.
_PAIR = itemgetter(0, 1)

_NORMAL = Rank.NORMAL.tier

# SQLite before 3.35 has no MATERIALIZED hint: the statement is the same without it,
# if slower (each step's search may then be repeated).
_MATERIALIZED = " MATERIALIZED" if sqlite3.sqlite_version_info >= (3, 35) else ""


_CLAIM = f"dev_id, stance, occurred, {rule.RANK}"
# A claim's occurred span, which its row ends with (its stored text may stand for it).
_SPAN = "c.occurred_earliest, c.occurred_latest"
# The columns of story order that a claim's row does not already hold.
_ORDERED = ", ".join(column for column in rule.STORY_ORDER if column not in _CLAIM.split(", "))


def _ranks(counted: str, pair: str) -> str:
    """The highest counted rank of a pair: normal, unless it ever had a preferred claim."""
    return (
        f"CASE WHEN f.actor IS NULL THEN {_NORMAL} ELSE (SELECT MAX({rule.RANK}) "
        f"FROM {{claims}} c WHERE {pair} AND {counted}) END"
    )


@functools.lru_cache(maxsize=64)
def sqlite_runs(dialect: Dialect, possible: bool, scope: str = "") -> str:
    """SQLite's statement: each step a materialised table of one row per pair.

    SQLite has no LATERAL: a claim is found by a scalar subquery and joined back
    by its key, and CROSS JOIN keeps the pairs as the outer loop.
    """
    counted = _counted(possible, scope)
    pair = "actor = h.actor AND topic = h.topic"
    key = "c.occurred_earliest, c.occurred_latest, c.dev_id"
    return dialect.render(
        f"WITH heads(actor, topic, r0) AS{_MATERIALIZED} ("
        f"SELECT p.actor, p.topic, {_ranks(counted, 'actor = p.actor AND topic = p.topic')} "
        "FROM {pairs} p LEFT JOIN {preferred} f ON f.actor = p.actor AND f.topic = p.topic), "
        f"firsts(actor, topic, r0, s0) AS{_MATERIALIZED} (SELECT h.actor, h.topic, h.r0, "
        f"(SELECT stance FROM {{claims}} c WHERE {pair} AND {counted} AND {rule.RANK} = h.r0 "
        f"ORDER BY {LATEST_FIRST} LIMIT 1) FROM heads h), "
        f"breaks(actor, topic, r0, oe, ol, id) AS{_MATERIALIZED} (SELECT h.actor, h.topic, "
        "h.r0, "
        "c.occurred_earliest, c.occurred_latest, c.dev_id FROM firsts h "
        "LEFT JOIN {claims} c ON c.actor = h.actor AND c.topic = h.topic "
        f"AND ({key}) = (SELECT occurred_earliest, occurred_latest, dev_id FROM {{claims}} c "
        f"WHERE {pair} AND {counted} AND {rule.RANK} = h.r0 AND stance != h.s0 "
        f"ORDER BY {LATEST_FIRST} LIMIT 1) AND {current('c')} WHERE h.s0 IS NOT NULL) "
        f"SELECT c.actor, c.topic, {_CLAIM.replace('dev_id', 'c.dev_id')}, {_SPAN} "
        "FROM breaks b "
        "CROSS JOIN {claims} c ON c.actor = b.actor AND c.topic = b.topic "
        f"AND ({key}) > (coalesce(b.oe, -1), coalesce(b.ol, -1), coalesce(b.id, '')) "
        f"AND {_counted(possible, '', 'c')}{scope} AND c.{rule.RANK} = b.r0 "
        f"ORDER BY c.actor, c.topic, {', '.join(f'c.{c}' for c in rule.STORY_ORDER)}"
    )


@functools.lru_cache(maxsize=64)
def postgres_runs(dialect: Dialect, possible: bool, scope: str = "") -> str:
    """PostgreSQL's statement: each step a LATERAL search of one row per pair."""
    counted = _counted(possible, scope, dialect=dialect)
    pair = "actor = p.actor AND topic = p.topic"
    latest = f"ORDER BY {LATEST_FIRST} LIMIT 1"
    return dialect.render(
        f"SELECT p.actor, p.topic, c.dev_id, c.stance, c.occurred, c.{rule.RANK}, {_SPAN} "
        "FROM {pairs} p LEFT JOIN {preferred} f ON f.actor = p.actor AND f.topic = p.topic "
        f"CROSS JOIN LATERAL (SELECT {_ranks(counted, pair)} AS r0) h "
        f"CROSS JOIN LATERAL (SELECT stance AS s0 FROM {{claims}} c WHERE {pair} AND {counted} "
        f"AND {rule.RANK} = h.r0 {latest}) w "
        "LEFT JOIN LATERAL (SELECT occurred_earliest AS oe, occurred_latest AS ol, dev_id AS id "
        f"FROM {{claims}} c WHERE {pair} AND {counted} AND {rule.RANK} = h.r0 "
        f"AND stance <> w.s0 {latest}) b ON true "
        f"CROSS JOIN LATERAL (SELECT {_CLAIM}, {_ORDERED} FROM {{claims}} c WHERE {pair} "
        f"AND {counted} AND {rule.RANK} = h.r0 AND ({STORY}) > "
        # OFFSET 0 keeps the run's search after the break's: pulled up into the join,
        # it was planned first, and the searches before it ran once per claim.
        "(coalesce(b.oe, -1), coalesce(b.ol, -1), coalesce(b.id, '')) OFFSET 0) c "
        f"ORDER BY p.actor, p.topic, {', '.join(f'c.{c}' for c in rule.STORY_ORDER)}"
    )


def runs_statement(dialect: Dialect, possible: bool, scope: str = "") -> str:
    """The dialect's statement of every pair's winning run."""
    runs = postgres_runs if dialect.name == "postgresql" else sqlite_runs
    return runs(dialect, possible, scope)


def positions_of(rows: Iterable[tuple[Any, ...]], day: dt.date) -> dict[PairKey, Position]:
    """The positions, sorted by pair, that rows of every pair's winning run make.

    Each row is (actor, topic, dev_id, stance, occurred, rank, occurred earliest and
    latest), a pair's rows together and in story order (`runs_statement`).  The
    same as `held_by` on each pair's rows, with no row copied: this runs once for every
    pair.
    """
    found: dict[PairKey, Position] = {}
    held = rule.held
    for key, group in groupby(rows, _PAIR):
        run = list(group)
        winner = run[-1]
        stance = _stance(winner[3])
        evidence = (winner[2],) if len(run) == 1 else tuple([row[2] for row in run])
        found[key] = held(key, stance, _occurred(run[0], 4), evidence, _occurred(winner, 4), day)
    # The statements order rows by pair, but PostgreSQL by its collation: sort as Python does.
    return dict(sorted(found.items()))
