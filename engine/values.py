"""Frozen value objects of the domain: actors, topics, sources, stances, developments."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from typing import Any, Self

import attrs

from timeline.engine._checks import alias as alias
from timeline.engine._checks import aliases as _aliases
from timeline.engine._checks import check as _check
from timeline.engine._checks import nonempty as _nonempty
from timeline.engine._checks import optional_text as _optional_text
from timeline.engine._checks import optional_when as _optional_when
from timeline.engine._checks import strings as _strings
from timeline.engine._checks import text as _text
from timeline.engine._checks import when as _when
from timeline.engine._reports import check_reports as _check_reports
from timeline.engine._reports import sources as _sources
from timeline.engine.errors import RecordError
from timeline.engine.when import When

__all__ = [
    "Actor",
    "Correction",
    "Development",
    "Kind",
    "Person",
    "Rank",
    "Ranking",
    "Reliability",
    "Retraction",
    "Revision",
    "Source",
    "Stance",
    "StanceClaim",
    "Topic",
]

# Field metadata: the field is stored only when it differs from its default.
OMIT_DEFAULT = "timeline.omit_default"
_SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
# A development id is a slug, or a dataset's prefix and its own event id, kept as the
# dataset wrote it (acled-ARG12345, gdelt-1234567890): so upper case after the prefix.
_DEVELOPMENT_ID = re.compile(
    r"[a-z0-9]+(?:[-_.][a-z0-9]+)*(?:-[A-Za-z0-9]+(?:[-_.:][A-Za-z0-9]+)*)?"
)
# CAMEO-style: a country or organisation code (three letters, optionally more, as in
# CAMEO's IGO codes: IGONAT for NATO, IGOEU), then roles after dots (USA.CONGRESS).
_ACTOR_ID = re.compile(r"[A-Z]{3}[A-Z0-9]{0,9}(?:\.[A-Z0-9]+(?:_[A-Z0-9]+)*)*")


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


def _stance(value: Stance | str | int) -> Stance:
    return Stance.parse(value)


def _reliability(value: Reliability | str) -> Reliability:
    return Reliability.parse(value)


def _kind(value: Kind | str) -> Kind:
    return Kind.parse(value)


def _rank(value: Rank | str) -> Rank:
    return Rank.parse(value)


def _optional_kind(value: Kind | str | None) -> Kind | None:
    return None if value is None else Kind.parse(value)


@attrs.frozen
class Person:
    """A person who speaks for an actor, found by name or alias."""

    name: str = attrs.field(validator=_text)
    role: str | None = attrs.field(default=None, validator=_optional_text)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_strings, validator=_aliases)


def _people(value: Iterable[Person]) -> tuple[Person, ...]:
    return tuple(value)


_WIKIDATA = re.compile(r"Q[1-9][0-9]*")


def _optional_wikidata(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _check(_WIKIDATA, "a Wikidata item id", "Q2429253")(instance, attribute, value)


@attrs.frozen
class Actor:
    """A CAMEO-style actor: `TUR`, `USA.CONGRESS`; its parent is the id before the last dot."""

    id: str = attrs.field(validator=_check(_ACTOR_ID, "a CAMEO-style id", "USA.STATE", "IGONAT"))
    name: str = attrs.field(validator=_text)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_strings, validator=_aliases)
    people: tuple[Person, ...] = attrs.field(default=(), converter=_people)
    # As an event dataset gives them: its country and sector codes, and the Wikidata
    # id it resolved the actor to; stored only when given.
    country: str | None = attrs.field(
        default=None, validator=_optional_text, metadata={OMIT_DEFAULT: True}
    )
    sector: str | None = attrs.field(
        default=None, validator=_optional_text, metadata={OMIT_DEFAULT: True}
    )
    wikidata: str | None = attrs.field(
        default=None, validator=_optional_wikidata, metadata={OMIT_DEFAULT: True}
    )

    @property
    def parent(self) -> str | None:
        """The id of the actor this one belongs to, or None for a country."""
        return self.id.rsplit(".", 1)[0] if "." in self.id else None


@attrs.frozen
class Topic:
    """A subject that actors take stances on, named by a stable slug."""

    id: str = attrs.field(validator=_check(_SLUG, "a slug", "s400-purchase"))
    description: str = attrs.field(validator=_text)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_strings, validator=_aliases)


@attrs.frozen
class Source:
    """Who reported a development and how they stand behind it."""

    publisher: str = attrs.field(validator=_text)
    reliability: Reliability = attrs.field(converter=_reliability)
    attribution: str | None = attrs.field(default=None, validator=_optional_text)
    url: str | None = attrs.field(default=None, validator=_optional_text)
    # A further report of a development says when it appeared and, when it passes on
    # another outlet's reporting, which; both stored only when set, so stores written
    # before several reports existed keep their shape.
    published: When | None = attrs.field(
        default=None, converter=_optional_when, metadata={OMIT_DEFAULT: True}
    )
    repeats: str | None = attrs.field(
        default=None, validator=_optional_text, metadata={OMIT_DEFAULT: True}
    )

    @property
    def origin(self) -> str:
        """The outlet the report's content comes from: the one it repeats, else itself."""
        return " ".join((self.repeats or self.publisher).casefold().split())


