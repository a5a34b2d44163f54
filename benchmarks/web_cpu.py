"""Benchmark: the CPU time of each of the web page's reads, one request at a time.

    nice -n 10 python benchmarks/web_cpu.py --store STORE.db [--count 20]
        [--endpoints explain,chart-rel,...] [--baseline OTHER_VENV/bin/python]

On a machine shared with other work, latencies under load (`web_scale.py`) move
with everyone else's load; the CPU time a request costs the server does not.  The
app is served in this process (`fastapi.testclient`), the first `/api/story` is
answered untimed, then each endpoint of the page's mix (`web_scale.page_request`'s
parameters, from one seed, so every build is asked the same) is asked `--count`
times: answers kept by the server (the same question twice) are counted apart.
`chart-day` (not asked unless named: at a million developments a topic chart takes
seconds) is the topic chart of one topic on the slider's days.  Printed per endpoint:
the mean CPU milliseconds per request (this process, every thread) and the median
wall time.  With `--baseline`, the same script runs
under that interpreter (another build of timeline) right after, on the same store.
Nothing here is a test; it stops by itself.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENDPOINTS = ("explain", "chart-rel", "axis-known", "positions", "diff", "actor-year")
DAYS = [f"{y}-{m:02d}-15" for y in range(2001, 2021, 2) for m in (3, 9)]
KNOWN = ["", "", "2010-06-30", "2015-12-31", "2019-01-01"]


def _pairs(count: int = 1000, topics: int = 10) -> list[tuple[str, str]]:
    """`benchmarks.synthetic.keys`, written out: a baseline build may lack the module."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def actor(n: int) -> str:
        return "".join(letters[(n // 26**k) % 26] for k in (2, 1, 0))

    return [(actor(a), f"topic-{t}") for a in range(count // topics) for t in range(topics)]


def ask(rng: random.Random, kind: str, pairs: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """One request of `kind` with the page's parameters (as `web_scale.page_request`)."""
    day, known = rng.choice(DAYS), rng.choice(KNOWN)
    actor, topic = rng.choice(pairs)
    other = rng.choice(pairs)[0]
    asked: dict[str, tuple[str, dict[str, str]]] = {
        "explain": (
            "/api/explain",
            {"actor": actor, "topic": topic, "day": day, "known_at": known},
        ),
        "chart-rel": ("/api/charts/relations", {"a": actor, "b": other, "by": "year"}),
        "axis-known": ("/api/developments", {"limit": "5000", "known_at": known}),
        "positions": ("/api/positions", {"day": day, "known_at": known}),
        "diff": (
            "/api/diff",
            {"d1": day, "known_at": known or "2012", "vs_known_at": "9999-12-31"},
        ),
        "actor-year": ("/api/developments", {"actor": actor, "period": day[:4], "limit": "200"}),
        # The page's topic chart as its slider moves: one topic, a day at a time.
        "chart-day": ("/api/charts/topic", {"topic": "topic-0", "day": day}),
    }
    return asked[kind]


def measure(store: Path, count: int, endpoints: list[str], seed: int) -> None:
    """Serves the store in this process and prints each endpoint's CPU per request."""
    from fastapi.testclient import TestClient

    from timeline import Timeline
    from timeline.web.app import create_app

    pairs = _pairs()
    with Timeline.open(f"sqlite:///{store}") as timeline:
        client = TestClient(create_app(timeline, title="synthetic"))
        client.get("/api/story")
        print(f"{'endpoint':12} {'asked':>5} {'again':>5} {'CPU ms/req':>10} {'p50 wall ms':>11}")
        for kind in endpoints:
            rng, seen = random.Random(f"{seed}-{kind}"), set()
            cpu: list[float] = []
            wall: list[float] = []
            again = 0
            for _ in range(count):
                path, params = ask(rng, kind, pairs)
                key = (path, tuple(sorted(params.items())))
                started, spent = time.perf_counter(), time.process_time()
                answer = client.get(path, params=params)
                if answer.status_code != 200:
                    raise SystemExit(f"{path} {params}: HTTP {answer.status_code}")
                if key in seen:  # a kept answer: not what a new question costs
                    again += 1
                    continue
                seen.add(key)
                cpu.append(1000 * (time.process_time() - spent))
                wall.append(1000 * (time.perf_counter() - started))
            mean = statistics.fmean(cpu) if cpu else float("nan")
            median = statistics.median(wall) if wall else float("nan")
            print(f"{kind:12} {len(cpu):>5} {again:>5} {mean:>10.1f} {median:>11.1f}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a synthetic SQLite store")
    parser.add_argument("--count", type=int, default=20, help="requests per endpoint")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", metavar="PYTHON", help="also run under this interpreter")
    parser.add_argument("--label", default="this build", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    endpoints = [name for name in args.endpoints.split(",") if name]
    print(f"\n== {args.label} ({args.store})", flush=True)
    measure(args.store, args.count, endpoints, args.seed)
    if args.baseline is not None:
        command = [args.baseline, str(Path(__file__).resolve())]
        command += ["--store", str(args.store), "--count", str(args.count)]
        command += ["--endpoints", args.endpoints, "--seed", str(args.seed), "--label", "baseline"]
        # From "/": the baseline must import its own build, not this checkout's.
        subprocess.run(command, check=True, cwd="/")


if __name__ == "__main__":
    main()
