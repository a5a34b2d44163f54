"""The reads a `Timeline` and a what-if `Branch` answer alike, each from its own story.

`SharedReads` holds every such read once, written against a few primitives each
class provides: its registry, its view as of a day, its claims on a pair, the
entries of a pair's claimants, its story and its corrections (the registry, the story
and the corrections declared by `ListingReads`, whose listings of developments it
inherits).  So the facade reads the view or the oracle's replay, and a branch its
layer merged in.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING

from timeline._listing_reads import ListingReads
from timeline._read_scope import day_of, scope_of
from timeline.engine._rule import EVERYTHING, Scope
from timeline.engine.when import WhenLike, as_day
from timeline.projections.errors import QueryError

if TYPE_CHECKING:
    from timeline._selecting import Reliabilities
    from timeline.engine._replay import View
    from timeline.engine._rule import Claimed, Entry, PairKey
    from timeline.engine.values import Development
    from timeline.projections._diff import Diff
    from timeline.projections._explain import Explanation
    from timeline.projections._explain_page import ExplanationPage
    from timeline.projections._history import Change
    from timeline.projections._relations import Relations

# The read models are imported where they are used: importing the facade loads
# none of them, nor the replay, so `from timeline import Timeline` stays quick.

__all__ = ["SharedReads", "day_of", "scope_of"]


class SharedReads(ListingReads):
    """The reads of a story, the same for the store and for a what-if branch over it."""

    # -- the primitives each story provides ---------------------------------------------

    @abstractmethod
    def _as_of(
        self, on: dt.date, known: dt.date | None, possible: bool, at: int | None, scope: Scope
    ) -> View:
        """The story as of `on`, as known on `known`, at store position `at` (None: now)."""

    def _tentative(self, on: dt.date, known: dt.date | None, scope: Scope) -> list[PairKey]:
        """The pairs, sorted, whose position as of `on` counting what possibly occurred is
        tentative (as `as_of(on, known, possible=True)` has them)."""
        held = self._as_of(on, known, True, None, scope).positions()
        return [key for key, position in held.items() if position.tentative]

    @abstractmethod
    def _claims(self, key: PairKey, known: dt.date | None, scope: Scope) -> list[Claimed]:
        """Every claim on the pair known at `known`, in scope, in story order."""

    def _topic_claims(self, topic: str, known: dt.date | None) -> dict[str, list[Claimed]]:
        """Every claim on each pair of `topic` known at `known`, by actor, each pair's as
        `_claims` gives it; actors without a claim are left out."""
        found = {
            actor: self._claims((actor, topic), known, EVERYTHING) for actor in self.registry.actors
        }
        return {actor: claims for actor, claims in found.items() if claims}

    @abstractmethod
    def _claiming(self, key: PairKey) -> list[Entry]:
        """The entries of every development that ever claimed the pair (a superset will do)."""

    def _claiming_by(self, key: PairKey, day: dt.date) -> list[Entry]:
        """`_claiming`, of which only the developments claiming the pair in a version begun
        by `day` are needed (a superset will do)."""
        return self._claiming(key)

    def _story_between(
        self, known_at: WhenLike | None, scope: Scope, first: set[str], second: set[str]
    ) -> list[Development]:
        """`_story`, of which only the developments naming one of `first` and one of `second`
        are needed (a superset will do)."""
        return self._story(known_at, None, scope, mentioning=first)

    # -- the reads ----------------------------------------------------------------------

    def _pair(self, actor: str, topic: str) -> PairKey:
        """The (actor id, topic id) pair two names stand for in the story's registry."""
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
        min_reports: int = 1,
    ) -> View:
        """The story as of `day`, as it was known on `known_at` (default: all known).

        `at` answers as the store stood at an earlier position (see `position`),
        so a published answer can be reproduced after more was written; a branch
        goes back no further than the store, from its own position (its corrections
        of developments recorded only later are left out).  The counterfactuals:
        `without_sources` leaves out what these publishers reported,
        `only_reliability` (or `reliability`) counts only sources of that reliability,
        `min_reports` only developments that many independent reports carry by then.
        """
        # The commonest read of all: no helper called for what it leaves at its default.
        known = None if known_at is None else as_day(known_at)
        if without_sources == () and only_reliability is reliability is None and min_reports == 1:
            return self._as_of(as_day(day), known, possible, at, EVERYTHING)
        scope = scope_of(without_sources, only_reliability, reliability, min_reports)
        return self._as_of(as_day(day), known, possible, at, scope)

    def _tentative_pairs(
        self,
        day: WhenLike,
        known_at: WhenLike | None = None,
        *,
        without_sources: Iterable[str] = (),
        reliability: Reliabilities = None,
        min_reports: int = 1,
    ) -> list[PairKey]:
        """The pairs, sorted, whose position in `as_of(day, known_at, possible=True, ...)`
        is tentative, found without building the positions (the command's hint)."""
        scope = scope_of(without_sources, None, reliability, min_reports)
        return self._tentative(as_day(day), day_of(known_at), scope)

    def history(
        self,
        actor: str,
        topic: str,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
        min_reports: int = 1,
    ) -> list[Change]:
        """The change points of one position over story time, as known at `known_at`."""
        key = self._pair(actor, topic)
        scope = scope_of(without_sources, only_reliability, min_reports=min_reports)
        from timeline.projections._history import history

        return history(self._claims(key, day_of(known_at), scope), *key, possible=possible)

    def topic_claims(
        self, topic: str, *, known_at: WhenLike | None = None
    ) -> dict[str, list[Claimed]]:
        """Every claim on each pair of one topic known at `known_at`, by actor, each pair's in
        story order, read at once; actors without a claim are left out."""
        return self._topic_claims(self.registry.resolve("topic", topic), day_of(known_at))

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
        min_reports: int = 1,
    ) -> Diff:
        """What changed from (d1, known_at) to (d2, vs_known_at), position by position.

        `d2` defaults to `d1` and `vs_known_at` to `known_at`; at least one must be
        given.  To compare against everything recorded, pass `vs_known_at="9999"`.
        """
        from timeline.projections._diff import diff_of

        return diff_of(
            self.as_of,
            d1,
            d2,
            known_at=known_at,
            vs_known_at=vs_known_at,
            possible=possible,
            without_sources=tuple(without_sources),
            only_reliability=only_reliability,
            min_reports=min_reports,
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
        min_reports: int = 1,
    ) -> Explanation:
        """The developments behind a position, the rule that chose it, and what it beat."""
        key, day = self._pair(actor, topic), as_day(as_of)
        from timeline.projections._explain import explain

        return explain(
            self._claiming_by(key, day),
            *key,
            day,
            known_at=day_of(known_at),
            possible=possible,
            scope=scope_of(without_sources, only_reliability, min_reports=min_reports),
        )

    def explain_page(
        self,
        actor: str,
        topic: str,
        as_of: WhenLike,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
        skip: int = 0,
        limit: int = 40,
    ) -> ExplanationPage:
        """A page of `explain(...)`: up to `limit` of its claims before the `skip` latest,
        in story order (the winner and its run end the first page), with their count."""
        from timeline.projections._explain_page import page_of

        found = self.explain(actor, topic, as_of, known_at=known_at, possible=possible)
        return page_of(found, skip, limit)

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
        min_reports: int = 1,
    ) -> Relations:
        """Two actors' cooperation–conflict score per period (see `projections._relations`).

        A development falls in the period by whose end it had certainly occurred (the
        end of its span); with `possible`, in the one where it may first have occurred
        (the start of its span, when it has one), so spans with no end count too.
        """
        from timeline._selecting import from_start
        from timeline.projections._relations import relations

        registry = self.registry
        first, second = (registry.resolve("actor", name) for name in (a, b))
        if first == second:
            raise QueryError(f"relations of {first!r} with itself: expected two actors")
        group = registry.descendants if children else (lambda ident: [ident])
        a_side, b_side = set(group(first)), set(group(second))
        scope = scope_of(without_sources, only_reliability, min_reports=min_reports)
        told = self._story_between(known_at, scope, a_side, b_side)
        return relations(
            [from_start(d) for d in told] if possible else told,
            a_side,
            b_side,
            by=by,
            names=(first, second),
            known_at=day_of(known_at),
        )
