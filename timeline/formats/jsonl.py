"""The project's own JSON Lines log (`timeline export --format jsonl`), read as records."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from timeline.engine.errors import LoadError
from timeline.engine.importer import LOG_FORMAT, read_text
from timeline.engine.registry import Registry
from timeline.engine.when import When
from timeline.formats._json_head import first_object
from timeline.formats._records import Format, Head, Reader, Rejected, Yield

__all__ = ["JSONL"]

_TYPES = {"meta", "actor", "topic", "development", "revision", "retraction", "ranking"}


def _recognise(head: Head) -> bool:
    first = first_object(head)
    if first is None or head.text.lstrip().startswith("["):
        return False
    if first.get("type") == "meta":
        return bool(first.get("format", LOG_FORMAT) == LOG_FORMAT)
    return bool(first.get("type") in _TYPES)


def _read(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    imported = _whole(path, registry)

    def records() -> Iterator[Yield]:
        yield from _in_order(path, imported)

    return imported.meta, imported.notes, records


def _whole(path: str, registry: Registry) -> Any:
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LoadError([f"{path}: cannot read the file: {error}"]) from None
    return read_text(path, text, registry, strict=False)


def _in_order(path: str, imported: Any) -> Iterator[Yield]:
    """The items and the problems of a whole-file read, merged by line."""
    found: list[tuple[int, int, Yield]] = [(i.line, 0, i) for i in imported.items]
    prefix = f"{path}:"
    for line, message in imported.problems:
        reason = message.split(": ", 1)[1] if message.startswith(prefix) else message
        found.append((line, 1, Rejected(line, "", reason)))
    for _, _, value in sorted(found, key=lambda f: (f[0], f[1])):
        yield value


JSONL = Format("jsonl", None, True, _recognise, _read)
