"""Every pair's winning run in one statement, for SQLite and for PostgreSQL.

`engine._rule` says which claims make a position: of the claims on a pair that
count, searched by rank (higher first) and then latest first, the first one and
those after it of the same stance and rank, unbroken (`rule.winning_run`).  A run
never spans two ranks, so it is found among the claims of the pair's highest
counted rank alone (`r0`: the normal rank, unless the pair ever had a preferred
claim), latest first; its first claim gives its stance (`s0`); the first claim of
that rank after it with another stance is the break; and the run is every claim
of that rank later in story order than the break (all of them, with no break).

Each step is one index search of `claims` per pair (the highest rank, a scan,
only for the few pairs that ever had a preferred claim), so the statement's cost
follows the pairs and their runs, not the claims behind them.  Rows come as
(actor, topic, dev_id, stance, occurred, rank, occurred earliest, occurred latest),
each pair's run in story order.

`positions()` reads fewer: `latest_claims` takes each pair's first few claims in
search order, in one index search, joined into one text; the run is found among
them (`projections._lookups.positions_of_latest`), and only a pair whose claims read
are all of its run is read again (`among`), with more.  The run statements stay as
the one-statement answer the property tests hold it to.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from typing import Any

from timeline.engine import _rule as rule
from timeline.engine.values import Rank
from timeline.projections._sql import Dialect

__all__ = [
    "CLAIM_BREAK",
    "FIELD_BREAK",
    "among_params",
    "latest_claims",
    "postgres_runs",
    "sqlite_runs",
    "tentative_pairs",
]

_NORMAL = Rank.NORMAL.tier
# SQLite before 3.35 has no MATERIALIZED hint: the statement is the same without it,
# if slower (each step's search may then be repeated).
_MATERIALIZED = " MATERIALIZED" if sqlite3.sqlite_version_info >= (3, 35) else ""
_LATEST_FIRST = ", ".join(f"{column} DESC" for column in rule.STORY_ORDER)
_STORY = ", ".join(rule.STORY_ORDER)
_CLAIM = f"dev_id, stance, occurred, {rule.RANK}"
# A claim's occurred span, which its row ends with (its stored text may stand for it).
_SPAN = "c.occurred_earliest, c.occurred_latest"
# What `latest_claims` puts between two claims of a pair, and between a claim's fields:
# control characters, which neither a development id nor EDTF text can hold.
CLAIM_BREAK, FIELD_BREAK = "\x1e", "\x1f"
# The columns of story order that a claim's row does not already hold.
_ORDERED = ", ".join(column for column in rule.STORY_ORDER if column not in _CLAIM.split(", "))


def _counted(possible: bool, scope: str, alias: str = "", dialect: Dialect | None = None) -> str:
    """The conditions under which a claim counts at (:day, :known, :pin), as `run` has them
    (given a `dialect`, those the key index cannot search by as it filters them)."""
    a = f"{alias}." if alias else ""
    by = rule.POSSIBLE_BY if possible else rule.CERTAIN_BY
    known_from, known_until = rule.KNOWN_SPAN
    tested = " AND ".join(
        [
            f"{a}{known_from} <= :known",
            f"{a}{known_until} > :known",
            f"{a}recorded_from <= :pin",
            f"{a}recorded_until > :pin",
            f"{a}{rule.COUNTS}",
        ]
    )
    tested += scope
    searched = f"{a}occurred_earliest <= :day AND {a}{by} <= :day"
    return f"{searched} AND {dialect.filtered(tested) if dialect else tested}"


def _current(alias: str) -> str:
    """The one version of a claim held at (:known, :pin)."""
    known_from, known_until = rule.KNOWN_SPAN
    return (
        f"{alias}.{known_from} <= :known AND {alias}.{known_until} > :known "
        f"AND {alias}.recorded_from <= :pin AND {alias}.recorded_until > :pin"
    )


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
        f"ORDER BY {_LATEST_FIRST} LIMIT 1) FROM heads h), "
        f"breaks(actor, topic, r0, oe, ol, id) AS{_MATERIALIZED} (SELECT h.actor, h.topic, "
        "h.r0, "
        "c.occurred_earliest, c.occurred_latest, c.dev_id FROM firsts h "
        "LEFT JOIN {claims} c ON c.actor = h.actor AND c.topic = h.topic "
        f"AND ({key}) = (SELECT occurred_earliest, occurred_latest, dev_id FROM {{claims}} c "
        f"WHERE {pair} AND {counted} AND {rule.RANK} = h.r0 AND stance != h.s0 "
        f"ORDER BY {_LATEST_FIRST} LIMIT 1) AND {_current('c')} WHERE h.s0 IS NOT NULL) "
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
    latest = f"ORDER BY {_LATEST_FIRST} LIMIT 1"
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
        f"AND {counted} AND {rule.RANK} = h.r0 AND ({_STORY}) > "
        # OFFSET 0 keeps the run's search after the break's: pulled up into the join,
        # it was planned first, and the searches before it ran once per claim.
        "(coalesce(b.oe, -1), coalesce(b.ol, -1), coalesce(b.id, '')) OFFSET 0) c "
        f"ORDER BY p.actor, p.topic, {', '.join(f'c.{c}' for c in rule.STORY_ORDER)}"
    )


@functools.lru_cache(maxsize=64)
def tentative_pairs(dialect: Dialect, scope: str = "") -> str:
    """The pairs, sorted, whose winner among the claims that possibly count has not ended
    by :day: those whose position is tentative, one index search each.

    The winner is the first claim in search order (`rule.search_order`): latest first
    (a backwards scan of the key), or by rank first for a pair that ever had a preferred
    claim; its position is tentative when its occurred span ends after the day.
    """
    counted = _counted(True, scope, dialect=dialect)
    pair = "actor = p.actor AND topic = p.topic"
    first = f"SELECT {rule.CERTAIN_BY} FROM {{claims}} c WHERE {pair} AND {counted} ORDER BY"
    return dialect.render(
        "SELECT p.actor, p.topic FROM {pairs} p LEFT JOIN {preferred} f "
        "ON f.actor = p.actor AND f.topic = p.topic "
        f"WHERE CASE WHEN f.actor IS NULL THEN ({first} {_LATEST_FIRST} LIMIT 1) "
        f"ELSE ({first} {rule.RANK} DESC, {_LATEST_FIRST} LIMIT 1) END > :day "
        "ORDER BY p.actor, p.topic"
    )


# A claim's fields after its mark, as `latest_claims` joins them.
_FIELDS = "dev_id, occurred, occurred_earliest, occurred_latest"


def _joined(postgres: bool, ranked: bool) -> str:
    """A claim as one text: its mark (`stance`, or `stance.rank` when `ranked`), then its
    dev_id, occurred text, occurred earliest and latest, split by `FIELD_BREAK`."""
    if postgres:
        mark = f"stance || '.' || {rule.RANK}" if ranked else "stance"
        return f"concat_ws(chr(31), {mark}, {_FIELDS})"
    # One printf: a chain of || costs SQLite more.
    marks, stance = ("'%d.%d'", f"stance, {rule.RANK}") if ranked else ("'%d'", "stance")
    texts = " || char(31) || ".join([marks, "'%s'", "'%s'", "'%d'", "'%d'"])
    return f"printf({texts}, {stance}, {_FIELDS})"


def _first_claims(postgres: bool, counted: str, latest: int, ranked: bool) -> str:
    """A pair's (`p`) first `latest` claims that count, in search order, as one text."""
    order = f"{rule.RANK} DESC, {_LATEST_FIRST}" if ranked else _LATEST_FIRST
    # The claims are joined in search order: PostgreSQL is told so; SQLite before 3.44
    # cannot be, and joins them in the order its ordered subquery gives them.
    told = postgres or sqlite3.sqlite_version_info >= (3, 44)
    within, keys = (f" ORDER BY {order}", f", {rule.RANK}, {_STORY}") if told else ("", "")
    join, mark = ("string_agg", "chr") if postgres else ("group_concat", "char")
    return (
        f"(SELECT {join}(claim, {mark}(30){within}) FROM (SELECT "
        f"{_joined(postgres, ranked)} AS claim{keys} FROM {{claims}} c WHERE actor = p.actor "
        f"AND topic = p.topic AND {counted} ORDER BY {order} LIMIT {int(latest)}) x)"
    )


