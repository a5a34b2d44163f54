"""The corrected (and the retracted) entries the view reads by their own statement, found
through the events table's key index, equal the replay's at every store position."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests import strategies as gen
from tests.property.test_topic_chart_reads import Edit, _edit, _edits
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import Development
from timeline.engine._rule import Entry

# SQLite's name for the key index of eventsourcing's events table (stream, version).
_KEY = "sqlite_autoindex_stored_events_1"


def _by_id(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda entry: entry.id)


Answers = dict[bool, list[Entry]]


def _replayed(tl: Timeline, known: dt.date | None) -> Answers:
    """The corrected and the retracted entries by replay, as the store stands now."""
    replayed = tl.reading(Replayed)
    return {r: _by_id(replayed.corrections(known, retracted=r)) for r in (False, True)}


def _same_at_each_position(tl: Timeline, known: dt.date | None, kept: dict[int, Answers]) -> None:
    """The view's answers at each position kept equal the replay's made there."""
    for at, wanted in kept.items():
        for retracted in (False, True):
            found = tl.corrections(known, at=at, retracted=retracted)
            assert _by_id(found) == wanted[retracted]


@settings(max_examples=40, deadline=None)
@given(
    story=gen.stories(max_size=6),
    edits=_edits(),
    known=st.none() | gen.days(2016, 2021),
)
def test_the_corrected_entries_equal_the_replays(
    story: list[Development], edits: list[tuple[int, Edit]], known: dt.date | None
) -> None:
    """In memory and in an SQLite file (the store's own events table), at each position."""
    with tempfile.TemporaryDirectory() as folder:
        for tl in (Timeline(), Timeline.open(f"sqlite:///{Path(folder) / 'store.db'}")):
            try:
                gen.fill(tl, story)
                kept = {tl.position: _replayed(tl, known)}
                for index, edit in edits:
                    if story:
                        _edit(tl, story[index % len(story)].id, edit)
                        kept[tl.position] = _replayed(tl, known)
                _same_at_each_position(tl, known, kept)
            finally:
                tl.close()


def test_sqlite_finds_the_later_events_in_the_key_index(tmp_path: Path) -> None:
    """The corrected streams are found without reading every event's row."""
    path = tmp_path / "store.db"
    with Timeline.open(f"sqlite:///{path}") as tl:
        gen.fill(tl, [gen.agreement()])
        dialect = tl.materialised.queries.dialect
    with sqlite3.connect(path) as conn:
        for retracted in (False, True):
            statement = dialect.development_streams(corrected=True, retracted=retracted)
            plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}", {"pin": 1}).fetchall()
            details = [row[-1] for row in plan]
            # The one walk is of the key index; the rows are each searched for.
            walks = [detail for detail in details if detail.startswith("SCAN")]
            assert walks == [f"SCAN {dialect.events} USING COVERING INDEX {_KEY}"], details
