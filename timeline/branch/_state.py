"""What a branch holds: its own writes, by kind, pinned at a store position, and its layers.

`BranchState` is the part of `Branch` that its reads (`_reads`) and its writes
(`_writes`) both stand on: the store position reads answer at, and the layer of
what the branch holds over the store as of that position, read once per position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline.branch._layer import Correction, Layer, layer_at
from timeline.engine._loader import Seeds
from timeline.engine._registry import Registry
from timeline.engine.values import Actor, Development, Topic
from timeline.projections.errors import QueryError

if TYPE_CHECKING:
    from timeline._timeline import Timeline
    from timeline.projections._materialised import Materialised

__all__ = ["BranchState"]


class BranchState:
    """A branch's writes, kept in memory in recording order, over a store at a position."""

    def __init__(self, timeline: Timeline, at: int | None = None) -> None:
        self.timeline = timeline
        now = timeline.position
        if at is not None and not 0 <= at <= now:
            raise QueryError(f"store position {at}: expected a position from 0 to {now}")
        self._pin = now if at is None else at
        self._actors: dict[str, Actor] = {}
        self._topics: dict[str, Topic] = {}
        self._developments: dict[str, Development] = {}
        self._corrections: list[Correction] = []
        self._layers: dict[int, Layer] = {}

    @property
    def _view(self) -> Materialised:
        return self.timeline.materialised

    @property
    def position(self) -> int:
        """The store position the branch is pinned at: every read answers as of it."""
        return self._pin

    @property
    def layered(self) -> Seeds:
        """What the branch adds to the store, as a load would hold it, in recording order."""
        return Seeds(
            tuple(self._actors.values()),
            tuple(self._topics.values()),
            tuple(self._developments.values()),
            tuple(self._corrections),
        )

    @property
    def touched(self) -> frozenset[str]:
        """The ids of the developments the branch adds, revises or retracts."""
        return self._layer(self._pin).touched

    @property
    def registry(self) -> Registry:
        """The store's actors and topics as of the pin, with the branch's own."""
        return self._layer(self._pin).registry

    def _at(self, at: int | None) -> int:
        """The store position a read is answered at: the pin, or an earlier one."""
        if at is None:
            return self._pin
        if not 0 <= at <= self._pin:
            raise QueryError(
                f"store position {at}: expected a position from 0 to {self._pin} (the branch's)"
            )
        return at

    def _layer(self, pin: int) -> Layer:
        """The branch's entries and names as of store position `pin` (read once)."""
        found = self._layers.get(pin)
        if found is None:
            found = self._layers[pin] = layer_at(self._view, pin, self.layered)
        return found

    def _forget(self) -> None:
        """Empties the branch: it holds nothing more than the store, at the same pin."""
        self._actors, self._topics, self._developments = {}, {}, {}
        self._corrections, self._layers = [], {}
