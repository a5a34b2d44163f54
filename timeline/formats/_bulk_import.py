"""The bulk import: a file's records streamed into the store in batches, in one transaction.

Records are read lazily (`timeline.formats.open_records`) and planned a batch
at a time against the streams they touch, read in a few statements through the
write's own transaction (`engine._bulk.BulkWrite`), so memory stays flat in the
file's size.  Each stream's own commands decide new, identical or conflicting.
Every problem is collected with its line; unless `skip_bad`, any problem rolls
the whole import back.  With `skip_bad`, the good records are written and each
rejected one is written to `rejects` (JSON Lines: line, reason, and the record's
text when the reader had it).  With a `Release`, stored events become revisions
and, with `full`, absent ones retractions (`timeline.formats._releases`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from timeline.engine._application import StoreApplication
from timeline.engine._bulk import BulkWrite
from timeline.engine._import_lines import Item
from timeline.engine._rule import Entry
from timeline.engine.aggregates import stream_id
from timeline.engine.corrections import Correction, Ranking, Retraction
from timeline.engine.errors import LoadError, NotRetractableError
from timeline.engine.values import Actor, Development, Topic
from timeline.formats._import_plan import ImportPlan
from timeline.formats._read_process import Row
from timeline.formats._releases import Release, first_known, published, revision_between

__all__ = ["BATCH", "Tally", "import_records"]

# Records planned and written at once: large enough that statements are few.
BATCH = 5000
# Problems listed in full in an error; the rest are counted.
SHOWN = 200
# New development ids kept for the report (the count is always exact).
KEPT_IDS = 1000


class Tally:
    """What an import wrote, skipped and rejected, counted as it goes."""

    def __init__(self, name: str, rejects: IO[str] | None) -> None:
        self.name, self.rejects = name, rejects
        self.new: dict[str, list[str]] = {"actor": [], "topic": [], "development": []}
        self.developments = self.revisions = self.retractions = self.rankings = 0
        self.unchanged = self.rejected = 0
        self.problems: list[tuple[int, str]] = []
        self.fixed: dict[str, int] = {}
        self.seen: set[str] = set()
        self.dataset: str | None = None
        self.writer_mb = 0.0  # the writer process's peak RSS, when one wrote

    def reject(self, line: int, reason: str, text: str | None = None) -> None:
        """Counts a rejected record, and keeps its problem or writes it to the rejects."""
        self.rejected += 1
        if self.rejects is not None:
            record = {"line": line, "reason": reason, "text": text}
            self.rejects.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif len(self.problems) < SHOWN:
            self.problems.append((line, f"{self.name}:{line}: {reason}"))

    def add(self, plan: ImportPlan) -> None:
        """Adds a planned batch's counts."""
        for kind, ids in plan.new.items():
            if kind == "development":
                self.created(ids)
            else:
                self.new[kind] += ids
        self.revisions += plan.revisions
        self.retractions += plan.retractions
        self.rankings += plan.rankings
        self.unchanged += plan.unchanged

    def created(self, ids: list[str]) -> None:
        """Adds new developments: counted, and their ids kept up to `KEPT_IDS`."""
        self.new["development"] += ids[: max(KEPT_IDS - len(self.new["development"]), 0)]
        self.developments += len(ids)

    def error(self) -> LoadError:
        """The error listing every problem kept, by line, and how many more there were."""
        shown = [text for _, text in sorted(self.problems, key=lambda p: p[0])]
        if self.rejected > len(shown):
            shown.append(f"{self.name}: and {self.rejected - len(shown)} more problems")
        return LoadError(shown)


