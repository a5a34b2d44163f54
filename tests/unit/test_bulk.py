"""The bulk write path's own parts: its creation events, its id scan, its transaction."""

from __future__ import annotations

import json

import pytest
from hypothesis import given

from tests.strategies import agreement, developments
from timeline import Timeline
from timeline.engine import Development
from timeline.engine._bulk_stores import recorded_id
from timeline.engine.aggregates import DevelopmentStream, stream_id
from timeline.engine.bulk import BulkWrite


def _state(state: bytes) -> list[tuple[str, object]]:
    """The stored state's keys in order with their values, the recorded instant left out."""
    return [(k, v) for k, v in json.loads(state).items() if k != "timestamp"]


@given(developments())
def test_a_creation_event_is_stored_as_the_aggregate_stores_it(development: Development) -> None:
    with Timeline() as tl:
        app = tl.materialised.application
        ident = stream_id("development", development.id)
        ours = app.mapper.to_stored_event(BulkWrite(app).recorded(ident, development))
        made = DevelopmentStream(development=development).collect_events()[0]
        theirs = app.mapper.to_stored_event(made)
        assert (ours.originator_id, ours.originator_version, ours.topic) == (
            theirs.originator_id,
            theirs.originator_version,
            theirs.topic,
        )
        assert _state(ours.state) == _state(theirs.state)
        back = app.mapper.to_domain_event(ours)
        assert back.mutate(None).development == development  # type: ignore[attr-defined]
        assert recorded_id(ours.state) == development.id


def test_what_a_bulk_write_appends_is_read_back_inside_it_and_gone_when_abandoned(
    timeline: Timeline,
) -> None:
    app = timeline.materialised.application
    development = agreement(id="bulk-1")
    ident = stream_id("development", development.id)
    with BulkWrite(app) as bulk:
        bulk.write([], [bulk.recorded(ident, development)])
        assert bulk.streams([ident])[ident].development == development
        assert list(bulk.recorded_ids("")) == [development.id]
        bulk.abandon()
    assert timeline.head == 0
    with BulkWrite(app) as bulk:
        bulk.write([], [bulk.recorded(ident, development)])
    assert timeline.entry(development.id).development == development


def test_a_bulk_write_is_rolled_back_by_an_exception(timeline: Timeline) -> None:
    app = timeline.materialised.application
    development = agreement(id="bulk-1")
    ident = stream_id("development", development.id)

    def interrupted() -> None:
        with BulkWrite(app) as bulk:
            bulk.write([], [bulk.recorded(ident, development)])
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        interrupted()
    assert timeline.head == 0
