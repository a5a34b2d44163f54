"""Benchmark: recording, projection catch-up and as-of lookups, side by side in one run.

    python benchmarks/bench.py --n 100000 [--db postgresql://postgres@127.0.0.1:5432/test]

Prints, on SQLite (or on PostgreSQL with --db postgresql://...): record throughput
through `Timeline.record_many` against saving the same aggregates with plain
eventsourcing (`app.save(*aggregates)`, batch by batch, interleaved so both see the
same machine); view catch-up (`tl.materialised.rebuild()`) against reading the raw
notification log (`select_notifications` + `mapper.to_domain_event`); as-of position
lookup p50/p99, materialised against pure replay; `positions()` for every pair as of
a day; peak memory.  Each line shows its target; nothing here is a test.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import Story, story
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import When
from timeline.engine._application import StoreApplication
from timeline.engine._uncollected import uncollected
from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream
from timeline.engine.config import StoreConfig

BATCH = 1000  # developments per record_many / save

Query = tuple[tuple[str, str], When, When | None]


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f}/s"


def _line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<48}{value:>18}  {note}".rstrip())


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


class Clock:
    """Wall time and this process's CPU time, added up over what it times.

    On a shared machine, wall time also counts waiting for a core; CPU time does
    not (but nor does it count a database server's work, or waiting for the disk).
    """

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    @contextmanager
    def timing(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def record(tl: Timeline, plain_url: str, data: Story) -> None:
    """Records through `Timeline` and saves the same aggregates with plain eventsourcing.

    Batches alternate between the two stores, so drift in the machine's load (or the
    files' growth) falls on both alike.
    """
    plain = StoreApplication(env=StoreConfig.from_url(plain_url).env)
    ours, theirs = Clock(), Clock()
    try:
        with ours.timing():
            tl.record_many([], actors=data.actors, topics=data.topics)
        with theirs.timing():
            plain.save(
                *(ActorStream(actor=a) for a in data.actors),
                *(TopicStream(topic=t) for t in data.topics),
            )
        for batch in data.batches(BATCH):
            with ours.timing():
                tl.record_many(batch)
            with theirs.timing():
                plain.save(*(DevelopmentStream(development=d) for d in batch))
    finally:
        plain.close()
    events = len(data.developments) + len(data.actors) + len(data.topics)
    ratio = theirs.wall / ours.wall
    print(f"record ({events:,} events, {BATCH:,} developments per transaction)")
    _line("Timeline.record_many", _rate(events, ours.wall))
    _line("plain eventsourcing app.save(*aggregates)", _rate(events, theirs.wall))
    _line("ratio (target >= 1.00x)", f"{ratio:.2f}x", _verdict(ratio >= 1.0))
    _line("  the same ratio in this process's CPU time", f"{theirs.cpu / ours.cpu:.2f}x")


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


def _raw_read(url: str, page: int, clock: Clock) -> int:
    """Reads and decodes every notification, a page at a time, as catching up does."""
    app = StoreApplication(env=StoreConfig.from_url(url).env)
    try:
        with clock.timing():
            count = after = 0
            while True:
                batch = app.recorder.select_notifications(
                    start=after, limit=page, inclusive_of_start=False
                )
                for notification in batch:
                    app.mapper.to_domain_event(notification)
                count += len(batch)
                if len(batch) < page:
                    break
                after = batch[-1].id
    finally:
        app.close()
    return count


def catch_up(tl: Timeline, url: str, kind: str, rounds: int) -> None:
    """Times the view's rebuild from zero against a raw read of the log (best of `rounds`)."""
    page = tl.materialised.page
    built: list[Clock] = []
    raw: list[Clock] = []
    processed = count = 0
    for _ in range(rounds):
        gc.collect()
        built.append(Clock())
        with built[-1].timing():
            processed = tl.materialised.rebuild()
        gc.collect()
        raw.append(Clock())
        count = _raw_read(url, page, raw[-1])
        raw.append(Clock())
        with uncollected():  # the same help catching up gets, for a fair ratio
            _raw_read(url, page, raw[-1])
    ours = min(c.wall for c in built)
    best = min(c.wall for c in raw)
    plain = min(c.wall for c in raw[::2])
    ratio = (processed / ours) / (count / best)
    cpu = (processed / min(c.cpu for c in built)) / (count / min(c.cpu for c in raw))
    target = 0.6 if kind == "postgresql" else 0.5
    print(f"view catch-up ({processed:,} events, best of {rounds})")
    _line("tl.materialised.rebuild()", _rate(processed, ours))
    _line("raw select_notifications + to_domain_event", _rate(count, plain))
    _line("  the same, GC paused", _rate(count, min(c.wall for c in raw[1::2])))
    _line(
        f"ratio to the faster raw read (target >= {target:.1f}x)",
        f"{ratio:.2f}x",
        _verdict(ratio >= target),
    )
    _line("  the same ratio in this process's CPU time", f"{cpu:.2f}x")


def _queries(data: Story, count: int, seed: int) -> list[Query]:
    rng = random.Random(seed)
    pairs = data.pairs()
    days = [When(f"{year}-{month:02d}-15") for year in range(2000, 2022) for month in (3, 9)]
    chosen: list[Query] = []
    for _ in range(count):
        day = rng.choice(days)
        known = (
            None if rng.random() < 0.5 else rng.choice([d for d in days if d.latest >= day.latest])
        )
        chosen.append((rng.choice(pairs), day, known))
    return chosen


def _percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1e6, p99 * 1e6


def _time_lookups(tl: Timeline, queries: list[Query]) -> list[float]:
    took = []
    clock = time.perf_counter
    for (actor, topic), day, known in queries:
        start = clock()
        tl.as_of(day, known).position(actor, topic)
        took.append(clock() - start)
    return took


def lookups(tl: Timeline, data: Story, count: int, replays: int, kind: str) -> None:
    """As-of position lookups, materialised against pure replay, with a check."""
    queries = _queries(data, count, seed=7)
    # Steady state: one lookup per pair first warms the page caches.
    _time_lookups(tl, [(pair, When("2010-06-15"), None) for pair in data.pairs()])
    fast = _time_lookups(tl, queries)
    oracle = tl.reading(Replayed)
    oracle.as_of("2010-06-15").position(*data.pairs()[0])  # the replay's first full read
    slow = _time_lookups(oracle, queries[:replays])
    for (actor, topic), day, known in queries[:replays]:
        replayed = oracle.as_of(day, known).position(actor, topic)
        assert tl.as_of(day, known).position(actor, topic) == replayed, "views disagree"
    (f50, f99), (s50, s99) = _percentiles(fast), _percentiles(slow)
    print("as-of position lookup: tl.as_of(day, known_at).position(actor, topic)")
    note = ""
    if kind == "postgresql":
        note = f"target p50 <= 250 us: {_verdict(f50 <= 250)}"
    _line(f"materialised p50 / p99 ({len(fast):,} lookups)", f"{f50:,.0f} / {f99:,.0f} us", note)
    _line(f"pure replay p50 / p99 ({len(slow):,} lookups)", f"{s50:,.0f} / {s99:,.0f} us")
    _line("replay / materialised, p50", f"{s50 / f50:,.0f}x")


def everything(tl: Timeline, day: str, kind: str) -> None:
    """`positions()` for every pair as of one day, both ways."""
    first = _timed(lambda: tl.as_of(day).positions())
    again = [_timed(lambda: tl.as_of(day).positions()) for _ in range(5)]
    fast = tl.as_of(day).positions()
    oracle = tl.reading(Replayed)
    slow_took = _timed(lambda: oracle.as_of(day).positions())
    slow = oracle.as_of(day).positions()
    assert fast == slow, "views disagree"
    median = statistics.median(again)
    print(f"positions() of every pair as of {day} ({len(fast):,} positions)")
    note = ""
    if kind == "postgresql":
        note = f"target <= 50 ms: {_verdict(median <= 0.050)}"
    _line(
        "materialised, median of 5 (first call)",
        f"{median * 1e3:,.1f} ({first * 1e3:,.1f}) ms",
        note,
    )
    _line("pure replay", f"{slow_took * 1e3:,.1f} ms")
    _line("replay / materialised", f"{slow_took / median:,.0f}x")


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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="developments to generate")
    parser.add_argument(
        "--db",
        help="sqlite:///file.db, or postgresql://user@host/db (two fresh schemas are used "
        "and dropped); default: a temporary SQLite file",
    )
    parser.add_argument("--pairs", type=int, default=1000, help="actor-topic pairs")
    parser.add_argument("--lookups", type=int, default=5000, help="materialised lookups")
    parser.add_argument("--replays", type=int, default=0, help="replay lookups (default by N)")
    parser.add_argument("--rounds", type=int, default=2, help="rebuilds and raw reads to time")
    args = parser.parse_args(argv)
    replays = args.replays or max(5, min(50, 2_000_000 // max(args.n, 1)))
    with tempfile.TemporaryDirectory() as folder, _stores(args.db, folder) as (url, plain):
        kind = StoreConfig.from_url(url).kind
        begin = time.perf_counter()
        data = story(args.n, pairs=args.pairs)
        # The story is the benchmark's input, held whole in memory: frozen out of the
        # cyclic collector, it is not scanned again by each collection that the code
        # measured triggers (which would charge the input's size to whichever side
        # allocates more).
        gc.collect()
        gc.freeze()
        print(
            f"{kind}: {len(data.developments):,} developments, {len(data.pairs()):,} pairs, "
            f"{len(data.corrections):,} corrections ({time.perf_counter() - begin:.0f} s to make; "
            "frozen out of the garbage collector)"
        )
        with Timeline.open(url) as tl:
            record(tl, plain, data)
            correct(tl, data)
            catch_up(tl, url, kind, args.rounds)
            lookups(tl, data, args.lookups, replays, kind)
            everything(tl, "2010-06-30", kind)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"peak memory {peak:,.0f} MB; total {time.perf_counter() - begin:.0f} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
