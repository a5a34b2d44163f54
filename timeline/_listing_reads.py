"""The listings of a story's developments, whole or a page at a time, filtered as asked.

`ListingReads` holds them once for a `Timeline` and a what-if `Branch` (through
`SharedReads`), written against the primitives they need: the story's registry,
its developments in story order and its corrections.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from timeline._read_scope import day_of, scope_of
from timeline.engine._rule import EVERYTHING, Scope, in_story_order
from timeline.engine.when import When, WhenLike
from timeline.projections import _listing as listing
from timeline.projections._listing import StoryKey, select
from timeline.projections.errors import QueryError

if TYPE_CHECKING:
    from timeline._selecting import Reliabilities
    from timeline.engine._registry import Registry
    from timeline.engine._rule import Entry
    from timeline.engine.values import Development

__all__ = ["ListingReads"]

# The most developments a page reads from the store at once while it filters them.
_LARGEST_READ = 20_000


class ListingReads(ABC):
    """The listings of a story's developments, the same for the store and for a branch."""

    # -- the primitives each story provides ---------------------------------------------

    @property
    @abstractmethod
    def registry(self) -> Registry:
        """The registered actors and topics the story's reads resolve names with."""

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

    # -- the listings -------------------------------------------------------------------

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
