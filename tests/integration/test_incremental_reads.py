"""Readers never pay for history they do not ask about: they decode only new events."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.article import article_folder
from tests.strategies import agreement
from timeline import Timeline
from timeline.engine import _contract as contract
from timeline.projections import _projection as projection
from timeline.projections._backend import ViewQueries
from timeline.projections._postgres import PostgresQueries
from timeline.projections._sqlite import SQLiteQueries
from timeline.projections._wire import recorded_rows

WRITER = """
import sys
from timeline import Timeline
from tests.strategies import agreement
with Timeline.open(sys.argv[1]) as tl:
    tl.record_many([agreement(id=f"later-{n}", occurred=f"2019-0{n + 1}") for n in range(7)])
"""


class Decodes:
    """Counts the events decoded, fully or from their JSON, while it is installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        full = contract.StoreMapper.to_domain_event
        light = recorded_rows

        def decode(mapper: Any, stored: Any) -> Any:
            self.count += 1
            return full(mapper, stored)

        def read(state: bytes, origin: int) -> Any:
            self.count += 1
            return light(state, origin)

        monkeypatch.setattr(contract.StoreMapper, "to_domain_event", decode)
        monkeypatch.setattr(projection, "recorded_rows", read)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A file or server store holding the bundled story, its view caught up."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'story.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    with Timeline.open(url) as tl:
        tl.load(article_folder())
        tl.materialised.catch_up()
    return url


