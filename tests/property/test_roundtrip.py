"""The JSON Lines log round-trips: exported and imported into a fresh store, all answers agree."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import event, given
from hypothesis import strategies as st

from tests.strategies import (
    ACTORS,
    TOPICS,
    days,
    fill,
    rank,
    rankings,
    retractions,
    revisions,
    stories,
)
from timeline import Timeline
from timeline.engine import Development, Ranking, Retraction, Revision
from timeline.formats._exchange import export, import_file

Correction = tuple[str, Revision | Retraction | Ranking]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Development], list[Correction]]:
    """A story, and corrections of its developments (at most one retraction each)."""
    story = draw(stories())
    corrections: list[Correction] = []
    retracted: set[str] = set()
    for development in story:
        for revision in draw(st.lists(revisions(), max_size=2)):
            corrections.append((development.id, revision))
        claimed = [(c.actor, c.topic) for c in development.claims]
        others = [d.id for d in story if d.id != development.id]
        for ranking in draw(st.lists(rankings(pairs=claimed, grounds=others), max_size=2)):
            corrections.append((development.id, ranking))
        if development.id not in retracted and draw(st.integers(0, 3)) == 0:
            corrections.append((development.id, draw(retractions())))
            retracted.add(development.id)
    return story, draw(st.permutations(corrections))


def _write(tl: Timeline, story: list[Development], corrections: list[Correction]) -> None:
    fill(tl, story)
    for dev_id, correction in corrections:
        if isinstance(correction, Revision):
            tl.revise(
                dev_id,
                reported=correction.reported,
                reason=correction.reason,
                **correction.changes,
            )
        elif isinstance(correction, Ranking):
            rank(tl, dev_id, correction)
        else:
            tl.retract(dev_id, reported=correction.reported, reason=correction.reason)


def _knowledge_days(tl: Timeline) -> list[dt.date | None]:
    found: set[dt.date] = set()
    for entry in tl.entries():
        found |= entry.knowledge_days()
    ordered = sorted(found)
    around = {d + dt.timedelta(days=step) for d in ordered for step in (-1, 0)}
    return [None, *sorted(around)]


def _lines_without_provenance(text: str) -> Counter[str]:
    lines = [json.loads(line) for line in text.splitlines()[1:]]
    return Counter(json.dumps({k: v for k, v in line.items() if k != "recorded"}) for line in lines)


@given(histories(), st.lists(days(), min_size=1, max_size=4))
def test_export_then_import_into_a_fresh_store_gives_the_same_answers(
    history: tuple[list[Development], list[Correction]], some_days: list[dt.date]
) -> None:
    story, corrections = history
    with Timeline() as original, Timeline() as copy, TemporaryDirectory() as folder:
        _write(original, story, corrections)
        path = Path(folder) / "story.jsonl"
        path.write_text(export(original, "jsonl"), encoding="utf-8")
        report = import_file(copy, path)
        assert set(report.developments) == {d.id for d in story}
        distinct = set(corrections)
        event(f"corrections: {min(len(distinct), 3)}+")
        assert report.revisions == sum(isinstance(c, Revision) for _, c in distinct)
        assert report.retractions == sum(isinstance(c, Retraction) for _, c in distinct)

        knowledge = _knowledge_days(original)
        story_days = sorted({*some_days, *(k for k in knowledge if k is not None)})
        for known_at in knowledge:
            assert copy.developments(known_at) == original.developments(known_at)
            for day in story_days:
                assert (
                    copy.as_of(day, known_at).positions()
                    == original.as_of(day, known_at).positions()
                )
                assert copy.as_of(day, known_at, possible=True).positions() == (
                    original.as_of(day, known_at, possible=True).positions()
                )
            for actor in ACTORS:
                for topic in TOPICS:
                    assert copy.history(actor, topic, known_at=known_at) == original.history(
                        actor, topic, known_at=known_at
                    )
        assert _same_entries(copy, original)

        # The copy's own log says the same, line for line (its order and times are its own),
        # and importing the file again changes nothing.
        assert _lines_without_provenance(export(copy, "jsonl")) == _lines_without_provenance(
            path.read_text()
        )
        position = copy.position
        assert not import_file(copy, path).changed
        assert copy.position == position


def _same_entries(copy: Timeline, original: Timeline) -> bool:
    """Entries equal up to the order of corrections (which only recording order gives)."""

    def key(tl: Timeline) -> list[tuple[object, ...]]:
        return [
            (e.development, sorted(map(repr, e.revisions)), sorted(map(repr, e.retractions)))
            for e in tl.entries()
        ]

    return key(copy) == key(original)


@given(histories(), st.lists(days(), min_size=1, max_size=3))
def test_a_plover_export_imported_into_a_fresh_store_gives_the_same_answers(
    history: tuple[list[Development], list[Correction]], some_days: list[dt.date]
) -> None:
    # PLOVER codes each development once, as last known; its corrections and rankings
    # travel in the record's timeline.history, so every answer on every day comes back.
    story, corrections = history
    with Timeline() as original, Timeline() as copy, TemporaryDirectory() as folder:
        _write(original, story, corrections)
        if not story:
            return  # an empty file is in no format
        path = Path(folder) / "story.plover"
        path.write_text(export(original, "plover"), encoding="utf-8")
        import_file(copy, path)
        knowledge = _knowledge_days(original)
        story_days = sorted({*some_days, *(k for k in knowledge if k is not None)})
        for known_at in knowledge:
            assert copy.developments(known_at) == original.developments(known_at)
            for day in story_days:
                for possible in (False, True):
                    assert copy.as_of(day, known_at, possible=possible).positions() == (
                        original.as_of(day, known_at, possible=possible).positions()
                    )
        assert _same_entries(copy, original)
        assert [sorted(map(repr, e.rankings)) for e in copy.entries()] == [
            sorted(map(repr, e.rankings)) for e in original.entries()
        ]
