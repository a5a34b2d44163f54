"""The project's own JSON Lines log (`timeline export --format jsonl`), read one line at a time.

After an optional first `{"type": "meta", ...}` line (the snapshot it was cut at,
whose `sha256` is checked against the lines after it), each line is an `actor`,
`topic`, `development`, `revision`, `retraction` or `ranking` with the value
object's fields and dates as EDTF text; `recorded` is provenance and is not read.
The export writes the actors and topics first, so every name resolves as it is
read; a line naming one registered only later in the file is rejected and says so.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from timeline.engine._import_lines import CORRECTING, LOG_TYPES, Item, Line, Load, _describe
from timeline.engine._importer import LOG_FORMAT, _log_value, _resolve
from timeline.engine._registry import Registry
from timeline.engine.values import Actor, Topic
from timeline.engine.when import When
from timeline.formats._json_head import first_object
from timeline.formats._json_stream import Digest, head_of, objects
from timeline.formats._records import Format, Head, Reader, Rejected, Yield

__all__ = ["JSONL"]

_TYPES = {"meta", *LOG_TYPES}


def _recognise(head: Head) -> bool:
    first = first_object(head)
    if first is None or head.text.lstrip().startswith("["):
        return False
    if first.get("type") == "meta":
        return bool(first.get("format", LOG_FORMAT) == LOG_FORMAT)
    return bool(first.get("type") in _TYPES)


def _reason(message: str) -> str:
    return message.split(": ", 1)[1] if ": " in message else message


def _line(load: Load, number: int, text: str, data: dict[str, Any]) -> Iterator[Yield]:
    """The item a log line holds, or why it cannot be read."""
    kind = data.get("type")
    if kind not in LOG_TYPES:
        close = difflib.get_close_matches(str(kind), LOG_TYPES, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(LOG_TYPES)}"
        found = "missing" if kind is None else f"found {_describe(kind)}"
        yield Rejected(number, text, f"field 'type': {found}; {hint}")
        return
    line = Line(load, number, str(kind), data)
    value = _log_value(line)
    if isinstance(value, Actor | Topic):
        kept = load.register(line, value)
    else:
        value = None if value is None else _resolve(load, line, value)
        kept = value is not None
    if load.problems or not kept or value is None:
        reasons = "; ".join(_reason(m) for _, m in load.problems) or "cannot be read"
        load.problems.clear()
        yield Rejected(number, text, reasons)
        return
    of = str(data["development"]) if kind in CORRECTING else None
    yield Item(number, line.label, value, of)


def _read(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    meta, _ = head_of(path)

    def records() -> Iterator[Yield]:
        load = Load(path, registry)
        wanted = None if meta is None else meta.get("sha256")
        digest, meta_line = Digest(), 0
        for index, (number, text, found, error) in enumerate(objects(path)):
            if found is None:
                yield Rejected(number, text, error)
            elif index == 0 and found.get("type") == "meta":
                meta_line = number
            else:
                if wanted is not None:  # only a cited snapshot is checked against its hash
                    digest.add(found)
                yield from _line(load, number, text, found)
        if wanted is not None and wanted != (computed := digest.text()):
            yield Rejected(
                meta_line,
                "",
                f"meta field 'sha256': found {wanted!r} in the file, expected {computed!r} "
                "for the lines after it; the lines were changed after the export (remove "
                "the meta line to import them anyway)",
            )

    return meta, (), records


JSONL = Format("jsonl", None, True, _recognise, _read)
