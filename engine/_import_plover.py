"""PLOVER records read back into developments (see `timeline.engine._importer`)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from timeline.engine._coding import CODING, PLOVER_TYPES, RECIPIENT_REQUIRED, kind_of
from timeline.engine._import_lines import (
    _SLUG_PART,
    OBJECTS,
    FieldPath,
    Item,
    Line,
    Load,
    _describe,
    claims_of,
)
from timeline.engine.errors import RecordError, UnknownNameError
from timeline.engine.values import Actor, Development, Kind, Reliability, Source, StanceClaim
from timeline.engine.when import When

PLOVER_NOTES = (
    "a PLOVER file holds developments as known when it was exported: revisions and "
    "retractions are not in it, so each development comes back as first recorded, "
    "with its corrections already applied",
    "statements, and records whose event type needs a recipient they lack, are not "
    "in a PLOVER export",
    "without the 'timeline' extension a record comes back with the kind its event "
    "type codes (a delivery as a cooperation), occurred from date and enddate, "
    "reported on its last day, reliability 'named', the comment as summary and no "
    "stance claims; an actor is found by its entity_text, else by code and sector "
    "(registered as CODE or CODE.SECTOR when new)",
)


# -- reading PLOVER records -----------------------------------------------------------


def _slug(ident: str) -> str:
    return _SLUG_PART.sub("-", ident.lower()).strip("-")


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _plover_actor(load: Load, line: Line, path: FieldPath, data: Any) -> str | None:
    """Our id for a PLOVER actor object: by timeline_id, entity_text, or code and sector."""
    if not isinstance(data, dict):
        line.problem(path, f"found {_describe(data)}; expected an actor object with a code")
        return None
    code = data.get("code")
    if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
        found = "missing" if code is None else f"found {_describe(code)}"
        line.problem((*path, "code"), f"{found}; expected a 3-letter code such as 'TUR'")
        return None
    names = [data.get(key) for key in ("timeline_id", "entity_text", "actor_text")]
    for name in (n for n in names if isinstance(n, str) and n.strip()):
        try:
            return load.registry.resolve("actor", name)
        except UnknownNameError:
            continue
    sector = data.get("sector")
    wanted = data.get("timeline_id")
    if not isinstance(wanted, str):
        wanted = f"{code}.{sector}" if isinstance(sector, str) and sector else code
    try:
        return load.registry.resolve("actor", wanted)
    except UnknownNameError:
        pass
    text = data.get("entity_text") or data.get("actor_text") or wanted
    try:
        actor = Actor(wanted, text if isinstance(text, str) else wanted)
    except RecordError as error:
        line.problem(path, str(error))
        return None
    if load.register(line, actor):
        load.items.append(Item(line.number, f"actor {actor.id!r}", actor))
        load.notes.append(
            f"{load.name}:{line.number}: registered actor {actor.id!r} ({actor.name})"
        )
    return actor.id


def _plover_kind(
    line: Line, events: tuple[str, ...], context: tuple[str, ...], mode: tuple[str, ...]
) -> Kind | None:
    extension = line.get(("timeline", "kind"))
    if extension is not None:
        return line.read(("timeline", "kind"), Kind.parse)  # type: ignore[no-any-return]
    for i, event in enumerate(events):
        if event not in PLOVER_TYPES:
            line.problem(("event", i), f"found {event!r}; expected a PLOVER type such as AGREE")
            return None
    kind = kind_of(events[0], context, mode) if events else None
    if kind is None and events:
        coded = sorted({c.plover for c in CODING.values() if c.plover} | {"COERCE"})
        line.problem(
            ("event", 0),
            f"found {events[0]!r}; expected a type some kind codes to ({', '.join(coded)})",
        )
    return kind


def _plover_day(line: Line, key: str) -> dt.date | None:
    value = line.data.get(key)
    if value is None:
        return None
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        line.problem((key,), f"found {_describe(value)}; expected a date in YYYY-MM-DD format")
        return None


def _plover_value(load: Load, line: Line) -> Development | None:
    """The development a PLOVER record codes, or None when it has problems (reported)."""
    data = line.data
    ident = data.get("id")
    if not isinstance(ident, str) or not ident.strip():
        what = "missing" if ident is None else f"found {_describe(ident)}"
        line.problem(("id",), f"{what}; expected a unique identifier")
    first, last = _plover_day(line, "date"), _plover_day(line, "enddate")
    if "date" not in data:
        line.problem(("date",), "missing; expected a date in YYYY-MM-DD format")
    key = "source" if "source" in data or "actor" not in data else "actor"
    sources, recipients = data.get(key), data.get("recipient", [])
    for field, given in ((key, sources), ("recipient", recipients)):
        if not isinstance(given, list) or (field == key and not given):
            what = "missing" if given is None else f"found {_describe(given)}"
            line.problem((field,), f"{what}; expected a list of actor objects")
    events = data.get("event")
    own = isinstance(data.get("timeline"), dict) and "kind" in data["timeline"]
    if events == [] and data.get("has_event") is False and own:
        events = []  # written uncoded (a statement, say): the extension gives its kind
    elif not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        what = "missing" if events is None else f"found {_describe(events)}"
        line.problem(("event",), f'{what}; expected a list of PLOVER types such as ["AGREE"]')
        events = []
    context, mode = _texts(data.get("context")), _texts(data.get("mode"))
    kind = _plover_kind(line, tuple(events), context, mode)
    extension = data.get("timeline")
    if extension is not None and not isinstance(extension, dict):
        line.problem(("timeline",), f"found {_describe(extension)}; expected an object")
        extension = None
    ext: dict[str, Any] = extension or {}
    actors = [
        _plover_actor(load, line, (key, i), a)
        for i, a in enumerate(sources if isinstance(sources, list) else [])
    ]
    targets = [
        _plover_actor(load, line, ("recipient", i), a)
        for i, a in enumerate(recipients if isinstance(recipients, list) else [])
    ]
    if events and not targets and (set(events) & RECIPIENT_REQUIRED):
        needs = sorted(set(events) & RECIPIENT_REQUIRED)[0]
        line.problem(
            ("recipient",), f"missing; expected at least one actor: {needs} requires a recipient"
        )
    cite = data.get("cite_info") if isinstance(data.get("cite_info"), dict) else {}
    assert isinstance(cite, dict)
    occurred = line.read(("timeline", "occurred"), When) if "occurred" in ext else None
    if occurred is None and "occurred" not in ext and first is not None:
        occurred = When.span(first, last or first) if (last or first) >= first else None
        if occurred is None:
            line.problem(("enddate",), f"found {last}; expected a day on or after date {first}")
    reported = line.read(("timeline", "reported"), When) if "reported" in ext else None
    if reported is None and "reported" not in ext and first is not None:
        reported = When.day(last if last is not None and last >= first else first)
    reliability = (
        line.read(("timeline", "reliability"), Reliability.parse)
        if "reliability" in ext
        else Reliability.NAMED
    )
    publisher = cite.get("publication") or data.get("coder") or "unknown"
    summary = ext.get("summary") or data.get("comment") or " ".join(_texts(data.get("event_text")))
    if not summary:
        summary = f"{'/'.join(events) or 'An event'} by {', '.join(a or '?' for a in actors)}."
    claims: tuple[StanceClaim, ...] | None = ()
    if "claims" in ext:
        line.shape(("timeline", "claims"), ext["claims"], OBJECTS, "an array of claim objects")
        claims = claims_of(line, ("timeline", "claims"))
    if not line.clean() or kind is None or None in actors or None in targets:
        return None
    source = line.build(
        ("cite_info",),
        Source,
        publisher=publisher,
        reliability=reliability,
        attribution=ext.get("attribution"),
        url=cite.get("url"),
    )
    development = line.build(
        (),
        Development,
        id=_slug(str(ident)),
        occurred=occurred,
        reported=reported,
        kind=kind,
        summary=summary,
        actors=tuple(a for a in actors if a),
        targets=tuple(t for t in targets if t),
        source=source,
        claims=claims or (),
        occurred_as_written=ext.get("occurred_as_written"),
    )
    return development if isinstance(development, Development) else None
