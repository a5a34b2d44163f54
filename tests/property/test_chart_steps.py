"""A pair's chart series made in one sweep over its claims (`projections._chart_steps`)
is the series made from its two histories, and its positions are the rule's, day by day."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests import strategies as gen
from timeline.engine import _rule as rule
from timeline.engine._rule import Claimed
from timeline.engine.values import Rank, Stance
from timeline.engine.when import FIRST_DAY, LAST_DAY, When
from timeline.projections import charts
from timeline.projections._chart_steps import Held, Turn, held_from, pair_series, turns
from timeline.projections._history import history

KEY = ("TUR", "s400-purchase")


@st.composite
def spans(draw: st.DrawFn) -> When:
    """Any span, or one of a few days of one week: claims that begin to count on the same
    day, and equal search keys, are common."""
    if draw(st.booleans()):
        return draw(gen.whens(2018, 2019))
    first = draw(st.integers(1, 7))
    last = draw(st.integers(first, 7))
    return When(f"2018-01-0{first}" if first == last else f"2018-01-0{first}/2018-01-0{last}")


# Few ids, stances and ranks: runs, cuts, ties and duplicate claims are common.
claims = st.lists(
    st.builds(
        Claimed,
        st.sampled_from(gen.DEV_IDS[:6]),
        spans(),
        st.sampled_from([Stance.SUPPORTS, Stance.OPPOSES, Stance.COMMITTED]),
        st.sampled_from([Rank.NORMAL, Rank.NORMAL, Rank.NORMAL, Rank.PREFERRED, Rank.DEPRECATED]),
    ),
    max_size=30,
)


def _claim(dev_id: str, span: str, stance: Stance, rank: Rank = Rank.NORMAL) -> Claimed:
    return Claimed(dev_id, When(span), stance, rank)


# Days on which the run changes and changes back, or only its winner becomes certain:
# certain, a claim joins the run from below and another cuts it above the first, on the
# same day (the position is as it was); possible, a preferred winner becomes certain on
# the day a normal claim, below it, begins to count.
RESTORED = [
    _claim("dev-0", "2018-01-05", Stance.SUPPORTS),
    _claim("dev-1", "2018-01-04/2018-01-07", Stance.SUPPORTS),
    _claim("dev-2", "2018-01-04/2018-01-07", Stance.OPPOSES),
]
CONFIRMED = [
    _claim("dev-0", "2018-01-01/2018-01-05", Stance.SUPPORTS, Rank.PREFERRED),
    _claim("dev-1", "2018-01-05", Stance.OPPOSES),
]


@settings(max_examples=400, deadline=None)
@given(claimed=claims, possible=st.booleans())
@example(claimed=RESTORED, possible=False)
@example(claimed=CONFIRMED, possible=True)
def test_the_positions_are_historys(claimed: list[Claimed], possible: bool) -> None:
    changes = history(claimed, *KEY, possible=possible)
    wanted = []
    for change in changes:
        after = change.after
        assert after is not None
        wanted.append(Held(change.day, after.stance, after.tentative, after.since, after.evidence))
    assert held_from(claimed, possible=possible) == wanted


@settings(max_examples=400, deadline=None)
@given(claimed=claims)
def test_the_turns_are_historys_changes_of_stance(claimed: list[Claimed]) -> None:
    wanted = []
    for change in history(claimed, *KEY):
        before, after = change.before, change.after
        assert after is not None
        if before is None or before.stance != after.stance:
            wanted.append(Turn(change.day, after.stance, after.since, change.causes))
    assert turns(claimed) == wanted


@settings(max_examples=400, deadline=None)
@given(claimed=claims)
@example(claimed=RESTORED)
@example(claimed=CONFIRMED)
def test_the_series_is_the_one_made_from_the_histories(claimed: list[Claimed]) -> None:
    possible = history(claimed, *KEY, possible=True)
    certain = history(claimed, *KEY)
    made = pair_series("TUR", "Turkey", 3, claimed)
    if possible:
        assert made == charts.series("TUR", "Turkey", 3, possible, certain)
    else:
        assert made is None


def _days(claimed: list[Claimed]) -> list[dt.date]:
    """Every day a claim begins or ends, and the days either side (within the calendar)."""
    ends = {day for c in claimed for day in (c.occurred.earliest, c.occurred.latest)}
    around = set(ends)
    for day in ends:
        if day > FIRST_DAY:
            around.add(day - dt.timedelta(days=1))
        if day < LAST_DAY:
            around.add(day + dt.timedelta(days=1))
    return sorted(around)


@settings(max_examples=300, deadline=None)
@given(claimed=claims, possible=st.booleans())
@example(claimed=RESTORED, possible=False)
@example(claimed=CONFIRMED, possible=True)
def test_each_days_position_is_the_rules(claimed: list[Claimed], possible: bool) -> None:
    """The position in force on each day (the last change on or before it) is the one the
    rule makes of the claims that have begun to count by then.

    One claim a development, as a store holds them: two claims of one development with
    equal search keys are ordered by the rule as given and by `history` as counted.
    """
    claimed = list({claim.dev_id: claim for claim in claimed}.values())
    found = held_from(claimed, possible=possible)
    for day in _days(claimed):
        counted = [c for c in claimed if rule.occurred_by(c.occurred, day, possible=possible)]
        wanted = rule.position(KEY, rule.winning_run(rule.search_order(counted)), day)
        in_force = [held for held in found if held.day <= day]
        if wanted is None:
            assert not in_force, day
            continue
        held = in_force[-1]
        made = rule.Position(*KEY, held.stance, held.since, held.evidence, held.tentative)
        assert made == wanted, day
