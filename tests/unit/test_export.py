"""Exports: full JSON records, TimelineJS slides and PLOVER events from the story listing."""

from __future__ import annotations

import json

from hypothesis import given

from tests.strategies import stories
from timeline import Timeline, seeds
from timeline.engine import Development, Kind, When
from timeline.engine.coding import CODING
from timeline.engine.when import FIRST_DAY, LAST_DAY
from timeline.projections.export import development_record, export, plover, timelinejs


@given(stories())
def test_a_json_record_keeps_every_field(story: list[Development]) -> None:
    for development in story:
        record = json.loads(json.dumps(development_record(development)))
        assert When(record["occurred"]) == development.occurred
        assert When(record["reported"]) == development.reported
        assert Kind.parse(record["kind"]) is development.kind
        assert tuple(record["actors"]) == development.actors
        claims = [(c["actor"], c["topic"], c["stance"]) for c in record["claims"]]
        assert claims == [(c.actor, c.topic, str(c.stance)) for c in development.claims]


@given(stories())
def test_every_placeable_development_gets_one_slide(story: list[Development]) -> None:
    slides = timelinejs(story, title="t")["events"]
    placeable = [
        d for d in story if d.occurred.earliest != FIRST_DAY or d.occurred.latest != LAST_DAY
    ]
    assert sorted(s["unique_id"] for s in slides) == sorted(d.id for d in placeable)
    for slide in slides:
        assert When(slide["start_date"]["display_date"])


@given(stories())
def test_plover_codes_every_kind_it_knows_and_no_statements(story: list[Development]) -> None:
    records = plover(story)
    coded = [d for d in story if CODING[d.kind].plover is not None]
    assert [r["id"] for r in records] == [d.id for d in coded]
    for record, development in zip(records, coded, strict=True):
        assert record["event"] == [CODING[development.kind].plover]
        assert development.occurred.contains(When(record["date"]).earliest)


def test_the_bundled_story_exports_in_every_format() -> None:
    tl = Timeline()
    tl.load(seeds.path())
    story = tl.developments()
    assert len(export(story, "json")) == len(story)
    slides = {s["unique_id"]: s for s in export(story, "timelinejs", title="S-400")["events"]}
    assert slides["s400-supply-agreement"]["start_date"] == {
        "year": 2017,
        "month": 12,
        "display_date": "2017-12",
    }
    events = {r["id"]: r for r in export(story, "plover")}
    assert events["s400-supply-agreement"]["event"] == ["AGREE"]
    assert "kremlin-s400-non-disclosure" not in events  # a plain statement
