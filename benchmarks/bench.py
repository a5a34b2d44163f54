"""Benchmark: recording, projection catch-up and as-of lookups, side by side in one run.

    python benchmarks/bench.py --n 100000 [--db sqlite:///bench.db]

Prints, on SQLite (or on PostgreSQL with --db postgresql://...): record throughput
against saving the same events with plain eventsourcing; catch-up throughput against
reading and decoding the raw notification log; as-of position lookup p50/p99,
materialised against pure replay; `positions()` for every pair as of a day; peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import Story, story
from timeline import Timeline
from timeline.engine import When, aggregates
from timeline.engine.config import StoreConfig
from timeline.engine.store import StoreApplication
from timeline.projections.projection import collection_paused

BATCH = 1000  # developments per record_many / save


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f}/s"


def _line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<44}{value:>16}  {note}")


@contextmanager
def _timed(result: list[float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    result.append(time.perf_counter() - start)


def record(tl: Timeline, plain_url: str, data: Story) -> None:
    """Records through `Timeline` and saves the same events with plain eventsourcing."""
    took: list[float] = []
    with _timed(took):
        tl.record_many([], actors=data.actors, topics=data.topics)
        for batch in data.batches(BATCH):
            tl.record_many(batch)
    app = StoreApplication(env=StoreConfig.from_url(plain_url).env)
    with _timed(took):
        app.save(*(aggregates.ActorStream(actor=a) for a in data.actors))
        app.save(*(aggregates.TopicStream(topic=t) for t in data.topics))
        for batch in data.batches(BATCH):
            app.save(*(aggregates.DevelopmentStream(development=d) for d in batch))
    app.close()
    events = len(data.developments) + len(data.actors) + len(data.topics)
    print("record")
    _line("Timeline.record_many", _rate(events, took[0]))
    _line("plain eventsourcing save", _rate(events, took[1]))
    _line("ratio (target >= 0.8)", f"{took[1] / took[0]:.2f}x")


def correct(tl: Timeline, data: Story) -> None:
    """Applies the story's revisions and retractions one by one."""
    start = time.perf_counter()
    for c in data.corrections:
        if c.kind == "retract":
            tl.retract(c.dev_id, reported=c.reported, reason="withdrawn")
        else:
            tl.revise(c.dev_id, reported=c.reported, reason="corrected", **c.changes)
    took = time.perf_counter() - start
    _line(
        f"revise/retract ({len(data.corrections):,} one by one)", _rate(len(data.corrections), took)
    )


def _raw_read(url: str) -> tuple[int, float]:
    app = StoreApplication(env=StoreConfig.from_url(url).env)
    start = time.perf_counter()
    count = 0
    for notification in app.notifications():
        app.mapper.to_domain_event(notification)
        count += 1
    took = time.perf_counter() - start
    app.close()
    return count, took


def catch_up(tl: Timeline, url: str) -> None:
    """Times the projection's catch-up from zero against a raw read of the log."""
    start = time.perf_counter()
    processed = tl.materialised.rebuild()
    projected = time.perf_counter() - start
    raw, read = _raw_read(url)
    with collection_paused():  # the same help catching up gets, for a fair ratio
        fair, fair_read = _raw_read(url)
    best = max(raw / read, fair / fair_read)
    print("projection")
    _line("catch-up from zero", _rate(processed, projected))
    _line("raw log read + decode", _rate(raw, read))
    _line("raw log read + decode, GC paused", _rate(fair, fair_read))
    _line("ratio to the faster read (target >= 0.5)", f"{(processed / projected) / best:.2f}x")


def _queries(data: Story, count: int, seed: int) -> list[tuple[tuple[str, str], When, When | None]]:
    rng = random.Random(seed)
    pairs = data.pairs()
    days = [When(f"{year}-{month:02d}-15") for year in range(2000, 2022) for month in (3, 9)]
    chosen = []
    for _ in range(count):
        day = rng.choice(days)
        known = (
            None if rng.random() < 0.5 else rng.choice([d for d in days if d.latest >= day.latest])
        )
        chosen.append((rng.choice(pairs), day, known))
    return chosen


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1e6, p99 * 1e6


def _time_lookups(
    tl: Timeline, queries: list[tuple[tuple[str, str], When, When | None]]
) -> list[float]:
    took = []
    for (actor, topic), day, known in queries:
        start = time.perf_counter()
        tl.as_of(day, known).position(actor, topic)
        took.append(time.perf_counter() - start)
    return took


