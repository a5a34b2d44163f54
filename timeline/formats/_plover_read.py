"""PLOVER records read into developments, one at a time (see `timeline.formats.plover`)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

from timeline.engine._coding import cameo_kind, current_type, kind_of
from timeline.engine._import_lines import _SLUG_PART, OBJECTS, Line, Load, _describe, claims_of
from timeline.engine.errors import RecordError
from timeline.engine.values import Development, Kind, Reliability, Source, StanceClaim
from timeline.engine.when import When
from timeline.formats._actors import Actors

__all__ = ["read_record"]

_CODE = re.compile(r"[A-Z]{3}")
_UNSAID = re.compile(r"[-*_ ]*")
_NAME_KEYS = ("actor_text", "actorText", "entity_text", "identifier_text", "identifierText")
_KNOWN_KEYS = ("coded_date", "dateCoded", "date_coded")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")
# A file's records share few days: each day's `When` (a frozen value) is made once.
day_when = functools.lru_cache(maxsize=65536)(When.day)
span_when = functools.lru_cache(maxsize=65536)(When.span)


def _texts(value: Any) -> tuple[str, ...]:
    """A list of texts, or one text, as a tuple; empty text is no value."""
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(";") if p.strip())
    if isinstance(value, list):
        return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
    return ()


def _day(line: Line, key: str) -> dt.date | None:
    value = line.data.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    line.problem((key,), f"found {_describe(value)}; expected a date in YYYY-MM-DD format")
    return None


def _actor(actors: Actors, load: Load, line: Line, path: tuple[Any, ...], data: Any) -> str | None:
    """Our id for a PLOVER actor object: its timeline_id, else its name under its code."""
    if not isinstance(data, dict):
        line.problem(path, f"found {_describe(data)}; expected an actor object with a code")
        return None
    own = data.get("timeline_id")
    if isinstance(own, str) and own in load.registry.actors:
        return own
    code = data.get("code", "")
    if not isinstance(code, str) or not (_CODE.fullmatch(code) or _UNSAID.fullmatch(code)):
        line.problem(
            (*path, "code"), f"found {_describe(code)}; expected a 3-letter code such as 'TUR'"
        )
        return None
    name = next((data[k] for k in _NAME_KEYS if isinstance(data.get(k), str) and data[k]), "")
    sector = data.get("sector") if isinstance(data.get("sector"), str) else None
    # The gold standard writes "---" for no code and "***" for no sector.
    code = "" if _UNSAID.fullmatch(code) else code
    sector = None if sector is None or _UNSAID.fullmatch(sector) else sector
    wikidata = data.get("identifier_id") or data.get("identifierId")
    wikidata = str(wikidata).rsplit("/", 1)[-1] if wikidata else None
    if wikidata is not None and not re.fullmatch(r"Q[1-9]\d*", wikidata):
        wikidata = None
    try:
        return actors.find(
            name, code, sector=sector or None, wikidata=wikidata, roles=(sector,) if sector else ()
        )
    except RecordError as error:
        line.problem(path, str(error))
        return None


def _event(line: Line) -> tuple[Kind | None, str | None, tuple[str, ...], tuple[str, ...]]:
    """The kind, the event as written, and the modes and contexts of a record."""
    data = line.data
    events = _texts(data.get("event"))
    mode, context = _texts(data.get("mode")), _texts(data.get("context"))
    if not events:
        own = isinstance(data.get("timeline"), dict) and "kind" in data["timeline"]
        if data.get("has_event") is False and not own:
            line.problem(("has_event",), "found false: the record codes no event to read")
        elif data.get("has_event") is not False:
            line.problem(("event",), 'missing; expected a list of PLOVER types such as ["AGREE"]')
        return None, None, mode, context
    event = events[0]
    if event.isdigit():
        coded = cameo_kind(event)
        if coded is None:
            line.problem(("event", 0), f"found {event!r}; expected a CAMEO code such as '042'")
            return None, event, mode, context
        more_mode, more_context = coded[1], coded[2]
        merged_mode = (*mode, *(m for m in more_mode if m not in mode))
        return (
            coded[0],
            event,
            merged_mode,
            (*context, *(c for c in more_context if c not in context)),
        )
    now = current_type(event, context, mode)
    kind = kind_of(event, context, mode)
    if now is None or kind is None:
        line.problem(("event", 0), f"found {event!r}; expected a PLOVER type such as AGREE")
        return None, event, mode, context
    return kind, event, now[1], now[2]


def _reported(line: Line, ext: Mapping[str, Any], given: When | None) -> When | None:
    if "reported" in ext:
        return line.read(("timeline", "reported"), When)  # type: ignore[no-any-return]
    for key in _KNOWN_KEYS:
        if line.data.get(key) not in (None, ""):
            day = _day(line, key)
            return None if day is None else day_when(day)
    if given is not None:
        return given
    line.problem(
        ("coded_date",),
        "missing; expected the day the record was coded (its knowledge time), "
        "or give --reported DATE",
    )
    return None


def _occurred(line: Line, ext: Mapping[str, Any]) -> When | None:
    if "occurred" in ext:
        return line.read(("timeline", "occurred"), When)  # type: ignore[no-any-return]
    first, last = _day(line, "date"), _day(line, "enddate")
    if "date" not in line.data:
        line.problem(("date",), "missing; expected a date in YYYY-MM-DD format")
    if first is None:
        return None
    if last is not None and last < first:
        line.problem(("enddate",), f"found {last}; expected a day on or after date {first}")
        return None
    return span_when(first, last or first)


def _weight(line: Line, ext: Mapping[str, Any]) -> float | None:
    value = ext.get("weight", line.data.get("event_scale"))
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and -10 <= value <= 10:
        return float(value)
    line.problem(("event_scale",), f"found {_describe(value)}; expected a number from -10 to 10")
    return None


def _summary(data: Mapping[str, Any], ext: Mapping[str, Any], event: str | None) -> str:
    kept = ext.get("summary")
    if isinstance(kept, str) and kept.strip():
        return kept  # the project's own summary, exactly as it was written
    for value in (data.get("text"), data.get("comment")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    told = " ".join(_texts(data.get("event_text") or data.get("eventText")))
    return told or f"{event or 'An event'} (PLOVER record {data.get('id')})."


def read_record(actors: Actors, load: Load, line: Line, given: When | None) -> Development | None:
    """The development a PLOVER record codes, or None when it has problems (on `line`)."""
    data = line.data
    ident = data.get("id")
    if not isinstance(ident, str) or not ident.strip():
        what = "missing" if ident is None else f"found {_describe(ident)}"
        line.problem(("id",), f"{what}; expected a unique identifier")
    extension = data.get("timeline", {})
    if not isinstance(extension, dict):
        line.problem(("timeline",), f"found {_describe(extension)}; expected an object")
        extension = {}
    ext: dict[str, Any] = extension
    kind, event, mode, context = _event(line)
    if "kind" in ext:
        kind = line.read(("timeline", "kind"), Kind.parse)
    occurred, reported = _occurred(line, ext), _reported(line, ext, given)
    weight = _weight(line, ext)
    key = "actor" if "actor" in data else "source"
    givers, takers = data.get(key), data.get("recipient", data.get("target")) or []
    if not isinstance(givers, list) or not givers:
        what = "missing" if givers is None else f"found {_describe(givers)}"
        line.problem((key,), f"{what}; expected a list of actor objects")
        givers = []
    if not isinstance(takers, list):
        line.problem(("recipient",), f"found {_describe(takers)}; expected a list of actor objects")
        takers = []
    claims: tuple[StanceClaim, ...] | None = ()
    if "claims" in ext:
        line.shape(("timeline", "claims"), ext["claims"], OBJECTS, "an array of claim objects")
        claims = claims_of(line, ("timeline", "claims"))
    reliability = Reliability.NAMED
    if "reliability" in ext:
        reliability = line.read(("timeline", "reliability"), Reliability.parse)
    if not line.clean() or kind is None:
        return None
    who = [_actor(actors, load, line, (key, i), a) for i, a in enumerate(givers)]
    whom = [_actor(actors, load, line, ("recipient", i), a) for i, a in enumerate(takers)]
    if not line.clean() or None in who or None in whom:
        return None
    cite = data.get("cite_info") if isinstance(data.get("cite_info"), dict) else {}
    assert isinstance(cite, dict)
    publisher = cite.get("publication") or data.get("publication") or data.get("coder")
    source = line.build(
        ("cite_info",),
        Source,
        publisher=publisher if isinstance(publisher, str) and publisher else "unknown",
        reliability=reliability,
        attribution=ext.get("attribution"),
        url=cite.get("url") or None,
        published=line.read(("timeline", "published"), When),
        repeats=ext.get("repeats"),
    )
    development = line.build(
        (),
        Development,
        id=_SLUG_PART.sub("-", str(ident).lower()).strip("-"),
        occurred=occurred,
        reported=reported,
        kind=kind,
        summary=_summary(data, ext, event),
        actors=tuple(dict.fromkeys(a for a in who if a)),
        targets=tuple(dict.fromkeys(t for t in whom if t and t not in who)),
        source=source,
        claims=claims or (),
        occurred_as_written=ext.get("occurred_as_written"),
        # A record with our extension is ours: what it coded is in the extension.
        coded=ext.get("coded") if ext else event,
        mode=tuple(ext.get("mode", ())) if ext else mode,
        context=tuple(ext.get("context", ())) if ext else context,
        weight=weight,
        reports=_reports(line, ext),
    )
    return development if isinstance(development, Development) else None


def _reports(line: Line, ext: Mapping[str, Any]) -> tuple[Source | None, ...]:
    """The further reports our own extension carries (PLOVER cites one source)."""
    found = ext.get("reports")
    if not isinstance(found, list):
        return ()
    reports = []
    for i in range(len(found)):
        at = ("timeline", "reports", i)
        reports.append(
            line.build(
                at,
                Source,
                publisher=line.get((*at, "publisher")),
                reliability=line.read((*at, "reliability"), Reliability.parse),
                attribution=line.get((*at, "attribution")),
                url=line.get((*at, "url")),
                published=line.read((*at, "published"), When),
                repeats=line.get((*at, "repeats")),
            )
        )
    return tuple(reports)
