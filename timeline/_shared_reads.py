"""The reads a `Timeline` and a what-if `Branch` answer alike, each from its own story.

Each takes the registry and the story (and corrections) of the one asking, so the
facade reads the view or the oracle's replay, and a branch its layer merged in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol

from timeline._selecting import Reliabilities, from_start, reliabilities, withdrawn
from timeline.engine.registry import Registry
from timeline.engine.rule import EVERYTHING, Entry, Scope
from timeline.engine.values import Development
from timeline.engine.when import When, WhenLike, as_day
from timeline.projections.errors import QueryError
from timeline.projections.listing import select
from timeline.projections.relations import Relations, relations

__all__ = ["Corrections", "Story", "day_of", "developments_listed", "relations_between", "scope_of"]

# The developments known at a day, as the store stood at a position, in a scope, in story order.
Story = Callable[[WhenLike | None, int | None, Scope], list[Development]]


class Corrections(Protocol):
    """The entries with a correction known at `known_at`, as the store stood at `at`."""

    def __call__(self, known_at: WhenLike | None = None, *, at: int | None = None) -> list[Entry]:
        """The entries, sorted by id."""


def scope_of(
    without_sources: Iterable[str],
    only_reliability: Reliabilities,
    reliability: Reliabilities = None,
) -> Scope:
    """The scope of a read: everything but the sources left out, of the reliabilities kept."""
    nothing_left_out = isinstance(without_sources, tuple) and not without_sources
    if nothing_left_out and only_reliability is None and reliability is None:
        return EVERYTHING  # the usual read, with no Scope to build
    if isinstance(without_sources, str):
        without_sources = [without_sources]
    trusted = reliabilities(only_reliability if only_reliability is not None else reliability)
    return Scope(without_sources=without_sources, only_reliability=trusted)


def day_of(value: WhenLike | None) -> dt.date | None:
    """The day a read is known at, or None for everything recorded."""
    return None if value is None else as_day(value)


def relations_between(
    registry: Registry,
    story: Story,
    a: str,
    b: str,
    *,
    by: str,
    known_at: WhenLike | None,
    children: bool,
    possible: bool,
    without_sources: Iterable[str],
    only_reliability: Reliabilities,
) -> Relations:
    """Two actors' cooperation–conflict score per period, as `Timeline.relations` reads it."""
    first, second = (registry.resolve("actor", name) for name in (a, b))
    if first == second:
        raise QueryError(f"relations of {first!r} with itself: expected two actors")
    group = registry.descendants if children else (lambda ident: [ident])
    told = story(known_at, None, scope_of(without_sources, only_reliability))
    return relations(
        [from_start(d) for d in told] if possible else told,
        set(group(first)),
        set(group(second)),
        by=by,
        names=(first, second),
        known_at=day_of(known_at),
    )


def developments_listed(
    registry: Registry,
    story: Story,
    corrections: Corrections,
    known_at: WhenLike | None,
    *,
    actor: str | None,
    children: bool,
    topic: str | None,
    period: WhenLike | None,
    reliability: Reliabilities,
    at: int | None,
    retracted: bool,
    without_sources: Iterable[str],
) -> list[Development]:
    """Developments known at `known_at` in story order, filtered, as `Timeline.developments`."""
    actors = None
    if actor is not None:
        ident = registry.resolve("actor", actor)
        actors = registry.descendants(ident) if children else [ident]
    told = story(known_at, at, scope_of(without_sources, None))
    if retracted:
        gone = withdrawn(corrections(known_at, at=at), day_of(known_at))
        told = sorted([*told, *gone], key=lambda d: d.story_key)
    return select(
        told,
        actors=actors,
        topic=None if topic is None else registry.resolve("topic", topic),
        period=None if period is None else When.coerce(period),
        reliability=reliabilities(reliability),
    )
