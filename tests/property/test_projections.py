"""The materialised view never disagrees with pure replay, whatever happens to it.

A state machine records, revises and retracts at random, registers actors and
topics, catches the view up to random points, crashes it mid-transaction and
resumes with a fresh projection; the materialised answers to `as_of`, `history`,
`diff`, `explain`, `developments` (filtered by actor and topic), `relations`,
`registry` and `entries` must equal pure replay's, and a rebuild from zero must
give exactly the same tables as the incremental catch-up.  The machine runs on
the in-memory store, an SQLite file and (given `TIMELINE_TEST_POSTGRES_URL`) the
PostgreSQL server, each example in a schema of its own.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, TypeVar

import pendulum
import pytest
from eventsourcing.sqlite import SQLiteCursor
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule

from tests.conftest import POSTGRES_URL
from tests.strategies import (
    ACTORS,
    TOPICS,
    days,
    developments,
    rank,
    rankings,
    registry_actors,
    registry_topics,
    retractions,
    revisions,
)
from timeline import Timeline
from timeline.bootstrap import Replayed
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
from timeline.projections._listing import StoryKey
from timeline.projections._projection import StoryProjection
from timeline.projections._relations import PERIODS
from timeline.projections._sqlite import SQLiteViewRecorder

if TYPE_CHECKING:
    from timeline.projections._postgres import PostgresViewRecorder

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


def both(tl: Timeline, read: Callable[[Timeline], T]) -> tuple[T, T]:
    """`read` from the materialised view, then from pure replay of the same store."""
    return read(tl), read(tl.reading(Replayed))


class MaterialisedAgreesWithReplay(RuleBasedStateMachine):
    """Random writes, partial catch-ups and crashes; reads must match replay."""

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

    @rule(day=days(), known_at=knowledge, possible=st.booleans(), pair=pairs)
    def as_of_agrees(
        self,
        day: pendulum.Date,
        known_at: pendulum.Date | None,
        possible: bool,
        pair: tuple[str, str],
    ) -> None:
        fast, slow = both(self.timeline, lambda t: t.as_of(day, known_at, possible=possible))
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
            lambda t: t.history(*pair, known_at=known_at, possible=possible),
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
        fast, slow = both(tl, lambda t: t.diff(first, second, known_at=known_at))
        assert fast == slow
        fast, slow = both(tl, lambda t: t.diff(first, known_at=known_at, vs_known_at=vs or first))
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
        fast, slow = both(tl, lambda t: t.explain(*pair, day, known_at=known_at, possible=possible))
        assert fast == slow
        assert fast.position == tl.as_of(day, known_at, possible=possible).position(*pair)

    @rule(day=days(), known_at=knowledge, development=developments(), pair=pairs)
    def a_view_keeps_its_moment(
        self,
        day: pendulum.Date,
        known_at: pendulum.Date | None,
        development: Development,
        pair: tuple[str, str],
    ) -> None:
        tl = self.timeline
        fast, slow = both(tl, lambda t: t.as_of(day, known_at))
        # A view's moment is its first read (one lookup), not the as_of() call.
        assert fast.position(*pair) == slow.position(*pair)
        try:
            tl.record(development)
            tl.revise(development.id, reported="2019", reason="r", summary="Later.")
        except DuplicateError:
            pass
        later = tl.as_of(day, known_at)
        later.positions()  # its first read catches the view up past `fast`'s moment
        assert later.source == "materialised"
        assert fast.positions() == slow.positions()
        assert fast.developments() == slow.developments()
        assert fast.position(*pair) == slow.position(*pair)

    @rule(day=days(), known_at=knowledge, development=developments(), pair=pairs)
    def a_view_answers_as_of_its_first_read(
        self,
        day: pendulum.Date,
        known_at: pendulum.Date | None,
        development: Development,
        pair: tuple[str, str],
    ) -> None:
        tl = self.timeline
        fast = tl.as_of(day, known_at)
        with suppress(DuplicateError):
            tl.record(development)  # after the as_of() call, before the view's first read
        slow = tl.reading(Replayed).as_of(day, known_at)
        assert fast.position(*pair) == slow.position(*pair)
        assert fast.positions() == slow.positions()
        assert fast.developments() == slow.developments()

    @rule(actor=st.sampled_from(MORE_ACTORS), topic=st.none() | st.sampled_from(MORE_TOPICS))
    def register_more(self, actor: Actor, topic: Topic | None) -> None:
        self.timeline.record_many([], actors=[actor], topics=[] if topic is None else [topic])

    @rule(
        known_at=knowledge,
        actor=st.none() | st.sampled_from(ACTORS),
        children=st.booleans(),
        topic=st.none() | st.sampled_from(TOPICS),
    )
    def developments_agree(
        self, known_at: pendulum.Date | None, actor: str | None, children: bool, topic: str | None
    ) -> None:
        tl = self.timeline
        fast, slow = both(
            tl, lambda t: t.developments(known_at, actor=actor, children=children, topic=topic)
        )
        assert fast == slow

    @rule(
        known_at=knowledge,
        actor=st.none() | st.sampled_from(ACTORS),
        topic=st.none() | st.sampled_from(TOPICS),
        period=st.none() | days(),
        limit=st.integers(1, 4),
    )
    def pages_agree(
        self,
        known_at: pendulum.Date | None,
        actor: str | None,
        topic: str | None,
        period: pendulum.Date | None,
        limit: int,
    ) -> None:
        # Page by page, the view's paged listing reads exactly the replay's pages, and
        # together they are the whole listing.
        tl = self.timeline
        pages: list[Development] = []
        after: StoryKey | None = None
        while True:
            fast, slow = both(
                tl,
                lambda t, after=after: t.developments_page(  # type: ignore[misc]
                    known_at, after=after, limit=limit, actor=actor, topic=topic, period=period
                ),
            )
            assert fast == slow
            assert len(fast[0]) <= limit
            pages += fast[0]
            if fast[1] is None:
                break
            after = fast[1]
        assert pages == tl.developments(known_at, actor=actor, topic=topic, period=period)

    @rule(
        actors=st.lists(st.sampled_from(ACTORS), min_size=2, max_size=2, unique=True),
        by=st.sampled_from(sorted(PERIODS)),
        known_at=knowledge,
        children=st.booleans(),
    )
    def relations_agree(
        self, actors: list[str], by: str, known_at: pendulum.Date | None, children: bool
    ) -> None:
        tl = self.timeline
        a, b = actors
        fast, slow = both(
            tl, lambda t: t.relations(a, b, by=by, known_at=known_at, children=children)
        )
        assert fast == slow

    @rule()
    def occurred_days_agree(self) -> None:
        tl = self.timeline
        fast, slow = both(tl, lambda t: t.occurred_days())
        assert fast == slow
        spans = [d.occurred for d in tl.developments()]
        assert fast == (len(spans), {w.earliest for w in spans}, {w.latest for w in spans})

    @rule()
    def knowledge_days_agree(self) -> None:
        tl = self.timeline
        fast, slow = both(tl, lambda t: t.knowledge_days())
        assert fast == slow
        assert fast == {day for entry in tl.entries() for day in entry.knowledge_days()}

    @rule()
    def registry_agrees(self) -> None:
        fast, slow = both(self.timeline, lambda t: t.registry)
        assert dict(fast.actors) == dict(slow.actors)
        assert dict(fast.topics) == dict(slow.topics)

    @rule()
    def entries_agree(self) -> None:
        fast, slow = both(self.timeline, lambda t: t.entries())
        assert fast == slow

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
        self.drop()

    def drop(self) -> None:
        """Removes what the store left outside its folder (nothing, but for PostgreSQL)."""


class SQLiteMaterialisedAgreesWithReplay(MaterialisedAgreesWithReplay):
    url = "sqlite:///{dir}/story.db"


class PostgresMaterialisedAgreesWithReplay(MaterialisedAgreesWithReplay):
    """The same machine on the PostgreSQL server, each example in a schema of its own."""

    def open_url(self) -> str:
        import psycopg

        assert POSTGRES_URL is not None
        self.schema = f"m_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(POSTGRES_URL.split("?")[0], autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
        return f"{POSTGRES_URL.split('?')[0]}?schema={self.schema}"

    def recorder(self, datastore: Any, *, crashing: bool = False) -> ViewRecorder:
        from timeline.projections._postgres import PostgresViewRecorder

        return (postgres_crashing_recorder() if crashing else PostgresViewRecorder)(datastore)

    def drop(self) -> None:
        import psycopg

        assert POSTGRES_URL is not None
        with psycopg.connect(POSTGRES_URL.split("?")[0], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')


TestInMemoryMaterialised = MaterialisedAgreesWithReplay.TestCase
TestSQLiteMaterialised = SQLiteMaterialisedAgreesWithReplay.TestCase
TestInMemoryMaterialised.settings = settings(stateful_step_count=30)
TestSQLiteMaterialised.settings = settings(
    max_examples=max(10, (settings().max_examples or 40) // 2), stateful_step_count=30
)
TestPostgresMaterialised = pytest.mark.skipif(
    not POSTGRES_URL, reason="TIMELINE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test"
)(PostgresMaterialisedAgreesWithReplay.TestCase)
TestPostgresMaterialised.settings = settings(
    max_examples=max(5, (settings().max_examples or 40) // 8), stateful_step_count=20
)


@pytest.mark.parametrize("url", ["memory://", "sqlite:///{dir}/story.db"])
def test_the_view_starts_empty_and_current(url: str, tmp_path: Any) -> None:
    with Timeline.open(url.replace("{dir}", str(tmp_path))) as tl:
        view = tl.as_of("2019")
        assert view.source == "materialised"
        assert view.positions() == {}
        assert view.developments() == ()
