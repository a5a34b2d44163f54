"""The event store: exact transcoding, reopening files, strict URLs (every backend's
contract is in `test_backends.py`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pendulum
import pytest
from eventsourcing.persistence import JSONTranscoder
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import (
    days,
    developments,
    fill,
    registry_actors,
    retractions,
    revisions,
    stories,
    whens,
)
from timeline import Timeline
from timeline.engine import Development, Retraction, Revision, StoreError
from timeline.engine._application import StoreApplication
from timeline.engine._replay import View
from timeline.engine._transcodings import register_all
from timeline.engine.aggregates import DevelopmentStream
from timeline.engine.config import StoreConfig


def transcoder() -> JSONTranscoder:
    coder = JSONTranscoder()
    register_all(coder)
    return coder


@given(st.one_of(whens(), developments(), revisions(), retractions(), days()))
def test_every_value_round_trips_exactly_through_the_transcoder(value: object) -> None:
    coder = transcoder()
    decoded = coder.decode(coder.encode({"value": value}))["value"]
    assert decoded == value
    assert type(decoded) is type(value)


@given(developments(), revisions(), retractions())
def test_stored_events_decode_to_equal_events(
    development: Development, revision: Revision, retraction: Retraction
) -> None:
    app = StoreApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    stream = DevelopmentStream(development=development)
    stream.revise(revision)
    stream.retract(retraction)
    events = stream.collect_events()
    for event in events:
        stored = app.mapper.to_stored_event(event)
        assert app.mapper.to_domain_event(stored) == event


@given(stories(), st.lists(days(), min_size=1, max_size=3), st.none() | days())
def test_an_sqlite_file_reopens_with_identical_views(
    story: list[Development], on: list[pendulum.Date], known_at: pendulum.Date | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/story.db"
        with Timeline.open(url) as tl:
            fill(tl, story)
            # Read now: a view taken before `close()` reads no more after it.
            before = [_answers(tl.as_of(day, known_at=known_at)) for day in on]
            entries = tl.entries()
        with Timeline.open(url) as again:
            assert [_answers(again.as_of(day, known_at=known_at)) for day in on] == before
            assert again.entries() == entries
            assert again.registry.actors == {a.id: a for a in registry_actors()}


def _answers(view: View) -> tuple[object, ...]:
    return view.day, view.known_at, view.positions(), view.developments()


def test_store_urls_are_read_strictly() -> None:
    assert StoreConfig.from_url(None).kind == "memory"
    assert StoreConfig.from_url("sqlite:///story.db").env["SQLITE_DBNAME"] == "story.db"
    config = StoreConfig.from_url("postgresql://ann:secret@db.example:6543/news?schema=s1")
    assert config.env["POSTGRES_HOST"] == "db.example"
    assert config.env["POSTGRES_PORT"] == "6543"
    assert config.env["POSTGRES_SCHEMA"] == "s1"
    assert "secret" not in config.redacted_url
    assert "secret" not in config.location
    for bad in ("mysql://x/y", "sqlite://", "postgresql://host/"):
        with pytest.raises(StoreError):
            StoreConfig.from_url(bad)


def test_an_unopenable_sqlite_path_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match=r"dir\.db"):
        Timeline.open(f"sqlite:///{tmp_path / 'dir.db'}")
