"""The data behind the charts agrees with `history` and `relations`, and never draws open ends."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import strategies as gen
from tests.article import article_folder
from timeline import Timeline
from timeline.engine import Development, Retraction, Revision, Stance
from timeline.engine.when import FIRST_DAY, LAST_DAY
from timeline.projections import charts
from timeline.projections._history import Change
from timeline.projections._relations import PERIODS


@pytest.fixture(scope="module")
def story() -> Timeline:
    """The bundled story, in memory."""
    tl = Timeline()
    tl.load(article_folder())
    return tl


def check_against_history(tl: Timeline, chart: charts.TopicChart) -> None:
    """Every series agrees with `history` as known at the chart's day, on every change day."""
    known = chart.known_at
    for one in chart.series:
        possible = tl.history(one.actor, chart.topic, known_at=known, possible=True)
        certain = tl.history(one.actor, chart.topic, known_at=known)
        starts = [s.start for s in one.steps]
        # Steps start on every change day, and are cut where the certain history changes.
        assert set(starts) >= {c.day for c in possible}
        assert set(starts) - {c.day for c in possible} <= {c.day for c in certain}
        for change in possible:
            step, after = one.at(change.day), change.after
            assert step is not None
            assert after is not None
            assert (step.stance, step.since, step.evidence) == (
                after.stance,
                after.since,
                after.evidence,
            )
            # Tentative only where the certain answer does not already show the stance.
            shown = certain_stance(certain, change.day) == after.stance
            assert step.tentative == (after.tentative and not shown)
            if change.day > FIRST_DAY:
                earlier = one.at(change.day - dt.timedelta(days=1))
                before = change.before
                assert (earlier is None) == (before is None)
                if earlier is not None and before is not None:
                    assert earlier.stance == before.stance
        for step in one.steps:
            if step.tentative:
                assert certain_stance(certain, step.start) != step.stance
        assert one.bands == tuple(expected_bands(certain))
        assert chart.start.year > 1
        assert chart.end.year < 9999
        for band in one.bands:
            assert band.start < band.end
    charted = {one.actor for one in chart.series}
    for actor in tl.registry.actors:
        if tl.history(actor, chart.topic, known_at=known, possible=True):
            assert actor in charted


def certain_stance(certain: list[Change], day: dt.date) -> Stance | None:
    """The stance of the certain history on `day`, read naively from its changes."""
    held = [c for c in certain if c.day <= day]
    return None if not held or held[-1].after is None else held[-1].after.stance


def expected_bands(certain: list[Change]) -> list[charts.Band]:
    """A band for each change of stance whose run's `since` spans more than its day."""
    bands = []
    for change in certain:
        before, after = change.before, change.after
        assert after is not None
        if before is not None and before.stance == after.stance:
            continue
        if after.since.earliest < change.day:
            bands.append(charts.Band(after.since.earliest, change.day, after.stance, change.causes))
    return bands


@pytest.mark.parametrize("known_at", [None, "2018-12-20", "2018-12-19"])
def test_every_topic_series_equals_history_on_every_change_day(
    story: Timeline, known_at: str | None
) -> None:
    for topic in story.registry.topics:
        check_against_history(story, charts.topic_chart(story, topic, known_at=known_at))


def test_the_s400_chart_shows_turkey_committed_from_december_2017(story: Timeline) -> None:
    chart = charts.topic_chart(story, "S-400 deal")
    turkey = next(one for one in chart.series if one.actor == "TUR")
    assert turkey.name == "Turkey"
    first = turkey.steps[0]
    assert (first.start, first.stance, first.tentative) == (
        dt.date(2017, 12, 1),
        Stance.COMMITTED,
        True,
    )
    assert turkey.at(dt.date(2017, 12, 31)) == turkey.steps[1]
    assert not turkey.steps[1].tentative
    (band,) = turkey.bands
    assert (band.start, band.end) == (dt.date(2017, 12, 1), dt.date(2017, 12, 31))
    assert chart.start < dt.date(2017, 12, 1)
    assert chart.end > dt.date(2018, 12, 20)


def test_open_spans_are_flagged_and_never_set_the_domain(story: Timeline) -> None:
    chart = charts.topic_chart(story, "f35-participation")
    (turkey,) = chart.series
    assert turkey.steps[0].start == FIRST_DAY
    assert turkey.steps[0].open_start
    assert all(d not in (FIRST_DAY, LAST_DAY) for d in (chart.start, chart.end))
    assert dt.date(2017, 1, 1) < chart.start < dt.date(2017, 12, 1)


def test_nothing_known_before_the_article_charts_no_series(story: Timeline) -> None:
    chart = charts.topic_chart(story, "s400-purchase", known_at="2018-12-18", day="2018-06-01")
    assert chart.series == ()
    assert chart.start < dt.date(2018, 6, 1) < chart.end


