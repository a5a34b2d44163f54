"""Read models held to the plain model of `tests/naive.py`.

Each check compares one read model's answer (history, diff, explain) with what the
model derives by brute force, and raises `AssertionError` saying what differed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tests.naive import COUNTED, FIRST_DAY, NaiveStory, Pair, held, rank_on, stance_on, story_order
from timeline.engine import Rank

if TYPE_CHECKING:
    from timeline.projections._diff import Diff
    from timeline.projections._explain import Explanation
    from timeline.projections._history import Change


def check_history(
    model: NaiveStory,
    changes: list[Change],
    key: Pair,
    known_at: dt.date | None,
    possible: bool,
    probes: Iterable[dt.date] = (),
) -> None:
    """`Timeline.history`: exactly the model's change days, each justified, and no
    change on any probe day between them."""
    found = [(c.day, held(c.before), held(c.after)) for c in changes]
    expected = model.history(key, known_at, possible)
    assert found == expected, f"history {found} != the model's {expected}"
    for change in changes:
        on = model.position(key, change.day, known_at, possible)
        assert held(change.after) == on, f"{change.day}: after {change.after} != {on}"
        if change.day == FIRST_DAY:
            assert change.before is None, "nothing comes before the first day"
        else:
            before = model.position(key, change.day - dt.timedelta(days=1), known_at, possible)
            assert before != on, f"{change.day}: the model's answer does not change that day"
            assert held(change.before) == before, f"{change.day}: before {change.before}"
        assert change.causes, f"{change.day}: a change with no cause"
        for dev_id in change.causes:
            # A cause began to count that day, or was confirmed as certain that day.
            development = model.current(dev_id, known_at)
            assert development is not None, f"{change.day}: cause {dev_id} is not known"
            assert stance_on(development, key) is not None, f"cause {dev_id} claims no stance"
            assert model.counts(development, change.day, possible), f"cause {dev_id} not counted"
            assert change.day in (development.occurred.earliest, development.occurred.latest), (
                f"cause {dev_id} ({development.occurred}) did not change on {change.day}"
            )
    for day in probes:
        last = [c.after for c in changes if c.day <= day]
        expected_then = held(last[-1]) if last else None
        on = model.position(key, day, known_at, possible)
        assert on == expected_then, f"probe {day}: the model says {on}, history {expected_then}"


def check_diff(model: NaiveStory, found: Diff) -> None:
    """`diff`: every pair whose model answers differ, once each, with both answers."""
    (d1, d2), (k1, k2) = found.days, found.known_at
    before = model.as_of(d1, k1, found.possible)
    after = model.as_of(d2, k2, found.possible)
    keys = [(d.actor, d.topic) for d in found.differences]
    assert keys == sorted(set(keys)), f"differences not sorted or repeated: {keys}"
    expected = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert keys == expected, f"differences on {keys}, the model's on {expected}"
    for difference in found.differences:
        key = (difference.actor, difference.topic)
        old, new = before.get(key), after.get(key)
        assert (held(difference.before), held(difference.after)) == (old, new), key
        kind = "added" if old is None else "removed" if new is None else "changed"
        assert difference.kind == kind, f"{key}: {difference.kind}, the model's {kind}"
        stance_changed = (old[0] if old else None) != (new[0] if new else None)
        assert difference.stance_changed == stance_changed, key


def check_explanation(model: NaiveStory, found: Explanation) -> None:
    """`explain`: the model's position, and a status for each claim that the model
    justifies: counted claims (winner, supporting, beaten) are exactly the model's
    counted claimants; `uncertain` ones are known and only possibly occurred;
    `retracted` ones really were known once and are retracted as known at K;
    `unknown` ones become known only after K."""
    key, day, known_at, possible = (
        (found.actor, found.topic),
        found.day,
        found.known_at,
        found.possible,
    )
    position = model.position(key, day, known_at, possible)
    assert held(found.position) == position, f"position {found.position} != the model's {position}"
    evidence = position[2] if position else ()
    shown = tuple(d.id for d in found.evidence)
    assert shown == evidence, f"evidence {shown} != the model's {evidence}"
    winner = found.winner
    assert (winner is None) == (position is None), f"winner {winner} for position {position}"
    if winner is not None and position is not None:
        assert winner.development.id == evidence[-1], f"winner {winner.development.id}"
        assert winner.stance == position[0], f"winner's stance {winner.stance}"
    assert found.rule, "no rule stated"
    chain = model.chain(key, day, known_at, possible)
    ids = [c.development.id for c in found.claims]
    assert len(ids) == len(set(ids)), f"a development listed twice: {ids}"
    order = [story_order(c.development) for c in found.claims]
    assert order == sorted(order), "claims are not in story order"
    counted = {c.development.id: c for c in found.claims if c.status in COUNTED}
    assert sorted(counted) == sorted(d.id for d in chain), "counted claims != the model's"
    for claim in found.claims:
        development, dev_id = claim.development, claim.development.id
        assert claim.reason, f"{dev_id}: no reason"
        assert claim.stance == stance_on(development, key), f"{dev_id}: not its claim"
        assert development.occurred.earliest <= day, f"{dev_id} lies after the day"
        if claim.status in COUNTED:
            assert development == model.current(dev_id, known_at), f"{dev_id}: not as known"
            expected = (
                "winner"
                if dev_id == evidence[-1]
                else "supporting"
                if dev_id in evidence
                else "beaten"
            )
            assert claim.status == expected, f"{dev_id}: {claim.status}, expected {expected}"
        elif claim.status == "deprecated":
            assert development == model.current(dev_id, known_at), f"{dev_id}: not as known"
            assert model.counts(development, day, possible), f"{dev_id}: not counted by then"
            assert rank_on(development, key) is Rank.DEPRECATED, f"{dev_id}: not deprecated"
        elif claim.status == "outranked":
            assert development == model.current(dev_id, known_at), f"{dev_id}: not as known"
            assert model.counts(development, day, possible), f"{dev_id}: not counted by then"
            assert rank_on(development, key) is Rank.NORMAL, f"{dev_id}: not normal"
            preferred = [rank_on(d, key) is Rank.PREFERRED for d in chain]
            assert preferred, f"{dev_id}: outranked, but nothing counts"
            assert all(preferred), f"{dev_id}: outranked, but no preferred claim counts"
        elif claim.status == "uncertain":
            assert not possible, f"{dev_id}: uncertain, but possible claims count"
            assert development == model.current(dev_id, known_at), f"{dev_id}: not as known"
            assert day < development.occurred.latest, f"{dev_id} has certainly occurred"
        elif claim.status == "retracted":
            assert model.retracted(dev_id, known_at), f"{dev_id} is not retracted at {known_at}"
            assert model.current(dev_id, known_at) is None
            assert development in [d for _, d in model.ever_known(dev_id)], (
                f"{dev_id}: a version that was never known"
            )
        elif claim.status == "unknown":
            assert known_at is not None, f"{dev_id}: unknown, but everything is known"
            assert model.current(dev_id, known_at) is None, f"{dev_id} is known at {known_at}"
            later = [d for since, d in model.ever_known(dev_id) if since > known_at]
            assert development in later, f"{dev_id}: not a version known after {known_at}"
        else:
            raise AssertionError(f"{dev_id}: unexpected status {claim.status!r}")
    if not possible:
        # Every known claimant that has begun but not certainly occurred is shown.
        uncertain = sorted(
            d.id
            for d in model.story(known_at)
            if stance_on(d, key) is not None and d.occurred.earliest <= day < d.occurred.latest
        )
        listed = sorted(c.development.id for c in found.claims if c.status == "uncertain")
        assert listed == uncertain, f"uncertain claims {listed}, the model's {uncertain}"
