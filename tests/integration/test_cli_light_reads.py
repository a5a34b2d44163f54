"""A read of a current SQLite view needs no eventsourcing; a stale one is still caught up."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.integration.test_cli import environment, timeline
from tests.strategies import agreement, fill
from timeline import Timeline
from timeline.engine import StanceClaim

# Runs the command in a new process as `timeline` does, then says which modules it loaded.
PROBE = (
    "import json, sys\n"
    "from timeline.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'eventsourcing')\n"
    "print(json.dumps({'status': status, 'eventsourcing': loaded}), file=sys.stderr)\n"
)
DAY = "2019-01-01"


def _run(*args: str) -> tuple[str, dict[str, object]]:
    """The command's output and what the probe says it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as tl:
        fill(tl, [agreement()])
        tl.as_of(DAY).positions()  # the view is current with the events
    return url


def test_positions_on_a_current_view_load_no_eventsourcing(tmp_path: Path) -> None:
    url = _store(tmp_path)
    out, probe = _run("--db", url, "--json", "positions", "--as-of", DAY)
    assert probe == {"status": 0, "eventsourcing": []}
    with Timeline.open(url) as tl:
        expected = tl.as_of(DAY).positions()
    answered = {(p["actor"], p["topic"]): p["stance"] for p in json.loads(out)["positions"]}
    assert answered == {key: p.stance.name.lower() for key, p in expected.items()}
    assert answered  # the story holds positions: the comparison above said something


def test_events_recorded_by_another_process_are_caught_up_before_answering(
    tmp_path: Path,
) -> None:
    url = _store(tmp_path)
    with Timeline.open(url) as tl:  # this process records; the command reads in another
        claim = StanceClaim("TUR", "s400-purchase", "opposes")
        tl.record(agreement(id="later", occurred="2018-06", claims=[claim]))
    out, probe = _run("--db", url, "--json", "positions", "--as-of", DAY)
    assert probe["status"] == 0
    assert probe["eventsourcing"]  # there was something to catch up: the application did
    found = {(p["actor"], p["topic"]): p for p in json.loads(out)["positions"]}
    assert found["TUR", "s400-purchase"]["stance"] == "opposes"
    assert "later" in found["TUR", "s400-purchase"]["evidence"]
    # The view is current again: the next read needs no application.
    again, probe = _run("--db", url, "--json", "positions", "--as-of", DAY)
    assert (again, probe) == (out, {"status": 0, "eventsourcing": []})


def test_a_view_of_another_schema_is_rebuilt_and_a_missing_store_still_says_so(
    tmp_path: Path,
) -> None:
    url = _store(tmp_path)
    with sqlite3.connect(tmp_path / "story.db") as connection:  # as an older version left it
        connection.execute(
            "UPDATE positions_tracking SET notification_id = 1 "
            "WHERE application_name = '__schema__'"
        )
    out, probe = _run("--db", url, "--json", "positions", "--as-of", DAY)
    assert probe["status"] == 0
    assert probe["eventsourcing"]  # the full open rebuilt it
    assert json.loads(out)["positions"]
    missing = timeline(environment(tmp_path), "--db", str(tmp_path / "nope.db"), "positions")
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr
    assert not (tmp_path / "nope.db").exists()
