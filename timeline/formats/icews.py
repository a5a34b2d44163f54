"""The ICEWS Coded Event Data as published on Dataverse: a tab-separated file with a header.

Written from the ICEWS Dataverse documentation's column list.  The id is
`icews-EVENTID`; occurred is Event Date; ICEWS carries no date on which an event
became known, so `--reported DATE` gives it; the kind, mode and context come from
CAMEO Code through the CAMEO→PLOVER crosswalk and the weight for relations is
Intensity.  Source and Target are actors by their own names under their country
(`USA.STEVEN_MNUCHIN`), a country named as itself being the country (`USA`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from timeline.engine._registry import Registry
from timeline.engine.values import Development
from timeline.engine.when import When
from timeline.formats._actors import Actors
from timeline.formats._dates import iso_day
from timeline.formats._events import Cells, Event, Make, Written, cameo, read_rows
from timeline.formats._records import Format, Head, Reader, Yield, missing_knowledge
from timeline.formats._tabular import first_columns, headed

__all__ = ["COLUMNS", "ICEWS"]

COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
_NEEDED = {"Event ID", "Event Date", "Source Name", "CAMEO Code", "Intensity"}


def _recognise(head: Head) -> bool:
    return first_columns(head.lines, "\t") >= _NEEDED


def _code(cell: str) -> str:
    # Spreadsheets drop CAMEO's leading zero ("42" for "042"); no ICEWS code is shorter
    # than three digits.
    return cell.zfill(3) if cell.isdigit() and len(cell) < 3 else cell


def _development(actors: Actors, cells: Cells, reported: When, make: Make) -> Development | Written:
    ident = cells.need("Event ID", "ICEWS's event id")
    occurred = cells.read("Event Date", iso_day, "the event's day as YYYY-MM-DD")
    code = _code(cells.need("CAMEO Code", "a CAMEO event code such as '042'"))
    kind, mode, context = cameo("CAMEO Code", code)
    weight = cells.number("Intensity")
    source = cells.need("Source Name", "the name of the actor who acted")
    actor = actors.find(
        source, cells.get("Source Country"), sector=cells.get("Source Sectors") or None
    )
    target_name = cells.get("Target Name")
    target = (
        actors.find(
            target_name, cells.get("Target Country"), sector=cells.get("Target Sectors") or None
        )
        if target_name
        else None
    )
    what = cells.get("Event Text") or code
    summary = f"{source}: {what}" + (f" ({target_name})" if target_name else "")
    return make(
        f"icews-{ident}",
        occurred=occurred,
        reported=reported,
        kind=kind,
        summary=f"{summary}; CAMEO {code}, ICEWS event {ident}.",
        actors=(actor,),
        targets=(target,) if target else (),
        publisher=cells.get("Publisher") or "ICEWS",
        coded=code,
        mode=mode,
        context=context,
        weight=weight,
    )


def _read(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    if reported is None:
        raise missing_knowledge(path, "ICEWS")
    known = reported

    def records(make: Make = Event.make) -> Iterator[Yield]:
        actors = Actors(registry)
        file = headed(path, _NEEDED, "ICEWS")
        if file is None:
            return
        columns, found = file
        cells = ((line, text, Cells(columns, row)) for line, text, row in found)
        yield from read_rows(cells, actors, lambda c: _development(actors, c, known, make))

    return None, _NOTES, records


_NOTES = (
    "ICEWS: reported is the --reported date (ICEWS carries no knowledge time); "
    "relations weigh each event by its Intensity",
)

ICEWS = Format("icews", "icews", False, _recognise, _read, writes=True)
