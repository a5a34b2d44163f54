"""Benchmark: the reads users wait on, side by side on PostgreSQL stores of growing size.

    nice -n 10 python benchmarks/scale_pg.py --sizes 100000,1000000 --keep
    nice -n 10 python benchmarks/scale_pg.py --sizes 10000000 --keep --build-only
    python benchmarks/scale_pg.py --sizes 100000,1000000,10000000 --cache --keep
    python benchmarks/scale_pg.py --sizes 100000,1000000,10000000 --cache --keep --unfinished
    nice -n 10 python benchmarks/scale_pg.py --cluster /tmp/scale-cluster --sizes 10000000 --keep \
        --build-only --writers 3 --keep-running

Each size is a store of its own, a schema `scale_<n>` of one database (default
`postgresql://postgres@127.0.0.1:5432/scale_pg`, created if missing).  `--cache`
reuses a store a previous run finished building at that size; `--keep` leaves the
stores in place afterwards (otherwise the schemas this run built are dropped).
`--unfinished` times a store whose build was stopped as far as it got, labelled by
the developments it holds (its actors and partners are those of the full size).
`--cluster DIR` runs the stores on a PostgreSQL server of the benchmark's own instead,
made in DIR with `initdb` on first use and sized for a bulk load (`scale_server.py`),
started on a free port, kept with its data between runs (so `--cache` finds its
stores) and stopped at the end unless `--keep-running`; the database is `--db`'s name.
`--writers N` records a build in N processes, each every N-th batch still missing
(read from the store, so any interrupted build goes on).  `--rebuild` times, after
the reads, the view's rebuild from zero beside a raw read + decode of the events.

The story grows as event data does: more actors as it grows (one per thousand
developments, so each is actor or target of about two thousand at every size), each
development aimed at a partner actor half of the time, and every development carrying
one stance claim by one of 100 tracked actors on one of 10 topics (so the claims on
each tracked pair grow with the store: a hundred at 100k, ten thousand at 10M).
At every size it times, on the same keys: a position lookup, `positions()` of
every tracked pair, `relations A B --by month` over all 21 years of two partners,
and a page of `developments --actor A --from D1 --to D2` (one year of one actor),
and prints them side by side with the ratio of the largest store to the smallest,
and each store's bytes on disk per development (in all, and by table).
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from benchmarks.bench import Clock, _raw_read
from benchmarks.scale_server import own_server, server_settings
from benchmarks.scale_story import (
    BATCH,
    TOPICS,
    TRACKED,
    actor_count,
    actor_id,
    developments,
    registries,
)
from engine.aggregates import stream_id
from tests.clusters import stop_cluster
from timeline import Timeline
from timeline.engine._uncollected import uncollected

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/scale_pg"


# -- stores -------------------------------------------------------------------------------


def _ensure_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def _built(url: str, schema: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass(%s)", (f"{schema}.scale_built",)).fetchone()
        return bool(row and row[0])


def _drop(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _recorded(url: str, schema: str) -> int | None:
    """How many events a store interrupted while building holds (None: no such store)."""
    with psycopg.connect(url, autocommit=True) as conn:
        table = f"{schema}.timeline_events"
        if not conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0]:  # type: ignore[index]
            return None
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def missing(url: str, schema: str, n: int) -> list[int]:
    """The numbers of the story's batches the store does not hold yet.

    Each batch is one transaction, so its first development's stream tells whether
    it is there: a build interrupted anywhere, by any of its writers, goes on with
    exactly the batches it lacks.
    """
    count = -(-n // BATCH)
    firsts = {stream_id("development", f"e{number * BATCH}"): number for number in range(count)}
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            f'SELECT originator_id FROM "{schema}".timeline_events WHERE originator_id = ANY(%s)',
            (list(firsts),),
        ).fetchall()
    held = {firsts[row[0]] for row in rows}
    return [number for number in range(count) if number not in held]


def _write(url: str, schema: str, n: int, batches: list[int], writer: int) -> None:
    """One writer's part of a build: the batches numbered in `batches`, in order."""
    wanted, done, start = set(batches), 0, time.perf_counter()
    with Timeline.open(f"{url}?schema={schema}") as tl:
        app = tl.materialised.application
        for _, batch in developments(n, only=wanted):
            app.record(batch)
            done += len(batch)
            if done % 250_000 == 0:
                rate = done / (time.perf_counter() - start)
                print(
                    f"    {schema} writer {writer}: {done:,} recorded ({rate:,.0f}/s)", flush=True
                )