def test_a_retracted_claim_is_marked_where_it_was_believed() -> None:
    tl = Timeline()
    tl.load(article_folder())
    tl.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
    pair = charts.comparison(tl, "s400-purchase", known_at="2019-01-01")
    then = {one.actor: one for one in pair.then.series}
    now = {one.actor: one for one in pair.now.series}
    assert then["USA.CONGRESS"].markers == ()
    assert then["USA.CONGRESS"].steps[-1].stance is Stance.OPPOSES
    congress = now["USA.CONGRESS"]
    assert congress.steps == ()
    (marker,) = congress.markers
    assert (marker.day, marker.stance, marker.development) == (
        dt.date(2018, 12, 20),
        Stance.OPPOSES,
        "us-senator-scrap-s400",
    )
    assert (marker.retracted.text, marker.reason) == ("2019-02-01", "misattributed")
    assert (pair.then.start, pair.then.end) == (pair.now.start, pair.now.end)
    check_against_history(tl, pair.then)
    check_against_history(tl, pair.now)


def test_the_marker_shows_the_claim_as_believed_before_its_retraction() -> None:
    tl = Timeline()
    tl.load(article_folder())
    tl.revise(
        "us-senator-scrap-s400", reported="2019-01-10", reason="exact day", occurred="2018-12-18"
    )
    tl.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
    (marker,) = charts.retracted_markers(tl.entries(), ("USA.CONGRESS", "s400-purchase"))
    assert marker.day == dt.date(2018, 12, 18)
    assert marker.occurred.text == "2018-12-18"
    assert charts.retracted_markers(tl.entries(), ("USA", "s400-purchase")) == ()
    assert charts.retracted_markers(tl.entries(), ("USA.CONGRESS", "s400-purchase"), None)


@pytest.mark.parametrize("by", sorted(PERIODS))
@pytest.mark.parametrize(("a", "b"), [("TUR", "USA"), ("TUR", "RUS"), ("USA", "RUS")])
def test_the_relations_series_equals_the_periods(story: Timeline, by: str, a: str, b: str) -> None:
    relations = story.relations(a, b, by=by)
    chart = charts.relations_chart(relations)
    assert (chart.a, chart.b, chart.by, chart.known_at) == (a, b, by, None)
    assert [
        (bar.label, bar.start, bar.end, bar.cooperation, bar.conflict, bar.score, bar.developments)
        for bar in chart.bars
    ] == [
        (p.label, p.start, p.end, p.cooperation, p.conflict, p.score, p.developments)
        for p in relations.periods
    ]


@settings(max_examples=30, deadline=None)
@given(
    story=gen.stories(max_size=6),
    edits=st.lists(
        st.tuples(st.integers(0, 5), st.one_of(gen.revisions(), gen.retractions())), max_size=3
    ),
    known_at=st.none() | gen.days(2016, 2021),
)
def test_any_story_charts_as_its_history_says(
    story: list[Development],
    edits: list[tuple[int, Revision | Retraction]],
    known_at: dt.date | None,
) -> None:
    tl = Timeline()
    gen.fill(tl, story)
    retracted: set[str] = set()
    for index, edit in edits:
        if not story:
            break
        target = story[index % len(story)].id
        if isinstance(edit, Revision) and target not in retracted:
            tl.revise(
                target, **{k: getattr(edit, k) for k in ("reported", "reason")}, **edit.changes
            )
        elif isinstance(edit, Retraction) and target not in retracted:
            tl.retract(target, reported=edit.reported, reason=edit.reason)
            retracted.add(target)
    for topic in gen.TOPICS:
        chart = charts.topic_chart(tl, topic, known_at=known_at)
        check_against_history(tl, chart)
        for one in chart.series:
            for marker in one.markers:
                assert marker.development in retracted
                assert FIRST_DAY < marker.day < LAST_DAY


def test_a_certain_stance_repeated_by_a_possible_claim_is_not_drawn_tentative(
    story: Timeline,
) -> None:
    chart = charts.topic_chart(story, "s400-purchase")
    turkey = next(one for one in chart.series if one.actor == "TUR")
    committed_since = story.as_of("2017-12-31").position("TUR", "s400-purchase")
    assert committed_since is not None
    assert committed_since.stance is Stance.COMMITTED
    # Certainly committed from the end of December 2017: nothing after it is in doubt,
    # though the November 2018 claim alone had only possibly occurred during November.
    later = [step for step in turkey.steps if step.start >= dt.date(2017, 12, 31)]
    assert later
    assert not any(step.tentative for step in later)
    assert turkey.steps[0].tentative  # before it certainly happened, it may have


def test_a_comparison_with_an_empty_side_spans_the_other_sides_data(story: Timeline) -> None:
    pair = charts.comparison(story, "s400-purchase", known_at="2018-12-01")
    assert not pair.then.series
    alone = charts.topic_chart(story, "s400-purchase")
    assert (pair.then.start, pair.then.end) == (alone.start, alone.end)
    assert (pair.now.start, pair.now.end) == (alone.start, alone.end)
    assert pair.then.start.year == 2017


@pytest.mark.parametrize("known_at", [None, "2018-06-30"])
@pytest.mark.parametrize("day", [None, "1990-01-01", "2018-12-18", "2019-07", "2040-01-01"])
def test_a_chart_read_once_serves_every_day(
    story: Timeline, known_at: str | None, day: str | None
) -> None:
    # The web page reads a topic's chart once per knowledge day and moves its domain to
    # each day the slider asks for: that must be the chart read for the day itself.
    for topic in story.registry.topics:
        undated = charts.topic_chart(story, topic, known_at=known_at)
        dated = charts.topic_chart(story, topic, known_at=known_at, day=day)
        assert charts.on_day(undated, day) == dated
