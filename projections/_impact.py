"""What depends on a development or a source, and which sources carry a position.

Both answers come from counterfactual reads of the materialised view, never from
guessing: `impact` compares the view with the view whose scope leaves out one
development (`Scope(without={id})`) or one publisher (`Scope(without_sources=...)`),
and `sources` (from `projections._sources`) reads a position again without each
source that contributes to it.

Only what the left-out developments touch can differ, so only that is read:

- positions as of the day, and history change points, of the (actor, topic) pairs
  that the left-out developments claim, as known at the knowledge day (a pair no
  left-out claim is on has the same claims either way);
- relations periods of the pairs of actors that one left-out development names
  (actors, targets, claimants), in the periods a left-out development involving
  the pair falls in (every other period holds the same developments either way).

Everything is read as known at `known_at` (default: everything recorded), from the
store as it stood at one notification id (`pin`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

import attrs

from timeline.engine._rule import EVERYTHING, PairKey, Position, Scope, in_story_order, source_key
from timeline.engine.errors import UnknownDevelopmentError
from timeline.engine.values import Development
from timeline.engine.when import FIRST_DAY, LAST_DAY, When
from timeline.projections._diff import Difference, diff_positions
from timeline.projections._history import Change, history
from timeline.projections._listing import mentions
from timeline.projections._reads import Reads
from timeline.projections._relations import PERIODS, Period, involves, relations
from timeline.projections._sources import (
    Contribution,
    PublisherShare,
    Sources,
    SourceShare,
    sources,
    without_ids,
)
from timeline.projections.errors import QueryError

__all__ = [
    "ChangeImpact",
    "Contribution",
    "Impact",
    "PeriodImpact",
    "PublisherShare",
    "SourceShare",
    "Sources",
    "impact",
    "sources",
    "without_ids",
]


@attrs.frozen
class ChangeImpact:
    """A history change point of one pair that differs without what is left out.

    `actual` is the change on `day` as the story stands, `without` the change on that
    day without the development (or source); either is None when there is none.
    """

    actor: str
    topic: str
    day: dt.date
    actual: Change | None
    without: Change | None

    @property
    def kind(self) -> str:
        """In one word: `gone` (only there now), `new` (only without) or `changed`."""
        if self.without is None:
            return "gone"
        return "new" if self.actual is None else "changed"


@attrs.frozen
class PeriodImpact:
    """A relations period of actors `a` and `b` that differs without what is left out."""

    a: str
    b: str
    label: str
    start: dt.date
    end: dt.date
    actual: Period | None
    without: Period | None

    @property
    def score_change(self) -> float:
        """How the period's score moves without what is left out."""
        before = 0.0 if self.actual is None else self.actual.score
        after = 0.0 if self.without is None else self.without.score
        return after - before


@attrs.frozen
class Impact:
    """Everything that would differ if a development (or a whole source) were retracted.

    `positions` are differences from the position as the story stands (`before`)
    to the position without (`after`), as of `day`; `changes` are history change
    points and `periods` relations periods (by `by`) that differ.  `left_out` are
    the developments the counterfactual leaves out as known at `known_at`.
    """

    dev_id: str | None
    source: str | None
    day: dt.date
    known_at: dt.date | None
    possible: bool
    by: str
    left_out: tuple[str, ...]
    positions: tuple[Difference, ...]
    changes: tuple[ChangeImpact, ...]
    periods: tuple[PeriodImpact, ...]

    def __bool__(self) -> bool:
        return bool(self.positions or self.changes or self.periods)

    @property
    def scope(self) -> Scope:
        """The counterfactual's scope: what the view is read without."""
        return _counterfactual(self.dev_id, self.source)


def _counterfactual(dev_id: str | None, source: str | None) -> Scope:
    if (dev_id is None) == (source is None):
        raise QueryError("impact of a development or of a source: expected exactly one")
    if dev_id is not None:
        return without_ids([dev_id])
    assert source is not None
    return Scope(without_sources={source})


def _candidates(view: Reads, pin: int, dev_id: str | None, source: str | None) -> list[str]:
    """The ids of the developments that the counterfactual may leave out, in any version."""
    if dev_id is not None:
        return [dev_id]
    assert source is not None
    return view.reported_by(source, pin)


def _left_out(
    view: Reads,
    pin: int,
    dev_id: str | None,
    source: str | None,
    known_at: dt.date | None,
) -> list[Development]:
    """The developments, as known at `known_at`, that the counterfactual leaves out."""
    scope = _counterfactual(dev_id, source)
    ids = _candidates(view, pin, dev_id, source)
    entries = view.entries(pin, ids) if ids else []
    if dev_id is not None and not entries:
        raise UnknownDevelopmentError(dev_id)
    known = (entry.as_known(known_at) for entry in entries)
    found = [d for d in known if d is not None and not scope.admits(d)]
    return in_story_order(found)


def _spelling(view: Reads, pin: int, source: str) -> str:
    """The publisher as a development of it spells it (the first, by id), else as given."""
    wanted = source_key(source)
    for entry in view.entries(pin, _candidates(view, pin, None, source)[:1]):
        spelt = [entry.development.source, *(r.source for r in entry.revisions if r.source)]
        for found in spelt:
            if source_key(found.publisher) == wanted:
                return found.publisher
    return source


def _claimed_pairs(left: Iterable[Development]) -> list[PairKey]:
    return sorted({(claim.actor, claim.topic) for d in left for claim in d.claims})


