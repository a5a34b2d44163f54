"""Records written in each dataset's format from generated values read back to those values."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import attrs
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import (
    ACTORS,
    actor_names,
    cameo_codes,
    days,
    plover_types,
    registry_actors,
    registry_topics,
    scale_weights,
    stories,
)
from timeline.engine import Actor, Development, Kind, When
from timeline.engine._cameo import ROOTS
from timeline.engine._coding import cameo_kind, kind_of
from timeline.engine._registry import Registry
from timeline.formats import Item, Rejected, acled, gdelt, icews, open_records, polecat
from timeline.formats._plover_write import plover_records

COUNTRIES = ("USA", "TUR", "RUS", "SYR", "ARG", "DEU")


@st.composite
def aimed_stories(draw: st.DrawFn) -> list[Development]:
    """Stories with targets, and event data's code, mode, context and weight on some."""
    return [
        attrs.evolve(
            d,
            targets=tuple(
                t
                for t in draw(st.lists(st.sampled_from(ACTORS), max_size=2, unique=True))
                if t not in d.actors
            ),
            coded=draw(st.none() | cameo_codes()),
            mode=tuple(draw(st.lists(st.sampled_from(["visit", "arrest"]), max_size=1))),
            context=tuple(draw(st.lists(st.sampled_from(["military", "legal"]), max_size=1))),
            weight=draw(st.none() | scale_weights()),
        )
        for d in draw(stories())
    ]


def _read(text: str, suffix: str, reported: When | None = None) -> list[object]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"file{suffix}"
        path.write_text(text, encoding="utf-8")
        return list(open_records(path, registry=Registry(), reported=reported))


def _one(found: list[object]) -> Development:
    assert not [r for r in found if isinstance(r, Rejected)], found
    made = [i.value for i in found if isinstance(i, Item) and isinstance(i.value, Development)]
    assert len(made) == 1
    return made[0]


def _names(found: list[object]) -> dict[str, str]:
    return {
        i.value.id: i.value.name
        for i in found
        if isinstance(i, Item) and isinstance(i.value, Actor)
    }


@given(
    ident=st.integers(1, 10**10),
    day=days(),
    added=st.integers(0, 400),
    code=cameo_codes(),
    weight=scale_weights(),
    names=st.tuples(actor_names(), actor_names()),
    countries=st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(COUNTRIES)),
)
def test_a_gdelt_row_reads_back_to_the_values_written(
    ident: int,
    day: dt.date,
    added: int,
    code: str,
    weight: float,
    names: tuple[str, str],
    countries: tuple[str, str],
) -> None:
    stamp = day + dt.timedelta(days=added)
    cells = dict.fromkeys(gdelt.COLUMNS, "")
    cells.update(
        GLOBALEVENTID=str(ident),
        SQLDATE=day.strftime("%Y%m%d"),
        Actor1Code=countries[0],
        Actor1Name=names[0],
        Actor1CountryCode=countries[0],
        Actor2Code=countries[1],
        Actor2Name=names[1],
        Actor2CountryCode=countries[1],
        EventCode=code,
        GoldsteinScale=str(weight),
        DATEADDED=stamp.strftime("%Y%m%d") + "101500",
        SOURCEURL="https://example.org/story",
    )
    found = _read("\t".join(cells.values()) + "\n", ".csv")
    event = _one(found)
    expected = cameo_kind(code)
    assert expected is not None
    assert event.id == f"gdelt-{ident}"
    assert (event.occurred, event.reported) == (When.day(day), When.day(stamp))
    assert (event.kind, event.mode, event.context) == expected
    assert (event.coded, event.weight) == (code, weight)
    shown = _names(found)
    assert shown[event.actors[0]].startswith(" ".join(names[0].split()))
    assert event.actors[0].split(".")[0] == countries[0]


@given(
    ident=st.integers(1, 10**6),
    day=days(),
    precision=st.sampled_from("123"),
    changed=st.integers(0, 10**5),
    kind=st.sampled_from(sorted(acled._TYPES)),
    name=actor_names(),
)
def test_an_acled_row_reads_back_to_the_values_written(
    ident: int, day: dt.date, precision: str, changed: int, kind: str, name: str
) -> None:
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(
        minutes=changed
    )
    cells = dict.fromkeys(acled.COLUMNS, "")
    cells.update(
        event_id_cnty=f"ARG{ident}",
        event_date=day.isoformat(),
        time_precision=precision,
        event_type=kind.title(),
        actor1=name,
        country="Argentina",
        timestamp=str(int(moment.timestamp())),
        notes="A note, with a comma\nand a second line.",
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cells.keys())
    writer.writerow(cells.values())
    event = _one(_read(out.getvalue(), ".txt"))
    assert event.id == f"acled-ARG{ident}"
    assert event.reported == When.day(moment.date())
    assert event.occurred.contains(day)
    span = (event.occurred.latest - event.occurred.earliest).days + 1
    assert span == {"1": 1, "2": 7}.get(precision, span)
    if precision == "3":
        assert event.occurred == When(f"{day.year:04d}-{day.month:02d}")
    assert event.kind is acled._TYPES[kind][0]


