"""Read models on the bundled S-400 story: history, diff, explain, relations, listing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pendulum
import pytest

from tests.article import article_folder
from timeline import Timeline
from timeline.engine import Reliability, Stance, TimelineError, UnknownNameError
from timeline.projections.errors import QueryError

AGREEMENT = "s400-supply-agreement"
MINISTER = "cavusoglu-keeps-s400-deal"


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    """The bundled story, loaded once into an in-memory timeline."""
    with Timeline() as tl:
        tl.load(article_folder())
        yield tl


def test_explain_names_the_agreement_and_the_ministers_statement(story: Timeline) -> None:
    found = story.explain("Turkey", "s400-purchase", "2018-12-31")
    assert found.position is not None
    assert found.position.stance is Stance.COMMITTED
    assert [d.id for d in found.evidence] == [AGREEMENT, MINISTER]
    assert found.winner is not None
    assert found.winner.development.id == MINISTER
    assert AGREEMENT in found.rule
    assert MINISTER in found.rule
    assert "latest in story order" in found.rule
    assert found.competing == ()


def test_explain_before_anything_was_reported_lists_what_was_not_yet_known(
    story: Timeline,
) -> None:
    found = story.explain("TUR", "s400-purchase", "2018-12-31", known_at="2018-12-01")
    assert found.position is None
    assert found.rule.startswith("There is no position")
    assert {c.development.id for c in found.competing} == {AGREEMENT, MINISTER}
    assert {c.status for c in found.competing} == {"unknown"}


def test_explain_keeps_competing_sources_side_by_side(story: Timeline) -> None:
    found = story.explain("USA", "s400-purchase", "2018-12-31")
    publishers = {c.development.source.attribution for c in found.claims}
    assert len(publishers) == 2  # the article's own account and Bloomberg's sources
    assert found.position is not None
    assert found.position.stance is Stance.OPPOSES


def test_history_of_turkeys_purchase(story: Timeline) -> None:
    changes = story.history("TUR", "s400-purchase")
    assert [(c.day, c.kind, c.causes) for c in changes] == [
        (pendulum.Date(2017, 12, 31), "began", (AGREEMENT,)),
        (pendulum.Date(2018, 11, 30), "reinforced", (MINISTER,)),
    ]
    assert changes[0].before is None
    assert changes[-1].after == story.as_of("2019").position("TUR", "s400-purchase")


def test_history_as_known_before_the_article_is_empty(story: Timeline) -> None:
    assert story.history("TUR", "s400-purchase", known_at="2018-12-18") == []


def test_diff_between_two_days(story: Timeline) -> None:
    found = story.diff("2018-01-01", "2019-01-01")
    changed = {(d.actor, d.topic): d for d in found.changed}
    turkey = changed[("TUR", "s400-purchase")]
    assert not turkey.stance_changed
    assert turkey.after is not None
    assert turkey.after.evidence == (AGREEMENT, MINISTER)
    assert ("USA", "s400-purchase") in {(d.actor, d.topic) for d in found.added}
    assert found.removed == ()
    assert found.days == (pendulum.Date(2018, 1, 1), pendulum.Date(2019, 1, 1))


def test_diff_between_two_states_of_knowledge(story: Timeline) -> None:
    found = story.diff("2019-01-01", known_at="2018-12-01", vs_known_at="2018-12-20")
    assert found.known_at == (pendulum.Date(2018, 12, 1), pendulum.Date(2018, 12, 20))
    assert len(found) == len(found.added) == len(story.as_of("2019-01-01").positions())


def test_diff_needs_something_to_compare(story: Timeline) -> None:
    with pytest.raises(QueryError, match="second day"):
        story.diff("2019-01-01")
    assert issubclass(QueryError, TimelineError)
    assert issubclass(QueryError, ValueError)


def test_relations_of_the_united_states_and_turkey(story: Timeline) -> None:
    found = story.relations("Washington", "Ankara", by="year")
    assert (found.a, found.b) == ("USA", "TUR")
    [year] = found.periods
    assert year.label == "2018"
    assert "us-s400-nato-sanctions-threat" in year.developments
    assert "patriot-sale-approved" in year.developments  # USA.STATE stands for the USA
    assert AGREEMENT not in year.developments
    assert year.conflict < 0 < year.cooperation
    assert found.score == year.score


def test_relations_without_children_count_only_the_actor_itself(story: Timeline) -> None:
    found = story.relations("USA", "TUR", children=False)
    ids = {dev for period in found.periods for dev in period.developments}
    assert "patriot-sale-approved" not in ids
    assert "us-s400-nato-sanctions-threat" in ids


def test_relations_of_russia_and_turkey_begin_with_the_agreement(story: Timeline) -> None:
    found = story.relations("RUS", "TUR", by="month")
    assert found.periods[0].label == "2017-12"
    assert found.periods[0].developments == (AGREEMENT,)
    assert found.periods[0].score == 8.0


@pytest.mark.parametrize(
    ("a", "b", "by", "error"),
    [
        ("USA", "USA", "month", QueryError),
        ("USA", "TUR", "fortnight", QueryError),
        ("USA", "Atlantis", "month", UnknownNameError),
    ],
)
def test_relations_reject_bad_questions(
    story: Timeline, a: str, b: str, by: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        story.relations(a, b, by=by)


def listing(tl: Timeline, **filters: Any) -> list[str]:
    """Ids of the story listing with filters."""
    return [d.id for d in tl.developments(**filters)]


def test_listing_filters_by_actor_with_or_without_children(story: Timeline) -> None:
    exact = listing(story, actor="USA")
    with_children = listing(story, actor="USA", children=True)
    assert "us-s400-nato-sanctions-threat" in exact
    assert "patriot-sale-approved" not in exact
    assert "patriot-sale-approved" in with_children
    assert set(exact) < set(with_children)


def test_listing_filters_by_topic_period_and_reliability(story: Timeline) -> None:
    on_topic = listing(story, topic="s400-purchase")
    in_2017 = listing(story, topic="s400-purchase", period="2017")
    in_december = listing(story, topic="s400-purchase", period="2018-12")
    # The period keeps what overlaps it: one starting after it and one ending before it go.
    assert in_2017[:1] == [AGREEMENT]
    assert MINISTER in on_topic
    assert MINISTER not in in_2017
    assert AGREEMENT in on_topic
    assert AGREEMENT not in in_december
    assert set(in_2017) < set(on_topic)
    assert set(in_december) < set(on_topic)
    assert AGREEMENT not in listing(story, reliability="anonymous")
    anonymous = story.developments(reliability=[Reliability.ANONYMOUS])
    assert {d.source.reliability for d in anonymous} == {Reliability.ANONYMOUS}
    assert listing(story, known_at="2018-12-01") == []
    everything = listing(story)
    assert everything == [d.id for d in story.as_of("9999").developments()]
