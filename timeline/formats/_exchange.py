"""Exports of a `Timeline` as citable snapshots, and imports of the project's log and PLOVER.

    from timeline import Timeline, seeds
    from timeline.formats._exchange import export, import_file

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

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import attrs

from timeline._timeline import Timeline
from timeline.engine._bulk_process import separable
from timeline.engine._encode import StoredEvents
from timeline.engine._registry import Registry
from timeline.engine.errors import LoadError
from timeline.engine.when import When, WhenLike, as_day
from timeline.formats import Records, open_records
from timeline.formats._bulk_import import import_records
from timeline.formats._export_forms import (
    Snapshot,
    as_csv,
    as_json,
    as_jsonl,
    as_plover,
    as_timelinejs,
)
from timeline.formats._read_process import ReadApart, usable
from timeline.formats._releases import Release
from timeline.formats._row_text import RowText
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
# Files this large are read in a reader process by default when a core is idle: its
# start (about half a second of CPU) is then a small part of the reading.
APART_BYTES = 8 << 20
WHAT = ("developments", "changes")


@attrs.frozen
class ImportReport:
    """What an import wrote: the ids of what was new, and what was already there.

    `developments` holds the ids of the first thousand new developments; `added`
    counts them all.  `rejected` counts the records skipped (`skip_bad`).
    """

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
    added: int = 0
    rejected: int = 0
    dataset: str | None = None
    writer_mb: float = 0.0  # the writer process's peak RSS in MB, when one wrote
    reader_mb: float = 0.0  # the reader process's peak RSS in MB, when one read

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return bool(
            self.actors
            or self.topics
            or self.added
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


def import_file(
    tl: Timeline,
    path: str | Path,
    *,
    format: str | None = None,
    reported: WhenLike | None = None,
    release: WhenLike | None = None,
    full: bool = False,
    skip_bad: bool = False,
    rejects: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    separate: bool = False,
    apart: bool | None = None,
) -> ImportReport:
    """Imports a file of records in one transaction, streaming: all or nothing, idempotent.

    `format` names the file's format (else it is found from the content);
    `reported` is the knowledge time of a format that carries none.  With
    `release`, the file is its dataset as published that day: stored events that
    changed become revisions and, with `full`, the dataset's events the file lacks
    become retractions, each known from that day.  What the store already holds
    with the same content is skipped, so importing a file again changes nothing.
    Raises `LoadError` listing the problems, each as `FILE:LINE: record … field …`;
    with `skip_bad` the good records are written and each rejected one goes to
    `rejects` (JSON Lines: line, reason, text).  `separate` runs the store's statements
    in a writer process while the file is read, on a store another process can open (a
    file or a server; an in-memory store is written inline).  `apart` reads the file in
    a reader process (`_read_process`) that makes the new developments' stored bytes
    (None: when the file holds at least `APART_BYTES`, `release` is not given and the
    machine has a core idle or the store is on a database server).
    """
    if full and release is None:
        raise QueryError("full: a full release needs its day (release=DAY)")
    known = None if reported is None else When.coerce(reported)
    records = open_records(path, registry=tl.registry, format=format, reported=known)
    day = None if release is None else Release(as_day(release), records.dataset, full)
    app = tl.materialised.application
    separate = separate and separable(app)
    apart = _apart(apart, records.path, day, app)
    with (
        _rejects_file(rejects if skip_bad else None) as out,
        _reading(records, apart, tl.registry, known, app if day is None else None) as source,
    ):
        tally = import_records(
            app, source, str(path), dataset=records.dataset, release=day, skip_bad=skip_bad,
            rejects=out,
            progress=progress, separate=separate,
        )  # fmt: skip
    return ImportReport(
        path=str(path),
        form=records.format,
        actors=tuple(tally.new["actor"]),
        topics=tuple(tally.new["topic"]),
        developments=tuple(tally.new["development"]),
        revisions=tally.revisions,
        retractions=tally.retractions,
        rankings=tally.rankings,
        unchanged=tally.unchanged,
        position=tl.head,
        notes=(*records.notes, *_fixed_notes(tally.fixed)),
        snapshot=records.meta,
        added=tally.developments,
        rejected=tally.rejected,
        dataset=records.dataset,
        writer_mb=tally.writer_mb,
        reader_mb=source.peak_mb if isinstance(source, ReadApart) else 0.0,
    )


def _apart(asked: bool | None, path: str, release: Release | None, app: Any) -> bool:
    """Whether to read the file in a reader process: as asked, else for a large file
    outside a release (whose every event is compared with the store's, so read back)
    when a core is idle or the store is a server's."""
    if not usable(app.mapper):
        return False
    if asked is not None:
        return asked
    with contextlib.suppress(OSError):
        large = os.path.getsize(path) >= APART_BYTES
        # A server's own process does the store's work: reading, planning and storing then
        # overlap in three processes, measured faster at 1M even at a load of 9 (`docs/scale.md`).
        return large and release is None and (app.backend.server or idle_core())
    return False


def idle_core() -> bool:
    """Whether the last minute's load average leaves at least a core unused."""
    # On a machine whose cores are all busy, the reader only shares this process's
    # time and adds its own work: measured slower there (`docs/scale.md`).
    with contextlib.suppress(OSError):
        return os.getloadavg()[0] < (os.cpu_count() or 1) - 1
    return False


@contextlib.contextmanager
def _reading(
    records: Records, apart: bool, registry: Registry, reported: When | None, app: Any
) -> Iterator[Iterable[Any]]:
    """The records, or a reader process reading them (ended when the import ends); read
    here for `app`'s store (not for a release), new dataset rows come as their text."""
    if apart:
        with ReadApart(records, registry, reported) as read:
            yield read
    elif app is not None and records.writes and usable(app.mapper):
        yield records.written(RowText(StoredEvents(app.mapper)).make)
    else:
        yield records


@contextlib.contextmanager
def _rejects_file(path: str | Path | None) -> Iterator[IO[str] | None]:
    if path is None:
        yield None
        return
    try:
        out = Path(path).open("w", encoding="utf-8")  # noqa: SIM115  closed below
    except OSError as error:
        raise LoadError([f"{path}: cannot write the rejected records: {error}"]) from None
    with out:
        yield out


def _fixed_notes(fixed: Mapping[str, int]) -> list[str]:
    notes = []
    for name, count in sorted(fixed.items()):
        if name == "not-held":
            notes.append(f"{count} deletions name events this store never held: nothing to retract")
        elif name == "retracted":
            notes.append(
                f"{count} events retracted by an earlier release are in this one again; "
                "a retraction is final, so they stay retracted"
            )
        else:
            notes.append(
                f"{count} events changed field {name!r}, which a revision cannot change; "
                "the first recorded value is kept"
            )
    return notes
