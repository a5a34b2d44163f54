"""The field's own formats read by `timeline.formats`: GDELT, ICEWS, ACLED, POLECAT, PLOVER.

The files under tests/data are written from each codebook (and one real PLOVER sample);
see tests/data/README.md.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from timeline import Timeline
from timeline.engine import Actor, Development, Kind, LoadError, Retraction, When
from timeline.engine._registry import Registry
from timeline.formats import Item, Records, Rejected, open_records, polecat

DATA = Path(__file__).parents[1] / "data"
DAY = When("2019-01-01")


def read(name: str, reported: When | None = DAY, path: Path | None = None) -> list[object]:
    return list(open_records(path or DATA / name, registry=Registry(), reported=reported))


def developments(found: Iterable[object]) -> dict[str, Development]:
    return {
        i.value.id: i.value
        for i in found
        if isinstance(i, Item) and isinstance(i.value, Development)
    }


def actors(found: Iterable[object]) -> dict[str, Actor]:
    return {
        i.value.id: i.value for i in found if isinstance(i, Item) and isinstance(i.value, Actor)
    }


def rejected(found: Iterable[object]) -> dict[int, str]:
    return {r.line: r.reason for r in found if isinstance(r, Rejected)}


@pytest.mark.parametrize(
    ("name", "form", "dataset"),
    [
        ("gdelt-events.tsv", "gdelt", "gdelt"),
        ("gdelt-events-header.tsv", "gdelt", "gdelt"),
        ("icews-events.tsv", "icews", "icews"),
        ("acled-events.csv", "acled", "acled"),
        ("acled-deletions.csv", "acled-deletions", "acled"),
        ("polecat-events.tsv", "polecat", "polecat"),
        ("plover-gsr-excerpt.txt", "plover", None),
    ],
)
def test_each_format_is_recognised_by_its_content(
    tmp_path: Path, name: str, form: str, dataset: str | None
) -> None:
    renamed = tmp_path / "download"
    shutil.copy(DATA / name, renamed)
    records = open_records(renamed, registry=Registry(), reported=DAY)
    assert (records.format, records.dataset) == (form, dataset)
    assert records.notes == open_records(DATA / name, registry=Registry(), reported=DAY).notes


@pytest.mark.parametrize(
    "name",
    [
        "gdelt-events.tsv",
        "icews-events.tsv",
        "acled-events.csv",
        "polecat-events.tsv",
        "plover-gsr-excerpt.txt",
    ],
)
def test_records_come_in_file_order_with_each_actor_before_its_first_use(name: str) -> None:
    found = read(name)
    lines = [r.line for r in found if isinstance(r, Item | Rejected)]
    assert lines == sorted(lines)
    seen: set[str] = set()
    for record in found:
        if isinstance(record, Item) and isinstance(record.value, Actor):
            seen.add(record.value.id)
        elif isinstance(record, Item) and isinstance(record.value, Development):
            assert set(record.value.actors) | set(record.value.targets) <= seen


def test_records_are_read_lazily() -> None:
    records = open_records(DATA / "gdelt-events.tsv", registry=Registry())
    first = next(iter(records))
    assert isinstance(first, Item)
    assert first.line == 1


# -- GDELT ----------------------------------------------------------------------------


def test_gdelt_rows_keep_their_date_added_goldstein_scale_and_cameo_code() -> None:
    found = read("gdelt-events.tsv", reported=None)
    threat = developments(found)["gdelt-834567001"]
    assert threat.occurred == When("2019-04-12")
    assert threat.reported == When("2019-04-13")  # DATEADDED, not the event's day
    assert (threat.kind, threat.coded, threat.weight) == (Kind.THREAT, "1312", -5.8)
    assert (threat.mode, threat.context) == (("restrict",), ("economic",))
    assert threat.actors == ("USA.GOV.PRESIDENT",)
    assert threat.targets == ("TUR",)
    assert threat.source.url == "https://www.example.com/news/1"
    assert threat.source.publisher == "example.com"
    fight = developments(found)["gdelt-834567003"]
    assert (fight.kind, fight.context, fight.weight) == (Kind.ASSAULT, ("military",), -10.0)
    assert fight.actors == ("XXX",)  # no Actor1: the unknown actor
    assert actors(found)["SYR.REB.REBEL"].sector == "REB"


def test_a_gdelt_header_line_is_skipped_and_gives_the_same_events() -> None:
    plain = developments(read("gdelt-events.tsv"))
    headed = developments(read("gdelt-events-header.tsv"))
    assert headed == {k: v for k, v in plain.items() if k in headed}
    assert len(headed) == 2


def test_bad_gdelt_rows_are_rejected_with_line_and_column() -> None:
    problems = rejected(read("gdelt-events.tsv"))
    assert set(problems) == {4, 5}
    assert problems[4].startswith("column 'DATEADDED': found '2019041'; expected")
    assert problems[5].startswith("column 'EventCode': found '999'; expected a CAMEO")


# -- ICEWS ----------------------------------------------------------------------------


def test_icews_needs_a_reported_date_and_says_so() -> None:
    with pytest.raises(LoadError, match="--reported DATE is required"):
        open_records(DATA / "icews-events.tsv", registry=Registry())


def test_icews_events_weigh_by_intensity_and_keep_named_actors_apart() -> None:
    found = read("icews-events.tsv", reported=When("2023-05-01"))
    events = developments(found)
    comment = events["icews-26118000"]
    assert comment.reported == When("2023-05-01")
    assert (comment.kind, comment.coded, comment.weight) == (Kind.STATEMENT, "012", -0.4)
    assert comment.actors == ("USA.STEVEN_MNUCHIN",)
    people = actors(found)
    assert people["USA.STEVEN_MNUCHIN"].name == "Steven Mnuchin"
    assert people["USA.STEVEN_MNUCHIN"].sector == "Government,Executive,Cabinet"
    assert people["USA.GOVERNMENT_UNITED_STATES"].country == "USA"
    assert events["icews-26118001"].targets == ("TUR.RECEP_TAYYIP_ERDOGAN",)
    assert events["icews-26118002"].targets == ("PSE.PALESTINIAN_TERRITORY_OCCUPIED",)
    arrest = events["icews-26118003"]
    assert (arrest.kind, arrest.mode, arrest.context) == (Kind.COERCION, ("arrest",), ("legal",))
    problems = rejected(found)
    assert problems[6] == "column 'Event Date': found '2018-12-32'; 2018-12-32 is no calendar day"
    assert problems[7] == "column 'Intensity': found 'very'; expected a number"


def test_icews_relations_weigh_by_the_datas_own_intensity() -> None:
    with Timeline() as tl:
        for record in read("icews-events.tsv"):
            if isinstance(record, Item) and isinstance(record.value, Actor):
                tl.register_actor(record.value)
            elif isinstance(record, Item) and isinstance(record.value, Development):
                tl.record(record.value)
        found = tl.relations("ISR", "PSE")
        assert found.score == -10.0  # Intensity, not the assault kind's default -9
        listed = {a.id: a for a in tl.registry.actors.values()}
        assert listed["USA.STEVEN_MNUCHIN"].sector == "Government,Executive,Cabinet"


# -- ACLED ----------------------------------------------------------------------------


def test_acled_keeps_time_precision_as_spans_and_timestamp_as_knowledge_time() -> None:
    found = read("acled-events.csv", reported=None)
    events = developments(found)
    protest = events["acled-ARG12345"]
    assert protest.occurred == When("2023-03-08")
    assert protest.reported == When("2023-03-13")  # timestamp 1678741200
    assert (protest.kind, protest.mode, protest.coded) == (
        Kind.PROTEST,
        ("demo",),
        "Protests: Peaceful protest",
    )
    assert events["acled-ARG12346"].occurred == When("2023-03-12/2023-03-18")
    assert events["acled-ARG12347"].occurred == When("2023-03")
    assert events["acled-ARG12347"].kind is Kind.COERCION
    assert events["acled-ARG12346"].targets == ("ARG.CIVILIANS_ARGENTINA",)
    assert actors(found)["ARG.PROTESTERS_ARGENTINA"].sector == "Protesters"


def test_acled_rows_spanning_lines_are_located_at_their_first_line() -> None:
    found = read("acled-events.csv")
    items = [r for r in found if isinstance(r, Item) and isinstance(r.value, Development)]
    assert [i.line for i in items] == [2, 4, 5]  # the notes of line 2 run onto line 3
    problems = rejected(found)
    assert problems[6].startswith("column 'timestamp': found 'not a time'")
    assert problems[7].startswith("column 'event_type': found 'Picnics'; expected one of")


def test_acled_deletions_are_retractions_known_from_their_deletion_day() -> None:
    found = read("acled-deletions.csv", reported=None)
    retracted = [r for r in found if isinstance(r, Item)]
    assert [r.development for r in retracted] == ["acled-ARG12346", "acled-ARG10001"]
    first = retracted[0].value
    assert isinstance(first, Retraction)
    assert first.reported == When("2023-04-03")
    assert rejected(found)[4].startswith("column 'deleted_timestamp': found 'yesterday'")


# -- POLECAT --------------------------------------------------------------------------


def test_polecat_keeps_plover_types_wikidata_ids_and_several_actors() -> None:
    found = read("polecat-events.tsv", reported=None)
    events = developments(found)
    accuse = events["polecat-20230105-2200-6c7a1c"]
    assert accuse.reported == When("2023-01-05")
    assert (accuse.kind, accuse.mode, accuse.context) == (
        Kind.ACCUSATION,
        ("allege",),
        ("military", "legal"),
    )
    assert accuse.weight == -2.5
    people = actors(found)
    assert people["TUR.RECEP_TAYYIP_ERDOGAN"].wikidata == "Q39723"
    assert people["SWE"].wikidata == "Q34"
    visit = events["polecat-20230105-2200-6c7a1d"]
    assert visit.actors == ("TUR.MEVLUT_CAVUSOGLU", "TUR.IBRAHIM_KALIN")
    fight = events["polecat-20230105-2200-6c7a1e"]
    assert (fight.kind, fight.coded, fight.context) == (Kind.ASSAULT, "FIGHT", ("military",))
    problems = rejected(found)
    assert problems[5].startswith("column 'Event Type': found 'DANCE'")
    assert problems[6].startswith("column 'Publication Date': empty")


def test_polecat_archive_files_name_the_intensity_otherwise_and_write_none(
    tmp_path: Path,
) -> None:
    # Archive files call the column Intensity; some weekly files add a Headline; a
    # cell with no value holds the word None.
    header = [("Intensity" if c == "Event Intensity" else c) for c in polecat.COLUMNS]
    cells = dict.fromkeys([*header, "Headline"], "None")
    cells.update(
        {
            "Event ID": "e-1",
            "Event Date": "2018-01-02",
            "Event Type": "THREATEN",
            "Intensity": "-4.0",
            "Actor Name": "Turkey",
            "Actor Country": "TUR",
            "Publication Date": "2018-01-03",
            "Headline": "Turkey threatens",
        }
    )
    path = tmp_path / "ngecEvents-2018-Jan.txt"
    path.write_text("\t".join(cells) + "\n" + "\t".join(cells.values()) + "\n")
    found = read("", reported=None, path=path)
    assert rejected(found) == {}
    threat = developments(found)["polecat-e-1"]
    assert (threat.weight, threat.targets, threat.mode, threat.context) == (-4.0, (), (), ())
    assert threat.source.publisher == "POLECAT"  # Source was None


# -- PLOVER ---------------------------------------------------------------------------


def test_the_plover_gold_standard_reads_as_published() -> None:
    found = read("plover-gsr-excerpt.txt", reported=None)
    assert rejected(found) == {}
    events = developments(found)
    assert len(events) == 8
    agree = events["plover-gsr01-agree-0001"]
    assert agree.reported == When("2016-12-12")  # dateCoded
    assert agree.actors == ("HUN.GOV.HUNGARIAN", "ROU.GOV.ROMANIAN")
    assert agree.kind is Kind.PROPOSAL
    accuse = events["plover-gsr01-disapprove-0006"]
    assert (accuse.kind, accuse.coded, accuse.mode) == (
        Kind.ACCUSATION,
        "DISAPPROVE",
        ("disapprove",),
    )
    assert events["plover-gsr01-disapprove-0016"].targets == ("TUR",)  # code "---"
    assert events["plover-gsr01-agree-0003"].actors == ("USA", "JOR")
    assert actors(found)["GBR.GOV.BRITISH_DEFENCE_SECRETARY_TOM_KING"].sector == "GOV"


def test_plover_without_a_coding_date_needs_reported(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(
        '[{"id": "a", "date": "2020-01-02", "actor": [{"code": "USA"}], "event": ["CONSULT"]}]'
    )
    with pytest.raises(LoadError, match="--reported DATE is required"):
        open_records(path, registry=Registry())
    found = developments(read("", reported=When("2020-02-01"), path=path))
    assert found["a"].reported == When("2020-02-01")
    assert found["a"].kind is Kind.CONSULTATION


def test_bad_plover_records_are_rejected_with_their_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"id": "a", "date": "2020-01-02", "actor": [{"code": "USA"}], "event": ["DANCE"], '
        '"coded_date": "2020-01-03"}\n'
        "not json at all\n"
        '{"id": "b", "date": "2020-13-02", "actor": [{"code": "USA"}], "event": "042", '
        '"coded_date": "2020-01-03"}\n'
        '{"id": "c", "date": "2020-01-02", "actor": [{"code": "usa"}], "event": "REQUEST", '
        '"coded_date": "2020-01-03"}\n'
    )
    problems = rejected(read("", reported=None, path=path))
    assert set(problems) == {1, 2, 3, 4}
    assert "field 'event[0]': found 'DANCE'; expected a PLOVER type" in problems[1]
    assert problems[2] == "not JSON: expected an object"
    assert "field 'date': found text '2020-13-02'; expected a date" in problems[3]
    assert "field 'actor[0].code': found text 'usa'; expected a 3-letter code" in problems[4]


def test_records_is_the_seam_the_import_reads() -> None:
    records = open_records(DATA / "polecat-events.tsv", registry=Registry())
    assert isinstance(records, Records)
    assert records.meta is None
    assert any("Publication Date" in note for note in records.notes)


def test_one_name_in_several_countries_and_sectors_is_several_actors() -> None:
    from timeline.formats._actors import Actors

    made = Actors(Registry())
    ids = [
        made.find("Police", "USA"),
        made.find("Police", "TUR"),
        made.find("Police", "TUR", roles=("GOV",)),
        made.find("Police", "TUR"),
    ]
    assert ids == ["USA.POLICE", "TUR.POLICE", "TUR.GOV.POLICE", "TUR.POLICE"]
    names = [a.value.name for a in made.pending(1) if isinstance(a.value, Actor)]
    assert len(names) == len(set(names))  # every display name stands for one actor
    assert "Police" in names
