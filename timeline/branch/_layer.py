"""A branch's layer: its entries and names as of one store position, read from the view once.

The entries are those of every development the branch touches: the store's copy,
read from the view's streams at the position (or the branch's own development),
with the branch's corrections added as the development's stream would take them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import attrs

from timeline.engine._loader import Seeds
from timeline.engine._registry import Registry
from timeline.engine._rule import Entry, Scope
from timeline.engine.aggregates import check_ranking, check_retraction
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.engine.errors import NotRetractableError
from timeline.projections._materialised import Materialised
from timeline.projections._overlay import entries_at

__all__ = ["Correction", "Layer", "layer_at", "with_correction"]

Correction = tuple[str, Revision | Retraction | Ranking]


@attrs.frozen
class Layer:
    """What a branch holds as of one store position: its entries, and the names it knows."""

    entries: Mapping[str, Entry]  # by id: every development the branch touches
    registry: Registry

    @property
    def touched(self) -> frozenset[str]:
        """The ids of the developments the branch adds, revises or retracts."""
        return frozenset(self.entries)

    def outer(self, scope: Scope) -> Scope:
        """The scope of the view's part of a read: the touched developments left out."""
        if not self.entries:
            return scope
        # `Scope.without`'s converter is the bare `frozenset`, which mypy cannot solve.
        without: Any = frozenset({*scope.without, *self.entries})
        return Scope(
            scope.without_sources, scope.only_reliability, without, min_reports=scope.min_reports
        )


def with_correction(entry: Entry, correction: Revision | Retraction | Ranking) -> Entry:
    """The entry with one more correction, as its stream would take it (or refuse it)."""
    if isinstance(correction, Revision):
        if correction in entry.revisions:
            return entry
        return attrs.evolve(entry, revisions=(*entry.revisions, correction))
    if isinstance(correction, Ranking):
        if correction in entry.rankings:
            return entry
        check_ranking(entry, correction)
        return attrs.evolve(entry, rankings=(*entry.rankings, correction))
    if not check_retraction(entry.id, entry.retractions, correction):
        return entry
    return attrs.evolve(entry, retractions=(correction,))


def layer_at(view: Materialised, pin: int, layered: Seeds) -> Layer:
    """The layer of what a branch holds (`layered`) over the store at position `pin`."""
    return Layer(_entries(view, pin, layered), _registry(view, pin, layered))


def _entries(view: Materialised, pin: int, layered: Seeds) -> dict[str, Entry]:
    """The entries of the developments the branch touches, with its corrections added."""
    own = {development.id: development for development in layered.developments}
    ids = list(dict.fromkeys([*own, *(i for i, _ in layered.corrections)]))
    stored = entries_at(view, pin, ids) if ids else {}
    entries: dict[str, Entry] = {}
    for ident in ids:
        entry = stored.get(ident)
        if entry is None and ident in own:
            entry = Entry(own[ident])
        if entry is not None:
            entries[ident] = entry
    for ident, correction in layered.corrections:
        if ident in entries:  # at an earlier position its development may be missing
            # If the store had retracted it otherwise by `pin`, its retraction stands.
            with contextlib.suppress(NotRetractableError):
                entries[ident] = with_correction(entries[ident], correction)
    return entries


def _registry(view: Materialised, pin: int, layered: Seeds) -> Registry:
    """The store's actors and topics at position `pin`, with the branch's own added."""
    real = view.registry(pin)
    registry = Registry(real.actors.values(), real.topics.values())
    for actor in layered.actors:
        if registry.check_actor(actor):
            registry.add_actor(actor)
    for topic in layered.topics:
        if registry.check_topic(topic):
            registry.add_topic(topic)
    return registry
