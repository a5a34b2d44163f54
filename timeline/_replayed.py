"""The pure replay as a store's reader: every answer folded from the whole log, the oracle.

It answers the questions of `timeline.projections._reads.Reads` as the materialised view
does, but slowly and obviously right; `Timeline(reads=Replayed)` (or
`tl.reading(Replayed)`) reads through it, and the tests compare the two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from timeline._selecting import folded
from timeline.engine._registry import Registry
from timeline.engine._replay import EventLog, View, claims_on, fold_positions, known_developments
from timeline.engine._rule import (
    EVERYTHING,
    Claimed,
    Entry,
    PairKey,
    Position,
    Scope,
    occurred_by,
    source_key,
)
from timeline.engine.values import Development
from timeline.engine.when import When
from timeline.projections import _listing as listing
from timeline.projections._listing import StoryKey
from timeline.projections._materialised import Materialised
from timeline.projections._rows import ClaimSpan, claim_spans
from timeline.projections.errors import QueryError

__all__ = ["Replayed"]


class Replayed:
    """A store's reader that folds every event it holds (made from the store's view)."""

    def __init__(self, view: Materialised) -> None:
        self._log = EventLog(view.application)

    @property
    def reached(self) -> int:
        """The store position the replay has folded up to."""
        return self._log.position

    def current(self) -> int:
        """Folds the events recorded since; returns the position reads are answered at."""
        self._log.pull()
        return self._log.position

    def _entries(self, pin: int) -> list[Entry]:
        if pin != self._log.position:
            raise QueryError(
                f"store position {pin}: the replay reads the store only as it is now "
                f"(position {self._log.position})"
            )
        return self._log.entries()

    def _story(self, known_at: dt.date | None, pin: int, scope: Scope) -> list[Development]:
        story = known_developments(self._entries(pin), known_at)
        return story if scope.everything else [d for d in story if scope.admits(d)]

    def registry(self, pin: int) -> Registry:
        """The actors and topics the log registers."""
        return Registry(self._log.actors.values(), self._log.topics.values())

    def as_of(
        self,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int | None,
        scope: Scope = EVERYTHING,
    ) -> View:
        """The story as of `day`, as known at `known_at`, folded from every development
        (as of `pin`; None: as the store stands now)."""
        pin = self.current() if pin is None else pin
        counted = self.developments(known_at, pin, day=day, possible=possible, scope=scope)
        return folded(tuple(counted), day, known_at, possible, "replay", self.registry(pin))

    def position(
        self,
        key: PairKey,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope = EVERYTHING,
    ) -> Position | None:
        """One position, folded from the developments that count."""
        counted = self.developments(known_at, pin, day=day, possible=possible, scope=scope)
        return fold_positions(counted, day, possible=possible).get(key)

    def tentative_pairs(
        self, day: dt.date, known_at: dt.date | None, pin: int, scope: Scope = EVERYTHING
    ) -> list[PairKey]:
        """The pairs, sorted, whose position counting what possibly occurred is tentative."""
        held = self.as_of(day, known_at, True, pin=pin, scope=scope).positions()
        return [key for key, position in held.items() if position.tentative]

    def claims(
        self, key: PairKey, known_at: dt.date | None, pin: int, scope: Scope = EVERYTHING
    ) -> list[Claimed]:
        """Every claim on one pair known at `known_at`, in story order."""
        return claims_on(self._story(known_at, pin, scope), key)

    def topic_claims(
        self, topic: str, known_at: dt.date | None, pin: int
    ) -> dict[str, list[Claimed]]:
        """Every claim on each pair of one topic known at `known_at`, by actor, in story order."""
        story = self._story(known_at, pin, EVERYTHING)
        actors = sorted({c.actor for d in story for c in d.claims if c.topic == topic})
        return {actor: claims_on(story, (actor, topic)) for actor in actors}

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

        `mentioning` and `period` narrow nothing: the caller filters what it is given.
        """
        story = self._story(known_at, pin, scope)
        if day is None:
            return story
        return [d for d in story if occurred_by(d.occurred, day, possible=possible)]

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
        """The first `limit` developments known at `known_at` after story key `after`."""
        return listing.after(self._story(known_at, pin, scope), after)[:limit]

    def occurred_days(self, pin: int) -> tuple[int, set[dt.date], set[dt.date]]:
        """How many developments are known with everything recorded, and the distinct
        first and last days of their occurred spans."""
        story = self._story(None, pin, EVERYTHING)
        spans = [d.occurred for d in story]
        return len(story), {w.earliest for w in spans}, {w.latest for w in spans}

    def knowledge_days(self, pin: int) -> set[dt.date]:
        """The days on which what is known about some development changes."""
        return {day for entry in self._entries(pin) for day in entry.knowledge_days()}

    def developments_between(
        self,
        known_at: dt.date | None,
        pin: int,
        first: Collection[str],
        second: Collection[str],
        *,
        scope: Scope = EVERYTHING,
    ) -> list[Development]:
        """Every development known at `known_at`: the caller keeps those naming both sides."""
        return self._story(known_at, pin, scope)

    def claimed_by_day(self, key: PairKey, day: dt.date, pin: int) -> list[str]:
        """The ids of developments that ever claimed the pair (the day narrows nothing)."""
        return self.claimed_by(key, pin)

    def claim_spans_by_day(self, key: PairKey, day: dt.date, pin: int) -> list[ClaimSpan]:
        """The claim rows on the pair of every development that ever claimed it."""
        return [span for entry in self._entries(pin) for span in claim_spans(entry, key)]

    def entries(self, pin: int, dev_ids: Iterable[str] | None = None) -> list[Entry]:
        """Everything recorded about some developments (default: all)."""
        found = self._entries(pin)
        if dev_ids is None:
            return found
        wanted = set(dev_ids)
        return [entry for entry in found if entry.id in wanted]

    def claimed_by(self, key: PairKey, pin: int) -> list[str]:
        """The ids of developments that ever claimed the pair."""
        return [entry.id for entry in self._entries(pin) if key in entry.claimed_pairs()]

    def corrected(self, pin: int, *, retracted: bool = False) -> list[Entry]:
        """The entries of developments with a revision, ranking or retraction (`retracted`:
        only those with a retraction)."""
        return [
            entry
            for entry in self._entries(pin)
            if entry.retractions or (not retracted and (entry.revisions or entry.rankings))
        ]

    def reported_by(self, source: str, pin: int) -> list[str]:
        """The ids of developments a publisher reported (in any version), sorted."""
        wanted = source_key(source)
        return sorted(
            entry.id
            for entry in self._entries(pin)
            if any(
                source_key(found.publisher) == wanted
                for found in (entry.development.source, *(r.source for r in entry.revisions))
                if found is not None
            )
        )
