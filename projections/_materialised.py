"""The materialised view of one store: caught up on read, and the source of every read.

Catch-up policy: the view catches up *on read*.  Writing only appends events, so
writes cost what eventsourcing costs; a read first compares the store's last
notification id with the view's tracking (one indexed query) and processes only
the events after it (in batches of `BATCH`, one transaction each).  A worker
process (`timeline project --follow`) may keep the view current instead.

Every read is pinned at a notification id the view has processed, so a `View` keeps
answering as of its own moment while the view moves on: the moment of its first read
(`first_position`, whose statement tests the store's head before its search on SQLite:
one read transaction finds the view current and answers), not of `as_of()`.
The view lives beside the events: in the same SQLite file or PostgreSQL schema,
or, for the in-memory store, in a private in-memory SQLite database.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from timeline.engine._backends import Backend
from timeline.engine._registry import Registry
from timeline.engine._replay import View
from timeline.engine._rule import EVERYTHING, PairKey, Position, Scope
from timeline.projections._claim_reads import ClaimReads
from timeline.projections._development_reads import scoped_params
from timeline.projections._lookups import (
    EVERYTHING_KNOWN,
    held_by,
    lookup_params,
    register,
    resolver,
)
from timeline.projections._pinned import PinnedView, pinned_view
from timeline.projections._queries import (
    Params,
    TrackingConflictError,
    ViewBehindError,
    ViewQueries,
)
from timeline.projections._views import view_for
from timeline.projections.errors import ClosedError

if TYPE_CHECKING:
    from timeline.engine._application import StoreApplication
    from timeline.projections._backend import ViewRecorder
    from timeline.projections._projection import StoryProjection

__all__ = ["Materialised", "PinnedView"]

T = TypeVar("T")
# How many decoded versions a view keeps (a development is immutable): a page of the
# page's axis is 5,000, and ~2 KB each.
DECODED_KEPT = 10_000


class Materialised(ClaimReads):
    """The materialised view of one store, brought up to date on read."""

    def __init__(
        self, app: StoreApplication, backend: Backend | None = None, *, batch: int | None = None
    ) -> None:
        self._opened: StoreApplication | None = app
        self._open_app: Callable[[], StoreApplication] = lambda: app
        # Where the view lives, as the store's backend says (its application's by default).
        self.backend = view_for(backend or app.backend)
        self.view, self.queries = self.backend.open(app)
        self._head = self.backend.head(app, self.queries)
        self._start(batch, reached=self.tracking_id)  # opening reads the tracking, no event

    @classmethod
    def deferred(
        cls,
        open_app: Callable[[], StoreApplication],
        backend: Backend,
        queries: ViewQueries,
        *,
        batch: int | None = None,
    ) -> Materialised:
        """A view read through `queries` alone, whose store application `open_app` makes
        when first needed: to catch up, to decode a stored value, or to write.

        `queries` come from the backend's `open_reads`: a current view is then read with
        no event store application, and no eventsourcing, at all.
        """
        self = cls.__new__(cls)
        self._opened, self._open_app = None, open_app
        self.backend = view_for(backend)
        self.queries = queries
        self._head = queries.head  # as the base backend does: SQL on the events table
        self._start(batch, reached=queries.reached())
        return self

    def _start(self, batch: int | None, *, reached: int) -> None:
        self.batch = batch
        self._closed = False
        # Versions decoded lately, by their stored bytes (which alone make them): pages of
        # a listing on other knowledge days, and the reads after it, hold mostly the same.
        self._decoded = functools.lru_cache(maxsize=DECODED_KEPT)(self._decode_version)
        self._lock = threading.RLock()  # the catch-up and the kept registry, one at a time
        self._reached = reached
        self._quiet: int | None = None  # the data version at which the view was current
        # The run statements of unscoped lookups, certain and possible, ready at hand:
        # with their parameters numbered where the driver binds those faster (`_numbered`).
        named = (self.queries.dialect.run(False), self.queries.dialect.run(True))
        numbered = (self.queries.numbered(named[0]), self.queries.numbered(named[1]))
        self._numbered = numbered[0] is not None and numbered[1] is not None
        self._runs = (numbered[0] or named[0], numbered[1] or named[1]) if self._numbered else named
        # The same, with the store's head read beside their rows (None where it cannot be).
        self._headed_runs = (self.queries.headed(self._runs[0]), self.queries.headed(self._runs[1]))
        self._registry = Registry()
        self._registry_at = 0
        self._resolvers: tuple[Registry, Callable[[str], str], Callable[[str], str]] | None = None
        self._preferred: frozenset[PairKey] = frozenset()
        self._preferred_at = -1

    @property
    def _app(self) -> StoreApplication:
        """The store application, opened now if this view was opened without it."""
        if self._opened is None:
            with self._lock:
                if self._closed:  # opening one now would outlive the store's close
                    raise ClosedError("the store is closed: open it again to read")
                if self._opened is None:
                    self._opened = self._open_app()
        return self._opened

    @property
    def opened_application(self) -> StoreApplication | None:
        """The store application if it has been opened (None: the view has not needed it)."""
        return self._opened

    @functools.cached_property
    def view(self) -> ViewRecorder:
        """The view's recorder, made when first needed (opened with the application)."""
        return self.backend.recorder(self._app)

    @functools.cached_property
    def projection(self) -> StoryProjection:
        """What turns events into the view's rows: made when first needed, since a view
        that is current (the usual open) processes nothing."""
        from timeline.projections._projection import StoryProjection

        return StoryProjection(self.view, mapper=self._app.mapper)

    @property
    def application(self) -> StoreApplication:
        """The store application whose events the view processes."""
        return self._app

    @property
    def tracking_id(self) -> int:
        """The id of the last notification the view has processed (0 for none)."""
        return self.view.max_tracking_id(self._app.name) or 0

    @property
    def reached(self) -> int:
        """The notification id the view was last seen to have processed, not read again."""
        return self._reached

    @property
    def page(self) -> int:
        """How many events a catch-up reads and writes at a time (`batch`, else the view's)."""
        return self.view.page if self.batch is None else self.batch

    def catch_up(self, until: int | None = None, *, stop: threading.Event | None = None) -> int:
        """Processes events recorded since the view's tracking; returns how many.

        With `stop`, it stops between batches once the event is set.
        """
        from timeline.projections._catchup import catch_up

        with self._lock:
            count = catch_up(self._app, self.projection, until=until, batch=self.page, stop=stop)
            self._reached = self.tracking_id
        return count

    def rebuild(self) -> int:
        """Deletes the view and processes every event from zero; returns how many."""
        self.view.clear(self._app.name)
        self._reached = 0
        self._registry, self._registry_at = Registry(), 0
        self._preferred_at = -1
        return self.catch_up()

    def current(self) -> int:
        """Catches up if the store has moved on; returns the notification id to read at.

        Threads reading at once take turns here (one catch-up at a time); the reads
        they then make, each pinned at its position, run side by side.
        """
        with self._lock:
            return self._current()

    def _current(self) -> int:
        if self._closed:
            raise ClosedError("the store is closed: open it again to read")
        # Read before the head, so that a commit after it is seen by the next read.
        version = self.queries.version()
        if version is not None and version == self._quiet:
            return self._reached  # nothing committed since the view was found current
        head = self._head() or 0
        if head > self._reached:
            self._reached = self.queries.reached()  # a worker may have moved it on
            if head > self._reached:
                try:
                    self.catch_up()
                except TrackingConflictError:
                    # Another process (a worker) keeps moving the view on: read as far
                    # as it has got, which is as consistent, if a moment behind.
                    self._reached = self.queries.reached()
        # Only a view that holds every event up to the head may skip the next check.
        self._quiet = version if head <= self._reached else None
        return self._reached

    def close(self) -> None:
        """Releases the view's connections now; views taken from it can no longer read."""
        self._closed = True
        self.queries.close()
        if "view" in self.__dict__:  # a recorder was made: release its connections
            self.view.datastore.close()

    def _retrying(self, read: Callable[[], T]) -> T:
        try:
            return read()
        except ViewBehindError:
            # Rebuilt or reset elsewhere since it was last seen: catch up, read again.
            self.catch_up()
            return read()

    def _pinned(self, pin: int, read: Callable[[], T]) -> T:
        def guarded() -> T:
            self.queries.check(pin)
            result = read()
            self.queries.check(pin)  # the pin held throughout: nothing was reset
            return result

        return self._retrying(guarded)

    # -- reads ------------------------------------------------------------------

    def position(
        self,
        key: PairKey,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope = EVERYTHING,
    ) -> Position | None:
        """One position, read with one index search."""
        statement, params = self._lookup(key, day, known_at, possible, pin, scope)
        try:
            rows = self._run(statement, params, pin)
        except ViewBehindError:
            # Rebuilt or reset elsewhere since it was last seen: catch up, read again.
            self.catch_up()
            rows = self._run(statement, params, pin)
        # The rows are the winning run already (`run_rows` ends it by the rule's
        # `leading_run`), latest first.
        return held_by(key, rows, day)

    def first_position(
        self,
        key: PairKey,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        scope: Scope = EVERYTHING,
    ) -> tuple[Position | None, int]:
        """One position as the store stands now, and the store position it was read at.

        The lookup's own statement finds its rows only while the store's head, read
        in the same read transaction, is one the view already held: rows found are
        the answer now, with no statement of its own to find the view current (a
        lookup that finds nothing asks, in one more, whether the head is still there
        and the view holds it).  Otherwise (or where the store cannot say so in the
        statement) the view catches up first and the lookup runs at the new position.
        """
        pin = self._reached  # a position the view holds (read once: threads move it on)
        headed = self._headed_runs[possible]
        if (
            headed is None
            or scope is not EVERYTHING
            or pin > self._preferred_at
            or key in self._preferred
        ):
            statement, params = self._lookup(key, day, known_at, possible, pin, scope)
            headed = self.queries.headed(statement)
        elif known_at is None and self._numbered:  # the commonest lookup of all
            params = (key[0], key[1], day.toordinal(), EVERYTHING_KNOWN, pin)  # `lookup_params`
        else:
            params = lookup_params(key, day, known_at, pin, self._numbered)
        if headed is not None:
            rows = self.queries.run_rows(headed, params)
            if rows:  # found with the store's head at the pin: every event is in the view
                return held_by(key, rows, day), pin
            if self.queries.settled(pin):
                # Nothing found, and then still no event after the pin, which the view
                # holds (as `_run` checks): no event came before the read either.
                return None, pin
        pin = self.current()
        return self.position(key, day, known_at, possible, pin, scope), pin

    def _lookup(
        self,
        key: PairKey,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope,
    ) -> tuple[str, Params]:
        """The run statement of one lookup and its parameters."""
        preferred = self._preferred if pin <= self._preferred_at else self.preferred(pin)
        if scope is EVERYTHING and key not in preferred:  # the commonest: made once
            return self._runs[possible], lookup_params(key, day, known_at, pin, self._numbered)
        where, params = scoped_params(day, known_at, pin, scope, claims=True)
        params["actor"], params["topic"] = key
        return self.queries.dialect.run(possible, where, ranked=key in preferred), params

    def _run(self, statement: str, params: Params, pin: int) -> list[tuple[Any, ...]]:
        rows = self.queries.run_rows(statement, params)
        if not rows:
            self.queries.check(pin)  # nothing found: no claim counts, or the view is behind
        return rows

    def preferred(self, pin: int) -> frozenset[PairKey]:
        """The pairs with a preferred claim (in some version) as of `pin`, or later."""
        if pin <= self._preferred_at:
            return self._preferred
        with self._lock:
            return self._preferred_as_of(pin)

    def _preferred_as_of(self, pin: int) -> frozenset[PairKey]:
        if pin > self._preferred_at:
            # The pairs only ever grow, so a set read as of a later pin serves this one.
            rows = self._pinned(pin, lambda: self.queries.query(self.queries.dialect.preferred, {}))
            self._preferred = frozenset((actor, topic) for actor, topic in rows)
            self._preferred_at = pin
        return self._preferred

    def registry(self, pin: int) -> Registry:
        """The actors and topics registered as of `pin` (read incrementally)."""
        if pin <= self._registry_at:
            return self._registry
        with self._lock:
            return self._registry_as_of(pin)

    def _registry_as_of(self, pin: int) -> Registry:
        if pin > self._registry_at:
            rows = self._pinned(
                pin,
                lambda: self.queries.query(
                    self.queries.dialect.registry, {"pin": pin, "after": self._registry_at}
                ),
            )
            for kind, state in rows:
                value = self._decode_state(bytes(state))
                register(self._registry, kind, value)
            self._registry_at = pin
        return self._registry

    def _registry_now(self) -> Registry:
        """The registry as the store stands now (the view caught up)."""
        return self.registry(self.current())

    def as_of(
        self,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int | None,
        scope: Scope = EVERYTHING,
    ) -> View:
        """A lazy view: each position is looked up when asked for, as of `pin`.

        With `pin` None the view is pinned at its first read, at the store position
        the view has then caught up to (see `PinnedView`): every read of it is
        answered at that one position.
        """
        if self._closed:  # no read fixes the pin yet: say so now, not at the first one
            raise ClosedError("the store is closed: open it again to read")
        at = self._reached if pin is None else pin
        registry = self._registry if at <= self._registry_at else self.registry(at)
        if self._resolvers is None or self._resolvers[0] is not registry:
            # Made once per registry (which grows in place), not once per view.  A name
            # the registry does not know yet is looked up again with the view caught up
            # (a view is pinned at its first read, then or later: the name is known there).
            self._resolvers = (
                registry,
                resolver(registry, "actor", self._registry_now),
                resolver(registry, "topic", self._registry_now),
            )
        _, resolve_actor, resolve_topic = self._resolvers
        return pinned_view(self, day, known_at, possible, pin, scope, resolve_actor, resolve_topic)
