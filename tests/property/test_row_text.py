"""A dataset row written straight as its stored text is the checked development's text."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import actor_names, cameo_codes, scale_weights, whens
from timeline.engine._application import StoreApplication
from timeline.engine._encode import StoredEvents
from timeline.engine._registry import Registry
from timeline.engine.errors import RecordError
from timeline.engine.values import Development, Kind
from timeline.engine.when import When
from timeline.formats import open_records
from timeline.formats._events import Event, Written
from timeline.formats._read_process import _encoder
from timeline.formats._records import Row
from timeline.formats._row_text import RowText
from timeline.formats.gdelt import COLUMNS

EVENTS = StoredEvents(StoreApplication().mapper)
ROW_TEXT = RowText(EVENTS)
DATA = Path(__file__).resolve().parent.parent / "data"
REPORTED = When("2024-01-01")

# Usual parts, and for each part values a check refuses or a converter changes.
_texts = st.text(min_size=1, max_size=12).filter(lambda t: not t.isspace()) | actor_names()
_odd_texts = st.sampled_from(["", " ", "\t", "x\ud800", 3])
_ids = st.sampled_from(["gdelt-1", "acled-ARG1", "a-" + "1" * 198])
_words = st.lists(st.sampled_from(["visit", "economic", "Ünïcode"]), max_size=2).map(tuple)
_ODD: dict[str, st.SearchStrategy[Any]] = {
    "ident": st.sampled_from(["Bad Id", "x" * 201, "", "gdelt-1 "]),
    "occurred": st.just("2019-04-12"),
    "kind": st.just("threat"),
    "summary": _odd_texts,
    "actors": st.sampled_from([(), ["USA"], ("USA", 3)]),
    "targets": st.sampled_from([["TUR"], ("USA", "USA"), (3,)]),
    "publisher": _odd_texts,
    "url": _odd_texts,
    "coded": _odd_texts,
    "mode": st.sampled_from([["visit"], ("",), (" ",), (3,)]),
    "weight": st.sampled_from([11.0, -10.5, float("nan"), float("inf"), -0.0, 3, "1"]),
}


@st.composite
def row_fields(draw: st.DrawFn, odd: str | None = None) -> dict[str, Any]:
    """What a reader gives `Event.make`: usual parts, and the `odd` one as a check refuses."""
    actors = draw(st.lists(st.sampled_from(["USA", "TUR", "RUS.GOV"]), min_size=1, max_size=2))
    fields = {
        "ident": draw(_ids),
        "occurred": draw(whens()),
        "reported": draw(whens()),
        "kind": draw(st.sampled_from(Kind)),
        "summary": draw(_texts),
        "actors": tuple(actors),
        "targets": draw(st.lists(st.sampled_from(["USA", "TUR", "SYR"]), max_size=3).map(tuple)),
        "publisher": draw(st.sampled_from(["", "example.com"]) | _texts),
        "url": draw(st.sampled_from([None, "", "https://example.com/a?b=1"]) | _texts),
        "coded": draw(st.none() | st.just("") | cameo_codes() | _texts),
        "mode": draw(_words),
        "context": draw(_words),
        "weight": draw(st.none() | scale_weights()),
    }
    if odd is not None:
        fields[odd] = draw(_ODD[odd])
    return fields


def _outcome(make: Callable[[], Any]) -> Any:
    try:
        return make()
    except RecordError as error:
        return (type(error), str(error))


@given(row_fields())
def test_a_rows_text_is_the_text_of_the_development_event_make_makes(
    fields: dict[str, Any],
) -> None:
    ident = fields.pop("ident")
    _same_as_checked(ident, fields)


@pytest.mark.parametrize("odd", sorted(_ODD))
@given(data=st.data())
def test_a_row_with_a_part_refused_or_converted_is_made_as_event_make_makes_it(
    odd: str, data: st.DataObject
) -> None:
    fields = data.draw(row_fields(odd))
    ident = fields.pop("ident")
    _same_as_checked(ident, fields)


def _same_as_checked(ident: str, fields: dict[str, Any]) -> None:
    """`RowText.make` gives the text of `Event.make`'s development, or does as it does."""
    checked = _outcome(lambda: Event.make(ident, **fields))
    written = _outcome(lambda: ROW_TEXT.make(ident, **fields))
    if type(written) is Written:
        assert isinstance(checked, Development)
        assert (written.id, written.text) == (checked.id, EVENTS.development_text(checked))
    else:  # made by `Event.make` itself: the same development, or the same refusal
        assert written == checked


