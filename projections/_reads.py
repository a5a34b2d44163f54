"""What every reader of a store answers: the materialised view, and the replay that checks it.

The facade, impact and sources ask through this protocol only, so any of them runs
over either reader; `timeline.bootstrap.open_store` picks one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Protocol

from timeline.engine._registry import Registry
from timeline.engine._replay import View
from timeline.engine._rule import EVERYTHING, Claimed, Entry, PairKey, Position, Scope
from timeline.engine.values import Development
from timeline.engine.when import When
from timeline.projections._listing import StoryKey
from timeline.projections._rows import ClaimSpan

__all__ = ["Reads"]


class Reads(Protocol):
    """The questions a store's reader answers, each as of store position `pin`."""

    @property
    def reached(self) -> int:
        """The store position the reader has read up to, without reading on."""

    def current(self) -> int:
        """Reads what the store holds beyond `reached`; returns the position to read at."""

    def registry(self, pin: int) -> Registry:
        """The actors and topics registered as of `pin`."""

    def as_of(
        self,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int | None,
        scope: Scope = EVERYTHING,
    ) -> View:
        """The story as of `day`, as known at `known_at` (`pin` None: at the position the
        reader has caught up to when the view is first read)."""

    def position(
        self,
        key: PairKey,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope = EVERYTHING,
    ) -> Position | None:
        """One (actor, topic) position as of `day`, as known at `known_at`."""

    def tentative_pairs(
        self, day: dt.date, known_at: dt.date | None, pin: int, scope: Scope = EVERYTHING
    ) -> list[PairKey]:
        """The pairs, sorted, whose position counting what possibly occurred is tentative."""

    def claims(
        self, key: PairKey, known_at: dt.date | None, pin: int, scope: Scope = EVERYTHING
    ) -> list[Claimed]:
        """Every claim on one pair known at `known_at`, in story order."""

    def topic_claims(
        self, topic: str, known_at: dt.date | None, pin: int
    ) -> dict[str, list[Claimed]]:
        """Every claim on each pair of one topic known at `known_at`, by actor, each pair's
        as `claims` gives it; actors without a claim are left out."""

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

        `mentioning` and `period` may narrow them to those naming one of the actors
        and overlapping the period; a reader may give more (the caller filters).
        """

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

        `mentioning` and `period` may narrow those paged as in `developments`: the page
        is then of the narrowed ones (the caller filters what it is given).
        """

    def occurred_days(self, pin: int) -> tuple[int, set[dt.date], set[dt.date]]:
        """How many developments are known with everything recorded, and the distinct
        first and last days of their occurred spans."""

    def knowledge_days(self, pin: int) -> set[dt.date]:
        """The days on which what is known about some development changes."""

    def developments_between(
        self,
        known_at: dt.date | None,
        pin: int,
        first: Collection[str],
        second: Collection[str],
        *,
        scope: Scope = EVERYTHING,
    ) -> list[Development]:
        """The developments known at `known_at` naming one of `first` and one of `second`.

        A reader may give more (the caller filters), in story order.
        """

    def claimed_by_day(self, key: PairKey, day: dt.date, pin: int) -> list[str]:
        """The ids of developments that claimed the pair in a version begun by `day`.

        A reader may give more: these are all an explanation as of `day` can show.
        """

    def claim_spans_by_day(self, key: PairKey, day: dt.date, pin: int) -> list[ClaimSpan]:
        """The claim rows on the pair of the developments `claimed_by_day` gives (a reader
        that gives more developments gives their rows too), in no particular order."""

    def entries(self, pin: int, dev_ids: Iterable[str] | None = None) -> list[Entry]:
        """Everything recorded about some developments (default: all)."""

    def claimed_by(self, key: PairKey, pin: int) -> list[str]:
        """The ids of developments that ever claimed the pair."""

    def corrected(self, pin: int, *, retracted: bool = False) -> list[Entry]:
        """The entries of developments with a revision, ranking or retraction (`retracted`:
        only those with a retraction)."""

    def reported_by(self, source: str, pin: int) -> list[str]:
        """The ids of developments a publisher reported (in any version), sorted."""
