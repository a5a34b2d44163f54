"""timeline's engine: the time model, immutable developments, the event store, replay."""

from timeline.engine.errors import (
    ConflictError,
    DateError,
    DuplicateError,
    LoadError,
    NotRetractableError,
    RecordError,
    StoreError,
    TimelineError,
    UnknownDevelopmentError,
    UnknownNameError,
)
from timeline.engine.registry import Registry
from timeline.engine.replay import Entry, Position, View
from timeline.engine.timeline import Timeline
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
from timeline.engine.when import Precision, When

__all__ = [
    "Actor",
    "ConflictError",
    "DateError",
    "Development",
    "DuplicateError",
    "Entry",
    "Kind",
    "LoadError",
    "NotRetractableError",
    "Person",
    "Position",
    "Precision",
    "RecordError",
    "Registry",
    "Reliability",
    "Retraction",
    "Revision",
    "Source",
    "Stance",
    "StanceClaim",
    "StoreError",
    "Timeline",
    "TimelineError",
    "Topic",
    "UnknownDevelopmentError",
    "UnknownNameError",
    "View",
    "When",
]
