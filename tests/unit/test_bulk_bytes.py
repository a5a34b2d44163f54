"""The bulk path stores the very bytes the normal path stores, event by event."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import developments, rankings, retractions, revisions
from timeline import Timeline
from timeline.engine import Development
from timeline.engine._application import StoreApplication, correct
from timeline.engine._bulk import Creation
from timeline.engine._encode import StoredEvents
from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream
from timeline.engine.corrections import Correction
from timeline.engine.errors import NotRetractableError, RecordError
from timeline.engine.values import Actor, Kind, Reliability, Topic
from timeline.engine.when import When
from timeline.formats._exchange import import_file

DATA = Path(__file__).resolve().parent.parent / "data"
# The instant an event was recorded: the one part of its state two writes never share.
_INSTANT = re.compile(rb'"timestamp":\{"_type_":"datetime_iso","_data_":"[^"]*"\}')


def _masked(state: bytes) -> bytes:
    return _INSTANT.sub(b'"timestamp":"-"', state)


@given(
    developments(),
    st.lists(revisions() | retractions() | rankings(grounds=()), max_size=4),
    st.text(max_size=12),
)
def test_stored_events_are_the_mappers_bytes(
    development: Development, corrections: list[Correction], name: str
) -> None:
    app = StoreApplication(env={})
    stream = DevelopmentStream(development=development)
    for correction in corrections:
        try:
            correct(stream, correction)
        except (NotRetractableError, RecordError):  # refused: it adds no event
            continue
    streams: list[Any] = [stream]
    if name.strip():  # names with control characters, quotes and non-ASCII text
        streams.append(ActorStream(actor=Actor("AAA", name.strip())))
        streams.append(TopicStream(topic=Topic("t", name.strip())))
    fast = StoredEvents(app.mapper)
    assert fast.usable
    for aggregate in streams:
        for event in aggregate.collect_events():
            assert fast(event) == app.mapper.to_stored_event(event)


# Text as event data holds it: non-ASCII, quotes, backslashes, control characters.
_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12).filter(str.strip)
_FIELDS = [field.name for field in attrs.fields(Development)]


@st.composite
def _event_data(draw: st.DrawFn) -> Development:
    """A development as a dataset reader makes one: every event-data field may be set."""
    development: Development = draw(developments())
    weight = st.floats(-10, 10, allow_nan=False) | st.integers(-10, 10)
    return attrs.evolve(
        development,
        summary=draw(_TEXT),
        targets=tuple(draw(st.lists(_TEXT, max_size=2, unique=True))),
        coded=draw(st.none() | _TEXT),
        mode=tuple(draw(st.lists(_TEXT, max_size=2))),
        context=tuple(draw(st.lists(_TEXT, max_size=2))),
        weight=draw(st.none() | weight),
        occurred_as_written=draw(st.none() | _TEXT),
    )


@given(_event_data())
def test_event_data_is_stored_as_the_mapper_stores_it(development: Development) -> None:
    # The encoder's shortcuts (texts without a lookup, lists of texts joined at once,
    # enum members' text made once, numbers by repr) against the mapper's own JSON.
    app = StoreApplication(env={})
    fast = StoredEvents(app.mapper)
    for event in DevelopmentStream(development=development).collect_events():
        assert fast(event) == app.mapper.to_stored_event(event)


def _events(app: StoreApplication) -> list[tuple[Any, ...]]:
    return [
        (n.originator_id, n.originator_version, n.topic, _masked(bytes(n.state)))
        for n in app.notifications()
    ]


def _saved_plainly(events: list[Any]) -> StoreApplication:
    """A store where each stream of `events` is made by its own constructor and saved."""
    app = StoreApplication(env={})
    streams: list[Any] = []
    for event in events:
        value = getattr(event, "development", None) or getattr(event, "actor", None)
        value = value or event.topic
        if isinstance(value, Development):
            streams.append(DevelopmentStream(development=value))
        elif isinstance(value, Actor):
            streams.append(ActorStream(actor=value))
        else:
            streams.append(TopicStream(topic=value))
    for stream in streams:
        app.save(stream)
    return app


def test_an_imported_file_is_stored_as_plainly_saved_streams_are(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bulk.db'}"
    with Timeline.open(url) as tl:
        for name in ("gdelt-events.tsv", "acled-events.csv", "polecat-events.tsv"):
            import_file(tl, DATA / name, skip_bad=True, rejects=tmp_path / f"{name}.rejects")
        bulk = tl.materialised.application
        written = _events(bulk)
        decoded = [bulk.mapper.to_domain_event(n) for n in bulk.notifications()]
    assert len(written) > 20
    plain = _saved_plainly(decoded)
    assert _events(plain) == written


class _Text(str):
    """A text of a type of its own, which no declared type's inline test takes."""


# Values of types a development's fields are not declared to hold (set past the
# validators, as a value decoded by a lenient reader or made by hand could be): each is
# written by its own type's writer, or refused and left to the mapper.
_ODD = (
    st.builds(_Text, _TEXT)
    | st.lists(_TEXT, max_size=2)
    | st.integers(-10, 10)
    | st.booleans()
    | st.none()
    | st.dictionaries(_TEXT, _TEXT, max_size=2)
    | st.frozensets(st.integers(), max_size=1)
    | st.tuples(st.integers())
    | st.sampled_from([When("2020"), Kind.STATEMENT, Reliability.NAMED])
)


@given(_event_data(), st.dictionaries(st.sampled_from(_FIELDS), _ODD, max_size=3))
def test_fields_of_undeclared_types_are_stored_as_the_mapper_stores_them(
    development: Development, odd: dict[str, Any]
) -> None:
    # Each field's declared types are written inline; any other value, here one of a
    # type its field does not declare, takes its type's writer as every field once did.
    events = DevelopmentStream(development=development).collect_events()
    for name, value in odd.items():  # past the validators, once the stream is made
        object.__setattr__(development, name, value)
    app = StoreApplication(env={})
    fast = StoredEvents(app.mapper)
    for event in events:
        try:
            expected = app.mapper.to_stored_event(event)
        except TypeError:  # a value JSON cannot hold: the fast path refuses it too
            with pytest.raises(TypeError):
                fast(event)
            continue
        assert fast(event) == expected
        assert fast.creation(_creation(event)) == expected


def _creation(event: Any) -> Creation:
    return Creation(event.originator_id, event.development, event.timestamp)
