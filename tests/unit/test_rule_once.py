"""Story order, the rank rule and the run break are each one function of the rule, which
every form of the data (values, claims, stored rows, SQL) goes through alike."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import stories, whens
from timeline.engine import _rule as rule
from timeline.engine._rule import Claimed
from timeline.engine.values import Development, Rank, Stance
from timeline.projections._backend import RUN_MARK

claims = st.builds(
    Claimed,
    dev_id=st.sampled_from(["a", "b", "c"]),
    occurred=whens(),
    stance=st.sampled_from(list(Stance)),
    rank=st.sampled_from(list(Rank)),
)


def test_the_stored_rank_condition_keeps_exactly_the_ranks_that_count() -> None:
    with sqlite3.connect(":memory:") as db:
        for rank in Rank:
            kept = db.execute(f"SELECT {rule.COUNTS} FROM (SELECT ? AS rank)", [rank.tier])
            assert bool(kept.fetchone()[0]) == rule.counts(rank), rank
    assert [rank for rank in Rank if not rule.counts(rank)] == [Rank.DEPRECATED]


@given(st.lists(claims, max_size=8))
def test_a_run_of_stored_rows_ends_where_the_run_of_claims_ends(found: list[Claimed]) -> None:
    searched = rule.search_order(found)
    rows = [(c.dev_id, c.stance.value, c.occurred.text, c.rank.tier) for c in searched]
    run = rule.winning_run(searched)
    assert len(rule.leading_run(rows, RUN_MARK)) == len(run)
    assert all((c.stance, c.rank) == (run[-1].stance, run[-1].rank) for c in run)
    if len(run) < len(searched):  # the claim after the run breaks it
        after = searched[len(run)]
        assert (after.stance, after.rank) != (run[0].stance, run[0].rank)


@given(stories())
def test_developments_and_their_claims_share_one_story_order(story: list[Development]) -> None:
    ordered = rule.in_story_order(reversed(story))
    assert ordered == sorted(story, key=lambda d: (d.occurred.earliest, d.occurred.latest, d.id))
    assert [rule.story_key_of(d) for d in ordered] == [
        rule.story_key_of(Claimed(d.id, d.occurred, Stance.UNDECIDED)) for d in ordered
    ]
