"""Frozen value objects of the domain: actors, topics, sources, stances, developments."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

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
from timeline.engine._named import Kind, Rank, Reliability, Stance
from timeline.engine._named import kind as _kind
from timeline.engine._named import rank as _rank
from timeline.engine._named import reliability as _reliability
from timeline.engine._named import stance as _stance
from timeline.engine._reports import check_reports as _check_reports
from timeline.engine._reports import sources as _sources
from timeline.engine.errors import RecordError
from timeline.engine.when import When

__all__ = [
    "Actor",
    "Development",
    "Kind",
    "Person",
    "Rank",
    "Reliability",
    "Source",
    "Stance",
    "StanceClaim",
    "Topic",
]

# The names below without an underscore and outside `__all__` (OMIT_DEFAULT, DEVELOPMENT_ID,
# optional_claims, unique_claims, optional_weight) are shared with `engine.corrections`.

# Field metadata: the field is stored only when it differs from its default.
OMIT_DEFAULT = "timeline.omit_default"
_SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
# A development id is a slug, or a dataset's prefix and its own event id, kept as the
# dataset wrote it (acled-ARG12345, gdelt-1234567890): so upper case after the prefix.
DEVELOPMENT_ID = re.compile(
    r"[a-z0-9]+(?:[-_.][a-z0-9]+)*(?:-[A-Za-z0-9]+(?:[-_.:][A-Za-z0-9]+)*)?"
)
# CAMEO-style: a country or organisation code (three letters, optionally more, as in
# CAMEO's IGO codes: IGONAT for NATO, IGOEU), then roles after dots (USA.CONGRESS).
_ACTOR_ID = re.compile(r"[A-Z]{3}[A-Z0-9]{0,9}(?:\.[A-Z0-9]+(?:_[A-Z0-9]+)*)*")


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


def optional_claims(value: Iterable[StanceClaim] | None) -> tuple[StanceClaim, ...] | None:
    return None if value is None else tuple(value)


def unique_claims(
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


def optional_weight(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
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
            DEVELOPMENT_ID, "a slug or dataset-EVENTID", "s400-agreement", "acled-ARG12345"
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
        default=(), converter=_claims, validator=unique_claims
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
        default=None, validator=optional_weight, metadata={OMIT_DEFAULT: True}
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
