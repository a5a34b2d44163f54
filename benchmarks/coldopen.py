"""Benchmark: a new reader process opening an already-projected SQLite store.

    python benchmarks/coldopen.py [--sizes 10000,100000,1000000] [--cache /tmp/timeline-bench]

For each size N a store of the synthetic story (`benchmarks/synthetic.py`: N
developments over 1,000 pairs, 2% of them then revised or retracted) is built once
into the cache folder and reused while its marker file says it is complete and
made by the same generator.  Its view is then caught up (in a process of its own)
before anything is measured, since what is measured is a reader opening a store
that is already projected.

Then, for each N, in a new process (`sys.executable`):

- `Timeline.open(url)` plus the first `tl.as_of(day).position(actor, topic)`;
- 1,000 random lookups through the public API, p50/p99, and the same lookups as
  a bare `sqlite3` query on the view's `positions_claims` table (the raw indexed
  probe: `Dialect.run`) on a connection of its own;
- `tl.as_of(day).positions()`, the first call and the median of five days;
- the reader's peak RSS (`getrusage(RUSAGE_SELF).ru_maxrss`, inside it);

and, from this process, the command `timeline --db URL positions --as-of D`
including interpreter start (best of 3).  One table across N is printed, with
each target beside it.  The operating system's page cache is warm throughout
(the store was just built or checked); nothing here is a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.coldopen_table import table  # noqa: E402  only the standard library, as here
from benchmarks.raw_probe import raw_probe  # noqa: E402

# Bump when the way a store is built here changes, so cached stores are rebuilt.
BUILD_FORMAT = 1
PAIRS = 1000
CORRECTED = 0.02
SEED = 1
RECORD_BATCH = 10_000
LOOKUPS = 1000
CLI_RUNS = 3
CLI_DAY = "2018-12-31"
POSITION_DAYS = ("2010-06-30", "2004-03-31", "2012-09-30", "2016-12-31", "2020-06-30")
MB = 1024 * 1024

Result = dict[str, Any]


def _ms(seconds: float) -> float:
    return seconds * 1e3


def _percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """p50 and p99, in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1e6, p99 * 1e6


# -- child processes ---------------------------------------------------------------
#
# Each mode below runs in a process of its own, reads its arguments as JSON on
# standard input and writes its result as JSON on standard output.  Only the
# standard library is imported at module level, so a reader's import of
# `timeline` is timed too.


