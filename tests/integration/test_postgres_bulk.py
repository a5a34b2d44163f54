"""PostgreSQL takes a write of any size in one call, all or nothing."""

from __future__ import annotations

import pytest

from tests.strategies import agreement, registry_actors, registry_topics
from timeline import Timeline
from timeline.engine import DuplicateError

COUNT = 100_000


@pytest.mark.slow
def test_a_hundred_thousand_developments_in_one_call(postgres_url: str) -> None:
    story = [agreement(id=f"bulk-{n}", occurred=f"{2000 + n % 20}") for n in range(COUNT)]
    with Timeline.open(postgres_url) as tl:
        added = tl.record_many(story, actors=registry_actors(), topics=registry_topics())
        assert len(added) == COUNT
        head = tl.head
        assert head == COUNT + len(registry_actors()) + len(registry_topics())
        # The same again writes nothing; one changed development refuses the whole batch.
        assert tl.record_many(story) == []
        changed = [*story[:-1], agreement(id=story[-1].id, summary="Something else.")]
        with pytest.raises(DuplicateError):
            tl.record_many([*changed, agreement(id="bulk-new")])
        assert tl.head == head
        position = tl.as_of("2020").position("TUR", "s400-purchase")
        assert position is not None
        assert position.evidence[-1] == "bulk-99999"  # story order: latest year, then id
