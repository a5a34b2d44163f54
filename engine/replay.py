"""Pure replay: the as-of fold over what was recorded, the oracle for every view.

Story order is occurred (earliest day, then latest day), then development id;
the order in which events were recorded never matters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

import attrs

from timeline.engine.values import Development, Retraction, Revision, Stance, StanceClaim
from timeline.engine.when import When

__all__ = [
    "Entry",
    "Position",
    "View",
    "fold_positions",
    "is_known",
    "known_developments",
    "occurred_by",
]

PairKey = tuple[str, str]


def is_known(reported: When, known_at: dt.date | None) -> bool:
    """Whether something reported during `reported` was public by `known_at`."""
    return known_at is None or reported.latest <= known_at


def occurred_by(occurred: When, day: dt.date, *, possible: bool) -> bool:
    """Whether a span has certainly (or, with `possible`, possibly) begun by `day`."""
    return occurred.latest <= day or (possible and occurred.earliest <= day)


@attrs.frozen
class Entry:
    """Everything recorded about one development: the original and its corrections."""

    development: Development
    revisions: tuple[Revision, ...] = ()
    retractions: tuple[Retraction, ...] = ()

    @property
    def id(self) -> str:
        """The development's id."""
        return self.development.id

    def as_known(self, known_at: dt.date | None) -> Development | None:
        """The development as it stood at `known_at`, or None if unknown or retracted."""
        if not is_known(self.development.reported, known_at):
            return None
        if any(is_known(r.reported, known_at) for r in self.retractions):
            return None
        current = self.development
        known = [r for r in self.revisions if is_known(r.reported, known_at)]
        for revision in sorted(known, key=lambda r: r.order_key):
            current = revision.apply(current)
        return current

    def knowledge_days(self) -> set[dt.date]:
        """The days on which what is known about this development changes."""
        reports = [self.development.reported, *(r.reported for r in self.revisions)]
        reports += [r.reported for r in self.retractions]
        return {report.latest for report in reports}


def known_developments(entries: Iterable[Entry], known_at: dt.date | None) -> list[Development]:
    """The developments known at `known_at`, as then known, in story order."""
    known = (entry.as_known(known_at) for entry in entries)
    return sorted((d for d in known if d is not None), key=lambda d: d.story_key)


@attrs.frozen
class Position:
    """An actor's stance on a topic as of a day, with the claims it rests on."""

    actor: str
    topic: str
    stance: Stance
    since: When
    evidence: tuple[str, ...]
    tentative: bool = False


def fold_positions(
    developments: Iterable[Development], day: dt.date, *, possible: bool = False
) -> dict[PairKey, Position]:
    """Folds story-ordered developments into each (actor, topic) position at `day`.

    The latest claim in story order wins; `since` and `evidence` cover the unbroken
    run of claims with the winning stance that ends in it.
    """
    runs: dict[PairKey, list[tuple[Development, StanceClaim]]] = {}
    for development in developments:
        if not occurred_by(development.occurred, day, possible=possible):
            continue
        for claim in development.claims:
            run = runs.setdefault((claim.actor, claim.topic), [])
            if run and run[-1][1].stance != claim.stance:
                run.clear()
            run.append((development, claim))
    return {
        key: Position(
            actor=key[0],
            topic=key[1],
            stance=run[-1][1].stance,
            since=run[0][0].occurred,
            evidence=tuple(development.id for development, _ in run),
            tentative=not run[-1][0].occurred.ended_by(day),
        )
        for key, run in runs.items()
    }


def _same(name: str) -> str:
    return name


def _alone(actor: str) -> list[str]:
    return [actor]


def _frozen(positions: Mapping[PairKey, Position]) -> Mapping[PairKey, Position]:
    # A plain dict is copied and frozen; any other mapping is a read-only lazy
    # one (such as the materialised view's) that looks positions up on demand.
    return MappingProxyType(dict(positions)) if isinstance(positions, dict) else positions


Developments = tuple[Development, ...] | Callable[[], Iterable[Development]]


@attrs.frozen(eq=False)
class View:
    """The state of the story as of a day, as it was known on a day.

    `source` says whether it came from pure replay or the materialised view;
    two views are equal when they say the same, whichever source they came from.
    Positions and developments may be given lazily (a mapping that looks up on
    demand, a callable that lists the developments on first use).
    """

    day: dt.date
    known_at: dt.date | None
    possible: bool
    source: str
    _positions: Mapping[PairKey, Position] = attrs.field(converter=_frozen, alias="positions")
    _developments: Developments = attrs.field(alias="developments")
    _resolve_actor: Callable[[str], str] = attrs.field(
        default=_same, repr=False, alias="resolve_actor"
    )
    _resolve_topic: Callable[[str], str] = attrs.field(
        default=_same, repr=False, alias="resolve_topic"
    )
    _descendants: Callable[[str], list[str]] = attrs.field(
        default=_alone, repr=False, alias="descendants"
    )

    def position(self, actor: str, topic: str) -> Position | None:
        """The actor's position on the topic, or None when no claim counts yet."""
        key = (self._resolve_actor(actor), self._resolve_topic(topic))
        return self._positions.get(key)

    def positions(
        self, actor: str | None = None, *, children: bool = False
    ) -> dict[PairKey, Position]:
        """Every position by (actor, topic); filtered to one actor (and its children)."""
        if actor is None:
            return dict(sorted(self._positions.items()))
        ident = self._resolve_actor(actor)
        wanted = set(self._descendants(ident)) if children else {ident}
        return {k: p for k, p in sorted(self._positions.items()) if k[0] in wanted}

    def developments(self) -> tuple[Development, ...]:
        """The developments that count at this day, in story order."""
        if not isinstance(self._developments, tuple):
            # Listed once, on first use; the frozen view then keeps the tuple.
            object.__setattr__(self, "_developments", tuple(self._developments()))
        assert isinstance(self._developments, tuple)
        return self._developments

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, View):
            return NotImplemented
        mine = (self.day, self.known_at, self.possible, self.positions(), self.developments())
        theirs = (other.day, other.known_at, other.possible, other.positions())
        return mine == (*theirs, other.developments())

    __hash__ = None  # type: ignore[assignment]  # equal views may differ in how they load
