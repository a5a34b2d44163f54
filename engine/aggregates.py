"""The event-sourced aggregates: one stream per development, actor and topic.

Aggregate ids are name-based UUIDs of the stable ids, so every writer derives the
same stream for the same development and recording it twice cannot fork it.
Each stream's command methods hold its invariants (one original, no duplicate
correction, at most one retraction); story-time questions are never answered by
folding a stream, whose order is the order of recording (see `engine._rule`).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from uuid import UUID, SafeUUID

import attrs
from eventsourcing.domain import Aggregate, event

from timeline.engine import corrections, values
from timeline.engine._described import different
from timeline.engine._rule import Entry
from timeline.engine.errors import DuplicateError, NotRetractableError, RecordError

__all__ = [
    "ActorStream",
    "DevelopmentStream",
    "TopicStream",
    "check_ranking",
    "check_retraction",
    "stream_id",
]

_NAMESPACE = UUID("5f1f6f3e-8a57-4d0c-9a52-3c2f4f0b7a11")


_NAMESPACE_BYTES = _NAMESPACE.bytes
# The bits `uuid.uuid5` sets: the variant (RFC 4122) and the version (5).
_CLEARED = ~((0xC000 << 48) | (0xF000 << 64))
_SET = (0x8000 << 48) | (5 << 76)
_new_uuid = object.__new__
_set = object.__setattr__
_UNKNOWN = SafeUUID.unknown  # read once: an enum member is looked up by a Python property


@functools.lru_cache(maxsize=1 << 16)
def stream_id(kind: str, ident: str) -> UUID:
    """The aggregate id of the development, actor or topic with this stable id."""
    # Cached: a bulk write asks for each id a few times, and hashing is most of the cost.
    # `uuid5(_NAMESPACE, f"{kind}/{ident}")`, made without `UUID.__init__`'s checks of
    # its arguments (most of its cost): the same bits, the same `is_safe`.
    digest = hashlib.sha1(_NAMESPACE_BYTES + f"{kind}/{ident}".encode(), usedforsecurity=False)
    found: UUID = _new_uuid(UUID)
    _set(found, "int", int.from_bytes(digest.digest()[:16]) & _CLEARED | _SET)
    _set(found, "is_safe", _UNKNOWN)
    return found


def check_ranking(entry: Entry, ranking: corrections.Ranking) -> None:
    """Raises `RecordError` unless `ranking` can rank the entry's development.

    A ranking of one claim must name a pair the development claims in some
    version, and a development cannot rank itself.
    """
    dev_id = entry.id
    if ranking.by == dev_id:
        raise RecordError(
            f"ranking of {dev_id!r}: by={dev_id!r} names the development itself; "
            "a development cannot rank itself"
        )
    if ranking.actor is not None:
        pairs = entry.claimed_pairs()
        if (ranking.actor, ranking.topic) not in pairs:
            listed = ", ".join(f"{a} on {t}" for a, t in pairs) or "none"
            raise RecordError(
                f"ranking of {dev_id!r}: it claims no stance of {ranking.actor!r} on "
                f"{ranking.topic!r} in any version (its claims: {listed})"
            )


def check_retraction(
    dev_id: str, retractions: Sequence[corrections.Retraction], retraction: corrections.Retraction
) -> bool:
    """Whether `retraction` is new; the same again is not, a different one is refused."""
    if retraction in retractions:
        return False
    if retractions:
        earlier = retractions[0]
        raise NotRetractableError(
            f"development {dev_id!r} was already retracted "
            f"(reported {earlier.reported}: {earlier.reason})"
        )
    return True


class DevelopmentStream(Aggregate):
    """The stream of one development: recorded once, then revised, ranked or retracted."""

    class Recorded(Aggregate.Created):
        development: values.Development

    class Revised(Aggregate.Event):
        revision: corrections.Revision

    class Retracted(Aggregate.Event):
        retraction: corrections.Retraction

    class Ranked(Aggregate.Event):
        ranking: corrections.Ranking

    @staticmethod
    def create_id(development: values.Development) -> UUID:
        return stream_id("development", development.id)

    @event(Recorded)
    def __init__(self, development: values.Development) -> None:
        corrections.check_unranked(development.claims, f"development {development.id!r}")
        self.development = development
        self.revisions: list[corrections.Revision] = []
        self.retractions: list[corrections.Retraction] = []
        self.rankings: list[corrections.Ranking] = []

    @property
    def entry(self) -> Entry:
        """The original and its corrections, in the order they were recorded."""
        return Entry(
            self.development,
            tuple(self.revisions),
            tuple(self.retractions),
            tuple(self.rankings),
        )

    def check_same(self, development: values.Development) -> None:
        """Passes when `development` is what was recorded; raises `DuplicateError` if not.

        Recording an id again with other content is refused: a correction is a revision.
        """
        if development == self.development:
            return
        old, new = self.development, development
        fields = [
            f.name for f in attrs.fields(type(new)) if getattr(old, f.name) != getattr(new, f.name)
        ]
        raise DuplicateError(
            f"development {new.id!r} is already recorded with different content "
            f"(differs in {', '.join(fields)}); to correct it, record a revision: "
            f"timeline revise {new.id} --reported DATE --reason TEXT (or Timeline.revise())"
        )

    def revise(self, revision: corrections.Revision) -> bool:
        """Appends a correction; the same correction again changes nothing."""
        if revision in self.revisions:
            return False
        corrections.check_unranked(revision.claims or (), f"revision of {self.development.id!r}")
        self._revised(revision)
        return True

    @event(Revised)
    def _revised(self, revision: corrections.Revision) -> None:
        self.revisions.append(revision)

    def retract(self, retraction: corrections.Retraction) -> bool:
        """Appends the withdrawal; the same again changes nothing, a different one is refused."""
        if not check_retraction(self.development.id, self.retractions, retraction):
            return False
        self._retracted(retraction)
        return True

    @event(Retracted)
    def _retracted(self, retraction: corrections.Retraction) -> None:
        self.retractions.append(retraction)

    def rank(self, ranking: corrections.Ranking) -> bool:
        """Appends a ranking of the development's claims; the same again changes nothing.

        A ranking of one claim must name a pair the development claims in some
        version, and a development cannot rank itself.
        """
        if ranking in self.rankings:
            return False
        check_ranking(self.entry, ranking)
        self._ranked(ranking)
        return True

    @event(Ranked)
    def _ranked(self, ranking: corrections.Ranking) -> None:
        self.rankings.append(ranking)


class ActorStream(Aggregate):
    """The registration of one actor."""

    class Registered(Aggregate.Created):
        actor: values.Actor

    @staticmethod
    def create_id(actor: values.Actor) -> UUID:
        return stream_id("actor", actor.id)

    @event(Registered)
    def __init__(self, actor: values.Actor) -> None:
        self.actor = actor

    def check_same(self, actor: values.Actor) -> None:
        """Passes when `actor` is what was registered; raises `RecordError` if not."""
        if actor != self.actor:
            raise RecordError(different("actor", self.actor, actor))


class TopicStream(Aggregate):
    """The registration of one topic."""

    class Registered(Aggregate.Created):
        topic: values.Topic

    @staticmethod
    def create_id(topic: values.Topic) -> UUID:
        return stream_id("topic", topic.id)

    @event(Registered)
    def __init__(self, topic: values.Topic) -> None:
        self.topic = topic

    def check_same(self, topic: values.Topic) -> None:
        """Passes when `topic` is what was registered; raises `RecordError` if not."""
        if topic != self.topic:
            raise RecordError(different("topic", self.topic, topic))
