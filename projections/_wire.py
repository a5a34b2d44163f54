"""Claim rows read straight from a recorded development's stored JSON.

Catching up spends most of its time decoding events into domain objects; a newly
recorded development (the bulk of any log) only needs its id, two dates and its
claims (the development itself stays in its event, which its row names).  This
reads just those from the JSON that eventsourcing's transcoder and
`engine._transcodings` write, and answers None for anything of another shape, so
the caller decodes that event the ordinary way.  A property test holds it to the
rows computed from the fully decoded event.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Generic, TypeVar

import msgspec

from timeline.engine._rule import source_key
from timeline.engine.errors import TimelineError
from timeline.engine.when import When
from timeline.projections._rows import KNOWN_FOREVER, ClaimRow, DevelopmentRow
from timeline.projections._schema import RELIABILITY_CODES

__all__ = ["recorded_rows"]

T = TypeVar("T")


# msgspec parses JSON straight into these typed records, reading only the fields
# the rows need and skipping the rest (summary, quotes, timestamps): about half the
# time of parsing to dicts.  A field of another type, or missing, raises its
# ValidationError (a ValueError), and the event is then decoded in full.


class _Wrapped(msgspec.Struct, Generic[T]):
    """A value the transcoder wraps as `{"_type_": kind, "_data_": data}`."""

    kind: str = msgspec.field(name="_type_")
    data: T = msgspec.field(name="_data_")


class _ClaimData(msgspec.Struct):
    actor: str
    topic: str
    stance: _Wrapped[int]  # a whole number (never a bool)
    rank: Any = msgspec.UNSET  # recorded claims are normal: a rank is decoded in full


class _SourceData(msgspec.Struct):
    publisher: str
    reliability: _Wrapped[str]


class _DevelopmentData(msgspec.Struct):
    id: str
    occurred: _Wrapped[str]
    reported: _Wrapped[str]
    source: _Wrapped[_SourceData]
    actors: list[str]
    claims: list[_Wrapped[_ClaimData]]
    targets: list[str] = []
    reports: Any = msgspec.UNSET  # several reports: decoded in full, counting their origins


class _Recorded(msgspec.Struct):
    development: _Wrapped[_DevelopmentData]


_decode = msgspec.json.Decoder(_Recorded).decode


@lru_cache(maxsize=65536)
def _span(text: str) -> tuple[int, int, str]:
    """A date's first and last day as ordinals, and its text as `When` writes it."""
    # Few distinct date texts recur across a story, and a When's days are computed.
    when = When(text)
    return when.earliest.toordinal(), when.latest.toordinal(), when.text


@lru_cache(maxsize=4096)
def _source_key(publisher: str) -> str:
    # Few publishers recur across a story.
    return source_key(publisher)


_SHAPE = ("development", "when", "when", "source")


def recorded_rows(
    state: bytes, origin: int
) -> tuple[str, list[ClaimRow], DevelopmentRow, set[str]] | None:
    """The id, claim rows, development row and named actors of a stored `Recorded` event's
    state, from one parse of its JSON.

    `origin` is the event's notification id, where the development row finds the
    development; the actors are those it names (actors, targets, claimants), which
    `mentions` keeps.  Returns None when the state is not in the expected shape.
    """
    try:
        stored = _decode(state).development
        data, source = stored.data, stored.data.source
        reliability = source.data.reliability
        if (stored.kind, data.occurred.kind, data.reported.kind, source.kind) != _SHAPE or (
            reliability.kind != "reliability" or data.reports is not msgspec.UNSET
        ):
            return None
        dev_id = data.id
        earliest, latest, occurred = _span(data.occurred.data)
        known_from = _span(data.reported.data)[1]
        publisher = _source_key(source.data.publisher)
        code = RELIABILITY_CODES[reliability.data]
        rows = []
        for wrapped in data.claims:
            claim = wrapped.data
            if wrapped.kind != "stanceclaim" or claim.stance.kind != "stance":
                return None
            if claim.rank is not msgspec.UNSET:
                return None  # recorded claims are normal: anything else is decoded in full
            rows.append(
                ClaimRow(
                    claim.actor,
                    claim.topic,
                    earliest,
                    latest,
                    dev_id,
                    known_from,
                    KNOWN_FOREVER,
                    claim.stance.data,
                    occurred,
                    publisher,
                    code,
                    0,
                    1,
                )
            )
    except (AttributeError, KeyError, TypeError, ValueError, TimelineError):
        return None
    named = {*data.actors, *data.targets, *(row.actor for row in rows)}
    version = DevelopmentRow(
        dev_id,
        known_from,
        KNOWN_FOREVER,
        earliest,
        latest,
        publisher,
        code,
        1,
        b"",
        origin,
    )
    return dev_id, rows, version, named