@functools.lru_cache(maxsize=64)
def latest_claims(
    dialect: Dialect,
    possible: bool,
    latest: int,
    scope: str = "",
    *,
    ranked: bool = True,
    among: bool = False,
) -> str:
    """Each pair's first `latest` claims in search order that count at (:day, :known, :pin),
    as one text per pair: one index search each, and no second search for a run's break.

    A row is (actor, topic, text), in pair order; the text (None: no claim counts) holds
    the claims, first searched first, split by `CLAIM_BREAK`, each as `_joined` makes it:
    claims of one run have one mark.  A pair that never had a preferred claim is searched
    latest first, a backwards scan of the key; one that had by rank first, as its lookup
    is (`Dialect.run`); not `ranked` (a store with no such pair), every pair latest first.
    `among`: only the pairs `among_params` gives, in no order.
    """
    postgres = dialect.name == "postgresql"
    counted = _counted(possible, scope, dialect=dialect if postgres else None)
    if not among:
        pairs, order = "{pairs} p", " ORDER BY p.actor, p.topic"
    elif postgres:
        pairs, order = (
            "unnest(CAST(:actors AS text[]), CAST(:topics AS text[])) p(actor, topic)",
            "",
        )
    else:
        pairs, order = (
            "(SELECT json_extract(value, '$[0]') AS actor, json_extract(value, '$[1]') AS topic "
            "FROM json_each(:pairs)) p",
            "",
        )
    if not ranked:  # with no join to the preferred pairs, which cost a tenth more
        text = _first_claims(postgres, counted, latest, False)
        return dialect.render(f"SELECT p.actor, p.topic, {text} FROM {pairs}{order}")
    return dialect.render(
        f"SELECT p.actor, p.topic, CASE WHEN f.actor IS NULL "
        f"THEN {_first_claims(postgres, counted, latest, False)} "
        f"ELSE {_first_claims(postgres, counted, latest, True)} END FROM {pairs} "
        "LEFT JOIN {preferred} f ON f.actor = p.actor AND f.topic = p.topic" + order
    )


def among_params(dialect: Dialect, keys: list[tuple[str, str]]) -> dict[str, Any]:
    """The parameters that name the pairs `keys` to `latest_claims(..., among=True)`."""
    if dialect.name == "postgresql":
        return {"actors": [actor for actor, _ in keys], "topics": [topic for _, topic in keys]}
    return {"pairs": json.dumps(keys)}