def build(url: str, schema: str, n: int, writers: int = 1) -> None:
    """Records the store of `n` developments in `schema`; the view waits.

    A build that was interrupted goes on with the batches it lacks (each batch is
    one transaction, and the story is the same for a seed).  The ids are canonical
    already, so batches go straight to the store application's `record` (what
    `Timeline.record_many` calls once names are resolved).  With several `writers`,
    each is a process of its own recording every `writers`-th missing batch, so
    batches land in the store slightly out of the story's order.
    """
    actors, topics = registries(n)
    held = _recorded(url, schema)
    if held is None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    if not held:
        with Timeline.open(f"{url}?schema={schema}") as tl:
            tl.materialised.application.record([], actors, topics)
    todo = missing(url, schema, n)
    left = sum(min(BATCH, n - number * BATCH) for number in todo)
    start = time.perf_counter()
    if writers == 1:
        _write(url, schema, n, todo, 0)
    else:
        fork = multiprocessing.get_context("fork")
        parts = [
            fork.Process(target=_write, args=(url, schema, n, todo[k::writers], k))
            for k in range(writers)
        ]
        for part in parts:
            part.start()
        for part in parts:
            part.join()
        if any(part.exitcode for part in parts) or missing(url, schema, n):
            raise SystemExit(f"{schema}: a writer failed; run again to go on")
    recorded = time.perf_counter() - start
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE TABLE "{schema}".scale_built (n bigint)')
        conn.execute(f'INSERT INTO "{schema}".scale_built VALUES ({n})')
    rate = left / recorded
    print(
        f"  recorded {schema}: {left:,} developments, {rate:,.0f} dev/s ({recorded:,.0f} s, "
        f"{writers} writer{'s' if writers > 1 else ''})",
        flush=True,
    )


def catch_up(url: str, schema: str) -> None:
    """Brings the store's view up to date, saying how fast when there was much to do."""
    with Timeline.open(f"{url}?schema={schema}") as tl:
        start = time.perf_counter()
        count = tl.materialised.catch_up()
        took = time.perf_counter() - start
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'ANALYZE "{schema}".positions_claims')
        conn.execute(f'ANALYZE "{schema}".positions_developments')
    if count:
        print(
            f"  view of {schema}: {count:,} events caught up, {count / took:,.0f} ev/s", flush=True
        )


def rebuild(url: str, schema: str) -> None:
    """Times the view's rebuild from zero beside a raw read + decode of the same events
    (`storage.py`'s anchor), the collector paused for both, and prints the two rates."""
    store = f"{url}?schema={schema}"
    ours, raw = Clock(), Clock()
    with Timeline.open(store) as tl:
        page = tl.materialised.page
        with uncollected(), ours.timing():
            processed = tl.materialised.rebuild()
    with uncollected():
        count = _raw_read(store, page, raw)
    print(
        f"  view of {schema} rebuilt from zero: {processed / ours.wall:,.0f} ev/s "
        f"({processed:,} events, {ours.wall:,.0f} s; CPU {processed / ours.cpu:,.0f} ev/s); "
        f"raw read + decode {count / raw.wall:,.0f} ev/s (CPU {count / raw.cpu:,.0f}); "
        f"ratio {(processed / ours.wall) / (count / raw.wall):.2f}x",
        flush=True,
    )


