"""Winning runs longer than the rows a read fetches at first are read to their end."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tests.strategies import ACTORS, TOPICS, agreement, registry_actors, registry_topics
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import Stance, StanceClaim
from timeline.projections._postgres import LOOKUP_LIMIT

# Run lengths either side of the rows a single lookup fetches at first, and of longer
# runs (8 and 64 claims: the limits `positions()` once read by, before it read each
# pair's winning run in one statement).
LENGTHS = sorted({1, 2} | {n + d for n in (LOOKUP_LIMIT, 8, 64) for d in (-1, 0, 1)})
PAIRS = list(itertools.product(ACTORS, TOPICS))
START = dt.date(2001, 1, 1)
DAYS = [START + dt.timedelta(days=n) for n in (0, 3, 9, 70, 400)]


@pytest.mark.slow
def test_every_claim_of_a_long_run_is_evidence(timeline: Timeline) -> None:
    assert len(LENGTHS) <= len(PAIRS)
    runs = dict(zip(PAIRS, LENGTHS, strict=False))
    slug = {pair: f"pair{n}" for n, pair in enumerate(PAIRS)}
    developments = []
    for (actor, topic), length in runs.items():
        # An opposing claim first, so that the run ends; then `length` supporting ones.
        for n, stance in enumerate(["opposes"] + ["supports"] * length):
            day = START + dt.timedelta(days=n)
            developments.append(
                agreement(
                    id=f"{slug[actor, topic]}-{n}",
                    occurred=day.isoformat(),
                    reported=(day + dt.timedelta(days=1)).isoformat(),
                    claims=[StanceClaim(actor, topic, stance)],
                )
            )
    timeline.record_many(developments, actors=registry_actors(), topics=registry_topics())

    for day in DAYS:
        view = timeline.as_of(day.isoformat())
        every = view.positions()
        for (actor, topic), length in runs.items():
            held = view.position(actor, topic)
            assert held is not None
            assert every[held.actor, held.topic] == held
            counted = min(length, (day - START).days)  # supporting claims occurred by then
            run = range(1, counted + 1) if counted else range(1)
            assert held.stance is (Stance.SUPPORTS if counted else Stance.OPPOSES)
            assert sorted(held.evidence) == sorted(f"{slug[actor, topic]}-{n}" for n in run)

    oracle = timeline.reading(Replayed)
    replayed = {day: oracle.as_of(day.isoformat()).positions() for day in DAYS}
    for day, positions in replayed.items():
        assert timeline.as_of(day.isoformat()).positions() == positions
