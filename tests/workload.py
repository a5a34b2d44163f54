"""A synthetic workload for multi-process tests: writers that record into one store."""

from __future__ import annotations

from collections import Counter

from tests.strategies import ACTORS, TOPICS, registry_actors, registry_topics
from timeline import Timeline
from timeline.engine import Development, Source, StanceClaim
from timeline.engine.aggregates import DevelopmentStream

SHARED = 50  # ids every writer records, identically, to exercise idempotent retries
BATCH = 250
STANCES = ("rejects", "opposes", "undecided", "supports", "committed")


def development(ident: str, n: int) -> Development:
    """The n-th synthetic development, spread over the actors, topics and 2016-2019."""
    return Development(
        id=ident,
        occurred=f"{2016 + n % 4}-{1 + n % 12:02d}",
        reported=f"{2017 + n % 4}-{1 + n % 12:02d}-15",
        kind="statement",
        summary=f"Statement number {n}.",
        actors=[ACTORS[n % len(ACTORS)]],
        source=Source("Wire", "named"),
        claims=[StanceClaim(ACTORS[n % len(ACTORS)], TOPICS[n % len(TOPICS)], STANCES[n % 5])],
    )


def write(url: str, number: int, count: int, shared: int = SHARED) -> None:
    """Writer `number` records `count` developments of its own and the shared ones."""
    with Timeline.open(url) as tl:
        tl.record_many([], actors=registry_actors(), topics=registry_topics())
        mine = [development(f"w{number}-{n}", n) for n in range(count)]
        common = [development(f"shared-{n}", n) for n in range(shared)]
        step = max(1, shared * BATCH // max(count, 1))
        for batch, start in enumerate(range(0, count, BATCH)):
            extra = common[batch * step : (batch + 1) * step]
            tl.record_many(mine[start : start + BATCH] + extra)
        tl.record_many(common)


def recorded_ids(tl: Timeline) -> Counter[str]:
    """How many `Recorded` events each development id has in the store."""
    app = tl._app
    return Counter(
        event.development.id
        for event in map(app.mapper.to_domain_event, app.notifications())
        if isinstance(event, DevelopmentStream.Recorded)
    )
