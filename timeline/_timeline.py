"""`Timeline`: record, correct and ask about a story, in one object.

Commands resolve names through the registry read model and go to the store
application (`timeline.engine`), which decides from the aggregates concerned;
reads go to the reader the composition root gave it (`timeline.bootstrap`): the
materialised view (`timeline.projections`), which catches up on new events only, or
the pure replay of the whole log (`Replayed`), the oracle the tests use.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Collection
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from timeline._read_scope import day_of
from timeline._shared_reads import SharedReads
from timeline._store_writes import StoreWrites
from timeline.bootstrap import the_view
from timeline.engine._rule import EVERYTHING

if TYPE_CHECKING:
    from timeline.bootstrap import ReadsFrom
    from timeline.branch import Branch
    from timeline.engine._application import StoreApplication
    from timeline.engine._registry import Registry
    from timeline.engine._replay import View
    from timeline.engine._rule import Claimed, Entry, PairKey, Scope
    from timeline.engine.values import Development
    from timeline.engine.when import When, WhenLike
    from timeline.projections._explain_page import ExplanationPage
    from timeline.projections._listing import StoryKey

# The store, the view and the loader are imported when first opened or used:
# importing the facade loads none of them.

__all__ = ["Timeline"]

T = TypeVar("T")


class Timeline(SharedReads, StoreWrites):
    """A story's developments in an append-only event store, replayable as of any day.

    `Timeline()` keeps events in memory; `Timeline.open(url)` uses an SQLite file
    (`sqlite:///story.db`) or a PostgreSQL database (`postgresql://user@host/db`).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        password: str | None = None,
        schema: str | None = None,
        reads: ReadsFrom = the_view,
        replica: str | None = None,
    ) -> None:
        from timeline.bootstrap import open_store
        from timeline.engine.config import StoreConfig

        self.config = StoreConfig.from_url(url, password=password, schema=schema, replica=replica)
        self.materialised, self.reads = open_store(self.config, reads)

    @classmethod
    def open(
        cls,
        url: str,
        *,
        password: str | None = None,
        schema: str | None = None,
        replica: str | None = None,
    ) -> Timeline:
        """Opens (creating if needed) the store at `url`; PostgreSQL may take a schema.

        `replica` (`host[:port]` or a postgresql:// URL of a hot standby of the
        same database, also `?replica=host:port` in `url`) sends reads of the view
        there; writes go to `url`, and a read never answers from before this
        process's own last write (see `timeline.projections._replica`).
        """
        return cls(url, password=password, schema=schema, replica=replica)

    def close(self) -> None:
        """Closes every connection to the store, so an SQLite file is whole on disk after it.

        The last connection to an SQLite file to close checkpoints its write-ahead log into
        the file: a copy of the file made afterwards holds every write.  Views taken
        before can no longer read.
        """
        opened = self.materialised.opened_application  # none, if only a current view was read
        self.materialised.close()
        if opened is not None:
            opened.close()

    @property
    def _app(self) -> StoreApplication:
        """The store application: opened with the store, or on first need after reading a
        current view without it (see `timeline.bootstrap.open_store`)."""
        return self.materialised.application

    def __enter__(self) -> Timeline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Timeline({self.config.redacted_url!r})"

    def copy_to(self, url: str, *, password: str | None = None, schema: str | None = None) -> int:
        """Copies every stored event, in order and keeping ids, into the empty store at `url`.

        All or nothing: a target holding any event is refused and left as it was.
        The target's view is built when it is first read (or by `timeline project`).
        Returns how many events were copied.
        """
        from timeline.bootstrap import open_application
        from timeline.engine._copying import copy_events
        from timeline.engine.config import StoreConfig

        config = StoreConfig.from_url(url, password=password, schema=schema)
        target = open_application(config)
        try:
            return copy_events(self._app, target, f"the {config.location}")
        finally:
            target.close()

    @property
    def head(self) -> int:
        """The notification id of the last event in the store (0 when empty)."""
        return self._app.head

    def fingerprint(self) -> str | None:
        """A digest of this store's head and its first and last events (None when empty).

        Read from the store itself, it differs between two stores unless one is a copy
        of the other at the same head: a cache keyed on it never vouches for another.
        """
        return self._app.fingerprint()

    # -- registry -------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        """The registered actors and topics, current with the store."""
        return self.reads.registry(self.reads.current())

    # -- reading --------------------------------------------------------------

    def reading(self, reads: ReadsFrom) -> Timeline:
        """This store, its reads answered by `reads` (say `Replayed`, the pure replay).

        The two share the store's connections: close only one of them.
        """
        other = copy.copy(self)
        other.reads = reads(self.materialised)
        return other

    def _pin(self, at: int | None = None) -> int:
        """The notification id a read is pinned at: now, or an earlier position `at`."""
        now = self.reads.current()
        if at is None:
            return now
        from timeline.projections.errors import QueryError

        if not 0 <= at <= now:
            raise QueryError(f"store position {at}: expected a position from 0 to {now}")
        return at

    @property
    def position(self) -> int:
        """The store position reads are answered at now (the reader's last notification id)."""
        return self._pin()

    def _as_of(
        self, on: dt.date, known: dt.date | None, possible: bool, at: int | None, scope: Scope
    ) -> View:
        """The reader's answer as of `on` (at store position `at`; by default, the position
        the reader has caught up to at the view's first read)."""
        return self.reads.as_of(on, known, possible, None if at is None else self._pin(at), scope)

    def _tentative(self, on: dt.date, known: dt.date | None, scope: Scope) -> list[PairKey]:
        """The pairs whose position counting what possibly occurred is tentative, read by
        the reader in one statement."""
        return self.reads.tentative_pairs(on, known, self._pin(), scope)

    def _claims(self, key: PairKey, known_at: dt.date | None, scope: Scope) -> list[Claimed]:
        return self.reads.claims(key, known_at, self._pin(), scope)

    def _topic_claims(self, topic: str, known: dt.date | None) -> dict[str, list[Claimed]]:
        """Every claim on each pair of `topic` known at `known`, read in one statement."""
        return self.reads.topic_claims(topic, known, self._pin())

    def _claiming(self, key: PairKey) -> list[Entry]:
        """The entries of every development that ever claimed the pair."""
        pin = self._pin()
        return self.reads.entries(pin, self.reads.claimed_by(key, pin))

    def occurred_days(self) -> tuple[int, set[dt.date], set[dt.date]]:
        """How many developments are known with everything recorded (as `developments()`
        lists them), and the distinct first and last days of their occurred spans."""
        return self.reads.occurred_days(self._pin())

    def knowledge_days(self) -> set[dt.date]:
        """The days on which what is known about some development changes (the union of
        every entry's `knowledge_days`)."""
        return self.reads.knowledge_days(self._pin())

    def explain_page(
        self,
        actor: str,
        topic: str,
        as_of: WhenLike,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
        skip: int = 0,
        limit: int = 40,
    ) -> ExplanationPage:
        """A page of `explain(...)`, decoding only the developments it shows: the others'
        statuses come from the view's claim rows (see `projections._explain_page`)."""
        from timeline.engine.when import as_day
        from timeline.projections._explain import check_page
        from timeline.projections._explain_page import explain_page

        check_page(skip, limit)  # before any read
        key, day = self._pair(actor, topic), as_day(as_of)
        pin = self._pin()
        return explain_page(
            self.reads.claim_spans_by_day(key, day, pin),
            lambda dev_ids: self.reads.entries(pin, dev_ids),
            *key,
            day,
            known_at=day_of(known_at),
            possible=possible,
            skip=skip,
            limit=limit,
        )

    def _claiming_by(self, key: PairKey, day: dt.date) -> list[Entry]:
        """The entries of the developments that claimed the pair in a version begun by `day`."""
        pin = self._pin()
        return self.reads.entries(pin, self.reads.claimed_by_day(key, day, pin))

    def _story_page(
        self,
        known_at: WhenLike | None,
        after: StoryKey | None,
        limit: int,
        *,
        mentioning: Collection[str] | None,
        period: When | None,
    ) -> list[Development]:
        """A page of the story after `after`, read by the view in story order with a limit."""
        return self.reads.developments_page(
            day_of(known_at), self._pin(), after, limit, mentioning=mentioning, period=period
        )

    def _story_between(
        self, known_at: WhenLike | None, scope: Scope, first: set[str], second: set[str]
    ) -> list[Development]:
        """The developments known at `known_at` naming one of `first` and one of `second`."""
        pin = self._pin()
        return self.reads.developments_between(day_of(known_at), pin, first, second, scope=scope)

    def _story(
        self,
        known_at: WhenLike | None,
        at: int | None = None,
        scope: Scope = EVERYTHING,
        *,
        mentioning: Collection[str] | None = None,
        period: When | None = None,
    ) -> list[Development]:
        return self.reads.developments(
            day_of(known_at), self._pin(at), scope=scope, mentioning=mentioning, period=period
        )

    def entries(self) -> list[Entry]:
        """Everything recorded, one entry per development id, sorted by id."""
        return sorted(self.reads.entries(self._pin()), key=lambda entry: entry.id)

    def corrections(
        self, known_at: WhenLike | None = None, *, at: int | None = None, retracted: bool = False
    ) -> list[Entry]:
        """The entries of developments with a revision, ranking or retraction known at `known_at`
        (`retracted`: only those with a retraction known then).

        Only the corrected (or retracted) streams are read (from the store's events).
        """
        from timeline._selecting import corrected

        found = self.reads.corrected(self._pin(at), retracted=retracted)
        return corrected(found, day_of(known_at), retracted=retracted)

    def branch(
        self, name: str | None = None, *, folder: str | Path | None = None, at: int | None = None
    ) -> Branch:
        """A what-if branch: writes layered over the store's answers, never recorded.

        See `timeline.branch`: it reads as this store does, pinned at its position now
        (or at `at`); `Branch.load(tl, name)` reads one saved with `branch.save(name)`.
        """
        from timeline.branch import Branch

        return Branch(self, name, folder=folder, at=at)

    def entry(self, dev_id: str) -> Entry:
        """What was recorded about one development: the original and its corrections."""
        return self._app.entry(dev_id)
