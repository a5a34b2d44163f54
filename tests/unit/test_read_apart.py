"""What the reader process sends, and what the importing process stores from it."""

from __future__ import annotations

import pickle
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import developments, event_data
from timeline import Timeline
from timeline.engine import Development
from timeline.engine._application import StoreApplication
from timeline.engine._bulk import Encoded
from timeline.engine._bulk_process import portable
from timeline.engine._encode import StoredEvents
from timeline.engine.aggregates import DevelopmentStream
from timeline.engine.errors import LoadError, StoreError
from timeline.formats._read_process import Row, usable


@given(developments().flatmap(lambda d: st.just(d) | event_data(d)))
def test_a_creation_stored_from_the_readers_text_is_the_mappers_bytes(
    development: Development,
) -> None:
    # The reader makes the text with a mapper of its own; the importing process stores
    # around it with the instant it records: the very bytes of the aggregate's creation.
    text = StoredEvents(StoreApplication().mapper).development_text(development)
    assert text is not None
    with Timeline() as tl:
        app = tl.materialised.application
        assert usable(app.mapper)
        made = DevelopmentStream(development=development).collect_events()[0]
        encoded = Encoded(made.originator_id, text, made.timestamp, StoredEvents(app.mapper))
        assert encoded.stored() == app.mapper.to_stored_event(made)
        folded: Any = made.mutate(None)
        assert encoded.mutate(None).entry == folded.entry
        sent = pickle.loads(
            pickle.dumps((7, f"development {development.id!r}", development.id, text))
        )
        item = Row(*sent).item(app.mapper)
        assert (item.line, item.label, item.value) == (7, sent[1], development)


def test_a_load_error_crosses_a_pipe_with_its_problems() -> None:
    error = LoadError(["story.jsonl:3: field 'id': expected an id", "story.jsonl:9: and another"])
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), again.problems, str(again)) == (LoadError, error.problems, str(error))
    assert portable(error) is error


class _ListedError(ValueError):
    def __init__(self, items: list[str] | str) -> None:
        super().__init__("; ".join(items))


def test_an_error_that_would_arrive_changed_is_sent_as_what_it_said() -> None:
    # Pickled by its message, it is made again from that text as if from a list.
    error = _ListedError(["one", "two"])
    assert str(pickle.loads(pickle.dumps(error))) != str(error)
    sent = portable(error)
    assert isinstance(sent, StoreError)
    assert "_ListedError: one; two" in str(sent)
