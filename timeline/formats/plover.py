"""PLOVER JSON: one object a line, pretty-printed objects one after another, or one array."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from timeline.engine.registry import Registry
from timeline.engine.when import When
from timeline.formats._json_head import first_object
from timeline.formats._records import Format, Head, Reader, Yield
from timeline.formats.jsonl import _in_order, _whole

__all__ = ["PLOVER"]


def _recognise(head: Head) -> bool:
    first = first_object(head)
    if first is None:
        return False
    if first.get("type") == "meta":
        return bool(first.get("format") == "plover")
    return "type" not in first and ("event" in first or "events" in first)


def _read(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    imported = _whole(path, registry)

    def records() -> Iterator[Yield]:
        yield from _in_order(path, imported)

    return imported.meta, imported.notes, records


PLOVER = Format("plover", None, True, _recognise, _read)
