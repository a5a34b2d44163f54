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
from typing import Any

import msgspec

from timeline.engine._rule import source_key
from timeline.engine.errors import TimelineError
from timeline.engine.when import When
from timeline.projections._rows import KNOWN_FOREVER, ClaimRow, DevelopmentRow
from timeline.projections._schema import RELIABILITY_CODES

__all__ = ["recorded_rows"]


# msgspec parses JSON to plain dicts and lists in under half json.loads's time (a
# malformed state raises its DecodeError, a ValueError, and is then decoded in full).
_decode = msgspec.json.Decoder().decode


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


def _value(wrapped: Any, kind: str) -> Any:
    if wrapped["_type_"] != kind:
        raise TypeError(f"expected a {kind}, found {wrapped['_type_']}")
    return wrapped["_data_"]


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
        stored = _decode(state)["development"]
        data = _value(stored, "development")
        dev_id = data["id"]
        if "reports" in data:
            return None  # several reports: decoded in full, which counts their origins
        earliest, latest, occurred = _span(_value(data["occurred"], "when"))
        known_from = _span(_value(data["reported"], "when"))[1]
        source = _value(data["source"], "source")
        publisher = _source_key(source["publisher"])
        reliability = RELIABILITY_CODES[_value(source["reliability"], "reliability")]
        rows = []
        for wrapped in data["claims"]:
            claim = _value(wrapped, "stanceclaim")
            if "rank" in claim:
                return None  # recorded claims are normal: anything else is decoded in full
            stance = _value(claim["stance"], "stance")
            rows.append(
                ClaimRow(
                    claim["actor"],
                    claim["topic"],
                    earliest,
                    latest,
                    dev_id,
                    known_from,
                    KNOWN_FOREVER,
                    stance,
                    occurred,
                    publisher,
                    reliability,
                    0,
                    1,
                )
            )
        named = {*data["actors"], *data.get("targets", ()), *(row.actor for row in rows)}
    except (AttributeError, KeyError, TypeError, ValueError, TimelineError):
        return None
    if not isinstance(dev_id, str) or not all(isinstance(actor, str) for actor in named):
        return None
    if not all(isinstance(r.topic, str) and type(r.stance) is int for r in rows):
        return None
    version = DevelopmentRow(
        dev_id,
        known_from,
        KNOWN_FOREVER,
        earliest,
        latest,
        publisher,
        reliability,
        1,
        b"",
        origin,
    )
    return dev_id, rows, version, named
