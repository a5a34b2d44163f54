"""Every backend passes one contract: an abstract test case, a concrete subclass per backend.

As eventsourcing's `ApplicationRecorderTestCase` runs on each of its recorders,
`BackendContract` runs on each kind of store: write and read back, all or nothing
on a conflicting batch, the view catching up, a lookup, the bulk path and a copy.
pytest collects only the subclasses (`Test...`); the PostgreSQL one skips, saying
why, when `TIMELINE_TEST_POSTGRES_URL` is unset.  A new backend adds a subclass here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import attrs
import pendulum
import pytest
from eventsourcing.persistence import Notification

from tests.integration.test_copy import DAYS
from tests.strategies import agreement, fill, registry_actors, registry_topics
from timeline import Timeline, seeds
from timeline.bootstrap import open_application
from timeline.engine import Actor, DuplicateError, Stance, StanceClaim, StoreError, When
from timeline.engine._application import StoreApplication
from timeline.engine._backends import Backend, backend_for
from timeline.engine._bulk import BulkWrite
from timeline.engine._copying import copy_events
from timeline.engine.aggregates import stream_id
from timeline.engine.config import StoreConfig
from timeline.projections._explain_page import explain_page, page_of
from timeline.projections._views import view_for


def _answers(tl: Timeline) -> dict[str, Any]:
    """Everything a user may ask that the copy must answer alike."""
    middle = max(1, tl.head // 2)
    return {
        "head": tl.head,
        "positions": {day: tl.as_of(day).positions() for day in DAYS},
        "known": tl.as_of("2019-01-01", known_at="2018-12-01").positions(),
        "developments": tl.developments(),
        "retracted": tl.developments(retracted=True),
        "earlier": tl.developments(at=middle),
        "history": tl.history("TUR", "s400-purchase"),
        "actors": sorted(tl.registry.actors),
    }


class _FailingRecorder:
    """A source recorder whose second page of events cannot be read."""

    def __init__(self, recorder: Any) -> None:
        self._recorder = recorder

    def select_notifications(self, start: int, limit: int) -> Sequence[Notification]:
        if start > 1:
            raise OSError("the source's disk went away")
        found: Sequence[Notification] = self._recorder.select_notifications(start, limit)
        return found


class _FailingSource:
    def __init__(self, app: StoreApplication) -> None:
        self.recorder = _FailingRecorder(app.recorder)


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Timeline]:
    """An SQLite store holding the bundled story, a revision and a retraction."""
    with Timeline.open(f"sqlite:///{tmp_path / 'source.db'}") as tl:
        tl.load(Path(seeds.__file__).parent)
        tl.revise(
            "s400-supply-agreement", reported="2019-02-01", reason="a later report", occurred="2017"
        )
        tl.retract("patriot-sale-approved", reported="2019-03-01", reason="withdrawn")
        yield tl


class BackendContract:
    """The contract tests; a subclass names its backend and gives an empty store's URL."""

    kind = ""  # the backend's name, as `StoreConfig.kind` shows it
    reopens = True  # a second `Timeline.open` of the URL reaches the same store
    takes_copies = True  # `copy_to` may write into it

    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        """The URL of an empty store of this kind."""
        raise NotImplementedError

    @pytest.fixture
    def timeline(self, url: str) -> Iterator[Timeline]:
        """An empty timeline on this kind of store."""
        with Timeline.open(url) as tl:
            yield tl

    # -- the backend itself -------------------------------------------------------

    def test_the_url_chooses_this_backend_once_for_every_layer(self, timeline: Timeline) -> None:
        backend = backend_for(self.kind)
        assert isinstance(backend, Backend)
        assert timeline.config.backend is backend
        assert timeline.config.kind == self.kind == backend.name
        assert timeline.materialised.application.backend is backend
        assert timeline.materialised.backend is view_for(backend)
        assert backend.location(timeline.config.env) == timeline.config.location

    # -- write and read back ------------------------------------------------------

    def test_what_is_written_reads_back_and_survives_a_reopen(
        self, timeline: Timeline, url: str
    ) -> None:
        fill(timeline, [agreement()])
        assert timeline.record(agreement()) == "agreement"  # identical again: no-op
        assert len(timeline.entries()) == 1
        position = timeline.as_of("2017-12-31").position("TUR", "s400-purchase")
        assert position is not None
        assert position.stance is Stance.COMMITTED
        assert not position.tentative
        timeline.revise(
            "agreement", reported="2019-01-10", reason="exact day", occurred="2017-12-29"
        )
        timeline.retract("agreement", reported="2019-02-01", reason="withdrawn")
        assert timeline.as_of("2018-12-31", known_at="2019-01-31").position(
            "TUR", "s400-purchase"
        ) == attrs.evolve(position, since=When("2017-12-29"))
        assert timeline.as_of("2018-12-31").positions() == {}
        if self.reopens:
            with Timeline.open(url) as reopened:
                assert reopened.entries() == timeline.entries()

    # -- all or nothing -----------------------------------------------------------

    def test_a_batch_with_one_conflict_writes_nothing(self, timeline: Timeline) -> None:
        story = [agreement(id=f"d{n}", occurred=f"{2000 + n}") for n in range(5)]
        fill(timeline, story)
        head = timeline.head
        changed = agreement(id="d4", occurred="2004", summary="Something else.")
        with pytest.raises(DuplicateError):
            timeline.record_many([agreement(id="new-one"), *story[:4], changed])
        assert timeline.head == head
        assert [d.id for d in timeline.developments()] == [d.id for d in story]

    # -- the view catching up -----------------------------------------------------

    def test_the_view_catches_up_on_read_with_what_was_written_since(
        self, timeline: Timeline, url: str
    ) -> None:
        fill(timeline, [agreement()])
        assert timeline.as_of("2018").position("TUR", "s400-purchase") is not None
        view = timeline.materialised
        assert view.tracking_id == timeline.head
        claim = StanceClaim("TUR", "s400-purchase", "opposes")
        writer = Timeline.open(url) if self.reopens else timeline
        try:
            writer.record(agreement(id="later", occurred="2019-06", claims=[claim]))
        finally:
            if writer is not timeline:
                writer.close()
        assert view.tracking_id < timeline.head  # written, not yet read
        position = timeline.as_of("2019-12-31").position("TUR", "s400-purchase")
        assert position is not None
        assert str(position.stance) == "opposes"
        assert view.tracking_id == timeline.head

    # -- a lookup -----------------------------------------------------------------

    def test_a_name_is_looked_up_by_alias_and_a_stream_by_id(self, timeline: Timeline) -> None:
        actors = [a for a in registry_actors() if a.id != "TUR"]
        turkey = Actor("TUR", "Türkiye", aliases=("Turkey",))
        timeline.record_many([agreement()], actors=[*actors, turkey], topics=registry_topics())
        assert [d.id for d in timeline.developments(actor="Turkey")] == ["agreement"]
        app = timeline.materialised.application
        assert app.registered("actor", "TUR") == turkey
        assert app.registered("actor", "Turkey") is None  # streams are keyed by id alone
        assert app.entry("agreement").development == agreement()

    # -- the bulk path ------------------------------------------------------------

    def test_what_a_bulk_write_appends_is_read_back_inside_it_and_gone_when_abandoned(
        self, timeline: Timeline
    ) -> None:
        app = timeline.materialised.application
        development = agreement(id="bulk-1")
        ident = stream_id("development", development.id)
        with BulkWrite(app) as bulk:
            bulk.write([], [bulk.recorded(ident, development)])
            assert bulk.streams([ident])[ident].development == development
            assert list(bulk.recorded_ids("")) == [development.id]
            bulk.abandon()
        assert timeline.head == 0
        with BulkWrite(app) as bulk:
            bulk.write([], [bulk.recorded(ident, development)])
        assert timeline.entry(development.id).development == development

    def test_a_bulk_write_is_rolled_back_by_an_exception(self, timeline: Timeline) -> None:
        app = timeline.materialised.application
        development = agreement(id="bulk-1")
        ident = stream_id("development", development.id)

        def interrupted() -> None:
            with BulkWrite(app) as bulk:
                bulk.write([], [bulk.recorded(ident, development)])
                raise RuntimeError("stop")

        with pytest.raises(RuntimeError, match="stop"):
            interrupted()
        assert timeline.head == 0

    def test_a_large_batch_goes_in_one_call_and_again_writes_nothing(
        self, timeline: Timeline
    ) -> None:
        story = [agreement(id=f"bulk-{n}", occurred=f"{2000 + n % 20}") for n in range(1200)]
        added = timeline.record_many(story, actors=registry_actors(), topics=registry_topics())
        assert len(added) == len(story)
        head = timeline.head
        assert head == len(story) + len(registry_actors()) + len(registry_topics())
        assert timeline.record_many(story) == []
        assert timeline.head == head
        position = timeline.as_of("2020").position("TUR", "s400-purchase")
        assert position is not None
        assert position.evidence[-1] == "bulk-999"  # story order: latest year, then id

    # -- copy ---------------------------------------------------------------------

    def test_a_copy_into_it_answers_every_question_as_the_original(
        self, source: Timeline, url: str
    ) -> None:
        if not self.takes_copies:
            with pytest.raises(StoreError, match="expected an SQLite or PostgreSQL store"):
                source.copy_to(url)
            return
        copied = source.copy_to(url)
        assert copied == source.head
        with Timeline.open(url) as target:
            assert _answers(target) == _answers(source)
            # New events number on from the copied ones.
            claim = StanceClaim("TUR", "s400-purchase", "opposes")
            target.record(agreement(id="after-the-move", occurred="2019-06", claims=[claim]))
            assert target.head == source.head + 1

    def test_a_page_of_an_explanation_is_the_slice_of_the_whole_one(
        self, timeline: Timeline
    ) -> None:
        # `explain_page` reads the view's claim rows (its own statement on each backend)
        # and decodes only what the page shows; the page is the whole answer's slice.
        timeline.load(Path(seeds.__file__).parent)
        timeline.revise(
            "s400-supply-agreement", reported="2019-02-01", reason="a later report", occurred="2017"
        )
        timeline.retract("patriot-sale-approved", reported="2019-03-01", reason="withdrawn")
        shown = 0
        for actor in ("TUR", "USA", "RUS"):
            for topic in timeline.registry.topics:
                for known_at in (None, "2018-06-30", "2019-02-15"):
                    whole = timeline.explain(actor, topic, "2019-12-31", known_at=known_at)
                    for skip, limit in ((0, 40), (0, 1), (1, 2)):
                        page = timeline.explain_page(
                            actor, topic, "2019-12-31", known_at=known_at, skip=skip, limit=limit
                        )
                        assert page == page_of(whole, skip, limit)
                        # Every plain development stood in for until shown: in a
                        # story this small, the page would decode them all.
                        pin, key = timeline.reads.current(), (actor, topic)
                        day = pendulum.Date(2019, 12, 31)
                        known = None if known_at is None else When(known_at).latest
                        stood_in = explain_page(
                            timeline.reads.claim_spans_by_day(key, day, pin),
                            functools.partial(timeline.reads.entries, pin),
                            actor,
                            topic,
                            day,
                            known_at=known,
                            possible=False,
                            skip=skip,
                            limit=limit,
                            ahead=0,
                        )
                        assert stood_in == page
                        shown += len(page.explanation.claims)
        assert shown > 0

    def test_a_store_that_holds_events_is_refused_a_copy_and_left_as_it_was(
        self, source: Timeline, url: str
    ) -> None:
        if not self.takes_copies:
            # A memory store is another one each time it is opened: copy into this one.
            app = open_application(StoreConfig.from_url(url))
            try:
                app.record([agreement()], registry_actors(), registry_topics())
                before = app.head
                with pytest.raises(StoreError, match="expected an SQLite or PostgreSQL store"):
                    copy_events(source.materialised.application, app, "the target")
                assert app.head == before
            finally:
                app.close()
            return
        with Timeline.open(url) as target:
            fill(target, [agreement()])
            before = target.head
            with pytest.raises(StoreError, match=r"holds \d+ events already.*nothing was written"):
                source.copy_to(url)
            assert target.head == before

    def test_a_copy_that_fails_midway_writes_nothing(self, source: Timeline, url: str) -> None:
        target = open_application(StoreConfig.from_url(url))
        try:
            failing = cast(StoreApplication, _FailingSource(source.materialised.application))
            # A store that takes no copy refuses before the source is read at all.
            refused = (OSError, "disk went away") if self.takes_copies else (StoreError, "expected")
            with pytest.raises(refused[0], match=refused[1]):
                copy_events(failing, target, "the target", page=3)
            assert target.head == 0
        finally:
            target.close()
        if self.takes_copies:
            assert source.copy_to(url) == source.head  # and it can be done again, whole


class TestMemory(BackendContract):
    """`memory://`: nothing outlives the process, so it neither reopens nor takes copies."""

    kind = "memory"
    reopens = False
    takes_copies = False

    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return "memory://"


class TestSQLite(BackendContract):
    """`sqlite:///file.db`: events and view in one file."""

    kind = "sqlite"

    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'story.db'}"


class TestPostgreSQL(BackendContract):
    """`postgresql://`: a fresh schema on the test server (skipped when none is named)."""

    kind = "postgresql"

    @pytest.fixture
    def url(self, postgres_url: str) -> str:
        return postgres_url
