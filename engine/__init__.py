"""timeline's write side and time model: values, `When`, the aggregates, the rule,
the store application and the pure replay that is every projection's oracle.

It imports neither `timeline.projections` nor the facade (`timeline.Timeline`).
Names are loaded on first use, so importing a value does not load the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline.engine._lazy import lazy

if TYPE_CHECKING:
    from timeline.engine._application import StoreApplication
    from timeline.engine._registry import Registry
    from timeline.engine._replay import EventLog, View
    from timeline.engine._rule import Entry, Position
    from timeline.engine.corrections import Ranking, Retraction, Revision
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
    from timeline.engine.values import (
        Actor,
        Development,
        Kind,
        Person,
        Rank,
        Reliability,
        Source,
        Stance,
        StanceClaim,
        Topic,
    )
    from timeline.engine.when import Precision, When

_HOMES = {
    "_application": ("StoreApplication",),
    "errors": (
        "ConflictError",
        "DateError",
        "DuplicateError",
        "LoadError",
        "NotRetractableError",
        "RecordError",
        "StoreError",
        "TimelineError",
        "UnknownDevelopmentError",
        "UnknownNameError",
    ),
    "_registry": ("Registry",),
    "_replay": ("EventLog", "View"),
    "_rule": ("Entry", "Position"),
    "corrections": ("Ranking", "Retraction", "Revision"),
    "values": (
        "Actor",
        "Development",
        "Kind",
        "Person",
        "Rank",
        "Reliability",
        "Source",
        "Stance",
        "StanceClaim",
        "Topic",
    ),
    "when": ("Precision", "When"),
}
_MODULES = {name: module for module, names in _HOMES.items() for name in names}

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
    "Rank",
    "Ranking",
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
assert sorted(_MODULES) == __all__  # the table and the list name the same values


__getattr__ = lazy("timeline.engine", _MODULES, globals())
