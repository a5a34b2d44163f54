"""ACLED's CSV (the API's columns) and ACLED's lists of deleted events.

Written from the ACLED codebook.  The id is `acled-EVENT_ID_CNTY`; reported is
`timestamp` (when ACLED last changed the event, its knowledge time); occurred keeps
`time_precision`: 1 is the day, 2 (the source gives only a week or a few days) is
the seven days centred on `event_date`, 3 (only the month) is the whole month.
ACLED's own event types are read as kinds (`_TYPES`); `event_type: sub_event_type`
is kept as the development's code.  Actor 1 is the actor and Actor 2 the target
(ACLED: the two "do not imply directionality"), each under the event's country.
A deletion list (`event_id_cnty`, `deleted_timestamp`) yields retractions.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from typing import Any

from timeline.engine._import_lines import Item
from timeline.engine._registry import Registry
from timeline.engine.corrections import Retraction
from timeline.engine.errors import DateError, LoadError
from timeline.engine.values import Development, Kind
from timeline.engine.when import When
from timeline.formats._actors import Actors
from timeline.formats._dates import CellError, epoch_day, written_day
from timeline.formats._events import Cells, Event, Make, RowError, Written, read_rows
from timeline.formats._records import Format, Head, Reader, Yield
from timeline.formats._tabular import first_columns, rows

__all__ = ["ACLED", "ACLED_DELETIONS", "COLUMNS"]

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
_NEEDED = {"event_id_cnty", "event_date", "event_type", "actor1", "timestamp"}
_DELETIONS = {"event_id_cnty", "deleted_timestamp"}

# ACLED's event types as kinds; a sub-event type adds a PLOVER mode where one fits.
_TYPES: Mapping[str, tuple[Kind, tuple[str, ...]]] = {
    "battles": (Kind.ASSAULT, ("military",)),
    "explosions/remote violence": (Kind.ASSAULT, ("military",)),
    "violence against civilians": (Kind.ASSAULT, ()),
    "protests": (Kind.PROTEST, ()),
    "riots": (Kind.PROTEST, ()),
    "strategic developments": (Kind.STATEMENT, ()),
}
_SUBTYPES: Mapping[str, tuple[Kind | None, str]] = {
    "peaceful protest": (None, "demo"),
    "protest with intervention": (None, "demo"),
    "excessive force against protesters": (Kind.ASSAULT, "beat"),
    "violent demonstration": (None, "riot"),
    "mob violence": (None, "riot"),
    "chemical weapon": (None, "unconventional"),
    "air/drone strike": (None, "heavy-weapons"),
    "shelling/artillery/missile attack": (None, "heavy-weapons"),
    "suicide bomb": (None, "suicide-attack"),
    "remote explosive/landmine/ied": (None, "explosives"),
    "grenade": (None, "explosives"),
    "armed clash": (None, "firearms"),
    "sexual violence": (None, "sexual"),
    "abduction/forced disappearance": (None, "abduct"),
    "agreement": (Kind.AGREEMENT, ""),
    "arrests": (Kind.COERCION, "arrest"),
    "looting/property destruction": (Kind.COERCION, "seize"),
    "disrupted weapons use": (Kind.COERCION, ""),
    "headquarters or base established": (Kind.MOBILIZATION, "troops"),
    "non-violent transfer of territory": (Kind.RETREAT, "withdraw"),
    "government regains territory": (None, "territory"),
    "non-state actor overtakes territory": (None, "territory"),
}


def _header(head: Head) -> set[str]:
    return {column.casefold() for column in first_columns(head.lines, ",")}


def _recognise(head: Head) -> bool:
    return _header(head) >= _NEEDED


def _recognise_deletions(head: Head) -> bool:
    found = _header(head)
    return found >= _DELETIONS and "event_date" not in found


def _occurred(cells: Cells) -> When:
    text = cells.need("event_date", "the event's day as YYYY-MM-DD")
    return _occurred_on(text, cells.get("time_precision") or "1")


@functools.lru_cache(maxsize=65536)  # a dataset's rows share few days; a When is frozen
def _occurred_on(text: str, precision: str) -> When:
    """The span an event happened in: its day, widened by ACLED's time precision."""
    try:
        day = written_day(text)
    except (CellError, DateError) as error:
        raise RowError(f"column 'event_date': found {text!r}; {error}") from None
    if precision == "1":
        return day
    if precision == "2":
        return When.span(day.earliest - dt.timedelta(days=3), day.earliest + dt.timedelta(days=3))
    if precision == "3":
        return When(f"{day.earliest.year:04d}-{day.earliest.month:02d}")
    raise RowError(f"column 'time_precision': found {precision!r}; expected 1, 2 or 3")