@attrs.frozen
class StanceClaim:
    """A development's claim that an actor holds a stance on a topic."""

    actor: str = attrs.field(validator=_text)
    topic: str = attrs.field(validator=_text)
    stance: Stance = attrs.field(converter=_stance)
    quote: str | None = attrs.field(default=None, validator=_optional_text)
    # Set by rankings as a development is known, never recorded: stored only when
    # not normal, so stores written before ranks existed keep their shape.
    rank: Rank = attrs.field(default=Rank.NORMAL, converter=_rank, metadata={OMIT_DEFAULT: True})

    def ranked(self, rank: Rank) -> StanceClaim:
        """The claim with this rank."""
        return self if rank is self.rank else attrs.evolve(self, rank=rank)


def _source(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Source):
        raise RecordError(
            f"{type(instance).__name__}.{attribute.name}: expected a Source "
            f"(Source(publisher, reliability, ...)), found {value!r}"
        )


def _claims(value: Iterable[StanceClaim]) -> tuple[StanceClaim, ...]:
    return tuple(value)


def _optional_claims(value: Iterable[StanceClaim] | None) -> tuple[StanceClaim, ...] | None:
    return None if value is None else tuple(value)


def _unique_claims(
    instance: object, attribute: attrs.Attribute[Any], claims: tuple[StanceClaim, ...]
) -> None:
    seen: set[tuple[str, str]] = set()
    for claim in claims:
        if not isinstance(claim, StanceClaim):
            raise RecordError(
                f"{type(instance).__name__}.{attribute.name}: expected StanceClaim "
                f"values, found {claim!r}"
            )
        key = (claim.actor, claim.topic)
        if key in seen:
            raise RecordError(
                f"{type(instance).__name__}.{attribute.name}: two claims for actor "
                f"{claim.actor!r} on topic {claim.topic!r}; expected at most one"
            )
        seen.add(key)


