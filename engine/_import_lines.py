"""The lines of an imported file: their schemas, values, and the problems found in them."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from timeline.engine._fields import TEXT, TEXTS, Fields, Shapes, register
from timeline.engine._fields import FieldPath as FieldPath
from timeline.engine._registry import Registry
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.engine.errors import DateError, RecordError, UnknownNameError
from timeline.engine.values import (
    Actor,
    Development,
    Kind,
    Rank,
    Reliability,
    Stance,
    StanceClaim,
    Topic,
)

LOG_FORMAT = "timeline-jsonl"
PLOVER_FORMAT = "plover"
Form = Literal["jsonl", "plover"]
Value = Actor | Topic | Development | Revision | Retraction | Ranking

# What each kind of record holds: key -> (shape, required, what a good value looks like).
OBJECT, OBJECTS, NUMBER = "object", "objects", "number"
SCHEMAS: dict[str, dict[str, tuple[str, bool, str]]] = {
    "actor": {
        "id": (TEXT, True, 'a CAMEO-style id such as "TUR" or "USA.STATE"'),
        "name": (TEXT, True, 'a display name such as "Turkey"'),
        "aliases": (TEXTS, False, 'an array of strings such as ["Ankara"]'),
        "people": (OBJECTS, False, "an array of person objects, each with a name"),
        "country": (TEXT, False, 'the country code an event dataset gives, such as "TUR"'),
        "sector": (TEXT, False, 'the sector an event dataset gives, such as "GOV"'),
        "wikidata": (TEXT, False, 'a Wikidata item id such as "Q39723"'),
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
        "coded": (TEXT, False, 'the data\'s own event code, such as "0312"'),
        "mode": (TEXTS, False, 'an array of PLOVER modes such as ["visit"]'),
        "context": (TEXTS, False, 'an array of PLOVER contexts such as ["military"]'),
        "weight": (NUMBER, False, "a number from -10 to 10"),
        "reports": (OBJECTS, False, "an array of further report objects, each dated"),
    },
    "reports": {
        "publisher": (TEXT, True, 'text such as "Reuters"'),
        "published": (TEXT, True, 'EDTF text such as "2019-07-18"'),
        "reliability": (TEXT, True, f"one of {', '.join(map(str, Reliability))}"),
        "attribution": (TEXT, False, 'text such as "two unnamed sources"'),
        "url": (TEXT, False, "a URL as text"),
        "repeats": (TEXT, False, 'the outlet it repeats, such as "Reuters"'),
    },
    "source": {
        "publisher": (TEXT, True, 'text such as "Reuters"'),
        "reliability": (TEXT, True, f"one of {', '.join(map(str, Reliability))}"),
        "attribution": (TEXT, False, 'text such as "two unnamed sources"'),
        "url": (TEXT, False, "a URL as text"),
        "published": (TEXT, False, 'EDTF text such as "2019-07-18"'),
        "repeats": (TEXT, False, 'the outlet it repeats, such as "Reuters"'),
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
        "actors": (TEXTS, False, 'the corrected actor ids, such as ["TUR"]'),
        "targets": (TEXTS, False, 'the corrected target ids, such as ["USA"] ([] for none)'),
        "occurred_as_written": (TEXT, False, 'a phrase such as "last month"'),
        "coded": (TEXT, False, 'the data\'s own event code, such as "0312"'),
        "mode": (TEXTS, False, 'an array of PLOVER modes such as ["visit"]'),
        "context": (TEXTS, False, 'an array of PLOVER contexts such as ["military"]'),
        "weight": (NUMBER, False, "a number from -10 to 10"),
        "cleared": (TEXTS, False, 'the values reset to none, such as ["weight"]'),
    },
    "retraction": {
        "development": (TEXT, True, "the id of the development it withdraws"),
        "reported": (TEXT, True, 'EDTF text such as "2019-01-05"'),
        "reason": (TEXT, True, "text saying why"),
    },
    "ranking": {
        "development": (TEXT, True, "the id of the development whose claims it ranks"),
        "rank": (TEXT, True, f"one of {', '.join(map(str, Rank))}"),
        "reported": (TEXT, True, 'EDTF text such as "2019-01-05"'),
        "reason": (TEXT, True, "text saying why"),
        "by": (TEXT, False, "the id of the development that grounds it"),
        "actor": (TEXT, False, 'the actor of the one claim it ranks, such as "TUR"'),
        "topic": (TEXT, False, 'the topic of the one claim it ranks, such as "s400-purchase"'),
    },
}
LOG_TYPES = ("actor", "topic", "development", "revision", "retraction", "ranking")
# The kinds of record that correct a development named by their `development` key.
CORRECTING = ("revision", "retraction", "ranking")
COMMON = {"type", "recorded"}  # keys every log line may carry besides its own
_SLUG_PART = re.compile(r"[^a-z0-9]+")


@functools.cache
def _required(schema: str) -> tuple[tuple[str, str], ...]:
    """A schema's required keys, each with the example its problem names."""
    return tuple((key, spec[2]) for key, spec in SCHEMAS[schema].items() if spec[1])


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