def table_sizes(url: str, schema: str) -> list[tuple[str, int, int]]:
    """Each of the schema's tables, the largest first: its name, its heap's bytes (with
    TOAST) and its indexes'."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = %s "
            "AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC",
            (schema,),
        ).fetchall()
    return [(str(name), int(heap), int(index)) for name, heap, index in rows]


def disk(sizes: list[tuple[str, int, int]]) -> int:
    """Bytes the tables and their indexes take in all."""
    return sum(heap + index for _, heap, index in sizes)


def by_table(schema: str, sizes: list[tuple[str, int, int]], n: int) -> None:
    """Prints the bytes per development of each table that takes one or more: its heap
    (with TOAST) and its indexes, the largest first."""
    cells = ", ".join(
        f"{name} {heap / n:,.0f} + {index / n:,.0f}"
        for name, heap, index in sizes
        if heap + index >= n
    )
    print(f"  {schema} bytes per development, table + indexes: {cells}", flush=True)


# -- reads --------------------------------------------------------------------------------


def _median_ms(action: Callable[[], Any], repeats: int) -> float:
    action()  # warm: the first read of a store opens its connections
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def reads(url: str, schema: str, n: int, repeats: int) -> dict[str, float]:
    """Median milliseconds of each read on the store of `n` developments."""
    rng = random.Random(7)
    pairs = [
        (actor_id(rng.randrange(TRACKED)), f"topic-{rng.randrange(TOPICS)}") for _ in range(50)
    ]
    partner = TRACKED + rng.randrange(actor_count(n) // 2) * 2
    first, second = actor_id(partner), actor_id(partner + 1)
    with Timeline.open(f"{url}?schema={schema}") as tl:
        view = tl.as_of("2015-06-30")
        picks = iter(range(10**9))

        def lookup() -> None:
            actor, topic = pairs[next(picks) % len(pairs)]
            view.position(actor, topic)

        found: dict[str, float] = {}
        found["position lookup"] = _median_ms(lookup, repeats * 20)
        found["positions() (1,000 pairs)"] = _median_ms(
            lambda: tl.as_of("2015-06-30").positions(), repeats
        )
        found["relations A B --by month (21 y)"] = _median_ms(
            lambda: tl.relations(first, second, by="month"), repeats
        )
        found["developments --actor A, one year"] = _median_ms(
            lambda: tl.developments(actor=first, period="2012"), repeats
        )
        sizes = (
            len(tl.relations(first, second, by="month").periods),
            len(tl.developments(actor=first, period="2012")),
        )
    print(f"  {schema}: relations periods {sizes[0]}, one year's page {sizes[1]} developments")
    return found


def table(results: dict[int, dict[str, float]], bytes_on_disk: dict[int, int]) -> None:
    """Prints every read at every size side by side, with the largest-to-smallest ratio."""
    sizes = sorted(results)
    head = "".join(f"{n:>14,}" for n in sizes)
    print(f"\n{'median ms (developments ->)':<36}{head}{'ratio':>10}")
    for label in results[sizes[0]]:
        cells = "".join(f"{results[n][label]:>14,.2f}" for n in sizes)
        ratio = results[sizes[-1]][label] / results[sizes[0]][label]
        print(f"{label:<36}{cells}{ratio:>9.2f}x")
    cells = "".join(f"{bytes_on_disk[n] / n:>14,.0f}" for n in sizes)
    print(f"{'bytes on disk per development':<36}{cells}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="a PostgreSQL database URL")
    parser.add_argument("--sizes", default="100000,1000000", help="developments per store")
    parser.add_argument("--cache", action="store_true", help="reuse stores already built")
    parser.add_argument("--keep", action="store_true", help="leave the stores in place")
    parser.add_argument("--build-only", action="store_true", help="build, time no read")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of each read")
    parser.add_argument(
        "--cluster", type=Path, help="run on a server of our own in this folder (made if new)"
    )
    parser.add_argument(
        "--writers", type=int, default=1, help="processes recording a build's batches"
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="after the reads, time the view's rebuild from zero beside a raw read + decode",
    )
    parser.add_argument(
        "--keep-running", action="store_true", help="leave the --cluster server running"
    )
    parser.add_argument(
        "--unfinished",
        action="store_true",
        help="time reads on a store whose build was stopped, as far as it got (with --cache)",
    )
    args = parser.parse_args(argv)
    stop_after: Path | None = None
    if args.cluster is not None:
        port, started = own_server(args.cluster.resolve())
        if started and not args.keep_running:
            stop_after = args.cluster.resolve() / "data"
        args.db = f"postgresql://postgres@127.0.0.1:{port}/{args.db.rpartition('/')[2]}"
    try:
        run(args)
    finally:
        if stop_after is not None:
            stop_cluster(stop_after)


def run(args: argparse.Namespace) -> None:
    """Builds, catches up and times the stores the arguments ask for."""
    _ensure_database(args.db)
    print(f"server {args.db}: {server_settings(args.db)}", flush=True)
    sizes = [int(text) for text in args.sizes.split(",")]
    built: list[str] = []
    results: dict[int, dict[str, float]] = {}
    on_disk: dict[int, int] = {}
    try:
        for n in sizes:
            schema = f"scale_{n}"
            held = _recorded(args.db, schema) if args.unfinished else None
            if held is not None and not _built(args.db, schema):
                # Labelled by the developments it holds; drawn as the story of `n` is.
                actors, topics = registries(n)
                size = held - len(actors) - len(topics)
                print(f"  {schema}: unfinished, {size:,} developments held", flush=True)
                catch_up(args.db, schema)
                on_disk[size] = disk(table_sizes(args.db, schema))
                results[size] = reads(args.db, schema, n, args.repeats)
                continue
            if not (args.cache and _built(args.db, schema)):
                if not args.cache:
                    _drop(args.db, schema)
                build(args.db, schema, n, args.writers)
                built.append(schema)
            if args.build_only:
                continue
            catch_up(args.db, schema)
            tables = table_sizes(args.db, schema)  # read once: the total and by table
            on_disk[n] = disk(tables)
            by_table(schema, tables, n)
            results[n] = reads(args.db, schema, n, args.repeats)
            if args.rebuild:
                rebuild(args.db, schema)
        if results:
            table(results, on_disk)
    finally:
        if not args.keep:
            for schema in built:
                _drop(args.db, schema)


if __name__ == "__main__":
    main()
