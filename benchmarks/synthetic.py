"""A synthetic story for benchmarks: N developments over about 1,000 actor–topic pairs.

Deterministic for a seed.  Each development makes one stance claim (stances drift
slowly, so positions have runs); dates fall between 2000 and 2020 at day, month
or interval precision; reports follow within a month.  A share of developments is
later revised (new stance or date, reported at a random later day, so revisions
arrive out of report order) or retracted.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import attrs

from timeline.engine import Actor, Development, Kind, Source, Stance, StanceClaim, Topic, When

__all__ = ["Correction", "Story", "keys", "story"]

FIRST = dt.date(2000, 1, 1).toordinal()
LAST = dt.date(2020, 12, 31).toordinal()
TOPIC_COUNT = 10
KINDS = list(Kind)
STANCES = list(Stance)
SOURCES = [
    Source("Reuters", "named"),
    Source("Sputnik", "official"),
    Source("Bloomberg", "anonymous", attribution="two unnamed sources"),
]


@attrs.frozen
class Correction:
    """A revision (stance or occurred changes) or a retraction of one development."""

    dev_id: str
    kind: str  # "revise" or "retract"
    reported: When
    changes: dict[str, Any] = attrs.field(factory=dict, hash=False)


@attrs.frozen
class Story:
    """Registries, developments and corrections of one synthetic story."""

    actors: list[Actor]
    topics: list[Topic]
    developments: list[Development]
    corrections: list[Correction]

    def pairs(self) -> list[tuple[str, str]]:
        """Every (actor, topic) the story may claim on."""
        return [(a.id, t.id) for a in self.actors for t in self.topics]

    def batches(self, size: int) -> Iterator[list[Development]]:
        """The developments in batches of `size`."""
        for start in range(0, len(self.developments), size):
            yield self.developments[start : start + size]


def _actor_id(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "".join(letters[(n // 26**k) % 26] for k in (2, 1, 0))


def _occurred(rng: random.Random) -> When:
    day = dt.date.fromordinal(rng.randint(FIRST, LAST))
    shape = rng.random()
    if shape < 0.7:
        return When.day(day)
    if shape < 0.9:
        return When(f"{day.year:04d}-{day.month:02d}")
    return When.span(day, day + dt.timedelta(days=rng.randint(1, 90)))


def _development(rng: random.Random, n: int, pair: tuple[str, str], stance: Stance) -> Development:
    occurred = _occurred(rng)
    reported = occurred.latest + dt.timedelta(days=rng.randint(0, 30))
    return Development(
        id=f"d{n}",
        occurred=occurred,
        reported=When.day(reported),
        kind=rng.choice(KINDS),
        summary="A synthetic development.",
        actors=(pair[0],),
        source=rng.choice(SOURCES),
        claims=(StanceClaim(pair[0], pair[1], stance),),
    )


def _correction(rng: random.Random, development: Development) -> Correction:
    later = development.reported.latest + dt.timedelta(days=rng.randint(1, 400))
    if rng.random() < 0.2:
        return Correction(development.id, "retract", When.day(later))
    if rng.random() < 0.5:
        claim = development.claims[0]
        changes: dict[str, Any] = {"claims": (attrs.evolve(claim, stance=rng.choice(STANCES)),)}
    else:
        changes = {"occurred": _occurred(rng)}
    return Correction(development.id, "revise", When.day(later), changes)


def keys(pairs: int = 1000) -> list[tuple[str, str]]:
    """The (actor, topic) pairs a story of `pairs` pairs claims on, without making it."""
    actor_count, topic_count = max(1, pairs // TOPIC_COUNT), TOPIC_COUNT
    return [(_actor_id(a), f"topic-{t}") for a in range(actor_count) for t in range(topic_count)]


def story(n: int, *, pairs: int = 1000, corrected: float = 0.02, seed: int = 1) -> Story:
    """A story of `n` developments over `pairs` pairs, a share of them `corrected`."""
    rng = random.Random(seed)
    topic_count = TOPIC_COUNT
    actor_count = max(1, pairs // topic_count)
    actors = [Actor(_actor_id(i), f"Actor {i}") for i in range(actor_count)]
    topics = [Topic(f"topic-{i}", f"Topic {i}") for i in range(topic_count)]
    keys = [(a.id, t.id) for a in actors for t in topics]
    stances = {key: rng.choice(STANCES) for key in keys}
    developments = []
    for index in range(n):
        key = rng.choice(keys)
        if rng.random() < 0.3:
            stances[key] = rng.choice(STANCES)
        developments.append(_development(rng, index, key, stances[key]))
    chosen = rng.sample(developments, int(n * corrected))
    corrections = [_correction(rng, d) for d in chosen]
    return Story(actors, topics, developments, corrections)
