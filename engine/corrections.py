"""What can be recorded about a development after it: revisions, retractions, rankings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from timeline.engine._checks import check as _check
from timeline.engine._checks import nonempty as _nonempty
from timeline.engine._checks import optional_text as _optional_text
from timeline.engine._checks import optional_when as _optional_when
from timeline.engine._checks import strings as _strings
from timeline.engine._checks import text as _text
from timeline.engine._checks import when as _when
from timeline.engine._named import Kind, Rank
from timeline.engine._named import optional_kind as _optional_kind
from timeline.engine._named import rank as _rank
from timeline.engine.errors import RecordError
from timeline.engine.values import (
    DEVELOPMENT_ID,
    OMIT_DEFAULT,
    Development,
    Source,
    StanceClaim,
    optional_claims,
    optional_weight,
    unique_claims,
)
from timeline.engine.when import When

__all__ = [
    "CLEARABLE",
    "REVISED",
    "Correction",
    "Ranking",
    "Retraction",
    "Revision",
    "check_unranked",
]

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
        converter=optional_claims,
        validator=attrs.validators.optional(unique_claims),
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
        default=None, validator=optional_weight, metadata={OMIT_DEFAULT: True}
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
        _check(DEVELOPMENT_ID, "a development id", "s400-agreement")(instance, attribute, value)


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