def _child_build(spec: Result) -> Result:
    """Records the synthetic story into a new store and catches its view up."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic import story
    from timeline import Timeline

    begin = time.perf_counter()
    data = story(spec["n"], pairs=PAIRS, corrected=CORRECTED, seed=SEED)
    made = time.perf_counter()
    with Timeline.open(spec["url"]) as tl:
        tl.record_many([], actors=data.actors, topics=data.topics)
        for batch in data.batches(RECORD_BATCH):
            tl.record_many(batch)
        recorded = time.perf_counter()
        for c in data.corrections:
            if c.kind == "retract":
                tl.retract(c.dev_id, reported=c.reported, reason="withdrawn")
            else:
                tl.revise(c.dev_id, reported=c.reported, reason="corrected", **c.changes)
        corrected = time.perf_counter()
        tl.materialised.catch_up()
        projected = time.perf_counter()
        head, reached = tl.head, tl.materialised.tracking_id
    return {
        "head": head,
        "reached": reached,
        "story_s": made - begin,
        "record_s": recorded - made,
        "correct_s": corrected - recorded,
        "catch_up_s": projected - corrected,
    }


def _child_catch_up(spec: Result) -> Result:
    """Brings the view of an existing store up to date (a no-op when it is)."""
    from timeline import Timeline

    start = time.perf_counter()
    with Timeline.open(spec["url"]) as tl:
        processed = tl.materialised.catch_up()
        head, reached = tl.head, tl.materialised.tracking_id
    return {
        "processed": processed,
        "head": head,
        "reached": reached,
        "took_s": time.perf_counter() - start,
    }


def _child_read(spec: Result) -> Result:
    """The reader: opens the store, looks up, lists, and probes the raw SQL."""
    clock = time.perf_counter
    queries: list[tuple[str, str, str]] = [tuple(q) for q in spec["queries"]]
    start = clock()
    from timeline import Timeline

    imported = clock()
    tl = Timeline.open(spec["url"])
    opened = clock()
    actor, topic, day = queries[0]
    tl.as_of(day).position(actor, topic)
    first = clock()
    rss_open = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    # The view was current at open: had the lookup caught up, it would have moved on.
    caught_up = tl.materialised.reached == tl.materialised.tracking_id == tl.head

    api: list[float] = []
    found: list[bool] = []
    for actor, topic, day in queries:
        begin = clock()
        held = tl.as_of(day).position(actor, topic)
        api.append(clock() - begin)
        found.append(held is not None)

    rss_lookups = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    listing = []
    count = 0
    for day in POSITION_DAYS:
        begin = clock()
        count = len(tl.as_of(day).positions())
        listing.append(clock() - begin)
    pin = tl.materialised.reached
    tl.close()

    every_day = POSITION_DAYS[0]
    raw, raw_found, raw_all = raw_probe(spec["path"], queries, pin, every_day, run_only=False)
    run, run_found, run_all = raw_probe(spec["path"], queries, pin, every_day, run_only=True)
    return {
        "import_s": imported - start,
        "open_s": opened - imported,
        "first_s": first - opened,
        "caught_up": caught_up,
        "api": api,
        "agree": found == raw_found == run_found,
        "positions_first_s": listing[0],
        "positions_median_s": statistics.median(listing),
        "positions_count": count,
        "raw": raw,
        "raw_all_s": raw_all,
        "run": run,
        "run_all_s": run_all,
        "rss_lookups": rss_lookups,
        "rss_open": rss_open,
        "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


CHILDREN: dict[str, Callable[[Result], Result]] = {
    "build": _child_build,
    "catch-up": _child_catch_up,
    "read": _child_read,
}


def _run_child(mode: str, spec: Result) -> Result:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {mode} process failed (exit {done.returncode})")
    result: Result = json.loads(done.stdout.splitlines()[-1])
    return result


# -- the stores --------------------------------------------------------------------


def _generator_digest() -> str:
    """What the cached stores were made by: this build's format and the generator's code."""
    digest = hashlib.sha256(f"{BUILD_FORMAT}/{PAIRS}/{CORRECTED}/{SEED}".encode())
    digest.update((HERE / "synthetic.py").read_bytes())
    return digest.hexdigest()[:16]


def _store(cache: Path, n: int) -> tuple[Path, Result | None]:
    """The store of size `n` in the cache, built now if it is missing or stale.

    Returns its path and, when it was built in this run, the build's timings.
    """
    path = cache / f"story-{n}.db"
    marker = cache / f"story-{n}.json"
    digest = _generator_digest()
    if path.exists() and marker.exists():
        made = json.loads(marker.read_text())
        if made.get("generator") == digest and made.get("n") == n:
            return path, None
    for stale in (path, marker, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    print(f"building the store of {n:,} developments in {path} ...", file=sys.stderr, flush=True)
    built = _run_child("build", {"url": f"sqlite:///{path}", "n": n})
    if built["head"] != built["reached"]:
        raise SystemExit(f"the view of {path} did not catch up: {built}")
    marker.write_text(json.dumps({"n": n, "generator": digest, **built}, indent=2))
    print(
        "  story {story_s:.0f} s, record {record_s:.0f} s, corrections {correct_s:.0f} s, "
        "catch-up {catch_up_s:.0f} s".format(**built),
        file=sys.stderr,
        flush=True,
    )
    return path, built


def _queries(count: int, seed: int) -> list[tuple[str, str, str]]:
    """Random (actor, topic, day) lookups over the story's pairs and years."""
    sys.path.insert(0, str(ROOT))
    import datetime as dt

    from benchmarks.synthetic import keys

    rng = random.Random(seed)
    pairs = keys(PAIRS)
    first, last = dt.date(2000, 1, 1).toordinal(), dt.date(2021, 12, 31).toordinal()
    return [
        (*rng.choice(pairs), dt.date.fromordinal(rng.randint(first, last)).isoformat())
        for _ in range(count)
    ]


