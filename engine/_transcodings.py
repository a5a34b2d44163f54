"""Transcodings that let eventsourcing's JSON transcoder store the domain values exactly.

They are written against a base of their own, shaped as eventsourcing's `Transcoding`
(which its transcoder asks nothing more of), so that `decode_state` can read a stored
value without importing eventsourcing: a read of a current view needs no more.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, cast

import attrs
import pendulum

from timeline.engine import corrections, values
from timeline.engine.when import When

if TYPE_CHECKING:
    from eventsourcing.persistence import JSONTranscoder, Transcoding

__all__ = ["TRANSCODINGS", "UnknownStateError", "decode_state", "register", "register_all"]


class UnknownStateError(ValueError):
    """A stored value names a transcoding this module does not hold (eventsourcing's own)."""


class Coding(ABC):
    """How one kind of value is stored: under `name`, as what `encode` gives (JSON)."""

    type: type[Any]
    name: str

    @abstractmethod
    def encode(self, obj: Any) -> Any:
        """The value as JSON data."""

    @abstractmethod
    def decode(self, data: Any) -> Any:
        """The value from its JSON data."""


class WhenAsText(Coding):
    """Stores a `When` as its canonical EDTF text."""

    type = When
    name = "when"

    def encode(self, obj: When) -> str:
        return obj.text

    def decode(self, data: str) -> When:
        return When(data)


class DateAsISO(Coding):
    """Stores a calendar date (plain or pendulum) as ISO text."""

    def __init__(self, kind: type[dt.date], name: str) -> None:
        self.type = kind
        self.name = name

    def encode(self, obj: dt.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        day = dt.date.fromisoformat(data)
        if self.type is pendulum.Date:
            return pendulum.Date(day.year, day.month, day.day)
        return day


class EnumByValue(Coding):
    """Stores an enum member as its value."""

    def __init__(self, kind: type[enum.Enum]) -> None:
        self.type = kind
        self.name = kind.__name__.lower()

    def encode(self, obj: enum.Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> enum.Enum:
        member: enum.Enum = self.type(data)
        return member


class AttrsByFields(Coding):
    """Stores an attrs value as its fields; nested values are transcoded in turn.

    The stored keys are the attribute names (`_x` for a private field), as they
    always were; decoding passes each value to `__init__` by the field's alias,
    which is attrs' name for the argument (`x` for `_x`, or an explicit `alias=`).
    """

    def __init__(self, kind: type[Any]) -> None:
        self.type = kind
        self.name = kind.__name__.lower()
        fields = [f for f in attrs.fields(kind) if f.init]
        self._fields = [f.name for f in fields]
        self._aliases = {f.name: f.alias for f in fields}
        # Fields added since stores were first written are left out at their default,
        # so what those stores hold and what is written now keep one shape.
        self._omitted = {f.name: f.default for f in fields if f.metadata.get(values.OMIT_DEFAULT)}

    @property
    def fields(self) -> tuple[str, ...]:
        """The stored keys, in their stored order."""
        return tuple(self._fields)

    @property
    def omitted(self) -> dict[str, Any]:
        """The fields left out when at their default, with that default."""
        return dict(self._omitted)

    def encode(self, obj: Any) -> dict[str, Any]:
        found = {name: getattr(obj, name) for name in self._fields}
        for name, default in self._omitted.items():
            if found[name] == default:
                del found[name]
        return found

    def decode(self, data: dict[str, Any]) -> Any:
        if "aliases" in data:
            data = _without_blank_aliases(data)
        return self.type(**{self._aliases.get(name, name): value for name, value in data.items()})


def _without_blank_aliases(data: dict[str, Any]) -> dict[str, Any]:
    """An upcast: blank aliases, which 0.1.0 stored and later versions refuse, are dropped.

    A blank alias never named anything (the empty name would resolve to its
    owner), so a store that holds one reads as if it had not been given.
    """
    aliases = data["aliases"]
    if not isinstance(aliases, list | tuple) or all(
        isinstance(a, str) and a.strip() for a in aliases
    ):
        return data
    kept = [a for a in aliases if not (isinstance(a, str) and not a.strip())]
    return {**data, "aliases": kept}


TRANSCODINGS: tuple[Coding, ...] = (
    WhenAsText(),
    DateAsISO(dt.date, "date"),
    DateAsISO(pendulum.Date, "pendulum_date"),
    *(EnumByValue(kind) for kind in (values.Stance, values.Kind, values.Reliability, values.Rank)),
    *(
        AttrsByFields(kind)
        for kind in (
            values.Person,
            values.Actor,
            values.Topic,
            values.Source,
            values.StanceClaim,
            values.Development,
            corrections.Revision,
            corrections.Retraction,
            corrections.Ranking,
        )
    ),
)


def register(transcoder: JSONTranscoder, transcoding: Coding) -> None:
    """Registers one transcoding on eventsourcing's `transcoder`."""
    # eventsourcing's transcoder asks a transcoding for its type, name, encode and
    # decode only, which `Coding` has, as its `Transcoding` declares them.
    transcoder.register(cast("Transcoding", transcoding))


def register_all(transcoder: JSONTranscoder) -> None:
    """Registers every transcoding the domain needs on `transcoder`."""
    for transcoding in TRANSCODINGS:
        register(transcoder, transcoding)


_BY_NAME = {transcoding.name: transcoding for transcoding in TRANSCODINGS}


def _decoded(found: dict[str, Any]) -> Any:
    # As eventsourcing's JSONTranscoder decodes: a mapping of exactly `_type_` and
    # `_data_` is a transcoded value, any other mapping is itself.
    if len(found) != 2 or "_type_" not in found or "_data_" not in found:
        return found
    transcoding = _BY_NAME.get(found["_type_"])
    if transcoding is None:
        raise UnknownStateError(f"no transcoding here for {found['_type_']!r}")
    return transcoding.decode(found["_data_"])


_DECODER = json.JSONDecoder(object_hook=_decoded)


def decode_state(data: bytes) -> Any:
    """A value stored by eventsourcing's JSON transcoder with these transcodings, decoded.

    Raises `UnknownStateError` for a value of a transcoding eventsourcing registers
    itself (a UUID, a decimal, a datetime): decode that through the application.
    """
    return _DECODER.decode(data.decode("utf8"))
