"""A state machine writing to a store at random and crashing its view while it catches up.

`ViewUnderWrites` records, revises, ranks and retracts at random, registers actors
and topics, catches the view up to random points, and crashes it mid-transaction
before resuming with a fresh projection.  Subclasses add the rules that check
what it reads (`tests/property/test_projections.py`).
"""

from __future__ import annotations

import tempfile
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from eventsourcing.sqlite import SQLiteCursor
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule

from tests.strategies import (
    developments,
    rank,
    rankings,
    registry_actors,
    registry_topics,
    retractions,
    revisions,
)
from timeline import Timeline
from timeline.engine import (
    Actor,
    Development,
    DuplicateError,
    NotRetractableError,
    Ranking,
    RecordError,
    Retraction,
    Revision,
    Topic,
)
from timeline.projections._backend import Batch, ViewRecorder
from timeline.projections._catchup import catch_up
from timeline.projections._projection import StoryProjection
from timeline.projections._sqlite import SQLiteViewRecorder

if TYPE_CHECKING:
    from timeline.projections._postgres import PostgresViewRecorder

__all__ = [
    "MORE_ACTORS",
    "MORE_TOPICS",
    "CrashingRecorder",
    "InjectedCrashError",
    "ViewUnderWrites",
    "postgres_crashing_recorder",
]


class InjectedCrashError(Exception):
    """Stands for a crash of the projection's process in the middle of a write."""


class CrashingRecorder(SQLiteViewRecorder):
    """Writes rows, then fails before tracking on its `fail_on`-th transaction."""

    fail_on = 1

    def write_rows(self, c: SQLiteCursor, batch: Batch) -> None:
        super().write_rows(c, batch)
        countdown()


def countdown() -> None:
    """Counts a crashing recorder's transaction; fails the `fail_on`-th."""
    CrashingRecorder.fail_on -= 1
    if CrashingRecorder.fail_on <= 0:
        raise InjectedCrashError("the projection died mid-transaction")


def postgres_crashing_recorder() -> type[PostgresViewRecorder]:
    """The PostgreSQL recorder that crashes like `CrashingRecorder` (psycopg loads late)."""
    from timeline.projections._postgres import PostgresViewRecorder

    class CrashingPostgresRecorder(PostgresViewRecorder):
        def write_rows(self, c: Any, batch: Batch) -> None:
            super().write_rows(c, batch)
            countdown()

    return CrashingPostgresRecorder


# Actors and topics a rule may register (again) beside the strategies' registry.
MORE_ACTORS = (
    Actor("GRC", "Greece", ("Hellenic Republic",)),
    Actor("USA.CONGRESS", "US Congress", ("Congress",)),
    Actor("TUR.MFA", "Turkish foreign ministry"),
)
MORE_TOPICS = (Topic("nato-membership", "NATO membership", ("nato",)),)


class ViewUnderWrites(RuleBasedStateMachine):
    """Random writes, partial catch-ups and crashes of the view of a store at `url`."""

    url = "memory://"

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.timeline = Timeline.open(self.open_url())

    def open_url(self) -> str:
        return self.url.replace("{dir}", self.folder.name)

    def recorder(self, datastore: Any, *, crashing: bool = False) -> ViewRecorder:
        """A view recorder of the store's kind on the view's datastore."""
        return (CrashingRecorder if crashing else SQLiteViewRecorder)(datastore)

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

    @rule(dev_id=recorded, ranking=rankings())
    def rank_claims(self, dev_id: str, ranking: Ranking) -> None:
        with suppress(RecordError):  # a pair it never claims, or no such grounds
            rank(self.timeline, dev_id, ranking)

    @rule(dev_id=recorded, retraction=retractions())
    def retract(self, dev_id: str, retraction: Retraction) -> None:
        with suppress(NotRetractableError):
            self.timeline.retract(dev_id, reported=retraction.reported, reason="withdrawn")

    def last_id(self, until: int) -> int:
        """The id of the store's last notification at or before `until` (0 for none)."""
        app = self.timeline.materialised.application
        found = [n.id for n in app.recorder.select_notifications(start=1, limit=10**6, stop=until)]
        return found[-1] if found else 0

    @rule(share=st.floats(0, 1))
    def catch_up_partly(self, share: float) -> None:
        until = int(self.head * share)
        self.timeline.materialised.catch_up(until=until)
        # Ids may skip (a PostgreSQL insert that was refused still took its number):
        # the view reaches the last notification at or before `until`.
        assert self.timeline.materialised.tracking_id >= self.last_id(until)

    @rule(development=developments(), batch=st.integers(1, 4), fail_on=st.integers(1, 3))
    def crash_and_resume(self, development: Development, batch: int, fail_on: int) -> None:
        with suppress(DuplicateError):
            self.timeline.record(development)  # something new to process, usually
        materialised = self.timeline.materialised
        app, datastore = materialised.application, materialised.view.datastore
        CrashingRecorder.fail_on = fail_on
        crashing = StoryProjection(self.recorder(datastore, crashing=True), mapper=app.mapper)
        start = materialised.tracking_id
        after = [n.id for n in app.recorder.select_notifications(start=start + 1, limit=10**6)]
        try:
            catch_up(app, crashing, batch=batch)
        except InjectedCrashError:
            # Every committed batch is whole; the failed one left nothing behind.
            committed = after[: batch * (fail_on - 1)]
            assert materialised.tracking_id == (committed[-1] if committed else start)
        else:
            assert materialised.tracking_id == self.head
        fresh = StoryProjection(self.recorder(datastore), mapper=app.mapper)
        catch_up(app, fresh)
        assert materialised.tracking_id == self.head

    @rule(actor=st.sampled_from(MORE_ACTORS), topic=st.none() | st.sampled_from(MORE_TOPICS))
    def register_more(self, actor: Actor, topic: Topic | None) -> None:
        self.timeline.record_many([], actors=[actor], topics=[] if topic is None else [topic])

    def teardown(self) -> None:
        self.timeline.close()
        self.timeline.materialised.close()
        self.folder.cleanup()
        self.drop()

    def drop(self) -> None:
        """Removes what the store left outside its folder (nothing, but for PostgreSQL)."""
