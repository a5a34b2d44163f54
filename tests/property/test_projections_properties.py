"""Properties of the projection's parts: rows, read models against the oracle, tracking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pendulum
import pytest
from eventsourcing.persistence import Tracking
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import (
    ACTORS,
    DEV_IDS,
    TOPICS,
    agreement,
    days,
    developments,
    fill,
    retractions,
    revisions,
)
from timeline import Timeline
from timeline.engine import Development, Entry, Position, aggregates
from timeline.engine.replay import claims_on, fold_positions, known_developments
from timeline.engine.rule import occurred_by
from timeline.engine.when import FIRST_DAY, LAST_DAY
from timeline.projections.diff import diff_positions
from timeline.projections.explain import explain
from timeline.projections.history import history
from timeline.projections.materialised import Materialised
from timeline.projections.projection import StoryProjection, default_mapper
from timeline.projections.rows import KNOWN_FOREVER, claim_rows, development_rows, versions
from timeline.projections.sql import SCHEMA
from timeline.projections.sqlite import SQLiteViewRecorder
from timeline.projections.wire import recorded_rows

pairs = st.tuples(st.sampled_from(ACTORS), st.sampled_from(TOPICS))


@st.composite
def entries(draw: st.DrawFn, ident: str | None = None) -> Entry:
    """A development with random corrections, as recorded in any order."""
    ids = st.just(ident) if ident is not None else st.sampled_from(DEV_IDS)
    return Entry(
        draw(developments(ids=ids)),
        tuple(draw(st.lists(revisions(), max_size=3))),
        tuple(draw(st.lists(retractions(), max_size=1))),
    )


@st.composite
def corrected_stories(draw: st.DrawFn) -> list[Entry]:
    """Entries with distinct ids."""
    ids = draw(st.lists(st.sampled_from(DEV_IDS), max_size=8, unique=True))
    return [draw(entries(ident)) for ident in ids]


def oracle(
    story: list[Entry], day: dt.date, known_at: dt.date | None, possible: bool
) -> dict[tuple[str, str], Position]:
    """Every position by pure replay."""
    counted = [
        d
        for d in known_developments(story, known_at)
        if occurred_by(d.occurred, day, possible=possible)
    ]
    return fold_positions(counted, day, possible=possible)


@given(entries())
def test_versions_tell_what_was_known_on_every_day(entry: Entry) -> None:
    spans = versions(entry)
    probes = {
        day + dt.timedelta(days=shift) for day in entry.knowledge_days() for shift in (-1, 0, 1)
    }
    for day in [*probes, LAST_DAY]:
        held = [d for start, until, d in spans if start <= day.toordinal() < until]
        assert held == ([] if entry.as_known(day) is None else [entry.as_known(day)])
    assert all(until <= KNOWN_FOREVER for _, until, _ in spans)


@given(entries())
def test_claim_rows_hold_each_versions_claims(entry: Entry) -> None:
    spans = versions(entry)
    rows = claim_rows(spans)
    for start, _, development in spans:
        at = [r for r in rows if r.known_from <= start < r.known_until]
        assert sorted((r.actor, r.topic, r.stance) for r in at) == sorted(
            (c.actor, c.topic, c.stance.value) for c in development.claims
        )


@given(corrected_stories(), pairs, st.none() | days(), st.booleans(), st.lists(days(), max_size=5))
def test_history_changes_exactly_where_the_oracle_does(
    story: list[Entry],
    pair: tuple[str, str],
    known_at: pendulum.Date | None,
    possible: bool,
    probes: list[pendulum.Date],
) -> None:
    claims = claims_on(known_developments(story, known_at), pair)
    changes = history(claims, *pair, possible=possible)
    for change in changes:
        assert oracle(story, change.day, known_at, possible).get(pair) == change.after
        if change.day == FIRST_DAY:
            assert change.before is None  # nothing comes before the first day
        else:
            before = change.day - dt.timedelta(days=1)
            assert oracle(story, before, known_at, possible).get(pair) == change.before
        assert change.causes
    assert [c.day for c in changes] == sorted({c.day for c in changes})
    for day in probes:
        last = [c.after for c in changes if c.day <= day]
        assert oracle(story, day, known_at, possible).get(pair) == (last[-1] if last else None)


@given(corrected_stories(), pairs, days(), st.none() | days(), st.booleans())
def test_explain_names_the_oracles_position_and_its_run(
    story: list[Entry],
    pair: tuple[str, str],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
) -> None:
    found = explain(story, *pair, day, known_at=known_at, possible=possible)
    position = oracle(story, day, known_at, possible).get(pair)
    assert found.position == position
    assert tuple(d.id for d in found.evidence) == (position.evidence if position else ())
    assert (found.winner is None) == (position is None)
    if position is not None and found.winner is not None:
        assert found.winner.development.id == position.evidence[-1]
        assert found.winner.stance == position.stance
    assert all(claim.reason for claim in found.claims)
    assert found.rule


@given(corrected_stories(), days(), days(), st.none() | days())
def test_diff_lists_every_difference_once(
    story: list[Entry], d1: pendulum.Date, d2: pendulum.Date, known_at: pendulum.Date | None
) -> None:
    before, after = oracle(story, d1, known_at, False), oracle(story, d2, known_at, False)
    differences = diff_positions(before, after)
    assert {(d.actor, d.topic) for d in differences} == {
        key for key in set(before) | set(after) if before.get(key) != after.get(key)
    }
    for d in differences:
        assert (d.before, d.after) == (
            before.get((d.actor, d.topic)),
            after.get((d.actor, d.topic)),
        )


@given(developments())
def test_rows_read_from_the_stored_json_equal_the_decoded_ones(development: Development) -> None:
    mapper = default_mapper()
    stream = aggregates.DevelopmentStream(development=development)
    [recorded] = stream.collect_events()
    stored = mapper.to_stored_event(recorded)
    spans = versions(Entry(development))
    assert recorded_rows(stored.state) == (
        development.id,
        claim_rows(spans),
        development_rows(spans, mapper.transcoder.encode)[0],
    )
    changed = recorded_rows(stored.state.replace(b'"stanceclaim"', b'"claim"'))
    # No claims: nothing of another shape to notice.
    assert changed is None or (changed[0], changed[1]) == (development.id, [])


@given(st.lists(developments(), max_size=6, unique_by=lambda d: d.id))
def test_event_by_event_processing_builds_the_same_tables(story: list[Development]) -> None:
    with Timeline() as tl:
        fill(tl, story)
        tl.materialised.catch_up()
        app = tl.materialised.application
        other = Materialised(app, "memory")
        projection = StoryProjection(other.view, mapper=app.mapper)
        for notification in app.notifications():
            # The way a ProjectionRunner feeds a projection: one event at a time.
            tracking = Tracking(app.name, notification.id)
            event = app.mapper.to_domain_event(notification)
            projection.process_event(event, tracking)
            projection.process_event(event, tracking)  # again: tracking makes it a no-op
        assert other.view.dump() == tl.materialised.view.dump()
        other.close()


def test_a_view_stays_readable_after_the_store_closes(tmp_path: Path) -> None:
    for url in ("memory://", f"sqlite:///{tmp_path / 'story.db'}"):
        with Timeline.open(url) as tl:
            fill(tl, [agreement(reported="2018-12-20")])
            view = tl.as_of("2019")
        assert view.source == "materialised"
        assert view.position("TUR", "s400-purchase") is not None
        assert [d.id for d in view.developments()] == ["agreement"]


def test_two_timelines_on_one_file_share_the_view(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as first, Timeline.open(url) as second:
        fill(first, [agreement(reported="2018-12-20")])
        assert second.as_of("2019").position("TUR", "s400-purchase") is not None
        assert first.materialised.tracking_id == second.materialised.tracking_id
        first.retract("agreement", reported="2019-02-01", reason="withdrawn")
        assert first.as_of("2019", "2019-01-31").position("TUR", "s400-purchase") is not None
        assert first.as_of("2019").position("TUR", "s400-purchase") is None
        assert second.as_of("2019").position("TUR", "s400-purchase") is None


def test_a_view_of_another_schema_is_dropped_and_rebuilt(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        tl.materialised.catch_up()
        datastore = tl.materialised.view.datastore
        with datastore.transaction(commit=True) as c:
            c.execute(
                "UPDATE positions_tracking SET notification_id = 0 "
                "WHERE application_name = '__schema__'"
            )
        SQLiteViewRecorder(datastore).create_table()
        assert tl.materialised.tracking_id == 0
        assert tl.as_of("2019").position("TUR", "s400-purchase") is not None
        assert tl.materialised.view.dump()["tracking"][0] == ("__schema__", SCHEMA)


def test_catching_up_stops_where_asked() -> None:
    with Timeline() as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        head = tl.materialised.application.recorder.max_notification_id() or 0
        assert tl.materialised.catch_up(until=2) == 2
        assert tl.materialised.tracking_id == 2
        assert tl.materialised.catch_up() == head - 2
        assert tl.materialised.catch_up() == 0


def test_replay_is_used_when_the_view_is_switched_off() -> None:
    with Timeline() as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        tl.materialised.enabled = False
        assert tl.as_of("2019").source == "replay"
        tl.materialised.enabled = True
        assert tl.as_of("2019").source == "materialised"


@pytest.mark.parametrize(("known_at", "known"), [(None, True), ("2018-12-19", False)])
def test_a_development_counts_once_it_is_known(known_at: str | None, known: bool) -> None:
    with Timeline() as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        position = tl.as_of("2019", known_at).position("TUR", "s400-purchase")
        assert (position is not None) == known
