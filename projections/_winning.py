"""Every pair's winning run read at once, for SQLite and for PostgreSQL.

`engine._rule` says which claims make a position: of the claims on a pair that
count, searched by rank (higher first) and then latest first, the first one and
those after it of the same stance and rank, unbroken (`rule.winning_run`).
`latest_claims` takes each pair's first few claims in search order, in one index
search, joined into one text; the run is found among them
(`projections._lookups.positions_of_latest`), and only a pair whose claims read are
all of its run is read again (`among`), with more.  The tests hold it to a statement
that finds each pair's whole run in SQL (`tests/winning_runs_sql.py`).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from typing import Any

from timeline.engine import _rule as rule
from timeline.projections._sql import Dialect
from timeline.projections._sql_reads import LATEST_FIRST, STORY, current

__all__ = [
    "CLAIM_BREAK",
    "FIELD_BREAK",
    "among_params",
    "latest_claims",
    "mark",
    "tentative_pairs",
]

# What `latest_claims` puts between two claims of a pair, and between a claim's fields:
# control characters, which neither a development id nor EDTF text can hold.
CLAIM_BREAK, FIELD_BREAK = "\x1e", "\x1f"


def _counted(possible: bool, scope: str, alias: str = "", dialect: Dialect | None = None) -> str:
    """The conditions under which a claim counts at (:day, :known, :pin), as `run` has them
    (given a `dialect`, those the key index cannot search by as it filters them)."""
    a = f"{alias}." if alias else ""
    by = rule.POSSIBLE_BY if possible else rule.CERTAIN_BY
    tested = f"{current(alias)} AND {a}{rule.COUNTS}{scope}"
    searched = f"{a}occurred_earliest <= :day AND {a}{by} <= :day"
    return f"{searched} AND {dialect.filtered(tested) if dialect else tested}"


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
        f"WHERE CASE WHEN f.actor IS NULL THEN ({first} {LATEST_FIRST} LIMIT 1) "
        f"ELSE ({first} {rule.RANK} DESC, {LATEST_FIRST} LIMIT 1) END > :day "
        "ORDER BY p.actor, p.topic"
    )


# A claim's fields after its dev_id, as `latest_claims` joins them.
_FIELDS = "occurred, occurred_earliest, occurred_latest"


def mark(stance: int, tier: int) -> str:
    """A claim's mark as `latest_claims` writes it before its dev_id: one digit that
    stands for its stance and its rank (a rank that counts: normal or preferred)."""
    return str(stance + 2 + 5 * tier)


# `mark` in SQL, for a pair that ever had a preferred claim (`ranked`) and for one that
# never had (whose claims that count are all of the normal rank, 0).
_MARK = {True: f"stance + 2 + 5 * {rule.RANK}", False: "stance + 2"}


def _joined(postgres: bool, ranked: bool) -> str:
    """A claim as one text: its `mark` and dev_id, then its occurred text, occurred
    earliest and latest, split by `FIELD_BREAK`."""
    if postgres:
        return f"concat_ws(chr(31), ({_MARK[ranked]}) || dev_id, {_FIELDS})"
    # One printf: a chain of || costs SQLite more.
    texts = " || char(31) || ".join(["'%d%s'", "'%s'", "'%d'", "'%d'"])
    return f"printf({texts}, {_MARK[ranked]}, dev_id, {_FIELDS})"


def _first_claims(postgres: bool, counted: str, latest: int, ranked: bool) -> str:
    """A pair's (`p`) first `latest` claims that count, in search order, as one text."""
    order = f"{rule.RANK} DESC, {LATEST_FIRST}" if ranked else LATEST_FIRST

    def searched(keys: str) -> str:
        return (
            f"SELECT {_joined(postgres, ranked)} AS claim{keys} FROM {{claims}} c WHERE "
            f"actor = p.actor AND topic = p.topic AND {counted} ORDER BY {order} "
            f"LIMIT {int(latest)}"
        )

    if postgres:
        # ARRAY(...) holds the rows in the order its query gives them: no ordered
        # aggregate, which sorts each pair's claims again (a fifth to a quarter of the
        # statement on the 10k and 100k stores).  No claim counts: NULL, not ''.
        return f"NULLIF(array_to_string(ARRAY({searched('')}), chr(30)), '')"
    # The claims are joined in search order: SQLite from 3.44 is told so; before, it
    # cannot be, and joins them in the order its ordered subquery gives them.
    told = sqlite3.sqlite_version_info >= (3, 44)
    within, keys = (f" ORDER BY {order}", f", {rule.RANK}, {STORY}") if told else ("", "")
    return f"(SELECT group_concat(claim, char(30){within}) FROM ({searched(keys)}) x)"


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
    claims of one run begin with one mark.  A pair that never had a preferred claim is searched
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
