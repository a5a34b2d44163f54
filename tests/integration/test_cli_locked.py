"""A store another process holds: wait a bounded, configurable time, then say who holds it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from timeline import Timeline, seeds
from timeline.engine import StoreError
from timeline.engine.config import StoreConfig

TIMELINE = Path(sys.executable).parent / "timeline"
HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("holding", flush=True)
time.sleep(30)
"""
DEVELOPMENT = """
[[development]]
id = "while-locked"
occurred = "2019-01"
reported = "2019-02-01"
kind = "statement"
summary = "A statement."
actors = ["TUR"]
source = { publisher = "Reuters", reliability = "named" }
"""


def test_a_locked_store_waits_as_asked_then_names_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "story.db"
    with Timeline.open(f"sqlite:///{db}") as tl:
        tl.load(seeds.path())
    file = tmp_path / "one.toml"
    file.write_text(DEVELOPMENT)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        env = {**os.environ, "HOME": str(tmp_path), "NO_COLOR": "1"}
        # No width: an xdist worker's COLUMNS=80 (set by readline) would wrap the one line.
        for name in ("TIMELINE_DB", "COLUMNS"):
            env.pop(name, None)
        started = time.monotonic()
        done = subprocess.run(
            [str(TIMELINE), "--db", f"sqlite:///{db}?timeout=1", "load", str(file)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "database is locked" in done.stderr
    assert "held by pid " in done.stderr
    assert f"pid {holder.pid} (python" in done.stderr
    assert "waited 1 s; add ?timeout=SECONDS" in done.stderr
    assert 1 <= waited < 20
    with Timeline.open(f"sqlite:///{db}") as tl:  # nothing was written
        assert "while-locked" not in {d.id for d in tl.developments()}


@pytest.mark.parametrize("bad", ["timeout=0", "timeout=abc", "wait=3", "timeout=99999999"])
def test_a_bad_timeout_is_refused(bad: str) -> None:
    with pytest.raises(StoreError, match=r"\?timeout=SECONDS"):
        StoreConfig.from_url(f"sqlite:///story.db?{bad}")
