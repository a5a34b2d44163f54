"""Every read, impact and sources included, answers alike over either reader of a store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from timeline import Timeline, seeds
from timeline._impact import impact, sources
from timeline.bootstrap import Replayed, the_view

DAY = "2018-12-31"


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    with Timeline() as tl:
        tl.load(seeds.path())
        tl.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
        yield tl


@pytest.mark.parametrize(
    "question",
    [
        {"dev_id": "cavusoglu-keeps-s400-deal", "as_of": DAY},
        {"dev_id": "s400-supply-agreement", "as_of": DAY, "known_at": "2018-12-20"},
        {"source": "Sputnik", "as_of": DAY},
        {"source": "sputnik", "as_of": "2019-06-01", "known_at": "2019-03-01", "possible": True},
    ],
)
def test_impact_is_the_same_over_the_view_and_the_replay(
    story: Timeline, question: dict[str, str]
) -> None:
    viewed = impact(story.reading(the_view), **question)  # type: ignore[arg-type]
    replayed = impact(story.reading(Replayed), **question)  # type: ignore[arg-type]
    assert viewed == replayed
    assert viewed.positions or viewed.changes  # the question has an answer to compare


@pytest.mark.parametrize(
    ("actor", "topic", "as_of"),
    [("TUR", "s400-purchase", DAY), ("Washington", "s400-purchase", "2019-03-01")],
)
def test_sources_are_the_same_over_the_view_and_the_replay(
    story: Timeline, actor: str, topic: str, as_of: str
) -> None:
    viewed = sources(story.reading(the_view), actor, topic, as_of=as_of)
    assert viewed == sources(story.reading(Replayed), actor, topic, as_of=as_of)
    assert viewed.publishers


def test_a_store_opened_on_the_replay_reads_every_answer_from_it() -> None:
    with Timeline(reads=Replayed) as tl:
        tl.load(seeds.path())
        assert isinstance(tl.reads, Replayed)
        assert tl.as_of(DAY).source == "replay"
        assert tl.as_of(DAY) == tl.reading(the_view).as_of(DAY)
        assert tl.entries() == tl.reading(the_view).entries()