def _kind(cells: Cells) -> tuple[Kind, tuple[str, ...], tuple[str, ...]]:
    kind_text = cells.need("event_type", "an ACLED event type such as 'Protests'")
    if kind_text.casefold() not in _TYPES:
        raise RowError(
            f"column 'event_type': found {kind_text!r}; expected one of ACLED's event types "
            f"({', '.join(t.title() for t in _TYPES)})"
        )
    kind, context = _TYPES[kind_text.casefold()]
    other, mode = _SUBTYPES.get(cells.get("sub_event_type").casefold(), (None, ""))
    return other or kind, (mode,) if mode else (), context


def _development(actors: Actors, cells: Cells, make: Make) -> Development | Written:
    ident = cells.need("event_id_cnty", "ACLED's event id such as 'ARG12345'")
    occurred = _occurred(cells)
    reported = cells.read("timestamp", epoch_day, "when ACLED last changed the event")
    kind, mode, context = _kind(cells)
    country = cells.get("country") or cells.get("iso")
    first = cells.need("actor1", "the name of an actor")
    actor = actors.find(first, country, sector=cells.get("inter1") or None)
    second = cells.get("actor2")
    target = actors.find(second, country, sector=cells.get("inter2") or None) if second else None
    what = f"{cells.get('event_type')}: {cells.get('sub_event_type')}".rstrip(": ")
    place = ", ".join(p for p in (cells.get("location"), cells.get("country")) if p)
    deaths = cells.get("fatalities")
    summary = f"{what} in {place or 'an unnamed place'}; {first}" + (
        f" and {second}" if second else ""
    )
    if deaths and deaths != "0":
        summary += f"; {deaths} reported killed"
    return make(
        f"acled-{ident}",
        occurred=occurred,
        reported=reported,
        kind=kind,
        summary=summary + ".",
        actors=(actor,),
        targets=(target,) if target else (),
        publisher=cells.get("source") or "ACLED",
        coded=what,
        mode=mode,
        context=context,
    )


def _table(path: str, needed: set[str]) -> Iterator[tuple[int, str, Cells]]:
    found = rows(path, ",", quoted=True)
    header = next(found, None)
    if header is None:
        return
    columns = {name.strip().casefold(): i for i, name in enumerate(header[2])}
    missing = sorted(needed - set(columns))
    if missing:
        raise LoadError([f"{path}:{header[0]}: header: missing columns {', '.join(missing)}"])
    for line, text, cells in found:
        yield line, text, Cells(columns, cells)


def _read(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    def records(make: Make = Event.make) -> Iterator[Yield]:
        actors = Actors(registry)
        yield from read_rows(_table(path, _NEEDED), actors, lambda c: _development(actors, c, make))

    return None, _NOTES, records


def _retraction(cells: Cells) -> Item:
    ident = cells.need("event_id_cnty", "ACLED's event id such as 'ARG12345'")
    day = cells.read("deleted_timestamp", epoch_day, "when ACLED deleted the event")
    retraction = Retraction(day, f"deleted from ACLED on {day}")
    return Item(0, f"retraction of 'acled-{ident}'", retraction, f"acled-{ident}")


def _read_deletions(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    def records() -> Iterator[Yield]:
        actors = Actors(registry)
        yield from read_rows(_table(path, _DELETIONS), actors, _retraction)

    return None, (), records


_NOTES = (
    "ACLED: reported is timestamp (when ACLED last changed the event); actor 2 is read "
    "as the target, though ACLED gives the two actors no direction",
)

ACLED = Format("acled", "acled", True, _recognise, _read, writes=True)
ACLED_DELETIONS = Format("acled-deletions", "acled", True, _recognise_deletions, _read_deletions)
