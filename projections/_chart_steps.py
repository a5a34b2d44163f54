"""A pair's series on a topic's chart, made from its claims in one sweep per way of counting.

`charts.series` makes a series from the pair's two histories (`_history.history`, with
and without `possible`), each of which finds the winning run again on every day a claim
begins to count.  Here the claims are counted in the order they begin to count, and the
run (`rule.winning_run`: the winner and the claims below it in search order of its
stance and rank, unbroken) is kept as it goes: a claim counted above the winner starts
a run or extends it, one inside the run or just below it joins it (same stance and rank)
or cuts it (another), and one further below leaves it as it was.  A position is made
only on a day the run changed or its winner became certain.  The series is the same,
step for step and band for band (`tests/property/test_chart_steps.py` holds it to
`charts.series` of the two histories, and the positions to `engine._rule`'s, day by day).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from pendulum import Date

from timeline.engine._rule import Claimed
from timeline.engine.values import Rank, Stance
from timeline.engine.when import FIRST_DAY, When
from timeline.projections._chart_values import Band, Marker, Series, Step

__all__ = ["Held", "Turn", "held_from", "pair_series", "turns"]

_EARLIEST = attrgetter("occurred.earliest")
_LATEST = attrgetter("occurred.latest")


class Held(NamedTuple):
    """A position held from `day` on (as `history`'s change of that day has it after)."""

    day: Date
    stance: Stance
    tentative: bool
    since: When
    evidence: tuple[str, ...]


class Turn(NamedTuple):
    """A day the certain position's stance began or changed, with the run's first claim's
    span and the developments whose claims began to count that day (as `history` orders a
    change's causes)."""

    day: Date
    stance: Stance
    since: When
    causes: tuple[str, ...]


class _Counted:
    """The claims counted so far in search order (ascending: the winner last), their ids
    and search keys side by side, and the index where the winning run begins."""

    def __init__(self) -> None:
        self.keys: list[tuple[Any, ...]] = []
        self.claims: list[Claimed] = []
        self.ids: list[str] = []
        self.start = 0


def _by_day(
    pending: list[Claimed], starts: list[Date], search: list[tuple[Any, ...]], counted: _Counted
) -> Iterator[tuple[Date, int, int, bool]]:
    """Counts `pending` (sorted by `starts`, the days they begin to count; `search`, their
    search keys) a day at a time, keeping `counted` and its run; yields each day, the span
    of `pending` that began to count on it, and whether the run may have changed (a claim
    fell in it or above it)."""
    keys, claims, ids = counted.keys, counted.claims, counted.ids
    index, total = 0, len(pending)
    while index < total:
        day, first, touched = starts[index], index, False
        start = counted.start
        while index < total and starts[index] == day:
            claim, key = pending[index], search[index]
            index += 1
            size = len(keys)
            at = bisect.bisect_right(keys, key)  # as `history` inserts it (insort_right)
            keys.insert(at, key)
            claims.insert(at, claim)
            ids.insert(at, claim.dev_id)
            if not size:
                start, touched = 0, True
                continue
            top = claims[-2] if at == size else claims[-1]  # the winner before this claim
            if at >= start and claim.stance is top.stance and claim.rank is top.rank:
                touched = True  # joins the run (as its new winner when on top)
            elif at == size:
                start, touched = at, True  # a new winner of another stance or rank
            elif at > start:
                start, touched = at + 1, True  # cuts the run: those above it are left
            else:
                start += 1  # below the run: the run is as it was, one place higher
        counted.start = start
        yield day, first, index, touched


def _counting(
    claims: Sequence[Claimed], possible: bool
) -> tuple[list[Claimed], list[Date], list[tuple[Any, ...]]]:
    """The claims that can count (not deprecated) in the order they begin to count, as
    `history` sorts them (stably), the day each begins to count, and their search keys."""
    begins = _EARLIEST if possible else _LATEST
    pending = sorted((c for c in claims if c.rank is not Rank.DEPRECATED), key=begins)
    search = [
        (0 if c.rank is Rank.NORMAL else c.rank.tier, *c.occurred.sort_key, c.dev_id)
        for c in pending
    ]  # `Claimed.search_key`, without its two calls for the usual rank
    return pending, [begins(c) for c in pending], search


def held_from(claims: Sequence[Claimed], *, possible: bool = False) -> list[Held]:
    """Each day the pair's position changes, with the position from then on: the days and
    `after`s of `history(claims, ..., possible=possible)`'s changes."""
    pending, starts, search = _counting(claims, possible)
    counted = _Counted()
    ranked, ids = counted.claims, counted.ids
    found: list[Held] = []
    last: Held | None = None
    ends = FIRST_DAY  # the day the last position's winner certainly occurred by
    for day, _, _, touched in _by_day(pending, starts, search, counted):
        if last is not None and last.tentative and ends < day:
            # The winner became certain on a day before this one (`history` looks at
            # that day too), on which no claim changed the run: the same run, certain.
            last = last._replace(day=ends, tentative=False)
            found.append(last)
        winner = ranked[-1]
        ends = winner.occurred.latest
        if touched:  # else the run is as it was: only its winner may become certain
            start = counted.start
            tentative = possible and ends > day
            held = Held(day, winner.stance, tentative, ranked[start].occurred, tuple(ids[start:]))
            if last is None or held[1:] != last[1:]:
                found.append(held)
                last = held
    if last is not None and last.tentative:
        found.append(last._replace(day=ends, tentative=False))
    return found


def turns(claims: Sequence[Claimed]) -> list[Turn]:
    """Each day the pair's certain position's stance begins or changes: the changes of
    `history(claims, ...)` whose stance differs from the one before, with their causes."""
    pending, starts, search = _counting(claims, False)
    counted = _Counted()
    found: list[Turn] = []
    stance: Stance | None = None
    for day, first, last, _ in _by_day(pending, starts, search, counted):
        winner = counted.claims[-1]
        if winner.stance is not stance:
            stance = winner.stance
            # Equal keys keep their counting order, as `history`'s causes do.
            began = sorted(range(first, last), key=search.__getitem__)
            causes = tuple(pending[i].dev_id for i in began)
            found.append(Turn(day, stance, counted.claims[counted.start].occurred, causes))
    return found


def _doubted(step: Step, days: list[Date], stances: list[Stance]) -> list[Step]:
    """`step` cut where the certain stance (`stances` from each of `days` on) changes, each
    piece tentative only where the certain stance is another (or none); as
    `charts._doubted` cuts it (pieces alike side by side are one)."""
    first = bisect.bisect_right(days, step.start)
    last = len(days) if step.end is None else bisect.bisect_left(days, step.end)
    # The stance held at the step's start (None before the first turn), then at each turn.
    held = [stances[first - 1] if first else None, *stances[first:last]]
    cuts = days[first:last]
    pieces: list[Step] = []
    for stance, start, end in zip(held, [step.start, *cuts], [*cuts, step.end], strict=True):
        doubt = stance is not step.stance
        if pieces and pieces[-1].tentative == doubt:
            pieces[-1] = _step(pieces[-1], pieces[-1].start, end, doubt)
        else:
            pieces.append(_step(step, start, end, doubt))
    return pieces


def _step(step: Step, start: Date, end: Date | None, tentative: bool) -> Step:
    return Step(start, end, step.stance, tentative, step.since, step.evidence)


def pair_series(
    actor: str, name: str, index: int, claims: Sequence[Claimed], markers: Sequence[Marker] = ()
) -> Series | None:
    """The actor's series from its claims on the topic, as `charts.series` makes it from
    the pair's histories with and without `possible`; None when it has no step and no
    marker (no claim counts)."""
    held = held_from(claims, possible=True)
    if not held and not markers:
        return None
    changes = turns(claims)
    days, stances = [turn.day for turn in changes], [turn.stance for turn in changes]
    steps: list[Step] = []
    for i, now in enumerate(held):
        end = held[i + 1].day if i + 1 < len(held) else None
        step = Step(now.day, end, now.stance, now.tentative, now.since, now.evidence)
        if now.tentative:
            steps += _doubted(step, days, stances)
        else:
            steps.append(step)
    bands = []
    for turn in changes:
        start = min(turn.since.earliest, turn.day)
        if start < turn.day:
            bands.append(Band(start, turn.day, turn.stance, turn.causes))
    return Series(actor, name, index, tuple(steps), tuple(bands), tuple(markers))
