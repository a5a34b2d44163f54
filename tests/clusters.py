"""PostgreSQL clusters of our own on free local ports, made with the server's own tools.

`replica_pair` is a throwaway primary and hot standby for replica tests (`initdb`,
`pg_basebackup -R`, `pg_ctl`) under a temporary folder, never touching any other
cluster; stopped and deleted on exit, even when the block fails.  `init_cluster`,
`start_cluster` and `stop_cluster` are its steps, also used by benchmarks that keep
a cluster of their own between runs.  As root the tools run as the `postgres` user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

__all__ = [
    "ReplicaPair",
    "cluster_port",
    "free_port",
    "init_cluster",
    "missing_tools",
    "replica_pair",
    "start_cluster",
    "stop_cluster",
]

BIN = Path(os.environ.get("TIMELINE_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
TOOLS = ("initdb", "pg_ctl", "pg_basebackup")


@attrs.frozen
class ReplicaPair:
    """Where the primary and its standby listen (database `postgres`, user `postgres`)."""

    primary_port: int
    standby_port: int

    @property
    def primary_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.primary_port}/postgres"

    @property
    def standby(self) -> str:
        return f"127.0.0.1:{self.standby_port}"

    @property
    def standby_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.standby_port}/postgres"


def missing_tools() -> str | None:
    """Why the pair cannot be made here, or None if it can."""
    absent = [tool for tool in TOOLS if not (BIN / tool).exists()]
    if absent:
        return f"PostgreSQL server tools {', '.join(absent)} not found in {BIN}"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to run PostgreSQL as postgres"
    return None


def free_port() -> int:
    """A local TCP port nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(*command: str, timeout: float = 120) -> None:
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*as_postgres, *command], check=True, capture_output=True, timeout=timeout)


def init_cluster(folder: Path, settings: str) -> None:
    """Makes a new cluster in `folder` (which must not exist) with `settings` appended to its
    `postgresql.conf`; as root, the folder's parent is given to the `postgres` user."""
    if os.geteuid() == 0:
        shutil.chown(folder.parent, "postgres", "postgres")
    _run(str(BIN / "initdb"), "-D", str(folder), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    with (folder / "postgresql.conf").open("a") as conf:
        conf.write(settings)


def start_cluster(folder: Path, log: Path, *, port: int | None = None) -> None:
    """Starts the cluster in `folder`, logging to `log`, on `port` if given (else its own)."""
    options = ["-o", f"-p {port}"] if port is not None else []
    _run(str(BIN / "pg_ctl"), "-D", str(folder), "-l", str(log), *options, "-w", "start")


def stop_cluster(folder: Path, *, mode: str = "fast") -> None:
    """Stops the cluster in `folder` (`fast` lets it write a checkpoint; `immediate` does not)."""
    _run(str(BIN / "pg_ctl"), "-D", str(folder), "-m", mode, "-w", "stop", timeout=600)


def cluster_port(folder: Path) -> int | None:
    """The port the cluster in `folder` listens on while it runs, or None if it is stopped."""
    pid_file = folder / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except FileNotFoundError:
        return None
    try:
        os.kill(int(lines[0]), 0)
    except (ProcessLookupError, ValueError, IndexError):
        return None
    return int(lines[3]) if len(lines) > 3 else None


def _settings(port: int, sockets: Path) -> str:
    return (
        f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
        f"unix_socket_directories = '{sockets}'\nwal_level = replica\nmax_wal_senders = 4\n"
        "hot_standby = on\nfsync = off\nsynchronous_commit = off\nshared_buffers = 16MB\n"
    )


@contextmanager
def replica_pair() -> Iterator[ReplicaPair]:
    """Starts a primary and a streaming hot standby of it; stops and deletes both after."""
    root = Path(tempfile.mkdtemp(prefix="timeline-replica-"))
    primary, standby = root / "primary", root / "standby"
    started: list[Path] = []
    try:
        pair = ReplicaPair(free_port(), free_port())
        init_cluster(primary, _settings(pair.primary_port, root))
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("\nhost replication postgres 127.0.0.1/32 trust\n")
        start_cluster(primary, root / "primary.log")
        started.append(primary)
        _run(
            str(BIN / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres"),
            *("-D", str(standby), "-R", "-X", "stream"),
        )
        with (standby / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"\nport = {pair.standby_port}\n")
        start_cluster(standby, root / "standby.log")
        started.append(standby)
        _wait_streaming(pair)
        yield pair
    finally:
        for folder in reversed(started):
            # One already gone is fine: its folder goes below all the same.
            with contextlib.suppress(subprocess.SubprocessError):
                stop_cluster(folder, mode="immediate")
        shutil.rmtree(root, ignore_errors=True)


def _wait_streaming(pair: ReplicaPair) -> None:
    """Waits until the primary streams to the standby (at most 30 seconds)."""
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        with psycopg.connect(pair.primary_url, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM pg_stat_replication").fetchone()
        if row and row[0]:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the standby did not start streaming within 30 seconds")
        time.sleep(0.1)
