"""A PostgreSQL worker survives its server restarting, at any point of its work.

The server restarted is a throwaway cluster this module makes (`initdb`, `pg_ctl`)
on a free port under a temporary folder, never the test server.
"""

from __future__ import annotations

import contextlib
import glob
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.multiprocess.test_worker import assert_view_equals_replay, wait_for, worker
from tests.workload import write
from timeline import Timeline

RESTARTS = 3


def _binaries() -> Path | None:
    """The folder of PostgreSQL's server programs, if they are installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return Path(folders[-1]) if folders else None


class Cluster:
    """A PostgreSQL cluster of the test's own, run as the `postgres` user when root."""

    def __init__(self, binaries: Path, folder: Path) -> None:
        self.binaries, self.folder = binaries, folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.binaries / program), *args]
        if os.geteuid() == 0:  # the server refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = str(self.folder / "log")
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    binaries = _binaries()
    if binaries is None or not (binaries / "initdb").exists():
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start a server as postgres")
    folder = Path(tempfile.mkdtemp(prefix="timeline-cluster-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    made = Cluster(binaries, folder)
    try:
        made.run("initdb", "-D", str(folder / "data"), "-A", "trust", "-U", "postgres")
        made.start()
        yield made
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            made.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def _tracking(url: str) -> tuple[int, int]:
    with Timeline.open(url) as tl:
        return tl.materialised.tracking_id, tl.head


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("batch", ["50", "1000"])
def test_a_worker_survives_restarts_midway_and_while_following(
    cluster: Cluster, batch: str
) -> None:
    url = cluster.url
    write(url, 0, 6000, shared=0)
    chance = random.Random(12)
    # Small batches make catching up take many transactions, so each restart
    # lands between two of them; large ones, inside one (which then rolls back).
    follower = worker(url, "--follow", "--interval", "0.1", "--batch", batch)
    try:
        for _ in range(RESTARTS):
            # Once the worker has begun (its first batch written): midway, or following.
            wait_for(lambda: _tracking(url)[0] > 0, 120, "processing", follower)
            time.sleep(chance.uniform(0.0, 2.0))
            cluster.stop(chance.choice(["fast", "immediate"]))
            time.sleep(chance.uniform(0.0, 2.0))
            cluster.start()
            if follower.poll() is not None:
                _, errors = follower.communicate()
                raise AssertionError(f"the worker exited when its server stopped: {errors}")
        wait_for(lambda: _tracking(url)[0] == _tracking(url)[1], 180, "catching up", follower)
        write(url, 1, 200, shared=0)  # and it follows new writes after the restarts,
        with Timeline.open(url) as tl:  # corrections too (which read their streams)
            tl.revise("w0-7", reported="2022-01-10", reason="checked", occurred="2016-09")
        wait_for(lambda: _tracking(url)[0] == _tracking(url)[1], 60, "following", follower)
    finally:
        follower.send_signal(signal.SIGTERM)
        _, errors = follower.communicate(timeout=60)
    assert follower.returncode == 0, errors
    assert_view_equals_replay(url)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_following_worker_started_while_its_server_is_down_waits_for_it(
    cluster: Cluster,
) -> None:
    url = cluster.url
    write(url, 0, 500, shared=0)
    cluster.stop()
    follower = worker(url, "--follow", "--interval", "0.1")
    try:
        time.sleep(2)
        assert follower.poll() is None, "the worker gave up on a server that was down"
        cluster.start()
        wait_for(lambda: _tracking(url)[0] == _tracking(url)[1], 120, "catching up", follower)
    finally:
        follower.send_signal(signal.SIGTERM)
        out, errors = follower.communicate(timeout=60)
    assert follower.returncode == 0, errors
    assert "cannot reach the store yet" in out
    assert_view_equals_replay(url)
