"""Invariants of the time model, checked on the in-memory store with random stories."""

from __future__ import annotations

import random as random_module

import attrs
import pendulum
from eventsourcing.persistence import JSONTranscoder
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import (
    days,
    developments,
    rank,
    rankings,
    registry_actors,
    registry_topics,
    retractions,
    revisions,
    stories,
    whens,
)
from timeline import Timeline
from timeline.engine import Development, Rank, Retraction, Revision, Stance, View, When
from timeline.engine._transcodings import AttrsByFields, register, register_all


def new_timeline() -> Timeline:
    tl = Timeline()
    tl.record_many([], actors=registry_actors(), topics=registry_topics())
    return tl


def snapshot(view: View) -> tuple[object, ...]:
    """Everything a view answers, as one comparable value."""
    return (view.positions(), view.developments())


@given(
    stories(),
    st.randoms(use_true_random=False),
    st.lists(days(), min_size=1, max_size=4),
)
def test_recording_order_never_changes_a_view(
    story: list[Development], random: random_module.Random, on: list[pendulum.Date]
) -> None:
    shuffled = list(story)
    random.shuffle(shuffled)
    first, second = new_timeline(), new_timeline()
    first.record_many(story)
    for development in shuffled:
        second.record(development)
    for day in on:
        for possible in (False, True):
            assert snapshot(first.as_of(day, possible=possible)) == snapshot(
                second.as_of(day, possible=possible)
            )


@given(stories(), developments(ids=st.just("late-one")), days(), st.booleans())
def test_a_development_after_the_day_never_changes_the_view(
    story: list[Development], late: Development, day: pendulum.Date, possible: bool
) -> None:
    tl = new_timeline()
    tl.record_many(story)
    before = snapshot(tl.as_of(day, possible=possible))
    if late.occurred.earliest <= day:
        late = attrs.evolve(late, occurred=day.add(days=1).isoformat())
    tl.record(late)
    assert snapshot(tl.as_of(day, possible=possible)) == before


@given(stories(), days())
def test_a_development_reported_after_k_is_invisible_at_k(
    story: list[Development], k: pendulum.Date
) -> None:
    tl = new_timeline()
    tl.record_many(story)
    view = tl.as_of("9999-12-31", known_at=k, possible=True)
    visible = {d.id for d in view.developments()}
    for development in story:
        assert (development.id in visible) == (development.reported.latest <= k)
    for position in view.positions().values():
        for dev_id in position.evidence:
            assert tl.entry(dev_id).development.reported.latest <= k


@given(stories().filter(bool), retractions(), st.data())
def test_a_retraction_hides_its_development_from_its_report_date_on(
    story: list[Development], retraction: Retraction, data: st.DataObject
) -> None:
    tl = new_timeline()
    tl.record_many(story)
    target = data.draw(st.sampled_from(story))
    tl.retract(target.id, reported=retraction.reported, reason=retraction.reason)
    r = retraction.reported.latest
    for k in (r.subtract(days=1), r, r.add(days=30)):
        known = {d.id for d in tl.developments(known_at=k)}
        expected_visible = k < r and target.reported.latest <= k
        assert (target.id in known) == expected_visible


@given(stories(), days(), days())
def test_counted_developments_grow_with_the_day(
    story: list[Development], a: pendulum.Date, b: pendulum.Date
) -> None:
    tl = new_timeline()
    tl.record_many(story)
    early, late = sorted([a, b])
    for possible in (False, True):
        earlier = set(tl.as_of(early, possible=possible).developments())
        assert earlier <= set(tl.as_of(late, possible=possible).developments())
    assert set(tl.as_of(late).developments()) <= set(tl.as_of(late, possible=True).developments())


@given(stories(), days(), days())
def test_knowledge_grows_with_k_when_nothing_is_corrected(
    story: list[Development], a: pendulum.Date, b: pendulum.Date
) -> None:
    tl = new_timeline()
    tl.record_many(story)
    k1, k2 = sorted([a, b])
    earlier = {d.id: d for d in tl.developments(known_at=k1)}
    later = {d.id: d for d in tl.developments(known_at=k2)}
    assert earlier.keys() <= later.keys()
    for dev_id, development in earlier.items():
        # Only further reports published in between can be added.
        assert set(development.reports) <= set(later[dev_id].reports)
        assert attrs.evolve(development, reports=()) == attrs.evolve(later[dev_id], reports=())


