"""The topic chart read from the topic's claims at once (and the retracted entries by their
own statement) equals the chart made the slow way: every pair's histories one by one,
the pairs from every position, and the retracted entries from every entry."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tests import strategies as gen
from tests.article import article_folder
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.branch import Branch
from timeline.engine import Development, Ranking, Retraction, Revision
from timeline.engine.errors import TimelineError
from timeline.engine.when import LAST_DAY
from timeline.projections import charts

Edit = Revision | Retraction | Ranking


def slow_chart(tl: Timeline | Branch, topic: str, known: dt.date | None) -> charts.TopicChart:
    """The topic's chart as it was made before the topic's claims were read at once."""
    registry = tl.registry
    retracted = [entry for entry in tl.entries() if entry.retractions]
    every = tl.as_of(LAST_DAY, known, possible=True).positions()
    claimants = {actor for actor, on in every if on == topic}
    claimants |= {c.actor for e in retracted for c in e.development.claims if c.topic == topic}
    charted = []
    for index, actor in enumerate(registry.actors):
        markers = charts.retracted_markers(retracted, (actor, topic), known)
        if actor not in claimants:
            continue
        possible = tl.history(actor, topic, known_at=known, possible=True)
        certain = tl.history(actor, topic, known_at=known)
        if possible or markers:
            name = registry.actors[actor].name
            charted.append(charts.series(actor, name, index, possible, certain, markers))
    description = registry.topics[topic].description
    unplaced = charts.TopicChart(topic, description, known, LAST_DAY, LAST_DAY, tuple(charted))
    return charts.on_day(unplaced, None)


def _edit(tl: Timeline | Branch, dev_id: str, edit: Edit) -> None:
    try:
        if isinstance(edit, Revision):
            tl.revise(dev_id, reported=edit.reported, reason=edit.reason, **edit.changes)
        elif isinstance(edit, Retraction):
            tl.retract(dev_id, reported=edit.reported, reason=edit.reason)
        else:
            gen.rank(tl, dev_id, edit)
    except TimelineError:  # refused (a retracted development, a ranking of nothing): fine
        pass


def _edits() -> st.SearchStrategy[list[tuple[int, Edit]]]:
    edit = st.one_of(gen.revisions(), gen.retractions(), gen.rankings())
    return st.lists(st.tuples(st.integers(0, 6), edit), max_size=4)


@settings(max_examples=60, deadline=None)
@given(
    story=gen.stories(max_size=7),
    edits=_edits(),
    speculated=_edits(),
    known_at=st.none() | gen.days(2016, 2021),
)
def test_the_topic_chart_equals_the_one_made_pair_by_pair(
    story: list[Development],
    edits: list[tuple[int, Edit]],
    speculated: list[tuple[int, Edit]],
    known_at: dt.date | None,
) -> None:
    tl = Timeline()
    try:
        gen.fill(tl, story)
        for index, edit in edits:
            if story:
                _edit(tl, story[index % len(story)].id, edit)
        slow = {topic: slow_chart(tl, topic, known_at) for topic in gen.TOPICS}
        for reader in (tl, tl.reading(Replayed)):
            for topic in gen.TOPICS:
                assert charts.topic_chart(reader, topic, known_at=known_at) == slow[topic]
        # A branch reads each pair's claims with its own layered over the store's.
        branch = tl.branch()
        for index, edit in speculated:
            if story:
                _edit(branch, story[index % len(story)].id, edit)
        for topic in gen.TOPICS:
            slow_branch = slow_chart(branch, topic, known_at)
            assert charts.topic_chart(branch, topic, known_at=known_at) == slow_branch
        for known in (None, known_at):
            wanted = [entry for entry in tl.corrections(known) if entry.retractions]
            if known is not None:
                wanted = [
                    e for e in wanted if any(r.reported.latest <= known for r in e.retractions)
                ]
            assert tl.corrections(known, retracted=True) == wanted
    finally:
        tl.close()


def test_every_store_charts_the_story_as_pair_by_pair(timeline: Timeline) -> None:
    """On each kind of store (PostgreSQL's statements too): the bundled story, a claim
    revised and one retracted, charted as known at several days."""
    timeline.load(article_folder())
    timeline.revise(
        "us-senator-scrap-s400", reported="2019-01-10", reason="exact day", occurred="2018-12-18"
    )
    timeline.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
    for topic in timeline.registry.topics:
        for known in (None, dt.date(2018, 12, 19), dt.date(2019, 1, 15), dt.date(2019, 3, 1)):
            chart = charts.topic_chart(timeline, topic, known_at=known)
            assert chart == slow_chart(timeline, topic, known)
    (retracted,) = timeline.corrections(retracted=True)
    assert retracted.id == "us-senator-scrap-s400"
    assert timeline.corrections("2019-01-31", retracted=True) == []
