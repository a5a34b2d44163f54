"""A read without a source is the read of a store that never recorded that source's reports."""

from __future__ import annotations

from collections.abc import Mapping

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import ACTORS, TOPICS, days, fill, revisions, stories
from timeline import Timeline
from timeline.bootstrap import Replayed, the_view
from timeline.engine import Development, Reliability, Revision

PUBLISHERS = ("Sputnik", "Bloomberg", "Reuters")
pairs = st.tuples(st.sampled_from(ACTORS), st.sampled_from(TOPICS))


def _stores(
    story: list[Development], corrections: list[Revision], kept: list[Development]
) -> tuple[Timeline, Timeline]:
    full, partial = Timeline(), Timeline()
    fill(full, story)
    fill(partial, kept)
    for development, revision in zip(story, corrections, strict=False):
        for tl in (full, partial) if development in kept else (full,):
            tl.revise(
                development.id,
                reported=revision.reported,
                reason=revision.reason,
                **revision.changes,
            )
    return full, partial


def _agree(
    full: Timeline,
    partial: Timeline,
    scope: Mapping[str, object],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    pair: tuple[str, str],
) -> None:
    for reads in (the_view, Replayed):
        asking, told = full.reading(reads), partial.reading(reads)
        asked = asking.as_of(day, known_at, possible=possible, **scope)  # type: ignore[arg-type]
        truth = told.as_of(day, known_at, possible=possible)
        assert asked.positions() == truth.positions()
        assert asked.developments() == truth.developments()
        assert asking.history(*pair, known_at=known_at, possible=possible, **scope) == (  # type: ignore[arg-type]
            told.history(*pair, known_at=known_at, possible=possible)
        )
        explained = asking.explain(*pair, day, known_at=known_at, possible=possible, **scope)  # type: ignore[arg-type]
        assert explained == told.explain(*pair, day, known_at=known_at, possible=possible)
        assert asking.relations("TUR", "USA", by="year", known_at=known_at, **scope) == (  # type: ignore[arg-type]
            told.relations("TUR", "USA", by="year", known_at=known_at)
        )


@given(
    stories(),
    st.lists(revisions(), max_size=4),
    st.sampled_from(PUBLISHERS),
    days(),
    st.none() | days(),
    st.booleans(),
    pairs,
)
def test_without_a_source_is_a_store_that_never_recorded_it(
    story: list[Development],
    corrections: list[Revision],
    publisher: str,
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    pair: tuple[str, str],
) -> None:
    kept = [d for d in story if d.source.publisher != publisher]
    full, partial = _stores(story, corrections, kept)
    scope = {"without_sources": [publisher.upper()]}  # publishers match whatever their case
    _agree(full, partial, scope, day, known_at, possible, pair)


@given(
    stories(),
    st.lists(revisions(), max_size=4),
    st.sets(st.sampled_from(Reliability), min_size=1),
    days(),
    st.none() | days(),
    st.booleans(),
    pairs,
)
def test_only_some_reliabilities_is_a_store_of_only_those_reports(
    story: list[Development],
    corrections: list[Revision],
    trusted: set[Reliability],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    pair: tuple[str, str],
) -> None:
    kept = [d for d in story if d.source.reliability in trusted]
    full, partial = _stores(story, corrections, kept)
    scope = {"only_reliability": sorted(str(r) for r in trusted)}
    _agree(full, partial, scope, day, known_at, possible, pair)
