"""JSON answers assembled from pieces encoded once: each development's and position's record.

A page of the axis lists thousands of developments, and every knowledge day's page
holds mostly the same ones; a diff lists thousands of positions, most of them kept
from other reads.  Each value's record is encoded once, as plain data in its
pydantic model's shape (`timeline.web.models`), and kept by the value object (which
the view's decoded versions and the kept positions hand out again); an answer is the
join of those texts: the same bytes as validating and encoding the whole answer
with the model (the property tests compare them), without doing it per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from pydantic_core import to_json

from timeline.engine._rule import Position
from timeline.engine.values import Development, Source
from timeline.projections._diff import Diff
from timeline.web import payloads

__all__ = ["Kept", "developments", "diff", "positions"]

Names = Callable[[str], str]
# How many encoded records each process keeps of each kind: as many as the view keeps
# decoded versions (`DECODED_KEPT`), a page of the axis and more; ~1 KB each.
MOST_KEPT = 10_000


class Kept:
    """Encoded texts of values, kept by the value object itself (its identity and a tag).

    An entry holds its value, so an identity it is kept under is never another
    object's; the least recently used go first once `most` are kept.
    """

    def __init__(self, most: int = MOST_KEPT) -> None:
        self._most = most
        self._kept: OrderedDict[tuple[int, Hashable], tuple[Any, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def text(self, value: Any, tag: Hashable, encode: Callable[[], bytes]) -> bytes:
        """The text kept for (`value`, `tag`), made by `encode` if none is."""
        key = (id(value), tag)
        with self._lock:
            found = self._kept.get(key)
            if found is not None and found[0] is value:
                self._kept.move_to_end(key)
                return found[1]
        made = encode()
        with self._lock:
            self._kept[key] = (value, made)
            self._kept.move_to_end(key)
            while len(self._kept) > self._most:
                self._kept.popitem(last=False)
        return made


_DEVELOPMENTS = Kept()
# Every position of each set a process keeps (`api.POSITIONS_KEPT`, ~1,000 a set at a
# million developments), and those of a few sets more; ~300 bytes each.
_POSITIONS = Kept(4 * MOST_KEPT)


def development(value: Development) -> bytes:
    """`DevelopmentOut`'s JSON text of a development (kept while the value is)."""
    return _DEVELOPMENTS.text(value, None, lambda: to_json(_development(value)))


def _development(value: Development) -> dict[str, Any]:
    # `payloads.development` as `DevelopmentOut` has it: in its fields' order, with the
    # defaults the record leaves out, without the fields the model has not (event data's).
    return {
        "id": value.id,
        "occurred": payloads.span(value.occurred),
        "occurred_as_written": value.occurred_as_written,
        "reported": payloads.span(value.reported),
        "kind": str(value.kind),
        "summary": value.summary,
        "actors": list(value.actors),
        "targets": list(value.targets),
        "source": _source(value.source),
        "claims": [
            {
                "actor": c.actor,
                "topic": c.topic,
                "stance": str(c.stance),
                "quote": c.quote,
                "rank": str(c.rank),
            }
            for c in value.claims
        ],
        "reports": [_source(r) for r in value.reports],
    }


def _source(value: Source) -> dict[str, Any]:
    """`SourceOut`'s fields of a source, in its order."""
    return {
        "publisher": value.publisher,
        "reliability": str(value.reliability),
        "attribution": value.attribution,
        "url": value.url,
        "published": None if value.published is None else value.published.text,
        "repeats": value.repeats,
    }


def position(value: Position | None, names: Names) -> bytes:
    """`PositionOut`'s JSON text of a position, or `null` (kept per actor name shown)."""
    if value is None:
        return b"null"
    name = names(value.actor)
    return _POSITIONS.text(value, name, lambda: _position(value, name))


def _position(value: Position, name: str) -> bytes:
    # `payloads.position` in `PositionOut`'s field order, its values of the fields' own
    # types: encoded without validating, as a diff's many positions read afresh are.
    return to_json(
        {
            "actor": value.actor,
            "actor_name": name,
            "topic": value.topic,
            "stance": str(value.stance),
            "value": value.stance.value,
            "since": payloads.span(value.since),
            "tentative": value.tentative,
            "evidence": list(value.evidence),
        }
    )


def positions(
    day: str, known: str | None, possible: bool, values: Iterable[Position | None], names: Names
) -> bytes:
    """`PositionsOut`'s JSON text: the day, knowledge day, `possible` and the positions."""
    head = to_json({"day": day, "known_at": known, "possible": possible})[:-1]
    listed = b",".join(position(p, names) for p in values if p is not None)
    return b"".join((head, b',"positions":[', listed, b"]}"))


def developments(known: str | None, listed: Iterable[Development], following: str | None) -> bytes:
    """`DevelopmentsOut`'s JSON text: the knowledge day, the developments and the next cursor."""
    return b"".join(
        (
            b'{"known_at":',
            to_json(known),
            b',"developments":[',
            b",".join(development(d) for d in listed),
            b'],"next":',
            to_json(following),
            b"}",
        )
    )


def diff(value: Diff, names: Names) -> bytes:
    """`DiffOut`'s JSON text of the differences between two states."""
    head = {
        "days": [d.isoformat() for d in value.days],
        "known_at": [payloads.day(k) for k in value.known_at],
        "possible": value.possible,
    }
    items = (
        b"".join(
            (
                to_json({"actor": d.actor, "topic": d.topic, "kind": d.kind})[:-1],
                b',"stance_changed":',
                to_json(d.stance_changed),
                b',"before":',
                position(d.before, names),
                b',"after":',
                position(d.after, names),
                b"}",
            )
        )
        for d in value.differences
    )
    return b"".join((to_json(head)[:-1], b',"differences":[', b",".join(items), b"]}"))
