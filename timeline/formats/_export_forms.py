"""The export forms of a `Timeline`, each read at one store position as a `Snapshot`.

`timeline.formats._exchange.snapshot` checks the form and the position and calls the
function of the form here; the module notes there say what each form holds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from timeline.engine import aggregates
from timeline.engine._importer import LOG_FORMAT, PLOVER_FORMAT
from timeline.engine._registry import Registry
from timeline.engine._replay import claims_on
from timeline.engine._rule import Entry, is_known
from timeline.engine.aggregates import DevelopmentStream
from timeline.engine.corrections import Correction, Ranking, Revision
from timeline.engine.values import Actor, Development, Topic
from timeline.engine.when import FIRST_DAY, LAST_DAY
from timeline.formats._plover_write import plover_records
from timeline.projections import export as out
from timeline.projections._history import Change, history
from timeline.projections._timelinejs import point_words

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = [
    "Snapshot",
    "as_csv",
    "as_json",
    "as_jsonl",
    "as_plover",
    "as_timelinejs",
    "default_title",
]

VERSION = 1
DEFAULT_TITLE = "Timeline"


@attrs.frozen
class Snapshot:
    """An export: its text, its snapshot metadata, and what a PLOVER export left out."""

    form: str
    text: str
    meta: Mapping[str, Any]
    skipped: tuple[str, ...] = ()  # what an export left out, and why (none now do)


# -- reading the store at one position --------------------------------------------------


@attrs.frozen
class _Logged:
    """One stored event of the log, decoded, with its recording time."""

    timestamp: dt.datetime
    value: Actor | Topic | Development | Correction
    development: str | None = None


def _log(tl: Timeline, pin: int) -> Iterator[_Logged]:
    """Every event of the store up to notification id `pin`, in append order."""
    app = tl.materialised.application
    ids: dict[UUID, str] = {}
    for notification in app.notifications():
        if notification.id > pin:
            return
        event: Any = app.mapper.to_domain_event(notification)
        stamp = event.timestamp
        if isinstance(event, DevelopmentStream.Recorded):
            ids[event.originator_id] = event.development.id
            yield _Logged(stamp, event.development)
        elif isinstance(event, DevelopmentStream.Revised):
            yield _Logged(stamp, event.revision, ids[event.originator_id])
        elif isinstance(event, DevelopmentStream.Retracted):
            yield _Logged(stamp, event.retraction, ids[event.originator_id])
        elif isinstance(event, DevelopmentStream.Ranked):
            yield _Logged(stamp, event.ranking, ids[event.originator_id])
        elif isinstance(event, aggregates.ActorStream.Registered):
            yield _Logged(stamp, event.actor)
        elif isinstance(event, aggregates.TopicStream.Registered):
            yield _Logged(stamp, event.topic)


def _meta(form: str, pin: int, known: dt.date | None, sha: str, count: int) -> dict[str, Any]:
    return {
        "format": form,
        "version": VERSION,
        "position": pin,
        "known_at": None if known is None else known.isoformat(),
        "sha256": sha,
        "count": count,
    }


def _line(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def _namer(tl: Timeline) -> Callable[[str], str]:
    actors = tl.registry.actors

    def name(ident: str) -> str:
        actor = actors.get(ident)
        return actor.name if actor is not None else ident

    return name


def default_title(developments: list[Development], registry: Registry) -> str:
    """The story's title: the description of the topic most claimed on, else 'Timeline'.

    It depends only on the developments exported (and on topics, which never
    change once registered), so a snapshot taken again at its position keeps it.
    """
    counts = Counter(claim.topic for d in developments for claim in d.claims)
    if not counts:
        return DEFAULT_TITLE
    topic = min(counts, key=lambda t: (-counts[t], t))
    found = registry.topics.get(topic)
    if found is None:
        return topic
    text = found.description.strip().rstrip(".")
    if len(text) <= 80:
        return text
    return found.aliases[0] if found.aliases else topic


# -- the forms ---------------------------------------------------------------------------


def as_json(tl: Timeline, pin: int, known: dt.date | None) -> Snapshot:
    """The `json` form: the meta, then every field of each development known."""
    records = [out.development_record(d) for d in tl.developments(known, at=pin)]
    meta = _meta("timeline-json", pin, known, out.content_hash(records), len(records))
    text = json.dumps({"meta": meta, "developments": records}, ensure_ascii=False, indent=2)
    return Snapshot("json", text + "\n", meta)


def as_jsonl(tl: Timeline, pin: int, known: dt.date | None) -> Snapshot:
    """The `jsonl` form: the project's log of what was known, in the store's append order."""
    lines: list[dict[str, Any]] = []
    kept: set[str] = set()
    for logged in _log(tl, pin):
        value, recorded = logged.value, logged.timestamp.isoformat()
        if isinstance(value, Actor | Topic):
            lines.append(out.log_record(value, recorded=recorded))
        elif isinstance(value, Development):
            if is_known(value.reported, known):
                kept.add(value.id)
                lines.append(out.log_record(value, recorded=recorded))
        elif logged.development in kept and is_known(value.reported, known):
            assert logged.development is not None
            if isinstance(value, Revision):
                record = out.revision_record(logged.development, value)
                lines.append({"type": "revision", **record, "recorded": recorded})
            elif isinstance(value, Ranking):
                record = out.ranking_record(logged.development, value)
                lines.append({"type": "ranking", **record, "recorded": recorded})
            else:
                record = out.retraction_record(logged.development, value)
                lines.append({"type": "retraction", **record, "recorded": recorded})
    meta = _meta(LOG_FORMAT, pin, known, out.content_hash(lines), len(lines))
    text = "".join(_line(line) + "\n" for line in [{"type": "meta", **meta}, *lines])
    return Snapshot("jsonl", text, meta)


def _changes(developments: list[Development]) -> list[tuple[str, str, Change]]:
    pairs = sorted({(c.actor, c.topic) for d in developments for c in d.claims})
    return [
        (actor, topic, change)
        for actor, topic in pairs
        for change in history(claims_on(developments, (actor, topic)), actor, topic)
    ]


def as_csv(tl: Timeline, pin: int, known: dt.date | None, what: str) -> Snapshot:
    """The `csv` form: the table of developments or of position change points."""
    developments = tl.developments(known, at=pin)
    if what == "changes":
        changes = _changes(developments)
        body, count = out.change_table(changes), len(changes)
    else:
        recorded: dict[str, dt.datetime] = {}
        revised: dict[str, dt.datetime] = {}
        for logged in _log(tl, pin):
            if isinstance(logged.value, Development):
                recorded.setdefault(logged.value.id, logged.timestamp)
            elif isinstance(logged.value, Revision) and is_known(logged.value.reported, known):
                assert logged.development is not None
                revised[logged.development] = logged.timestamp
        body = out.development_table(developments, recorded, revised)
        count = len(developments)
    meta = {**_meta("timeline-csv", pin, known, out.content_hash(body), count), "what": what}
    # The text is the table alone, so a plain `read_csv` reads it; the snapshot is `meta`
    # (the command writes it to `--meta FILE`).
    return Snapshot("csv", body, meta)


def _entry_names(entry: Entry) -> Iterator[tuple[str, str]]:
    """Every (kind, name) the development or a correction of it mentions."""
    yield from entry.development.names()
    for revision in entry.revisions:
        yield from (("actor", a) for a in (*(revision.actors or ()), *(revision.targets or ())))
        for claim in revision.claims or ():
            yield from (("actor", claim.actor), ("topic", claim.topic))
    for ranking in entry.rankings:
        if ranking.actor is not None and ranking.topic is not None:
            yield from (("actor", ranking.actor), ("topic", ranking.topic))


def _span_words(developments: list[Development]) -> str:
    """', December 2017 to 20 December 2018': the first and last known day, as written."""
    starts = [d.occurred for d in developments if d.occurred.earliest != FIRST_DAY]
    ends = [d.occurred for d in developments if d.occurred.latest != LAST_DAY]
    if not starts or not ends:
        return ""
    first = min(starts, key=lambda w: (w.earliest, w.latest)).text.split("/")[0]
    last = max(ends, key=lambda w: (w.latest, w.earliest)).text.split("/")[-1]
    first_words, last_words = point_words(first), point_words(last)
    return f", {first_words}" if first_words == last_words else f", {first_words} to {last_words}"


def _corrections(tl: Timeline, pin: int, known: dt.date | None) -> dict[str, list[Any]]:
    """The (reported, reason) of each revision known at `known`, by development id."""
    found: dict[str, list[Any]] = {}
    for logged in _log(tl, pin):
        value = logged.value
        if isinstance(value, Revision) and is_known(value.reported, known):
            assert logged.development is not None
            found.setdefault(logged.development, []).append(value)
    return {
        dev_id: [(r.reported, r.reason) for r in sorted(revisions, key=lambda r: r.order_key)]
        for dev_id, revisions in found.items()
    }


def as_timelinejs(tl: Timeline, pin: int, known: dt.date | None, title: str | None) -> Snapshot:
    """The `timelinejs` form: a TimelineJS 3 document for readers, its snapshot in small
    print under the title and whole in `timeline_snapshot`."""
    developments = tl.developments(known, at=pin)
    title = title or default_title(developments, tl.registry)
    corrections = _corrections(tl, pin, known)
    document = out.timelinejs(developments, title=title, name=_namer(tl), corrections=corrections)
    events = document["events"]
    meta = {
        **_meta("timelinejs", pin, known, out.content_hash(events), len(events)),
        "title": title,
    }
    knowledge = "" if known is None else f", as reported by {point_words(known.isoformat())}"
    plural = "" if len(events) == 1 else "s"
    document["title"]["text"]["text"] = (
        f"<p>{len(events)} development{plural}{_span_words(developments)}{knowledge}.</p>"
        f'<p class="tl-snapshot"><small>Data: timeline, store position {pin}.</small></p>'
    )
    document["timeline_snapshot"] = meta
    text = json.dumps(document, ensure_ascii=False, indent=2)
    # "<\/" is the same JSON as "</", and a page that inlines the document in a <script>
    # element is not ended early by a summary holding "</script>".
    return Snapshot("timelinejs", text.replace("</", "<\\/") + "\n", meta)


def as_plover(tl: Timeline, pin: int, known: dt.date | None) -> Snapshot:
    """The `plover` form: PLOVER records after a meta line of what they name and leave uncoded."""
    developments = tl.developments(known, at=pin)
    registry = tl.registry
    entries = tl.reads.corrected(pin)  # only a corrected development has a history
    coded = plover_records(developments, registry.actors.get, entries, known)
    records = list(coded.records)
    named = dict.fromkeys(
        a["timeline_id"] for r in records for a in (*r["actor"], *r.get("recipient", []))
    )
    # A claimant need not act in the development: it is registered too.
    named.update(dict.fromkeys(c["actor"] for r in records for c in r["timeline"]["claims"]))
    topics = dict.fromkeys(c["topic"] for r in records for c in r["timeline"]["claims"])
    # Names only the history mentions (an earlier version's actors, claims, rankings).
    exported = {r["id"] for r in records}
    for entry in entries:
        if entry.id in exported:
            for kind, name in _entry_names(entry):
                (named if kind == "actor" else topics).setdefault(name, None)
    meta = {
        **_meta(PLOVER_FORMAT, pin, known, out.content_hash(records), len(records)),
        "uncoded": [{"id": s.id, "reason": s.reason} for s in coded.uncoded],
        "actors": [out.actor_record(registry.actors[a]) for a in named if a in registry.actors],
        "topics": [out.topic_record(registry.topics[t]) for t in topics if t in registry.topics],
    }
    text = "".join(_line(line) + "\n" for line in [{"type": "meta", **meta}, *records])
    return Snapshot("plover", text, meta)
