"""Stored events made as eventsourcing's mapper makes them, byte for byte, for less.

The mapper encodes an event's state with the standard JSON encoder, which calls
back into Python for every domain value (a `When`, a `Source`, an enum) and then
builds a dict for each.  The bulk path writes millions of events, so here each
registered transcoding gets an encoder of its own that writes its JSON text
directly: the same keys in the same order, the same separators, strings escaped
by the same function the standard encoder uses, numbers by the same `repr`.
Whatever falls outside what is handled here (a type with no transcoding, a dict
with keys that are not texts, a compressing or encrypting mapper) is handed to
the mapper itself, so what is stored never differs from the normal path's.
"""

from __future__ import annotations

import dataclasses
import json.encoder
from collections.abc import Callable, Iterable
from typing import Any

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import get_topic

from timeline.engine._encode_fields import UnusualError as _UnusualError
from timeline.engine._encode_fields import fields_writer
from timeline.engine._transcodings import AttrsByFields, EnumByValue, WhenAsText
from timeline.engine.aggregates import DevelopmentStream

__all__ = ["StoredEvents"]

# The standard encoder's own string escaping (its C version when there is one), as it
# uses it with ensure_ascii=False.
_text: Callable[[str], str] = json.encoder.encode_basestring
_MISSING = object()
# The fields of a creation event before its development, in the order it holds them.
_CREATION_HEAD = ["originator_id", "originator_version", "timestamp", "originator_topic"]


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


