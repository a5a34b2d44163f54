"""The plan of an import: the streams it changes, checked against the store, all or nothing.

The bulk import (`timeline.formats._bulk_import`) plans each batch of a file's records
here, against the streams the batch touches, and appends the changed ones.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError

from timeline.engine._application import StoreApplication
from timeline.engine._application import correct as _correct
from timeline.engine._importer import Item
from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream, stream_id
from timeline.engine.corrections import Correction, Ranking, Revision
from timeline.engine.errors import NotRetractableError, RecordError
from timeline.engine.values import Actor, Development, Topic

__all__ = ["ImportPlan"]


class ImportPlan:
    """The streams an import changes, checked against the store, and what it found."""

    def __init__(self, app: StoreApplication, name: str, broken: frozenset[str]) -> None:
        self.app, self.name, self.broken = app, name, broken
        self.streams: dict[UUID, Any] = {}
        self.changed: dict[UUID, Any] = {}
        self.problems: list[tuple[int, str]] = []
        self.new: dict[str, list[str]] = {"actor": [], "topic": [], "development": []}
        self.revisions = self.retractions = self.rankings = self.unchanged = 0

    def problem(self, item: Item, message: str) -> None:
        self.problems.append((item.line, f"{self.name}:{item.line}: {item.label}{message}"))

    def _stored(self, ident: UUID) -> Any:
        if ident in self.streams:
            return self.streams[ident]
        try:
            found: Any = self.app.repository.get(ident)
        except AggregateNotFoundError:
            found = None
        self.streams[ident] = found
        return found

    def register(self, item: Item, value: Actor | Topic) -> None:
        kind = "actor" if isinstance(value, Actor) else "topic"
        ident = stream_id(kind, value.id)
        stored = self._stored(ident)
        if stored is None:
            stream = (
                ActorStream(actor=value) if isinstance(value, Actor) else TopicStream(topic=value)
            )
            self.streams[ident] = self.changed[ident] = stream
            self.new[kind].append(value.id)
            return
        try:
            stored.check_same(value)
        except RecordError as error:
            self.problem(item, f" field 'id': {error}")
            return
        if ident not in self.changed:
            self.unchanged += 1

    def record(self, item: Item, value: Development) -> None:
        ident = stream_id("development", value.id)
        stored = self._stored(ident)
        if stored is None:
            self.streams[ident] = self.changed[ident] = DevelopmentStream(development=value)
            self.new["development"].append(value.id)
        elif stored.development != value:
            old = stored.development
            fields = [f.name for f in attrs.fields(Development)]
            differ = ", ".join(f for f in fields if getattr(old, f) != getattr(value, f))
            self.problem(
                item,
                f" field 'id': already recorded with different content (differs in {differ}); "
                "expected the same content, or a revision",
            )
        else:
            self.unchanged += 1

    def correct(self, item: Item, value: Correction) -> None:
        assert item.development is not None
        ident = stream_id("development", item.development)
        stream = self._stored(ident)
        if stream is None and item.development in self.broken:
            return  # its development's own line is reported already
        if stream is None:
            self.problem(
                item,
                f" field 'development': found {item.development!r}; expected the id of a "
                "development recorded in the store or given in this file",
            )
            return
        by = value.by if isinstance(value, Ranking) else None
        if by is not None and self._stored(stream_id("development", by)) is None:
            self.problem(
                item,
                f" field 'by': found {by!r}; expected the id of a development "
                "recorded in the store or given in this file",
            )
            return
        try:
            new = _correct(stream, value)
        except (NotRetractableError, RecordError) as error:
            self.problem(item, f": {error}")
            return
        if not new:
            self.unchanged += 1
            return
        self.changed[ident] = stream
        if isinstance(value, Revision):
            self.revisions += 1
        elif isinstance(value, Ranking):
            self.rankings += 1
        else:
            self.retractions += 1