def test_a_usual_row_is_written_without_its_development() -> None:
    fields = {"occurred": When("2019-04-12"), "reported": REPORTED, "kind": Kind.THREAT}
    fields |= {"summary": "A / threaten / B.", "actors": ("USA",), "publisher": "GDELT"}
    written = ROW_TEXT.make("gdelt-1", **fields, weight=-5.8, coded="1312", mode=("restrict",))
    assert type(written) is Written


def _records(path: Path, written: bool, form: str | None = None) -> list[Any]:
    """The file's records as the reader process sends them, read checked or written."""
    records = open_records(path, registry=Registry(), format=form, reported=REPORTED)
    encode = _encoder(EVENTS)
    return [encode(r) for r in (records.written(ROW_TEXT.make) if written else records)]


SAMPLES = ("gdelt-events.tsv", "gdelt-events-header.tsv", "icews-events.tsv")


@pytest.mark.parametrize("name", [*SAMPLES, "polecat-events.tsv", "acled-events.csv"])
def test_every_sample_reads_written_as_it_reads_checked(name: str) -> None:
    checked, written = _records(DATA / name, False), _records(DATA / name, True)
    assert written == checked  # the same actors, texts and rejections, in the same order
    assert any(type(r) is tuple for r in written)  # some rows' texts were made
    assert all(type(r) is not Row for r in written)


# Each GDELT cell read: its usual values, then values its reading refuses.
_CELLS: dict[str, tuple[st.SearchStrategy[str], st.SearchStrategy[str]]] = {
    "GLOBALEVENTID": (st.sampled_from(["834567001", "7"]), st.sampled_from(["", "12a", " "])),
    "SQLDATE": (
        st.sampled_from(["20190412", "20200229"]),
        st.sampled_from(["20190230", "2019041"]),
    ),
    "DATEADDED": (st.just("20190413081500"), st.sampled_from(["20190412", "", "2019x413081500"])),
    "EventCode": (cameo_codes(), st.sampled_from(["", "999", "04x"])),
    "GoldsteinScale": (st.sampled_from(["", "-10", "1.90", "0"]), st.sampled_from(["10.5", "x"])),
    "SOURCEURL": (
        st.sampled_from(["", "https://www.example.com/a", "HTTP://Ex.com/", "not a url"]),
        st.just(" "),
    ),
}
_CODES = st.sampled_from(["USAGOV", "TUR", "SYRREB", "", "usa", "IGOUNO"])


@st.composite
def gdelt_rows(draw: st.DrawFn) -> str:
    """A GDELT row of usual cells, now and then one its reading refuses or a column short."""
    cells = [""] * len(COLUMNS)
    at = {name: i for i, name in enumerate(COLUMNS)}
    odd = draw(st.none() | st.sampled_from([*sorted(_CELLS), "short"]))
    for name, (usual, refused) in _CELLS.items():
        cells[at[name]] = draw(refused if name == odd else usual)
    for which in ("Actor1", "Actor2"):
        cells[at[f"{which}Code"]] = draw(_CODES)
        cells[at[f"{which}Name"]] = draw(st.sampled_from(["", "TURKEY"]) | actor_names())
        cells[at[f"{which}CountryCode"]] = draw(st.sampled_from(["", "USA", "SYR"]))
    if odd == "short":
        cells.pop()
    return "\t".join(cells)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(gdelt_rows(), min_size=1, max_size=6))
def test_generated_gdelt_rows_read_written_as_they_read_checked(rows: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.tsv"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        assert _records(path, True, "gdelt") == _records(path, False, "gdelt")