def _cli(url: str, runs: int) -> tuple[float, int, int]:
    """Best wall time of `timeline --db URL positions --as-of D`, its peak RSS and lines."""
    command = shutil.which("timeline", path=str(Path(sys.executable).parent)) or "timeline"
    best, peak, lines = float("inf"), 0, 0
    for _ in range(runs):
        with tempfile.TemporaryFile() as errors:
            begin = time.perf_counter()
            process = subprocess.Popen(
                [command, "--db", url, "positions", "--as-of", CLI_DAY],
                stdout=subprocess.PIPE,
                stderr=errors,
            )
            assert process.stdout is not None
            out = process.stdout.read()
            # wait4 gives this child's own resource usage (its peak RSS among it).
            _, status, usage = os.wait4(process.pid, 0)
            took = time.perf_counter() - begin
            process.stdout.close()
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                errors.seek(0)
                raise SystemExit(f"timeline positions failed: {errors.read().decode()}")
        best = min(best, took)
        peak = max(peak, usage.ru_maxrss * 1024)
        lines = out.count(b"\n")
    return best, peak, lines


# -- the measures ------------------------------------------------------------------


def _measure(n: int, cache: Path, lookups: int, cli_runs: int) -> Result:
    path, built = _store(cache, n)
    url = f"sqlite:///{path}"
    prepared = _run_child("catch-up", {"url": url})
    if prepared["head"] != prepared["reached"]:
        raise SystemExit(f"the view of {path} is not current: {prepared}")
    queries = _queries(lookups, seed=n)
    read = _run_child("read", {"url": url, "path": str(path), "queries": queries})
    if not read["caught_up"]:
        raise SystemExit(f"the reader of {path} had to catch up: the measurement is void")
    cli, cli_rss, cli_lines = _cli(url, cli_runs)
    api50, api99 = _percentiles(read["api"])
    raw50, raw99 = _percentiles(read["raw"])
    run50, run99 = _percentiles(read["run"])
    return {
        "n": n,
        "size_mb": sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / MB,
        "built": built,
        "caught_up_before": prepared["processed"],
        "import_ms": _ms(read["import_s"]),
        "open_ms": _ms(read["open_s"]),
        "first_ms": _ms(read["first_s"]),
        "open_first_ms": _ms(read["open_s"] + read["first_s"]),
        "api50": api50,
        "api99": api99,
        "raw50": raw50,
        "raw99": raw99,
        "ratio50": api50 / raw50,
        "run50": run50,
        "run99": run99,
        "run_ratio50": api50 / run50,
        "agree": read["agree"],
        "positions_first_ms": _ms(read["positions_first_s"]),
        "positions_ms": _ms(read["positions_median_s"]),
        "positions_count": read["positions_count"],
        "raw_all_ms": _ms(read["raw_all_s"]),
        "run_all_ms": _ms(read["run_all_s"]),
        "rss_lookups_mb": read["rss_lookups"] / MB,
        "rss_open_mb": read["rss_open"] / MB,
        "rss_mb": read["rss_peak"] / MB,
        "cli_ms": _ms(cli),
        "cli_rss_mb": cli_rss / MB,
        "cli_lines": cli_lines,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="developments per store, comma-separated (default 10000,100000,1000000)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path("/tmp/timeline-bench"),
        help="folder of the built stores, reused when present (default /tmp/timeline-bench)",
    )
    parser.add_argument("--lookups", type=int, default=LOOKUPS, help="random lookups per N")
    parser.add_argument("--cli-runs", type=int, default=CLI_RUNS, help="CLI runs (best of)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = CHILDREN[args.child](json.load(sys.stdin))
        print(json.dumps(result))
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    results = []
    for n in sizes:
        print(f"measuring N={n:,} ...", file=sys.stderr, flush=True)
        results.append(_measure(n, args.cache, args.lookups, args.cli_runs))
    print(
        f"cold open of an already-projected SQLite store ({PAIRS:,} pairs; "
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end)"
    )
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
