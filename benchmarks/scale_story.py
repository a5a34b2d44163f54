"""The story `scale_pg.py` records: synthetic developments drawn the same for a seed.

More actors as it grows (one per thousand developments), each development aimed at a
partner actor half of the time, and every one carrying one stance claim by one of
`TRACKED` actors on one of `TOPICS` topics.  Made batch by batch, as they are needed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Container, Iterator

from timeline.engine import Actor, Development, Kind, Source, Stance, StanceClaim, Topic, When

__all__ = [
    "BATCH",
    "TOPICS",
    "TRACKED",
    "actor_count",
    "actor_id",
    "developments",
    "registries",
]

BATCH = 5000  # developments per record_many
FIRST = dt.date(2000, 1, 1).toordinal()
LAST = dt.date(2020, 12, 31).toordinal()
TRACKED = 100  # actors whose stance claims the story carries
TOPICS = 10
KINDS = list(Kind)
STANCES = list(Stance)
SOURCES = [Source("Reuters", "named"), Source("Sputnik", "official")]


def actor_count(n: int) -> int:
    """How many actors act in a story of `n` developments: one per thousand (at least two)."""
    return max(2, n // 1000)


def actor_id(index: int) -> str:
    """The id of actor number `index` (tracked ones first)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "".join(letters[(index // 26**k) % 26] for k in (4, 3, 2, 1, 0))


def registries(n: int) -> tuple[list[Actor], list[Topic]]:
    """The story's actors and topics."""
    everyone = TRACKED + actor_count(n)  # the tracked ones first, then those acting
    actors = [Actor(actor_id(i), f"Actor {i}") for i in range(everyone)]
    return actors, [Topic(f"topic-{t}", f"Topic {t}") for t in range(TOPICS)]


def developments(
    n: int, seed: int = 1, *, only: Container[int] | None = None
) -> Iterator[tuple[int, list[Development]]]:
    """The story's developments in batches of BATCH, numbered, made as they are needed.

    With `only`, just the batches of those numbers: the others are drawn (the story is
    the same for a seed) but neither made nor yielded.
    """
    rng = random.Random(seed)
    actors = actor_count(n)
    stances = {(a, t): rng.choice(STANCES) for a in range(TRACKED) for t in range(TOPICS)}
    batch: list[Development] = []
    for index in range(n):
        drawn = _draw(rng, actors, stances)
        number = index // BATCH
        if only is not None and number not in only:
            continue
        batch.append(_development(index, *drawn))
        if len(batch) == BATCH or index == n - 1:
            yield number, batch
            batch = []


Drawn = tuple[int, int, tuple[int, int], Stance, dt.date, bool, int, Kind, Source]


def _draw(rng: random.Random, actors: int, stances: dict[tuple[int, int], Stance]) -> Drawn:
    """The random choices that make one development, in the order they were always drawn."""
    # Acting actors are numbered after the tracked ones; 2k and 2k+1 are partners.
    first = rng.randrange(actors)
    second = first ^ 1 if rng.random() < 0.5 else rng.randrange(actors)
    if second == first or second >= actors:
        second = (first + 1) % actors
    key = (rng.randrange(TRACKED), rng.randrange(TOPICS))
    if rng.random() < 0.3:
        stances[key] = rng.choice(STANCES)
    day = dt.date.fromordinal(rng.randint(FIRST, LAST))
    by_day = rng.random() < 0.8
    late = rng.randint(0, 30)
    kind, source = rng.choice(KINDS), rng.choice(SOURCES)
    return first + TRACKED, second + TRACKED, key, stances[key], day, by_day, late, kind, source


def _development(
    index: int,
    first: int,
    second: int,
    key: tuple[int, int],
    stance: Stance,
    day: dt.date,
    by_day: bool,
    late: int,
    kind: Kind,
    source: Source,
) -> Development:
    occurred = When.day(day) if by_day else When(f"{day.year:04d}-{day.month:02d}")
    return Development(
        id=f"e{index}",
        occurred=occurred,
        reported=When.day(occurred.latest + dt.timedelta(days=late)),
        kind=kind,
        summary="A synthetic event.",
        actors=(actor_id(first),),
        targets=(actor_id(second),),
        source=source,
        claims=(StanceClaim(actor_id(key[0]), f"topic-{key[1]}", stance),),
    )
