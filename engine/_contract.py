"""The contract with every store already written: the event topics it may hold.

A stored event names its class by topic (`module:Class.Event`).  Topics of classes
that have since moved or been renamed stay readable: each is registered with
eventsourcing (`register_topic`) under the class that now stands for it.  Only the
topics listed here are ever resolved, so a store cannot make timeline import an
arbitrary module; a topic that is not ours is reported as a `StoreError`.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import get_topic, register_topic

from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream
from timeline.engine.errors import StoreError

__all__ = ["WRITTEN_BY", "StoreMapper", "readable", "resolve", "topics_of"]

CLASSES: tuple[type[Any], ...] = (
    DevelopmentStream,
    DevelopmentStream.Recorded,
    DevelopmentStream.Revised,
    DevelopmentStream.Retracted,
    ActorStream,
    ActorStream.Registered,
    TopicStream,
    TopicStream.Registered,
    DevelopmentStream.Ranked,
)
# The classes above, by the first version that wrote their topic as it is now.
ADDED_IN = {DevelopmentStream.Ranked: "0.3.0"}

# Topics written by earlier versions, the class each now stands for, and the
# first version that wrote it.  Never remove a line: a store may still hold it.
FORMER: dict[str, tuple[type[Any], str]] = {
    "engine.aggregates:Development": (CLASSES[0], "0.1.0"),
    "engine.aggregates:Development.Recorded": (CLASSES[1], "0.1.0"),
    "engine.aggregates:Development.Revised": (CLASSES[2], "0.1.0"),
    "engine.aggregates:Development.Retracted": (CLASSES[3], "0.1.0"),
    "engine.aggregates:Actor": (CLASSES[4], "0.1.0"),
    "engine.aggregates:Actor.Registered": (CLASSES[5], "0.1.0"),
    "engine.aggregates:Topic": (CLASSES[6], "0.1.0"),
    "engine.aggregates:Topic.Registered": (CLASSES[7], "0.1.0"),
}

# Every topic any version wrote, with the first version that wrote it.
WRITTEN_BY: dict[str, str] = {
    **{topic: version for topic, (_, version) in FORMER.items()},
    **{get_topic(cls): ADDED_IN.get(cls, "0.2.0") for cls in CLASSES},
}

# The topics this version reads, and their classes.
_READABLE: dict[str, type[Any]] = {get_topic(cls): cls for cls in CLASSES}
_READABLE.update({topic: cls for topic, (cls, _) in FORMER.items()})

for _topic, (_cls, _) in FORMER.items():
    register_topic(_topic, _cls)


def readable() -> dict[str, type[Any]]:
    """The topics this version reads, each with its class."""
    return dict(_READABLE)


def resolve(topic: str) -> type[Any]:
    """The class a stored topic stands for; raises `StoreError` for any other topic."""
    found = _READABLE.get(topic)
    if found is not None:
        return found
    writer = WRITTEN_BY.get(topic)
    if writer is not None:
        raise StoreError(
            f"the store holds events of topic {topic!r}, written by timeline {writer}, "
            f"which timeline {_version()} cannot read; upgrade timeline, or report this"
        )
    raise StoreError(
        f"the store holds an event of topic {topic!r}, which is not a timeline event: "
        "the store is corrupt or belongs to another application"
    )


def _version() -> str:
    # Imported only to name the version in an error: it is slow to import.
    from importlib import metadata

    try:
        return metadata.version("timeline-engine")
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "(this source tree)"


def topics_of(*classes: type[Any]) -> tuple[str, ...]:
    """Every topic, current or former, that stands for one of `classes`."""
    return tuple(sorted(t for t, cls in _READABLE.items() if cls in classes))


class StoreMapper(Mapper[UUID]):
    """A mapper that resolves only timeline's own topics, old names included."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        resolve(stored_event.topic)
        try:
            event = super().to_domain_event(stored_event)
        except MapperDeserialisationError as error:
            raise StoreError(f"the store holds an event that cannot be read: {error}") from None
        except (TypeError, ValueError, KeyError, AttributeError) as error:  # a crafted row
            raise StoreError(
                _unreadable(stored_event, f"{type(error).__name__}: {error}")
            ) from None
        wrong = _misshapen(event)
        if wrong:
            raise StoreError(_unreadable(stored_event, wrong))
        origin = getattr(event, "originator_topic", None)
        if origin is not None:
            # A creation event names its aggregate's class too: read it the same way.
            object.__setattr__(event, "originator_topic", get_topic(resolve(origin)))
        return event


def _unreadable(stored_event: StoredEvent, reason: str) -> str:
    return (
        f"the store holds an event that cannot be read (stream {stored_event.originator_id}, "
        f"version {stored_event.originator_version}, topic {stored_event.topic!r}): {reason}"
    )


@functools.cache
def _fields(kind: type) -> tuple[tuple[str, type | None], ...]:
    """Each field an event of `kind` holds, with its class when it names a plain one."""
    hints = typing.get_type_hints(kind)
    return tuple(
        (field.name, hint if isinstance(hint := hints.get(field.name), type) else None)
        for field in dataclasses.fields(kind)
    )


def _misshapen(event: object) -> str | None:
    """What an event read from the store lacks or holds wrongly (None: it is whole)."""
    kind_of_event: type = type(event)
    if not dataclasses.is_dataclass(kind_of_event):
        return None
    held = vars(event)
    for name, kind in _fields(kind_of_event):
        if name not in held:
            return f"field {name!r} is missing"
        if kind is not None and not isinstance(held[name], kind):
            return f"field {name!r} holds {type(held[name]).__name__}; expected {kind.__name__}"
    return None
