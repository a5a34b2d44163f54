"""Exports of the story listing: full JSON records, TimelineJS 3 slides, PLOVER events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from timeline.engine import Development, Precision, When
from timeline.engine.coding import CODING
from timeline.engine.when import FIRST_DAY, LAST_DAY

__all__ = ["FORMATS", "development_record", "export", "plover", "timelinejs"]

FORMATS = ("json", "timelinejs", "plover")


def development_record(development: Development) -> dict[str, Any]:
    """A development as JSON-ready data with every field; dates are EDTF text."""
    source = development.source
    return {
        "id": development.id,
        "occurred": development.occurred.text,
        "occurred_as_written": development.occurred_as_written,
        "reported": development.reported.text,
        "kind": str(development.kind),
        "summary": development.summary,
        "actors": list(development.actors),
        "targets": list(development.targets),
        "source": {
            "publisher": source.publisher,
            "reliability": str(source.reliability),
            "attribution": source.attribution,
            "url": source.url,
        },
        "claims": [
            {
                "actor": claim.actor,
                "topic": claim.topic,
                "stance": str(claim.stance),
                "quote": claim.quote,
            }
            for claim in development.claims
        ],
    }


_COARSE = (Precision.YEAR, Precision.DECADE, Precision.CENTURY, Precision.MILLENNIUM)


def _slide_date(when: When, *, end: bool) -> dict[str, Any] | None:
    """A TimelineJS date for one end of a span, no finer than the span's precision."""
    day = when.latest if end else when.earliest
    if day in (FIRST_DAY, LAST_DAY):
        return None
    if when.precision in _COARSE:
        return {"year": day.year}
    if when.precision in (Precision.MONTH, Precision.SEASON):
        return {"year": day.year, "month": day.month}
    return {"year": day.year, "month": day.month, "day": day.day}


def timelinejs(developments: Iterable[Development], *, title: str) -> dict[str, Any]:
    """A TimelineJS 3 document: one slide per development, the EDTF text as display date.

    TimelineJS has no uncertainty field, so `display_date` carries the EDTF text;
    an open-started span starts its slide at its end.
    """
    events = []
    for development in developments:
        start = _slide_date(development.occurred, end=False)
        end = _slide_date(development.occurred, end=True)
        start = start or end
        if start is None:
            continue  # no bounded end at all: nothing TimelineJS could place
        slide: dict[str, Any] = {
            "start_date": {**start, "display_date": development.occurred.text},
            "text": {"headline": development.id, "text": development.summary},
            "group": str(development.kind),
            "unique_id": development.id,
        }
        if end is not None and end != start:
            slide["end_date"] = end
        events.append(slide)
    return {"title": {"text": {"headline": title}}, "events": events}


def _actor(ident: str) -> dict[str, Any]:
    country, _, sector = ident.partition(".")
    actor: dict[str, Any] = {"code": country, "entity_text": ident}
    if sector:
        actor["sector"] = sector
    return actor


def plover(developments: Iterable[Development]) -> list[dict[str, Any]]:
    """PLOVER-style event records; plain statements, which PLOVER does not code, are left out."""
    records = []
    for development in developments:
        coding = CODING[development.kind]
        if coding.plover is None:
            continue
        occurred = development.occurred
        # An open start has no first day: the event is dated by its last known day.
        first = occurred.latest if occurred.earliest == FIRST_DAY else occurred.earliest
        record: dict[str, Any] = {
            "id": development.id,
            "date": first.isoformat(),
            "actor": [_actor(a) for a in development.actors],
            "event": [coding.plover],
            "cite_info": {"publication": development.source.publisher},
            "coder": "timeline",
        }
        if occurred.latest not in (first, LAST_DAY):
            record["enddate"] = occurred.latest.isoformat()
        if development.targets:
            record["recipient"] = [_actor(t) for t in development.targets]
        if development.source.url:
            record["cite_info"]["url"] = development.source.url
        records.append(record)
    return records


def export(developments: Iterable[Development], form: str, *, title: str = "timeline") -> Any:
    """The developments in one of `FORMATS`."""
    if form == "timelinejs":
        return timelinejs(developments, title=title)
    if form == "plover":
        return plover(developments)
    return [development_record(d) for d in developments]
