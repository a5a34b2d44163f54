"""A full disk or a damaged file: one line and exit status 1, and nothing half written."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.article import article_folder
from timeline import Timeline

TIMELINE = Path(sys.executable).parent / "timeline"


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}
    # No width: an xdist worker's COLUMNS=80 (set by readline) would wrap the one line.
    for name in ("TIMELINE_DB", "COLUMNS"):
        env.pop(name, None)
    return env


def _story(db: Path) -> int:
    with Timeline.open(f"sqlite:///{db}") as tl:
        tl.load(article_folder())
        tl.as_of("2019").positions()  # read: the view catches up
        head = tl.head
    with sqlite3.connect(db) as conn:  # everything into the file itself, none in the WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return head


def _many(path: Path, count: int) -> Path:
    records = [
        f'[[development]]\nid = "bulk-{n}"\noccurred = "2019-01"\nreported = "2019-02-01"\n'
        f'kind = "statement"\nsummary = "Statement number {n} of a long story."\n'
        'actors = ["TUR"]\nsource = { publisher = "Reuters", reliability = "named" }\n'
        for n in range(count)
    ]
    path.write_text("\n".join(records))
    return path


def test_a_full_disk_during_a_load_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "story.db"
    head = _story(db)
    limit = db.stat().st_size + 64 * 1024  # room for a little, not for 3,000 developments

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [str(TIMELINE), "--db", str(db), "load", str(_many(tmp_path / "many.toml", 3000))],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        preexec_fn=small_disk,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "timeline: error:" in done.stderr
    assert "bug" not in done.stderr
    with Timeline.open(f"sqlite:///{db}") as tl:
        assert tl.head == head  # all or nothing
        assert len(tl.developments()) == 13


def test_a_damaged_file_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "story.db"
    _story(db)
    size = db.stat().st_size
    with db.open("r+b") as file:  # random bytes over the middle pages
        file.seek(size // 3)
        file.write(os.urandom(size // 3))
    done = subprocess.run(
        [str(TIMELINE), "--db", str(db), "developments"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "malformed" in done.stderr or "not a database" in done.stderr
    assert "bug" not in done.stderr  # a damaged store, said as such
