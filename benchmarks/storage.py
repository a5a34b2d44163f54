"""Benchmark: the view's bytes on disk and its catch-up speed, each beside its anchor.

    python benchmarks/storage.py [--sizes 100000,1000000] [--stores sqlite,postgresql]
        [--db postgresql://postgres@127.0.0.1:5432/storage_bench] [--rounds 2]

For each size N and store, the synthetic story (`benchmarks/synthetic.py`: N
developments over 1,000 pairs, 2% of them then revised or retracted) is recorded
through `Timeline.record_many` and its view caught up; then, in one table:

- bytes on disk per development, store with its view against the same events
  without it (SQLite: the file, then a copy of it with the view's tables dropped,
  both vacuumed; PostgreSQL: the relations' total sizes, vacuumed);
- catch-up (`tl.materialised.rebuild()`, events/s) against a raw read of the same
  notifications with `select_notifications` plus `mapper.to_domain_event`, the
  collector paused for both; best of `--rounds` each, alternated.

With `--follow N`, a worker (`timeline project --follow`, its own process) follows
a bulk writer recording N developments (`record_many`, 1,000 per call) on each
store: the writer's rate, and how long after the writer's last commit the
worker's view holds it (its lag).

PostgreSQL runs in fresh schemas of the `--db` database, dropped afterwards.
Targets (issue 19): bytes at most 1.3x; catch-up at least 0.8x.  Nothing here
is a test.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import Clock, _raw_read
from benchmarks.synthetic import story
from timeline import Timeline
from timeline.engine._uncollected import uncollected
from timeline.engine.config import StoreConfig
from timeline.projections._sql import FORMER_TABLES, PREFIX, TABLES

BATCH = 1000


def _fill(url: str, n: int) -> None:
    data = story(n, pairs=1000)
    with Timeline.open(url) as tl:
        tl.record_many([], actors=data.actors, topics=data.topics)
        for batch in data.batches(BATCH):
            tl.record_many(batch)
        for c in data.corrections:
            if c.kind == "retract":
                tl.retract(c.dev_id, reported=c.reported, reason="withdrawn")
            else:
                tl.revise(c.dev_id, reported=c.reported, reason="corrected", **c.changes)
        tl.materialised.catch_up()


def _sqlite_bytes(path: Path) -> tuple[int, int]:
    """The file's size with its view and without it, each vacuumed."""
    bare = path.with_name("bare.db")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(path, bare)
    sizes = []
    for file, drop in ((path, ()), (bare, (*TABLES, *FORMER_TABLES))):
        conn = sqlite3.connect(file, isolation_level=None)
        for table in dict.fromkeys(drop):
            conn.execute(f'DROP TABLE IF EXISTS "{PREFIX}{table}"')
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        sizes.append(file.stat().st_size)
    bare.unlink()
    return sizes[0], sizes[1]


def _postgres_bytes(url: str) -> tuple[int, int]:
    """The schema's relations' total size, and that of the events table alone."""
    import psycopg

    base, _, schema = url.partition("?schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute("VACUUM")
        rows = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r'",
            (schema,),
        ).fetchall()
    sizes: dict[str, int] = dict(rows)
    events = sum(size for name, size in sizes.items() if name.endswith("_events"))
    return sum(sizes.values()), events


def _catch_up(url: str, rounds: int) -> tuple[float, float, float, float]:
    """Events/s of a rebuild and of a raw read + decode, best of `rounds` each: by wall
    time, then by this process's CPU time (which a busy machine's waits do not count,
    nor a database server's work)."""
    ours, raw, ours_cpu, raw_cpu = [], [], [], []
    with Timeline.open(url) as tl:
        page = tl.materialised.page
        for _ in range(rounds):
            gc.collect()
            clock = Clock()
            with clock.timing():
                processed = tl.materialised.rebuild()
            ours.append(processed / clock.wall)
            ours_cpu.append(processed / clock.cpu)
            gc.collect()
            clock = Clock()
            with uncollected():
                count = _raw_read(url, page, clock)
            raw.append(count / clock.wall)
            raw_cpu.append(count / clock.cpu)
    return max(ours), max(raw), max(ours_cpu), max(raw_cpu)


@contextmanager
def _store(kind: str, db: str, folder: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder}/story-{uuid.uuid4().hex[:8]}.db"
        return
    import psycopg

    schema = f"storage_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{db}?schema={schema}"
    finally:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _measure(kind: str, n: int, db: str, folder: str, rounds: int) -> list[str]:
    with _store(kind, db, folder) as url:
        started = time.perf_counter()
        _fill(url, n)
        built = time.perf_counter() - started
        if kind == "sqlite":
            whole, events = _sqlite_bytes(Path(StoreConfig.from_url(url).env["SQLITE_DBNAME"]))
        else:
            whole, events = _postgres_bytes(url)
        ours, raw, ours_cpu, raw_cpu = _catch_up(url, rounds)
    return [
        kind,
        f"{n:,}",
        f"{whole / n:,.0f}",
        f"{events / n:,.0f}",
        f"{whole / events:.2f}x",
        f"{ours:,.0f}",
        f"{raw:,.0f}",
        f"{ours / raw:.2f}x",
        f"{ours_cpu / raw_cpu:.2f}x",
        f"{built:.0f} s",
    ]


def _follow(kind: str, n: int, db: str, folder: str) -> str:
    """The writer's rate and the worker's lag behind it, on one store."""
    data = story(n, pairs=1000)
    with _store(kind, db, folder) as url:
        Timeline.open(url).close()
        env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DB"}
        command = [sys.executable, "-m", "timeline", "--db", url, "project", "--follow"]
        worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            with Timeline.open(url) as tl:
                started = time.perf_counter()
                tl.record_many([], actors=data.actors, topics=data.topics)
                for batch in data.batches(BATCH):
                    tl.record_many(batch)
                wrote = time.perf_counter() - started
                head, view = tl.head, tl.materialised
                while view.tracking_id < head:
                    time.sleep(0.05)
                lag = time.perf_counter() - started - wrote
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    rate = f"{n / wrote:,.0f} dev/s over {wrote:.0f} s"
    return f"{kind}: writer {rate}; the worker caught up {lag:.1f} s after its last commit"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/storage_bench")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--follow", type=int, default=0, help="developments a writer records")
    args = parser.parse_args(argv)
    if args.follow:
        with tempfile.TemporaryDirectory() as folder:
            for kind in args.stores.split(","):
                print(_follow(kind, args.follow, args.db, folder), flush=True)
        return
    header = [
        "store",
        "developments",
        "B/dev",
        "events only",
        "ratio (<=1.3x)",
        "catch-up ev/s",
        "raw read ev/s",
        "ratio (>=0.8x)",
        "by CPU",
        "build",
    ]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in (int(size) for size in args.sizes.split(",")):
            for kind in args.stores.split(","):
                rows.append(_measure(kind, n, args.db, folder, args.rounds))
                print("  ".join(rows[-1]), flush=True)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
