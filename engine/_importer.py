"""Reads the project's JSON Lines log and PLOVER JSON Lines into values, reporting every problem.

The project's log (`timeline export --format jsonl`) holds one JSON object per line,
whose `type` is `actor`, `topic`, `development`, `revision`, `retraction` or `ranking`, after
an optional first `{"type": "meta", ...}` line (the snapshot it was cut at).  Every
field is the value object's, with dates as EDTF text; `recorded` (when the source
store recorded it) is provenance and is not read back.

A PLOVER file holds one PLOVER event per line (see `projections._plover`), after an
optional meta line that may register the actors and topics its records name.
PLOVER event types are read back to kinds by `engine._coding.kind_of`; our own
records carry a `timeline` extension that gives the kind, the EDTF dates, the
summary and the claims exactly.  What a PLOVER file cannot bring back is listed in
`PLOVER_NOTES`.

Problems are reported like the seed loader's, all at once, each located:
`FILE:LINE: development 'x' field 'occurred': cannot read date …`.  A meta line's
`sha256` is checked against the lines after it, so a cited snapshot that was
edited is refused.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from timeline.engine import _names
from timeline.engine._import_lines import (
    LOG_FORMAT,
    LOG_TYPES,
    PLOVER_FORMAT,
    FieldPath,
    Form,
    Imported,
    Item,
    Line,
    Load,
    Value,
    _describe,
    claims_of,
)
from timeline.engine._import_plover import (
    PLOVER_NOTES,
    _plover_value,
)
from timeline.engine._input import read_input
from timeline.engine._quick_lines import quick_development
from timeline.engine._quick_lines import when_of as _when
from timeline.engine._registry import Registry
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.engine.errors import LoadError
from timeline.engine.values import (
    Actor,
    Development,
    Kind,
    Person,
    Rank,
    Reliability,
    Source,
    Topic,
)

__all__ = [
    "LOG_FORMAT",
    "PLOVER_FORMAT",
    "PLOVER_NOTES",
    "Imported",
    "Item",
    "read_file",
    "read_text",
]

# -- reading the project's records ------------------------------------------------------


def _strings(line: Line, path: FieldPath) -> tuple[str, ...]:
    return tuple(line.get(path, ()))


def _optional_strings(line: Line, path: FieldPath) -> tuple[str, ...] | None:
    found = line.get(path)
    return None if found is None else tuple(found)


def _source(line: Line, path: FieldPath) -> Source | None:
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
        published=line.read((*path, "published"), _when),
        repeats=line.get((*path, "repeats")),
    )


def _reports(line: Line) -> tuple[Source | None, ...]:
    found = line.get(("reports",))
    if not found:  # most developments have one report, their source
        return ()
    return tuple(_source(line, ("reports", i)) for i in range(len(found)))


def _people(line: Line) -> list[Person]:
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


def _log_value(line: Line) -> Value | None:
    """The value a log line holds, or None when it has problems (reported)."""
    if line.kind == "development":  # most lines: a sound one is made without the walk
        quick = quick_development(line.data)
        if quick is not None:
            return quick
    return _walked_value(line)


def _walked_value(line: Line) -> Value | None:
    """`_log_value` by the field-by-field walk, which words every problem it finds."""
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
            country=line.get(("country",)),
            sector=line.get(("sector",)),
            wikidata=line.get(("wikidata",)),
        )
    if kind == "topic":
        return line.build(  # type: ignore[no-any-return]
            (),
            Topic,
            id=line.get(("id",)),
            description=line.get(("description",)),
            aliases=_strings(line, ("aliases",)),
        )
    occurred = line.read(("occurred",), _when)
    reported = line.read(("reported",), _when)
    kind_value = line.read(("kind",), Kind.parse)
    source = _source(line, ("source",))
    claims = claims_of(line, ("claims",))
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
            reports=_reports(line),
            coded=line.get(("coded",)),
            mode=_strings(line, ("mode",)),
            context=_strings(line, ("context",)),
            weight=line.get(("weight",)),
        )
    if kind == "ranking":
        return line.build(  # type: ignore[no-any-return]
            (),
            Ranking,
            rank=line.read(("rank",), Rank.parse),
            reported=reported,
            reason=line.get(("reason",)),
            by=line.get(("by",)),
            actor=line.get(("actor",)),
            topic=line.get(("topic",)),
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
            actors=_optional_strings(line, ("actors",)),
            targets=_optional_strings(line, ("targets",)),
            occurred_as_written=line.get(("occurred_as_written",)),
            coded=line.get(("coded",)),
            mode=_optional_strings(line, ("mode",)),
            context=_optional_strings(line, ("context",)),
            weight=line.get(("weight",)),
            cleared=_strings(line, ("cleared",)),
        )
    return line.build((), Retraction, reported=reported, reason=line.get(("reason",)))  # type: ignore[no-any-return]


def _resolve(load: Load, line: Line, value: Value) -> Value | None:
    """The value with every actor and topic name replaced by its id, or None (reported)."""
    resolved: Value
    problems: list[_names.NameProblem] = []
    if isinstance(value, Development):
        resolved, problems = _names.canonical_development(value, load.registry)
    elif isinstance(value, Revision):
        resolved = _names.revision_names(value, load.registry, problems)
    elif isinstance(value, Ranking) and value.actor is not None and value.topic is not None:
        actor = _names.resolve_name(load.registry, "actor", value.actor, "actor", problems)
        topic = _names.resolve_name(load.registry, "topic", value.topic, "topic", problems)
        resolved = attrs.evolve(value, actor=actor, topic=topic)
    else:
        return value
    for field, error in problems:
        line.problem(tuple(_path(field)), str(error))
    return None if problems else resolved


def _path(field: str) -> Iterator[str | int]:
    """'claims[0].actor' as a field path: 'claims', 0, 'actor'."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        yield int(part[1:-1]) if part.startswith("[") else part


# -- the file --------------------------------------------------------------------------


def _lines(load: Load, text: str) -> list[tuple[int, dict[str, Any]]]:
    """Every non-blank line as a JSON object, reporting those that are not one."""
    found = []
    # Lines end at "\n" (or "\r\n") only: `str.splitlines` also splits at U+2028, U+2029,
    # U+0085 and other separators, which JSON writes raw inside strings.
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            load.add(number, f"not JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:
            load.add(number, "JSON nested too deeply; expected a flat record per line")
            continue
        if not isinstance(data, dict):
            load.add(number, f"found {_describe(data)}; expected a JSON object per line")
            continue
        found.append((number, data))
    return found


def _form(
    load: Load, lines: Sequence[tuple[int, dict[str, Any]]], meta: Mapping[str, Any] | None
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
    load: Load, number: int, meta: Mapping[str, Any], body: list[dict[str, Any]]
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


def _registrations(load: Load, line: Line, kind: str, records: Any) -> None:
    """Actors or topics listed on a PLOVER meta line, registered like log lines."""
    for i, record in enumerate(records if isinstance(records, list) else []):
        if isinstance(record, dict):
            inner = Line(load, line.number, kind, record)
            inner.label = f"meta {kind}s[{i}] {record.get('id')!r}"
            value = _log_value(inner)
            if isinstance(value, Actor | Topic) and load.register(inner, value):
                load.keep(inner, value)


def read_text(name: str, text: str, registry: Registry, *, strict: bool = True) -> Imported:
    """Reads a file's text; raises one `LoadError` listing every problem, by line.

    With `strict=False` the problems are returned in `Imported.problems` instead,
    with the items that were read without any, so a caller can add its own.
    """
    load = Load(name, registry)
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
            meta_record = Line(load, meta_line, "meta", meta)
            _registrations(load, meta_record, "actor", meta.get("actors"))
            _registrations(load, meta_record, "topic", meta.get("topics"))
        for number, data in lines:
            line = Line(load, number, "record", data)
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


def _read_log(load: Load, lines: Sequence[tuple[int, dict[str, Any]]]) -> None:
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
        typed.append(Line(load, number, str(kind), data))
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
        text = read_input(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LoadError([f"{name}: cannot read the file: {error}"]) from None
    return read_text(name, text, registry, strict=strict)
