"""Reads the project's JSON Lines log and PLOVER JSON Lines into values, reporting every problem.

The project's log (`timeline export --format jsonl`) holds one JSON object per line,
whose `type` is `actor`, `topic`, `development`, `revision` or `retraction`, after
an optional first `{"type": "meta", ...}` line (the snapshot it was cut at).  Every
field is the value object's, with dates as EDTF text; `recorded` (when the source
store recorded it) is provenance and is not read back.

A PLOVER file holds one PLOVER event per line (see `projections._plover`), after an
optional meta line that may register the actors and topics its records name.
PLOVER event types are read back to kinds by `engine.coding.kind_of`; our own
records carry a `timeline` extension that gives the kind, the EDTF dates, the
summary and the claims exactly.  What a PLOVER file cannot bring back is listed in
`PLOVER_NOTES`.

Problems are reported like the seed loader's, all at once, each located:
`FILE:LINE: development 'x' field 'occurred': cannot read date …`.  A meta line's
`sha256` is checked against the lines after it, so a cited snapshot that was
edited is refused.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from timeline.engine import _names
from timeline.engine.coding import CODING, PLOVER_TYPES, RECIPIENT_REQUIRED, kind_of
from timeline.engine.errors import DateError, LoadError, RecordError, UnknownNameError
from timeline.engine.registry import Registry
from timeline.engine.values import (
    Actor,
    Development,
    Kind,
    Person,
    Reliability,
    Retraction,
    Revision,
    Source,
    Stance,
    StanceClaim,
    Topic,
)
from timeline.engine.when import When

__all__ = [
    "LOG_FORMAT",
    "PLOVER_FORMAT",
    "PLOVER_NOTES",
    "Imported",
    "Item",
    "read_file",
    "read_text",
]

LOG_FORMAT = "timeline-jsonl"
PLOVER_FORMAT = "plover"
Form = Literal["jsonl", "plover"]
Value = Actor | Topic | Development | Revision | Retraction

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

# What each kind of record holds: key -> (shape, required, what a good value looks like).
TEXT, TEXTS, OBJECT, OBJECTS = "text", "texts", "object", "objects"
SCHEMAS: dict[str, dict[str, tuple[str, bool, str]]] = {
    "actor": {
        "id": (TEXT, True, 'a CAMEO-style id such as "TUR" or "USA.STATE"'),
        "name": (TEXT, True, 'a display name such as "Turkey"'),
        "aliases": (TEXTS, False, 'an array of strings such as ["Ankara"]'),
        "people": (OBJECTS, False, "an array of person objects, each with a name"),
    },
    "people": {
        "name": (TEXT, True, 'a name such as "Dmitry Peskov"'),
        "role": (TEXT, False, 'text such as "Kremlin spokesman"'),
        "aliases": (TEXTS, False, 'an array of strings such as ["Peskov"]'),
    },
    "topic": {
        "id": (TEXT, True, 'a slug such as "s400-purchase"'),
        "description": (TEXT, True, "one sentence of text"),
        "aliases": (TEXTS, False, 'an array of strings such as ["S-400 deal"]'),
    },
    "development": {
        "id": (TEXT, True, 'a slug such as "s400-agreement"'),
        "occurred": (TEXT, True, 'EDTF text such as "2017-12"'),
        "occurred_as_written": (TEXT, False, 'a phrase such as "last month"'),
        "reported": (TEXT, True, 'EDTF text such as "2018-12-19"'),
        "kind": (TEXT, True, f"one of {', '.join(map(str, Kind))}"),
        "summary": (TEXT, True, "text in the project's own words"),
        "actors": (TEXTS, True, 'an array of actor ids such as ["TUR"]'),
        "targets": (TEXTS, False, 'an array of actor ids such as ["USA"]'),
        "source": (OBJECT, True, 'an object such as {"publisher": "Reuters", ...}'),
        "claims": (OBJECTS, False, "an array of claim objects"),
    },
    "source": {
        "publisher": (TEXT, True, 'text such as "Reuters"'),
        "reliability": (TEXT, True, f"one of {', '.join(map(str, Reliability))}"),
        "attribution": (TEXT, False, 'text such as "two unnamed sources"'),
        "url": (TEXT, False, "a URL as text"),
    },
    "claims": {
        "actor": (TEXT, True, 'an actor id such as "TUR"'),
        "topic": (TEXT, True, 'a topic such as "s400-purchase"'),
        "stance": (TEXT, True, f"one of {', '.join(map(str, Stance))}"),
        "quote": (TEXT, False, "a short phrase by the speaker"),
    },
    "revision": {
        "development": (TEXT, True, "the id of the development it corrects"),
        "reported": (TEXT, True, 'EDTF text such as "2019-01-05"'),
        "reason": (TEXT, True, "text saying why"),
        "occurred": (TEXT, False, 'EDTF text such as "2017-12"'),
        "kind": (TEXT, False, f"one of {', '.join(map(str, Kind))}"),
        "summary": (TEXT, False, "text in the project's own words"),
        "source": (OBJECT, False, 'an object such as {"publisher": "Reuters", ...}'),
        "claims": (OBJECTS, False, "an array of claim objects (empty: no claims)"),
    },
    "retraction": {
        "development": (TEXT, True, "the id of the development it withdraws"),
        "reported": (TEXT, True, 'EDTF text such as "2019-01-05"'),
        "reason": (TEXT, True, "text saying why"),
    },
}
LOG_TYPES = ("actor", "topic", "development", "revision", "retraction")
COMMON = {"type", "recorded"}  # keys every log line may carry besides its own
_SLUG_PART = re.compile(r"[^a-z0-9]+")

FieldPath = tuple[str | int, ...]


@attrs.frozen
class Item:
    """One value read from a line, with where it was found."""

    line: int
    label: str
    value: Value
    development: str | None = None  # the id a revision or retraction is of


@attrs.frozen
class Imported:
    """What a file holds, every name resolved to a registered or newly read id."""

    path: str
    form: Form
    meta: Mapping[str, Any] | None
    items: tuple[Item, ...]
    notes: tuple[str, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()  # (line, located message), when not raised
    broken: frozenset[str] = frozenset()  # ids of developments whose lines had problems

    def of(self, kind: type[Any]) -> list[Item]:
        """The items holding values of one class, in file order."""
        return [item for item in self.items if isinstance(item.value, kind)]


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"true/false {str(value).lower()}"
    if isinstance(value, int | float):
        return f"a number {value!r}"
    if isinstance(value, str):
        return f"text {value!r}"
    return "an array" if isinstance(value, list) else "an object"


def _field_name(path: FieldPath) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


class _Line:
    """One line being read: its place, its label, and the problems found in it."""

    def __init__(self, load: _Load, number: int, kind: str, data: dict[str, Any]) -> None:
        self.load, self.number, self.kind, self.data = load, number, kind, data
        ident = data.get("development" if kind in ("revision", "retraction") else "id")
        if kind in ("revision", "retraction"):
            self.label = f"{kind} of {ident!r}" if isinstance(ident, str) else kind
        else:
            self.label = f"{kind} {ident!r}" if isinstance(ident, str) else kind
        self.bad: set[FieldPath] = set()

    def problem(self, path: FieldPath, message: str) -> None:
        """Notes a problem with a field; only the first per field is kept."""
        if path in self.bad:
            return
        self.bad.add(path)
        field = f" field {_field_name(path)!r}" if path else ""
        self.load.add(self.number, f"{self.label}{field}: {message}")

    def clean(self, prefix: FieldPath = ()) -> bool:
        return not any(path[: len(prefix)] == prefix for path in self.bad)

    def check(self, schema: str, data: Mapping[str, Any], path: FieldPath = ()) -> None:
        """Reports unknown keys, missing fields and values of the wrong shape."""
        keys = SCHEMAS[schema]
        for key, value in data.items():
            if key in keys:
                self.shape((*path, key), value, *keys[key][::2])
            elif not (path == () and key in COMMON):
                close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(keys)}"
                self.problem((*path, key), f"unknown key {key!r}; {hint}")
        for key, (_shape, required, example) in keys.items():
            if required and data.get(key) is None and (*path, key) not in self.bad:
                found = "missing" if key not in data else "found null"
                self.problem((*path, key), f"{found}; expected {example}")

    def shape(self, path: FieldPath, value: Any, shape: str, example: str) -> None:
        if value is None:
            return  # null is absence; a required one is reported by check()
        wanted = {TEXT: str, TEXTS: list, OBJECT: dict, OBJECTS: list}[shape]
        if not isinstance(value, wanted):
            self.problem(path, f"found {_describe(value)}; expected {example}")
        elif shape in (TEXTS, OBJECTS):
            item = str if shape == TEXTS else dict
            for i, element in enumerate(value):
                if not isinstance(element, item):
                    what = "text" if shape == TEXTS else "an object"
                    self.problem((*path, i), f"found {_describe(element)}; expected {what}")
                elif shape == OBJECTS:
                    self.check(str(path[-1]), element, (*path, i))
        elif shape == OBJECT:
            self.check(str(path[-1]), value, path)

    def get(self, path: FieldPath, default: Any = None) -> Any:
        """The value at `path` if it was found well-formed, else `default`."""
        value: Any = self.data
        for step in path:
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                return default
        if value is None or any(path[: len(bad)] == bad for bad in self.bad):
            return default
        return value

    def read(self, path: FieldPath, reader: Callable[[Any], Any]) -> Any:
        """The value at `path` read by `reader`, reporting why it cannot be read."""
        value = self.get(path)
        if value is None:
            return None
        try:
            return reader(value)
        except (RecordError, DateError, UnknownNameError) as error:
            self.problem(path, str(error))
            return None

    def build(self, path: FieldPath, make: Callable[..., Any], **fields: Any) -> Any:
        """Makes a value object when its parts are sound, reporting what it rejects."""
        if not self.clean(path):
            return None
        try:
            return make(**fields)
        except (RecordError, DateError) as error:
            found = re.fullmatch(r"\w+\.(\w+): (.*)", str(error), re.S)
            if found is None:
                self.problem(path, str(error))
            else:
                self.problem((*path, found[1]), found[2])
            return None


class _Load:
    """Everything read from one file, and every problem, by line."""

    def __init__(self, name: str, registry: Registry) -> None:
        self.name = name
        self.registry = Registry(registry.actors.values(), registry.topics.values())
        self.problems: list[tuple[int, str]] = []
        self.items: list[Item] = []
        self.notes: list[str] = []
        self.broken: set[str] = set()

    def add(self, line: int | None, message: str) -> None:
        where = self.name if line is None else f"{self.name}:{line}"
        self.problems.append((line or 0, f"{where}: {message}"))

    def register(self, line: _Line, value: Actor | Topic) -> bool:
        try:
            if isinstance(value, Actor):
                self.registry.add_actor(value)
            else:
                self.registry.add_topic(value)
        except RecordError as error:
            line.problem(("id",), str(error))
            return False
        return True

    def keep(self, line: _Line, value: Value, development: str | None = None) -> None:
        self.items.append(Item(line.number, line.label, value, development))


# -- reading the project's records ------------------------------------------------------


def _strings(line: _Line, path: FieldPath) -> tuple[str, ...]:
    return tuple(line.get(path, ()))


def _source(line: _Line, path: FieldPath) -> Source | None:
    if line.get(path) is None:
        return None
    reliability = line.read((*path, "reliability"), Reliability.parse)
    return line.build(  # type: ignore[no-any-return]
        path,
        Source,
        publisher=line.get((*path, "publisher")),
        reliability=reliability,
        attribution=line.get((*path, "attribution")),
        url=line.get((*path, "url")),
    )


def _claims(line: _Line, path: FieldPath) -> tuple[StanceClaim, ...] | None:
    found = line.get(path)
    if found is None:
        return None
    claims = []
    for i in range(len(found)):
        at = (*path, i)
        stance = line.read((*at, "stance"), Stance.parse)
        claims.append(
            line.build(
                at,
                StanceClaim,
                actor=line.get((*at, "actor")),
                topic=line.get((*at, "topic")),
                stance=stance,
                quote=line.get((*at, "quote")),
            )
        )
    return tuple(claims)


def _people(line: _Line) -> list[Person]:
    people = []
    for i in range(len(line.get(("people",), []))):
        at: FieldPath = ("people", i)
        person = line.build(
            at,
            Person,
            name=line.get((*at, "name")),
            role=line.get((*at, "role")),
            aliases=_strings(line, (*at, "aliases")),
        )
        people.append(person)
    return people


def _log_value(line: _Line) -> Value | None:
    """The value a log line holds, or None when it has problems (reported)."""
    kind = line.kind
    line.check(kind, line.data)
    if kind == "actor":
        people = _people(line)
        return line.build(  # type: ignore[no-any-return]
            (),
            Actor,
            id=line.get(("id",)),
            name=line.get(("name",)),
            aliases=_strings(line, ("aliases",)),
            people=people,
        )
    if kind == "topic":
        return line.build(  # type: ignore[no-any-return]
            (),
            Topic,
            id=line.get(("id",)),
            description=line.get(("description",)),
            aliases=_strings(line, ("aliases",)),
        )
    occurred = line.read(("occurred",), When)
    reported = line.read(("reported",), When)
    kind_value = line.read(("kind",), Kind.parse)
    source = _source(line, ("source",))
    claims = _claims(line, ("claims",))
    if kind == "development":
        return line.build(  # type: ignore[no-any-return]
            (),
            Development,
            id=line.get(("id",)),
            occurred=occurred,
            reported=reported,
            kind=kind_value,
            summary=line.get(("summary",)),
            actors=_strings(line, ("actors",)),
            targets=_strings(line, ("targets",)),
            source=source,
            claims=claims or (),
            occurred_as_written=line.get(("occurred_as_written",)),
        )
    if kind == "revision":
        return line.build(  # type: ignore[no-any-return]
            (),
            Revision,
            reported=reported,
            reason=line.get(("reason",)),
            occurred=occurred,
            kind=kind_value,
            summary=line.get(("summary",)),
            source=source,
            claims=claims,
        )
    return line.build((), Retraction, reported=reported, reason=line.get(("reason",)))  # type: ignore[no-any-return]


def _resolve(load: _Load, line: _Line, value: Value) -> Value | None:
    """The value with every actor and topic name replaced by its id, or None (reported)."""
    resolved: Value
    problems: list[_names.NameProblem] = []
    if isinstance(value, Development):
        resolved, problems = _names.canonical_development(value, load.registry)
    elif isinstance(value, Revision) and value.claims is not None:
        claims = _names.canonical_claims(value.claims, load.registry, problems)
        resolved = attrs.evolve(value, claims=claims)
    else:
        return value
    for field, error in problems:
        line.problem(tuple(_path(field)), str(error))
    return None if problems else resolved


def _path(field: str) -> Iterator[str | int]:
    """'claims[0].actor' as a field path: 'claims', 0, 'actor'."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        yield int(part[1:-1]) if part.startswith("[") else part


# -- reading PLOVER records -----------------------------------------------------------


def _slug(ident: str) -> str:
    return _SLUG_PART.sub("-", ident.lower()).strip("-")


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _plover_actor(load: _Load, line: _Line, path: FieldPath, data: Any) -> str | None:
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
    line: _Line, events: tuple[str, ...], context: tuple[str, ...], mode: tuple[str, ...]
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


def _plover_day(line: _Line, key: str) -> dt.date | None:
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


def _plover_value(load: _Load, line: _Line) -> Development | None:
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
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
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
        claims = _claims(line, ("timeline", "claims"))
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


# -- the file --------------------------------------------------------------------------


def _lines(load: _Load, text: str) -> list[tuple[int, dict[str, Any]]]:
    """Every non-blank line as a JSON object, reporting those that are not one."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            load.add(number, f"not JSON: {error.msg} (column {error.colno})")
            continue
        if not isinstance(data, dict):
            load.add(number, f"found {_describe(data)}; expected a JSON object per line")
            continue
        found.append((number, data))
    return found


def _form(
    load: _Load, lines: Sequence[tuple[int, dict[str, Any]]], meta: Mapping[str, Any] | None
) -> Form:
    if meta is not None and meta.get("format") == PLOVER_FORMAT:
        return "plover"
    if meta is not None and meta.get("format") == LOG_FORMAT:
        return "jsonl"
    body = [data for _, data in lines if data.get("type") != "meta"]
    if body and all("event" in data and "type" not in data for data in body):
        return "plover"
    return "jsonl"


def _check_hash(
    load: _Load, number: int, meta: Mapping[str, Any], body: list[dict[str, Any]]
) -> None:
    wanted = meta.get("sha256")
    if wanted is None:
        return
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    found = "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    if found != wanted:
        load.add(
            number,
            f"meta field 'sha256': found {wanted!r} in the file, expected {found!r} for the "
            "lines after it; the lines were changed after the export (remove the meta line "
            "to import them anyway)",
        )


def _registrations(load: _Load, line: _Line, kind: str, records: Any) -> None:
    """Actors or topics listed on a PLOVER meta line, registered like log lines."""
    for i, record in enumerate(records if isinstance(records, list) else []):
        if isinstance(record, dict):
            inner = _Line(load, line.number, kind, record)
            inner.label = f"meta {kind}s[{i}] {record.get('id')!r}"
            value = _log_value(inner)
            if isinstance(value, Actor | Topic) and load.register(inner, value):
                load.keep(inner, value)


def read_text(name: str, text: str, registry: Registry, *, strict: bool = True) -> Imported:
    """Reads a file's text; raises one `LoadError` listing every problem, by line.

    With `strict=False` the problems are returned in `Imported.problems` instead,
    with the items that were read without any, so a caller can add its own.
    """
    load = _Load(name, registry)
    lines = _lines(load, text)
    meta: dict[str, Any] | None = None
    meta_line = 0
    if lines and lines[0][1].get("type") == "meta":
        meta_line, meta = lines[0]
        lines = lines[1:]
        _check_hash(load, meta_line, meta, [data for _, data in lines])
    form = _form(load, lines, meta)
    if form == "plover":
        if meta is not None:
            meta_record = _Line(load, meta_line, "meta", meta)
            _registrations(load, meta_record, "actor", meta.get("actors"))
            _registrations(load, meta_record, "topic", meta.get("topics"))
        for number, data in lines:
            line = _Line(load, number, "record", data)
            development = _plover_value(load, line)
            if development is not None:
                resolved = _resolve(load, line, development)
                if resolved is not None:
                    load.keep(line, resolved)
        notes = (*load.notes, *PLOVER_NOTES)
    else:
        _read_log(load, lines)
        notes = tuple(load.notes)
    problems = tuple(sorted(load.problems, key=lambda p: p[0]))
    if problems and strict:
        raise LoadError([message for _, message in problems])
    return Imported(name, form, meta, tuple(load.items), notes, problems, frozenset(load.broken))


def _read_log(load: _Load, lines: Sequence[tuple[int, dict[str, Any]]]) -> None:
    # Registrations first, wherever they stand, so that names resolve in any order.
    typed = []
    for number, data in lines:
        kind = data.get("type")
        if kind not in LOG_TYPES:
            close = difflib.get_close_matches(str(kind), LOG_TYPES, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(LOG_TYPES)}"
            found = "missing" if kind is None else f"found {_describe(kind)}"
            load.add(number, f"field 'type': {found}; {hint}")
            continue
        typed.append(_Line(load, number, str(kind), data))
    for line in (ln for ln in typed if ln.kind in ("actor", "topic")):
        value = _log_value(line)
        if isinstance(value, Actor | Topic) and load.register(line, value):
            load.keep(line, value)
    seen: dict[str, Item] = {}
    for line in (ln for ln in typed if ln.kind not in ("actor", "topic")):
        value = _log_value(line)
        resolved = None if value is None else _resolve(load, line, value)
        if resolved is None or not line.clean():
            if line.kind == "development" and isinstance(line.data.get("id"), str):
                load.broken.add(line.data["id"])
            continue
        if not isinstance(resolved, Development):
            load.keep(line, resolved, str(line.data["development"]))
            continue
        earlier = seen.get(resolved.id)
        if earlier is None:
            load.keep(line, resolved)
            seen[resolved.id] = load.items[-1]
        elif earlier.value != resolved:
            line.problem(
                ("id",),
                f"{resolved.id!r} is already given at line {earlier.line} with other "
                "content; expected the same content, or a revision",
            )


def read_file(path: str | Path, registry: Registry, *, strict: bool = True) -> Imported:
    """Reads a JSON Lines log or PLOVER file, resolving names via `registry` and its own."""
    name = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LoadError([f"{name}: cannot read the file: {error}"]) from None
    return read_text(name, text, registry, strict=strict)
