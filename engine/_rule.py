"""The time model's rule, in one place: what is known, what has occurred, which claim wins.

For `as_of(D, known_at=K, possible=False)`:

- something is *known* at K when its `reported` span ends on or before K (no K:
  everything recorded is known);
- a development has *certainly* occurred by D when its `occurred` span ends on or
  before D, and *possibly* when the span starts on or before D;
- *story order* is occurred earliest day, then latest day, then development id,
  never the order of recording;
- a revision or retraction is known at K by its own `reported` date; known
  revisions apply in order of their reported span (then content), and a known
  retraction removes the development (`Entry.as_known`);
- a ranking is known at K by its own `reported` date; the latest known ranking
  of a claim (by reported span, then content) gives its rank, normal when none;
- among the claims on one (actor, topic) that count, deprecated claims are left
  out and, when any preferred claim counts, only preferred claims do; of those,
  the latest in story order wins (*search order*: higher rank first, then latest
  first); `since` and `evidence` cover the unbroken run of its stance and rank
  that ends in it, and the position is tentative when the winner has only
  possibly occurred.

The pure replay (`engine._replay`) and every projection use these functions; the
projections' SQL searches the same rule over day ordinals, with its columns named
by `STORY_ORDER`, `KNOWN_SPAN`, `CERTAIN_BY`, `POSSIBLE_BY` and `RANK`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

from timeline.engine._slots import filler
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.engine.errors import RecordError
from timeline.engine.values import Development, Rank, Reliability, Stance
from timeline.engine.when import When, WhenLike, as_day

__all__ = [
    "CERTAIN_BY",
    "COUNTS",
    "EVERYTHING",
    "KNOWN_SPAN",
    "POSSIBLE_BY",
    "RANK",
    "STORY_ORDER",
    "Claimed",
    "Entry",
    "PairKey",
    "Position",
    "Scope",
    "counts",
    "held",
    "in_story_order",
    "is_known",
    "leading_run",
    "occurred_by",
    "position",
    "search_order",
    "source_key",
    "story_key",
    "story_key_of",
    "winning_run",
]

PairKey = tuple[str, str]
T = TypeVar("T")

# The rule's columns in a stored claim: story order, the knowledge span
# `[known_from, known_until)` of the version it belongs to, and the end (certain)
# or start (possible) of its occurred span, which must lie on or before the day.
STORY_ORDER = ("occurred_earliest", "occurred_latest", "dev_id")
KNOWN_SPAN = ("known_from", "known_until")
CERTAIN_BY = "occurred_latest"
POSSIBLE_BY = "occurred_earliest"
# The claim's rank as a number (`Rank.tier`): search order puts higher ranks first.
RANK = "rank"


def counts(rank: Rank) -> bool:
    """Whether a claim of this rank can count at all: a deprecated claim never does."""
    return rank is not Rank.DEPRECATED


# `counts` as a condition on the stored tier, for the view's statements.
COUNTS = f"{RANK} > {Rank.DEPRECATED.tier}"


def is_known(reported: When, known_at: dt.date | None) -> bool:
    """Whether something reported during `reported` was public by `known_at`."""
    return known_at is None or reported.latest <= known_at


def occurred_by(occurred: When, day: dt.date, *, possible: bool) -> bool:
    """Whether a span has certainly (or, with `possible`, possibly) begun by `day`."""
    return occurred.latest <= day or (possible and occurred.earliest <= day)


def story_key(occurred: When, dev_id: str) -> tuple[Any, ...]:
    """Story order: occurred earliest day, then latest day, then development id."""
    return (occurred.earliest, occurred.latest, dev_id)


def story_key_of(item: Development | Claimed) -> tuple[Any, ...]:
    """Where a development or a claim stands in story order (`story_key`)."""
    if isinstance(item, Claimed):
        return item.story_key
    return story_key(item.occurred, item.id)


def in_story_order(developments: Iterable[Development]) -> list[Development]:
    """The developments sorted in story order."""
    return sorted(developments, key=story_key_of)


@attrs.frozen
class Entry:
    """Everything recorded about one development: the original and its corrections.

    As known at a day, its claims carry their rank from the rankings then known.
    """

    development: Development
    revisions: tuple[Revision, ...] = ()
    retractions: tuple[Retraction, ...] = ()
    rankings: tuple[Ranking, ...] = ()

    @property
    def id(self) -> str:
        """The development's id."""
        return self.development.id

    def as_known(self, known_at: dt.date | None) -> Development | None:
        """The development as it stood at `known_at`, or None if unknown or retracted."""
        if not is_known(self.development.reported, known_at):
            return None
        if any(is_known(r.reported, known_at) for r in self.retractions):
            return None
        current = self.development
        if current.reports and known_at is not None:
            # A further report counts from the day it was published.
            current = current.reports_known(known_at)
        known = [r for r in self.revisions if is_known(r.reported, known_at)]
        for revision in sorted(known, key=lambda r: r.order_key):
            current = revision.apply(current)
        if not self.rankings:
            return current
        claims = tuple(
            claim.ranked(self.rank_of(claim.actor, claim.topic, known_at))
            for claim in current.claims
        )
        return current if claims == current.claims else attrs.evolve(current, claims=claims)

    @property
    def effective(self) -> Development | None:
        """The development as it stands with every correction recorded (None if retracted)."""
        return self.as_known(None)

    def current(self, known_at: WhenLike | None = None) -> Development | None:
        """The development as it stood at `known_at` (default: with everything recorded)."""
        return self.as_known(None if known_at is None else as_day(known_at))

    def ranking_of(self, actor: str, topic: str, known_at: dt.date | None) -> Ranking | None:
        """The ranking that sets the claim on (actor, topic) as known at `known_at`, if any."""
        known = [
            r
            for r in self.rankings
            if r.applies_to(actor, topic) and is_known(r.reported, known_at)
        ]
        return max(known, key=lambda r: r.order_key) if known else None

    def rank_of(self, actor: str, topic: str, known_at: dt.date | None) -> Rank:
        """The rank of the development's claim on (actor, topic) as known at `known_at`."""
        ranking = self.ranking_of(actor, topic, known_at)
        return Rank.NORMAL if ranking is None else ranking.rank

    def claimed_pairs(self) -> list[PairKey]:
        """Every (actor, topic) the development claims in some version, sorted."""
        claim_sets = [self.development.claims, *(r.claims or () for r in self.revisions)]
        return sorted({(c.actor, c.topic) for claims in claim_sets for c in claims})

    def knowledge_days(self) -> set[dt.date]:
        """The days on which what is known about this development changes."""
        reports = [self.development.reported, *(r.reported for r in self.revisions)]
        reports += [r.reported for r in self.retractions]
        reports += [r.reported for r in self.rankings]
        reports += [r.published for r in self.development.reports if r.published is not None]
        return {report.latest for report in reports}