def lookups(tl: Timeline, data: Story, count: int, replays: int) -> None:
    """As-of position lookups, materialised against pure replay, with a check."""
    queries = _queries(data, count, seed=7)
    # Steady state: one lookup per pair first warms the page caches (a cold first
    # pass over 1,000 pairs costs about half as much again per lookup).
    _time_lookups(tl, [(pair, When("2010-06-15"), None) for pair in data.pairs()])
    fast = _time_lookups(tl, queries)
    tl.materialised.enabled = False
    slow = _time_lookups(tl, queries[:replays])
    for (actor, topic), day, known in queries[:replays]:
        replayed = tl.as_of(day, known).position(actor, topic)
        tl.materialised.enabled = True
        assert tl.as_of(day, known).position(actor, topic) == replayed, "views disagree"
        tl.materialised.enabled = False
    tl.materialised.enabled = True
    (f50, f99), (s50, s99) = _percentiles(fast), _percentiles(slow)
    print("as-of position lookup (tl.as_of(day, known_at).position(actor, topic))")
    _line(f"materialised p50 / p99 ({len(fast):,} lookups)", f"{f50:,.0f} / {f99:,.0f} us")
    _line(f"pure replay p50 / p99 ({len(slow):,} lookups)", f"{s50:,.0f} / {s99:,.0f} us")
    _line("ratio of p50 (target >= 1000)", f"{s50 / f50:,.0f}x", "target p50 <= 100 us at 1M")


def everything(tl: Timeline, day: str) -> None:
    """`positions()` for every pair as of one day, both ways."""
    took: list[float] = []
    with _timed(took):
        fast = tl.as_of(day).positions()
    tl.materialised.enabled = False
    with _timed(took):
        slow = tl.as_of(day).positions()
    tl.materialised.enabled = True
    assert fast == slow, "views disagree"
    print(f"positions() of every pair as of {day} ({len(fast):,} positions)")
    _line("materialised", f"{took[0] * 1e3:,.1f} ms")
    _line("pure replay", f"{took[1] * 1e3:,.1f} ms")
    _line("ratio", f"{took[1] / took[0]:,.0f}x")


@contextmanager
def _stores(db: str | None, folder: str) -> Iterator[tuple[str, str]]:
    """The story's store URL and a sibling for plain eventsourcing, of the same kind.

    On PostgreSQL both are fresh schemas of the given database, dropped afterwards.
    """
    if db is None or StoreConfig.from_url(db).kind != "postgresql":
        yield db or f"sqlite:///{folder}/story.db", f"sqlite:///{folder}/plain.db"
        return
    import psycopg

    base = db.split("?")[0]
    schemas = [f"bench_{uuid.uuid4().hex[:12]}", ""]
    schemas[1] = schemas[0] + "_plain"
    with psycopg.connect(base, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?schema={schemas[0]}", f"{base}?schema={schemas[1]}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="developments to generate")
    parser.add_argument(
        "--db",
        help="sqlite:///file.db, or postgresql://user@host/db (two fresh schemas are used "
        "and dropped); default: a temporary SQLite file",
    )
    parser.add_argument("--pairs", type=int, default=1000, help="actor-topic pairs")
    parser.add_argument("--lookups", type=int, default=5000, help="materialised lookups")
    parser.add_argument("--replays", type=int, default=0, help="replay lookups (default by N)")
    args = parser.parse_args(argv)
    replays = args.replays or max(5, min(50, 2_000_000 // max(args.n, 1)))
    with tempfile.TemporaryDirectory() as folder, _stores(args.db, folder) as (url, plain):
        begin = time.perf_counter()
        data = story(args.n, pairs=args.pairs)
        print(
            f"story: {len(data.developments):,} developments, {len(data.pairs()):,} pairs, "
            f"{len(data.corrections):,} corrections ({time.perf_counter() - begin:.0f} s to make)"
        )
        with Timeline.open(url) as tl:
            record(tl, plain, data)
            correct(tl, data)
            catch_up(tl, url)
            lookups(tl, data, args.lookups, replays)
            everything(tl, "2010-06-30")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:,.0f} MB; total {time.perf_counter() - begin:.0f} s")


if __name__ == "__main__":
    main()
