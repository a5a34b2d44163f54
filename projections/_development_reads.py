"""The view's reads of developments and their entries, shared by `Materialised`.

Listings (by story order, a page at a time, by actor, by two actors), the days a
listing's axis marks, and the entries (every event of a development's stream) as of a
pin: each one statement, or a few, on the view's tables or the stored events, with the
versions decoded lately kept by their stored bytes.  `Materialised` holds the view's
queries, its pinning and its application; this class holds these reads of them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from timeline.engine import _rule as rule
from timeline.engine._rule import EVERYTHING, Entry, Scope
from timeline.engine._transcodings import UnknownStateError, decode_state
from timeline.engine.values import Development
from timeline.engine.when import When
from timeline.projections._listing import StoryKey
from timeline.projections._queries import STREAMS_AT_ONCE, ViewQueries, streams_of
from timeline.projections._rows import known_ordinal
from timeline.projections._sql_reads import scoped

if TYPE_CHECKING:
    from timeline.engine._application import StoreApplication
    from timeline.projections._backend import ViewRecorder
    from timeline.projections._projection import StoryProjection

__all__ = ["DevelopmentReads", "pin_params", "scoped_params"]

T = TypeVar("T")
# The most actors a listing by actor searches for by index; more read the whole listing.
_MENTIONING_AT_ONCE = 500
# The known-at ordinal of a read that knows everything recorded, the usual one.
_EVERYTHING_KNOWN = known_ordinal(None)
# The developments of one publisher, in any version.
_SOURCE_IDS = (
    "SELECT DISTINCT dev_id FROM {developments} WHERE source_key = :source "
    "AND recorded_from <= :pin AND recorded_until > :pin ORDER BY dev_id"
)
# Decoding an event reads its stream's id from its state, not from here.
_ANY = UUID(int=0)


class DevelopmentReads:
    """Reads of developments and entries through a view's queries, pinned as it pins."""

    queries: ViewQueries
    # `_decode_version`, its results kept (`Materialised` sizes the cache).
    _decoded: Callable[[bytes, str | None, bytes], Development]

    @property
    def _app(self) -> StoreApplication:
        raise NotImplementedError

    @property
    def view(self) -> ViewRecorder:
        raise NotImplementedError

    @property
    def projection(self) -> StoryProjection:
        raise NotImplementedError

    def _pinned(self, pin: int, read: Callable[[], T]) -> T:
        raise NotImplementedError

    def developments(
        self,
        known_at: dt.date | None,
        pin: int,
        *,
        day: dt.date | None = None,
        possible: bool = False,
        scope: Scope = EVERYTHING,
        mentioning: Collection[str] | None = None,
        period: When | None = None,
    ) -> list[Development]:
        """The developments known at `known_at` (that count at `day`, if given), in story order.

        With `mentioning`, only (at least) those naming one of those actors whose
        occurred span overlaps `period` (if given): an index search by actor.
        """
        where, params = scoped_params(day, known_at, pin, scope)
        if mentioning is not None and 0 < len(mentioning) <= _MENTIONING_AT_ONCE:
            statement = self.queries.dialect.mentioning(
                len(mentioning), day is not None, possible, where
            )
            params.update(_mentioning_params(mentioning, period))
        else:
            statement = self.queries.dialect.developments(day is not None, possible, where)
        rows = self._pinned(pin, lambda: self.queries.query(statement, params))
        return [self._development(*row) for row in rows]

    def developments_page(
        self,
        known_at: dt.date | None,
        pin: int,
        after: StoryKey | None,
        limit: int,
        *,
        scope: Scope = EVERYTHING,
        mentioning: Collection[str] | None = None,
        period: When | None = None,
    ) -> list[Development]:
        """The first `limit` of `developments` (without `day`) after story key `after`.

        With `mentioning` (and `period`), only (at least) those naming one of the actors
        (overlapping the period); the page is then of those, in story order.
        """
        where, params = scoped_params(None, known_at, pin, scope)
        dialect = self.queries.dialect
        if mentioning is not None and 0 < len(mentioning) <= _MENTIONING_AT_ONCE:
            statement = dialect.mentioning(len(mentioning), False, False, where)
            params.update(_mentioning_params(mentioning, period))
        else:
            statement = dialect.developments(False, False, where)
        earliest, latest, dev_id = after if after is not None else (-1, -1, "")
        params.update(after_earliest=earliest, after_latest=latest, after_id=dev_id, limit=limit)
        paged = dialect.paged(statement)
        rows = self._pinned(pin, lambda: self.queries.query(paged, params))
        return [self._development(*row) for row in rows]

    def occurred_days(self, pin: int) -> tuple[int, set[dt.date], set[dt.date]]:
        """How many developments are known with everything recorded, as of `pin`, and the
        distinct first and last days of their occurred spans."""
        params = pin_params(None, None, pin)
        dialect = self.queries.dialect
        found = [
            self._pinned(
                pin, functools.partial(self.queries.query, dialect.occurred(column), params)
            )
            for column in ("occurred_earliest", "occurred_latest")
        ]
        count = sum(n for _, n in found[0])
        first, last = ({dt.date.fromordinal(day) for day, _ in rows} for rows in found)
        return count, first, last

    def knowledge_days(self, pin: int) -> set[dt.date]:
        """The days on which what is known about some development changes, as of `pin`.

        A development never corrected has a version beginning on each of its days (its
        report's, and each further report's, whose days differ): those are read by SQL.
        Only the corrected ones' entries are read, for days a version may not mark.
        """
        statement = self.queries.dialect.knowledge_starts
        rows = self._pinned(pin, lambda: self.queries.query(statement, {"pin": pin}))
        days = {dt.date.fromordinal(row[0]) for row in rows}
        for entry in self.corrected(pin):
            days |= entry.knowledge_days()
        return days

    def developments_between(
        self,
        known_at: dt.date | None,
        pin: int,
        first: Collection[str],
        second: Collection[str],
        *,
        scope: Scope = EVERYTHING,
    ) -> list[Development]:
        """The developments known at `known_at` naming one of `first` and one of `second`
        (in any version), in story order: an intersection of two index searches by actor."""
        if not 0 < len(first) <= _MENTIONING_AT_ONCE or not 0 < len(second) <= _MENTIONING_AT_ONCE:
            return self.developments(known_at, pin, scope=scope, mentioning=first)
        where, params = scoped_params(None, known_at, pin, scope)
        statement = self.queries.dialect.mentioning_both(len(first), len(second), where)
        params.update({f"actor_{n}": actor for n, actor in enumerate(sorted(first))})
        params.update({f"other_{n}": actor for n, actor in enumerate(sorted(second))})
        rows = self._pinned(pin, lambda: self.queries.query(statement, params))
        return [self._development(*row) for row in rows]

    def _development(self, state: Any, topic: str | None, recorded: Any) -> Development:
        """A version from its own state, or from the event that recorded it (kept a while)."""
        if state:  # an empty state: the version as recorded, in its event
            return self._decoded(bytes(state), None, b"")
        return self._decoded(b"", topic or "", bytes(recorded))

    def _decode_version(self, state: bytes, topic: str | None, recorded: bytes) -> Development:
        from eventsourcing.persistence import StoredEvent

        if state:
            return cast(Development, self._decode_state(state))
        event = self._app.mapper.to_domain_event(StoredEvent(_ANY, 1, topic or "", recorded))
        return cast(Development, cast(Any, event).development)

    def _decode_state(self, state: bytes) -> Any:
        """A value the view keeps as its stored state: read without the application, unless
        it holds a value only the application's transcoder knows."""
        try:
            return decode_state(state)
        except UnknownStateError:
            return self._app.mapper.transcoder.decode(state)

    def entries(self, pin: int, dev_ids: Iterable[str] | None = None) -> list[Entry]:
        """Everything recorded about some developments (default: all), as of `pin`.

        All developments are read as of `pin`; some, with every event recorded now.
        """
        from timeline.engine.aggregates import stream_id

        if dev_ids is None:
            return self.stream_entries(pin)
        wanted = [stream_id("development", dev_id) for dev_id in dev_ids]
        streams = self.view.streams(wanted)
        return [self.projection.entry_of(events) for _, events in streams.values()]

    def stream_entries(
        self, pin: int, *, corrected: bool = False, retracted: bool = False
    ) -> list[Entry]:
        """Every development's entry as of `pin` (`corrected`: only those with a correction;
        `retracted`: only those with a retraction)."""
        dialect = self.queries.dialect
        statement = dialect.development_streams(corrected=corrected, retracted=retracted)
        rows = self._pinned(pin, lambda: self.queries.query(statement, {"pin": pin}))
        return [self.projection.entry_of(events) for _, events in streams_of(rows).values()]

    def entries_at(self, pin: int, dev_ids: Iterable[str]) -> dict[str, Entry]:
        """The entries of those of `dev_ids` recorded by `pin`, with only their events to it."""
        from timeline.engine.aggregates import stream_id

        wanted = [stream_id("development", dev_id) for dev_id in dict.fromkeys(dev_ids)]
        dialect, found = self.queries.dialect, {}
        for start in range(0, len(wanted), STREAMS_AT_ONCE):
            chunk = wanted[start : start + STREAMS_AT_ONCE]
            params: dict[str, Any] = {
                f"stream_{n}": dialect.stream_key(i) for n, i in enumerate(chunk)
            }
            params["pin"] = pin
            statement = dialect.streams_of(len(chunk), pinned=True)
            rows = self._pinned(pin, functools.partial(self.queries.query, statement, params))
            for _, events in streams_of(rows).values():
                entry = self.projection.entry_of(events)
                found[entry.id] = entry
        return found

    def corrected(self, pin: int, *, retracted: bool = False) -> list[Entry]:
        """The entries of the streams with a revision, ranking or retraction, as of `pin`
        (`retracted`: only those with a retraction, found by their own statement)."""
        return self.stream_entries(pin, corrected=True, retracted=retracted)

    def reported_by(self, source: str, pin: int) -> list[str]:
        """The ids of developments a publisher reported (in any version) as of `pin`, sorted."""
        statement = self.queries.dialect.render(_SOURCE_IDS)
        params = {"source": rule.source_key(source), "pin": pin}
        rows = self.queries.query(statement, params)
        self.queries.check(pin)
        return [row[0] for row in rows]


def _mentioning_params(mentioning: Collection[str], period: When | None) -> dict[str, Any]:
    """A listing by actor's parameters: each actor in turn, and the period's first and last
    days (every day when there is none)."""
    params: dict[str, Any] = {f"actor_{n}": actor for n, actor in enumerate(sorted(mentioning))}
    params["first"] = period.earliest.toordinal() if period else 0
    params["last"] = period.latest.toordinal() if period else dt.date.max.toordinal()
    return params


def scoped_params(
    day: dt.date | None, known_at: dt.date | None, pin: int, scope: Scope, *, claims: bool = False
) -> tuple[str, dict[str, Any]]:
    """A read's extra conditions for `scope` (none for everything) and its parameters."""
    if scope is EVERYTHING or scope.everything:
        return "", pin_params(day, known_at, pin)
    where, params = scoped(scope, claims=claims)
    return where, {**pin_params(day, known_at, pin), **params}


def pin_params(day: dt.date | None, known_at: dt.date | None, pin: int) -> dict[str, Any]:
    """A read's day, knowledge day and pin as the view's statements take them."""
    return {
        "day": 0 if day is None else day.toordinal(),
        "known": _EVERYTHING_KNOWN if known_at is None else known_ordinal(known_at),
        "pin": pin,
    }