class Line(Fields):
    """One line being read: its place, its label, and the problems found in it."""

    SHAPES = Shapes(OBJECT, OBJECTS, "an object", _describe)

    def __init__(self, load: Load, number: int, kind: str, data: dict[str, Any]) -> None:
        self.load, self.number, self.kind, self.data = load, number, kind, data
        ident = data.get("development" if kind in CORRECTING else "id")
        if isinstance(ident, str) and len(ident) > 60:  # the id's own check says how long
            ident = f"{ident[:40]}..."
        if kind in CORRECTING:
            self.label = f"{kind} of {ident!r}" if isinstance(ident, str) else kind
        else:
            self.label = f"{kind} {ident!r}" if isinstance(ident, str) else kind
        self.bad: set[FieldPath] = set()

    def _tell(self, path: FieldPath, message: str) -> None:
        self.load.add(self.number, message)

    def check(self, schema: str, data: Mapping[str, Any], path: FieldPath = ()) -> None:
        """Reports unknown keys, missing fields and values of the wrong shape."""
        keys = SCHEMAS[schema]
        for key, value in data.items():
            spec = keys.get(key)
            if spec is not None:
                if type(value) is str and spec[0] == TEXT:
                    continue  # the usual field, sound as it is: no call for it
                self.shape((*path, key), value, spec[0], spec[2])
            elif not (path == () and key in COMMON):
                close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(keys)}"
                self.problem((*path, key), f"unknown key {key!r}; {hint}")
        for key, example in _required(schema):
            if data.get(key) is None and (*path, key) not in self.bad:
                found = "missing" if key not in data else "found null"
                self.problem((*path, key), f"{found}; expected {example}")

    def shape(self, path: FieldPath, value: Any, shape: str, example: str) -> None:
        """Reports a value of the wrong shape; null is absence (a required one, `check`'s)."""
        if value is None:
            return
        if shape == NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.problem(path, f"found {_describe(value)}; expected {example}")
            return
        super().shape(path, value, shape, example)

    def get(self, path: FieldPath, default: Any = None) -> Any:
        """The value at `path` if it was found well-formed and not null, else `default`."""
        # Sound development lines take the quick path (`_quick_lines`), so this walk is
        # not the import's hot path: it reuses the base class's search.
        value = super().get(path)
        return default if value is None else value

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


class Load:
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

    def register(self, line: Line, value: Actor | Topic) -> bool:
        return register(self.registry, line, value)

    def keep(self, line: Line, value: Value, development: str | None = None) -> None:
        self.items.append(Item(line.number, line.label, value, development))


def claims_of(line: Line, path: FieldPath) -> tuple[StanceClaim, ...] | None:
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