class StoredEvents:
    """Makes the stored events of domain events, exactly as `mapper.to_stored_event` does."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        transcoder: Any = mapper.transcoder
        self.usable = (
            type(transcoder) is JSONTranscoder
            and mapper.compressor is None
            and mapper.cipher is None
            and transcoder.encoder.item_separator == ","
            and transcoder.encoder.key_separator == ":"
            and not transcoder.encoder.ensure_ascii
            and transcoder.encoder.allow_nan
            and not transcoder.encoder.sort_keys
            and transcoder.encoder.indent is None
        )
        self._by_type: dict[type, Callable[[Any], str]] = {
            str: _text,
            type(None): lambda _: "null",
            bool: lambda value: "true" if value else "false",
            int: int.__repr__,
            float: _float,
            list: self._list,
            tuple: self._list,
            dict: self._dict,
        }
        self._heads: dict[type, str] = {}
        if self.usable:
            for kind, transcoding in transcoder.types.items():
                # The standard encoder writes these as what they subclass, never asking.
                if not issubclass(kind, str | int | float | list | tuple | dict):
                    self._by_type[kind] = self._transcoded(transcoding)
        self._topics: dict[type, str] = {}
        # A creation's state is written around its two values: what comes before the
        # timestamp, between it and the development, and the event's topic.
        recorded: Any = DevelopmentStream.Recorded
        keys = [f.name for f in dataclasses.fields(recorded)]
        self._creation: tuple[str, str, str] | None = None
        if self.usable and keys == [*_CREATION_HEAD, "development"]:
            between = ',"originator_topic":' + _text(get_topic(DevelopmentStream)) + ","
            self._creation = (
                '{"timestamp":',
                between + '"development":',
                get_topic(recorded),
            )
        if getattr(recorded, "class_version", 1) > 1:  # the mapper would add it
            self._creation = None

    def __call__(self, event: Any) -> StoredEvent:
        """The stored event of `event`."""
        if not self.usable:
            return self.mapper.to_stored_event(event)
        kind = type(event)
        topic = self._topics.get(kind)
        if topic is None:
            topic = self._topics[kind] = get_topic(kind)
        # The state as the mapper has it: every attribute but the two it keeps apart.
        state = vars(event)
        class_version = getattr(kind, "class_version", 1)
        try:
            encoded = self._state(state, class_version).encode("utf8")
        except _UnusualError:
            return self.mapper.to_stored_event(event)
        return StoredEvent(
            originator_id=state["originator_id"],
            originator_version=state["originator_version"],
            topic=topic,
            state=encoded,
        )

    def creation(self, made: Any) -> StoredEvent:
        """The stored event of a development's creation (`engine._bulk.Creation`), written
        without making the event.

        The same bytes as `self(made.event())`: the state's keys in the event's own
        order (timestamp, topic, development), each value as `_value` writes it.
        """
        text = self.development_text(made.development)
        if text is None:
            return self(made.event())
        return self.around(made.ident, made.timestamp, text)

    def development_text(self, development: Any) -> str | None:
        """The JSON text of a development as its creation's state holds it (None when
        `creation` cannot write it: then the mapper writes the whole event)."""
        return None if self._creation is None else self.value_text(development)

    def value_text(self, value: Any) -> str | None:
        """The JSON text of `value` as an event's state holds it (None when not written here)."""
        if not self.usable:
            return None
        try:
            return self._value(value)
        except _UnusualError:
            return None

    def around(self, ident: Any, timestamp: Any, text: str) -> StoredEvent:
        """The stored creation of a development whose JSON text is `text`."""
        return StoredEvent(
            originator_id=ident,
            originator_version=1,
            topic=self.creation_topic,
            state=self._creation_state(timestamp, text),
        )

    def creation_states(self, texts: Iterable[str], now: Callable[[], Any]) -> list[bytes]:
        """The stored states of new developments' creations, as `around` writes each one
        around its JSON text, each recorded at the instant `now()` gives as it is made."""
        state = self._creation_state
        return [state(now(), text) for text in texts]

    def _creation_state(self, timestamp: Any, text: str) -> bytes:
        """A creation's stored state: `text` (a development's JSON) recorded at `timestamp`."""
        assert self._creation is not None  # `development_text` gave the text
        before, between, _ = self._creation
        return (before + self._value(timestamp) + between + text + "}").encode("utf8")

    @property
    def creation_topic(self) -> str:
        """The topic of a development's creation event, as `around` stores it."""
        assert self._creation is not None
        return self._creation[2]

    def _state(self, state: dict[str, Any], class_version: int) -> str:
        """The JSON text of an event's state, without its originator id and version."""
        parts = []
        for key, value in state.items():
            if key == "originator_id" or key == "originator_version":
                continue
            if type(key) is not str:
                raise _UnusualError(type(key))
            parts.append(_text(key) + ":" + self._value(value))
        if class_version > 1:  # the mapper adds it last
            parts.append('"class_version":' + int.__repr__(class_version))
        return "{" + ",".join(parts) + "}"

    def _value(self, value: Any) -> str:
        write = self._by_type.get(type(value))
        if write is None:
            raise _UnusualError(type(value))
        return write(value)

    def _list(self, values: list[Any] | tuple[Any, ...]) -> str:
        if not values:
            return "[]"
        try:  # the usual list, of texts (ids, modes, names): the escaping refuses others
            return "[" + ",".join(map(_text, values)) + "]"
        except TypeError:
            pass
        return "[" + ",".join([self._value(v) for v in values]) + "]"

    def _dict(self, values: dict[Any, Any]) -> str:
        parts = []
        for key, value in values.items():
            if type(key) is not str:
                raise _UnusualError(type(key))
            parts.append(_text(key) + ":" + self._value(value))
        return "{" + ",".join(parts) + "}"

    def _transcoded(self, transcoding: Any) -> Callable[[Any], str]:
        """The writer of one transcoded type: `{"_type_": name, "_data_": its data}`."""
        head = '{"_type_":' + _text(transcoding.name) + ',"_data_":'
        if type(transcoding) is EnumByValue:
            # An enum has few members: each one's text is made once, then looked up.
            members: Any = transcoding.type
            texts = {m: head + self._value(transcoding.encode(m)) + "}" for m in members}
            return texts.__getitem__
        if type(transcoding) is WhenAsText:
            self._heads[transcoding.type] = head  # for the fields writers to write inline
            return lambda value: head + _text(value.text) + "}"
        if type(transcoding) is DatetimeAsISO:  # every event's timestamp
            return lambda value: head + _text(value.isoformat()) + "}"
        if type(transcoding) is not AttrsByFields:
            encode = transcoding.encode
            return lambda value: head + self._value(encode(value)) + "}"
        names, omitted = transcoding.fields, transcoding.omitted
        return fields_writer(
            transcoding.type, head, names, omitted, self._by_type, self._heads, _text
        )
