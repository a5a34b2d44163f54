"""POLECAT's weekly release files: tab-separated, one event a row, with a header line.

POLECAT codes PLOVER directly: Event Type is a PLOVER type, Event Mode and Contexts
its mode and contexts, and Event Intensity (a PLOVER score, -10..+10) the weight
for relations.  The id is `polecat-EVENT_ID`; occurred is Event Date and reported is
Publication Date (the day the story was published, when it could first be known).
Actors keep their names, countries, sectors and Wikidata ids; several actors in one
cell are separated by semicolons.

The columns (`COLUMNS`) are those of the files POLECAT publishes on Harvard
Dataverse (POLECAT Weekly Data, https://doi.org/10.7910/DVN/AJGVIT; its
documentation is https://doi.org/10.7910/DVN/LMFPIP, produced by the Program on
Geostrategic Risk with Leidos), as three independent readers of the real files
write their header: the 40 names, with `District` and `Province` for the place's
parts; the intensity column is `Intensity` in some files and `Event Intensity`
in others, and some weekly files add `Headline`, `Event Text`, `Feed` and
`Story ID` (all read by name, extras ignored; Andreas Beger's notes on the
misformatted files: https://andybeger.com/blog/2024-05-21-polecat-event-data).
A cell with no value is written `None`, and read as empty.
See tests/data/README.md for where each was found.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from timeline.engine._coding import current_type, kind_of
from timeline.engine._registry import Registry
from timeline.engine.values import Development
from timeline.engine.when import When
from timeline.formats._actors import Actors
from timeline.formats._dates import iso_day
from timeline.formats._events import Cells, Event, Make, RowError, Written, read_rows
from timeline.formats._records import Format, Head, Reader, Yield
from timeline.formats._tabular import first_columns, headed

__all__ = ["COLUMNS", "INTENSITY", "POLECAT"]

COLUMNS = (
    "Event ID",
    "Event Date",
    "Event Type",
    "Event Mode",
    "Event Intensity",
    "Quad Code",
    "Contexts",
    "Actor Name",
    "Actor Country",
    "Actor COW",
    "Primary Actor Sector",
    "Actor Sectors",
    "Actor Title",
    "Actor Name Raw",
    "Wikipedia Actor ID",
    "Recipient Name",
    "Recipient Country",
    "Recipient COW",
    "Primary Recipient Sector",
    "Recipient Sectors",
    "Recipient Title",
    "Recipient Name Raw",
    "Wikipedia Recipient ID",
    "Placename",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
    "GeoNames ID",
    "Raw Placename",
    "Feature Type",
    "Source",
    "Publication Date",
    "Story People",
    "Story Organizations",
    "Story Locations",
    "Language",
    "Version",
)
_NEEDED = {"Event ID", "Event Date", "Event Type", "Actor Name", "Publication Date"}
# The intensity column's names: the weekly files of 2023 on, and earlier archive files.
INTENSITY = ("Event Intensity", "Intensity")


def _recognise(head: Head) -> bool:
    return first_columns(head.lines, "\t") >= _NEEDED


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _wikidata(cell: str) -> str | None:
    ident = cell.strip().rsplit("/", 1)[-1]
    return ident if ident[:1] == "Q" and ident[1:].isdigit() else None


# Each role's columns: its names, their countries, their Wikidata ids, its sector.
_ROLES = {
    "Actor": ("Actor Name", "Actor Country", "Wikipedia Actor ID", "Primary Actor Sector"),
    "Recipient": (
        *("Recipient Name", "Recipient Country", "Wikipedia Recipient ID"),
        "Primary Recipient Sector",
    ),
}
_PARSED_KEPT = 100_000  # actor cells parsed by `_asked`, kept so memory stays bounded
Asked = tuple[tuple[str, str, str | None, str | None], ...]


def _asked(names_cell: str, countries_cell: str, ids_cell: str, sector: str) -> Asked:
    """What `Actors.find` is asked for each actor a role's cells name."""
    names, countries, ids = _split(names_cell), _split(countries_cell), _split(ids_cell)
    asked = []
    for i, name in enumerate(names):
        country = countries[i] if i < len(countries) else (countries[0] if countries else "")
        wikidata = _wikidata(ids[i]) if i < len(ids) else None
        asked.append((name, country, sector or None, wikidata))
    return tuple(asked)


def _actors(actors: Actors, cells: Cells, role: str, parsed: dict[Any, Asked]) -> tuple[str, ...]:
    key = tuple(cells.get(column) for column in _ROLES[role])
    asked = parsed.get(key)
    if asked is None:  # a dataset repeats its actors: each set of cells is parsed once
        asked = _asked(*key)
        if len(parsed) < _PARSED_KEPT:
            parsed[key] = asked
    found = [actors.find(n, c, sector=s, wikidata=w) for n, c, s, w in asked]
    return tuple(dict.fromkeys(found))


def _development(
    actors: Actors, cells: Cells, parsed: dict[Any, Asked], make: Make
) -> Development | Written:
    ident = cells.need("Event ID", "POLECAT's event id")
    occurred = cells.read("Event Date", iso_day, "the event's day as YYYY-MM-DD")
    reported = cells.read("Publication Date", iso_day, "the story's day as YYYY-MM-DD")
    event = cells.need("Event Type", "a PLOVER event type such as 'ACCUSE'")
    mode, context = tuple(_split(cells.get("Event Mode"))), tuple(_split(cells.get("Contexts")))
    now = current_type(event, context, mode)
    kind = kind_of(event, context, mode)
    if now is None or kind is None:
        raise RowError(
            f"column 'Event Type': found {event!r}; expected a PLOVER type such as 'ACCUSE'"
        )
    weight = next((cells.number(c) for c in INTENSITY if cells.get(c)), None)
    who = _actors(actors, cells, "Actor", parsed)
    if not who:
        raise RowError("column 'Actor Name': empty; expected the name of the actor who acted")
    whom = _actors(actors, cells, "Recipient", parsed)
    names = cells.get("Actor Name").replace(";", ",")
    summary = f"{names}: {event.lower()}"
    if cells.get("Recipient Name"):
        summary += f" ({cells.get('Recipient Name').replace(';', ',')})"
    return make(
        f"polecat-{ident}",
        occurred=occurred,
        reported=reported,
        kind=kind,
        summary=f"{summary}; POLECAT event {ident}.",
        actors=who,
        targets=whom,
        publisher=cells.get("Source") or "POLECAT",
        coded=event,
        mode=now[1],
        context=now[2],
        weight=weight,
    )


def _read(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    def records(make: Make = Event.make) -> Iterator[Yield]:
        actors = Actors(registry)
        file = headed(path, _NEEDED, "POLECAT")
        if file is None:
            return
        columns, found = file
        cells = ((line, text, Cells(columns, _given(row))) for line, text, row in found)
        parsed: dict[Any, Asked] = {}
        yield from read_rows(cells, actors, lambda c: _development(actors, c, parsed, make))

    return None, _NOTES, records


def _given(row: list[str]) -> list[str]:
    """The row with POLECAT's written-out `None` (no value) as an empty cell."""
    # The substring test first: most cells hold no "None", and it costs no new string.
    return ["" if "None" in cell and cell.strip() == "None" else cell for cell in row]


_NOTES = (
    "POLECAT: reported is Publication Date; relations weigh each event by its Event Intensity "
    "(or Intensity)",
)

POLECAT = Format("polecat", "polecat", True, _recognise, _read, writes=True)
