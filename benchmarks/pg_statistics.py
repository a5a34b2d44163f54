"""Benchmark: PostgreSQL reads on a view whose tables have statistics, beside one without.

    python benchmarks/pg_statistics.py --postgres postgresql://postgres@127.0.0.1:5432/db
        [--size 100000] [--cache /tmp/timeline-bench]

The store is `benchmarks/coldopen.py`'s synthetic story (1,000 pairs), copied from its
SQLite file into two schemas of the server (`stats_<n>_plain` and `stats_<n>_analysed`,
kept for the next run).  The second one's view tables are analysed (`ANALYZE`, as
autovacuum does on a server that runs it); the first one's never are.  Each read is
timed on both, in turn, so drift hits both alike, and printed with the ratio analysed /
plain.  Beside the lookup, its statement is timed raw on a connection of its own in the
shape the reader used before (one `WHERE`, `ORDER BY ... LIMIT 4`): the anchor for what
statistics did to it.  Nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import coldopen  # noqa: E402
from benchmarks.reads_limit import copied_schema  # noqa: E402
from benchmarks.synthetic import keys  # noqa: E402

LOOKUPS = 400
ROUNDS = 5
KINDS = ("plain", "analysed")


def _schema(base: str, path: Path, n: int, kind: str) -> str:
    """The URL of the store of `n` copied into its schema (copied now if missing)."""
    import psycopg

    url = copied_schema(base, path, n, f"stats_{n}_{kind}")
    schema = f"stats_{n}_{kind}"
    with psycopg.connect(base.split("?")[0], autocommit=True) as conn:
        if kind == "analysed":
            tables = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s "
                "AND tablename LIKE 'positions\\_%%'",
                (schema,),
            ).fetchall()
            for (table,) in tables:
                conn.execute(f'ANALYZE "{schema}"."{table}"')
    return url


def _old_lookup(statement: str) -> str:
    """The lookup statement in the shape the reader ran before `Dialect.filtered`: the
    version's tests in the WHERE clause itself, then LIMIT (as the reader fetches a run)."""
    return f"{statement.replace('CASE WHEN ', '').replace(' THEN true END', '')} LIMIT 4"


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _lookups(
    tl: Any, raw: Any, asked: list[tuple[str, str, int]], known: int
) -> dict[str, list[float]]:
    """Each lookup through the view, then its statement in the former shape, raw."""
    pin = tl.materialised.current()
    old = _old_lookup(tl.materialised.queries.dialect.run(False))
    found: dict[str, list[float]] = {"lookup_us": [], "old_us": []}
    for actor, topic, day in asked:
        view = tl.as_of(dt.date.fromordinal(day).isoformat())
        found["lookup_us"].append(_timed(functools.partial(view.position, actor, topic)) * 1e6)
        params = {"actor": actor, "topic": topic, "day": day, "known": known, "pin": pin}
        found["old_us"].append(_timed(functools.partial(raw, old, params)) * 1e6)
    return found


def _lists(tl: Any, actors: list[str]) -> dict[str, list[float]]:
    """positions() on each day, and relations and developments by actor for a few actors."""
    found: dict[str, list[float]] = {"positions_ms": [], "relations_ms": [], "by_actor_ms": []}
    for day in coldopen.POSITION_DAYS:
        found["positions_ms"].append(_timed(tl.as_of(day).positions) * 1e3)
    for a, b in zip(actors[:5], actors[5:10], strict=True):
        relations = functools.partial(tl.relations, a, b, by="month")
        found["relations_ms"].append(_timed(relations) * 1e3)
        by_actor = functools.partial(tl.developments, actor=a, period="2012")
        found["by_actor_ms"].append(_timed(by_actor) * 1e3)
    return found


def measure(urls: dict[str, str], n: int) -> dict[str, dict[str, float]]:
    """Each read's median on each schema, in microseconds (lookups) or milliseconds."""
    import psycopg

    from timeline import Timeline
    from timeline.projections._rows import known_ordinal

    rng = random.Random(n)
    pairs = keys(coldopen.PAIRS)
    first, last = dt.date(2000, 1, 1).toordinal(), dt.date(2021, 12, 31).toordinal()
    asked = [(*rng.choice(pairs), rng.randint(first, last)) for _ in range(LOOKUPS)]
    actors = sorted({a for a, _ in pairs})
    samples: dict[str, dict[str, list[float]]] = {k: {} for k in urls}
    opened = {k: Timeline.open(url) for k, url in urls.items()}
    connection = psycopg.connect(next(iter(urls.values())).split("?")[0], autocommit=True)
    connection.execute("SET jit = off")  # as the reader's own connection
    cursor = connection.cursor(binary=True)

    def raw(statement: str, params: dict[str, Any]) -> Any:
        return cursor.execute(statement, params).fetchall()

    try:
        known = known_ordinal(None)
        for round_ in range(ROUNDS + 1):  # round 0 warms pages and prepared statements
            for kind, tl in opened.items():
                found = {**_lookups(tl, raw, asked, known), **_lists(tl, actors)}
                for name, values in found.items():
                    samples[kind].setdefault(name, []).extend(values if round_ else [])
        plans = {kind: _plans(tl) for kind, tl in opened.items()}
    finally:
        for tl in opened.values():
            tl.close()
        connection.close()
    medians: dict[str, dict[str, float]] = {
        k: {name: statistics.median(v) for name, v in s.items()} for k, s in samples.items()
    }
    for kind, (generic, custom) in plans.items():
        medians[kind]["generic"], medians[kind]["custom"] = generic, custom
    return medians


def _plans(tl: Any) -> tuple[int, int]:
    """How often the reader's lookup statement ran by its generic plan, and by a custom one."""
    statement = tl.materialised.queries.dialect.run(False)
    rows = tl.materialised.queries.query(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements", {}
    )
    head = statement.split(" WHERE ")[0]  # its columns and table (the values are $1, ...)
    found = [(g, c) for text, g, c in rows if text.startswith(head) and text.endswith("LIMIT 4")]
    return (sum(g for g, _ in found), sum(c for _, c in found))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", required=True, help="a PostgreSQL URL to copy into")
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/timeline-bench"))
    args = parser.parse_args(argv)
    path, _ = coldopen._store(args.cache, args.size)
    urls = {kind: _schema(args.postgres, path, args.size, kind) for kind in KINDS}
    found = measure(urls, args.size)
    print(
        f"PostgreSQL reads at N={args.size:,}, with and without statistics (python "
        f"{sys.version.split()[0]}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end); ratio = analysed / plain"
    )
    print(f"{'median':<52}{'plain':>10}{'analysed':>10}{'ratio':>8}")
    for name, label in (
        ("lookup_us", "view.position(a, t) (us)"),
        ("old_us", "  the lookup's statement in its former shape, raw (us)"),
        ("positions_ms", "positions(), 5 days (ms)"),
        ("relations_ms", "relations(a, b, by=month), 5 pairs (ms)"),
        ("by_actor_ms", "developments(actor=a, period=2012), 5 actors (ms)"),
    ):
        plain, analysed = found["plain"][name], found["analysed"][name]
        print(f"{label:<52}{plain:>10.1f}{analysed:>10.1f}{analysed / plain:>7.2f}x")
    for name in ("generic", "custom"):
        label = f"  the lookup's {name} plans run (count)"
        print(f"{label:<52}{found['plain'][name]:>10.0f}{found['analysed'][name]:>10.0f}")


if __name__ == "__main__":
    main()
