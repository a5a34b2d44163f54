"""Releases of a dataset: each release's day answers as a store holding only that release."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
from hypothesis import given

from tests.strategies import ReleasePair, registry_actors, registry_topics, release_pairs
from timeline import Timeline
from timeline.engine import Development
from timeline.formats._exchange import import_file
from timeline.projections.export import actor_record, development_record, topic_record


def release_text(developments: Iterable[Development]) -> str:
    """A dataset file in the project's JSON Lines: the registry, then each event."""
    lines: list[dict[str, Any]] = [{"type": "actor", **actor_record(a)} for a in registry_actors()]
    lines += [{"type": "topic", **topic_record(t)} for t in registry_topics()]
    lines += [{"type": "development", **development_record(d)} for d in developments]
    return "".join(json.dumps(line) + "\n" for line in lines)


def imported(tl: Timeline, folder: Path, day: dt.date, story: Iterable[Development]) -> None:
    """Imports `story` as the full release of `day`."""
    path = folder / f"release-{day.isoformat()}.jsonl"
    path.write_text(release_text(story), encoding="utf-8")
    import_file(tl, path, release=day, full=True)


def answers(tl: Timeline, known: dt.date) -> tuple[Any, ...]:
    """What a store says as known on `known`: the listing and positions on several days."""
    # `reported` is each store's own record of when the event became known; the
    # release that brought it is what both agree on.
    listing = [attrs.evolve(d, reported="2016") for d in tl.developments(known_at=known)]
    days = ["2016-06-30", "2017-12-31", "2018-12-31", "2020-12-31"]
    positions = [tl.as_of(day, known_at=known, possible=True).positions() for day in days]
    # By actor: the developments that name an actor (as actor, target or claimant) in
    # the version then known, and the relations their weights make.
    mentioning = [[d.id for d in tl.developments(known_at=known, actor=a)] for a in ("TUR", "USA")]
    relations = [tl.relations(a, b, by="year", known_at=known) for a, b in _PAIRS]
    return (listing, positions, mentioning, relations)


_PAIRS = (("TUR", "USA"), ("RUS", "USA.STATE"))


@given(release_pairs())
def test_each_release_answers_as_a_store_that_imported_only_it(pair: ReleasePair) -> None:
    with tempfile.TemporaryDirectory() as folder, Timeline() as both:
        here = Path(folder)
        imported(both, here, pair.first_day, pair.first)
        imported(both, here, pair.second_day, pair.second)
        for day, story in ((pair.first_day, pair.first), (pair.second_day, pair.second)):
            with Timeline() as alone:
                imported(alone, here, day, story)
                assert answers(both, day) == answers(alone, day)


@given(release_pairs())
def test_importing_a_release_again_writes_nothing(pair: ReleasePair) -> None:
    with tempfile.TemporaryDirectory() as folder, Timeline() as tl:
        here = Path(folder)
        imported(tl, here, pair.first_day, pair.first)
        imported(tl, here, pair.second_day, pair.second)
        head = tl.head
        for day, story in ((pair.first_day, pair.first), (pair.second_day, pair.second)):
            imported(tl, here, day, story)
            assert tl.head == head