def _folded(names: Iterable[str]) -> frozenset[str]:
    return frozenset(" ".join(name.casefold().split()) for name in names)


def _reliabilities(values: Iterable[Reliability | str] | None) -> frozenset[Reliability] | None:
    return None if values is None else frozenset(Reliability.parse(v) for v in values)


def _at_least_one(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RecordError(
            f"Scope.{attribute.name}: expected a whole number of 1 or more, found {value!r}"
        )


@attrs.frozen
class Scope:
    """Which developments a read counts: all of them, or all but some sources or ids.

    A read's counterfactual: `without_sources` leaves out the developments whose
    source is one of these publishers (case-insensitive), `only_reliability` keeps
    those whose source has one of these reliabilities, and `without` leaves out
    these development ids, and `min_reports` keeps those that at least this many
    independent reports carry (reports repeating another outlet count as that
    outlet's).  A development is judged by its version as known, with the reports
    published by then.
    """

    without_sources: frozenset[str] = attrs.field(default=frozenset(), converter=_folded)
    only_reliability: frozenset[Reliability] | None = attrs.field(
        default=None, converter=_reliabilities
    )
    without: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    min_reports: int = attrs.field(default=1, kw_only=True, validator=_at_least_one)

    @property
    def everything(self) -> bool:
        """Whether the scope leaves nothing out."""
        return (
            not self.without_sources
            and self.only_reliability is None
            and not self.without
            and self.min_reports <= 1
        )

    def admits(self, development: Development) -> bool:
        """Whether the development (as known) counts in this scope."""
        source = development.source
        return (
            development.id not in self.without
            and source_key(source.publisher) not in self.without_sources
            and (self.only_reliability is None or source.reliability in self.only_reliability)
            and (self.min_reports <= 1 or development.origins() >= self.min_reports)
        )


def source_key(publisher: str) -> str:
    """How a publisher's name is compared: case and spacing do not matter."""
    return " ".join(publisher.casefold().split())


EVERYTHING = Scope()


@attrs.frozen
class Claimed:
    """One development's claim of a stance on one (actor, topic), placed in story order."""

    dev_id: str
    occurred: When
    stance: Stance
    rank: Rank = Rank.NORMAL

    @property
    def story_key(self) -> tuple[Any, ...]:
        """Where the claim stands in story order."""
        return story_key(self.occurred, self.dev_id)

    @property
    def search_key(self) -> tuple[Any, ...]:
        """Where the claim stands in search order, which sorts it descending."""
        return (self.rank.tier, *self.story_key)


@attrs.frozen
class Position:
    """An actor's stance on a topic as of a day, with the claims it rests on."""

    actor: str
    topic: str
    stance: Stance
    since: When
    evidence: tuple[str, ...]
    tentative: bool = False


def search_order(claims: Iterable[Claimed]) -> list[Claimed]:
    """The claims that can count, in search order: higher rank first, then latest first.

    Deprecated claims are left out: they never count.
    """
    kept = [claim for claim in claims if counts(claim.rank)]
    return sorted(kept, key=lambda claim: claim.search_key, reverse=True)


def winning_run(searched: Iterable[Claimed]) -> list[Claimed]:
    """The run that makes the position, in story order, from claims in search order.

    It is the first claim searched and the claims after it of the same stance and
    rank, unbroken: so when a preferred claim counts, only preferred claims do.
    """
    run = leading_run(searched, lambda claim: (claim.stance, claim.rank))
    run.reverse()
    return run


def leading_run(searched: Iterable[T], mark: Callable[[T], object]) -> list[T]:
    """The items in search order up to the run's break: each of the first one's stance and rank.

    `mark` gives an item's (stance, rank), as values or as stored; only the items of
    the run are taken from `searched`, and the one after it.
    """
    run: list[T] = []
    first: object = None
    for item in searched:
        if not run:
            first = mark(item)
        elif mark(item) != first:
            break
        run.append(item)
    return run


def position(key: PairKey, run: Sequence[Claimed], day: dt.date) -> Position | None:
    """The position a winning run makes as of `day`, or None for no run."""
    if not run:
        return None
    winner = run[-1]
    evidence = tuple(claim.dev_id for claim in run)
    return held(key, winner.stance, run[0].occurred, evidence, winner.occurred, day)


def held(
    key: PairKey,
    stance: Stance,
    since: When,
    evidence: tuple[str, ...],
    occurred: When,
    day: dt.date,
) -> Position:
    """The position of a winning run: its winner's stance, since its first claim occurred,
    on its claims in story order; tentative while the winner (`occurred`) has not ended by
    `day`."""
    # Made without attrs' __init__ (`engine._slots`): every lookup and every pair of
    # `positions()` makes one.
    filling: Any = _FILLING()
    filling.actor, filling.topic = key
    filling.stance = stance
    filling.since = since
    filling.evidence = evidence
    filling.tentative = occurred.latest > day  # the winner has not certainly occurred by then
    filling.__class__ = Position  # filled: now frozen
    made: Position = filling
    return made


_FILLING = filler(Position)
