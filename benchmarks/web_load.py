"""Benchmark: the web API under load from concurrent clients, on the loopback interface only.

    python benchmarks/web_load.py [--clients 20] [--seconds 20] [--db URL]

A server process (`timeline.web.serve`) answers from the bundled story (in memory,
or the store at `--db`, loaded with the story when empty) on 127.0.0.1 at a free
port.  N clients (asyncio tasks with one keep-alive connection each) then send the
page's requests for S seconds, each waiting for its answer before the next: positions
and explanations on random days and knowledge days, histories, diffs, listings,
relations and charts (a chart per topic and month, so most are drawn once and then
served from the app's cache).  Then the server is stopped.  Printed: requests, rate,
p50/p90/p99/max latency overall and per endpoint, and the error count (any answer
other than 200, and any failed request).  Nothing here is a test; it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import httpx2 as httpx

SERVER = """
import sys
from timeline import Timeline, seeds
from timeline.web import serve
url, port = sys.argv[1], int(sys.argv[2])
tl = Timeline.open(url)
if not tl.developments():
    tl.load(seeds.path())
serve(tl, "127.0.0.1", port, title="Turkey's S-400 purchase", log_level="warning")
"""
DAYS = [f"{y}-{m:02d}-{d:02d}" for y in (2017, 2018) for m in range(1, 13) for d in (1, 15, 28)]
KNOWN = ["", "", "", "2018-12-18", "2018-12-19", "2018-12-20", "2019-01-01"]
PAIRS = [("TUR", "s400-purchase"), ("USA", "s400-purchase"), ("USA.CONGRESS", "patriot-sale")]
TOPICS = ["s400-purchase", "patriot-sale", "f35-participation"]
MONTHS = [f"2018-{m:02d}-01" for m in range(1, 13)]


def request(rng: random.Random) -> tuple[str, str, dict[str, str]]:
    """One request of the page's mix: (endpoint name, path, parameters)."""
    day, known = rng.choice(DAYS), rng.choice(KNOWN)
    actor, topic = rng.choice(PAIRS)
    mix: list[tuple[float, tuple[str, str, dict[str, str]]]] = [
        (0.40, ("positions", "/api/positions", {"day": day, "known_at": known})),
        (0.15, ("explain", "/api/explain", {"actor": actor, "topic": topic, "day": day})),
        (0.10, ("history", "/api/history", {"actor": actor, "topic": topic, "possible": "true"})),
        (0.08, ("diff", "/api/diff", {"d1": day, "known_at": "2018-12-19", "vs_known_at": "9999"})),
        (0.10, ("developments", "/api/developments", {"known_at": known})),
        (0.07, ("relations", "/api/relations", {"a": "TUR", "b": "USA", "by": "month"})),
        (
            0.10,
            (
                "chart",
                "/api/charts/topic",
                {"topic": rng.choice(TOPICS), "day": rng.choice(MONTHS)},
            ),
        ),
    ]
    pick, total = rng.random(), 0.0
    for share, chosen in mix:
        total += share
        if pick < total:
            return chosen
    return mix[0][1]


Pick = Callable[[random.Random], tuple[str, str, dict[str, str]]]


async def client(
    number: int, base: str, until: float, times: dict[str, list[float]], errors: list[str]
) -> None:
    await client_loop(number, base, until, times, errors, request)


async def client_loop(
    number: int,
    base: str,
    until: float,
    times: dict[str, list[float]],
    errors: list[str],
    pick: Pick,
) -> None:
    """One client: requests chosen by `pick`, each after the last answer, until `until`."""
    rng = random.Random(number)
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        while time.monotonic() < until:
            name, path, params = pick(rng)
            started = time.perf_counter()
            try:
                answer = await http.get(path, params={k: v for k, v in params.items() if v})
                if answer.status_code != 200:
                    errors.append(f"{path} {params}: HTTP {answer.status_code}")
            except httpx.HTTPError as error:
                errors.append(f"{path} {params}: {type(error).__name__}")
            times[name].append(time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, server: subprocess.Popen[bytes], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/api/story", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not answer within {limit:.0f} s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(times: dict[str, list[float]], errors: list[str], seconds: float, clients: int) -> None:
    every = [t for values in times.values() for t in values]
    print(
        f"{clients} clients for {seconds:.1f} s: {len(every)} requests, "
        f"{len(every) / seconds:.0f} requests/s, {len(errors)} errors"
    )
    print(f"{'endpoint':<14}{'count':>7}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    rows: list[tuple[str, list[float]]] = [*sorted(times.items()), ("all", every)]
    for name, values in rows:
        if not values:
            continue
        cells = [statistics.median(values), percentile(values, 0.9), percentile(values, 0.99)]
        shown = "".join(f"{1000 * v:>9.1f}" for v in [*cells, max(values)])
        print(f"{name:<14}{len(values):>7}{shown}")
    for line in errors[:10]:
        print("error:", line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db", default="memory://", help="store URL (default: in memory)")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 300:
        raise SystemExit("expected 1..200 clients and 0..300 seconds")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", SERVER, args.db, str(port)])
    try:
        wait_until_up(base, server)
        times: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        started = time.monotonic()
        until = started + args.seconds

        async def run() -> Any:
            await asyncio.gather(
                *(client(n, base, until, times, errors) for n in range(args.clients))
            )

        asyncio.run(run())
        report(times, errors, time.monotonic() - started, args.clients)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
