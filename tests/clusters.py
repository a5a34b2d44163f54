"""A throwaway PostgreSQL primary and hot standby on free local ports, for replica tests.

Made with the server's own tools (`initdb`, `pg_basebackup -R`, `pg_ctl`) under a
temporary folder, never touching any other cluster; stopped and deleted on exit,
even when the block fails.  As root the tools run as the `postgres` user.
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

__all__ = ["ReplicaPair", "missing_tools", "replica_pair"]

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(*command: str) -> None:
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*as_postgres, *command], check=True, capture_output=True, timeout=120)


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
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        pair = ReplicaPair(_free_port(), _free_port())
        _run(
            str(BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(_settings(pair.primary_port, root))
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("\nhost replication postgres 127.0.0.1/32 trust\n")
        _run(
            str(BIN / "pg_ctl"), "-D", str(primary), "-l", str(root / "primary.log"), "-w", "start"
        )
        started.append(primary)
        _run(
            str(BIN / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres"),
            *("-D", str(standby), "-R", "-X", "stream"),
        )
        with (standby / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"\nport = {pair.standby_port}\n")
        _run(
            str(BIN / "pg_ctl"), "-D", str(standby), "-l", str(root / "standby.log"), "-w", "start"
        )
        started.append(standby)
        _wait_streaming(pair)
        yield pair
    finally:
        for folder in reversed(started):
            # One already gone is fine: its folder goes below all the same.
            with contextlib.suppress(subprocess.SubprocessError):
                _run(str(BIN / "pg_ctl"), "-D", str(folder), "-m", "immediate", "-w", "stop")
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
