"""The registry of actors and topics, and resolution of names and aliases to ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Literal

from timeline.engine._described import different
from timeline.engine.errors import RecordError, UnknownNameError
from timeline.engine.values import Actor, Topic

__all__ = ["NameKind", "Registry"]

NameKind = Literal["actor", "topic"]


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def _actor_names(actor: Actor) -> list[str]:
    names = [actor.id, actor.name, *actor.aliases]
    if actor.wikidata is not None:
        names.append(actor.wikidata)  # event data's Wikidata id names the actor too
    for person in actor.people:
        names += [person.name, *person.aliases]
    return names


class Registry:
    """Actors and topics by id, each also found by its name, aliases and people."""

    def __init__(self, actors: Iterable[Actor] = (), topics: Iterable[Topic] = ()) -> None:
        self._actors: dict[str, Actor] = {}
        self._topics: dict[str, Topic] = {}
        self._names: dict[NameKind, dict[str, str]] = {"actor": {}, "topic": {}}
        for actor in actors:
            self.add_actor(actor)
        for topic in topics:
            self.add_topic(topic)

    def __repr__(self) -> str:
        def few(ids: list[str]) -> str:
            shown = ", ".join(ids[:6])
            return shown + (", …" if len(ids) > 6 else "")

        actors, topics = sorted(self._actors), sorted(self._topics)
        return f"Registry({len(actors)} actors: {few(actors)}; {len(topics)} topics: {few(topics)})"

    @property
    def actors(self) -> Mapping[str, Actor]:
        """Registered actors by id."""
        return MappingProxyType(self._actors)

    @property
    def topics(self) -> Mapping[str, Topic]:
        """Registered topics by id."""
        return MappingProxyType(self._topics)

    def staged(
        self, actors: Iterable[Actor], topics: Iterable[Topic]
    ) -> tuple[Registry, list[Actor], list[Topic]]:
        """A copy with the new actors and topics added, and those new ones (itself if none).

        Raises, as `check_actor` and `check_topic` do, for one that clashes.
        """
        actors, topics = list(actors), list(topics)
        if not actors and not topics:
            return self, [], []  # nothing to stage: only read, never changed
        staged = Registry(self._actors.values(), self._topics.values())
        new_actors = [actor for actor in actors if staged._staging_actor(actor)]
        new_topics = [topic for topic in topics if staged._staging_topic(topic)]
        return staged, new_actors, new_topics

    def _staging_actor(self, actor: Actor) -> bool:
        new = self.check_actor(actor)
        if new:
            self.add_actor(actor)
        return new

    def _staging_topic(self, topic: Topic) -> bool:
        new = self.check_topic(topic)
        if new:
            self.add_topic(topic)
        return new

    def check_actor(self, actor: Actor) -> bool:
        """Whether `actor` is new; raises if it clashes with what is registered."""
        return self._check(
            "actor", actor.id, _actor_names(actor), self._actors.get(actor.id), actor
        )

    def check_topic(self, topic: Topic) -> bool:
        """Whether `topic` is new; raises if it clashes with what is registered."""
        names = [topic.id, *topic.aliases]
        return self._check("topic", topic.id, names, self._topics.get(topic.id), topic)

    def add_actor(self, actor: Actor) -> None:
        """Registers `actor`; registering the same actor again changes nothing."""
        if self.check_actor(actor):
            self._actors[actor.id] = actor
            self._index("actor", actor.id, _actor_names(actor))

    def add_topic(self, topic: Topic) -> None:
        """Registers `topic`; registering the same topic again changes nothing."""
        if self.check_topic(topic):
            self._topics[topic.id] = topic
            self._index("topic", topic.id, [topic.id, *topic.aliases])

    def _check(
        self,
        kind: NameKind,
        ident: str,
        names: list[str],
        existing: Actor | Topic | None,
        new: Actor | Topic,
    ) -> bool:
        if existing is not None:
            if existing != new:
                raise RecordError(different(kind, existing, new))
            return False
        index = self._names[kind]
        for name in names:
            owner = index.get(_fold(name))
            if owner is not None and owner != ident:
                raise RecordError(
                    f"{kind} {ident!r}: the name {name!r} already stands for {owner!r}"
                )
        return True

    def _index(self, kind: NameKind, ident: str, names: list[str]) -> None:
        for name in names:
            self._names[kind][_fold(name)] = ident

    def resolve(self, kind: NameKind, name: str) -> str:
        """Returns the id that `name` stands for, or raises with close suggestions."""
        # An id stands for itself (no other name may fold to it): the common case
        # of names that are ids already needs no folding.
        registered = self._actors if kind == "actor" else self._topics
        if name in registered and kind in ("actor", "topic"):
            return name
        ident = self._names[kind].get(_fold(name))
        if ident is None:
            raise UnknownNameError(kind, name, self.suggest(kind, name))
        return ident

    def lookup(self, kind: NameKind, name: str) -> str | None:
        """The id that `name` stands for, or None: `resolve` without its suggestions."""
        registered = self._actors if kind == "actor" else self._topics
        return name if name in registered else self._names[kind].get(_fold(name))

    def suggest(self, kind: NameKind, name: str) -> list[str]:
        """Returns up to three known ids whose names are closest to `name`."""
        index = self._names[kind]
        close = difflib.get_close_matches(_fold(name), list(index), n=6, cutoff=0.5)
        return list(dict.fromkeys(index[match] for match in close))[:3]

    def descendants(self, actor_id: str) -> list[str]:
        """Returns `actor_id` and every registered actor below it, sorted."""
        prefix = actor_id + "."
        return sorted(a for a in self._actors if a == actor_id or a.startswith(prefix))
