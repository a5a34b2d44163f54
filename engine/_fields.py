"""What the seed loader and the file importer check alike in a record's fields.

A record (a seed file's table, an imported file's line) is read as nested tables;
`Fields` notes the paths of the fields found to have problems (the first problem
of each is told), reads a field only while it is sound, and checks each value's
shape against the record's schema.  The two differ only in their words: a seed
file's nested tables are TOML tables, an imported file's are JSON objects.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from timeline.engine._registry import Registry
from timeline.engine.errors import RecordError
from timeline.engine.values import Actor, Topic

__all__ = ["TEXT", "TEXTS", "FieldPath", "Fields", "Shapes", "field_name", "register"]

FieldPath = tuple[str | int, ...]
TEXT, TEXTS = "text", "texts"


@attrs.frozen
class Shapes:
    """How a kind of file names its nested tables, and tells what a value is."""

    table: str  # the schemas' name for a nested table's shape
    tables: str  # and for an array of them
    a_table: str  # a nested table, as a problem names what it expected
    describe: Callable[[Any], str]
    # The Python type each shape wants (made once: every field of every record asks).
    types: dict[str, type[Any]] = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        wanted = {TEXT: str, TEXTS: list, self.table: dict, self.tables: list}
        object.__setattr__(self, "types", wanted)


def field_name(path: FieldPath) -> str:
    """A field's path as a problem names it: `claims[0].stance`."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


class Fields(ABC):
    """One record's data, its label, and the paths of its fields that have problems."""

    SHAPES: ClassVar[Shapes]
    data: dict[str, Any]
    label: str
    bad: set[FieldPath]

    @abstractmethod
    def _tell(self, path: FieldPath, message: str) -> None:
        """Reports a problem, located where the field at `path` is written."""

    @abstractmethod
    def check(self, schema: str, data: Mapping[str, Any], path: FieldPath = ()) -> None:
        """Reports unknown keys, missing fields and values of the wrong shape."""

    def problem(self, path: FieldPath, message: str) -> None:
        """Notes a problem with a field; only the first one per field is kept."""
        if path in self.bad:
            return
        self.bad.add(path)
        field = f" field {field_name(path)!r}" if path else ""
        self._tell(path, f"{self.label}{field}: {message}")

    def clean(self, prefix: FieldPath = ()) -> bool:
        """Whether no problem was found at or below `prefix`."""
        return not self.bad or not any(path[: len(prefix)] == prefix for path in self.bad)

    def get(self, path: FieldPath, default: Any = None) -> Any:
        """The value at `path` if it was found well-formed, else `default`."""
        value: Any = self.data
        try:
            for step in path:
                value = value[step]
        except (KeyError, IndexError, TypeError):
            return default
        if not self.bad:  # the usual record: nothing flagged, nothing to look through
            return value
        flagged = any(path[: len(bad)] == bad for bad in self.bad)
        return default if flagged else value

    def shape(self, path: FieldPath, value: Any, shape: str, example: str) -> None:
        """Reports a value, or an element of it, of the wrong shape; checks the tables in it."""
        shapes = self.SHAPES
        if not isinstance(value, shapes.types[shape]):
            self.problem(path, f"found {shapes.describe(value)}; expected {example}")
        elif shape in (TEXTS, shapes.tables):
            item: type[Any] = str if shape == TEXTS else dict
            for i, element in enumerate(value):
                if not isinstance(element, item):
                    what = "text" if shape == TEXTS else shapes.a_table
                    self.problem((*path, i), f"found {shapes.describe(element)}; expected {what}")
                elif shape == shapes.tables:
                    self.check(str(path[-1]), element, (*path, i))
        elif shape == shapes.table:
            self.check(str(path[-1]), value, path)


def register(registry: Registry, record: Fields, value: Actor | Topic) -> bool:
    """Adds an actor or topic to `registry`; a clash is a problem with the record's id."""
    try:
        if isinstance(value, Actor):
            registry.add_actor(value)
        else:
            registry.add_topic(value)
    except RecordError as error:
        record.problem(("id",), str(error))
        return False
    return True
