"""What-if branches by example: refusals, names the store lacks, earlier positions, saved files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from tests.strategies import registry_actors, registry_topics
from timeline import Timeline
from timeline.branch import Branch, FolderShelf
from timeline.engine import Actor, Development, Retraction, Source, StanceClaim, Topic
from timeline.engine.errors import (
    DuplicateError,
    NotRetractableError,
    UnknownDevelopmentError,
    UnknownNameError,
)
from timeline.formats._exchange import import_file
from timeline.projections.errors import QueryError

AGREEMENT = Development(
    id="agreement",
    occurred="2017-12",
    reported="2018-12-20",
    kind="agreement",
    summary="An agreement was signed.",
    actors=["RUS", "TUR"],
    source=Source("Sputnik", "official"),
    claims=[StanceClaim("TUR", "s400-purchase", "committed")],
)


@pytest.fixture
def story() -> Iterator[Timeline]:
    with Timeline() as tl:
        tl.record_many([AGREEMENT], actors=registry_actors(), topics=registry_topics())
        yield tl


def test_a_branch_refuses_what_the_store_would_and_keeps_nothing_of_it(story: Timeline) -> None:
    branch = Branch(story)
    with pytest.raises(DuplicateError, match="differs in summary"):
        branch.record(attrs.evolve(AGREEMENT, summary="Another."))
    with pytest.raises(UnknownDevelopmentError):
        branch.retract("nothing", reported="2019", reason="why")
    with pytest.raises(UnknownNameError):
        branch.record(attrs.evolve(AGREEMENT, id="other", actors=("NOBODY",)))
    branch.retract("agreement", reported="2019-01", reason="what if")
    with pytest.raises(NotRetractableError):
        branch.retract("agreement", reported="2019-02", reason="again")
    # All or nothing: a refused write leaves no part of it behind.
    with pytest.raises(UnknownDevelopmentError):
        branch.record_many(
            [attrs.evolve(AGREEMENT, id="new")],
            corrections=[("missing", Retraction(reported="2019", reason="x"))],
        )
    assert [d.id for d in branch.layered.developments] == []
    assert branch.record_many([AGREEMENT]) == []  # the same as recorded: nothing new
    again = branch.revise("agreement", reported="2019", reason="twice", summary="Signed.")
    assert branch.revise("agreement", reported="2019", reason="twice", summary="Signed.") == again
    assert len(branch.layered.corrections) == 2  # the same revision again adds nothing
    assert branch.entry("agreement").revisions == (again,)
    assert branch.touched == {"agreement"}
    assert branch.as_of("2019-06").position("TUR", "s400-purchase") is None
    assert story.as_of("2019-06").position("TUR", "s400-purchase") is not None


def test_a_branch_may_register_actors_and_topics_the_store_does_not_know(story: Timeline) -> None:
    branch = Branch(story)
    branch.register_actor(Actor("GBR", "United Kingdom", aliases=("London",)))
    branch.register_topic(Topic("f35-sale", "The sale of F-35s."))
    branch.record(
        attrs.evolve(
            AGREEMENT,
            id="uk-note",
            actors=("London",),
            claims=(StanceClaim("London", "f35-sale", "supports"),),
        )
    )
    assert branch.as_of("2019").position("London", "f35-sale") is not None
    assert "GBR" in branch.registry.actors
    assert "GBR" not in story.registry.actors
    assert ("GBR", "f35-sale") not in story.as_of("2019").positions()


def test_a_branch_reads_at_an_earlier_position_too(story: Timeline) -> None:
    first = story.position
    story.record(attrs.evolve(AGREEMENT, id="later", occurred="2018-01", claims=()))
    branch = Branch(story)
    branch.revise("later", reported="2019", reason="what if", claims=AGREEMENT.claims)
    assert branch.as_of("2019").position("TUR", "s400-purchase").evidence == (  # type: ignore[union-attr]
        "agreement",
        "later",
    )
    early = branch.as_of("2019", at=first)  # "later" was not recorded yet: nothing to revise
    assert early.position("TUR", "s400-purchase").evidence == ("agreement",)  # type: ignore[union-attr]
    with pytest.raises(QueryError):
        branch.as_of("2019", at=story.position + 1)


def test_a_file_store_keeps_its_branches_beside_it_importable_as_a_log(tmp_path: Path) -> None:
    with Timeline.open(f"sqlite:///{tmp_path / 'story.db'}") as tl:
        tl.record_many([AGREEMENT], actors=registry_actors(), topics=registry_topics())
        branch = Branch(tl, "uk")
        branch.register_actor(Actor("GBR", "United Kingdom"))
        branch.record(attrs.evolve(AGREEMENT, id="uk-note", actors=("GBR",)))
        branch.revise("agreement", reported="2019", reason="what if", occurred="2018-02")
        branch.save()
        assert FolderShelf(tmp_path / "story.branches").names() == ["uk"]
        assert Branch.saved(tl) == ["uk"]
        saved = tmp_path / "story.branches" / "uk.jsonl"
        assert Branch.read(tl, saved).layered == branch.layered
        expected = branch.as_of("2019", "2019").positions()
        # Made real on purpose: the saved branch is the project's own log.
        import_file(tl, saved)
        assert tl.as_of("2019", "2019").positions() == expected
        assert tl.entries() == branch.entries()
