"""Benchmark: the CPU of a first topic chart (SVG) on a large store, as the web API draws it.

    nice -n 10 python benchmarks/first_topic_chart.py [--store PATH]
        [--topics topic-0,topic-1] [--baseline OTHER_VENV/bin/python]

Each build (this one and, with `--baseline`, another interpreter's) opens the store in
a fresh process and asks `/api/charts/topic?topic=T` once per topic (FastAPI's test
client, no server): the first chart of a store reads its retracted entries and its
pairs' histories, then draws.  Printed per build: the process CPU seconds of each first
chart, its size, and the ratios to the baseline side by side.  The app shares a folder as
the server's workers do: then a second app on that folder (another worker) asks each
topic's chart on another day, whose data the first app has read (`another worker`).
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_STORE = "/tmp/timeline-bench/story-1000000.db"

CLIENT = """
import json, sys, time
from fastapi.testclient import TestClient
from timeline import Timeline
from timeline.web import create_app
from pathlib import Path
folder = Path(sys.argv[3])
tl = Timeline.open("sqlite:///" + sys.argv[1])
client = TestClient(create_app(tl, shared=folder))
client.get("/api/bounds")  # the app and the view opened: not the chart's own cost
found = []
for topic in sys.argv[2].split(","):
    start = time.process_time()
    answer = client.get("/api/charts/topic", params={"topic": topic, "format": "svg"})
    assert answer.status_code == 200, answer.text
    found.append((topic, time.process_time() - start, len(answer.content)))
other = TestClient(create_app(Timeline.open("sqlite:///" + sys.argv[1]), shared=folder))
other.get("/api/bounds")
for topic in sys.argv[2].split(","):
    start = time.process_time()
    asked = {"topic": topic, "day": "2010-06-30", "format": "svg"}
    answer = other.get("/api/charts/topic", params=asked)
    assert answer.status_code == 200, answer.text
    found.append((topic + " another worker", time.process_time() - start, len(answer.content)))
print(json.dumps(found))
"""


def measure(python: str, store: str, topics: str) -> list[tuple[str, float, int]]:
    """The CPU seconds and bytes of each topic's first chart, in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="first-topic-chart-") as folder:
        return _measure(python, store, topics, folder)


def _measure(python: str, store: str, topics: str, folder: str) -> list[tuple[str, float, int]]:
    run = subprocess.run(
        [python, "-c", CLIENT, store, topics, folder],
        check=False,
        capture_output=True,
        text=True,
        cwd="/",  # not a checkout, whose own folders would shadow the build's
    )
    if run.returncode:
        raise SystemExit(f"{python} failed:\n{run.stderr}")
    out = run.stdout
    return [tuple(row) for row in json.loads(out.strip().splitlines()[-1])]


def main() -> None:
    """Measures each build and prints the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=DEFAULT_STORE)
    parser.add_argument("--topics", default="topic-0,topic-1")
    parser.add_argument("--baseline", default=None)
    args = parser.parse_args()
    builds = [("this build", sys.executable)]
    if args.baseline:
        builds.append(("baseline", args.baseline))
    results = {label: measure(python, args.store, args.topics) for label, python in builds}
    print(f"first topic chart (SVG), store {args.store}")
    for label, rows in results.items():
        for topic, cpu, size in rows:
            print(f"  {label:<11} {topic:<25} {cpu:7.2f} s CPU  {size / 1e6:6.1f} MB")
    if args.baseline:
        for (topic, mine, _), (_, theirs, _) in zip(
            results["this build"], results["baseline"], strict=True
        ):
            print(f"  {topic}: baseline / this build = {theirs / mine:.1f}x")


if __name__ == "__main__":
    main()
