"""A branch's reads: every read of the facade, answered as a store that recorded the branch.

The view answers for what the branch does not touch (`Layer.outer`); the layer's
own entries are merged in story order (see `timeline.branch`).  The reads the
facade answers alike are `SharedReads`'; this module gives the primitives they
stand on, and the entries a branch holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from timeline._read_scope import day_of
from timeline._selecting import corrected
from timeline._shared_reads import SharedReads
from timeline.branch._positions import layered_view
from timeline.branch._state import BranchState
from timeline.engine import _rule as rule
from timeline.engine._replay import View
from timeline.engine._rule import Claimed, Entry, PairKey, Scope
from timeline.engine.errors import UnknownDevelopmentError
from timeline.engine.values import Development
from timeline.engine.when import When, WhenLike
from timeline.projections._overlay import claims_of, entries_at, merged, story_of

__all__ = ["BranchReads"]


class BranchReads(BranchState, SharedReads):
    """The reads of a `Timeline`, with the same signatures, over the store and the branch."""

    def _as_of(
        self, on: dt.date, known: dt.date | None, possible: bool, at: int | None, scope: Scope
    ) -> View:
        """The view's answer as of `on`, at store position `at`, with the layer merged in."""
        pin = self._at(at)
        return layered_view(self._view, self._layer(pin), on, known, possible, pin, scope)

    def _claims(self, key: PairKey, known: dt.date | None, scope: Scope) -> list[Claimed]:
        """Every claim on the pair known at `known`, in story order, the branch's included."""
        layer = self._layer(self._pin)
        real = self._view.claims(key, known, self._pin, layer.outer(scope))
        own = claims_of(story_of(layer.entries.values(), known, scope)).get(key, [])
        return merged(real, own)

    def _claiming(self, key: PairKey) -> list[Entry]:
        """The entries of the store's developments that ever claimed the pair, and the layer's."""
        layer, view, pin = self._layer(self._pin), self._view, self._pin
        ids = [i for i in view.claimed_by(key, pin) if i not in layer.entries]
        return [*entries_at(view, pin, ids).values(), *layer.entries.values()]

    def _story(
        self,
        known_at: WhenLike | None,
        at: int | None = None,
        scope: Scope = rule.EVERYTHING,
        *,
        mentioning: Collection[str] | None = None,
        period: When | None = None,
    ) -> list[Development]:
        """The developments known at `known_at`, as of store position `at`, in story order.

        Those of the store may be narrowed by `mentioning` and `period`; the layer's are all
        given (a superset will do).
        """
        known, pin = day_of(known_at), self._at(at)
        layer = self._layer(pin)
        real = self._view.developments(
            known, pin, scope=layer.outer(scope), mentioning=mentioning, period=period
        )
        return merged(real, story_of(layer.entries.values(), known, scope))

    def entries(self) -> list[Entry]:
        """Everything recorded, with the branch's, one entry per development id, sorted by id."""
        layer = self._layer(self._pin)
        real = [e for e in self._view.entries(self._pin) if e.id not in layer.entries]
        return sorted([*real, *layer.entries.values()], key=lambda entry: entry.id)

    def corrections(
        self, known_at: WhenLike | None = None, *, at: int | None = None, retracted: bool = False
    ) -> list[Entry]:
        """The entries with a revision or retraction (`retracted`: a retraction) known at
        `known_at`, the branch's too."""
        pin = self._at(at)
        layer = self._layer(pin)
        found = self._view.corrected(pin, retracted=retracted)
        real = [e for e in found if e.id not in layer.entries]
        return corrected([*real, *layer.entries.values()], day_of(known_at), retracted=retracted)

    def entry(self, dev_id: str) -> Entry:
        """What the branch holds about one development: the original and its corrections."""
        layer = self._layer(self._pin)
        found = layer.entries.get(dev_id)
        if found is None:
            found = entries_at(self._view, self._pin, [dev_id]).get(dev_id)
        if found is None:
            raise UnknownDevelopmentError(dev_id)
        return found
