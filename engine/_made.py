"""A dataset row's development made with its constructor's checks in fewer calls.

`Development(...)` runs a converter or validator per field (some twenty calls),
which for an import of millions of rows is a good part of reading a row.  A
reader's values are already of the right types, so `development` checks the
usual case inline (the same tests the validators pass it by) and sets the fields
directly; anything else, a value a check would refuse among them, goes to the
constructor itself, which raises the same `RecordError` or makes the same value.
"""

from __future__ import annotations

from typing import Any

import attrs

from timeline.engine._checks import _SURROGATE, LONGEST_ID
from timeline.engine.values import DEVELOPMENT_ID, Development, Kind, Reliability, Source
from timeline.engine.when import When

__all__ = ["ROW_FIELDS", "development", "source"]

# The fields `development` takes, in the order it takes them (the others are left unset).
ROW_FIELDS = (
    *("id", "occurred", "reported", "kind", "summary", "actors", "targets", "source"),
    *("coded", "mode", "context", "weight"),
)

_new = object.__new__
_set = object.__setattr__
_match = DEVELOPMENT_ID.fullmatch
# The fields set below, in each class's order: should a class gain a field, every
# value is made by its constructor again.
_DIRECT = [f.name for f in attrs.fields(Source)] == [
    "publisher", "reliability", "attribution", "url", "published", "repeats"
] and [f.name for f in attrs.fields(Development)] == [
    "id", "occurred", "reported", "kind", "summary", "actors", "source", "targets", "claims",
    "occurred_as_written", "coded", "mode", "context", "weight", "reports",
]  # fmt: skip


def _usual_text(value: object) -> bool:
    """Whether `value` is text the `text` validator passes: not blank, no lone surrogate."""
    return (
        type(value) is str
        and value != ""
        and not value.isspace()  # for text, the same test as its strip() being empty
        and (value.isascii() or _SURROGATE.search(value) is None)
    )


def _optional(value: object) -> bool:
    return value is None or _usual_text(value)


def source(publisher: str, reliability: Reliability, url: str | None) -> Source:
    """`Source(publisher, reliability, url=url)`, made directly when its parts are usual."""
    if not (
        _DIRECT and _usual_text(publisher) and type(reliability) is Reliability and _optional(url)
    ):
        return Source(publisher, reliability, url=url)
    made: Source = _new(Source)
    _set(made, "publisher", publisher)
    _set(made, "reliability", reliability)
    _set(made, "attribution", None)
    _set(made, "url", url)
    _set(made, "published", None)
    _set(made, "repeats", None)
    return made


def development(
    ident: str,
    occurred: When,
    reported: When,
    kind: Kind,
    summary: str,
    actors: tuple[str, ...],
    targets: tuple[str, ...],
    source: Source,
    coded: str | None,
    mode: tuple[str, ...],
    context: tuple[str, ...],
    weight: float | None,
) -> Development:
    """`Development(...)` of these fields (no claims, no further reports), equal to what
    the constructor makes; its `RecordError` when a field is refused."""
    # The tests each validator and converter passes the usual value by, inline.
    usual = (
        type(ident) is str
        and len(ident) <= LONGEST_ID
        and _match(ident) is not None
        and type(occurred) is When
        and type(reported) is When
        and type(kind) is Kind
        and _usual_text(summary)
        and type(actors) is tuple
        and len(actors) > 0
        and type(targets) is tuple
        and isinstance(source, Source)
        and (coded is None or _usual_text(coded))
        and type(mode) is tuple
        and type(context) is tuple
        and (weight is None or (type(weight) is float and -10 <= weight <= 10))
    )
    if not (usual and _DIRECT):
        return Development(
            id=ident,
            occurred=occurred,
            reported=reported,
            kind=kind,
            summary=summary,
            actors=actors,
            targets=targets,
            source=source,
            coded=coded,
            mode=mode,
            context=context,
            weight=weight,
        )
    made: Any = _new(Development)
    _set(made, "id", ident)
    _set(made, "occurred", occurred)
    _set(made, "reported", reported)
    _set(made, "kind", kind)
    _set(made, "summary", summary)
    _set(made, "actors", actors)
    _set(made, "source", source)
    _set(made, "targets", targets)
    _set(made, "claims", ())
    _set(made, "occurred_as_written", None)
    _set(made, "coded", coded)
    _set(made, "mode", mode)
    _set(made, "context", context)
    _set(made, "weight", weight)
    _set(made, "reports", ())
    done: Development = made
    return done