def test_opening_a_store_decodes_no_event(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    decodes = Decodes(monkeypatch)
    with Timeline.open(store) as tl:
        assert tl.materialised.tracking_id == tl.head > 0
        assert decodes.count == 0
        assert tl.as_of("2018-12-31").position("TUR", "s400-purchase") is not None
        assert decodes.count == 0  # the view was current: the read decoded nothing either


def test_opening_a_store_whose_view_is_behind_still_decodes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as writer:
        writer.load(article_folder())  # writes only: the view has not read these events
    with pytest.MonkeyPatch.context() as patch:
        decodes = Decodes(patch)
        with Timeline.open(url) as tl:
            assert decodes.count == 0
            assert tl.materialised.tracking_id == 0
            view = tl.as_of("2018-12-31")
            assert decodes.count == 0  # a view is pinned at its first read, not before
            assert view.position("TUR", "s400-purchase") is not None
            assert decodes.count == tl.head  # the first read decodes what is new, once


def test_a_reader_sees_another_process_writes_decoding_only_those(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Timeline.open(store) as reader:
        before = reader.as_of("2019-12-31")
        assert before.position("TUR", "s400-purchase") is not None
        head = reader.head
        decodes = Decodes(monkeypatch)
        root = Path(__file__).resolve().parents[2]
        subprocess.run([sys.executable, "-c", WRITER, store], check=True, cwd=root)
        processed = reader.materialised.projection.processed
        after = reader.as_of("2019-12-31")
        assert after.position("TUR", "s400-purchase") is not None  # its first read: caught up
        new = reader.head - head
        assert new == 7
        assert decodes.count == new
        assert reader.materialised.projection.processed - processed == new
        ids = {d.id for d in after.developments()}
        assert {f"later-{n}" for n in range(7)} <= ids
        assert not {f"later-{n}" for n in range(7)} & {d.id for d in before.developments()}


def test_a_reader_asks_for_the_head_only_after_a_commit(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's data version, or PostgreSQL's notifications and this process's own
    # commits, tell a reader that nothing was committed since its view was last
    # current; any commit, by its own application or another one, must still be
    # read by the next read.
    heads = 0
    queries: type[ViewQueries] = SQLiteQueries if store.startswith("sqlite") else PostgresQueries
    head = queries.head

    def counted(self: ViewQueries) -> int:
        nonlocal heads
        heads += 1
        return head(self)

    monkeypatch.setattr(queries, "head", counted)
    with Timeline.open(store) as reader, Timeline.open(store) as writer:
        # A lookup finds the view current in its own statement; other reads by the
        # data version, which the first of them reads beside the head.
        reader.as_of("2019-12-31").position("TUR", "s400-purchase")
        reader.as_of("2019-12-31").developments()
        asked = heads
        for _ in range(3):
            reader.as_of("2019-12-31").position("TUR", "s400-purchase")
            reader.as_of("2019-12-31").developments()
        assert heads == asked  # nothing committed: the head is not asked again

        writer.record(agreement(id="by-the-writer", occurred="2019-03"))
        assert "by-the-writer" in {d.id for d in reader.as_of("2019-12-31").developments()}
        assert heads > asked

        reader.record(agreement(id="by-the-reader", occurred="2019-04"))
        assert "by-the-reader" in {d.id for d in reader.as_of("2019-12-31").developments()}
        assert reader.materialised.reached == reader.head


RECORD = """
import sys
from timeline import Timeline
from tests.strategies import agreement
with Timeline.open(sys.argv[1]) as tl:
    tl.record(agreement(id=sys.argv[2], occurred=sys.argv[3]))
"""


def _record_elsewhere(store: str, dev_id: str, occurred: str) -> None:
    """Records one agreement on (TUR, s400-purchase) in another process."""
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", RECORD, store, dev_id, occurred], check=True, cwd=root)


def test_a_view_answers_as_of_its_first_read(store: str) -> None:
    # A view taken with no store position is pinned at its first read: what another
    # process records before that read is in its answers, what it records after is not.
    with Timeline.open(store) as reader:
        reader.as_of("2019-12-31").position("TUR", "s400-purchase")  # the view is current
        view = reader.as_of("2019-12-31")
        _record_elsewhere(store, "before-the-first-read", "2019-06")
        held = view.position("TUR", "s400-purchase")
        assert held is not None
        assert "before-the-first-read" in held.evidence
        _record_elsewhere(store, "after-the-first-read", "2019-09")
        again = view.position("TUR", "s400-purchase")
        assert again == held
        ids = {d.id for d in view.developments()}
        assert "before-the-first-read" in ids
        assert "after-the-first-read" not in ids
        assert "after-the-first-read" not in view.positions()[held.actor, held.topic].evidence
        # A view taken now reads both.
        now = reader.as_of("2019-12-31").position("TUR", "s400-purchase")
        assert now is not None
        assert "after-the-first-read" in now.evidence


@pytest.mark.parametrize("first", ["position", "positions", "developments", "other pair"])
def test_two_reads_of_one_view_never_mix_two_states(store: str, first: str) -> None:
    # Another connection records between two reads of one view: every read of the
    # view answers as the store stood at its first read, whichever read came first.
    with Timeline.open(store) as reader, Timeline.open(store) as writer:
        pinned_at = reader.head
        view = reader.as_of("2019-12-31")
        if first == "position":
            view.position("TUR", "s400-purchase")
        elif first == "positions":
            view.positions()
        elif first == "developments":
            view.developments()
        else:
            assert view.position("RUS", "f35-participation") is None  # found nothing
        writer.record(agreement(id="between-two-reads", occurred="2019-06"))
        then = reader.as_of("2019-12-31", at=pinned_at)
        now = reader.as_of("2019-12-31")
        assert now.positions() != then.positions()  # the writes changed the answer
        assert view.position("TUR", "s400-purchase") == then.position("TUR", "s400-purchase")
        assert view.positions() == then.positions()
        assert view.developments() == then.developments()
        assert view == then


def test_threads_making_the_first_reads_of_one_view_read_at_one_position(tmp_path: Path) -> None:
    # Threads race to make a view's first read while another connection records:
    # whichever fixes the view's pin, every thread's answer is read at that pin.
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as reader, Timeline.open(url) as writer:
        writer.load(article_folder())
        for turn in range(6):
            view = reader.as_of("2019-12-31")
            start = threading.Barrier(5)

            def first_read(view: Any, start: threading.Barrier) -> Any:
                start.wait()
                return view.position("TUR", "s400-purchase")

            with ThreadPoolExecutor(4) as pool:
                answers = [pool.submit(first_read, view, start) for _ in range(4)]
                start.wait()
                writer.record(agreement(id=f"meanwhile-{turn}", occurred=f"2019-0{turn + 1}"))
                found = [answer.result() for answer in answers]
            assert found == [view.position("TUR", "s400-purchase")] * 4
            assert view.positions()["TUR", "s400-purchase"] == found[0]