@given(st.one_of(plover_types(), cameo_codes()), days())
def test_every_plover_type_and_cameo_code_is_a_development(event: str, day: dt.date) -> None:
    record = {
        "id": "x",
        "date": day.isoformat(),
        "actor": [{"code": "USA", "actor_text": "Someone"}],
        "recipient": [{"code": "TUR"}],
        "event": [event],
        "coded_date": day.isoformat(),
    }
    development = _one(_read(json.dumps(record) + "\n", ".json"))
    assert development.coded == event
    if event.isdigit():
        found = cameo_kind(event)
        assert found is not None
        assert development.kind is found[0]
    else:
        assert development.kind is kind_of(event)


def test_every_cameo_root_is_a_development_of_its_kind() -> None:
    for root in ROOTS:
        found = cameo_kind(f"{root}0")
        assert found is not None
        assert isinstance(found[0], Kind)
    assert cameo_kind("010") == (Kind.STATEMENT, (), ())
    assert cameo_kind("020") == (Kind.APPEAL, (), ())


@given(
    ident=st.integers(1, 10**8),
    day=days(),
    code=cameo_codes(),
    weight=scale_weights(),
    names=st.tuples(actor_names(), actor_names()),
)
def test_an_icews_row_reads_back_to_the_values_written(
    ident: int, day: dt.date, code: str, weight: float, names: tuple[str, str]
) -> None:
    cells = dict.fromkeys(icews.COLUMNS, "")
    cells.update(
        {
            "Event ID": str(ident),
            "Event Date": day.isoformat(),
            "Source Name": names[0],
            "Source Country": "Turkey",
            "CAMEO Code": code,
            "Intensity": str(weight),
            "Target Name": names[1],
            "Target Country": "Germany",
            "Publisher": "A Wire",
        }
    )
    text = "\t".join(cells) + "\n" + "\t".join(cells.values()) + "\n"
    found = _read(text, ".tsv", reported=When("2023-05-01"))
    event = _one(found)
    assert (event.id, event.occurred, event.reported) == (
        f"icews-{ident}",
        When.day(day),
        When("2023-05-01"),
    )
    assert (event.coded, event.weight, event.source.publisher) == (code, weight, "A Wire")
    assert event.actors[0].startswith("TUR")
    assert all(t.startswith("DEU") for t in event.targets)


@given(
    day=days(),
    event=plover_types(),
    weight=scale_weights(),
    who=st.lists(actor_names(), min_size=1, max_size=3, unique_by=lambda n: n.casefold()),
    wikidata=st.integers(1, 10**7),
)
def test_a_polecat_row_reads_back_to_the_values_written(
    day: dt.date, event: str, weight: float, who: list[str], wikidata: int
) -> None:
    cells = dict.fromkeys(polecat.COLUMNS, "")
    cells.update(
        {
            "Event ID": "e-1",
            "Event Date": day.isoformat(),
            "Event Type": event,
            "Event Intensity": str(weight),
            "Actor Name": ";".join(who),
            "Actor Country": "TUR",
            "Wikipedia Actor ID": f"Q{wikidata}",
            "Publication Date": day.isoformat(),
        }
    )
    text = "\t".join(cells) + "\n" + "\t".join(cells.values()) + "\n"
    found = _read(text, ".tsv")
    development = _one(found)
    assert (development.coded, development.weight, development.kind) == (
        event,
        weight,
        kind_of(event),
    )
    assert len(development.actors) == len({" ".join(n.split()).casefold() for n in who})
    first = next(
        i.value
        for i in found
        if isinstance(i, Item)
        and isinstance(i.value, Actor)
        and i.value.id == development.actors[0]
    )
    assert first.wikidata == f"Q{wikidata}"


@given(aimed_stories())
def test_plover_written_by_timeline_reads_back_to_the_same_developments(
    story: list[Development],
) -> None:
    if not story:
        return  # an empty file is in no format
    text = "".join(json.dumps(r) + "\n" for r in plover_records(story).records)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "story.plover"
        path.write_text(text, encoding="utf-8")
        registry = Registry(registry_actors(), registry_topics())
        found = list(open_records(path, registry=registry))
    assert [r for r in found if isinstance(r, Rejected)] == []
    read = [i.value for i in found if isinstance(i, Item)]
    assert read == story
