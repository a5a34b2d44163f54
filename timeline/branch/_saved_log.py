"""A branch as the project's JSON Lines log (`timeline export --format jsonl`), and back.

The meta line names the branch and the store position it was pinned at; the
lines after it are what the branch adds, as `timeline import` reads them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs

from timeline.engine._importer import LOG_FORMAT, read_text
from timeline.engine._loader import Seeds
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.engine.values import Actor, Development, Topic
from timeline.projections import export as out
from timeline.projections.errors import QueryError

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["SavedLog", "log_text", "read_log"]

VERSION = 1


def log_text(layered: Seeds, name: str | None, position: int) -> str:
    """What a branch adds as the project's JSON Lines log: a meta line, then its lines."""
    lines: list[dict[str, Any]] = [
        *(out.log_record(actor) for actor in layered.actors),
        *(out.log_record(topic) for topic in layered.topics),
        *(out.log_record(development) for development in layered.developments),
    ]
    for ident, correction in layered.corrections:
        if isinstance(correction, Revision):
            lines.append({"type": "revision", **out.revision_record(ident, correction)})
        elif isinstance(correction, Ranking):
            lines.append({"type": "ranking", **out.ranking_record(ident, correction)})
        else:
            lines.append({"type": "retraction", **out.retraction_record(ident, correction)})
    meta = {
        "type": "meta",
        "format": LOG_FORMAT,
        "version": VERSION,
        "branch": name,
        "position": position,
        "sha256": out.content_hash(lines),
        "count": len(lines),
    }
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in [meta, *lines])


@attrs.frozen
class SavedLog:
    """What a branch's log holds: the position and name its meta line gives, and its writes."""

    position: int | None
    name: str | None
    seeds: Seeds


def read_log(timeline: Timeline, text: str, source: str) -> SavedLog:
    """The branch a JSON Lines log holds; refused if it was saved past the store's position."""
    imported = read_text(source, text, timeline.registry)
    meta = imported.meta or {}
    at = meta.get("position")
    if at is not None and (not isinstance(at, int) or at > timeline.position):
        raise QueryError(
            f"{source}: saved at store position {at!r}, but this store is at "
            f"{timeline.position}: it is not the store the branch was saved from"
        )
    name = meta.get("branch")
    items = imported.items
    seeds = Seeds(
        tuple(i.value for i in items if isinstance(i.value, Actor)),
        tuple(i.value for i in items if isinstance(i.value, Topic)),
        tuple(i.value for i in items if isinstance(i.value, Development)),
        tuple(
            (i.development, i.value)
            for i in items
            if isinstance(i.value, Revision | Retraction | Ranking) and i.development is not None
        ),
    )
    return SavedLog(at, name if isinstance(name, str) else None, seeds)
