"""The materialised view never disagrees with pure replay, whatever happens to it.

A state machine records, revises and retracts at random, catches the view up to
random points, crashes it mid-transaction and resumes with a fresh projection;
after every step the materialised answers to `as_of`, `history`, `diff` and
`explain` must equal pure replay's, and a rebuild from zero must give exactly
the same tables as the incremental catch-up.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

import pendulum
import pytest
from eventsourcing.sqlite import SQLiteCursor
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule

from tests.strategies import (
    ACTORS,
    TOPICS,
    days,
    developments,
    registry_actors,
    registry_topics,
    retractions,
    revisions,
)
from timeline import Timeline
from timeline.engine import Development, DuplicateError, NotRetractableError, Retraction, Revision
from timeline.projections.backend import Batch
from timeline.projections.catchup import catch_up
from timeline.projections.projection import StoryProjection
from timeline.projections.sqlite import SQLiteViewRecorder

T = TypeVar("T")
pairs = st.tuples(st.sampled_from(ACTORS), st.sampled_from(TOPICS))
knowledge = st.none() | days()


class InjectedCrashError(Exception):
    """Stands for a crash of the projection's process in the middle of a write."""


class CrashingRecorder(SQLiteViewRecorder):
    """Writes rows, then fails before tracking on its `fail_on`-th transaction."""

    fail_on = 1

    def write_rows(self, c: SQLiteCursor, batch: Batch) -> None:
        super().write_rows(c, batch)
        type(self).fail_on -= 1
        if type(self).fail_on <= 0:
            raise InjectedCrashError("the projection died mid-transaction")


@contextmanager
def replaying(tl: Timeline) -> Iterator[None]:
    """Answers from pure replay inside the block."""
    tl.materialised.enabled = False
    try:
        yield
    finally:
        tl.materialised.enabled = True


def both(tl: Timeline, read: Callable[[], T]) -> tuple[T, T]:
    """`read()` from the materialised view, then from pure replay."""
    fast = read()
    with replaying(tl):
        slow = read()
    return fast, slow