class BatchPlan(ImportPlan):
    """An import plan over one batch, its streams read at once from the bulk write."""

    def __init__(
        self, bulk: BulkWrite, name: str, streams: dict[Any, Any], release: Release | None
    ):
        super().__init__(bulk.app, name, frozenset())
        self.bulk = bulk
        self.streams = streams  # those the batch touches that the store holds
        self.created: dict[Any, Any] = {}  # creation events of new developments, by stream
        self.release = release
        self.dataset: str | None = None  # the dataset the records are of, if any
        self.earlier = False  # whether the store held an earlier release of the dataset
        self.fixed: list[str] = []

    def correct(self, item: Item, value: Correction) -> None:
        # A dataset's deletion list names events deleted from the dataset, most of
        # which a store that imported part of it never held: nothing to retract.
        dev_id = item.development
        held = dev_id is None or self._stored(stream_id("development", dev_id)) is not None
        if isinstance(value, Retraction) and self.dataset is not None and not held:
            self.fixed.append("not-held")
            return
        super().correct(item, value)

    def _stored(self, ident: Any) -> Any:
        found = self.streams.get(ident)
        if found is None and ident in self.created:
            # A development new in this batch that a later record corrects.
            found = self.streams[ident] = self.created[ident].mutate(None)
        return found

    def _create(self, value: Development, ident: Any) -> None:
        self.created[ident] = self.bulk.recorded(ident, value)
        self.new["development"].append(value.id)

    def encoded(self, row: Row) -> None:
        """Plans a development the reader process sent: stored around its text when new."""
        ident = stream_id("development", row.value_id)
        if self.release is None and self._stored(ident) is None:
            self.created[ident] = self.bulk.encoded(ident, row.text)
            self.new["development"].append(row.value_id)
            return
        item = row.item(self.bulk.app.mapper)  # the stream is held: planned as read
        assert isinstance(item.value, Development)
        self.record(item, item.value)

    def record(self, item: Item, value: Development) -> None:
        ident = stream_id("development", value.id)
        stream = self._stored(ident)
        if stream is None:
            if self.release is not None:
                value = first_known(value, self.release, self.earlier)
            self._create(value, ident)
            return
        if self.release is None:
            super().record(item, value)
            return
        current = published(stream.entry, self.release.day)
        if current is None:  # retracted by then: a retraction is final
            self.fixed.append("retracted")
            self.unchanged += 1
            return
        revision, fixed = revision_between(current, value, self.release)
        self.fixed += fixed
        if revision is None:
            self.unchanged += 1
            return
        self.correct(_as_correction(item, value.id), revision)


# A development's stream id, uncached: each of a dataset's rows is asked for once.
_development = functools.partial(stream_id.__wrapped__, "development")


def _as_correction(item: Item, dev_id: str) -> Item:
    """The item as a correction of development `dev_id`."""
    return Item(item.line, item.label, item.value, dev_id)


def _idents(items: Iterable[Item | Row]) -> Iterator[Any]:
    for item in items:
        if type(item) is Row:
            yield stream_id("development", item.value_id)
            continue
        value = item.value
        if isinstance(value, Actor):
            yield stream_id("actor", value.id)
        elif isinstance(value, Topic):
            yield stream_id("topic", value.id)
        elif isinstance(value, Development):
            yield stream_id("development", value.id)
        elif item.development is not None:
            yield stream_id("development", item.development)
            if isinstance(value, Ranking) and value.by is not None:
                yield stream_id("development", value.by)


