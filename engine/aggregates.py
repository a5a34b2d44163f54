"""The event-sourced aggregates: one stream per development, actor and topic.

Aggregate ids are name-based UUIDs of the stable ids, so every writer derives the
same stream for the same development and recording it twice cannot fork it.
The streams give the write side its consistency boundary; story-time questions
are never answered by folding a stream (see `engine.replay`).
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from timeline.engine import values

__all__ = ["ActorStream", "DevelopmentStream", "TopicStream", "stream_id"]

_NAMESPACE = UUID("5f1f6f3e-8a57-4d0c-9a52-3c2f4f0b7a11")


def stream_id(kind: str, ident: str) -> UUID:
    """The aggregate id of the development, actor or topic with this stable id."""
    return uuid5(_NAMESPACE, f"{kind}/{ident}")


class DevelopmentStream(Aggregate):
    """The stream of one development: recorded once, then revised or retracted."""

    class Recorded(Aggregate.Created):
        development: values.Development

    @staticmethod
    def create_id(development: values.Development) -> UUID:
        return stream_id("development", development.id)

    @event(Recorded)
    def __init__(self, development: values.Development) -> None:
        self.development = development
        self.revisions: list[values.Revision] = []
        self.retractions: list[values.Retraction] = []

    class Revised(Aggregate.Event):
        revision: values.Revision

    class Retracted(Aggregate.Event):
        retraction: values.Retraction

    @event(Revised)
    def revise(self, revision: values.Revision) -> None:
        self.revisions.append(revision)

    @event(Retracted)
    def retract(self, retraction: values.Retraction) -> None:
        self.retractions.append(retraction)


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
