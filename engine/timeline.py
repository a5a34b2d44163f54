"""`Timeline`: the public face of the engine — record, correct and replay a story."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from timeline.engine import _names, aggregates
from timeline.engine._wiring import ReadMethods
from timeline.engine.config import StoreConfig
from timeline.engine.errors import (
    ConflictError,
    DuplicateError,
    NotRetractableError,
    StoreError,
    UnknownDevelopmentError,
)
from timeline.engine.registry import Registry
from timeline.engine.replay import Entry, View, fold_positions, known_developments, occurred_by
from timeline.engine.store import EventLog, StoreApplication
from timeline.engine.values import (
    Actor,
    Development,
    Kind,
    Person,
    Retraction,
    Revision,
    Source,
    StanceClaim,
    Topic,
)
from timeline.engine.when import WhenLike, as_day

__all__ = ["Timeline"]

# How often a revise or retract is retried when another writer got there first.
RETRIES = 5


def _open_application(config: StoreConfig) -> StoreApplication:
    # One direct connection first: a refused or misnamed server fails at once with
    # the driver's reason, instead of after the connection pool's timeout.
    refused = config.diagnose()
    if refused:
        raise StoreError(f"cannot open the {config.location}: {config.redact(refused)}")
    try:
        with config.creating():
            return StoreApplication(env=config.env)
    except Exception as error:  # driver errors vary; the user gets one clear message
        reason = config.diagnose() or (str(error).splitlines() or [type(error).__name__])[0]
        raise StoreError(f"cannot open the {config.location}: {config.redact(reason)}") from None


class Timeline(ReadMethods):
    """A story's developments in an append-only event store, replayable as of any day.

    `Timeline()` keeps events in memory; `Timeline.open(url)` uses an SQLite file
    (`sqlite:///story.db`) or a PostgreSQL database (`postgresql://user@host/db`).
    """

    def __init__(
        self, url: str | None = None, *, password: str | None = None, schema: str | None = None
    ) -> None:
        self.config = StoreConfig.from_url(url, password=password, schema=schema)
        self._app = _open_application(self.config)
        self._log = EventLog(self._app)
        self._registry = Registry()
        self._sync()

    @classmethod
    def open(cls, url: str, *, password: str | None = None, schema: str | None = None) -> Timeline:
        """Opens (creating if needed) the store at `url`; PostgreSQL may take a schema."""
        return cls(url, password=password, schema=schema)

    def close(self) -> None:
        """Releases the store's connections."""
        self._app.close()

    def __enter__(self) -> Timeline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Timeline({self.config.redacted_url!r})"

    @property
    def head(self) -> int:
        """The notification id of the last event in the store (0 when empty)."""
        return self._app.recorder.max_notification_id() or 0

    # -- registry -------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        """The registered actors and topics, current with the store."""
        self._sync()
        return self._registry

    def register_actor(
        self,
        actor: Actor | str,
        name: str | None = None,
        *,
        aliases: Iterable[str] = (),
        people: Iterable[Person] = (),
    ) -> str:
        """Registers an actor (an `Actor`, or its id and name); returns its id."""
        if not isinstance(actor, Actor):
            actor = Actor(actor, name or actor, tuple(aliases), list(people))
        self.record_many((), actors=[actor])
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
        self.record_many((), topics=[topic])
        return topic.id

    # -- writing --------------------------------------------------------------

    def record(self, development: Development) -> str:
        """Appends a development; recording identical content again changes nothing."""
        self.record_many([development])
        return development.id

    def record_many(
        self,
        developments: Iterable[Development],
        *,
        actors: Iterable[Actor] = (),
        topics: Iterable[Topic] = (),
    ) -> list[str]:
        """Registers and records everything in one transaction, all or nothing.

        Returns the ids of the developments that were new.
        """
        developments, actors, topics = list(developments), list(actors), list(topics)
        for _attempt in range(RETRIES):
            try:
                return self._record_once(developments, actors, topics)
            except IntegrityError:
                # Another writer created one of these streams first; the next pass
                # sees what it wrote and skips it if identical, or raises if not.
                continue
        raise ConflictError(f"gave up recording after {RETRIES} concurrent conflicts")

    def _record_once(
        self, developments: list[Development], actors: list[Actor], topics: list[Topic]
    ) -> list[str]:
        self._sync()
        staged = Registry(self._registry.actors.values(), self._registry.topics.values())
        new_actors, new_topics = [], []
        for actor in actors:
            if staged.check_actor(actor):
                staged.add_actor(actor)
                new_actors.append(actor)
        for topic in topics:
            if staged.check_topic(topic):
                staged.add_topic(topic)
                new_topics.append(topic)
        new_developments: dict[str, Development] = {}
        for development in developments:
            resolved, problems = _names.canonical_development(development, staged)
            if problems:
                field, error = problems[0]
                raise error.located(f"development {development.id!r} {field}")
            if self._is_new(resolved, new_developments):
                new_developments[resolved.id] = resolved
        streams: list[Any] = [aggregates.ActorStream(actor=a) for a in new_actors]
        streams += [aggregates.TopicStream(topic=t) for t in new_topics]
        streams += [aggregates.DevelopmentStream(development=d) for d in new_developments.values()]
        if streams:
            recordings = self._app.save(*streams)
            # Our own events need no second decoding unless another writer interleaved.
            if self._log.absorb(recordings):
                self._register_new()
            else:
                self._sync()
        return list(new_developments)

    def _is_new(self, development: Development, staged: dict[str, Development]) -> bool:
        existing = staged.get(development.id)
        entry = self._log.developments.get(development.id)
        if existing is None and entry is not None:
            existing = entry.development
        if existing is None:
            return True
        if existing == development:
            return False
        raise DuplicateError(
            f"development {development.id!r} is already recorded with different content "
            f"({_differences(existing, development)}); use revise() to correct it"
        )

    def revise(
        self,
        dev_id: str,
        *,
        reported: WhenLike,
        reason: str,
        occurred: WhenLike | None = None,
        kind: Kind | str | None = None,
        summary: str | None = None,
        source: Source | None = None,
        claims: Sequence[StanceClaim] | None = None,
    ) -> Revision:
        """Appends a correction known from `reported`; the same one again changes nothing."""
        revision = Revision(
            reported=reported,
            reason=reason,
            occurred=occurred,
            kind=kind,
            summary=summary,
            source=source,
            claims=claims,
        )
        revision = _names.canonical_revision(revision, self.registry)

        def change(stream: aggregates.DevelopmentStream) -> bool:
            if revision in stream.revisions:
                return False
            stream.revise(revision)
            return True

        self._change(dev_id, change)
        return revision

    def retract(self, dev_id: str, *, reported: WhenLike, reason: str) -> Retraction:
        """Appends the withdrawal of a development, known from `reported`."""
        retraction = Retraction(reported=reported, reason=reason)

        def change(stream: aggregates.DevelopmentStream) -> bool:
            if retraction in stream.retractions:
                return False
            if stream.retractions:
                earlier = stream.retractions[0]
                raise NotRetractableError(
                    f"development {dev_id!r} was already retracted "
                    f"(reported {earlier.reported}: {earlier.reason})"
                )
            stream.retract(retraction)
            return True

        self._change(dev_id, change)
        return retraction

    def _change(self, dev_id: str, change: Callable[[aggregates.DevelopmentStream], bool]) -> None:
        for _attempt in range(RETRIES):
            try:
                stream: aggregates.DevelopmentStream = self._app.repository.get(
                    aggregates.stream_id("development", dev_id)
                )
            except AggregateNotFoundError:
                raise UnknownDevelopmentError(dev_id) from None
            if not change(stream):
                return
            try:
                self._app.save(stream)
            except IntegrityError:
                continue
            self._sync()
            return
        raise ConflictError(
            f"development {dev_id!r} kept changing under concurrent writers; "
            f"gave up after {RETRIES} attempts"
        )

    # -- reading --------------------------------------------------------------

    def as_of(
        self, day: WhenLike, known_at: WhenLike | None = None, *, possible: bool = False
    ) -> View:
        """The story as of `day`, as it was known on `known_at` (default: all known)."""
        self._sync()
        on = as_day(day)
        known = None if known_at is None else as_day(known_at)
        materialised = self._materialised_view(on, known, possible)
        if materialised is not None:
            return materialised
        story = known_developments(self._log.entries(), known)
        counted = tuple(d for d in story if occurred_by(d.occurred, on, possible=possible))
        return self._view(
            on,
            known,
            possible,
            "replay",
            fold_positions(counted, on, possible=possible),
            counted,
        )

    def _view(
        self,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        source: str,
        positions: Any,
        developments: tuple[Development, ...],
    ) -> View:
        registry = self._registry
        return View(
            day=day,
            known_at=known_at,
            possible=possible,
            source=source,
            positions=positions,
            developments=developments,
            resolve_actor=lambda name: registry.resolve("actor", name),
            resolve_topic=lambda name: registry.resolve("topic", name),
            descendants=registry.descendants,
        )

    def entries(self) -> list[Entry]:
        """Everything recorded, one entry per development id, sorted by id."""
        self._sync()
        return sorted(self._log.entries(), key=lambda entry: entry.id)

    def entry(self, dev_id: str) -> Entry:
        """What was recorded about one development: the original and its corrections."""
        self._sync()
        try:
            return self._log.developments[dev_id]
        except KeyError:
            raise UnknownDevelopmentError(dev_id) from None

    def load(self, path: str | Path) -> list[str]:
        """Loads seed files (a file or a folder), all or nothing; returns the new ids."""
        from timeline.engine.loader import read_seeds

        recorded = {entry.id: entry.development for entry in self.entries()}
        seeds = read_seeds(Path(path), self.registry, recorded=recorded)
        return self.record_many(seeds.developments, actors=seeds.actors, topics=seeds.topics)

    def _sync(self) -> None:
        if self._log.pull():
            self._register_new()

    def _register_new(self) -> None:
        for actor in self._log.actors.values():
            if actor.id not in self._registry.actors:
                self._registry.add_actor(actor)
        for topic in self._log.topics.values():
            if topic.id not in self._registry.topics:
                self._registry.add_topic(topic)


def _differences(old: Development, new: Development) -> str:
    names = [
        f.name for f in attrs.fields(Development) if getattr(old, f.name) != getattr(new, f.name)
    ]
    return "differs in " + ", ".join(names)
