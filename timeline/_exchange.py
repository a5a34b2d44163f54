"""Exports of a `Timeline` as citable snapshots, and imports of the project's log and PLOVER.

    from timeline import Timeline, seeds
    from timeline._exchange import export, import_file

    tl = Timeline()
    tl.load(seeds.path())
    text = export(tl, "timelinejs", known_at="2018-12-31")
    again = export(tl, "timelinejs", known_at="2018-12-31", at=tl.position)  # same bytes

Forms (`FORMATS`):

- `json`: `{"meta": {...}, "developments": [every field of each development]}`;
- `jsonl`: the project's lossless log, one object per line with a `type` (actor,
  topic, development, revision, retraction, ranking) in the store's append order, after a
  first `{"type": "meta", ...}` line; `import_file` reads it back;
- `csv`: developments (`what="developments"`) or position change points
  (`what="changes"`), the table alone (a plain `pandas.read_csv(path)` reads it; the
  snapshot is `Snapshot.meta`, which the command writes to `--meta FILE`);
- `timelinejs`: a TimelineJS 3 document; the snapshot is in the top-level key
  `timeline_snapshot` and in small print under the title;
- `plover`: PLOVER JSON Lines after a first meta line that lists the developments
  skipped (and why) and the actors and topics the records name.

Every snapshot records the store `position` it was read at, the `known_at` day
it was made with (null: everything recorded) and `sha256`, the hash of what it
contains: of the canonical JSON (sorted keys, no spaces, UTF-8) of the
developments (json), of the list of objects on the lines after the meta line
(jsonl, plover), of the events list (timelinejs), or of the whole CSV text (csv).
Reads are pinned at one position, and nothing in a snapshot depends on the moment
it was made, so `export(..., at=position)` gives the same bytes later, however much
was written since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from eventsourcing.persistence import IntegrityError

from timeline._export_forms import (
    Snapshot,
    as_csv,
    as_json,
    as_jsonl,
    as_plover,
    as_timelinejs,
)
from timeline._import_plan import plan_import
from timeline._timeline import Timeline
from timeline.engine.application import RETRIES
from timeline.engine.errors import LoadError
from timeline.engine.importer import read_file
from timeline.engine.when import WhenLike, as_day
from timeline.projections.errors import QueryError

__all__ = [
    "FORMATS",
    "WHAT",
    "ImportReport",
    "Snapshot",
    "export",
    "import_file",
    "snapshot",
]

FORMATS = ("json", "jsonl", "csv", "timelinejs", "plover")
WHAT = ("developments", "changes")


@attrs.frozen
class ImportReport:
    """What an import wrote: the ids of what was new, and what was already there."""

    path: str
    form: str
    actors: tuple[str, ...]
    topics: tuple[str, ...]
    developments: tuple[str, ...]
    revisions: int
    retractions: int
    rankings: int
    unchanged: int
    position: int
    notes: tuple[str, ...] = ()
    snapshot: Mapping[str, Any] | None = None

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return bool(
            self.actors
            or self.topics
            or self.developments
            or self.revisions
            or self.retractions
            or self.rankings
        )


def _pin(tl: Timeline, at: int | None) -> int:
    now = tl.position
    if at is None:
        return now
    if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at <= now:
        raise QueryError(f"store position {at!r}: expected a position from 0 to {now}")
    return at


def _known(known_at: WhenLike | None) -> dt.date | None:
    return None if known_at is None else as_day(known_at)


def snapshot(
    tl: Timeline,
    form: str,
    *,
    known_at: WhenLike | None = None,
    at: int | None = None,
    title: str | None = None,
    what: str = "developments",
) -> Snapshot:
    """The story in one of `FORMATS`, read at store position `at` (default: now).

    `known_at` exports what was known on that day (the log: the lines reported by
    then); `title` names a TimelineJS document (default: `_export_forms.default_title`); `what`
    chooses the CSV table, `developments` or position `changes`.
    """
    if form not in FORMATS:
        raise QueryError(f"export format {form!r}: expected one of {', '.join(FORMATS)}")
    if what not in WHAT:
        raise QueryError(f"export table {what!r}: expected one of {', '.join(WHAT)}")
    pin, known = _pin(tl, at), _known(known_at)
    if form == "json":
        return as_json(tl, pin, known)
    if form == "jsonl":
        return as_jsonl(tl, pin, known)
    if form == "csv":
        return as_csv(tl, pin, known, what)
    if form == "timelinejs":
        return as_timelinejs(tl, pin, known, title)
    return as_plover(tl, pin, known)


def export(
    tl: Timeline,
    form: str,
    *,
    known_at: WhenLike | None = None,
    at: int | None = None,
    title: str | None = None,
    what: str = "developments",
) -> str:
    """The text of `snapshot(tl, form, ...)`: the same arguments give the same bytes."""
    return snapshot(tl, form, known_at=known_at, at=at, title=title, what=what).text


def import_file(tl: Timeline, path: str | Path) -> ImportReport:
    """Imports the project's JSON Lines log or a PLOVER file: all or nothing, idempotent.

    Everything new is written in one transaction; what the store already holds
    with the same content is skipped, so importing a file again changes nothing.
    Raises `LoadError` listing every problem, each as `FILE:LINE: record … field …`.
    """
    app = tl.materialised.application
    for _attempt in range(RETRIES):
        imported = read_file(path, tl.registry, strict=False)
        plan = plan_import(app, imported)
        problems = [*imported.problems, *plan.problems]
        if problems:
            raise LoadError([text for _, text in sorted(problems, key=lambda p: p[0])])
        if plan.changed:
            try:
                app.save(*plan.changed.values())
            except IntegrityError:
                continue  # another writer got to a stream first: read and check again
        return ImportReport(
            path=str(path),
            form=imported.form,
            actors=tuple(plan.new["actor"]),
            topics=tuple(plan.new["topic"]),
            developments=tuple(plan.new["development"]),
            revisions=plan.revisions,
            retractions=plan.retractions,
            rankings=plan.rankings,
            unchanged=plan.unchanged,
            position=tl.position,
            notes=imported.notes,
            snapshot=imported.meta,
        )
    raise LoadError([f"{path}: gave up after {RETRIES} concurrent conflicts; nothing was loaded"])
