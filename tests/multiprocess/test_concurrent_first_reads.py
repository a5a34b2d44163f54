"""Several processes reading a store for the first time at once, after a bulk write."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from tests.strategies import registry_actors, registry_topics
from tests.workload import development
from timeline import Timeline

READERS = 4
DEVELOPMENTS = 3000
DAY = "2019-12-31"


def _read(url: str, start: Any, answers: Any) -> None:
    """Waits for the others, then reads every position (the view catches up first)."""
    with Timeline.open(url) as tl:
        start.wait(timeout=60)
        positions = tl.as_of(DAY).positions()
        answers.put(sorted((key, p.stance.value) for key, p in positions.items()))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'story.db'}"
    found: str = request.getfixturevalue("postgres_url")
    return found


@pytest.mark.slow
def test_concurrent_first_reads_after_a_bulk_write_all_answer_alike(url: str) -> None:
    with Timeline.open(url) as tl:
        tl.record_many([], actors=registry_actors(), topics=registry_topics())
        tl.record_many([development(f"bulk-{n}", n) for n in range(DEVELOPMENTS)])
        assert tl.materialised.tracking_id == 0  # nobody has read yet
    spawn = multiprocessing.get_context("spawn")
    start, answers = spawn.Barrier(READERS), spawn.Queue()
    readers = [spawn.Process(target=_read, args=(url, start, answers)) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=180)
    assert [reader.exitcode for reader in readers] == [0] * READERS
    found = [answers.get(timeout=5) for _ in range(READERS)]
    with Timeline.open(url) as tl:
        assert tl.materialised.tracking_id == tl.head
        expected = sorted((key, p.stance.value) for key, p in tl.as_of(DAY).positions().items())
    assert expected
    assert found == [expected] * READERS
