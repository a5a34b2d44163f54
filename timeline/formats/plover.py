"""PLOVER JSON: one object a line, pretty-printed objects one after another, or one array.

The reader follows the PLOVER manual's "JSON Data Fields" and reads the older
spellings too: `actor` (the current manual) or `source` (the 2021 draft and the
gold standard records), `recipient` or `target`, `event` as a list or one text, a
PLOVER type in its current or older spelling (`REQUEST` or `DEMAND`, `DISAPPROVE`,
`INVESTIGATE`, `FIGHT`, `CRIME`) or a CAMEO code read through the crosswalk, and
actor names in `actor_text`, `actorText` or `entity_text`.  Reported is the
record's own `coded_date` (or `dateCoded`), else `--reported`; occurred is `date`
to `enddate`.  Our own records carry the `timeline` extension, which gives back
exactly what PLOVER cannot say (see `PLOVER_NOTES`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from timeline.engine._import_lines import Item, Line, Load
from timeline.engine._importer import _log_value, _registrations, _resolve
from timeline.engine._registry import Registry
from timeline.engine.values import Development
from timeline.engine.when import When
from timeline.formats._actors import Actors
from timeline.formats._json_head import first_object
from timeline.formats._json_stream import Digest, head_of, objects
from timeline.formats._plover_read import read_record
from timeline.formats._records import Format, Head, Reader, Rejected, Yield, missing_knowledge

__all__ = ["PLOVER", "PLOVER_NOTES"]

PLOVER_NOTES = (
    "a PLOVER record codes a development as known when it was exported; its revisions, "
    "retractions and rankings travel in the 'timeline' extension (timeline.history), "
    "so timeline's own export reads back to the same answers on every knowledge day, "
    "and a record without them comes back as written, uncorrected and unranked",
    "without the 'timeline' extension a record comes back with the kind its event "
    "type codes, occurred from date and enddate, reported on its coded_date, "
    "reliability 'named', the comment as summary and no stance claims; an actor is "
    "found by its name under its code (and sector), each distinct name its own actor",
)
_KNOWN = ("coded_date", "dateCoded", "date_coded")


def _recognise(head: Head) -> bool:
    first = first_object(head)
    if first is None:
        return False
    if first.get("type") == "meta":
        return bool(first.get("format") == "plover")
    return "type" not in first and ("event" in first or "events" in first)


def _knows(record: Mapping[str, Any]) -> bool:
    ext = record.get("timeline")
    own = isinstance(ext, dict) and "reported" in ext
    return own or any(record.get(key) not in (None, "") for key in _KNOWN)


def _read(
    path: str, registry: Registry, reported: When | None
) -> tuple[Mapping[str, Any] | None, tuple[str, ...], Reader]:
    meta, first = head_of(path)
    if first is not None and reported is None and not _knows(first):
        raise missing_knowledge(path, "PLOVER")

    def records() -> Iterator[Yield]:
        load = Load(path, registry)
        actors = Actors(load.registry, shared=True)
        digest, meta_line = Digest(), 0
        # Corrections in records' histories come after every record, as read at the
        # file's last line (their label names their own): a ranking may rest on a
        # development written later in the file, and records keep the file's order.
        later: list[Item] = []
        number = 0
        # Only a meta line's sha256 is checked against the digest: without one, none is made.
        wanted = None if meta is None else meta.get("sha256")
        for index, (number, text, found, error) in enumerate(objects(path)):
            if found is None:
                yield Rejected(number, text, error)
                continue
            if index == 0 and found.get("type") == "meta":
                meta_line = number
                yield from _registered(load, number, found)
                continue
            if wanted is not None:
                digest.add(found)
            yield from _record(actors, load, number, text, found, reported, later)
        for item in later:
            label = f"{item.label} (in the history on line {item.line})"
            yield attrs.evolve(item, line=max(number, item.line), label=label)
        if wanted is not None and wanted != (computed := digest.text()):
            yield Rejected(
                meta_line,
                "",
                f"meta field 'sha256': found {wanted!r} in the file, expected {computed!r} "
                "for the records after it; they were changed after the export (remove the "
                "meta line to import them anyway)",
            )

    return meta, PLOVER_NOTES, records


def _registered(load: Load, number: int, meta: Mapping[str, Any]) -> Iterator[Yield]:
    """The actors and topics a meta line registers, as items (or why not)."""
    line = Line(load, number, "meta", dict(meta))
    _registrations(load, line, "actor", meta.get("actors"))
    _registrations(load, line, "topic", meta.get("topics"))
    yield from load.items
    yield from (Rejected(number, "", _reason(m)) for _, m in load.problems)
    load.items.clear()
    load.problems.clear()


def _reason(message: str) -> str:
    return message.split(": ", 1)[1] if ": " in message else message


def _record(
    actors: Actors,
    load: Load,
    number: int,
    text: str,
    data: dict[str, Any],
    reported: When | None,
    later: list[Item],
) -> Iterator[Yield]:
    line = Line(load, number, "record", data)
    development = read_record(actors, load, line, reported)
    resolved = None if development is None else _resolve(load, line, development)
    yield from actors.pending(number)
    past = _history(load, number, resolved, data.get("timeline"))
    if load.problems or not isinstance(resolved, Development) or past is None:
        reasons = "; ".join(_reason(m) for _, m in load.problems) or "cannot be read"
        load.problems.clear()
        yield Rejected(number, text, reasons)
        return
    first, corrections = past
    yield Item(number, f"development {first.id!r}", first)
    later.extend(corrections)


_CORRECTIONS = {"revisions": "revision", "retractions": "retraction", "rankings": "ranking"}


def _history(
    load: Load, number: int, development: Any, extension: Any
) -> tuple[Development, list[Item]] | None:
    """The development as first recorded and its corrections, from `timeline.history`.

    Without a history the record's development is the one recorded; None when
    the history has problems (reported on the load).
    """
    past = extension.get("history") if isinstance(extension, dict) else None
    if not isinstance(development, Development) or past is None:
        return None if not isinstance(development, Development) else (development, [])
    if not isinstance(past, dict):
        load.add(number, "field 'timeline.history': expected an object")
        return None
    first: Any = development
    if "recorded" in past:
        data = past["recorded"]
        line = Line(load, number, "development", data if isinstance(data, dict) else {})
        found = _log_value(line)
        first = None if found is None else _resolve(load, line, found)
    items = []
    for key, kind in _CORRECTIONS.items():
        for data in past.get(key) or ():
            if not isinstance(data, dict):
                load.add(number, f"field 'timeline.history.{key}': expected objects")
                continue
            line = Line(load, number, kind, {"development": development.id, **data})
            value = _log_value(line)
            value = None if value is None else _resolve(load, line, value)
            if value is not None:
                items.append(Item(number, line.label, value, development.id))
    if isinstance(first, Development) and first.id != development.id:
        load.add(number, f"field 'timeline.history.recorded.id': expected {development.id!r}")
    if not isinstance(first, Development) or load.problems:
        return None
    return first, items


PLOVER = Format("plover", None, True, _recognise, _read)
