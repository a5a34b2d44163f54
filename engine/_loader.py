"""Reads seed files (TOML, see seeds/FORMAT.md) and reports every problem at once."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from timeline.engine import values
from timeline.engine._fields import FieldPath, Fields, Shapes, register
from timeline.engine._input import read_input
from timeline.engine._registry import NameKind, Registry
from timeline.engine._seed_lines import KINDS, SeedFile, describe, seed_paths

# The format's schema lived here before `_seed_schema`: its names are still read from here.
from timeline.engine._seed_schema import ALIASES as ALIASES
from timeline.engine._seed_schema import CLASSES as CLASSES
from timeline.engine._seed_schema import CORRECTIONS as CORRECTIONS
from timeline.engine._seed_schema import FIELDS as FIELDS
from timeline.engine._seed_schema import RENAMED as RENAMED
from timeline.engine._seed_schema import SCHEMAS as SCHEMAS
from timeline.engine._seed_schema import TABLE as TABLE
from timeline.engine._seed_schema import TABLES as TABLES
from timeline.engine._seed_schema import TEXT as TEXT
from timeline.engine._seed_schema import TEXTS as TEXTS
from timeline.engine._seed_schema import Readers as Readers
from timeline.engine.corrections import Correction, Ranking, Retraction
from timeline.engine.errors import DateError, LoadError, RecordError, UnknownNameError
from timeline.engine.values import Actor, Development, Kind, Reliability, Stance, Topic
from timeline.engine.when import When

__all__ = ["Seeds", "read_seeds"]

T = TypeVar("T")

# An attrs validator's message starts with "Class.field: " (or "Class.field[i]: ",
# for one element of an array); that names the field.
ATTRS_FIELD = re.compile(r"\w+\.(\w+)(?:\[(\d+)\])?: (.*)", re.S)


@attrs.frozen
class Seeds:
    """What a load holds, with every actor and topic name resolved to its id."""

    actors: tuple[Actor, ...] = ()
    topics: tuple[Topic, ...] = ()
    developments: tuple[Development, ...] = ()
    corrections: tuple[tuple[str, Correction], ...] = ()


class _Record(Fields):
    """One record being checked: its file, its place, and the problems found in it."""

    SHAPES = Shapes(TABLE, TABLES, "a table", describe)

    def __init__(self, load: _Load, file: SeedFile, kind: str, index: int, data: Any) -> None:
        self.load, self.file, self.kind, self.index = load, file, kind, index
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        ident = self.data.get("id")
        target = self.data.get("development")
        if isinstance(ident, str):
            self.label = f"{kind} {ident!r}"
        elif kind in CORRECTIONS and isinstance(target, str):
            self.label = f"{kind} #{index + 1} of {target!r}"
        else:
            self.label = f"{kind} #{index + 1}"
        self.bad: set[FieldPath] = set()

    def line(self, path: FieldPath = ()) -> int | None:
        """The line of a field of this record in its file."""
        return self.file.line(self.kind, self.index, path)

    def _tell(self, path: FieldPath, message: str) -> None:
        self.load.add(self.file, self.line(path), message)

    def check(self, schema: str, data: Mapping[str, Any], path: FieldPath = ()) -> None:
        """Reports unknown keys, missing fields and values of the wrong type."""
        keys = SCHEMAS[schema]
        for key, value in data.items():
            if key not in keys:
                close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(keys)}"
                self.problem((*path, key), f"unknown key {key!r}; {hint}")
            else:
                self.shape((*path, key), value, *keys[key][::2])
        for key, (_kind, required, example) in keys.items():
            if required and key not in data:
                self.problem((*path, key), f"missing; expected {example}")

    def convert(self, path: FieldPath, read: Callable[[Any], T]) -> T | None:
        """Reads the value at `path`, reporting why it cannot be read."""
        value = self.get(path)
        if value is None:
            return None
        try:
            return read(value)
        except _BrokenNameError:
            self.bad.add(path)  # reported where the actor or topic is defined
        except (RecordError, DateError, UnknownNameError) as error:
            self.problem(path, str(error))
        return None

    def build(self, path: FieldPath, make: Callable[..., T], **fields: Any) -> T | None:
        """Makes a value object when its parts are sound, reporting what it rejects."""
        if not self.clean(path):
            return None
        try:
            return make(**fields)
        except (RecordError, DateError) as error:
            found = ATTRS_FIELD.fullmatch(str(error))
            if found is None:
                self.problem(path, str(error))
            else:
                at = (*path, found[1], *([int(found[2])] if found[2] else []))
                self.problem(at, found[3])
            return None


class _BrokenNameError(UnknownNameError):
    """A name that stands for an actor or topic whose own record has problems."""


class _Load:
    """Everything read in one load, and every problem found, in file and line order."""

    def __init__(self, registry: Registry) -> None:
        self.registry = Registry(registry.actors.values(), registry.topics.values())
        self.problems: list[tuple[int, float, str]] = []
        self.seen: dict[tuple[str, str], _Record] = {}
        self.broken: dict[str, set[str]] = {"actor": set(), "topic": set()}

    def add(self, file: SeedFile | None, line: int | None, message: str) -> None:
        """Notes one problem, located by file and line."""
        where = "" if file is None else file.name + ("" if line is None else f":{line}")
        order = -1 if file is None else file.order
        self.problems.append((order, line or 0, f"{where}: {message}" if where else message))

    def empty(self, file: SeedFile) -> None:
        """Notes a file that holds no record, after any other problem with it."""
        expected = "expected [[actor]], [[topic]] or [[development]] tables"
        self.problems.append((file.order, math.inf, f"no records in {file.name}; {expected}"))

    def unique(self, record: _Record, ident: str) -> bool:
        """Whether `ident` is the first of its kind in this load; reports a repeat."""
        first = self.seen.setdefault((record.kind, ident), record)
        if first is not record:
            where = f"{first.file.name}:{first.line(('id',)) or '?'}"
            message = f"{ident!r} is already used at {where}; expected each id once per load"
            record.problem(("id",), message)
        return first is record

    def register(self, record: _Record, value: Actor | Topic) -> bool:
        """Adds an actor or topic to the load's registry, reporting a clash."""
        return register(self.registry, record, value)

    def resolve(self, kind: NameKind) -> Callable[[str], str]:
        """Reads a name of the given kind as its registered id."""

        def read(name: str) -> str:
            try:
                return self.registry.resolve(kind, name)
            except UnknownNameError:
                if name.casefold() in self.broken[kind]:
                    raise _BrokenNameError(kind, name) from None
                raise

        return read

    def failed(self, record: _Record) -> None:
        """Notes the names of an actor or topic that has problems of its own."""
        people = record.data.get("person")
        tables = [record.data, *(people if isinstance(people, list) else [])]
        for table in (t for t in tables if isinstance(t, dict)):
            aliases = table.get("aliases")
            names = [
                table.get("id"),
                table.get("name"),
                *(aliases if isinstance(aliases, list) else []),
            ]
            self.broken[record.kind] |= {n.casefold() for n in names if isinstance(n, str)}


