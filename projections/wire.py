"""Claim rows read straight from a recorded development's stored JSON.

Catching up spends most of its time decoding events into domain objects; a newly
recorded development (the bulk of any log) only needs its id, two dates, its
claims and its own JSON.  This reads just those from the JSON that eventsourcing's transcoder and
`engine.transcodings` write, and answers None for anything of another shape, so
the caller decodes that event the ordinary way.  A property test holds it to the
rows computed from the fully decoded event.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from timeline.engine.errors import TimelineError
from timeline.engine.rule import source_key
from timeline.engine.when import When
from timeline.projections.rows import KNOWN_FOREVER, ClaimRow, DevelopmentRow

__all__ = ["encode", "mentioned", "recorded_rows"]


@lru_cache(maxsize=65536)
def _when(text: str) -> When:
    # Few distinct date texts recur across a story; a When is immutable.
    return When(text)


@lru_cache(maxsize=4096)
def _source_key(publisher: str) -> str:
    # Few publishers recur across a story.
    return source_key(publisher)


def _value(wrapped: Any, kind: str) -> Any:
    if wrapped["_type_"] != kind:
        raise TypeError(f"expected a {kind}, found {wrapped['_type_']}")
    return wrapped["_data_"]


def encode(value: Any) -> bytes:
    """JSON exactly as eventsourcing's `JSONTranscoder` writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


_KEY = b',"development":'


def _json(state: bytes, development: Any) -> bytes:
    """The development's own JSON: cut from the state where it is the last key, else encoded."""
    # The transcoder writes the event's attributes in order, the development last; the
    # cut is checked by its ends, and the encoding is the fallback (the same bytes).
    start = state.rfind(_KEY)
    if start >= 0 and state.endswith(b"}}"):
        cut = state[start + len(_KEY) : -1]
        if cut.startswith(b'{"_type_":"development"'):
            return cut
    return encode(development)


def recorded_rows(state: bytes) -> tuple[str, list[ClaimRow], DevelopmentRow] | None:
    """The id, claim rows and development row of a stored `Recorded` event's state.

    Returns None when the state is not in the expected shape.
    """
    try:
        # Decoded to text first: json.loads would otherwise guess each state's encoding.
        stored = json.loads(state.decode())["development"]
        data = _value(stored, "development")
        dev_id = data["id"]
        occurred = _when(_value(data["occurred"], "when"))
        known_from = _when(_value(data["reported"], "when")).latest.toordinal()
        earliest, latest = occurred.earliest.toordinal(), occurred.latest.toordinal()
        source = _value(data["source"], "source")
        publisher = _source_key(source["publisher"])
        reliability = _value(source["reliability"], "reliability")
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
                    occurred.text,
                    publisher,
                    reliability,
                    0,
                )
            )
    except (AttributeError, KeyError, TypeError, ValueError, TimelineError):
        return None
    texts = [dev_id, *(r.actor for r in rows), *(r.topic for r in rows)]
    if not all(isinstance(t, str) for t in texts) or any(type(r.stance) is not int for r in rows):
        return None
    if not isinstance(reliability, str):
        return None
    version = DevelopmentRow(
        dev_id,
        known_from,
        KNOWN_FOREVER,
        earliest,
        latest,
        publisher,
        reliability,
        _json(state, stored),
    )
    return dev_id, rows, version


def mentioned(state: bytes) -> set[str] | None:
    """The actors a development's own JSON names (actors, targets, claimants); None if odd."""
    try:
        data = _value(json.loads(state.decode()), "development")
        claims = [_value(wrapped, "stanceclaim")["actor"] for wrapped in data.get("claims", ())]
        found = {*data["actors"], *data.get("targets", ()), *claims}
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return found if all(isinstance(actor, str) for actor in found) else None