@given(stories(), days(), st.booleans())
def test_positions_are_certain_unless_possible_is_asked(
    story: list[Development], day: pendulum.Date, possible: bool
) -> None:
    tl = new_timeline()
    tl.record_many(story)
    view = tl.as_of(day, possible=possible)
    for position in view.positions().values():
        winner = tl.entry(position.evidence[-1]).development
        assert position.tentative == (winner.occurred.latest > day)
        assert possible or not position.tentative
        assert position.since == tl.entry(position.evidence[0]).development.occurred


@given(stories().filter(bool), revisions(), days(), st.data())
def test_a_revision_counts_only_once_it_is_known(
    story: list[Development],
    revision: Revision,
    day: pendulum.Date,
    data: st.DataObject,
) -> None:
    target = data.draw(st.sampled_from(story)).id
    revised, untouched = new_timeline(), new_timeline()
    revised.record_many(story)
    untouched.record_many(story)
    revised.revise(target, reported=revision.reported, reason=revision.reason, **revision.changes)
    k = revision.reported.latest
    before, after = k.subtract(days=1), k
    assert snapshot(revised.as_of(day, known_at=before)) == snapshot(
        untouched.as_of(day, known_at=before)
    )
    # As known at `after`: the reports published by then (`Development.reports_known`).
    expected = revision.apply(untouched.entry(target).development).reports_known(after)
    if expected.reported.latest <= after:
        assert expected in revised.developments(known_at=after)
    # From the knowledge day on, every position is the one a story told with the revised
    # development from the start gives: on the day asked and on the days it occurred.
    # (with every report it has: both stores count a report only from its own day)
    original = untouched.entry(target).development
    whole = revision.apply(original)
    told_so = new_timeline()
    told_so.record_many([whole if d.id == target else d for d in story])
    for known in {after, max(after, original.reported.latest)}:
        for on in {day, original.occurred.latest, whole.occurred.latest}:
            assert snapshot(revised.as_of(on, known_at=known)) == snapshot(
                told_so.as_of(on, known_at=known)
            ), f"as of {on}, known at {known}"


@given(stories().filter(bool), days(), st.booleans(), st.data())
def test_a_ranking_counts_only_once_it_is_known_and_deprecated_claims_never_count(
    story: list[Development], day: pendulum.Date, possible: bool, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(story))
    pairs = [(c.actor, c.topic) for c in target.claims]
    ranking = data.draw(rankings(pairs=pairs, grounds=()))
    ranked, untouched = new_timeline(), new_timeline()
    ranked.record_many(story)
    untouched.record_many(story)
    rank(ranked, target.id, ranking)
    k = ranking.reported.latest
    before = k.subtract(days=1)
    assert snapshot(ranked.as_of(day, known_at=before, possible=possible)) == snapshot(
        untouched.as_of(day, known_at=before, possible=possible)
    )
    view = ranked.as_of(day, known_at=k, possible=possible)
    for (actor, topic), held in view.positions().items():
        if target.id in held.evidence and ranking.applies_to(actor, topic):
            assert ranking.rank is not Rank.DEPRECATED, f"a deprecated claim counts: {held}"
    occurred = target.occurred.latest <= day or (possible and target.occurred.earliest <= day)
    if ranking.rank is Rank.PREFERRED and occurred and target.reported.latest <= k:
        for actor, topic in pairs:
            found = view.position(actor, topic)
            if ranking.applies_to(actor, topic):
                # A counted preferred claim is the only one of its rank: it wins.
                assert found is not None
                assert found.evidence[-1] == target.id


@attrs.frozen
class Annotated:
    """A frozen attrs value with a private field and an explicit alias, as values may have."""

    _note: str
    stance: Stance
    when: When
    _weight: int = attrs.field(default=0, alias="heft")
    derived: str = attrs.field(init=False, default="")


@given(
    st.text(max_size=8),
    st.sampled_from(Stance),
    whens(),
    st.integers(-5, 5),
    developments(),
)
def test_attrs_values_with_private_fields_round_trip_through_the_transcoder(
    note: str, stance: Stance, when: When, weight: int, development: Development
) -> None:
    coder = JSONTranscoder()
    register_all(coder)
    register(coder, AttrsByFields(Annotated))
    value = Annotated(note, stance, when, heft=weight)
    decoded = coder.decode(coder.encode({"value": value, "nested": [development]}))
    assert decoded == {"value": value, "nested": [development]}
    assert type(decoded["value"]) is Annotated
    assert decoded["value"]._note == note
    assert decoded["value"]._weight == weight
