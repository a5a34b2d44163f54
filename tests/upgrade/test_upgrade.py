"""Stores written by earlier versions open with today's code and answer as they did."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.upgrade.answers import answers
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import _contract as contract
from timeline.engine.errors import StoreError

HERE = Path(__file__).parent
FIXTURES = sorted(HERE.glob("store-*.db"))


def _copy(fixture: Path, folder: Path) -> Path:
    copy = folder / fixture.name
    shutil.copyfile(fixture, copy)
    return copy


def _expected(fixture: Path) -> object:
    return json.loads(fixture.with_suffix(".json").read_text())


@pytest.fixture(params=FIXTURES, ids=[f.stem for f in FIXTURES])
def fixture(request: pytest.FixtureRequest) -> Path:
    """Each committed store written by an earlier version."""
    path: Path = request.param
    return path


@pytest.fixture
def opened(fixture: Path, tmp_path: Path) -> Iterator[Timeline]:
    """A copy of the fixture store, opened with today's code."""
    with Timeline.open(f"sqlite:///{_copy(fixture, tmp_path)}") as tl:
        yield tl


def test_the_fixtures_are_there() -> None:
    assert [f.name for f in FIXTURES] == ["store-0.1.0.db", "store-0.2.0.db"]


def test_the_materialised_view_answers_as_the_writing_version_did(
    opened: Timeline, fixture: Path
) -> None:
    assert opened.as_of("2019-01-01").source == "materialised"
    assert answers(opened) == _expected(fixture)


def test_replay_answers_as_the_writing_version_did(opened: Timeline, fixture: Path) -> None:
    replayed = opened.reading(Replayed)
    assert replayed.as_of("2019-01-01").source == "replay"
    assert answers(replayed) == _expected(fixture)


def test_the_view_rebuilt_from_zero_answers_the_same(opened: Timeline, fixture: Path) -> None:
    assert opened.materialised.rebuild() == opened.head
    assert answers(opened) == _expected(fixture)


def test_a_store_without_its_view_builds_one_that_answers_the_same(
    fixture: Path, tmp_path: Path
) -> None:
    copy = _copy(fixture, tmp_path)
    with sqlite3.connect(copy) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for name in tables:
            if name.startswith("positions_"):
                db.execute(f'DROP TABLE "{name}"')
    with Timeline.open(f"sqlite:///{copy}") as tl:
        assert tl.materialised.tracking_id == 0
        assert answers(tl) == _expected(fixture)
        assert tl.materialised.tracking_id == tl.head


def test_the_second_fixture_holds_the_topics_0_2_0_wrote_and_a_schema_4_view() -> None:
    with sqlite3.connect(FIXTURES[1]) as db:
        stored = {topic for (topic,) in db.execute("SELECT DISTINCT topic FROM stored_events")}
        schema = db.execute(
            "SELECT notification_id FROM positions_tracking WHERE application_name = '__schema__'"
        ).fetchone()
    assert stored <= {t for t, version in contract.WRITTEN_BY.items() if version == "0.2.0"}
    assert schema == (4,)


def test_the_fixture_holds_former_topics() -> None:
    # The guard is only a guard while the fixture holds topics that have since moved.
    with sqlite3.connect(FIXTURES[0]) as db:
        stored = {topic for (topic,) in db.execute("SELECT DISTINCT topic FROM stored_events")}
    assert stored <= set(contract.FORMER)
    assert stored.isdisjoint(contract.WRITTEN_BY.keys() - contract.FORMER.keys())


def test_an_unregistered_former_topic_is_a_clear_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = "engine.aggregates:Development.Recorded"
    monkeypatch.delitem(contract._READABLE, topic)
    copy = _copy(FIXTURES[0], tmp_path)  # the store that 0.1.0 wrote under that topic
    with sqlite3.connect(copy) as db:
        db.execute('DROP TABLE "positions_tracking"')  # the view must read the events again
    with Timeline.open(f"sqlite:///{copy}") as tl, pytest.raises(StoreError) as raised:
        tl.as_of("2019").positions()  # a view reads the events at its first read
    message = str(raised.value)
    assert repr(topic) in message
    assert "written by timeline 0.1.0" in message


def test_a_topic_that_is_not_ours_is_never_imported(tmp_path: Path) -> None:
    db = tmp_path / "crafted.db"
    with Timeline.open(f"sqlite:///{db}") as tl:
        tl.register_topic("s400-purchase", "Turkey's purchase of the S-400")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stored_events SET topic = 'this:s'")
    with (
        Timeline.open(f"sqlite:///{db}") as tl,
        pytest.raises(StoreError, match="'this:s', which is not a timeline event"),
    ):
        tl.as_of("2019").positions()  # a view reads the events at its first read
    import sys

    assert "this" not in sys.modules


def test_a_blank_alias_that_0_1_0_stored_is_dropped_on_reading(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Timeline.open(f"sqlite:///{db}") as tl:
        tl.register_actor("TUR", "Turkey", aliases=["Ankara"])
    with sqlite3.connect(db) as conn:
        # As 0.1.0 wrote an actor registered with a blank alias beside a real one.
        (state,) = conn.execute("SELECT state FROM stored_events").fetchone()
        text = bytes(state).decode()
        assert '["Ankara"]' in text
        conn.execute(
            "UPDATE stored_events SET state = ?",
            (text.replace('["Ankara"]', '["", "Ankara", " "]').encode(),),
        )
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ).fetchall():
            if name.startswith("positions_"):
                conn.execute(f'DROP TABLE "{name}"')  # read the events again
    with Timeline.open(f"sqlite:///{db}") as tl:
        assert tl.registry.actors["TUR"].aliases == ("Ankara",)
        assert tl.registry.resolve("actor", "Ankara") == "TUR"
        assert tl.reading(Replayed).registry.actors["TUR"].aliases == ("Ankara",)
