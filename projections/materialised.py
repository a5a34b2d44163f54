"""The materialised positions of one store, and the lazy `View` read from them.

Catch-up policy: the view catches up *on read*.  Writing (`record`, `revise`,
`retract`, `load`) only appends events, so writes cost what eventsourcing costs;
the first read after writes processes them (in batches of `BATCH` events, one
transaction each), and later reads are index searches.  `catch_up()` may be
called at any time, for instance after a bulk load, and a worker process may
keep the view current where the store supports subscriptions (PostgreSQL).

The view lives beside the events: in the same SQLite file, or, for the in-memory
store, in a private in-memory SQLite database, so both share one SQL
implementation with real transactions (eventsourcing's in-memory recorders have
none to make rows and tracking atomic).  It reads and writes through its own
connections: a `View` it returned stays readable after the `Timeline` is closed,
and the connections go when the `Timeline` and its views are garbage-collected.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from uuid import uuid4

from eventsourcing.sqlite import SQLiteDatastore, SQLiteFactory

from timeline.engine.errors import StoreError
from timeline.engine.registry import Registry
from timeline.engine.replay import Entry, PairKey, Position, View, known_developments, occurred_by
from timeline.engine.store import EventLog, StoreApplication
from timeline.engine.values import Development, Stance
from timeline.engine.when import When
from timeline.projections.catchup import BATCH, catch_up
from timeline.projections.projection import PositionsProjection
from timeline.projections.reader import Run, ViewBehindError, ViewReader
from timeline.projections.recorder import SQLitePositionsRecorder
from timeline.projections.rows import known_ordinal

__all__ = ["SUPPORTED", "Materialised"]

SUPPORTED = ("memory", "sqlite", "postgresql")

T = TypeVar("T")


def _datastore(app: StoreApplication, kind: str) -> SQLiteDatastore:
    # The view has its own connections, so views taken from it stay readable
    # after the store is closed; they are released when the last view is gone.
    if kind == "sqlite":
        factory = app.factory
        assert isinstance(factory, SQLiteFactory)
        pool = factory.datastore.pool
        return SQLiteDatastore(db_name=pool.db_name, lock_timeout=pool.lock_timeout)
    if kind == "memory":
        name = f"file:timeline-positions-{uuid4().hex}?mode=memory&cache=shared"
        return SQLiteDatastore(db_name=name)
    raise StoreError(f"materialised positions are not available on {kind} stores")


def _open_storage(app: StoreApplication, kind: str) -> tuple[Any, Any]:
    """The view's recorder and reader: PostgreSQL's beside its events, else SQLite."""
    if kind == "postgresql":
        from timeline.projections.postgres import open_postgres_view

        return open_postgres_view(app)
    datastore = _datastore(app, kind)
    view = SQLitePositionsRecorder(datastore)
    view.create_table()
    reader = ViewReader(datastore.pool.db_name, app.name, shared_cache=kind == "memory")
    return view, reader


class Materialised:
    """The materialised positions view of one store, brought up to date on read."""

    def __init__(self, app: StoreApplication, kind: str, *, batch: int = BATCH) -> None:
        self._app = app
        self.view, self.reader = _open_storage(app, kind)
        self.projection = PositionsProjection(self.view, mapper=app.mapper)
        self.batch = batch
        self.enabled = True
        self._reached = 0

    @property
    def application(self) -> StoreApplication:
        """The store application whose events the view processes."""
        return self._app

    @property
    def tracking_id(self) -> int:
        """The id of the last notification the view has processed (0 for none)."""
        return self.view.max_tracking_id(self._app.name) or 0

    def catch_up(self, until: int | None = None) -> int:
        """Processes events recorded since the view's tracking; returns how many."""
        count = catch_up(self._app, self.projection, until=until, batch=self.batch)
        self._reached = self.tracking_id
        return count

    def rebuild(self) -> int:
        """Deletes the view and processes every event from zero; returns how many."""
        self.view.clear(self._app.name)
        self._reached = 0
        return self.catch_up()

    def ensure(self, pin: int) -> None:
        """Catches up unless the view is known to have processed notification `pin`."""
        if self._reached < pin:
            self.catch_up()

    def close(self) -> None:
        """Releases the view's connections now; views taken from it can no longer read."""
        self.reader.close()
        self.view.datastore.close()

    def _retrying(self, read: Callable[[], T]) -> T:
        try:
            return read()
        except ViewBehindError:
            # Rebuilt or reset elsewhere since it was last seen: catch up, read again.
            self.catch_up()
            return read()

    def _read(self, pin: int, read: Callable[[sqlite3.Cursor], T]) -> T:
        def pinned() -> T:
            result: T = self.reader.pinned(pin, read)
            return result

        return self._retrying(pinned)

    # -- reads ------------------------------------------------------------------

    def position(
        self, key: PairKey, day: dt.date, known_at: dt.date | None, possible: bool, pin: int
    ) -> Position | None:
        """One position, read with one index search."""
        when = (day.toordinal(), known_ordinal(known_at), pin)
        run = self._retrying(lambda: self.reader.run(key, when, possible))
        return _position(key, run, when[0])

    def positions(
        self, day: dt.date, known_at: dt.date | None, possible: bool, pin: int
    ) -> dict[PairKey, Position]:
        """Every position, one index search per (actor, topic)."""
        when = (day.toordinal(), known_ordinal(known_at), pin)

        def read() -> dict[PairKey, Position]:
            keys = self.reader.pinned(pin, self.reader.pairs)
            found = (_position(key, self.reader.run(key, when, possible), when[0]) for key in keys)
            positions = {(p.actor, p.topic): p for p in found if p is not None}
            self.reader.pinned(pin, lambda c: None)  # the pin held throughout: nothing reset
            return positions

        return self._retrying(read)

    def developments(
        self,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        log: EventLog | None = None,
    ) -> tuple[Development, ...]:
        """The developments that count, in story order, as of notification `pin`.

        They come from the store's log while it still stands at `pin` (no decoding),
        else from the view's own copy of the streams up to `pin`.
        """
        if log is not None and log.position == pin:
            entries: list[Entry] = list(log.entries())
        else:
            streams = self._read(pin, lambda c: self.reader.streams(c, pin))
            entries = [self.projection.entry_of(stored) for stored in streams.values()]
        story = known_developments(entries, known_at)
        return tuple(d for d in story if occurred_by(d.occurred, day, possible=possible))

    def claimed_by(self, key: PairKey, pin: int) -> list[str]:
        """The ids of developments that ever claimed the pair, as of notification `pin`."""
        return self._read(pin, lambda c: self.reader.claimed_by(c, key, pin))

    def as_of(
        self,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        *,
        pin: int,
        registry: Registry,
        log: EventLog | None = None,
    ) -> View:
        """A lazy view: each position is looked up when asked for, as of `pin`."""
        return View(
            day=day,
            known_at=known_at,
            possible=possible,
            source="materialised",
            positions=LazyPositions(self, day, known_at, possible, pin),
            developments=lambda: self.developments(day, known_at, possible, pin, log),
            resolve_actor=lambda name: registry.resolve("actor", name),
            resolve_topic=lambda name: registry.resolve("topic", name),
            descendants=registry.descendants,
        )


def _position(key: PairKey, run: Run, day: int) -> Position | None:
    if not run:
        return None
    return Position(
        actor=key[0],
        topic=key[1],
        stance=Stance(run[0][1]),
        since=When(run[-1][2]),
        evidence=tuple(row[0] for row in reversed(run)),
        tentative=run[0][3] > day,
    )


class LazyPositions(Mapping[PairKey, Position]):
    """Positions looked up one at a time, or all at once when iterated."""

    def __init__(
        self,
        materialised: Materialised,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
    ) -> None:
        self._source = materialised
        self._args = (day, known_at, possible, pin)
        self._all: dict[PairKey, Position] | None = None

    def __getitem__(self, key: PairKey) -> Position:
        if self._all is not None:
            found = self._all.get(key)
        else:
            found = self._source.position(key, *self._args)
        if found is None:
            raise KeyError(key)
        return found

    def _load(self) -> dict[PairKey, Position]:
        if self._all is None:
            self._all = self._source.positions(*self._args)
        return self._all

    def __iter__(self) -> Iterator[PairKey]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
