"""The view's reads of claims, shared by `Materialised`: every position at once, the
tentative pairs, and one pair's or one topic's claims and the developments claiming it.

Each is one statement, or a few, on the view's `claims` table, pinned as the view pins;
`Materialised` holds the queries, the pinning, the preferred pairs and the single lookup
these reads fall back on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar, cast

from timeline.engine._rule import EVERYTHING, Claimed, PairKey, Position, Scope
from timeline.engine._uncollected import uncollected
from timeline.projections._development_reads import DevelopmentReads, pin_params, scoped_params
from timeline.projections._lookups import claimed, claimed_by_actor, held_by, positions_of_latest
from timeline.projections._queries import Params
from timeline.projections._rows import ClaimSpan, occurred_text
from timeline.projections._winning import among_params, latest_claims, tentative_pairs

__all__ = ["FURTHER", "LATEST", "LOOKUPS", "ClaimReads"]

T = TypeVar("T")

# How many claims of each pair `positions()` reads at once: a run as long or longer is
# looked up alone, and with the stances of a story varying, few are (one pair in 125
# of the synthetic story's, its five stances equally likely).
LATEST = 4
# How many times as many claims each further read of `positions()` takes, of the pairs
# whose run was longer than the claims read so far (16 after the first 4: the synthetic
# stores' runs are 14 at most, and each claim read costs a text whether of the run or not).
FURTHER = 4
# The most pairs `positions()` looks up one by one, by dialect; with more, as in a story
# of long runs, a further statement reads them.  On SQLite a lookup steps only to its
# run's end: 20 pairs looked up took 0.2 ms on the 1M store against 0.3 ms for a further
# statement of their first 16 claims, and 80 pairs 0.8 against 1.3 (0.9 against 0.8 on
# the 10k store).  On PostgreSQL each lookup is a round trip (about 0.1 ms): 5 pairs
# looked up took 0.5 ms against 0.25-0.4 ms for one further statement.
LOOKUPS = {"sqlite": 64, "postgresql": 0}


class ClaimReads(DevelopmentReads):
    """Reads of claims and positions through a view's queries, pinned as it pins."""

    def preferred(self, pin: int) -> frozenset[PairKey]:
        raise NotImplementedError

    def _lookup(
        self,
        key: PairKey,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope,
    ) -> tuple[str, Params]:
        raise NotImplementedError

    def positions(
        self,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope = EVERYTHING,
        *,
        latest: int = LATEST,
        lookups: int | None = None,
    ) -> dict[PairKey, Position]:
        """Every position at once: each pair's first `latest` claims in search order read
        in one statement, which hold its winning run unless the run may be longer; while
        more than `lookups` pairs (by default the dialect's `LOOKUPS`) are left so, each
        further statement reads `FURTHER` times as many claims of those pairs alone; the
        last few are looked up one by one."""
        where, params = scoped_params(day, known_at, pin, scope, claims=True)
        dialect = self.queries.dialect
        alone = LOOKUPS.get(dialect.name, 0) if lookups is None else lookups
        ranked = bool(self.preferred(pin))
        statement = latest_claims(dialect, possible, latest, where, ranked=ranked)

        def read() -> dict[PairKey, Position]:
            rows = self.queries.query(statement, params)
            found, unfinished = positions_of_latest(rows, day, latest)
            left = unfinished  # each holds None until read again or looked up
            taken = latest
            while len(unfinished) > alone:
                taken *= FURTHER
                further = latest_claims(dialect, possible, taken, where, ranked=ranked, among=True)
                among = {**params, **among_params(dialect, unfinished)}
                again, unfinished = positions_of_latest(
                    self.queries.query(further, among), day, taken
                )
                found.update(again)  # each pair keeps its place
            for key in unfinished:
                run, run_params = self._lookup(key, day, known_at, possible, pin, scope)
                found[key] = held_by(key, self.queries.run_rows(run, run_params), day)
            for key in left:  # None is never left: each pair's claims were read at one pin
                if found[key] is None:
                    del found[key]
            made = cast(dict[PairKey, Position], found)
            # SQLite gives the pairs as Python sorts them, PostgreSQL by its collation.
            return made if dialect.name == "sqlite" else dict(sorted(made.items()))

        # A position, its evidence and its row for each pair, and no cycle among them:
        # the collector would only walk them again as they are made.
        with uncollected():
            return self._pinned(pin, read)

    def tentative_pairs(
        self, day: dt.date, known_at: dt.date | None, pin: int, scope: Scope = EVERYTHING
    ) -> list[PairKey]:
        """The pairs, sorted, whose position counting what possibly occurred is tentative:
        one statement, one index search per pair, no position built."""
        where, params = scoped_params(day, known_at, pin, scope, claims=True)
        statement = tentative_pairs(self.queries.dialect, where)
        rows = self._pinned(pin, lambda: self.queries.query(statement, params))
        return [(actor, topic) for actor, topic in rows]

    def claims(
        self, key: PairKey, known_at: dt.date | None, pin: int, scope: Scope = EVERYTHING
    ) -> list[Claimed]:
        """Every claim on one pair known at `known_at`, in story order."""
        where, params = scoped_params(None, known_at, pin, scope, claims=True)
        params.update(actor=key[0], topic=key[1])
        statement = self.queries.dialect.claims(where)
        rows = self._pinned(pin, lambda: self.queries.query(statement, params))
        return [claimed(row) for row in rows]

    def topic_claims(
        self, topic: str, known_at: dt.date | None, pin: int
    ) -> dict[str, list[Claimed]]:
        """Every claim on each pair of one topic known at `known_at`, by actor, as `claims`
        gives each pair's: one statement for the topic, not one per pair."""
        params = {**pin_params(None, known_at, pin), "topic": topic}
        statement = self.queries.dialect.topic_claims
        return claimed_by_actor(self._pinned(pin, lambda: self.queries.query(statement, params)))

    def claimed_by(self, key: PairKey, pin: int) -> list[str]:
        """The ids of developments that ever claimed the pair, as of `pin`."""
        params = {"actor": key[0], "topic": key[1], "pin": pin}
        statement = self.queries.dialect.claimed_by
        return [r[0] for r in self._pinned(pin, lambda: self.queries.query(statement, params))]

    def claimed_by_day(self, key: PairKey, day: dt.date, pin: int) -> list[str]:
        """The ids of developments that claimed the pair in a version begun by `day`."""
        params = {"actor": key[0], "topic": key[1], "day": day.toordinal(), "pin": pin}
        statement = self.queries.dialect.claimed_by_day
        return [r[0] for r in self._pinned(pin, lambda: self.queries.query(statement, params))]

    def claim_spans_by_day(self, key: PairKey, day: dt.date, pin: int) -> list[ClaimSpan]:
        """The versions claiming the pair that `claimed_by_day` finds, one row each."""
        params = {"actor": key[0], "topic": key[1], "day": day.toordinal(), "pin": pin}
        statement = self.queries.dialect.claim_spans_by_day
        rows = self._pinned(pin, lambda: self.queries.query(statement, params))
        # Each row's occurred text is as `claims` stores it: made whole from its span.
        return [ClaimSpan._make(_whole(row)) for row in rows]


def _whole(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A `claim_spans_by_day` row with its occurred text made whole from its span."""
    return (*row[:6], occurred_text(row[6], row[1], row[2]), *row[7:])
