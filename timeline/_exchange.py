"""Exports of a `Timeline` as citable snapshots, and imports of the project's log and PLOVER.

    from timeline import Timeline, seeds
    from timeline._exchange import export, import_file

    tl = Timeline()
    tl.load(seeds.path())
    text = export(tl, "timelinejs", known_at="2018-12-31")
    again = export(tl, "timelinejs", known_at="2018-12-31", at=tl.position)  # same bytes

Forms (`FORMATS`):

- `json`: `{"meta": {...}, "developments": [every field of each development]}`;
- `jsonl`: the project's lossless log, one object per line with a `type` (actor,
  topic, development, revision, retraction, ranking) in the store's append order, after a
  first `{"type": "meta", ...}` line; `import_file` reads it back;
- `csv`: developments (`what="developments"`) or position change points
  (`what="changes"`), after one `# timeline-csv {...}` comment line: read it with
  `pandas.read_csv(path, comment="#", parse_dates=[...])`;
- `timelinejs`: a TimelineJS 3 document; the snapshot is in the top-level key
  `timeline_snapshot` and in small print under the title;
- `plover`: PLOVER JSON Lines after a first meta line that lists the developments
  skipped (and why) and the actors and topics the records name.

Every snapshot records the store `position` it was read at, the `known_at` day
it was made with (null: everything recorded) and `sha256`, the hash of what it
contains: of the canonical JSON (sorted keys, no spaces, UTF-8) of the
developments (json), of the list of objects on the lines after the meta line
(jsonl, plover), of the events list (timelinejs), or of the CSV text after the
comment line (csv).  Reads are pinned at one position, and nothing in a snapshot
depends on the moment it was made, so `export(..., at=position)` gives the same
bytes later, however much was written since.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from timeline._timeline import Timeline
from timeline.engine import aggregates
from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream, stream_id
from timeline.engine.application import RETRIES, StoreApplication
from timeline.engine.application import correct as _correct
from timeline.engine.errors import (
    LoadError,
    NotRetractableError,
    RecordError,
)
from timeline.engine.importer import LOG_FORMAT, PLOVER_FORMAT, Imported, Item, read_file
from timeline.engine.registry import Registry
from timeline.engine.replay import claims_on
from timeline.engine.rule import is_known
from timeline.engine.values import Actor, Correction, Development, Ranking, Revision, Topic
from timeline.engine.when import FIRST_DAY, LAST_DAY, WhenLike, as_day
from timeline.projections import export as out
from timeline.projections._timelinejs import point_words
from timeline.projections.errors import QueryError
from timeline.projections.history import Change, history

__all__ = [
    "FORMATS",
    "WHAT",
    "ImportReport",
    "Snapshot",
    "export",
    "import_file",
    "snapshot",
]

FORMATS = ("json", "jsonl", "csv", "timelinejs", "plover")
WHAT = ("developments", "changes")
VERSION = 1
DEFAULT_TITLE = "Timeline"


@attrs.frozen
class Snapshot:
    """An export: its text, its snapshot metadata, and what a PLOVER export left out."""

    form: str
    text: str
    meta: Mapping[str, Any]
    skipped: tuple[out.Skipped, ...] = ()


@attrs.frozen
class ImportReport:
    """What an import wrote: the ids of what was new, and what was already there."""

    path: str
    form: str
    actors: tuple[str, ...]
    topics: tuple[str, ...]
    developments: tuple[str, ...]
    revisions: int
    retractions: int
    rankings: int
    unchanged: int
    position: int
    notes: tuple[str, ...] = ()
    snapshot: Mapping[str, Any] | None = None

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return bool(
            self.actors
            or self.topics
            or self.developments
            or self.revisions
            or self.retractions
            or self.rankings
        )


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


def _pin(tl: Timeline, at: int | None) -> int:
    now = tl.position
    if at is None:
        return now
    if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at <= now:
        raise QueryError(f"store position {at!r}: expected a position from 0 to {now}")
    return at


def _known(known_at: WhenLike | None) -> dt.date | None:
    return None if known_at is None else as_day(known_at)


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


def _json(tl: Timeline, pin: int, known: dt.date | None) -> Snapshot:
    records = [out.development_record(d) for d in tl.developments(known, at=pin)]
    meta = _meta("timeline-json", pin, known, out.content_hash(records), len(records))
    text = json.dumps({"meta": meta, "developments": records}, ensure_ascii=False, indent=2)
    return Snapshot("json", text + "\n", meta)


def _jsonl(tl: Timeline, pin: int, known: dt.date | None) -> Snapshot:
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


def _csv(tl: Timeline, pin: int, known: dt.date | None, what: str) -> Snapshot:
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
    return Snapshot("csv", f"# timeline-csv {_line(meta)}\n{body}", meta)


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


def _timelinejs(tl: Timeline, pin: int, known: dt.date | None, title: str | None) -> Snapshot:
    developments = tl.developments(known, at=pin)
    title = title or default_title(developments, tl.registry)
    document = out.timelinejs(developments, title=title, name=_namer(tl))
    events = document["events"]
    meta = {
        **_meta("timelinejs", pin, known, out.content_hash(events), len(events)),
        "title": title,
    }
    knowledge = "with everything recorded" if known is None else f"as known on {known}"
    option = "" if known is None else f" --known-at {known}"
    plural = "" if len(events) == 1 else "s"
    document["title"]["text"]["text"] = (
        f"<p>{len(events)} development{plural}{_span_words(developments)}, {knowledge}.</p>"
        f'<p class="tl-snapshot"><small>Snapshot of store position {pin} '
        f"({meta['sha256']}); made again with <code>timeline export --format "
        f"timelinejs --at {pin}{option}</code>.</small></p>"
    )
    document["timeline_snapshot"] = meta
    return Snapshot("timelinejs", json.dumps(document, ensure_ascii=False, indent=2) + "\n", meta)


def _plover(tl: Timeline, pin: int, known: dt.date | None) -> Snapshot:
    developments = tl.developments(known, at=pin)
    coded = out.plover_coded(developments, _namer(tl))
    records = list(coded.records)
    registry = tl.registry
    named = dict.fromkeys(
        a["timeline_id"] for r in records for a in (*r["source"], *r.get("recipient", []))
    )
    topics = dict.fromkeys(c["topic"] for r in records for c in r["timeline"]["claims"])
    meta = {
        **_meta(PLOVER_FORMAT, pin, known, out.content_hash(records), len(records)),
        "skipped": [{"id": s.id, "reason": s.reason} for s in coded.skipped],
        "actors": [out.actor_record(registry.actors[a]) for a in named if a in registry.actors],
        "topics": [out.topic_record(registry.topics[t]) for t in topics if t in registry.topics],
    }
    text = "".join(_line(line) + "\n" for line in [{"type": "meta", **meta}, *records])
    return Snapshot("plover", text, meta, coded.skipped)


def snapshot(
    tl: Timeline,
    form: str,
    *,
    known_at: WhenLike | None = None,
    at: int | None = None,
    title: str | None = None,
    what: str = "developments",
) -> Snapshot:
    """The story in one of `FORMATS`, read at store position `at` (default: now).

    `known_at` exports what was known on that day (the log: the lines reported by
    then); `title` names a TimelineJS document (default: `default_title`); `what`
    chooses the CSV table, `developments` or position `changes`.
    """
    if form not in FORMATS:
        raise QueryError(f"export format {form!r}: expected one of {', '.join(FORMATS)}")
    if what not in WHAT:
        raise QueryError(f"export table {what!r}: expected one of {', '.join(WHAT)}")
    pin, known = _pin(tl, at), _known(known_at)
    if form == "json":
        return _json(tl, pin, known)
    if form == "jsonl":
        return _jsonl(tl, pin, known)
    if form == "csv":
        return _csv(tl, pin, known, what)
    if form == "timelinejs":
        return _timelinejs(tl, pin, known, title)
    return _plover(tl, pin, known)


def export(
    tl: Timeline,
    form: str,
    *,
    known_at: WhenLike | None = None,
    at: int | None = None,
    title: str | None = None,
    what: str = "developments",
) -> str:
    """The text of `snapshot(tl, form, ...)`: the same arguments give the same bytes."""
    return snapshot(tl, form, known_at=known_at, at=at, title=title, what=what).text


# -- importing ----------------------------------------------------------------------------


class _Plan:
    """The streams an import changes, checked against the store, and what it found."""

    def __init__(self, app: StoreApplication, name: str, broken: frozenset[str]) -> None:
        self.app, self.name, self.broken = app, name, broken
        self.streams: dict[UUID, Any] = {}
        self.changed: dict[UUID, Any] = {}
        self.problems: list[tuple[int, str]] = []
        self.new: dict[str, list[str]] = {"actor": [], "topic": [], "development": []}
        self.revisions = self.retractions = self.rankings = self.unchanged = 0

    def problem(self, item: Item, message: str) -> None:
        self.problems.append((item.line, f"{self.name}:{item.line}: {item.label}{message}"))

    def _stored(self, ident: UUID) -> Any:
        if ident in self.streams:
            return self.streams[ident]
        try:
            found: Any = self.app.repository.get(ident)
        except AggregateNotFoundError:
            found = None
        self.streams[ident] = found
        return found

    def register(self, item: Item, value: Actor | Topic) -> None:
        kind = "actor" if isinstance(value, Actor) else "topic"
        ident = stream_id(kind, value.id)
        stored = self._stored(ident)
        if stored is None:
            stream = (
                ActorStream(actor=value) if isinstance(value, Actor) else TopicStream(topic=value)
            )
            self.streams[ident] = self.changed[ident] = stream
            self.new[kind].append(value.id)
            return
        try:
            stored.check_same(value)
        except RecordError as error:
            self.problem(item, f" field 'id': {error}")
            return
        if ident not in self.changed:
            self.unchanged += 1

    def record(self, item: Item, value: Development) -> None:
        ident = stream_id("development", value.id)
        stored = self._stored(ident)
        if stored is None:
            self.streams[ident] = self.changed[ident] = DevelopmentStream(development=value)
            self.new["development"].append(value.id)
        elif stored.development != value:
            old = stored.development
            fields = [f.name for f in attrs.fields(Development)]
            differ = ", ".join(f for f in fields if getattr(old, f) != getattr(value, f))
            self.problem(
                item,
                f" field 'id': already recorded with different content (differs in {differ}); "
                "expected the same content, or a revision",
            )
        else:
            self.unchanged += 1

    def correct(self, item: Item, value: Correction) -> None:
        assert item.development is not None
        ident = stream_id("development", item.development)
        stream = self._stored(ident)
        if stream is None and item.development in self.broken:
            return  # its development's own line is reported already
        if stream is None:
            self.problem(
                item,
                f" field 'development': found {item.development!r}; expected the id of a "
                "development recorded in the store or given in this file",
            )
            return
        by = value.by if isinstance(value, Ranking) else None
        if by is not None and self._stored(stream_id("development", by)) is None:
            self.problem(
                item,
                f" field 'by': found {by!r}; expected the id of a development "
                "recorded in the store or given in this file",
            )
            return
        try:
            new = _correct(stream, value)
        except (NotRetractableError, RecordError) as error:
            self.problem(item, f": {error}")
            return
        if not new:
            self.unchanged += 1
            return
        self.changed[ident] = stream
        if isinstance(value, Revision):
            self.revisions += 1
        elif isinstance(value, Ranking):
            self.rankings += 1
        else:
            self.retractions += 1


def _plan(app: StoreApplication, imported: Imported) -> _Plan:
    plan = _Plan(app, imported.path, imported.broken)
    for item in imported.items:
        value = item.value
        if isinstance(value, Actor | Topic):
            plan.register(item, value)
    for item in imported.items:
        value = item.value
        if isinstance(value, Development):
            plan.record(item, value)
    for item in imported.items:
        value = item.value
        if isinstance(value, Correction):
            plan.correct(item, value)
    return plan


def import_file(tl: Timeline, path: str | Path) -> ImportReport:
    """Imports the project's JSON Lines log or a PLOVER file: all or nothing, idempotent.

    Everything new is written in one transaction; what the store already holds
    with the same content is skipped, so importing a file again changes nothing.
    Raises `LoadError` listing every problem, each as `FILE:LINE: record … field …`.
    """
    app = tl.materialised.application
    for _attempt in range(RETRIES):
        imported = read_file(path, tl.registry, strict=False)
        plan = _plan(app, imported)
        problems = [*imported.problems, *plan.problems]
        if problems:
            raise LoadError([text for _, text in sorted(problems, key=lambda p: p[0])])
        if plan.changed:
            try:
                app.save(*plan.changed.values())
            except IntegrityError:
                continue  # another writer got to a stream first: read and check again
        return ImportReport(
            path=str(path),
            form=imported.form,
            actors=tuple(plan.new["actor"]),
            topics=tuple(plan.new["topic"]),
            developments=tuple(plan.new["development"]),
            revisions=plan.revisions,
            retractions=plan.retractions,
            rankings=plan.rankings,
            unchanged=plan.unchanged,
            position=tl.position,
            notes=imported.notes,
            snapshot=imported.meta,
        )
    raise LoadError([f"{path}: gave up after {RETRIES} concurrent conflicts; nothing was loaded"])
