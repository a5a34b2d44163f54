"""The materialised view never disagrees with pure replay, whatever happens to it.

A state machine records, revises and retracts at random, registers actors and
topics, catches the view up to random points, crashes it mid-transaction and
resumes with a fresh projection; the materialised answers to `as_of`, `history`,
`diff`, `explain`, `developments` (filtered by actor and topic), `relations`,
`registry` and `entries` must equal pure replay's, and a rebuild from zero must
give exactly the same tables as the incremental catch-up.  The machine runs on
the in-memory store, an SQLite file and (given `TIMELINE_TEST_POSTGRES_URL`) the
PostgreSQL server, each example in a schema of its own.  Its writes and crashes are
`tests/view_machine.py`'s; the rules here check what it reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

import pendulum
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule

from tests.conftest import POSTGRES_URL
from tests.strategies import ACTORS, TOPICS, days, developments
from tests.view_machine import ViewUnderWrites, postgres_crashing_recorder
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import Development, DuplicateError
from timeline.projections._backend import ViewRecorder
from timeline.projections._listing import StoryKey
from timeline.projections._relations import PERIODS

T = TypeVar("T")
pairs = st.tuples(st.sampled_from(ACTORS), st.sampled_from(TOPICS))
knowledge = st.none() | days()


def both(tl: Timeline, read: Callable[[Timeline], T]) -> tuple[T, T]:
    """`read` from the materialised view, then from pure replay of the same store."""
    return read(tl), read(tl.reading(Replayed))


class MaterialisedAgreesWithReplay(ViewUnderWrites):
    """Random writes, partial catch-ups and crashes; reads must match replay."""

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
