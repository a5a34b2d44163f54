"""Which sources carry a position: each one's claims, and the position without it.

`sources` reads the position of one (actor, topic) pair again without each source
that contributes a counted claim to it (`Scope(without=...)`) and without each
publisher (`Scope(without_sources=...)`), from the materialised view at one store
position (`pin`); `projections._impact` re-exports what is here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from timeline.engine._rule import Claimed, PairKey, Position, Scope, occurred_by, source_key
from timeline.engine.values import Development, Reliability, Stance
from timeline.engine.when import When
from timeline.projections._reads import Reads

__all__ = [
    "Contribution",
    "PublisherShare",
    "SourceShare",
    "Sources",
    "sources",
    "without_ids",
]

_RELIABILITY_ORDER = {reliability: n for n, reliability in enumerate(Reliability)}


def without_ids(dev_ids: Iterable[str]) -> Scope:
    """The scope of everything but these developments."""
    # `Scope.without`'s converter is the bare `frozenset`, which mypy cannot solve.
    ids: Any = frozenset(dev_ids)
    return Scope(without=ids)


@attrs.frozen
class Contribution:
    """One development's claim on the pair, counted as of the day."""

    dev_id: str
    occurred: When
    stance: Stance
    quote: str | None
    evidence: bool  # among the claims the position rests on (its winning run)


@attrs.frozen
class SourceShare:
    """What one source (publisher, reliability, attribution) contributes to a position.

    `without` is the position read without this source's developments; `differs`
    says whether it is not the position.
    """

    publisher: str
    reliability: Reliability
    attribution: str | None
    contributions: tuple[Contribution, ...]
    without: Position | None
    differs: bool

    @property
    def developments(self) -> tuple[str, ...]:
        """The ids of the developments it contributes."""
        return tuple(c.dev_id for c in self.contributions)


@attrs.frozen
class PublisherShare:
    """Everything one publisher contributes, and the position without any of its reports."""

    publisher: str
    sources: tuple[SourceShare, ...]
    without: Position | None
    differs: bool

    @property
    def contributions(self) -> tuple[Contribution, ...]:
        """Its contributions under every reliability and attribution, in story order."""
        found = [c for share in self.sources for c in share.contributions]
        return tuple(
            sorted(found, key=lambda c: (c.occurred.earliest, c.occurred.latest, c.dev_id))
        )


@attrs.frozen
class Sources:
    """The sources that carry an actor's position on a topic as of a day, as known then."""

    actor: str
    topic: str
    day: dt.date
    known_at: dt.date | None
    possible: bool
    position: Position | None
    publishers: tuple[PublisherShare, ...]

    @property
    def shares(self) -> tuple[SourceShare, ...]:
        """Every source, publisher by publisher."""
        return tuple(share for publisher in self.publishers for share in publisher.sources)


def _claim_of(development: Development, key: PairKey) -> tuple[Stance, str | None]:
    for claim in development.claims:
        if (claim.actor, claim.topic) == key:
            return claim.stance, claim.quote
    raise AssertionError(f"{development.id} makes no claim on {key}")  # pragma: no cover


# Contributions by publisher (its `source_key`), then by (reliability, attribution).
_Grouped = dict[str, dict[tuple[Reliability, str | None], list[Contribution]]]


def _contributions(
    view: Reads,
    pin: int,
    key: PairKey,
    day: dt.date,
    known_at: dt.date | None,
    possible: bool,
    evidence: set[str],
) -> tuple[_Grouped, dict[str, str]]:
    """The claims on the pair that count as of `day`, grouped by source; each publisher's name."""
    counted: list[Claimed] = [
        claim
        for claim in view.claims(key, known_at, pin)
        if occurred_by(claim.occurred, day, possible=possible)
    ]
    entries = {entry.id: entry for entry in view.entries(pin, {c.dev_id for c in counted})}
    grouped: _Grouped = {}
    names: dict[str, str] = {}
    for claim in counted:
        development = entries[claim.dev_id].as_known(known_at)
        assert development is not None  # its claim is known, so it is
        found = development.source
        publisher = source_key(found.publisher)
        names.setdefault(publisher, found.publisher)
        stance, quote = _claim_of(development, key)
        contribution = Contribution(
            claim.dev_id, claim.occurred, stance, quote, claim.dev_id in evidence
        )
        by_source = grouped.setdefault(publisher, {})
        by_source.setdefault((found.reliability, found.attribution), []).append(contribution)
    return grouped, names


def sources(
    view: Reads,
    pin: int,
    key: PairKey,
    day: dt.date,
    *,
    known_at: dt.date | None = None,
    possible: bool = False,
) -> Sources:
    """Which sources carry the position of `key` as of `day`, as known at `known_at`.

    Every claim on the pair that counts as of the day is grouped by its source (as
    known), and the position is read again without each source's developments
    (`Scope(without=...)`) and without each publisher (`Scope(without_sources=...)`).
    """
    position = view.position(key, day, known_at, possible, pin)
    evidence = set(() if position is None else position.evidence)
    grouped, names = _contributions(view, pin, key, day, known_at, possible, evidence)

    def without(scope: Scope) -> Position | None:
        return view.position(key, day, known_at, possible, pin, scope)

    publishers = []
    for publisher in sorted(grouped, key=lambda name: names[name].casefold()):
        shares = []
        order = sorted(
            grouped[publisher],
            key=lambda pair: (_RELIABILITY_ORDER[pair[0]], pair[1] or ""),
        )
        for reliability, attribution in order:
            given = tuple(grouped[publisher][(reliability, attribution)])
            held = without(without_ids(c.dev_id for c in given))
            shares.append(
                SourceShare(
                    names[publisher], reliability, attribution, given, held, held != position
                )
            )
        held = without(Scope(without_sources={publisher}))
        publishers.append(PublisherShare(names[publisher], tuple(shares), held, held != position))
    return Sources(key[0], key[1], day, known_at, possible, position, tuple(publishers))
