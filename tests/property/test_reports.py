"""Several reports of one development: each known from its day, counted by origin.

The engine (the materialised view and the pure replay) is held to the naive
model, which counts independent reports its own way, and to a store that never
recorded the developments too few reports carry.
"""

from __future__ import annotations

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from tests.naive import NaiveStory, held_all, independent
from tests.strategies import days, fill, stories
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import Development


def _model(story: list[Development], min_reports: int) -> NaiveStory:
    model = NaiveStory(min_reports=min_reports)
    for development in story:
        model.record(development)
    return model


@given(stories(), st.integers(1, 3), days(), st.none() | days(), st.booleans())
def test_min_reports_gives_the_naive_positions_and_developments(
    story: list[Development],
    min_reports: int,
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
) -> None:
    tl = Timeline()
    fill(tl, story)
    model = _model(story, min_reports)
    for reader in (tl, tl.reading(Replayed)):
        view = reader.as_of(day, known_at, possible=possible, min_reports=min_reports)
        assert held_all(view.positions()) == model.as_of(day, known_at, possible)
        listed = reader.developments(known_at, min_reports=min_reports)
        assert [d.id for d in listed] == [d.id for d in model.story(known_at)]


@given(stories(), st.none() | days())
def test_each_report_is_known_from_its_own_day(
    story: list[Development], known_at: pendulum.Date | None
) -> None:
    tl = Timeline()
    fill(tl, story)
    model = _model(story, 1)
    for reader in (tl, tl.reading(Replayed)):
        found = {d.id: d for d in reader.developments(known_at)}
        expected = {d.id: d for d in model.story(known_at)}
        assert found.keys() == expected.keys()
        for dev_id, development in found.items():
            assert development.reports == expected[dev_id].reports
            assert development.origins() == independent(expected[dev_id])


@given(stories(), st.integers(2, 3), days(), st.none() | days())
def test_min_reports_is_a_store_without_what_too_few_reports_carry(
    story: list[Development], min_reports: int, day: pendulum.Date, known_at: pendulum.Date | None
) -> None:
    model = _model(story, 1)
    kept = [
        d
        for d in story
        if (known := model.current(d.id, known_at)) is not None
        and independent(known) >= min_reports
    ]
    full, partial = Timeline(), Timeline()
    fill(full, story)
    fill(partial, kept)
    asked = full.as_of(day, known_at, min_reports=min_reports)
    assert asked.positions() == partial.as_of(day, known_at).positions()
