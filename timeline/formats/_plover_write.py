"""PLOVER records written from developments, as the current manual names the fields.

Each development becomes one record: `id`, `date` (and `enddate` when the span is
longer than a day), `actor` and `recipient` as lists of actor objects (`code` the
country, `sector` the role's PLOVER sector, `actor_text` the display name,
`identifier_id` the Wikidata id when known), `event` with the kind's PLOVER type,
`mode` and `context` (the data's own, else the crosswalk's), `quad_code`,
`event_scale` (the data's own weight, when it has one), `cite_info`, `coder`,
`coded_date` (the last day of the reported span: when it was known) and a
human-readable `comment` carrying the EDTF text and its certainty.

Nothing is left out.  A development PLOVER cannot code as an event (a statement or
an appeal, which PLOVER drops; a type that requires a recipient, given none) is
written with `has_event` false and no event, the manual's field for a record with no
coded event.  What PLOVER cannot say travels in the `timeline` extension on the
record (the kind, the EDTF dates, summary, reliability, claims, and the data's
code, mode, context and weight) and `timeline_id` on each actor, which the manual
allows ("Providers should feel free to include named fields beyond those provided").

A record codes the development as known when exported; its `timeline.history`
carries what was recorded about it since (`Story.history`): the development as
first recorded when a revision changed it, and its revisions, retractions and
rankings, each with its own reported date, so that it reads back to the same
answers on every knowledge day.  A development retracted by then is written too,
as its last version, with `has_event` false: PLOVER has no retracted event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from timeline.engine._coding import CODING, PLOVER_SECTORS, QUAD, plover_actor
from timeline.engine._rule import Entry, is_known, story_key_of
from timeline.engine.values import Actor, Development
from timeline.engine.when import FIRST_DAY, LAST_DAY
from timeline.projections._timelinejs import human_date
from timeline.projections.export import (
    development_record,
    ranking_record,
    retraction_record,
    revision_record,
    source_record,
)

__all__ = ["CODER", "Coded", "Uncoded", "actor_object", "history", "plover_records"]

CODER = "timeline"
Find = Callable[[str], Actor | None]


@attrs.frozen
class Uncoded:
    """A development written with `has_event` false, and why PLOVER cannot code it."""

    id: str
    reason: str


@attrs.frozen
class Coded:
    """PLOVER records, and which of them carry no coded event."""

    records: tuple[dict[str, Any], ...]
    uncoded: tuple[Uncoded, ...]


def _none(ident: str) -> Actor | None:
    return None


def actor_object(actor_id: str, find: Find = _none) -> dict[str, Any]:
    """A PLOVER actor object for one of our actor ids."""
    code, sector = plover_actor(actor_id)
    actor = find(actor_id)
    if sector is None and actor is not None and actor.sector in PLOVER_SECTORS:
        sector = actor.sector
    found: dict[str, Any] = {"code": code[:3]}
    if sector is not None:
        found["sector"] = sector
    found["actor_text"] = actor.name if actor is not None else actor_id
    if actor is not None and actor.wikidata:
        found["identifier_id"] = actor.wikidata
    found["timeline_id"] = actor_id
    return found


def _certainty(development: Development) -> str:
    occurred = development.occurred
    notes = [
        note
        for note, present in (
            ("approximate", occurred.approximate),
            ("uncertain", occurred.uncertain),
            ("start unknown", occurred.earliest == FIRST_DAY),
            ("end unknown", occurred.latest == LAST_DAY),
        )
        if present
    ]
    return f" ({', '.join(notes)})" if notes else ""


def _comment(development: Development) -> str:
    occurred = development.occurred
    return (
        f"Occurred {human_date(occurred)}: EDTF {occurred.text}, precision "
        f"{occurred.precision.value}{_certainty(development)}. Reported "
        f"{human_date(development.reported)}: EDTF {development.reported.text}."
    )


def _extension(development: Development) -> dict[str, Any]:
    source = development.source
    extension: dict[str, Any] = {
        "kind": str(development.kind),
        "occurred": development.occurred.text,
        "reported": development.reported.text,
        "summary": development.summary,
        "reliability": str(source.reliability),
    }
    if development.occurred_as_written is not None:
        extension["occurred_as_written"] = development.occurred_as_written
    # A source's day and the outlet it repeats, and the further reports: PLOVER's
    # citation holds one source, so these travel here.
    if source.published is not None:
        extension["published"] = source.published.text
    if source.repeats is not None:
        extension["repeats"] = source.repeats
    if development.reports:
        extension["reports"] = [source_record(report) for report in development.reports]
    if source.attribution is not None:
        extension["attribution"] = source.attribution
    extension["claims"] = [
        {
            "actor": claim.actor,
            "topic": claim.topic,
            "stance": str(claim.stance),
            **({"quote": claim.quote} if claim.quote is not None else {}),
        }
        for claim in development.claims
    ]
    for name in ("coded", "weight"):
        if getattr(development, name) is not None:
            extension[name] = getattr(development, name)
    for name in ("mode", "context"):
        if getattr(development, name):
            extension[name] = list(getattr(development, name))
    return extension


def _why_not(development: Development) -> str | None:
    coding = CODING[development.kind]
    if coding.plover is None:
        return f"a {development.kind}: PLOVER does not code it (it drops CAMEO 01 and 02)"
    if coding.needs_recipient and not development.targets:
        return (
            f"a {development.kind} codes as {coding.plover}, which requires a recipient, "
            "and the development has no target"
        )
    return None


def _record(development: Development, find: Find, coded: bool) -> dict[str, Any]:
    coding = CODING[development.kind]
    occurred = development.occurred
    # An open start has no first day: the event is dated by its last known day.
    first = occurred.latest if occurred.earliest == FIRST_DAY else occurred.earliest
    record: dict[str, Any] = {"id": development.id, "date": first.isoformat()}
    if occurred.latest not in (first, LAST_DAY):
        record["enddate"] = occurred.latest.isoformat()
    record["actor"] = [actor_object(a, find) for a in development.actors]
    if development.targets:
        record["recipient"] = [actor_object(t, find) for t in development.targets]
    if not coded:
        record["has_event"] = False
    record["event"] = [coding.plover] if coded and coding.plover else []
    mode = development.mode or coding.mode
    context = development.context or coding.context
    if mode:
        record["mode"] = list(mode)
    if context:
        record["context"] = list(context)
    if coded and coding.plover:
        record["quad_code"] = QUAD[coding.plover]
    if development.weight is not None:
        record["event_scale"] = development.weight
    cite: dict[str, Any] = {"publication": development.source.publisher}
    if development.source.url:
        cite["url"] = development.source.url
    record["cite_info"] = cite
    record["coder"] = CODER
    record["coded_date"] = development.reported.latest.isoformat()
    record["comment"] = _comment(development)
    record["timeline"] = _extension(development)
    return record


def plover_records(
    developments: Iterable[Development],
    find: Find = _none,
    entries: Iterable[Entry] = (),
    known: dt.date | None = None,
) -> Coded:
    """One PLOVER record per development, in the order given (see the module notes).

    `entries` give what was recorded about them, as known on `known`: their
    history travels with each record, and those retracted by then are written too,
    each placed in story order.
    """
    found = {entry.id: entry for entry in entries}
    told = {d.id: d for d in developments}
    withdrawn = []
    for entry in found.values():
        if entry.id not in told and is_known(entry.development.reported, known):
            last = Entry(entry.development, entry.revisions, (), entry.rankings).as_known(known)
            if last is not None:
                withdrawn.append(last)
    ids = {*told, *(d.id for d in withdrawn)}
    ordered = list(told.values())
    if withdrawn:  # placed among the rest in story order
        ordered = sorted([*ordered, *withdrawn], key=story_key_of)
    records, uncoded = [], []
    for development in ordered:
        kept = found.get(development.id)
        past = history(kept, known, ids) if kept is not None else {}
        reason = _RETRACTED if past.get("retractions") else _why_not(development)
        if reason is not None:
            uncoded.append(Uncoded(development.id, reason))
        record = _record(development, find, reason is None)
        if past:
            record["timeline"]["history"] = past
        records.append(record)
    return Coded(tuple(records), tuple(uncoded))


_RETRACTED = "retracted: PLOVER has no withdrawn event (the retraction is in timeline.history)"


def history(entry: Entry, known: dt.date | None, ids: set[str]) -> dict[str, Any]:
    """What was recorded about a development after it, as known on `known` (empty: nothing).

    A ranking grounded in a development not exported keeps its rank, not its `by`.
    """
    revisions = [r for r in entry.revisions if is_known(r.reported, known)]
    retractions = [r for r in entry.retractions if is_known(r.reported, known)]
    rankings = [r for r in entry.rankings if is_known(r.reported, known)]
    found: dict[str, Any] = {}
    if revisions:
        first = entry.development
        found["recorded"] = development_record(
            first if known is None else first.reports_known(known)
        )
        found["revisions"] = [_without_id(revision_record(entry.id, r)) for r in revisions]
    if retractions:
        found["retractions"] = [_without_id(retraction_record(entry.id, r)) for r in retractions]
    if rankings:
        found["rankings"] = [
            _without_id(
                ranking_record(entry.id, attrs.evolve(r, by=None) if r.by not in ids else r)
            )
            for r in rankings
        ]
    return found


def _without_id(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "development"}