def _same(value: Any) -> Any:
    return value


def _table(record: _Record, path: FieldPath, schema: str, readers: Readers) -> Any:
    """Builds the value object of the table at `path`, each key read by its reader."""
    data, fields = record.get(path, {}), {}
    for key, (kind, *_) in SCHEMAS[schema].items():
        read, at, found = readers.get(key, _same), (*path, key), record.get((*path, key))
        if found is None:
            continue
        if kind == TEXT:
            value: Any = record.convert(at, read)
        elif kind == TEXTS:
            value = tuple(record.convert((*at, i), read) for i in range(len(found)))
        elif kind == TABLE:
            value = _table(record, at, key, readers)
        else:
            value = [_table(record, (*at, i), key, readers) for i in range(len(found))]
        fields[RENAMED.get(key, key)] = value
    if schema == "development" and When.is_relative(str(data.get("occurred"))):
        fields["occurred_as_written"] = data["occurred"]
    return record.build(path, CLASSES[schema], **fields)


def _value(record: _Record, load: _Load) -> Any:
    """The actor, topic or development a record holds, or None if it has problems."""
    reported = record.convert(("reported",), When)

    def occurred(text: str) -> When | None:
        if not When.is_relative(text):
            return When(text)
        # Without a sound reported date there is nothing to resolve against.
        return None if reported is None else When.relative(text, anchor=reported)

    actor = load.resolve("actor")
    readers: Readers = {
        "occurred": occurred,
        "reported": When,
        "published": When,
        "kind": Kind.parse,
        "reliability": Reliability.parse,
        "stance": Stance.parse,
        "rank": values.Rank.parse,
        "actors": actor,
        "targets": actor,
        "actor": actor,
        "topic": load.resolve("topic"),
    }
    # Aliases are checked as they are read, so a bad person does not hide its actor's.
    named = record.kind == "development" or record.kind in CORRECTIONS
    return _table(record, (), record.kind, readers if named else ALIASES)


def _read_file(load: _Load, order: int, file: Path) -> SeedFile | None:
    """Reads one file, reporting unreadable text, bad TOML, unknown tables and no records.

    A file that holds no record at all (empty, only comments or other keys, not TOML)
    is a problem too: it is usually the wrong file, and loading it would do nothing.
    """
    try:
        # "utf-8-sig" drops a leading byte order mark, which some editors write.
        text = read_input(file).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        load.add(None, None, f"{file}: cannot read the file: {error}")
        return None
    result = SeedFile(order, str(file), text)
    for line, message in result.check():
        load.add(result, line, message)
    if not result.holds_records:
        load.empty(result)
    return result if result.parsed else None


