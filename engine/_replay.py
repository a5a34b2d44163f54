"""Pure replay: the as-of fold over everything recorded, the oracle for every view.

It follows `engine._rule` exactly and reads the whole event log, so it is what the
tests compare the projections against, never the path a user waits on.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any
from uuid import UUID

import attrs

from timeline.engine._rule import (
    Claimed,
    Entry,
    PairKey,
    Position,
    in_story_order,
    occurred_by,
    position,
    search_order,
    winning_run,
)
from timeline.engine.values import Actor, Development, Topic

__all__ = [
    "Entry",
    "EventLog",
    "InPairOrder",
    "View",
    "claims_on",
    "fold_positions",
    "known_developments",
]


def known_developments(entries: Iterable[Entry], known_at: dt.date | None) -> list[Development]:
    """The developments known at `known_at`, as then known, in story order."""
    known = (entry.as_known(known_at) for entry in entries)
    return in_story_order(d for d in known if d is not None)


def claims_on(developments: Iterable[Development], key: PairKey) -> list[Claimed]:
    """The claims the developments make on one (actor, topic), in their order."""
    return [
        Claimed(development.id, development.occurred, claim.stance, claim.rank)
        for development in developments
        for claim in development.claims
        if (claim.actor, claim.topic) == key
    ]


def fold_positions(
    developments: Iterable[Development], day: dt.date, *, possible: bool = False
) -> dict[PairKey, Position]:
    """Folds story-ordered developments into each (actor, topic) position at `day`."""
    claims: dict[PairKey, list[Claimed]] = {}
    for development in developments:
        if not occurred_by(development.occurred, day, possible=possible):
            continue
        for claim in development.claims:
            claimed = Claimed(development.id, development.occurred, claim.stance, claim.rank)
            claims.setdefault((claim.actor, claim.topic), []).append(claimed)
    found = {key: position(key, winning_run(search_order(run)), day) for key, run in claims.items()}
    return {key: p for key, p in found.items() if p is not None}


def _same(name: str) -> str:
    return name


def _alone(actor: str) -> list[str]:
    return [actor]


class InPairOrder(Mapping[PairKey, Position], abc.ABC):
    """A mapping of positions whose items come in pair order, as `View.positions` gives
    them (so they need no sorting)."""


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

    def __repr__(self) -> str:
        known = "everything recorded" if self.known_at is None else self.known_at.isoformat()
        certainty = "possible" if self.possible else "certain"
        return f"View(as of {self.day.isoformat()}, known at {known}, {certainty}, {self.source})"

    def position(self, actor: str, topic: str) -> Position | None:
        """The actor's position on the topic, or None when no claim counts yet."""
        key = (self._resolve_actor(actor), self._resolve_topic(topic))
        return self._positions.get(key)

    def positions(
        self, actor: str | None = None, *, children: bool = False
    ) -> dict[PairKey, Position]:
        """Every position by (actor, topic); filtered to one actor (and its children)."""
        if actor is None:
            if isinstance(self._positions, InPairOrder):  # sorted already: copied alone
                return dict(self._positions.items())
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


class EventLog:
    """Everything a store holds, folded by stable id: the oracle's copy of the log.

    `pull` decodes every event after the last one it saw; only tests and the
    replay reader (`Timeline(reads=Replayed)`) use it.
    """

    def __init__(self, app: Any) -> None:
        self._app = app
        self.position = 0
        self.developments: dict[str, Entry] = {}
        self.actors: dict[str, Actor] = {}
        self.topics: dict[str, Topic] = {}
        self._ids: dict[UUID, str] = {}

    def pull(self) -> int:
        """Folds in events recorded since the last pull; returns how many there were."""
        count = 0
        for notification in self._app.notifications(after=self.position):
            self.apply(self._app.mapper.to_domain_event(notification))
            self.position = notification.id
            count += 1
        return count

    def apply(self, event: Any) -> None:
        """Folds one domain event into the log."""
        # Imported here: the aggregates load eventsourcing, which `View` (the read of a
        # current view) does without; only the pure replay folds events.
        from timeline.engine import aggregates

        if isinstance(event, aggregates.DevelopmentStream.Recorded):
            self.developments[event.development.id] = Entry(event.development)
            self._ids[event.originator_id] = event.development.id
        elif isinstance(event, aggregates.DevelopmentStream.Revised):
            entry = self.developments[self._ids[event.originator_id]]
            self.developments[entry.id] = attrs.evolve(
                entry, revisions=(*entry.revisions, event.revision)
            )
        elif isinstance(event, aggregates.DevelopmentStream.Retracted):
            entry = self.developments[self._ids[event.originator_id]]
            self.developments[entry.id] = attrs.evolve(
                entry, retractions=(*entry.retractions, event.retraction)
            )
        elif isinstance(event, aggregates.DevelopmentStream.Ranked):
            entry = self.developments[self._ids[event.originator_id]]
            self.developments[entry.id] = attrs.evolve(
                entry, rankings=(*entry.rankings, event.ranking)
            )
        elif isinstance(event, aggregates.ActorStream.Registered):
            self.actors.setdefault(event.actor.id, event.actor)
        elif isinstance(event, aggregates.TopicStream.Registered):
            self.topics.setdefault(event.topic.id, event.topic)

    def entries(self) -> list[Entry]:
        """Every development entry, in no particular order."""
        return list(self.developments.values())
