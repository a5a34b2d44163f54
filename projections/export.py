"""Exports of the story: JSON records, the lossless log's lines, TimelineJS 3, CSV.

These functions turn values into JSON-ready data or text and never read a store;
`timeline.formats._exchange` reads a `Timeline` at one store position and wraps their
output as a citable snapshot (position, knowledge day and content hash).

- `development_record` and the other `*_record` functions: one value as JSON data
  with every field (dates as EDTF text) — the one serializer of these values for
  every `--json` output, the web API and the exports; `log_record` gives a line of the
  project's JSON Lines log, whose `type` says what it holds.
- `timelinejs`: a TimelineJS 3 document (see `projections._timelinejs`).
- `development_table` / `change_table`: CSV text (see `projections._tables`).
- `canonical` / `content_hash`: the canonical JSON bytes and sha256 every snapshot's
  hash is taken over.

PLOVER, which both writes developments and reads the view, lives with its reader in
`timeline.formats`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from timeline.engine import (
    Actor,
    Development,
    Person,
    Position,
    Rank,
    Ranking,
    Retraction,
    Revision,
    Source,
    StanceClaim,
    Topic,
    When,
)
from timeline.projections._history import Change
from timeline.projections._tables import (
    CHANGE_COLUMNS,
    CHANGE_DATES,
    DEVELOPMENT_COLUMNS,
    DEVELOPMENT_DATES,
    DEVELOPMENT_TIMES,
    change_rows,
    development_rows,
    safe_cell,
    write_csv,
)

if TYPE_CHECKING:
    from timeline.projections._timelinejs import headline, human_date

__all__ = [
    "CHANGE_DATES",
    "DEVELOPMENT_DATES",
    "DEVELOPMENT_TIMES",
    "FORMATS",
    "actor_record",
    "canonical",
    "change_table",
    "content_hash",
    "development_record",
    "development_table",
    "export",
    "headline",
    "human_date",
    "log_record",
    "position_record",
    "ranking_record",
    "retraction_record",
    "revision_record",
    "safe_cell",
    "timelinejs",
    "topic_record",
    "write_csv",
]

# The forms `export` below gives from a list of developments alone.
FORMATS = ("json", "timelinejs")


def canonical(data: Any) -> bytes:
    """The canonical JSON of `data`: sorted keys, no spaces, UTF-8 (hashes are taken over it)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def content_hash(data: Any) -> str:
    """`sha256:` and the hex sha256 of `data`'s canonical JSON (or of bytes/text as given)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    raw = data if isinstance(data, bytes) else canonical(data)
    import hashlib  # only here: slow to import

    return "sha256:" + hashlib.sha256(raw).hexdigest()


def source_record(source: Source) -> dict[str, Any]:
    """A source as JSON-ready data; `published` and `repeats` only when set (as stored)."""
    record: dict[str, Any] = {
        "publisher": source.publisher,
        "reliability": str(source.reliability),
        "attribution": source.attribution,
        "url": source.url,
    }
    if source.published is not None:
        record["published"] = source.published.text
    if source.repeats is not None:
        record["repeats"] = source.repeats
    return record


def claim_record(claim: StanceClaim) -> dict[str, Any]:
    """A stance claim as JSON-ready data; its `rank` (as known) only when not normal.

    Leaving out the normal rank keeps every export of an unranked story the same,
    byte for byte, as before ranks existed.
    """
    record = {
        "actor": claim.actor,
        "topic": claim.topic,
        "stance": str(claim.stance),
        "quote": claim.quote,
    }
    return record if claim.rank is Rank.NORMAL else {**record, "rank": str(claim.rank)}


def position_record(position: Position) -> dict[str, Any]:
    """A position as JSON-ready data: actor, topic, stance, since, tentative, evidence."""
    return {
        "actor": position.actor,
        "topic": position.topic,
        "stance": str(position.stance),
        "since": position.since.text,
        "tentative": position.tentative,
        "evidence": list(position.evidence),
    }


def development_record(development: Development) -> dict[str, Any]:
    """A development as JSON-ready data with every field; dates are EDTF text."""
    return {
        "id": development.id,
        "occurred": development.occurred.text,
        "occurred_as_written": development.occurred_as_written,
        "reported": development.reported.text,
        "kind": str(development.kind),
        "summary": development.summary,
        "actors": list(development.actors),
        "targets": list(development.targets),
        "source": source_record(development.source),
        "claims": [claim_record(claim) for claim in development.claims],
        **(
            {"reports": [source_record(r) for r in development.reports]}
            if development.reports
            else {}
        ),
        **_given(development, "coded", "mode", "context", "weight"),
    }


def _given(value: Any, *names: str) -> dict[str, Any]:
    """The named optional fields that are set (event data's), so other records keep their shape."""
    found = {name: getattr(value, name) for name in names}
    return {
        k: list(v) if isinstance(v, tuple) else v for k, v in found.items() if v not in (None, ())
    }


def _person(person: Person) -> dict[str, Any]:
    return {"name": person.name, "role": person.role, "aliases": list(person.aliases)}


def actor_record(actor: Actor) -> dict[str, Any]:
    """An actor as JSON-ready data, with its aliases and people."""
    return {
        "id": actor.id,
        "name": actor.name,
        "aliases": list(actor.aliases),
        "people": [_person(person) for person in actor.people],
        **_given(actor, "country", "sector", "wikidata"),
    }


def topic_record(topic: Topic) -> dict[str, Any]:
    """A topic as JSON-ready data."""
    return {"id": topic.id, "description": topic.description, "aliases": list(topic.aliases)}


def revision_record(dev_id: str, revision: Revision) -> dict[str, Any]:
    """A revision of `dev_id` as JSON-ready data; only the fields it changes are given.

    `claims` is given when the revision replaces the claims, as `[]` when it
    replaces them with none.
    """
    record: dict[str, Any] = {
        "development": dev_id,
        "reported": revision.reported.text,
        "reason": revision.reason,
    }
    if revision.occurred is not None:
        record["occurred"] = revision.occurred.text
    if revision.kind is not None:
        record["kind"] = str(revision.kind)
    if revision.summary is not None:
        record["summary"] = revision.summary
    if revision.source is not None:
        record["source"] = source_record(revision.source)
    if revision.claims is not None:
        record["claims"] = [claim_record(claim) for claim in revision.claims]
    # Event data's fields, each only when the revision sets it (lists may be empty).
    for name in ("actors", "targets", "mode", "context"):
        if getattr(revision, name) is not None:
            record[name] = list(getattr(revision, name))
    for name in ("occurred_as_written", "coded", "weight"):
        if getattr(revision, name) is not None:
            record[name] = getattr(revision, name)
    if revision.cleared:
        record["cleared"] = list(revision.cleared)
    return record


def retraction_record(dev_id: str, retraction: Retraction) -> dict[str, Any]:
    """A retraction of `dev_id` as JSON-ready data."""
    return {
        "development": dev_id,
        "reported": retraction.reported.text,
        "reason": retraction.reason,
    }


def ranking_record(dev_id: str, ranking: Ranking) -> dict[str, Any]:
    """A ranking of `dev_id`'s claims as JSON-ready data; `by`, `actor`, `topic` when given."""
    record: dict[str, Any] = {
        "development": dev_id,
        "rank": str(ranking.rank),
        "reported": ranking.reported.text,
        "reason": ranking.reason,
    }
    for name in ("by", "actor", "topic"):
        if getattr(ranking, name) is not None:
            record[name] = getattr(ranking, name)
    return record


def log_record(
    value: Actor | Topic | Development, *, recorded: str | None = None
) -> dict[str, Any]:
    """A line of the project's JSON Lines log for a registration or a recording."""
    if isinstance(value, Actor):
        body = {"type": "actor", **actor_record(value)}
    elif isinstance(value, Topic):
        body = {"type": "topic", **topic_record(value)}
    else:
        body = {"type": "development", **development_record(value)}
    return body if recorded is None else {**body, "recorded": recorded}


def timelinejs(
    developments: Iterable[Development],
    *,
    title: str,
    title_text: str = "",
    name: Callable[[str], str] = str,
    corrections: Mapping[str, Sequence[tuple[When, str]]] | None = None,
) -> dict[str, Any]:
    """A TimelineJS 3 document: one slide per development, dates written for people.

    `name` gives an actor's display name from its id (default: the id itself);
    `corrections` the (reported, reason) of each correction known, by development id.
    """
    from timeline.projections._timelinejs import document

    return document(
        developments, title=title, title_text=title_text, name=name, corrections=corrections
    )


def development_table(
    developments: Iterable[Development],
    recorded: Mapping[str, Any] | None = None,
    revised: Mapping[str, Any] | None = None,
) -> str:
    """CSV of developments, one per row (`recorded`/`revised`: timestamps by id)."""
    rows = development_rows(developments, recorded or {}, revised or {})
    return write_csv(DEVELOPMENT_COLUMNS, rows)


def change_table(changes: Iterable[tuple[str, str, Change]]) -> str:
    """CSV of position change points, one per (actor, topic, day)."""
    return write_csv(CHANGE_COLUMNS, change_rows(changes))


def export(developments: Iterable[Development], form: str, *, title: str = "timeline") -> Any:
    """The developments in one of `FORMATS`, as JSON-ready data (no snapshot metadata)."""
    if form == "timelinejs":
        return timelinejs(developments, title=title)
    return [development_record(d) for d in developments]


def __getattr__(name: str) -> Any:
    """`headline` and `human_date`, imported on first use (the TimelineJS writer is slow
    to import, and most exports never need it)."""
    if name in ("headline", "human_date"):
        from timeline.projections import _timelinejs

        return getattr(_timelinejs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
