"""`copy --to`: a store moved whole into an empty one answers exactly as the original."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import pytest
from eventsourcing.persistence import Notification
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.integration.test_cli import environment, timeline
from tests.strategies import agreement, fill, stories
from timeline import Timeline, seeds
from timeline.engine import Development, StanceClaim
from timeline.engine.application import StoreApplication
from timeline.engine.copying import copy_events
from timeline.engine.errors import StoreError

DAYS = ("2017-06-30", "2018-06-01", "2019-01-01", "2019-12-31")


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


@pytest.fixture(params=["sqlite", "postgresql"])
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty SQLite file or PostgreSQL schema to copy into."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'target.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_the_copy_answers_every_question_as_the_original(source: Timeline, target_url: str) -> None:
    copied = source.copy_to(target_url)
    assert copied == source.head
    with Timeline.open(target_url) as target:
        assert _answers(target) == _answers(source)
        # New events number on from the copied ones.
        claim = StanceClaim("TUR", "s400-purchase", "opposes")
        target.record(agreement(id="after-the-move", occurred="2019-06", claims=[claim]))
        assert target.head == source.head + 1


def test_a_store_that_holds_events_is_refused_and_left_as_it_was(
    source: Timeline, target_url: str
) -> None:
    with Timeline.open(target_url) as target:
        fill(target, [agreement()])
        before = target.head
        with pytest.raises(StoreError, match=r"holds \d+ events already.*nothing was written"):
            source.copy_to(target_url)
        assert target.head == before


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


def test_a_copy_that_fails_midway_writes_nothing(source: Timeline, target_url: str) -> None:
    from timeline.bootstrap import open_application
    from timeline.engine.config import StoreConfig

    target = open_application(StoreConfig.from_url(target_url))
    try:
        failing = cast(StoreApplication, _FailingSource(source.materialised.application))
        with pytest.raises(OSError, match="disk went away"):
            copy_events(failing, target, "the target", page=3)
        assert target.head == 0
    finally:
        target.close()
    assert source.copy_to(target_url) == source.head  # and it can be done again, whole


@settings(max_examples=10, deadline=None)
@given(story=stories(), page=st.integers(min_value=1, max_value=4))
def test_any_story_copies_between_sqlite_files_in_pages_of_any_size(
    story: list[Development], page: int
) -> None:
    from timeline.bootstrap import open_application
    from timeline.engine.config import StoreConfig

    with (
        tempfile.TemporaryDirectory() as folder,
        Timeline.open(f"sqlite:///{folder}/a.db") as original,
    ):
        fill(original, story)
        target = open_application(StoreConfig.from_url(f"sqlite:///{folder}/b.db"))
        try:
            copy_events(original.materialised.application, target, "b.db", page=page)
        finally:
            target.close()
        with Timeline.open(f"sqlite:///{folder}/b.db") as copy:
            for day in DAYS:
                assert copy.as_of(day).positions() == original.as_of(day).positions()
            assert copy.developments() == original.developments()


def test_the_command_copies_a_store_and_names_both(tmp_path: Path) -> None:
    env = environment(tmp_path)
    first, second = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    loaded = timeline(env, "--db", first, "load", str(Path(seeds.__file__).parent))
    assert loaded.returncode == 0, loaded.stderr
    copied = timeline(env, "--db", first, "copy", "--to", second, "--json")
    assert copied.returncode == 0, copied.stderr
    report = json.loads(copied.stdout)
    assert report["to"] == second
    assert report["copied"] > 0
    listed = [
        timeline(env, "--db", url, "developments", "--json").stdout for url in (first, second)
    ]
    assert listed[0] == listed[1]
    again = timeline(env, "--db", first, "copy", "--to", second)
    assert again.returncode != 0
    assert "expected an empty store" in again.stderr
