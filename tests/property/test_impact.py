"""What depends on a development (or a source) is what its retraction would change.

`impact` reads the materialised view twice (with and without); the truth here is a
second store where the development (or every report of the source) was actually
retracted, from before any day asked about, read by pure replay.  Every pair is
compared, so the impact lists exactly what differs: nothing less, nothing more.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations, product

import pendulum
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.strategies import ACTORS, TOPICS, days, fill, retractions, revisions, stories
from timeline import Timeline
from timeline._impact import impact, sources
from timeline.bootstrap import Replayed
from timeline.engine import Development, Retraction, Revision
from timeline.engine._replay import fold_positions
from timeline.engine._rule import source_key
from timeline.projections._diff import diff_positions
from timeline.projections._explain import COUNTED
from timeline.projections._history import Change
from timeline.projections._impact import ChangeImpact, PeriodImpact
from timeline.projections._listing import mentions
from timeline.projections._relations import PERIODS, Period

PUBLISHERS = ("Sputnik", "Bloomberg", "Reuters")
PAIRS = sorted(product(ACTORS, TOPICS))
BEFORE_EVERYTHING = "0001-01-01"  # a retraction known on every knowledge day


def _stores(
    story: list[Development],
    corrections: list[Revision],
    withdrawals: list[Retraction],
    gone: set[str],
) -> tuple[Timeline, Timeline]:
    """The story as recorded, and the same story with the `gone` ids retracted from the start."""
    full, truth = Timeline(), Timeline()
    for tl in (full, truth):
        fill(tl, story)
        for development, revision in zip(story, corrections, strict=False):
            tl.revise(
                development.id,
                reported=revision.reported,
                reason=revision.reason,
                **revision.changes,
            )
    for development, withdrawal in zip(reversed(story), withdrawals, strict=False):
        full.retract(development.id, reported=withdrawal.reported, reason=withdrawal.reason)
        if development.id not in gone:
            truth.retract(development.id, reported=withdrawal.reported, reason=withdrawal.reason)
    for dev_id in sorted(gone):
        truth.retract(dev_id, reported=BEFORE_EVERYTHING, reason="counterfactual")
    return full.reading(Replayed), truth.reading(Replayed)  # the replay oracle


def _changes(
    full: Timeline, truth: Timeline, known_at: dt.date | None, possible: bool
) -> list[ChangeImpact]:
    found = []
    for pair in PAIRS:
        now = _by_day(full.history(*pair, known_at=known_at, possible=possible))
        then = _by_day(truth.history(*pair, known_at=known_at, possible=possible))
        for day in sorted(set(now) | set(then)):
            if now.get(day) != then.get(day):
                found.append(ChangeImpact(*pair, day, now.get(day), then.get(day)))
    return found


def _by_day(changes: list[Change]) -> dict[dt.date, Change]:
    return {change.day: change for change in changes}


def _periods(
    full: Timeline,
    truth: Timeline,
    named: set[tuple[str, str]],
    known_at: dt.date | None,
    possible: bool,
    by: str,
) -> list[PeriodImpact]:
    """The periods that differ, of every pair of actors that a left-out development names."""
    found = []
    for a, b in combinations(sorted(ACTORS), 2):
        now, then = (
            _by_label(tl.relations(a, b, by=by, known_at=known_at, possible=possible).periods)
            for tl in (full, truth)
        )
        labels = sorted(set(now) | set(then), key=lambda name: (now.get(name) or then[name]).start)
        for label in labels:
            if now.get(label) != then.get(label):
                some = now.get(label) or then[label]
                # Other pairs may differ too, through the actors below them.
                if (a, b) in named:
                    found.append(PeriodImpact(a, b, label, some.start, some.end,
                                              now.get(label), then.get(label)))  # fmt: skip
    return found


def _by_label(periods: tuple[Period, ...]) -> dict[str, Period]:
    return {period.label: period for period in periods}


def _named(developments: list[Development | None]) -> set[tuple[str, str]]:
    return {
        pair for d in developments if d is not None for pair in combinations(sorted(mentions(d)), 2)
    }


def _agree(
    full: Timeline,
    truth: Timeline,
    found: object,
    left: list[Development | None],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    by: str,
) -> None:
    from timeline.projections._impact import Impact

    assert isinstance(found, Impact)
    now = full.as_of(day, known_at, possible=possible).positions()
    then = truth.as_of(day, known_at, possible=possible).positions()
    assert found.positions == diff_positions(now, then)
    assert list(found.changes) == _changes(full, truth, known_at, possible)
    assert list(found.periods) == _periods(full, truth, _named(left), known_at, possible, by)
    assert sorted(found.left_out) == sorted(d.id for d in left if d is not None)
    assert bool(found) == bool(found.positions or found.changes or found.periods)


@given(
    stories(),
    st.lists(revisions(), max_size=4),
    st.lists(retractions(), max_size=2),
    st.data(),
    days(),
    st.none() | days(),
    st.booleans(),
    st.sampled_from(sorted(PERIODS)),
)
def test_the_impact_of_a_development_is_what_retracting_it_changes(
    story: list[Development],
    corrections: list[Revision],
    withdrawals: list[Retraction],
    data: st.DataObject,
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    by: str,
) -> None:
    assume(story)
    dev_id = data.draw(st.sampled_from([d.id for d in story]))
    full, truth = _stores(story, corrections, withdrawals, {dev_id})
    found = impact(full, dev_id, as_of=day, known_at=known_at, possible=possible, by=by)
    left = [full.entry(dev_id).as_known(known_at)]
    _agree(full, truth, found, left, day, known_at, possible, by)
    assert (found.dev_id, found.source) == (dev_id, None)


@given(
    stories(),
    st.lists(revisions(), max_size=4),
    st.lists(retractions(), max_size=2),
    st.sampled_from(PUBLISHERS),
    days(),
    st.none() | days(),
    st.booleans(),
    st.sampled_from(sorted(PERIODS)),
)
def test_the_impact_of_a_source_is_what_retracting_its_reports_changes(
    story: list[Development],
    corrections: list[Revision],
    withdrawals: list[Retraction],
    publisher: str,
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    by: str,
) -> None:
    reported = {d.id for d in story if d.source.publisher == publisher}
    full, truth = _stores(story, corrections, withdrawals, reported)
    # The publisher is matched whatever its case, and named as it is spelt.
    found = impact(
        full, source=publisher.lower(), as_of=day, known_at=known_at, possible=possible, by=by
    )
    if found.left_out:  # something of it counts: it is named as recorded
        assert found.source == publisher
    left = [full.entry(dev_id).as_known(known_at) for dev_id in sorted(reported)]
    _agree(full, truth, found, left, day, known_at, possible, by)


@given(
    stories(),
    st.lists(revisions(), max_size=4),
    st.lists(retractions(), max_size=2),
    st.sampled_from(PAIRS),
    days(),
    st.none() | days(),
    st.booleans(),
)
def test_sources_are_the_claims_that_count_and_each_without_is_a_counterfactual(
    story: list[Development],
    corrections: list[Revision],
    withdrawals: list[Retraction],
    pair: tuple[str, str],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
) -> None:
    full, _ = _stores(story, corrections, withdrawals, set())
    found = sources(full, *pair, as_of=day, known_at=known_at, possible=possible)
    explained = full.explain(*pair, day, known_at=known_at, possible=possible)
    assert found.position == explained.position
    counted = {c.development.id: c for c in explained.claims if c.status in COUNTED}
    contributions = {c.dev_id: c for share in found.shares for c in share.contributions}
    assert set(contributions) == set(counted)
    evidence = set(() if found.position is None else found.position.evidence)
    known = {d.id: d for d in full.developments(known_at)}
    for share in found.shares:
        for contribution in share.contributions:
            development = known[contribution.dev_id]
            assert contribution.evidence == (contribution.dev_id in evidence)
            assert contribution.stance == counted[contribution.dev_id].stance
            assert (development.source.reliability, development.source.attribution) == (
                share.reliability, share.attribution,
            )  # fmt: skip
            assert source_key(development.source.publisher) == source_key(share.publisher)
        # Without the source: the fold of the known story without its developments.
        rest = [d for d in known.values() if d.id not in share.developments]
        assert share.without == fold_positions(rest, day, possible=possible).get(pair)
        assert share.differs == (share.without != found.position)
    for publisher in found.publishers:
        without = full.as_of(
            day, known_at, possible=possible, without_sources=[publisher.publisher]
        )
        assert publisher.without == without.position(*pair)
        assert publisher.differs == (publisher.without != found.position)
    assert [p.publisher.casefold() for p in found.publishers] == sorted(
        p.publisher.casefold() for p in found.publishers
    )


def test_every_store_answers_alike(timeline: Timeline) -> None:
    """The view's own statements (a source's developments) run on every backend."""
    from timeline import seeds

    timeline.load(seeds.path())
    timeline.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
    with Timeline() as oracle:
        oracle.load(seeds.path())
        oracle.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
        for known_at in (None, "2019-01-01"):
            for dev_id, source in (("us-senator-scrap-s400", None), (None, "SPUTNIK")):
                found, expected = (
                    impact(tl, dev_id, source=source, as_of="2019", known_at=known_at)
                    for tl in (timeline, oracle)
                )
                assert found == expected
                # Retracted from 2019-02-01: only an earlier state of knowledge has it.
                assert bool(found.left_out) == (known_at is not None or source is not None)
            pair = ("USA.CONGRESS", "s400-purchase")
            assert sources(timeline, *pair, as_of="2019", known_at=known_at) == (
                sources(oracle, *pair, as_of="2019", known_at=known_at)
            )
