"""The writes a `Timeline` and a what-if `Branch` take alike, each into its own story.

`SharedWrites` holds their arguments' handling once: each write builds its value
and hands it to a primitive of the class (`_add`, `_revised`, `_retracted`,
`_ranked`), which records it in the store, or keeps it in the branch only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from timeline.engine import values
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.engine.values import Actor, Development, Topic

if TYPE_CHECKING:
    from timeline.engine._loader import Seeds
    from timeline.engine.when import WhenLike

__all__ = ["SharedWrites"]


class SharedWrites(ABC):
    """The writes of a story: into the store for a `Timeline`, into the branch for a `Branch`."""

    # -- the primitives each story provides ---------------------------------------------

    @abstractmethod
    def _add(self, seeds: Seeds) -> list[str]:
        """Registers, records and corrects what `seeds` holds, all or nothing; the new ids."""

    @abstractmethod
    def _revised(self, dev_id: str, revision: Revision) -> Revision:
        """Appends a revision of a development; returns it as kept."""

    @abstractmethod
    def _retracted(self, dev_id: str, retraction: Retraction) -> None:
        """Appends the withdrawal of a development."""

    @abstractmethod
    def _ranked(self, dev_id: str, ranking: Ranking) -> Ranking:
        """Appends a ranking of a development's claims; returns it as kept."""

    # -- the writes ---------------------------------------------------------------------

    def register_actor(
        self,
        actor: Actor | str,
        name: str | None = None,
        *,
        aliases: Iterable[str] = (),
        people: Iterable[values.Person] = (),
    ) -> str:
        """Registers an actor (an `Actor`, or its id and name); returns its id."""
        if not isinstance(actor, Actor):
            actor = Actor(actor, name or actor, tuple(aliases), list(people))
        from timeline.engine._loader import Seeds

        self._add(Seeds(actors=(actor,)))
        return actor.id

    def register_topic(
        self,
        topic: Topic | str,
        description: str | None = None,
        *,
        aliases: Iterable[str] = (),
    ) -> str:
        """Registers a topic (a `Topic`, or its slug and description); returns its slug."""
        if not isinstance(topic, Topic):
            topic = Topic(topic, description or topic, tuple(aliases))
        from timeline.engine._loader import Seeds

        self._add(Seeds(topics=(topic,)))
        return topic.id

    def record(self, development: Development) -> str:
        """Appends a development; recording identical content again changes nothing."""
        from timeline.engine._loader import Seeds

        self._add(Seeds(developments=(development,)))
        return development.id

    def revise(
        self,
        dev_id: str,
        *,
        reported: WhenLike,
        reason: str,
        occurred: WhenLike | None = None,
        kind: values.Kind | str | None = None,
        summary: str | None = None,
        source: values.Source | None = None,
        claims: Sequence[values.StanceClaim] | None = None,
        actors: Sequence[str] | None = None,
        targets: Sequence[str] | None = None,
        occurred_as_written: str | None = None,
        coded: str | None = None,
        mode: Sequence[str] | None = None,
        context: Sequence[str] | None = None,
        weight: float | None = None,
        cleared: Sequence[str] = (),
    ) -> Revision:
        """Appends a correction known from `reported`; the same one again changes nothing.

        Event data's fields (`actors` to `weight`) replace the development's when
        given, and `cleared` names the optional values it resets (see `Revision`).
        """
        revision = Revision(
            reported=reported,
            reason=reason,
            occurred=occurred,
            kind=kind,
            summary=summary,
            source=source,
            claims=claims,
            actors=actors,
            targets=targets,
            occurred_as_written=occurred_as_written,
            coded=coded,
            mode=mode,
            context=context,
            weight=weight,
            cleared=cleared,
        )
        return self._revised(dev_id, revision)

    def retract(self, dev_id: str, *, reported: WhenLike, reason: str) -> Retraction:
        """Appends the withdrawal of a development, known from `reported`."""
        retraction = Retraction(reported=reported, reason=reason)
        self._retracted(dev_id, retraction)
        return retraction

    def rank(
        self,
        dev_id: str,
        rank: values.Rank | str,
        *,
        reported: WhenLike,
        reason: str,
        by: str | None = None,
        actor: str | None = None,
        topic: str | None = None,
    ) -> Ranking:
        """Ranks a development's claims (or its claim on actor/topic), known from `reported`.

        A preferred claim outranks the normal ones on its pair, a deprecated one
        never counts, normal undoes an earlier ranking; `by` names the development
        whose report grounds it.  The same ranking again changes nothing.
        """
        ranking = Ranking(
            rank=rank, reported=reported, reason=reason, by=by, actor=actor, topic=topic
        )
        return self._ranked(dev_id, ranking)