def _changed(record: _Record, new: Development, old: Development | None) -> None:
    """Reports a development whose id is already recorded with other content."""
    if old is not None and old != new:
        fields = [f.name for f in attrs.fields(Development)]
        differ = ", ".join(f for f in fields if getattr(old, f) != getattr(new, f))
        message = f"already recorded with different content (differs in {differ})"
        record.problem(("id",), f"{message}; expected the same content, or a revision")


# Each correction a load holds, with the record it was read from.
_Corrections = list[tuple[_Record, tuple[str, Correction]]]


def _records(load: _Load, path: Path) -> list[_Record]:
    """Every record in the seed files at `path`, checked against its schema, kind by kind."""
    paths = seed_paths(path)
    if not paths:
        what = "no *.toml seed files in the folder" if path.is_dir() else "no such file"
        load.add(None, None, f"{path}: {what}")
    files = [f for order, p in enumerate(paths) if (f := _read_file(load, order, p))]
    records: dict[str, list[_Record]] = {kind: [] for kind in KINDS}
    for file in files:
        for kind in KINDS:
            tables = file.data.get(kind)
            for i, data in enumerate(tables if isinstance(tables, list) else []):
                if not isinstance(data, dict):
                    continue  # the file-level check reported it
                records[kind].append(record := _Record(load, file, kind, i, data))
                record.check(kind, record.data)
    return [record for kind in KINDS for record in records[kind]]


def _values(
    load: _Load, records: list[_Record]
) -> tuple[list[Actor], list[Topic], list[tuple[_Record, Development]], _Corrections]:
    """The actors and topics the records register, and the developments and corrections read."""
    actors: list[Actor] = []
    topics: list[Topic] = []
    read: list[tuple[_Record, Development]] = []
    corrections: _Corrections = []
    for record in records:
        if record.kind in CORRECTIONS:
            found = _value(record, load)
            if found is not None:
                corrections.append((record, found))
            continue
        ident = record.data.get("id")
        unique = not isinstance(ident, str) or load.unique(record, ident)
        value = _value(record, load)
        if value is None and record.kind != "development":
            load.failed(record)
        if value is None or not unique:
            continue
        if isinstance(value, Development):
            read.append((record, value))
        elif load.register(record, value):
            (actors if isinstance(value, Actor) else topics).append(value)
    return actors, topics, read, corrections


def read_seeds(
    path: Path,
    registry: Registry,
    *,
    recorded: Callable[[Sequence[str]], Mapping[str, Development]] | None = None,
) -> Seeds:
    """Reads a seed file or folder, resolving names via `registry` and the seeds' own.

    Raises one `LoadError` listing every problem in every file, all or nothing: a file
    with no record (empty, comments only, not TOML) is a problem even beside valid
    files in a folder.  With `recorded` (the developments already stored, by id) it
    also reports ids whose content differs.
    """
    load, path = _Load(registry), Path(path)
    actors, topics, read, corrections = _values(load, _records(load, path))
    developments = [value for _, value in read]
    # One look-up for every id: the store says which are recorded, and as what.
    wanted = [value.id for value in developments] + [target for _, (target, _) in corrections]
    wanted += [c.by for _, (_, c) in corrections if isinstance(c, Ranking) and c.by]
    stored = recorded(wanted) if recorded and wanted else {}
    for record, value in read:
        _changed(record, value, stored.get(value.id))
    _check_corrections(corrections, {v.id for v in developments} | set(stored))
    if load.problems:
        raise LoadError([text for *_, text in sorted(load.problems, key=lambda p: p[:2])])
    return Seeds(
        tuple(actors),
        tuple(topics),
        tuple(developments),
        tuple(correction for _, correction in corrections),
    )


def _check_corrections(corrections: _Corrections, known: set[str]) -> None:
    """Reports corrections of unknown developments, and two different retractions of one."""
    retracted: dict[str, tuple[_Record, Retraction]] = {}
    for record, (target, correction) in corrections:
        by = correction.by if isinstance(correction, Ranking) else None
        if target not in known:
            record.problem(
                ("development",),
                f"found {target!r}; expected the id of a development recorded before "
                "or in this load",
            )
        elif by is not None and by not in known:
            record.problem(
                ("by",),
                f"found {by!r}; expected the id of a development recorded before or in this load",
            )
        elif isinstance(correction, Retraction):
            first = retracted.setdefault(target, (record, correction))
            if first[1] != correction:
                where = f"{first[0].file.name}:{first[0].line() or '?'}"
                record.problem(
                    ("reported",),
                    f"{target!r} is already retracted at {where}; a retraction is final, "
                    "expected the same one or none",
                )
