"""GDELT 2.0 event rows: tab-separated, 61 columns, with or without a header line.

Written from the GDELT 2.0 Event Database codebook.  The id is `gdelt-GLOBALEVENTID`;
occurred is SQLDATE; reported is DATEADDED (the UTC day GDELT first recorded the
event, its knowledge time); the kind, mode and context come from EventCode through
the CAMEO→PLOVER crosswalk, and the weight for relations is GoldsteinScale.  Actor1
is the actor and Actor2 the target, each found by its CAMEO actor code and name
(`USAGOV` "PRESIDENT" → `USA.GOV.PRESIDENT`); a row with no Actor1 is kept under the
unknown actor `XXX`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from timeline.engine._import_lines import Item
from timeline.engine._registry import Registry
from timeline.engine.values import Development
from timeline.engine.when import When
from timeline.formats._actors import Actors
from timeline.formats._dates import compact_day, stamp_day
from timeline.formats._events import (
    Cells,
    Event,
    Make,
    RowError,
    Written,
    cameo,
    cameo_label,
    publisher_of,
    read_rows,
)
from timeline.formats._records import Format, Head, Reader, Yield
from timeline.formats._tabular import rows

__all__ = ["COLUMNS", "GDELT"]

_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR),
    *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO),
    *(f"Actor2Geo_{c}" for c in _GEO),
    *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED",
    "SOURCEURL",
)
_POSITION: Mapping[str, int] = {name: i for i, name in enumerate(COLUMNS)}


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip().casefold() == "globaleventid"


def _recognise(head: Head) -> bool:
    lines = head.lines
    if not lines:
        return False
    cells = lines[0].split("\t")
    if len(cells) != len(COLUMNS):
        return False
    if _is_header(cells):
        return True
    return cells[0].isdigit() and len(cells[1]) == 8 and cells[1].isdigit()


# Each actor's cells by position (code, name, country, type): a row's length is
# checked first, so they are read straight from the row, as often as twenty a row.
_ACTOR_CELLS = {
    which: tuple(_POSITION[f"{which}{c}"] for c in ("Code", "Name", "CountryCode", "Type1Code"))
    for which in ("Actor1", "Actor2")
}
_ID, _CODE, _URL = (_POSITION[c] for c in ("GLOBALEVENTID", "EventCode", "SOURCEURL"))
_PARSED_KEPT = 100_000  # actor cells parsed by `_actor`, kept so memory stays bounded


def _asked(code: str, name: str, country: str, sector: str) -> tuple[Any, ...]:
    """What `Actors.find` is asked for an actor's cells: name, country, sector, roles."""
    top = country or code[:3]
    rest = code[len(top) :] if code.startswith(top) else code
    roles = tuple(rest[i : i + 3] for i in range(0, len(rest), 3) if rest[i : i + 3].isalnum())
    return name or code, top, sector, roles


def _actor(actors: Actors, cells: list[str], which: str, parsed: dict[Any, Any]) -> str | None:
    at_code, at_name, at_country, at_sector = _ACTOR_CELLS[which]
    code, name = cells[at_code].strip(), cells[at_name].strip()
    if not code and not name:
        return None
    key = (code, name, cells[at_country].strip(), cells[at_sector].strip())
    asked = parsed.get(key)
    if asked is None:  # a dataset repeats its actors: each is parsed once
        asked = _asked(*key)
        if len(parsed) < _PARSED_KEPT:
            parsed[key] = asked
    found, top, kind, roles = asked
    return actors.find(found, top, sector=kind or None, roles=roles)


def _development(
    actors: Actors, cells: Cells, parsed: dict[Any, Any], make: Make
) -> Development | Written:
    row = cells.cells
    ident = row[_ID].strip()
    if not ident.isdigit():
        if not ident:
            raise RowError("column 'GLOBALEVENTID': empty; expected GDELT's numeric event id")
        raise RowError(f"column 'GLOBALEVENTID': found {ident!r}; expected digits")
    occurred = cells.read("SQLDATE", compact_day, "the event's day as YYYYMMDD")
    reported = cells.read("DATEADDED", stamp_day, "when GDELT added it, YYYYMMDDHHMMSS")
    code = row[_CODE].strip()
    if not code:
        raise RowError("column 'EventCode': empty; expected a CAMEO event code such as '042'")
    kind, mode, context = cameo("EventCode", code)
    weight = cells.number("GoldsteinScale")
    url = row[_URL].strip()
    actor = _actor(actors, row, "Actor1", parsed) or actors.find("")
    target = _actor(actors, row, "Actor2", parsed)
    first, second = row[_ACTOR_CELLS["Actor1"][1]].strip(), row[_ACTOR_CELLS["Actor2"][1]].strip()
    names = [first or "An unidentified actor", cameo_label(code)]
    if second:
        names.append(second)
    return make(
        f"gdelt-{ident}",
        occurred=occurred,
        reported=reported,
        kind=kind,
        summary=f"{' / '.join(names)} (CAMEO {code}, GDELT event {ident}).",
        actors=(actor,),
        targets=(target,) if target else (),
        publisher=publisher_of(url) if url else "GDELT",
        url=url,
        coded=code,
        mode=mode,
        context=context,
        weight=weight,
    )


def _read(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    def records(make: Make = Event.make) -> Iterator[Yield]:
        actors = Actors(registry)
        parsed: dict[Any, Any] = {}
        found = (
            (line, text, Cells(_POSITION, cells))
            for line, text, cells in rows(path, "\t", quoted=False)
            if not _is_header(cells)
        )

        def read(cells: Cells) -> Development | Written | Item:
            if len(cells.cells) != len(COLUMNS):
                raise RowError(
                    f"found {len(cells.cells)} tab-separated columns; expected "
                    f"{len(COLUMNS)} (GDELT 2.0 events)"
                )
            return _development(actors, cells, parsed, make)

        yield from read_rows(found, actors, read)

    return None, _NOTES, records


_NOTES = (
    "GDELT: reported is DATEADDED (when GDELT first recorded the event); relations "
    "weigh each event by its GoldsteinScale",
)

GDELT = Format("gdelt", "gdelt", True, _recognise, _read, writes=True)
