"""Concurrent corrections of one development all land: their order is the time model's."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from tests.strategies import agreement, fill
from timeline import Timeline

WRITERS, EACH = 4, 25


def _revise(url: str, writer: int) -> None:
    with Timeline.open(url) as tl:
        for n in range(EACH):
            tl.revise(
                "agreement",
                reported=f"2019-{1 + n % 12:02d}-{1 + writer:02d}",
                reason=f"writer {writer}, correction {n}",
                summary=f"Corrected by {writer} ({n}).",
            )


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'story.db'}"
    found: str = request.getfixturevalue("postgres_url")
    return found


@pytest.mark.slow
def test_four_writers_revising_one_development_all_land(url: str) -> None:
    with Timeline.open(url) as tl:
        fill(tl, [agreement(reported="2018-12-20")])
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=_revise, args=(url, n)) for n in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=300)
    assert [p.exitcode for p in writers] == [0] * WRITERS
    with Timeline.open(url) as tl:
        entry = tl.entry("agreement")
        reasons = {r.reason for r in entry.revisions}
        assert reasons == {
            f"writer {w}, correction {n}" for w in range(WRITERS) for n in range(EACH)
        }
        assert len(entry.revisions) == WRITERS * EACH
        # The effective summary follows the latest report, whatever the recording order.
        latest = max(entry.revisions, key=lambda r: r.order_key)
        assert tl.developments()[0].summary == latest.summary
