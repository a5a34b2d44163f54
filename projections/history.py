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
from collections.abc import Iterable

import attrs
import pendulum

from timeline.engine import rule
from timeline.engine.rule import Claimed, Position

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


def _causes(
    counted: list[Claimed], day: dt.date, after: Position | None, possible: bool
) -> tuple[str, ...]:
    # Claims that began to count this day, and winning-run claims confirmed today.
    evidence = after.evidence if after is not None else ()
    return tuple(
        c.dev_id
        for c in counted
        if _start(c, possible) == day or (c.occurred.latest == day and c.dev_id in evidence)
    )


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
    days = sorted({_start(c, possible) for c in claimed} | {c.occurred.latest for c in claimed})
    counted: list[Claimed] = []
    changes: list[Change] = []
    before: Position | None = None
    index = 0
    for day in days:
        while index < len(pending) and _start(pending[index], possible) <= day:
            bisect.insort(counted, pending[index], key=lambda claim: claim.search_key)
            index += 1
        after = rule.position(key, rule.winning_run(reversed(counted)), day)
        if after != before:
            changes.append(Change(day, before, after, _causes(counted, day, after, possible)))
            before = after
    return changes
