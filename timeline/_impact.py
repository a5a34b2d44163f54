"""`impact` and `sources` over a `Timeline`: names resolved, the read pinned, its reader asked.

    from timeline import Timeline, seeds
    from timeline._impact import impact, sources

    tl = Timeline()
    tl.load(seeds.path())
    impact(tl, "cavusoglu-keeps-s400-deal", as_of="2018-12-31").positions
    sources(tl, "Ankara", "s400-purchase", as_of="2018-12-31").publishers

Both ask the store's reader (`tl.reads`: the materialised view, or the replay),
pinned at the store position the call starts at (`tl.position`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from timeline.engine.when import WhenLike, as_day
from timeline.projections._impact import Impact, Sources
from timeline.projections._impact import impact as _impact
from timeline.projections._impact import sources as _sources

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["impact", "sources"]


def _day(value: WhenLike | None) -> dt.date:
    return dt.date.today() if value is None else as_day(value)


def _known(value: WhenLike | None) -> dt.date | None:
    return None if value is None else as_day(value)


def impact(
    tl: Timeline,
    dev_id: str | None = None,
    *,
    source: str | None = None,
    as_of: WhenLike | None = None,
    known_at: WhenLike | None = None,
    possible: bool = False,
    by: str = "month",
    children: bool = True,
) -> Impact:
    """What would differ if development `dev_id` (or every report of `source`) were retracted.

    Positions as of `as_of` (default: today), history change points and relations
    periods (by `by`; with `children`, an actor stands with the actors below it, as
    in `Timeline.relations`), as known at `known_at` (default: everything recorded).
    Give exactly one of `dev_id` and `source` (a publisher, in any case).
    """
    pin = tl.position
    registry = tl.reads.registry(pin)
    return _impact(
        tl.reads,
        pin,
        dev_id=dev_id,
        source=source,
        day=_day(as_of),
        known_at=_known(known_at),
        possible=possible,
        by=by,
        descendants=registry.descendants if children else None,
    )


def sources(
    tl: Timeline,
    actor: str,
    topic: str,
    *,
    as_of: WhenLike | None = None,
    known_at: WhenLike | None = None,
    possible: bool = False,
) -> Sources:
    """Which sources carry `actor`'s position on `topic` as of `as_of` (default: today).

    Each source (publisher, reliability, attribution) with the claims it contributes,
    and the position without it and without its publisher, as known at `known_at`.
    """
    pin = tl.position
    registry = tl.reads.registry(pin)
    key = registry.resolve("actor", actor), registry.resolve("topic", topic)
    return _sources(tl.reads, pin, key, _day(as_of), known_at=_known(known_at), possible=possible)
