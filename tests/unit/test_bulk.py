"""The bulk write path's own parts: its creation events and its id scan.

Its transaction on each kind of store is part of every backend's contract
(`tests/integration/test_backends.py`).
"""

from __future__ import annotations

import gc
import json
import pickle
import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import developments, event_data
from timeline import Timeline
from timeline.engine import Development, _bulk
from timeline.engine._bulk import YOUNG, BulkWrite, Creation
from timeline.engine._bulk_stores import recorded_id
from timeline.engine._encode import StoredEvents
from timeline.engine.aggregates import _NAMESPACE, DevelopmentStream, stream_id
from timeline.engine.values import Source


def _state(state: bytes) -> list[tuple[str, object]]:
    """The stored state's keys in order with their values, the recorded instant left out."""
    return [(k, v) for k, v in json.loads(state).items() if k != "timestamp"]


@given(developments())
def test_a_creation_event_is_stored_as_the_aggregate_stores_it(development: Development) -> None:
    with Timeline() as tl:
        app = tl.materialised.application
        ident = stream_id("development", development.id)
        ours = StoredEvents(app.mapper).creation(BulkWrite(app).recorded(ident, development))
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


@given(st.sampled_from(["development", "actor", "topic"]), st.text())
def test_a_stream_id_is_the_name_based_uuid_of_its_id(kind: str, ident: str) -> None:
    # Made without `UUID.__init__`: the stored streams' ids must not move by a bit.
    made, wanted = stream_id.__wrapped__(kind, ident), uuid.uuid5(_NAMESPACE, f"{kind}/{ident}")
    assert (made.int, made.is_safe, made.version, made.variant) == (
        wanted.int,
        wanted.is_safe,
        wanted.version,
        wanted.variant,
    )
    assert made == wanted
    assert hash(made) == hash(wanted)
    assert str(made) == str(wanted)
    assert pickle.loads(pickle.dumps(made)) == wanted


@given(developments().flatmap(lambda d: st.just(d) | event_data(d)))
def test_a_creation_is_written_as_the_mapper_writes_its_aggregates_event(
    development: Development,
) -> None:
    # The bulk path writes a new stream's bytes straight from the development: they
    # must be the very bytes the mapper writes for the aggregate's own creation event.
    with Timeline() as tl:
        app = tl.materialised.application
        made = DevelopmentStream(development=development).collect_events()[0]
        creation = Creation(made.originator_id, development, made.timestamp)
        assert StoredEvents(app.mapper).creation(creation) == app.mapper.to_stored_event(made)
        assert app.mapper.to_stored_event(creation.event()) == app.mapper.to_stored_event(made)
        folded: Any = made.mutate(None)
        assert creation.mutate(None).entry == folded.entry


def test_a_bulk_write_collects_garbage_less_often_and_restores_the_threshold() -> None:
    before = gc.get_threshold()
    with Timeline() as tl, BulkWrite(tl.materialised.application) as bulk:
        assert gc.get_threshold() == (YOUNG, *before[1:])
        bulk.abandon()
    assert gc.get_threshold() == before
    try:
        with Timeline() as tl, BulkWrite(tl.materialised.application):
            raise KeyError("a failing import")
    except KeyError:
        pass
    assert gc.get_threshold() == before


def test_overlapping_bulk_writes_restore_the_threshold_when_the_last_one_ends() -> None:
    # Threads may write at once: the first to begin saves the threshold, the last restores it.
    before = gc.get_threshold()
    with Timeline() as one, Timeline() as two:
        first = BulkWrite(one.materialised.application).__enter__()
        second = BulkWrite(two.materialised.application).__enter__()
        first.__exit__(None, None, None)
        assert gc.get_threshold() == (YOUNG, *before[1:])
        second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def _found_as_written(app: Any, batches: list[list[Development]]) -> None:
    """Writes each batch's new developments in one bulk write, checking at each batch
    that the streams found are exactly those written before it."""
    written: set[uuid.UUID] = set()
    with BulkWrite(app) as bulk:
        for batch in batches:
            idents = [stream_id("development", d.id) for d in batch]
            assert set(bulk.streams(idents)) == written & set(idents)
            new = {i: d for i, d in zip(idents, batch, strict=True) if i not in written}
            bulk.write([], [bulk.recorded(i, d) for i, d in new.items()])
            written |= set(new)


@given(st.lists(st.lists(developments(), max_size=4), max_size=4), st.sampled_from([7, 1023]))
def test_a_fresh_stores_streams_are_found_by_what_the_write_appended(
    batches: list[list[Development]], mask: int
) -> None:
    # In a store empty when it began, a write looks only for the streams its filter
    # may hold; a small filter (many false "may hold") must find the same streams.
    saved = _bulk._FILTER_BITS, _bulk._FILTER_MASK
    _bulk._FILTER_BITS, _bulk._FILTER_MASK = mask + 1, mask
    try:
        with Timeline() as tl:
            app = tl.materialised.application
            with BulkWrite(app) as bulk:
                assert bulk._written is not None
                bulk.abandon()
            _found_as_written(app, batches)
    finally:
        _bulk._FILTER_BITS, _bulk._FILTER_MASK = saved


def test_a_store_holding_events_is_read_for_every_stream(tmp_path: Any) -> None:
    for url in (None, f"sqlite:///{tmp_path / 'store.db'}"):
        with Timeline.open(url) if url else Timeline() as tl:
            app = tl.materialised.application
            with BulkWrite(app) as bulk:
                assert bulk._written is not None  # empty: the filter is used
                bulk.abandon()
            first = Development(
                id="first",
                occurred="2020-01-01",
                reported="2020-01-02",
                kind="statement",
                summary="Said.",
                actors=("TUR",),
                source=Source("Reuters", "named"),
            )
            with BulkWrite(app) as bulk:
                bulk.write([], [bulk.recorded(stream_id("development", "first"), first)])
            with BulkWrite(app) as bulk:
                assert bulk._written is None  # it held events as the write began
                assert set(bulk.streams([stream_id("development", "first")])) == {
                    stream_id("development", "first")
                }