def _optional_weight(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and -10 <= value <= 10
    if not ok:
        raise RecordError(
            f"{type(instance).__name__}.{attribute.name}: expected a number from -10 "
            f"(most conflictual) to +10 (most cooperative), found {value!r}"
        )


@attrs.frozen
class Development:
    """A dated development in a story, with its source and stance claims."""

    id: str = attrs.field(
        validator=_check(
            _DEVELOPMENT_ID, "a slug or dataset-EVENTID", "s400-agreement", "acled-ARG12345"
        )
    )
    occurred: When = attrs.field(converter=_when)
    reported: When = attrs.field(converter=_when)
    kind: Kind = attrs.field(converter=_kind)
    summary: str = attrs.field(validator=_text)
    actors: tuple[str, ...] = attrs.field(converter=_strings, validator=_nonempty)
    source: Source = attrs.field(validator=_source)
    targets: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    claims: tuple[StanceClaim, ...] = attrs.field(
        default=(), converter=_claims, validator=_unique_claims
    )
    occurred_as_written: str | None = attrs.field(default=None, validator=_optional_text)
    # What event data said beyond the kind, each stored only when given: the data's own
    # event code (CAMEO "0312", PLOVER "REQUEST"), PLOVER mode and context, and the
    # data's own weight for relations (ICEWS Intensity, GDELT GoldsteinScale, -10..+10).
    coded: str | None = attrs.field(
        default=None, validator=_optional_text, metadata={OMIT_DEFAULT: True}
    )
    mode: tuple[str, ...] = attrs.field(
        default=(), converter=_strings, metadata={OMIT_DEFAULT: True}
    )
    context: tuple[str, ...] = attrs.field(
        default=(), converter=_strings, metadata={OMIT_DEFAULT: True}
    )
    weight: float | None = attrs.field(
        default=None, validator=_optional_weight, metadata={OMIT_DEFAULT: True}
    )

    # Reports beyond `source` (which, with `reported`, is the earliest): stored only
    # when there are some, so a store written before reads each development as one report.
    reports: tuple[Source, ...] = attrs.field(
        default=(), converter=_sources, metadata={OMIT_DEFAULT: True}
    )

    def __attrs_post_init__(self) -> None:
        _check_reports(self)

    @property
    def all_reports(self) -> tuple[Source, ...]:
        """Every report of the development, the earliest (`source`, on `reported`) first."""
        first = self.source
        if first.published is None and self.reports:
            first = attrs.evolve(first, published=self.reported)
        return (first, *self.reports)

    def origins(self) -> int:
        """How many independent origins its reports have (a report repeating another is not one)."""
        if not self.reports:
            return 1
        return len({report.origin for report in self.all_reports})

    def reports_known(self, known_at: dt.date) -> Development:
        """The development with only the further reports published by `known_at` (a date)."""
        kept = tuple(
            r for r in self.reports if r.published is None or r.published.latest <= known_at
        )
        return self if len(kept) == len(self.reports) else attrs.evolve(self, reports=kept)

    def names(self) -> tuple[tuple[str, str], ...]:
        """Every (kind, name) of actor or topic the development mentions."""
        actors = [*self.actors, *self.targets, *(c.actor for c in self.claims)]
        return (
            *(("actor", name) for name in actors),
            *(("topic", claim.topic) for claim in self.claims),
        )


# The development's optional single values a revision can reset to none (`cleared`).
CLEARABLE = ("occurred_as_written", "coded", "weight")
# Every field a revision can replace, in the order `Revision.changes` lists them.
REVISED = (
    "occurred",
    "kind",
    "summary",
    "source",
    "claims",
    "actors",
    "targets",
    "occurred_as_written",
    "coded",
    "mode",
    "context",
    "weight",
)


def _optional_strings(value: Iterable[str] | str | None) -> tuple[str, ...] | None:
    return None if value is None else _strings(value)


def _optional_actors(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _nonempty(instance, attribute, value)


def _clearable(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    unknown = [name for name in value if name not in CLEARABLE]
    if unknown:
        raise RecordError(
            f"Revision.cleared: expected names among {', '.join(CLEARABLE)}, found {unknown!r}"
        )


@attrs.frozen
class Revision:
    """A correction to a development, known from its own reported date.

    Only the fields given (not None) replace the development's; `claims`
    replaces the whole set of stance claims, `actors`, `targets`, `mode` and
    `context` their whole lists (`()` for none), and `cleared` names the
    optional values (`CLEARABLE`) it resets to none.  The fields after `claims`
    came with event data's releases: each is stored only when set, so stores
    written before read their revisions unchanged.
    """

    reported: When = attrs.field(converter=_when)
    reason: str = attrs.field(validator=_text)
    occurred: When | None = attrs.field(default=None, converter=_optional_when)
    kind: Kind | None = attrs.field(default=None, converter=_optional_kind)
    summary: str | None = attrs.field(default=None, validator=_optional_text)
    source: Source | None = attrs.field(default=None)
    claims: tuple[StanceClaim, ...] | None = attrs.field(
        default=None,
        converter=_optional_claims,
        validator=attrs.validators.optional(_unique_claims),
    )
    actors: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=_optional_strings,
        validator=_optional_actors,
        metadata={OMIT_DEFAULT: True},
    )
    targets: tuple[str, ...] | None = attrs.field(
        default=None, converter=_optional_strings, metadata={OMIT_DEFAULT: True}
    )
    occurred_as_written: str | None = attrs.field(
        default=None, validator=_optional_text, metadata={OMIT_DEFAULT: True}
    )
    coded: str | None = attrs.field(
        default=None, validator=_optional_text, metadata={OMIT_DEFAULT: True}
    )
    mode: tuple[str, ...] | None = attrs.field(
        default=None, converter=_optional_strings, metadata={OMIT_DEFAULT: True}
    )
    context: tuple[str, ...] | None = attrs.field(
        default=None, converter=_optional_strings, metadata={OMIT_DEFAULT: True}
    )
    weight: float | None = attrs.field(
        default=None, validator=_optional_weight, metadata={OMIT_DEFAULT: True}
    )
    cleared: tuple[str, ...] = attrs.field(
        default=(), converter=_strings, validator=_clearable, metadata={OMIT_DEFAULT: True}
    )

    @property
    def changes(self) -> dict[str, Any]:
        """The fields this revision replaces, by name (None for a value it clears)."""
        found = {name: getattr(self, name) for name in REVISED if getattr(self, name) is not None}
        found.update(dict.fromkeys(self.cleared))
        return found

    @property
    def order_key(self) -> tuple[Any, ...]:
        """Order among revisions: by reported span, then by content, never by recording."""
        return (self.reported.latest, self.reported.earliest, repr(self))

    def __attrs_post_init__(self) -> None:
        if not self.changes:
            raise RecordError(
                "Revision: expected at least one of occurred, kind, summary, source or "
                f"claims (or {', '.join(REVISED[5:])}) to change, or a value cleared"
            )
        if self.source is not None and not isinstance(self.source, Source):
            raise RecordError(f"Revision.source: expected a Source, found {self.source!r}")
        both = [name for name in self.cleared if getattr(self, name) is not None]
        if both:
            raise RecordError(
                f"Revision: {', '.join(both)} both given and cleared; expected one or the other"
            )

    def apply(self, development: Development) -> Development:
        """Returns `development` with this revision's changes in place."""
        return attrs.evolve(development, **self.changes)


@attrs.frozen
class Retraction:
    """The withdrawal of a development, known from its own reported date."""

    reported: When = attrs.field(converter=_when)
    reason: str = attrs.field(validator=_text)


def _optional_slug(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _check(_DEVELOPMENT_ID, "a development id", "s400-agreement")(instance, attribute, value)


@attrs.frozen
class Ranking:
    """A later judgement of a development's claims, known from its own reported date.

    A preferred claim outranks the normal ones on its (actor, topic); a deprecated
    claim never counts; normal undoes an earlier ranking.  With `actor` and
    `topic`, only that claim is ranked, else every claim of the development; `by`
    names the development whose report grounds the judgement, when there is one.
    """

    rank: Rank = attrs.field(converter=_rank)
    reported: When = attrs.field(converter=_when)
    reason: str = attrs.field(validator=_text)
    by: str | None = attrs.field(default=None, validator=_optional_slug)
    actor: str | None = attrs.field(default=None, validator=_optional_text)
    topic: str | None = attrs.field(default=None, validator=_optional_text)

    def __attrs_post_init__(self) -> None:
        if (self.actor is None) != (self.topic is None):
            raise RecordError(
                "Ranking: expected both actor and topic (to rank one claim) or neither "
                f"(to rank every claim), found actor={self.actor!r}, topic={self.topic!r}"
            )

    @property
    def order_key(self) -> tuple[Any, ...]:
        """Order among rankings: by reported span, then by content, never by recording."""
        return (self.reported.latest, self.reported.earliest, repr(self))

    def applies_to(self, actor: str, topic: str) -> bool:
        """Whether this ranking judges the development's claim on (actor, topic)."""
        return self.actor is None or (self.actor == actor and self.topic == topic)


# What can be recorded about a development after it: each is known from its own date.
Correction = Revision | Retraction | Ranking


def check_unranked(claims: Iterable[StanceClaim], where: str) -> None:
    """Raises `RecordError` if a claim to be recorded carries a rank: rankings set ranks."""
    for claim in claims:
        if claim.rank is not Rank.NORMAL:
            raise RecordError(
                f"{where}: the claim of {claim.actor!r} on {claim.topic!r} is {claim.rank}; "
                "a claim is recorded normal and ranked later by a ranking "
                "(timeline rank, or Timeline.rank())"
            )