class MaterialisedAgreesWithReplay(RuleBasedStateMachine):
    """Random writes, partial catch-ups and crashes; reads must match replay."""

    url = "memory://"

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.timeline = Timeline.open(self.url.replace("{dir}", self.folder.name))

    recorded = Bundle("recorded")

    @initialize()
    def register(self) -> None:
        self.timeline.record_many([], actors=registry_actors(), topics=registry_topics())

    @property
    def head(self) -> int:
        return self.timeline.materialised.application.recorder.max_notification_id() or 0

    @rule(target=recorded, development=developments())
    def record(self, development: Development) -> str:
        with suppress(DuplicateError):  # recorded with other content: still a target
            self.timeline.record(development)
        return development.id

    @rule(dev_id=recorded, revision=revisions())
    def revise(self, dev_id: str, revision: Revision) -> None:
        changes = revision.changes
        self.timeline.revise(dev_id, reported=revision.reported, reason="r", **changes)

    @rule(dev_id=recorded, retraction=retractions())
    def retract(self, dev_id: str, retraction: Retraction) -> None:
        with suppress(NotRetractableError):
            self.timeline.retract(dev_id, reported=retraction.reported, reason="withdrawn")

    @rule(share=st.floats(0, 1))
    def catch_up_partly(self, share: float) -> None:
        until = int(self.head * share)
        self.timeline.materialised.catch_up(until=until)
        assert self.timeline.materialised.tracking_id >= until

    @rule(development=developments(), batch=st.integers(1, 4), fail_on=st.integers(1, 3))
    def crash_and_resume(self, development: Development, batch: int, fail_on: int) -> None:
        with suppress(DuplicateError):
            self.timeline.record(development)  # something new to process, usually
        materialised = self.timeline.materialised
        app, datastore = materialised.application, materialised.view.datastore
        CrashingRecorder.fail_on = fail_on
        crashing = StoryProjection(CrashingRecorder(datastore), mapper=app.mapper)
        start = materialised.tracking_id
        try:
            catch_up(app, crashing, batch=batch)
        except InjectedCrashError:
            # Every committed batch is whole; the failed one left nothing behind.
            assert materialised.tracking_id == start + batch * (fail_on - 1)
        else:
            assert materialised.tracking_id == self.head
        fresh = StoryProjection(SQLiteViewRecorder(datastore), mapper=app.mapper)
        catch_up(app, fresh)
        assert materialised.tracking_id == self.head

    @rule(day=days(), known_at=knowledge, possible=st.booleans(), pair=pairs)
    def as_of_agrees(
        self,
        day: pendulum.Date,
        known_at: pendulum.Date | None,
        possible: bool,
        pair: tuple[str, str],
    ) -> None:
        fast, slow = both(
            self.timeline, lambda: self.timeline.as_of(day, known_at, possible=possible)
        )
        assert (fast.source, slow.source) == ("materialised", "replay")
        assert fast.position(*pair) == slow.position(*pair)
        assert fast.positions() == slow.positions()
        assert fast.developments() == slow.developments()

    @rule(pair=pairs, known_at=knowledge, possible=st.booleans())
    def history_agrees(
        self, pair: tuple[str, str], known_at: pendulum.Date | None, possible: bool
    ) -> None:
        fast, slow = both(
            self.timeline,
            lambda: self.timeline.history(*pair, known_at=known_at, possible=possible),
        )
        assert fast == slow

    @rule(first=days(), second=days(), known_at=knowledge, vs=knowledge)
    def diff_agrees(
        self,
        first: pendulum.Date,
        second: pendulum.Date,
        known_at: pendulum.Date | None,
        vs: pendulum.Date | None,
    ) -> None:
        tl = self.timeline
        fast, slow = both(tl, lambda: tl.diff(first, second, known_at=known_at))
        assert fast == slow
        fast, slow = both(tl, lambda: tl.diff(first, known_at=known_at, vs_known_at=vs or first))
        assert fast == slow

    @rule(pair=pairs, day=days(), known_at=knowledge, possible=st.booleans())
    def explain_agrees(
        self,
        pair: tuple[str, str],
        day: pendulum.Date,
        known_at: pendulum.Date | None,
        possible: bool,
    ) -> None:
        tl = self.timeline
        fast, slow = both(tl, lambda: tl.explain(*pair, day, known_at=known_at, possible=possible))
        assert fast == slow
        assert fast.position == tl.as_of(day, known_at, possible=possible).position(*pair)

    @rule(day=days(), known_at=knowledge, development=developments())
    def a_view_keeps_its_moment(
        self, day: pendulum.Date, known_at: pendulum.Date | None, development: Development
    ) -> None:
        tl = self.timeline
        fast, slow = both(tl, lambda: tl.as_of(day, known_at))
        try:
            tl.record(development)
            tl.revise(development.id, reported="2019", reason="r", summary="Later.")
        except DuplicateError:
            pass
        assert tl.as_of(day, known_at).source == "materialised"  # caught up past `fast`
        assert fast.positions() == slow.positions()
        assert fast.developments() == slow.developments()

    @rule()
    def rebuilding_gives_the_same_tables(self) -> None:
        materialised = self.timeline.materialised
        materialised.catch_up()
        incremental = materialised.view.dump()
        materialised.rebuild()
        assert materialised.view.dump() == incremental

    def teardown(self) -> None:
        self.timeline.close()
        self.timeline.materialised.close()
        self.folder.cleanup()


class SQLiteMaterialisedAgreesWithReplay(MaterialisedAgreesWithReplay):
    url = "sqlite:///{dir}/story.db"


TestInMemoryMaterialised = MaterialisedAgreesWithReplay.TestCase
TestSQLiteMaterialised = SQLiteMaterialisedAgreesWithReplay.TestCase
TestInMemoryMaterialised.settings = settings(stateful_step_count=30)
TestSQLiteMaterialised.settings = settings(
    max_examples=max(10, (settings().max_examples or 40) // 2), stateful_step_count=30
)


@pytest.mark.parametrize("url", ["memory://", "sqlite:///{dir}/story.db"])
def test_the_view_starts_empty_and_current(url: str, tmp_path: Any) -> None:
    with Timeline.open(url.replace("{dir}", str(tmp_path))) as tl:
        view = tl.as_of("2019")
        assert view.source == "materialised"
        assert view.positions() == {}
        assert view.developments() == ()
