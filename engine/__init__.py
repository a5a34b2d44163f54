"""timeline's write side and time model: values, `When`, the aggregates, the rule,
the store application and the pure replay that is every projection's oracle.

It imports neither `timeline.projections` nor the facade (`timeline.Timeline`).
"""

from timeline.engine.application import StoreApplication
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
from timeline.engine.replay import EventLog, View
from timeline.engine.rule import Entry, Position
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
    "EventLog",
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
    "StoreApplication",
    "StoreError",
    "TimelineError",
    "Topic",
    "UnknownDevelopmentError",
    "UnknownNameError",
    "View",
    "When",
]
