"""The bulk write path's own parts: its creation events and its id scan.

Its transaction on each kind of store is part of every backend's contract
(`tests/integration/test_backends.py`).
"""

from __future__ import annotations

import json

from hypothesis import given

from tests.strategies import developments
from timeline import Timeline
from timeline.engine import Development
from timeline.engine._bulk import BulkWrite
from timeline.engine._bulk_stores import recorded_id
from timeline.engine.aggregates import DevelopmentStream, stream_id


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
