"""Ranks: a later ranking marks claims preferred or deprecated, known from its own date."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import attrs
import pytest
from eventsourcing.utils import get_topic

from tests.article import article_folder
from tests.strategies import agreement, fill, registry_actors, registry_topics
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import Rank, Ranking, RecordError, StanceClaim
from timeline.engine._contract import WRITTEN_BY
from timeline.engine.aggregates import DevelopmentStream
from timeline.engine.errors import UnknownDevelopmentError

SENATOR = "us-senator-scrap-s400"
CONGRESS = ("USA.CONGRESS", "s400-purchase")
TURKEY = ("TUR", "s400-purchase")


@pytest.fixture
def story(timeline: Timeline) -> Timeline:
    """The bundled story, on every kind of store."""
    timeline.load(article_folder())
    return timeline


def test_a_deprecated_claim_stops_counting_from_the_ranking_on(story: Timeline) -> None:
    before = story.as_of("2018-12-31").position(*CONGRESS)
    assert before is not None
    assert before.evidence == (SENATOR,)
    story.rank(SENATOR, "deprecated", reported="2019-03-01", reason="one senator is not Congress")
    assert story.as_of("2018-12-31").position(*CONGRESS) is None
    # What was known before the ranking still holds the claim.
    assert story.as_of("2018-12-31", known_at="2019-02-28").position(*CONGRESS) == before
    assert story.as_of("2018-12-31", known_at="2019-03-01").position(*CONGRESS) is None


def test_normal_undoes_an_earlier_ranking(story: Timeline) -> None:
    before = story.as_of("2018-12-31").position(*CONGRESS)
    story.rank(SENATOR, "deprecated", reported="2019-03-01", reason="one senator")
    story.rank(SENATOR, Rank.NORMAL, reported="2019-04-01", reason="Congress endorsed it")
    assert story.as_of("2018-12-31").position(*CONGRESS) == before
    assert story.as_of("2018-12-31", known_at="2019-03-15").position(*CONGRESS) is None


def test_a_preferred_claim_outranks_later_normal_ones(story: Timeline) -> None:
    before = story.as_of("2018-12-31").position(*TURKEY)
    assert before is not None
    assert before.evidence == ("s400-supply-agreement", "cavusoglu-keeps-s400-deal")
    story.rank(
        "s400-supply-agreement",
        "preferred",
        reported="2019-03-01",
        reason="the signed contract outweighs statements about it",
        actor="Turkey",  # names resolve as everywhere else
        topic="s400-purchase",
    )
    after = story.as_of("2018-12-31").position(*TURKEY)
    assert after is not None
    assert after.evidence == ("s400-supply-agreement",)
    assert after.stance == before.stance
    # The development's other claims keep their rank.
    current = story.entry("s400-supply-agreement").current()
    assert current is not None
    claims = current.claims
    assert {(c.actor, c.topic): c.rank for c in claims}[TURKEY] is Rank.PREFERRED
    assert [c.rank for c in claims if (c.actor, c.topic) != TURKEY] == [Rank.NORMAL] * (
        len(claims) - 1
    )


def test_explain_names_what_the_ranks_set_aside(story: Timeline) -> None:
    story.rank(
        "s400-supply-agreement", "preferred", reported="2019-03-01", reason="the contract",
        actor="TUR", topic="s400-purchase",
    )  # fmt: skip
    story.rank(SENATOR, "deprecated", reported="2019-03-01", reason="one senator")
    explained = story.explain("TUR", "s400-purchase", as_of="2018-12-31")
    statuses = {c.development.id: c.status for c in explained.claims}
    assert statuses == {
        "s400-supply-agreement": "winner",
        "cavusoglu-keeps-s400-deal": "outranked",
    }
    assert "preferred" in explained.rule
    congress = story.explain(*CONGRESS, as_of="2018-12-31")
    assert congress.position is None
    assert [(c.development.id, c.status) for c in congress.claims] == [(SENATOR, "deprecated")]
    assert "one senator" in congress.claims[0].reason


def test_history_and_replay_agree_with_the_view(story: Timeline) -> None:
    story.rank(SENATOR, "deprecated", reported="2019-03-01", reason="one senator")
    story.rank("s400-supply-agreement", "preferred", reported="2019-03-01", reason="contract")
    viewed = (story.as_of("2019-06-01").positions(), story.history(*TURKEY))
    oracle = story.reading(Replayed)
    assert (oracle.as_of("2019-06-01").positions(), oracle.history(*TURKEY)) == viewed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"by": SENATOR}, "names the development itself"),
        ({"by": "no-such-development"}, "names no recorded development"),
        ({"actor": "USA", "topic": "patriot-sale"}, "claims no stance of 'USA' on 'patriot-sale'"),
    ],
)
def test_a_ranking_that_cannot_hold_is_refused_and_nothing_is_written(
    story: Timeline, changes: dict[str, str], message: str
) -> None:
    head = story.head
    with pytest.raises(RecordError, match=message):
        story.rank(SENATOR, "deprecated", reported="2019-03-01", reason="x", **changes)
    assert story.head == head
    assert story.entry(SENATOR).rankings == ()


def test_a_ranking_names_both_actor_and_topic_or_neither() -> None:
    with pytest.raises(RecordError, match="both actor and topic"):
        Ranking(rank="preferred", reported="2019", reason="x", actor="TUR")
    with pytest.raises(RecordError, match="expected a rank"):
        Ranking(rank="best", reported="2019", reason="x")


def test_ranking_an_unknown_development_is_a_lookup_error(story: Timeline) -> None:
    with pytest.raises(UnknownDevelopmentError):
        story.rank("no-such-development", "preferred", reported="2019", reason="x")


def test_a_claim_is_recorded_normal(timeline: Timeline) -> None:
    timeline.record_many([], actors=registry_actors(), topics=registry_topics())
    ranked = StanceClaim("TUR", "s400-purchase", "committed", rank="preferred")
    with pytest.raises(RecordError, match="recorded normal and ranked later"):
        timeline.record(agreement(claims=[ranked]))
    assert timeline.head == len(registry_actors()) + len(registry_topics())


def test_the_same_ranking_again_changes_nothing(story: Timeline) -> None:
    story.rank(SENATOR, "deprecated", reported="2019-03-01", reason="one senator")
    head = story.head
    story.rank(SENATOR, "deprecated", reported="2019-03-01", reason="one senator")
    assert story.head == head


def test_stored_claims_keep_their_shape_and_rankings_have_a_new_topic(tmp_path: Path) -> None:
    db = tmp_path / "story.db"
    with Timeline.open(f"sqlite:///{db}") as tl:
        tl.load(article_folder())
        tl.rank(SENATOR, "deprecated", reported="2019-03-01", reason="one senator")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT topic, state FROM stored_events").fetchall()
    ranked = get_topic(DevelopmentStream.Ranked)
    assert WRITTEN_BY[ranked] == "0.3.0"
    assert [t for t, _ in rows].count(ranked) == 1
    # A claim is stored as 0.2.0 stored it: its rank is not written while it is normal.
    states = [json.loads(state) for t, state in rows if t != ranked]
    assert not any('"rank"' in json.dumps(state) for state in states)


def test_a_development_as_known_carries_its_ranks(story: Timeline) -> None:
    story.rank(SENATOR, "deprecated", reported="2019-03-01", reason="one senator")
    current = story.entry(SENATOR).current()
    assert current is not None
    (claim,) = current.claims
    assert claim.rank is Rank.DEPRECATED
    listed = {d.id: d for d in story.developments(known_at="2019-03-01")}
    assert listed[SENATOR].claims == (claim,)
    earlier = {d.id: d for d in story.developments(known_at="2019-02-28")}
    assert earlier[SENATOR].claims == (attrs.evolve(claim, rank=Rank.NORMAL),)


def test_a_ranking_is_returned_with_its_names_resolved_by_store_and_branch(
    story: Timeline,
) -> None:
    given = {"reported": "2019-03-01", "reason": "signed", "actor": "Ankara", "topic": TURKEY[1]}
    ranked = story.branch().rank("s400-supply-agreement", "preferred", **given)
    kept = story.rank("s400-supply-agreement", "preferred", **given)
    assert (ranked.actor, ranked.topic) == TURKEY
    assert ranked == kept


def test_a_preferred_winner_decides_whether_a_position_is_tentative(timeline: Timeline) -> None:
    # A later normal claim that may have happened by the day is tentative, unless an
    # earlier preferred claim outranks it: the one search per pair takes ranks first.
    later = agreement(
        id="talks", occurred="2018", claims=[StanceClaim("TUR", "s400-purchase", "supports")]
    )
    fill(timeline, [agreement(), later])
    day = dt.date(2018, 6, 1)
    assert timeline._tentative_pairs(day) == [TURKEY]
    timeline.rank("agreement", "preferred", reported="2019-03-01", reason="signed")
    held = timeline.as_of(day, possible=True).position(*TURKEY)
    assert held is not None
    assert (held.evidence, held.tentative) == (("agreement",), False)
    assert timeline._tentative_pairs(day) == []
    assert timeline._tentative_pairs(day, dt.date(2019, 2, 1)) == [TURKEY]
