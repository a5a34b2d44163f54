"""PostgreSQL: a `timeline load` killed at random points, then loaded again to the end."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from timeline import Timeline, seeds

TIMELINE = Path(sys.executable).parent / "timeline"
DEVELOPMENTS = 2000
KILLS = 3
# A bound on the test, not a measure of speed: a load that hangs fails here.
BOUND = 60.0
STANCES = ("rejects", "opposes", "undecided", "supports", "committed")


def _seed_folder(folder: Path, name: str) -> Path:
    """The bundled actors and topics, and `DEVELOPMENTS` generated developments named `name`."""
    folder.mkdir()
    for table in ("actors.toml", "topics.toml"):
        shutil.copy(seeds.path() / table, folder / table)
    lines = []
    for n in range(DEVELOPMENTS):
        lines += [
            "[[development]]",
            f'id = "{name}-{n}"',
            f'occurred = "{2015 + n % 4}-{1 + n % 12:02d}"',
            f'reported = "{2016 + n % 4}-{1 + n % 12:02d}-15"',
            'kind = "statement"',
            f'summary = "Generated statement {n}."',
            'actors = ["TUR"]',
            'source = { publisher = "Wire", reliability = "named" }',
            f'claims = [{{ actor = "TUR", topic = "s400-purchase", stance = "{STANCES[n % 5]}" }}]',
            "",
        ]
    (folder / "developments.toml").write_text("\n".join(lines))
    return folder


def _load(url: str, folder: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DB"}
    env["XDG_CACHE_HOME"] = str(folder.parent / "cache")  # no answer from an earlier run
    return subprocess.Popen(
        [str(TIMELINE), "--db", url, "load", "--full", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@contextmanager
def _another_schema(url: str) -> Iterator[str]:
    """A second fresh schema beside the test's own, dropped afterwards."""
    base, _, schema = url.partition("?schema=")
    other = f"{schema}_trial"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{other}"')
    try:
        yield f"{base}?schema={other}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{other}" CASCADE')


def _time_to_load(url: str, folder: Path) -> float:
    """How long one whole load takes here, into a store thrown away afterwards."""
    started = time.monotonic()
    process = _load(url, folder)
    _, errors = process.communicate(timeout=BOUND)
    assert process.returncode == 0, errors
    return time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.slow
def test_loads_killed_at_random_points_then_load_again_to_the_end(
    postgres_url: str, tmp_path: Path
) -> None:
    folders = [_seed_folder(tmp_path / f"seeds-{k}", f"batch{k}") for k in range(KILLS)]
    with _another_schema(postgres_url) as trial:
        whole = _time_to_load(trial, folders[0])
    chance = random.Random(23)
    for folder in folders:  # each killed load was adding developments of its own
        process = _load(postgres_url, folder)
        time.sleep(chance.uniform(0.0, whole))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=BOUND)
    for folder in folders:
        process = _load(postgres_url, folder)
        try:
            _, errors = process.communicate(timeout=BOUND)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(
                f"loading {folder.name} again did not end in {BOUND:g} s"
            ) from None
        assert process.returncode == 0, errors
    with Timeline.open(postgres_url) as tl:
        listed = {d.id for d in tl.developments()}
        wanted = {f"batch{k}-{n}" for k in range(KILLS) for n in range(DEVELOPMENTS)}
        assert wanted <= listed
        assert tl.materialised.tracking_id == tl.head
