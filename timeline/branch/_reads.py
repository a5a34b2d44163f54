"""A branch's reads: every read of the facade, answered as a store that recorded the branch.

The view answers for what the branch does not touch (`Layer.outer`); the layer's
own entries are merged in story order (see `timeline.branch`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from timeline._selecting import Reliabilities, corrected, corrected_streams
from timeline._shared_reads import day_of, developments_listed, relations_between, scope_of
from timeline.branch._positions import layered_view
from timeline.branch._state import BranchState
from timeline.engine import rule
from timeline.engine.errors import UnknownDevelopmentError
from timeline.engine.replay import View
from timeline.engine.rule import Claimed, Entry, PairKey, Scope
from timeline.engine.values import Development
from timeline.engine.when import WhenLike, as_day
from timeline.projections.diff import Diff, diff_of
from timeline.projections.explain import Explanation, explain
from timeline.projections.history import Change, history
from timeline.projections.overlay import claims_of, entries_at, merged, story_of
from timeline.projections.relations import Relations

__all__ = ["BranchReads"]


class BranchReads(BranchState):
    """The reads of a `Timeline`, with the same signatures, over the store and the branch."""

    def _pair(self, actor: str, topic: str) -> PairKey:
        """The (actor id, topic id) pair two names stand for in the branch's registry."""
        registry = self.registry
        return registry.resolve("actor", actor), registry.resolve("topic", topic)

    def as_of(
        self,
        day: WhenLike,
        known_at: WhenLike | None = None,
        *,
        possible: bool = False,
        at: int | None = None,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
        reliability: Reliabilities = None,
    ) -> View:
        """The story as of `day`, as known on `known_at`, with the branch layered over it.

        `at` answers over the store as it stood at an earlier position than the
        branch's (corrections of developments recorded only later are left out).
        """
        on, known = as_day(day), day_of(known_at)
        scope = scope_of(without_sources, only_reliability, reliability)
        pin = self._at(at)
        return layered_view(self._view, self._layer(pin), on, known, possible, pin, scope)

    def _claims(self, key: PairKey, known: dt.date | None, scope: Scope) -> list[Claimed]:
        """Every claim on the pair known at `known`, in story order, the branch's included."""
        layer = self._layer(self._pin)
        real = self._view.claims(key, known, self._pin, layer.outer(scope))
        own = claims_of(story_of(layer.entries.values(), known, scope)).get(key, [])
        return merged(real, own)

    def history(
        self,
        actor: str,
        topic: str,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
    ) -> list[Change]:
        """The change points of one position over story time, as known at `known_at`."""
        key = self._pair(actor, topic)
        scope = scope_of(without_sources, only_reliability)
        return history(self._claims(key, day_of(known_at), scope), *key, possible=possible)

    def diff(
        self,
        d1: WhenLike,
        d2: WhenLike | None = None,
        *,
        known_at: WhenLike | None = None,
        vs_known_at: WhenLike | None = None,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
    ) -> Diff:
        """What changed from (d1, known_at) to (d2, vs_known_at), as `Timeline.diff`."""
        return diff_of(
            self.as_of,
            d1,
            d2,
            known_at=known_at,
            vs_known_at=vs_known_at,
            possible=possible,
            without_sources=tuple(without_sources),
            only_reliability=only_reliability,
        )

    def explain(
        self,
        actor: str,
        topic: str,
        as_of: WhenLike,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
    ) -> Explanation:
        """The developments behind a position, the rule that chose it, and what it beat."""
        key = self._pair(actor, topic)
        layer, view, pin = self._layer(self._pin), self._view, self._pin
        ids = [i for i in view.claimed_by(key, pin) if i not in layer.entries]
        entries = [*entries_at(view, pin, ids).values(), *layer.entries.values()]
        return explain(
            entries,
            *key,
            as_day(as_of),
            known_at=day_of(known_at),
            possible=possible,
            scope=scope_of(without_sources, only_reliability),
        )

    def _story(
        self, known_at: WhenLike | None, at: int | None = None, scope: Scope = rule.EVERYTHING
    ) -> list[Development]:
        """The developments known at `known_at`, as of store position `at`, in story order."""
        known, pin = day_of(known_at), self._at(at)
        layer = self._layer(pin)
        real = self._view.developments(known, pin, scope=layer.outer(scope))
        return merged(real, story_of(layer.entries.values(), known, scope))

    def relations(
        self,
        a: str,
        b: str,
        *,
        by: str = "month",
        known_at: WhenLike | None = None,
        children: bool = True,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
    ) -> Relations:
        """Two actors' cooperation–conflict score per period, as `Timeline.relations`."""
        return relations_between(
            self.registry,
            self._story,
            a,
            b,
            by=by,
            known_at=known_at,
            children=children,
            possible=possible,
            without_sources=without_sources,
            only_reliability=only_reliability,
        )

    def developments(
        self,
        known_at: WhenLike | None = None,
        *,
        actor: str | None = None,
        children: bool = False,
        topic: str | None = None,
        period: WhenLike | None = None,
        reliability: Reliabilities = None,
        at: int | None = None,
        retracted: bool = False,
        without_sources: Iterable[str] = (),
    ) -> list[Development]:
        """Developments known at `known_at` in story order, filtered, as `Timeline.developments`."""
        return developments_listed(
            self.registry,
            self._story,
            self.corrections,
            known_at,
            actor=actor,
            children=children,
            topic=topic,
            period=period,
            reliability=reliability,
            at=at,
            retracted=retracted,
            without_sources=without_sources,
        )

    def entries(self) -> list[Entry]:
        """Everything recorded, with the branch's, one entry per development id, sorted by id."""
        layer = self._layer(self._pin)
        real = [e for e in self._view.entries(self._pin) if e.id not in layer.entries]
        return sorted([*real, *layer.entries.values()], key=lambda entry: entry.id)

    def corrections(
        self, known_at: WhenLike | None = None, *, at: int | None = None
    ) -> list[Entry]:
        """The entries with a revision or retraction known at `known_at`, the branch's too."""
        pin = self._at(at)
        layer = self._layer(pin)
        real = [e for e in corrected_streams(self._view, pin) if e.id not in layer.entries]
        return corrected([*real, *layer.entries.values()], day_of(known_at))

    def entry(self, dev_id: str) -> Entry:
        """What the branch holds about one development: the original and its corrections."""
        layer = self._layer(self._pin)
        found = layer.entries.get(dev_id)
        if found is None:
            found = entries_at(self._view, self._pin, [dev_id]).get(dev_id)
        if found is None:
            raise UnknownDevelopmentError(dev_id)
        return found
