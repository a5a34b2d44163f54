"""A branch's answer as of a day: the view's positions, with the pairs it touches recomputed.

Pairs no touched development claims are read from the view as they are; a touched
pair's position is `rule.winning_run`/`rule.position` of the view's claims on it
(the touched developments left out) merged with the branch's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from timeline.branch._layer import Layer
from timeline.engine import _rule as rule
from timeline.engine._replay import View
from timeline.engine._rule import PairKey, Position, Scope, occurred_by
from timeline.engine.values import Development
from timeline.projections._materialised import Materialised
from timeline.projections._overlay import claims_of, counted, merged, story_of

__all__ = ["Positions", "counted_developments", "layered_view"]


def layered_view(
    view: Materialised,
    layer: Layer,
    on: dt.date,
    known: dt.date | None,
    possible: bool,
    pin: int,
    scope: Scope,
) -> View:
    """The story as of `on`, as known on `known`, with the layer merged into the view's."""
    registry = layer.registry
    positions = Positions(view, layer, on, known, possible, pin, scope)
    return View(
        day=on,
        known_at=known,
        possible=possible,
        source="branch",
        positions=positions,
        developments=lambda: counted_developments(view, layer, on, known, possible, pin, scope),
        resolve_actor=lambda name: registry.resolve("actor", name),
        resolve_topic=lambda name: registry.resolve("topic", name),
        descendants=registry.descendants,
    )


def counted_developments(
    view: Materialised,
    layer: Layer,
    day: dt.date,
    known: dt.date | None,
    possible: bool,
    pin: int,
    scope: Scope,
) -> list[Development]:
    """The developments that count as of `day`, the layer's among the view's, in story order."""
    real = view.developments(known, pin, day=day, possible=possible, scope=layer.outer(scope))
    own = story_of(layer.entries.values(), known, scope)
    return merged(real, [d for d in own if occurred_by(d.occurred, day, possible=possible)])


class Positions(Mapping[PairKey, Position]):
    """A branch's positions as of a day: the view's, with the pairs it touches recomputed."""

    def __init__(
        self,
        view: Materialised,
        layer: Layer,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope,
    ) -> None:
        self._view, self._day, self._known, self._possible = view, day, known_at, possible
        self._pin, self._scope, self._outer = pin, scope, layer.outer(scope)
        own = story_of(layer.entries.values(), known_at, scope)
        counting = [d for d in own if occurred_by(d.occurred, day, possible=possible)]
        self._own = claims_of(counting)  # the branch's counted claims, by pair
        self._all: dict[PairKey, Position] | None = None

    def _touched(self, key: PairKey) -> Position | None:
        real = self._view.claims(key, self._known, self._pin, self._outer)
        claims = merged(counted(real, self._day, possible=self._possible), self._own[key])
        return rule.position(key, rule.winning_run(rule.search_order(claims)), self._day)

    def __getitem__(self, key: PairKey) -> Position:
        if self._all is not None:
            found = self._all.get(key)
        elif key in self._own:
            found = self._touched(key)
        else:
            found = self._view.position(
                key, self._day, self._known, self._possible, self._pin, self._outer
            )
        if found is None:
            raise KeyError(key)
        return found

    def _load(self) -> dict[PairKey, Position]:
        if self._all is None:
            found = self._view.positions(
                self._day, self._known, self._possible, self._pin, self._outer
            )
            for key in self._own:
                held = self._touched(key)
                if held is None:
                    found.pop(key, None)
                else:
                    found[key] = held
            self._all = dict(sorted(found.items()))
        return self._all

    def __iter__(self) -> Iterator[PairKey]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
