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
from collections.abc import Callable, Iterable

import attrs
import pendulum

from timeline.engine.replay import Entry, PairKey, Position, known_developments
from timeline.engine.values import Development, Stance

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


_Claim = tuple[tuple[object, ...], Development, Stance]


def _claims(entries: Iterable[Entry], key: PairKey, known_at: dt.date | None) -> list[_Claim]:
    found: list[_Claim] = []
    for development in known_developments(entries, known_at):
        for claim in development.claims:
            if (claim.actor, claim.topic) == key:
                found.append((development.story_key, development, claim.stance))
    return found


def _tail(key: PairKey, counted: list[_Claim], day: dt.date) -> Position | None:
    if not counted:
        return None
    stance = counted[-1][2]
    start = len(counted) - 1
    while start > 0 and counted[start - 1][2] == stance:
        start -= 1
    run = counted[start:]
    return Position(
        actor=key[0],
        topic=key[1],
        stance=stance,
        since=run[0][1].occurred,
        evidence=tuple(development.id for _, development, _ in run),
        tentative=not run[-1][1].occurred.ended_by(day),
    )


def _causes(
    counted: list[_Claim],
    day: dt.date,
    after: Position | None,
    start: Callable[[_Claim], dt.date],
) -> tuple[str, ...]:
    # Claims that began to count this day, and winning-run claims confirmed today.
    evidence = after.evidence if after is not None else ()
    return tuple(
        c[1].id
        for c in counted
        if start(c) == day or (c[1].occurred.latest == day and c[1].id in evidence)
    )


def history(
    entries: Iterable[Entry],
    actor: str,
    topic: str,
    *,
    known_at: dt.date | None = None,
    possible: bool = False,
) -> list[Change]:
    """The change points of (actor, topic) over story time, as known at `known_at`.

    `entries` may be every entry of the store or any superset of those that
    claim the pair; the answer only depends on the latter.
    """
    key = (actor, topic)
    claims = _claims(entries, key, known_at)

    def start(claim: _Claim) -> pendulum.Date:
        occurred = claim[1].occurred
        return occurred.earliest if possible else occurred.latest

    pending = sorted(claims, key=start)
    days = sorted({start(c) for c in claims} | {c[1].occurred.latest for c in claims})
    counted: list[_Claim] = []
    changes: list[Change] = []
    before: Position | None = None
    index = 0
    for day in days:
        while index < len(pending) and start(pending[index]) <= day:
            bisect.insort(counted, pending[index], key=lambda claim: claim[0])
            index += 1
        after = _tail(key, counted, day)
        if after != before:
            changes.append(Change(day, before, after, _causes(counted, day, after, start)))
            before = after
    return changes