def _position_impact(
    view: Reads,
    pin: int,
    keys: Sequence[PairKey],
    day: dt.date,
    known_at: dt.date | None,
    possible: bool,
    scope: Scope,
) -> tuple[Difference, ...]:
    actual: dict[PairKey, Position] = {}
    without: dict[PairKey, Position] = {}
    for key in keys:
        for found, read in ((actual, EVERYTHING), (without, scope)):
            held = view.position(key, day, known_at, possible, pin, read)
            if held is not None:
                found[key] = held
    return diff_positions(actual, without)


def _change_impact(
    view: Reads,
    pin: int,
    keys: Sequence[PairKey],
    known_at: dt.date | None,
    possible: bool,
    scope: Scope,
) -> list[ChangeImpact]:
    found: list[ChangeImpact] = []
    for key in keys:
        actual = _by_day(history(view.claims(key, known_at, pin), *key, possible=possible))
        without = _by_day(history(view.claims(key, known_at, pin, scope), *key, possible=possible))
        for day in sorted(set(actual) | set(without)):
            now, then = actual.get(day), without.get(day)
            if now != then:
                found.append(ChangeImpact(key[0], key[1], day, now, then))
    return found


def _by_day(changes: Iterable[Change]) -> dict[dt.date, Change]:
    return {change.day: change for change in changes}


def _from_start(development: Development) -> Development:
    """Dated by the first day it may have occurred, as `relations --possible` counts it."""
    # As `timeline._selecting.from_start`, which the read side may not import.
    if development.occurred.earliest == FIRST_DAY:
        return development
    return attrs.evolve(development, occurred=When.day(development.occurred.earliest))


def _actor_pairs(left: Iterable[Development]) -> list[tuple[str, str]]:
    """The pairs of distinct actors that one of the developments names, sorted."""
    return sorted({pair for d in left for pair in combinations(sorted(mentions(d)), 2)})


def _period_impact(
    story: Sequence[Development],
    scope: Scope,
    pairs: Sequence[tuple[str, str]],
    group: Callable[[str], Iterable[str]],
    by: str,
) -> list[PeriodImpact]:
    """The relations periods of each pair that differ between the story and the scoped one."""
    bucket = PERIODS[by]
    labelled: dict[str, list[Development]] = {}
    label_of: dict[str, str] = {}
    for development in story:  # as relations places them
        if development.occurred.latest == LAST_DAY:
            continue
        label = bucket(development.occurred.latest)[2]
        labelled.setdefault(label, []).append(development)
        label_of[development.id] = label
    left = [d for d in story if not scope.admits(d) and d.id in label_of]
    found: list[PeriodImpact] = []
    for a, b in pairs:
        first, second = set(group(a)), set(group(b))
        touched = sorted({label_of[d.id] for d in left if involves(d, first, second)})
        if not touched:
            continue
        counted = [d for label in touched for d in labelled[label]]
        actual = _by_label(relations(counted, first, second, by=by).periods)
        without = _by_label(
            relations([d for d in counted if scope.admits(d)], first, second, by=by).periods
        )
        labels = sorted(set(actual) | set(without), key=lambda name: _start(actual, without, name))
        for label in labels:
            now, then = actual.get(label), without.get(label)
            if now != then:
                some = now if now is not None else then
                assert some is not None
                found.append(PeriodImpact(a, b, label, some.start, some.end, now, then))
    return found


def _by_label(periods: Iterable[Period]) -> dict[str, Period]:
    return {period.label: period for period in periods}


def _start(actual: Mapping[str, Period], without: Mapping[str, Period], label: str) -> Any:
    period = actual.get(label) or without[label]
    return period.start


def impact(
    view: Reads,
    pin: int,
    *,
    dev_id: str | None = None,
    source: str | None = None,
    day: dt.date,
    known_at: dt.date | None = None,
    possible: bool = False,
    by: str = "month",
    descendants: Callable[[str], Iterable[str]] | None = None,
) -> Impact:
    """What would differ without development `dev_id`, or without every report of `source`.

    Positions as of `day` and history change points of the pairs the left-out
    developments claim, and relations periods (by `by`; an actor with the actors
    below it, given `descendants`) of the pairs of actors one of them names, all
    read as known at `known_at` at store position `pin`.
    """
    if by not in PERIODS:
        raise QueryError(f"relations by {by!r}: expected one of {', '.join(PERIODS)}")
    scope = _counterfactual(dev_id, source)
    left = _left_out(view, pin, dev_id, source, known_at)
    keys = _claimed_pairs(left)
    positions = _position_impact(view, pin, keys, day, known_at, possible, scope)
    changes = _change_impact(view, pin, keys, known_at, possible, scope)
    pairs = _actor_pairs(left)
    periods: list[PeriodImpact] = []
    if pairs:
        story = view.developments(known_at, pin)
        if possible:
            story = [_from_start(d) for d in story]
        group = descendants or (lambda ident: [ident])
        periods = _period_impact(story, scope, pairs, group, by)
    return Impact(
        dev_id=dev_id,
        source=None if source is None else _spelling(view, pin, source),
        day=day,
        known_at=known_at,
        possible=possible,
        by=by,
        left_out=tuple(d.id for d in left),
        positions=positions,
        changes=tuple(changes),
        periods=tuple(periods),
    )
