"""A bulk import whose statements run in a writer process stores what the inline one stores."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from tests.conftest import fresh_schema
from timeline import Timeline
from timeline.engine import LoadError
from timeline.engine._application import StoreApplication
from timeline.engine._bulk import BulkWrite
from timeline.engine._bulk_process import separable
from timeline.formats._exchange import export, import_file

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = (
    "gdelt-events.tsv",
    "gdelt-events-header.tsv",
    "acled-events.csv",
    "icews-events.tsv",
    "polecat-events.tsv",
    "plover-gsr-excerpt.txt",
)
_INSTANT = re.compile(rb'"timestamp":\{"_type_":"datetime_iso","_data_":"[^"]*"\}')
# PostgreSQL's own tests: the server named by the environment, else skipped.
POSTGRES = os.environ.get("TIMELINE_TEST_POSTGRES_URL")


def _events(app: StoreApplication) -> list[tuple[Any, ...]]:
    """Every stored event in log order, the instant it was recorded masked."""
    return [
        (n.originator_id, n.originator_version, n.topic, _INSTANT.sub(b"-", bytes(n.state)))
        for n in app.notifications()
    ]


def bad_gdelt(folder: Path) -> Path:
    """A GDELT file of two rows in `folder`: the sample's first, then one whose date is bad."""
    path = folder / "bad.tsv"
    good = (DATA / "gdelt-events.tsv").read_text(encoding="utf-8").splitlines()[0]
    bad = good.replace("834567001\t20190412", "834567002\t2019x412", 1)
    path.write_text(f"{good}\n{bad}\n", encoding="utf-8")
    return path


def _import_all(url: str, folder: Path, separate: bool) -> tuple[list[Any], list[Any]]:
    """Every sample imported, then again as a later release; the events and the reports."""
    reports = []
    with Timeline.open(url) as tl:
        for name in SAMPLES:
            rejects = folder / f"{name}.rejects"
            reports.append(
                import_file(
                    tl, DATA / name, reported="2024-01-01", skip_bad=True, rejects=rejects,
                    separate=separate,
                )
            )  # fmt: skip
        # Read back as the project's log, then a release of it that finds every event held.
        log = folder / f"log-{separate}.jsonl"
        log.write_text(export(tl, "jsonl"), encoding="utf-8")
        again = import_file(tl, log, release=dt.date(2024, 6, 1), full=True, separate=separate)
        reports.append(again)
        events = _events(tl.materialised.application)
    return events, [(r.added, r.revisions, r.retractions, r.unchanged, r.rejected) for r in reports]


def test_every_sample_is_stored_byte_for_byte_as_the_inline_import_stores_it(
    tmp_path: Path,
) -> None:
    inline = _import_all(f"sqlite:///{tmp_path / 'inline.db'}", tmp_path, separate=False)
    separate = _import_all(f"sqlite:///{tmp_path / 'separate.db'}", tmp_path, separate=True)
    assert len(inline[0]) > 30
    assert separate == inline


@pytest.mark.postgres
@pytest.mark.skipif(POSTGRES is None, reason="TIMELINE_TEST_POSTGRES_URL is not set")
def test_postgresql_stores_the_same_events_through_the_writer_process(tmp_path: Path) -> None:
    assert POSTGRES is not None
    found = []
    for separate in (False, True):
        with fresh_schema(POSTGRES) as url:
            found.append(_import_all(url, tmp_path, separate))
    assert len(found[0][0]) > 30
    assert found[1] == found[0]


def test_an_import_with_a_problem_writes_nothing_through_the_writer_process(
    tmp_path: Path,
) -> None:
    path = bad_gdelt(tmp_path)
    with Timeline.open(f"sqlite:///{tmp_path / 'story.db'}") as tl:
        with pytest.raises(LoadError) as caught:
            import_file(tl, path, separate=True)
        assert f"{path}:2:" in str(caught.value)
        assert tl.head == 0
        assert import_file(tl, path, skip_bad=True, rejects=tmp_path / "r", separate=True).added


def _stored(app: StoreApplication) -> StoredEvent:
    event = next(iter(app.notifications()))
    ident = UUID(str(event.originator_id))
    return StoredEvent(ident, event.originator_version, event.topic, event.state)


def test_the_writers_error_reaches_the_caller_and_nothing_is_committed(tmp_path: Path) -> None:
    with Timeline.open(f"sqlite:///{tmp_path / 'story.db'}") as tl:
        import_file(tl, DATA / "gdelt-events-header.tsv", skip_bad=True, rejects=tmp_path / "r")
        app = tl.materialised.application
        head, clash = tl.head, _stored(app)  # a version its stream already holds
        with pytest.raises(sqlite3.IntegrityError):
            _append_then_read(app, clash)
        assert app.head == head


def _append_then_read(app: StoreApplication, event: StoredEvent) -> None:
    with BulkWrite(app, separate=True) as bulk:
        bulk.store.append([event])  # sent: the writer's answer comes with the next call
        bulk.streams([UUID(str(event.originator_id))])


def test_a_writer_left_without_a_commit_rolls_back(tmp_path: Path) -> None:
    with Timeline.open(f"sqlite:///{tmp_path / 'story.db'}") as tl:
        import_file(tl, DATA / "gdelt-events-header.tsv", skip_bad=True, rejects=tmp_path / "r")
        app = tl.materialised.application
        event = _stored(app)
        ident, head = UUID(str(event.originator_id)), tl.head
        bulk = BulkWrite(app, separate=True)
        bulk.__enter__()
        bulk.store.append([StoredEvent(ident, 99, event.topic, event.state)])
        held = bulk.store.streams([ident])[ident]
        assert [e.originator_version for e in held][-1] == 99  # read in its transaction
        bulk.__exit__(KeyError, KeyError("the caller fails"), None)
        assert app.head == head
        assert separable(app)
        assert not separable(StoreApplication(env={}))


def test_a_writer_that_cannot_open_the_store_raises_the_drivers_error(tmp_path: Path) -> None:
    with Timeline.open(f"sqlite:///{tmp_path / 'story.db'}") as tl:
        app = tl.materialised.application
        app.env["SQLITE_DBNAME"] = str(tmp_path / "no-such-folder" / "story.db")
        with (
            pytest.raises(Exception, match="unable to open"),
            BulkWrite(app, separate=True) as bulk,
        ):
            bulk.streams([])
