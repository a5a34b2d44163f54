"""History of one position: the days on which it changed, and what changed it.

A change point is a day D whose position differs from the day before's, in any
of stance, since, evidence or tentativeness, so `after` is exactly
`as_of(D).position(...)` and `before` is `as_of(D - 1 day).position(...)`.
With fixed knowledge, claims only ever start to count as days pass, so a
position never disappears once it exists.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Collection, Iterable

import attrs
import pendulum

from timeline.engine import _rule as rule
from timeline.engine._rule import Claimed, Position

__all__ = ["Change", "history"]


@attrs.frozen
class Change:
    """A day on which a position changed, with the developments that changed it.

    `causes` are the ids of the developments whose claims began to count that day
    (or, with `possible`, were confirmed as certainly occurred that day).
    """

    day: pendulum.Date
    before: Position | None
    after: Position | None
    causes: tuple[str, ...]

    @property
    def kind(self) -> str:
        """In one word: began, changed, reinforced, confirmed or updated."""
        before, after = self.before, self.after
        if before is None:
            return "began"
        if after is None:
            return "ended"
        if before.stance != after.stance:
            return "changed"
        if before.evidence == after.evidence:
            return "confirmed"
        if before.since == after.since and set(before.evidence) < set(after.evidence):
            return "reinforced"
        return "updated"


def _start(claim: Claimed, possible: bool) -> pendulum.Date:
    """The day a claim begins to count: its span's end, or (possibly) its start."""
    return claim.occurred.earliest if possible else claim.occurred.latest


class _Causes:
    """The claims that began to count on a day, and the winning-run claims confirmed that
    day, in the counted claims' search order: looked up by day, not searched for."""

    def __init__(
        self, pending: list[Claimed], keys: list[tuple[object, ...]], possible: bool
    ) -> None:
        self.starting: dict[dt.date, list[int]] = {}
        self.ending: dict[dt.date, list[int]] = {}
        for index, claim in enumerate(pending):
            self.starting.setdefault(_start(claim, possible), []).append(index)
            # Without `possible` a claim starts on the day it ends: those ending are
            # among those starting, so they are not kept twice.
            if possible:
                self.ending.setdefault(claim.occurred.latest, []).append(index)
        self.pending, self.keys = pending, keys

    def on(self, day: dt.date, after: Position | None) -> tuple[str, ...]:
        # Every claim found has begun to count by `day` (its start is on or before its
        # end), so it is among those counted; equal search keys keep their counted order.
        found: Collection[int] = self.starting.get(day, ())
        ending = self.ending.get(day)
        if ending:
            evidence = after.evidence if after is not None else ()
            confirmed = [i for i in ending if self.pending[i].dev_id in evidence]
            if confirmed:
                found = set(found).union(confirmed)
        if len(found) == 1:  # the commonest day: one claim, nothing to order
            return (self.pending[next(iter(found))].dev_id,)
        ordered = sorted(found, key=lambda i: (self.keys[i], i))
        return tuple(self.pending[i].dev_id for i in ordered)


def history(
    claims: Iterable[Claimed], actor: str, topic: str, *, possible: bool = False
) -> list[Change]:
    """The change points of (actor, topic) over story time, from its known claims.

    `claims` are the claims on the pair known at the knowledge day, in any order.
    """
    key = (actor, topic)
    # Deprecated claims never count; the rest are kept in search order, reversed.
    claimed = [c for c in claims if rule.counts(c.rank)]
    pending = sorted(claimed, key=lambda c: _start(c, possible))
    starts = [_start(c, possible) for c in pending]
    days = sorted(set(starts) | {c.occurred.latest for c in claimed})
    # Each claim's search key, made once: a pair has thousands of claims at scale, and
    # the keys are compared at every insertion and sorted by every day's causes.
    keys = [claim.search_key for claim in pending]
    causes = _Causes(pending, keys, possible)
    counted: list[Claimed] = []
    ordered: list[tuple[object, ...]] = []  # the counted claims' keys, side by side
    changes: list[Change] = []
    before: Position | None = None
    ends: dt.date | None = None  # the day the winner certainly occurred by
    index = 0
    for day in days:
        began = index
        while index < len(pending) and starts[index] <= day:
            at = bisect.bisect_right(ordered, keys[index])  # as insort_right does
            ordered.insert(at, keys[index])
            counted.insert(at, pending[index])
            index += 1
        if index == began and day != ends:
            # The same claims count as the day before, and the position's only tie to
            # the day (whether its winner has ended) holds as it did: nothing changed.
            continue
        run = rule.winning_run(reversed(counted))
        after = rule.position(key, run, day)
        ends = run[-1].occurred.latest if run else None
        if after != before:
            changes.append(Change(day, before, after, causes.on(day, after)))
            before = after
    return changes
