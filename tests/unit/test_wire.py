"""A recorded event's rows read from its JSON, or None for anything of another shape."""

from __future__ import annotations

import pytest

from tests.strategies import agreement
from timeline.engine import aggregates
from timeline.projections._projection import default_mapper
from timeline.projections._schema import RELIABILITY_CODES
from timeline.projections._wire import recorded_rows


def _state() -> bytes:
    stream = aggregates.DevelopmentStream(development=agreement(targets=["USA"]))
    [recorded] = stream.collect_events()
    return bytes(default_mapper().to_stored_event(recorded).state)


def test_the_rows_and_the_named_actors_come_from_one_read_of_the_json() -> None:
    found = recorded_rows(_state(), 9)
    assert found is not None
    dev_id, claims, version, named = found
    assert dev_id == "agreement"
    assert [(c.actor, c.topic, c.reliability) for c in claims] == [
        ("TUR", "s400-purchase", RELIABILITY_CODES["official"])
    ]
    assert (version.origin, version.state) == (9, b"")
    assert named == {"RUS", "TUR", "USA"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"_data_":2', b'"_data_":true'),  # a stance that is a bool, not a number
        (b'"_data_":2', b'"_data_":2.0'),  # nor a float
        (b'"actor":"TUR"', b'"actor":null'),
        (b'"_type_":"reliability"', b'"_type_":"stance"'),
        (b'"actors":["RUS","TUR"]', b'"actors":"RUS"'),
        (b'"claims":[', b'"reports":[],"claims":['),  # several reports: decoded in full
        (b'"topic":"s400-purchase"', b'"topic":"s400-purchase","rank":1'),
        (b'"_data_":"official"', b'"_data_":"hearsay"'),
        (b'{"timestamp"', b'{{"timestamp"'),
    ],
)
def test_a_state_of_another_shape_is_left_to_the_full_decoding(old: bytes, new: bytes) -> None:
    state = _state()
    assert old in state
    assert recorded_rows(state.replace(old, new, 1), 9) is None
