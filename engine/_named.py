"""The domain's enums (stance, reliability, kind, rank), each read from its name or value."""

from __future__ import annotations

import enum
from typing import Any, Self

from timeline.engine.errors import RecordError

__all__ = [
    "Kind",
    "Rank",
    "Reliability",
    "Stance",
    "kind",
    "optional_kind",
    "rank",
    "reliability",
    "stance",
]

# Each enum's members by the plain texts and numbers already parsed into them.
_PARSED: dict[type[enum.Enum], dict[object, Any]] = {}
_KEPT = 256


class _Named(enum.Enum):
    """An enum read from its name or value, case-insensitively, with a clear error."""

    @classmethod
    def parse(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        # Texts and numbers read before are looked up: an import parses millions.
        known = _PARSED.setdefault(cls, {})
        plain = type(value) is str or type(value) is int
        if plain and value in known:
            found: Self = known[value]
            return found
        for member in cls:
            if value == member.value or (
                isinstance(value, str) and value.strip().lower() == member.name.lower()
            ):
                if plain and len(known) < _KEPT:  # spellings vary without end
                    known[value] = member
                return member
        choices = ", ".join(member.name.lower() for member in cls)
        raise RecordError(f"expected a {cls.__name__.lower()} ({choices}), found {value!r}")


class Stance(_Named):
    """Where an actor stands on a topic, on an ordered scale from -2 to +2."""

    REJECTS = -2
    OPPOSES = -1
    UNDECIDED = 0
    SUPPORTS = 1
    COMMITTED = 2

    def __str__(self) -> str:
        return self.name.lower()


class Reliability(_Named):
    """How a source stands behind a report."""

    OFFICIAL = "official"
    NAMED = "named"
    ANONYMOUS = "anonymous"

    def __str__(self) -> str:
        return self.value


class Kind(_Named):
    """What kind of development it is; `engine._coding` maps kinds to CAMEO and PLOVER."""

    STATEMENT = "statement"
    AGREEMENT = "agreement"
    APPROVAL = "approval"
    PROPOSAL = "proposal"
    COOPERATION = "cooperation"
    DELIVERY = "delivery"
    DEMAND = "demand"
    REJECTION = "rejection"
    THREAT = "threat"
    SANCTION = "sanction"
    # The kinds of the rest of the field's event types (PLOVER's and CAMEO's roots),
    # for developments imported from event data: see `engine._coding`.
    APPEAL = "appeal"
    CONSULTATION = "consultation"
    SUPPORT = "support"
    AID = "aid"
    CONCESSION = "concession"
    RETREAT = "retreat"
    ACCUSATION = "accusation"
    PROTEST = "protest"
    MOBILIZATION = "mobilization"
    COERCION = "coercion"
    ASSAULT = "assault"

    def __str__(self) -> str:
        return self.value


class Rank(_Named):
    """How a claim counts, as Wikidata ranks statements: preferred claims outrank the rest."""

    PREFERRED = "preferred"
    NORMAL = "normal"
    DEPRECATED = "deprecated"

    @property
    def tier(self) -> int:
        """The rank as a number: preferred 1, normal 0, deprecated -1."""
        return _TIERS[self]

    @classmethod
    def of_tier(cls, tier: int) -> Rank:
        """The rank with this number."""
        return _RANKS[tier]

    def __str__(self) -> str:
        return self.value


_TIERS = {Rank.PREFERRED: 1, Rank.NORMAL: 0, Rank.DEPRECATED: -1}
_RANKS = {tier: rank for rank, tier in _TIERS.items()}


def stance(value: Stance | str | int) -> Stance:
    return Stance.parse(value)


def reliability(value: Reliability | str) -> Reliability:
    return Reliability.parse(value)


def kind(value: Kind | str) -> Kind:
    return Kind.parse(value)


def rank(value: Rank | str) -> Rank:
    return Rank.parse(value)


def optional_kind(value: Kind | str | None) -> Kind | None:
    return None if value is None else Kind.parse(value)
