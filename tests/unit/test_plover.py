"""PLOVER out as the current manual says, and back in through `timeline.formats`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import ACTORS, stories
from timeline import Timeline, seeds
from timeline.engine import Actor, Development, Kind, Source, Topic, When
from timeline.engine._coding import CODING, RECIPIENT_REQUIRED
from timeline.engine._registry import Registry
from timeline.engine._rule import Entry
from timeline.formats import Item, Rejected, open_records
from timeline.formats._exchange import export, import_file, snapshot
from timeline.formats._plover_write import plover_records

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "schemas" / "plover-current.schema.json").read_text()
)
EVENT = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
META = jsonschema.Draft202012Validator({"$ref": "#/$defs/snapshot", "$defs": SCHEMA["$defs"]})


@pytest.fixture(scope="module")
def story() -> Iterator[Timeline]:
    """The bundled story, read only."""
    with Timeline() as tl:
        tl.load(seeds.path())
        yield tl


def plover_lines(text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    meta, *records = (json.loads(line) for line in text.splitlines())
    return meta, records


def take(tl: Timeline, path: Path, reported: When | None = None) -> list[Rejected]:
    """Records what a file holds into `tl`, as an import would; returns what was rejected."""
    found = list(open_records(path, registry=tl.registry, reported=reported))
    values = [r.value for r in found if isinstance(r, Item)]
    tl.record_many(
        [v for v in values if isinstance(v, Development)],
        actors=[v for v in values if isinstance(v, Actor)],
        topics=[v for v in values if isinstance(v, Topic)],
    )
    return [r for r in found if isinstance(r, Rejected)]


def test_every_exported_plover_line_validates_against_the_current_manual(story: Timeline) -> None:
    meta, records = plover_lines(export(story, "plover"))
    META.validate(meta)
    assert len(records) == len(story.developments())  # nothing is left out
    for record in records:
        EVENT.validate(record)
    by_id = {r["id"]: r for r in records}
    senator = by_id["us-senator-scrap-s400"]
    assert senator["actor"] == [
        {"code": "USA", "sector": "LEG", "actor_text": "US Congress", "timeline_id": "USA.CONGRESS"}
    ]
    assert senator["recipient"][0]["actor_text"] == "Turkey"
    assert (senator["event"], senator["quad_code"]) == (["REQUEST"], 3)
    assert (
        senator["coded_date"]
        == story.entry("us-senator-scrap-s400").development.reported.latest.isoformat()
    )
    approval = by_id["patriot-sale-approved"]
    assert approval["actor"][0]["sector"] == "GOV"
    assert (approval["event"], approval["context"]) == (["AGREE"], ["military"])
    # The sequel's revision (known from 19 Dec 2018) dates the approval to its day.
    assert approval["date"] == "2018-12-18"
    assert "enddate" not in approval
    softens = by_id["us-congress-patriot-opposition-softens"]
    assert (softens["date"], softens["enddate"]) == ("2017-12-01", "2018-12-20")
    assert "EDTF 2017-12/2018-12-20" in softens["comment"]
    assert by_id["s400-supply-agreement"]["event"] == ["SUPPORT"]
    statements = {d.id for d in story.developments() if d.kind is Kind.STATEMENT}
    assert statements
    assert {u["id"] for u in meta["uncoded"]} == statements
    for ident in statements:
        assert (by_id[ident]["has_event"], by_id[ident]["event"]) == (False, [])


@st.composite
def aimed(draw: st.DrawFn) -> list[Development]:
    """Stories whose developments may or may not have targets, weights and codes."""
    story = draw(stories())
    return [
        attrs.evolve(
            d,
            targets=tuple(draw(st.lists(st.sampled_from(ACTORS), max_size=2))),
            weight=draw(st.none() | st.integers(-100, 100).map(lambda n: n / 10)),
            coded=draw(st.none() | st.sampled_from(["042", "REQUEST", "1312"])),
        )
        for d in story
    ]


@given(aimed())
def test_plover_records_validate_and_required_recipients_are_enforced(
    story: list[Development],
) -> None:
    coded = plover_records(story)
    uncoded = {u.id: u.reason for u in coded.uncoded}
    for development, record in zip(story, coded.records, strict=True):
        EVENT.validate(record)
        coding = CODING[development.kind]
        if set(record["event"]) & RECIPIENT_REQUIRED:
            assert record["recipient"]
        if coding.plover is None:
            assert "does not code" in uncoded[development.id]
        elif coding.needs_recipient and not development.targets:
            assert "requires a recipient" in uncoded[development.id]
        else:
            assert development.id not in uncoded
        assert record.get("event_scale") == development.weight


def test_a_development_lacking_a_required_recipient_is_written_uncoded() -> None:
    with Timeline() as tl:
        tl.load(seeds.path())
        tl.record(
            Development(
                id="s400-delivery",
                occurred="2019-07-12/2019-07-25",
                reported="2019-07-26",
                kind="delivery",
                summary="The first S-400 parts reached Ankara.",
                actors=["RUS"],
                source=Source("Reuters", "named"),
            )
        )
        result = snapshot(tl, "plover")
    reasons = {u["id"]: u["reason"] for u in result.meta["uncoded"]}
    assert "COOPERATE, which requires a recipient" in reasons["s400-delivery"]
    _, records = plover_lines(result.text)
    written = next(r for r in records if r["id"] == "s400-delivery")
    assert (written["has_event"], written["event"]) == (False, [])
    assert written["timeline"]["kind"] == "delivery"


def knowledge_days(tl: Timeline) -> list[dt.date | None]:
    """Every day on which what is known changes, the day before it, and no day at all."""
    days = {day for entry in tl.entries() for day in entry.knowledge_days()}
    return [None, *sorted(days | {day - dt.timedelta(days=1) for day in days})]


def answers(tl: Timeline, known: dt.date | None) -> tuple[Any, ...]:
    """Everything a store says as known on `known`: listing, positions with evidence."""
    days = ("2017-06-01", "2018-06-01", "2018-12-31", "2019-12-31", "2020-12-31")
    positions = [tl.as_of(day, known_at=known).positions() for day in days]
    possible = [tl.as_of(day, known_at=known, possible=True).positions() for day in days]
    return (tl.developments(known), positions, possible)


def test_the_bundled_story_round_trips_through_plover_with_the_same_answers(
    story: Timeline, tmp_path: Path
) -> None:
    path = tmp_path / "story.plover"
    path.write_text(export(story, "plover"), encoding="utf-8")
    corrected = story.corrections()
    # The sequel ranks the DSCA notice's claim; the story revises some developments.
    assert any(e.rankings for e in corrected)
    assert any(e.revisions for e in corrected)
    assert_same_answers(story, path)


def assert_same_answers(story: Timeline, path: Path) -> None:
    """A store importing `path` answers as `story` does, on every knowledge day."""
    with Timeline() as other:
        import_file(other, path)
        # Each development and every correction of it, as recorded (in any order).
        assert [normalised(e) for e in other.entries()] == [normalised(e) for e in story.entries()]
        for known in knowledge_days(story):
            assert answers(other, known) == answers(story, known), known
        congress = other.as_of("2019-12-31").position("USA.CONGRESS", "patriot-sale")
        assert congress == story.as_of("2019-12-31").position("USA.CONGRESS", "patriot-sale")


def test_a_retraction_and_a_revision_of_the_parties_round_trip_through_plover(
    tmp_path: Path,
) -> None:
    with Timeline() as tl:
        tl.load(seeds.path())
        first, second = (d.id for d in tl.developments()[:2])
        tl.retract(first, reported="2020-03-01", reason="misattributed")
        tl.revise(second, reported="2020-04-01", reason="recoded", targets=["RUS"], weight=-3)
        path = tmp_path / "corrected.plover"
        path.write_text(export(tl, "plover"), encoding="utf-8")
        meta, records = plover_lines(path.read_text(encoding="utf-8"))
        for record in records:
            EVENT.validate(record)
        withdrawn = next(r for r in records if r["id"] == first)
        assert (withdrawn["has_event"], withdrawn["event"]) == (False, [])
        assert first in {u["id"] for u in meta["uncoded"]}
        assert_same_answers(tl, path)


def normalised(entry: Entry) -> tuple[Any, ...]:
    """An entry with its corrections sorted: the order of recording is not an answer."""
    return (
        entry.development,
        sorted(entry.revisions, key=repr),
        sorted(entry.retractions, key=repr),
        sorted(entry.rankings, key=repr),
    )


def test_a_plover_export_as_known_on_a_day_reads_back_as_the_story_then(
    story: Timeline, tmp_path: Path
) -> None:
    known = dt.date(2019, 1, 1)
    path = tmp_path / "then.plover"
    path.write_text(export(story, "plover", known_at=known), encoding="utf-8")
    with Timeline() as other:
        import_file(other, path)
        for day in [d for d in knowledge_days(story) if d is not None and d <= known]:
            assert answers(other, day) == answers(story, day), day
        assert answers(other, None) == answers(story, known)


def test_event_data_round_trips_through_plover(tmp_path: Path) -> None:
    data = Path(__file__).parents[1] / "data" / "icews-events.tsv"
    with Timeline() as tl:
        take(tl, data, reported=When("2023-05-01"))
        path = tmp_path / "icews.plover"
        path.write_text(export(tl, "plover"), encoding="utf-8")
        with Timeline() as other:
            assert take(other, path) == []
            assert other.developments() == tl.developments()
            mnuchin = other.registry.actors["USA.STEVEN_MNUCHIN"]
            assert (mnuchin.name, mnuchin.country) == ("Steven Mnuchin", "USA")


def test_a_plain_plover_record_maps_its_event_type_back_to_a_kind(tmp_path: Path) -> None:
    records = [
        {"id": "PHOX-1", "date": "2019-04-02", "actor": [{"code": "USA", "sector": "GOV"}],
         "recipient": [{"code": "TUR", "actor_text": "Turkey"}], "event": ["AGREE"],
         "context": ["military"], "cite_info": {"publication": "Reuters"},
         "coded_date": "2019-04-03"},
        {"id": "PHOX-2", "date": "2019-04-03", "enddate": "2019-04-05",
         "source": [{"code": "TUR"}], "event": ["THREATEN"], "text": "A warning.",
         "coded_date": "2019-04-06"},
        {"id": "PHOX-3", "date": "2019-04-06", "actor": [{"code": "USA"}],
         "event": ["AID"], "event_scale": 7.5, "coded_date": "2019-04-06"},
    ]  # fmt: skip
    path = tmp_path / "plain.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with Timeline() as tl:
        assert take(tl, path) == []
        found = {d.id: d for d in tl.developments()}
        assert found["phox-1"].kind is Kind.APPROVAL
        assert found["phox-1"].actors == ("USA.GOV",)
        assert found["phox-1"].targets == ("TUR",)
        assert found["phox-1"].reported == When("2019-04-03")
        assert found["phox-2"].kind is Kind.THREAT
        assert found["phox-2"].occurred == When("2019-04-03/2019-04-05")
        assert found["phox-2"].summary == "A warning."
        # An AID record without its recipient is read as the data says, not refused.
        assert (found["phox-3"].kind, found["phox-3"].weight) == (Kind.AID, 7.5)


def test_a_bad_correction_in_a_records_history_is_refused_naming_its_line(
    story: Timeline, tmp_path: Path
) -> None:
    meta, records = plover_lines(export(story, "plover"))
    ranked = next(
        i for i, r in enumerate(records) if "rankings" in r["timeline"].get("history", {})
    )
    records[ranked]["timeline"]["history"]["rankings"][0]["rank"] = "best"
    del meta["sha256"]  # edited on purpose
    path = tmp_path / "bad.plover"
    path.write_text("".join(json.dumps(x) + "\n" for x in [meta, *records]), encoding="utf-8")
    rejected = [r for r in open_records(path, registry=Registry()) if isinstance(r, Rejected)]
    assert len(rejected) == 1
    assert rejected[0].line == ranked + 2  # after the meta line
    assert "expected a rank" in rejected[0].reason
