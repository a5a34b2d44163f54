"""The story listing: developments in story order, filtered by actor, topic, period, source."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from timeline.engine.values import Development, Reliability
from timeline.engine.when import When

__all__ = ["StoryKey", "after", "mentions", "select", "story_key"]

# Where a development stands in story order: its occurred span's first and last days
# (as ordinals) and its id, as the view's rows order it.
StoryKey = tuple[int, int, str]


def story_key(development: Development) -> StoryKey:
    """The development's `StoryKey`."""
    occurred = development.occurred
    return occurred.earliest.toordinal(), occurred.latest.toordinal(), development.id


def after(story: Iterable[Development], key: StoryKey | None) -> list[Development]:
    """The developments of `story` after `key` in story order (None: all)."""
    return [d for d in story if key is None or story_key(d) > key]


def mentions(development: Development) -> set[str]:
    """Every actor the development names: its actors, targets and claimants."""
    return {
        *development.actors,
        *development.targets,
        *(claim.actor for claim in development.claims),
    }


def select(
    story: Iterable[Development],
    *,
    actors: Collection[str] | None = None,
    topic: str | None = None,
    period: When | None = None,
    reliability: Collection[Reliability] | None = None,
) -> list[Development]:
    """The developments of `story` that pass every filter given, in their order.

    `actors` keeps those naming any of the actors; `topic` those with a claim on
    it; `period` those whose occurred span overlaps it; `reliability` those whose
    source has one of the reliabilities.
    """
    chosen = []
    for development in story:
        if actors is not None and not mentions(development) & set(actors):
            continue
        if topic is not None and all(claim.topic != topic for claim in development.claims):
            continue
        if period is not None and (
            development.occurred.latest < period.earliest
            or development.occurred.earliest > period.latest
        ):
            continue
        if reliability is not None and development.source.reliability not in reliability:
            continue
        chosen.append(development)
    return chosen
