"""The store driven at random beside a naive model; they must agree after every step."""

from __future__ import annotations

import tempfile
import uuid

import pendulum
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.conftest import POSTGRES_URL
from tests.naive import Answer, NaiveStory
from tests.strategies import (
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
from timeline.engine import (
    Development,
    DuplicateError,
    NotRetractableError,
    Ranking,
    RecordError,
    Retraction,
    Revision,
    View,
)


def answer_of(view: View) -> Answer:
    return {
        key: (p.stance, p.since.text, p.evidence, p.tentative)
        for key, p in view.positions().items()
    }


class StoreComparison(RuleBasedStateMachine):
    """Records, revises, ranks and retracts at random, checking `as_of` against the model."""

    url = "memory://"

    def __init__(self) -> None:
        super().__init__()
        self.model = NaiveStory()
        self.folder = tempfile.TemporaryDirectory()
        self.timeline = Timeline.open(self.open_url())

    def open_url(self) -> str:
        return self.url.replace("{dir}", self.folder.name)

    recorded = Bundle("recorded")

    @initialize()
    def register(self) -> None:
        self.timeline.record_many([], actors=registry_actors(), topics=registry_topics())

    @rule(target=recorded, development=developments())
    def record(self, development: Development) -> str:
        if development.id in self.model.originals:
            if self.model.originals[development.id] != development:
                with pytest.raises(DuplicateError):
                    self.timeline.record(development)
            else:
                self.timeline.record(development)
        else:
            self.timeline.record(development)
            self.model.record(development)
        return development.id

    @rule(dev_id=recorded, revision=revisions())
    def revise(self, dev_id: str, revision: Revision) -> None:
        self.timeline.revise(
            dev_id, reported=revision.reported, reason=revision.reason, **revision.changes
        )
        if revision not in self.model.revisions[dev_id]:
            self.model.revisions[dev_id].append(revision)

    @rule(dev_id=recorded, ranking=rankings())
    def rank_claims(self, dev_id: str, ranking: Ranking) -> None:
        def call() -> None:
            rank(self.timeline, dev_id, ranking)

        model = self.model
        claimed = {(c.actor, c.topic) for c in model.originals[dev_id].claims}
        for revision in model.revisions[dev_id]:
            claimed |= {(c.actor, c.topic) for c in revision.claims or ()}
        pair = (ranking.actor, ranking.topic)
        if ranking.by == dev_id or ranking.by not in (None, *model.originals):
            with pytest.raises(RecordError, match="by"):
                call()
        elif ranking.actor is not None and pair not in claimed:
            with pytest.raises(RecordError, match="claims no stance"):
                call()
        else:
            call()
            model.rank(dev_id, ranking)

    @rule(dev_id=consumes(recorded), retraction=retractions())
    def retract(self, dev_id: str, retraction: Retraction) -> None:
        earlier = self.model.retractions[dev_id]
        if earlier and retraction in earlier:
            # Retrying the same retraction is safe: nothing new is written.
            self.timeline.retract(dev_id, reported=retraction.reported, reason=retraction.reason)
            return
        if earlier:
            with pytest.raises(NotRetractableError):
                self.timeline.retract(
                    dev_id, reported=retraction.reported, reason=retraction.reason
                )
            return
        self.timeline.retract(dev_id, reported=retraction.reported, reason=retraction.reason)
        self.model.retractions[dev_id].append(retraction)

    @precondition(lambda self: bool(self.model.originals))
    @rule(day=days(), known_at=st.none() | days(), possible=st.booleans())
    def views_agree(
        self, day: pendulum.Date, known_at: pendulum.Date | None, possible: bool
    ) -> None:
        view = self.timeline.as_of(day, known_at=known_at, possible=possible)
        assert answer_of(view) == self.model.as_of(day, known_at, possible)

    @invariant()
    def everything_recorded_is_kept(self) -> None:
        entries = {entry.id: entry for entry in self.timeline.entries()}
        assert set(entries) == set(self.model.originals)
        for dev_id, entry in entries.items():
            assert entry.development == self.model.originals[dev_id]
            assert set(entry.revisions) == set(self.model.revisions[dev_id])
            assert list(entry.retractions) == self.model.retractions[dev_id]
            assert set(entry.rankings) == set(self.model.rankings[dev_id])

    @invariant()
    def latest_view_agrees(self) -> None:
        day = pendulum.Date(2021, 1, 1)
        assert answer_of(self.timeline.as_of(day)) == self.model.as_of(day, None, False)

    def teardown(self) -> None:
        self.timeline.close()
        self.folder.cleanup()
        self.drop()

    def drop(self) -> None:
        """Removes what the store left outside its folder (nothing, but for PostgreSQL)."""


class SQLiteStoreComparison(StoreComparison):
    url = "sqlite:///{dir}/story.db"


TestInMemoryStore = StoreComparison.TestCase
TestSQLiteStore = SQLiteStoreComparison.TestCase
# Every SQLite step commits to a file, so that machine runs a quarter of the examples.
TestSQLiteStore.settings = settings(
    max_examples=max(10, settings().max_examples // 4), stateful_step_count=30
)


class PostgresStoreComparison(StoreComparison):
    """The same machine on the PostgreSQL server, each example in a schema of its own."""

    def open_url(self) -> str:
        import psycopg

        assert POSTGRES_URL is not None
        self.schema = f"s_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(POSTGRES_URL.split("?")[0], autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
        return f"{POSTGRES_URL.split('?')[0]}?schema={self.schema}"

    def drop(self) -> None:
        import psycopg

        assert POSTGRES_URL is not None
        with psycopg.connect(POSTGRES_URL.split("?")[0], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')


TestPostgresStore = pytest.mark.skipif(
    not POSTGRES_URL, reason="TIMELINE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test"
)(PostgresStoreComparison.TestCase)
TestPostgresStore.settings = settings(
    max_examples=max(5, settings().max_examples // 8), stateful_step_count=20
)
