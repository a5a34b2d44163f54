"""The benchmark's own PostgreSQL server (`scale_pg.py --cluster`), sized for a bulk load."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.clusters import cluster_port, free_port, init_cluster, start_cluster

__all__ = ["BULK_SETTINGS", "own_server", "server_settings"]

# The own server's settings (`--cluster`) for a bulk load of 10M developments on a machine of
# 24 GB and 2 cores: the events table's random-UUID primary key stays in shared buffers, and
# checkpoints come by time, not by a full log, so few pages are written whole to the log.
BULK_SETTINGS = {
    "shared_buffers": "6GB",
    "max_wal_size": "32GB",
    "min_wal_size": "2GB",
    "checkpoint_timeout": "30min",
    "checkpoint_completion_target": "0.9",
    "wal_compression": "on",
    "synchronous_commit": "off",
    "maintenance_work_mem": "1GB",
    "log_checkpoints": "on",
}


def own_server(folder: Path) -> tuple[int, bool]:
    """Makes (first time) and starts the cluster in `folder/data`; its port, and whether this
    call started it (a cluster already running is used as it is)."""
    data = folder / "data"
    running = cluster_port(data)
    if running is not None:
        return running, False
    if not (data / "PG_VERSION").exists():
        folder.mkdir(parents=True, exist_ok=True)
        settings = "".join(f"{name} = '{value}'\n" for name, value in BULK_SETTINGS.items())
        local = f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
        init_cluster(data, f"\n# scale_pg.py --cluster\n{local}{settings}")
    port = free_port()
    start_cluster(data, folder / "server.log", port=port)
    return port, True


def server_settings(url: str) -> str:
    """The server's settings that a bulk load depends on, as one line."""
    names = [*BULK_SETTINGS, "fsync", "full_page_writes", "wal_level", "server_version"]
    with psycopg.connect(url, autocommit=True) as conn:
        shown = [conn.execute("SELECT current_setting(%s)", (name,)).fetchone() for name in names]
    return ", ".join(f"{name}={row[0]}" for name, row in zip(names, shown, strict=True) if row)
