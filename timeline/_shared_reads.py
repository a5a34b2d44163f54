"""The reads a `Timeline` and a what-if `Branch` answer alike, each from its own story.

`SharedReads` holds every such read once, written against a few primitives each
class provides: its registry, its view as of a day, its claims on a pair, the
entries of a pair's claimants, its story and its corrections.  So the facade
reads the view or the oracle's replay, and a branch its layer merged in.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from timeline.engine._rule import EVERYTHING, Scope, in_story_order
from timeline.engine.when import When, WhenLike, as_day
from timeline.projections import _listing as listing
from timeline.projections._listing import StoryKey, select
from timeline.projections.errors import QueryError

if TYPE_CHECKING:
    from timeline._selecting import Reliabilities
    from timeline.engine._registry import Registry
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

# The most developments a page reads from the store at once while it filters them.
_LARGEST_READ = 20_000


def scope_of(
    without_sources: Iterable[str],
    only_reliability: Reliabilities,
    reliability: Reliabilities = None,
    min_reports: int = 1,
) -> Scope:
    """The scope of a read: everything but the sources left out, of the reliabilities kept,
    carried by at least `min_reports` independent reports."""
    nothing_left_out = isinstance(without_sources, tuple) and not without_sources
    if nothing_left_out and only_reliability is None and reliability is None and min_reports == 1:
        return EVERYTHING  # the usual read, with no Scope to build
    if isinstance(without_sources, str):
        without_sources = [without_sources]
    from timeline._selecting import reliabilities

    trusted = reliabilities(only_reliability if only_reliability is not None else reliability)
    return Scope(without_sources=without_sources, only_reliability=trusted, min_reports=min_reports)


def day_of(value: WhenLike | None) -> dt.date | None:
    """The day a read is known at, or None for everything recorded."""
    return None if value is None else as_day(value)


class SharedReads(ABC):
    """The reads of a story, the same for the store and for a what-if branch over it."""

    # -- the primitives each story provides ---------------------------------------------

    @property
    @abstractmethod
    def registry(self) -> Registry:
        """The registered actors and topics the story's reads resolve names with."""

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

    @abstractmethod
    def _story(
        self,
        known_at: WhenLike | None,
        at: int | None = None,
        scope: Scope = EVERYTHING,
        *,
        mentioning: Collection[str] | None = None,
        period: When | None = None,
    ) -> list[Development]:
        """The developments known at `known_at`, as of store position `at`, in story order.

        With `mentioning` (and `period`), those naming one of the actors (overlapping
        the period) are all that is needed: a superset will do.
        """

    @abstractmethod
    def corrections(
        self, known_at: WhenLike | None = None, *, at: int | None = None, retracted: bool = False
    ) -> list[Entry]:
        """The entries with a correction known at `known_at`, as the store stood at `at`
        (`retracted`: only those with a retraction known then)."""

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

    def _story_page(
        self,
        known_at: WhenLike | None,
        after: StoryKey | None,
        limit: int,
        *,
        mentioning: Collection[str] | None,
        period: When | None,
    ) -> list[Development]:
        """The first `limit` of `_story(known_at, mentioning=..., period=...)` after `after`."""
        story = self._story(known_at, mentioning=mentioning, period=period)
        return listing.after(story, after)[:limit]

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
        min_reports: int = 1,
    ) -> list[Development]:
        """Developments known at `known_at` in story order, filtered by what is given.

        `actor` keeps those naming it (or, with `children`, any actor below it) as
        actor, target or claimant; `topic` those claiming on it; `period` those whose
        occurred span overlaps it; `reliability` those whose source has it (or one of them);
        `at` lists them as the store stood at an earlier position; `retracted` adds
        those retracted by `known_at`, each as last known before its retraction.
        """
        from timeline._selecting import reliabilities, withdrawn

        registry = self.registry
        actors = None
        if actor is not None:
            ident = registry.resolve("actor", actor)
            actors = registry.descendants(ident) if children else [ident]
        told = self._story(
            known_at,
            at,
            scope_of(without_sources, None, min_reports=min_reports),
            mentioning=actors,
            period=None if period is None else When.coerce(period),
        )
        if retracted:
            gone = withdrawn(self.corrections(known_at, at=at), day_of(known_at))
            told = in_story_order([*told, *gone])
        return select(
            told,
            actors=actors,
            topic=None if topic is None else registry.resolve("topic", topic),
            period=None if period is None else When.coerce(period),
            reliability=reliabilities(reliability),
        )

    def developments_page(
        self,
        known_at: WhenLike | None = None,
        *,
        after: StoryKey | None = None,
        limit: int = 1000,
        actor: str | None = None,
        children: bool = False,
        topic: str | None = None,
        period: WhenLike | None = None,
        reliability: Reliabilities = None,
    ) -> tuple[list[Development], StoryKey | None]:
        """The first `limit` of `developments(known_at, ...)` after story key `after`, and the
        key to ask the next page after (None: there is no more).

        The page is read in story order from the store, `limit` (then more) at a time,
        and filtered as it is read, so its cost follows the page, not the story.
        """
        from timeline._selecting import reliabilities

        if limit < 1:
            raise QueryError(f"a page of {limit} developments: expected at least 1")
        registry = self.registry
        actors = None
        if actor is not None:
            ident = registry.resolve("actor", actor)
            actors = registry.descendants(ident) if children else [ident]
        span = None if period is None else When.coerce(period)
        what = None if topic is None else registry.resolve("topic", topic)
        kept: list[Development] = []
        asked, cursor = limit, after
        while True:
            told = self._story_page(known_at, cursor, asked, mentioning=actors, period=span)
            chosen = select(
                told, actors=actors, topic=what, period=span, reliability=reliabilities(reliability)
            )
            kept += chosen[: limit - len(kept)]
            if len(kept) == limit:
                return kept, listing.story_key(kept[-1])
            if len(told) < asked:
                return kept, None
            cursor, asked = listing.story_key(told[-1]), min(4 * asked, _LARGEST_READ)
