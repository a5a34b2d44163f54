"""Benchmark: the web page's reads from 20 concurrent clients on large SQLite stores.

    nice -n 10 python benchmarks/web_scale.py [--sizes 20000,1000000] [--clients 20]
        [--seconds 20] [--cache /tmp/timeline-bench] [--baseline OTHER_VENV/bin/python]
        [--mix page|api] [--store PATH] [--without chart,story] [--workers N]

For each size N the synthetic story's store (`benchmarks/synthetic.py`, built once
into the cache folder by `benchmarks/coldopen.py`'s builder and reused) is served by
`timeline.web.serve` in a process of its own on 127.0.0.1.  The first `/api/story`
(which reads every development once per store position, then keeps its answer) is
timed on its own.  Then N clients (asyncio tasks, one keep-alive connection each)
send the page's reads for S seconds, each waiting for its answer before the next:
positions of every pair and explanations on random days and knowledge days,
histories, diffs, one actor's developments over a year, relations of two actors,
the story, and the topic charts (drawn once per topic, then kept); from
`--lookups-from` developments on, only the reads the view answers by index
(positions, explain, history, diff), since the others read every development.
The unfiltered listing of every development is always left out: at a million
developments its answer alone is hundreds of megabytes.  Printed per N: requests,
requests/s, p50, p90, p99 and the maximum latency, overall and per endpoint, the
errors (any answer other than 200), and the server's CPU time over the run (its
process and its workers', from /proc) per request answered.  Nothing here is a test;
it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.coldopen import PAIRS, _store  # noqa: E402  the cached stores' builder
from benchmarks.synthetic import keys  # noqa: E402
from benchmarks.web_load import Pick, client_loop, free_port, report  # noqa: E402

SERVER = """
import sys
from timeline.web import serve
workers = int(sys.argv[3])
more = {"workers": workers} if workers > 1 else {}  # a build from before workers has none
serve(sys.argv[1], "127.0.0.1", int(sys.argv[2]), title="synthetic", log_level="warning", **more)
"""
TICK = os.sysconf("SC_CLK_TCK")
DAYS = [f"{y}-{m:02d}-15" for y in range(2001, 2021, 2) for m in (3, 9)]
KNOWN = ["", "", "2010-06-30", "2015-12-31", "2019-01-01"]


def _partner(rng: random.Random, pairs: list[tuple[str, str]], actor: str) -> str:
    """Another actor than `actor`: relations of an actor with itself are refused (400)."""
    while True:
        other = rng.choice(pairs)[0]
        if other != actor:
            return other


def request(
    rng: random.Random, pairs: list[tuple[str, str]], lookups: bool
) -> tuple[str, str, dict[str, str]]:
    """One request of the page's mix on the synthetic story: (endpoint, path, parameters).

    With `lookups`, only the reads the view answers by index (positions, explain,
    history, diff), in the same proportions.
    """
    day, known = rng.choice(DAYS), rng.choice(KNOWN)
    actor, topic = rng.choice(pairs)
    other = _partner(rng, pairs, actor)
    year = day[:4]
    versus = {"d1": day, "known_at": known or "2012", "vs_known_at": "9999"}
    mix: list[tuple[float, tuple[str, str, dict[str, str]]]] = [
        (0.30, ("positions", "/api/positions", {"day": day, "known_at": known})),
        (0.20, ("explain", "/api/explain", {"actor": actor, "topic": topic, "day": day})),
        (0.12, ("history", "/api/history", {"actor": actor, "topic": topic})),
        (0.10, ("diff", "/api/diff", versus)),
        (0.10, ("developments", "/api/developments", {"actor": actor, "period": year})),
        (0.08, ("relations", "/api/relations", {"a": actor, "b": other, "by": "year"})),
        (0.05, ("story", "/api/story", {})),
        (0.05, ("chart", "/api/charts/topic", {"topic": rng.choice(["topic-0", "topic-1"])})),
    ]  # fmt: skip
    if lookups:
        mix = mix[:4]
    pick, total = rng.random() * sum(share for share, _ in mix), 0.0
    for share, chosen in mix:
        total += share
        if pick < total:
            return chosen
    return mix[0][1]


def page_request(
    rng: random.Random, pairs: list[tuple[str, str]]
) -> tuple[str, str, dict[str, str]]:
    """One request of the page's own mix (`static/app.js`): (endpoint, path, parameters).

    First paint: the story, the first page of developments for the axis, the positions
    and the charts.  Then the sliders (positions, with a knowledge day the diff, the
    axis's developments known then) and clicks on a position (its explanation).
    """
    day, known = rng.choice(DAYS), rng.choice(KNOWN)
    actor, topic = rng.choice(pairs)
    other = _partner(rng, pairs, actor)
    axis = {"limit": "5000", "known_at": known}
    versus = {"d1": day, "known_at": known or "2012", "vs_known_at": "9999-12-31"}
    why = {"actor": actor, "topic": topic, "day": day, "known_at": known}
    year = {"actor": actor, "period": day[:4], "limit": "200"}
    mix: list[tuple[float, tuple[str, str, dict[str, str]]]] = [
        (0.04, ("story", "/api/story", {})),
        (0.04, ("axis", "/api/developments", {"limit": "5000"})),
        (0.30, ("positions", "/api/positions", {"day": day, "known_at": known})),
        (0.10, ("diff", "/api/diff", versus)),
        (0.06, ("axis-known", "/api/developments", axis)),
        (0.30, ("explain", "/api/explain", why)),
        (0.08, ("chart", "/api/charts/topic", {"topic": rng.choice(["topic-0", "topic-1"])})),
        (0.04, ("chart-rel", "/api/charts/relations", {"a": actor, "b": other, "by": "year"})),
        (0.04, ("actor-year", "/api/developments", year)),
    ]  # fmt: skip
    pick, total = rng.random() * sum(share for share, _ in mix), 0.0
    for share, chosen in mix:
        total += share
        if pick < total:
            return chosen
    return mix[0][1]


def _first(base: str, path: str, server: subprocess.Popen[bytes], limit: float = 1800) -> float:
    """Waits for the server, then times its first answer to `path` (seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=limit) as answer:
                if answer.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not answer within {limit:.0f} s")


def _cpu(pid: int) -> float:
    """CPU seconds (user and system) of process `pid` and its living children (workers)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name (field 2) may hold spaces: split after its closing ")".
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a process that ended meanwhile
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def _without(pick: Pick, left_out: frozenset[str]) -> Pick:
    """`pick`, drawing again whenever it picks an endpoint left out."""

    def picking(rng: random.Random) -> tuple[str, str, dict[str, str]]:
        while True:
            chosen = pick(rng)
            if chosen[0] not in left_out:
                return chosen

    return picking


def measure(
    path: Path,
    clients: int,
    seconds: float,
    python: str,
    lookups: bool,
    page: bool = False,
    left_out: frozenset[str] = frozenset(),
    workers: int = 1,
) -> None:
    """Serves the store at `path` with `python` and reports the clients' latencies."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # From "/": a `python -c` process imports from its working folder first, and this
    # checkout's `timeline/` folder must not stand in for the interpreter's own build.
    command = [python, "-c", SERVER, f"sqlite:///{path}", str(port), str(workers)]
    server = subprocess.Popen(command, cwd="/")
    pairs = keys(PAIRS)
    try:
        if lookups or "story" in left_out:
            _first(base, "/api/openapi.json", server)
        else:
            first = _first(base, "/api/story", server)
            print(f"first /api/story (reads every development once): {first:.1f} s")
        times: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        pick: Pick = (
            (lambda r: page_request(r, pairs)) if page else (lambda r: request(r, pairs, lookups))
        )
        started, spent = time.monotonic(), _cpu(server.pid)
        until = started + seconds

        async def run() -> None:
            await asyncio.gather(
                *(
                    client_loop(n, base, until, times, errors, _without(pick, left_out))
                    for n in range(clients)
                )
            )

        asyncio.run(run())
        spent, elapsed = _cpu(server.pid) - spent, time.monotonic() - started
        report(times, errors, elapsed, clients)
        answered = sum(len(values) for values in times.values())
        print(
            f"server CPU: {spent:.1f} s in {elapsed:.1f} s ({spent / elapsed:.2f} cores busy), "
            f"{1000 * spent / max(1, answered):.1f} ms per request"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="20000,1000000", help="store sizes, comma-separated")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/timeline-bench"))
    parser.add_argument(
        "--baseline",
        metavar="PYTHON",
        help="also serve each store with this interpreter (another build of timeline)",
    )
    parser.add_argument(
        "--lookups-from",
        type=int,
        default=100_000,
        metavar="N",
        help="from this size on, only the reads answered by index (see `request`)",
    )
    parser.add_argument(
        "--mix",
        choices=("page", "api"),
        default="api",
        help="page: the page's own requests (first paint, sliders, clicks; `page_request`)",
    )
    parser.add_argument(
        "--store",
        type=Path,
        help="serve this SQLite file (built for the one size given) instead of the cache's",
    )
    parser.add_argument(
        "--without",
        default="",
        metavar="NAMES",
        help="endpoints (as the report names them) left out of the mix, comma-separated; "
        "without `story` its first answer is not awaited either",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="serve with this many worker processes (`serve(..., workers=N)`)",
    )
    args = parser.parse_args(argv)
    left_out = frozenset(name for name in args.without.split(",") if name)
    for n in (int(size) for size in args.sizes.split(",")):
        path = args.store if args.store is not None else _store(args.cache, n)[0]
        for label, python in (("this build", sys.executable), ("baseline", args.baseline)):
            if python is not None:
                print(f"\n== {n:,} developments, {label} ({path})", flush=True)
                lookups = args.mix == "api" and n >= args.lookups_from
                page = args.mix == "page"
                measure(
                    path, args.clients, args.seconds, python, lookups, page, left_out, args.workers
                )


if __name__ == "__main__":
    main()