def _batches(records: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _plan(plan: BatchPlan, items: list[Any]) -> None:
    """Plans names first, then developments, then corrections, as the log is read."""
    for item in items:
        if isinstance(item.value, Actor | Topic):
            plan.register(item, item.value)
    for item in items:
        if type(item) is Row:
            plan.encoded(item)
        elif isinstance(item.value, Development):
            plan.record(item, item.value)
    for item in items:
        if isinstance(item.value, Correction):
            plan.correct(item, item.value)


def _write_batch(
    bulk: BulkWrite, tally: Tally, batch: list[Any], release: Release | None, earlier: bool
) -> None:
    rows = [r for r in batch if type(r) is Row]  # developments' texts
    idents = [_development(r.value_id) for r in rows]
    held = bulk.streams(idents) if rows else {}
    if release is None and rows and not held and _new_rows(batch, rows):
        rest = [r for r in batch if type(r) is not Row]  # names and rejected records
        if rest:
            _plan_batch(bulk, tally, rest, release, earlier, {})
        tally.created([r.value_id for r in rows])
        bulk.create(idents, [r.text for r in rows])  # after the names, as `write` orders them
        return
    _plan_batch(bulk, tally, batch, release, earlier, held)


def _new_rows(batch: list[Any], rows: list[Row]) -> bool:
    """Whether the batch's rows, none of them held, are its only developments and each is
    there once: then each would be created, so all are, without planning them."""
    if len({r.value_id for r in rows}) < len(rows):
        return False
    return all(
        type(r) is Row or not isinstance(r, Item) or isinstance(r.value, Actor | Topic)
        for r in batch
    )


def _plan_batch(
    bulk: BulkWrite,
    tally: Tally,
    batch: list[Any],
    release: Release | None,
    earlier: bool,
    held: dict[Any, Any],
) -> None:
    """Plans a batch record by record and writes it; `held`: its rows' streams that exist."""
    items = [r for r in batch if isinstance(r, Item | Row)]
    for record in batch:
        if not isinstance(record, Item | Row):
            tally.reject(record.line, record.reason, record.text or None)
    streams = held | bulk.streams(_idents(r for r in items if type(r) is not Row))
    plan = BatchPlan(bulk, tally.name, streams, release)
    plan.earlier = earlier
    plan.dataset = tally.dataset
    _plan(plan, items)
    for line, text in plan.problems:
        tally.reject(line, text.removeprefix(f"{tally.name}:{line}: "))
    if release is not None and release.full:
        tally.seen.update(_development_ids(items))
    for name in plan.fixed:
        tally.fixed[name] = tally.fixed.get(name, 0) + 1
    tally.add(plan)
    bulk.write(list(plan.changed.values()), list(plan.created.values()))


def _development_ids(items: Iterable[Item | Row]) -> Iterator[str]:
    for item in items:
        if type(item) is Row:
            yield item.value_id
        elif isinstance(item.value, Development):
            yield item.value.id


def _retract_absent(bulk: BulkWrite, tally: Tally, release: Release) -> None:
    """Retracts every development of the dataset that the release's file lacks."""
    # Listed before any is written, so that the scan never reads what it appends.
    absent = [i for i in bulk.recorded_ids(release.prefix) if i not in tally.seen]
    for batch in _batches(absent, BATCH):
        streams = bulk.streams(stream_id("development", i) for i in batch)
        changed = []
        for stream in streams.values():
            if not _published_by(stream.entry, release.day):
                continue  # not yet published that day: its absence says nothing
            try:
                new = stream.retract(release.retraction())
            except NotRetractableError:  # retracted already, for another reason
                new = False
            tally.retractions += new
            tally.unchanged += not new
            if new:
                changed.append(stream)
        bulk.write(changed)


def _published_by(entry: Entry, day: dt.date) -> bool:
    """Whether a development was published by `day` and not retracted by then."""
    known = entry.development.reported.latest <= day
    return known and published(entry, day) is not None


def _holds_earlier(bulk: BulkWrite, release: Release | None) -> bool:
    """Whether the store already holds developments of the release's dataset."""
    if release is None:
        return False
    with contextlib.closing(bulk.recorded_ids(release.prefix)) as found:
        return next(found, None) is not None


def import_records(
    app: StoreApplication,
    records: Iterable[Any],
    name: str,
    *,
    dataset: str | None = None,
    release: Release | None = None,
    skip_bad: bool = False,
    rejects: IO[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    separate: bool = False,
) -> Tally:
    """Imports the records in one transaction; raises `LoadError` (writing nothing) on problems.

    With `skip_bad`, problems reject their own records only (written to `rejects`).
    `progress(line, events)` is called after each batch.  With `separate`, a writer
    process runs the store's statements while the next batch is read.
    """
    tally = Tally(name, rejects if skip_bad else None)
    tally.dataset = dataset
    with BulkWrite(app, separate=separate) as bulk:
        earlier = _holds_earlier(bulk, release)
        for batch in _batches(records, BATCH):
            _write_batch(bulk, tally, batch, release, earlier)
            if progress is not None:
                progress(getattr(batch[-1], "line", 0), bulk.appended)
        if release is not None and release.full and not (tally.rejected and not skip_bad):
            _retract_absent(bulk, tally, release)
        if tally.rejected and not skip_bad:
            bulk.abandon()
    tally.writer_mb = bulk.writer_peak_mb
    if tally.rejected and not skip_bad:
        raise tally.error()
    return tally
