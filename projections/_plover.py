"""PLOVER event records (the PLOVER manual's "JSON Data Fields" chapter) from developments.

Each coded development becomes one record: `id`, `date` (and `enddate` when the
span is longer than a day), `source` and `recipient` as lists of actor objects
(`code` the country, `sector` from the role, `entity_text` the display name),
`event` with the kind's PLOVER type, `mode` and `context` where the crosswalk gives
them, `quad_code`, `cite_info`, `coder` and a human-readable `comment` that carries
the EDTF text and its certainty.

Two extensions, which the manual allows ("Providers should feel free to include
named fields beyond those provided"), make our own records round-trip:

- `timeline` on the record: the kind, the EDTF `occurred` and `reported` texts,
  the summary, the source's reliability and attribution, and the stance claims;
- `timeline_id` on each actor object: the actor's id in this timeline.

Statements are not coded (PLOVER drops CAMEO 01), and a development whose event
type requires a recipient (COOPERATE, AID, SANCTION) but has no target is skipped:
`Coded.skipped` says which and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from timeline.engine import Development
from timeline.engine.coding import CODING, QUAD, plover_actor
from timeline.engine.when import FIRST_DAY, LAST_DAY
from timeline.projections._timelinejs import human_date

__all__ = ["CODER", "Coded", "Skipped", "actor_object", "plover_records"]

CODER = "timeline"


@attrs.frozen
class Skipped:
    """A development left out of a PLOVER export, and why."""

    id: str
    reason: str


@attrs.frozen
class Coded:
    """PLOVER records, and the developments that could not be coded."""

    records: tuple[dict[str, Any], ...]
    skipped: tuple[Skipped, ...]


def actor_object(actor_id: str, name: Callable[[str], str] = str) -> dict[str, Any]:
    """A PLOVER actor object for one of our actor ids."""
    code, sector = plover_actor(actor_id)
    actor: dict[str, Any] = {"code": code}
    if sector is not None:
        actor["sector"] = sector
    actor["entity_text"] = name(actor_id)
    actor["timeline_id"] = actor_id
    return actor


def _certainty(development: Development) -> str:
    occurred = development.occurred
    notes = []
    if occurred.approximate:
        notes.append("approximate")
    if occurred.uncertain:
        notes.append("uncertain")
    if occurred.earliest == FIRST_DAY:
        notes.append("start unknown")
    if occurred.latest == LAST_DAY:
        notes.append("end unknown")
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
    return extension


def _record(development: Development, name: Callable[[str], str]) -> dict[str, Any]:
    coding = CODING[development.kind]
    assert coding.plover is not None
    occurred = development.occurred
    # An open start has no first day: the event is dated by its last known day.
    first = occurred.latest if occurred.earliest == FIRST_DAY else occurred.earliest
    record: dict[str, Any] = {"id": development.id, "date": first.isoformat()}
    if occurred.latest not in (first, LAST_DAY):
        record["enddate"] = occurred.latest.isoformat()
    record["source"] = [actor_object(a, name) for a in development.actors]
    if development.targets:
        record["recipient"] = [actor_object(t, name) for t in development.targets]
    record["event"] = [coding.plover]
    if coding.mode:
        record["mode"] = list(coding.mode)
    if coding.context:
        record["context"] = list(coding.context)
    record["quad_code"] = QUAD[coding.plover]
    cite: dict[str, Any] = {"publication": development.source.publisher}
    if development.source.url:
        cite["url"] = development.source.url
    record["cite_info"] = cite
    record["coder"] = CODER
    record["comment"] = _comment(development)
    record["timeline"] = _extension(development)
    return record


def plover_records(developments: Iterable[Development], name: Callable[[str], str] = str) -> Coded:
    """The PLOVER records of the developments that PLOVER codes, in the order given."""
    records, skipped = [], []
    for development in developments:
        coding = CODING[development.kind]
        if coding.plover is None:
            skipped.append(
                Skipped(development.id, f"a {development.kind}: PLOVER does not code comments")
            )
            continue
        if coding.needs_recipient and not development.targets:
            skipped.append(
                Skipped(
                    development.id,
                    f"a {development.kind} codes as {coding.plover}, which requires a "
                    "recipient, and the development has no target",
                )
            )
            continue
        records.append(_record(development, name))
    return Coded(tuple(records), tuple(skipped))
