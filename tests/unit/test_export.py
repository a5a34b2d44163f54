"""Exports: full JSON records, TimelineJS slides and PLOVER events from the story listing."""

from __future__ import annotations

import json
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from tests.article import article_folder
from tests.strategies import ACTORS, developments, stories
from timeline import Timeline
from timeline.engine import (
    Development,
    Kind,
    Rank,
    Reliability,
    Source,
    Stance,
    StanceClaim,
    When,
)
from timeline.engine._coding import CODING
from timeline.engine.when import FIRST_DAY, LAST_DAY
from timeline.formats._plover_write import plover_records
from timeline.projections.export import development_record, export, timelinejs


@st.composite
def full_developments(draw: st.DrawFn) -> Development:
    """Developments with every optional field drawn too: targets, the date as written,
    a source URL and quotes."""
    development = draw(developments())
    words = st.none() | st.sampled_from(["as written", "“we will buy”", "late 2017"])
    claims = tuple(
        attrs.evolve(c, quote=draw(words), rank=draw(st.sampled_from(Rank)))
        for c in development.claims
    )
    return attrs.evolve(
        development,
        targets=tuple(draw(st.lists(st.sampled_from(ACTORS), max_size=2, unique=True))),
        occurred_as_written=draw(words),
        source=attrs.evolve(
            development.source, url=draw(st.none() | st.just("https://example.org/a"))
        ),
        claims=claims,
    )


def source_from(source: dict[str, Any]) -> Source:
    """A source (or further report) read back from its JSON record."""
    published = source.get("published")
    return Source(
        source["publisher"],
        Reliability.parse(source["reliability"]),
        source["attribution"],
        source["url"],
        None if published is None else When(published),
        source.get("repeats"),
    )


def from_record(record: dict[str, Any]) -> Development:
    """A development read back from its JSON record, field by field."""
    return Development(
        id=record["id"],
        occurred=When(record["occurred"]),
        occurred_as_written=record["occurred_as_written"],
        reported=When(record["reported"]),
        kind=Kind.parse(record["kind"]),
        summary=record["summary"],
        actors=tuple(record["actors"]),
        targets=tuple(record["targets"]),
        source=source_from(record["source"]),
        reports=[source_from(r) for r in record.get("reports", [])],
        claims=[
            StanceClaim(
                c["actor"],
                c["topic"],
                Stance.parse(c["stance"]),
                c["quote"],
                Rank.parse(c.get("rank", "normal")),
            )
            for c in record["claims"]
        ],
    )


@given(full_developments())
def test_a_json_record_keeps_every_field(development: Development) -> None:
    record = json.loads(json.dumps(development_record(development)))
    # Reports, a source's day and origin, and event data's fields are given when set.
    unset = {
        f.name for f in attrs.fields(Development) if getattr(development, f.name) in (None, ())
    }
    optional_fields = {"coded", "mode", "context", "weight", "reports"}
    assert set(record) == {f.name for f in attrs.fields(Development)} - (optional_fields & unset)
    optional = {"published", "repeats"}
    recorded = (development.source, *development.reports)
    for told, report in zip([record["source"], *record.get("reports", [])], recorded, strict=True):
        given = {name for name in optional if getattr(report, name) is not None}
        assert set(told) == {f.name for f in attrs.fields(Source)} - optional | given
    for claim, kept in zip(record["claims"], development.claims, strict=True):
        # The rank is given when it is not normal, so unranked records keep their shape.
        names = {f.name for f in attrs.fields(StanceClaim)}
        assert set(claim) == (names if kept.rank is not Rank.NORMAL else names - {"rank"})
    assert from_record(record) == development


@given(stories())
def test_every_placeable_development_gets_one_slide(story: list[Development]) -> None:
    slides = timelinejs(story, title="t")["events"]
    placeable = [
        d for d in story if d.occurred.earliest != FIRST_DAY or d.occurred.latest != LAST_DAY
    ]
    assert sorted(s["unique_id"] for s in slides) == sorted(d.id for d in placeable)
    for slide in slides:
        assert slide["display_date"]  # for people, on the slide itself
        assert "display_date" not in slide["start_date"]


@given(stories())
def test_plover_writes_every_development_and_codes_every_kind_it_can(
    story: list[Development],
) -> None:
    coded = plover_records(story)
    assert [r["id"] for r in coded.records] == [d.id for d in story]
    uncoded = {u.id for u in coded.uncoded}
    for development, record in zip(story, coded.records, strict=True):
        coding = CODING[development.kind]
        if coding.plover is None or (coding.needs_recipient and not development.targets):
            assert development.id in uncoded  # statements, and records missing a recipient
            assert (record["has_event"], record["event"]) == (False, [])
        else:
            assert development.id not in uncoded
            assert record["event"] == [coding.plover]
        assert record["timeline"]["kind"] == str(development.kind)


def test_the_bundled_story_exports_in_every_format() -> None:
    tl = Timeline()
    tl.load(article_folder())
    story = tl.developments()
    assert len(export(story, "json")) == len(story)
    slides = {s["unique_id"]: s for s in export(story, "timelinejs", title="S-400")["events"]}
    assert slides["s400-supply-agreement"]["start_date"] == {"year": 2017, "month": 12}
    assert slides["s400-supply-agreement"]["display_date"] == "December 2017"
    events = {r["id"]: r for r in plover_records(story).records}
    assert events["s400-supply-agreement"]["event"] == ["SUPPORT"]  # CAMEO 057, per the table
    assert events["kremlin-s400-non-disclosure"]["has_event"] is False  # a plain statement
