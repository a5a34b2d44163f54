"""A view's first lookup answers as the replay does, however far the store has moved on.

The first lookup of a view taken with no store position finds in its own statement
whether the store's head is still where the view stands, and when it finds no claim
it asks once more whether the head is still there and the view holds it
(`Materialised.first_position`); only otherwise does it catch up.  Another
connection writes between the lookups here, so each of those paths is taken, with
claims found and without: every answer must be the replay's.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import LAST_YEAR, PAIRS, days, fill, stories
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine._rule import PairKey
from timeline.engine.values import Development

# A day by which every development of the strategies has possibly occurred.
END = dt.date(LAST_YEAR + 1, 12, 31)


@given(stories(max_size=6), st.data(), days(), st.none() | days(), st.booleans())
def test_first_lookups_after_writes_elsewhere_answer_as_the_replay(
    story: list[Development],
    data: st.DataObject,
    day: dt.date,
    known_at: dt.date | None,
    possible: bool,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'story.db'}"
        with Timeline.open(url) as writer, Timeline.open(url) as reader:
            fill(writer, [])  # the registry first: names resolve from the start
            replay = reader.reading(Replayed)

            def first_lookup(key: PairKey, on: dt.date, known: dt.date | None, maybe: bool) -> None:
                view = reader.as_of(on, known, possible=maybe)
                found = view.position(*key)  # before the replay, which catches the view up
                expected = replay.as_of(on, known, possible=maybe).position(*key)
                assert found == expected
                assert view.position(*key) == expected  # a second read, at the same pin

            for development in story:
                # Another connection records: the reader's view is now behind the head.
                writer.record_many([development])
                # The first read after it is of a pair the development claims (which may
                # have had claims before, or none), as of a day by which all of them
                # may have occurred (so that the new claim is likely to change it); then
                # every pair's, the view current.
                claimed = [(claim.actor, claim.topic) for claim in development.claims]
                first_lookup(data.draw(st.sampled_from(claimed or list(PAIRS))), END, None, True)
                for key in PAIRS:
                    first_lookup(key, day, known_at, possible)
