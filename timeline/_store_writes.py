"""The writes of a `Timeline`: names resolved through its view, events into its store.

`StoreWrites` gives `SharedWrites`' primitives for the store: each resolves the
names it is given through the registry as far as the view has read (the view
catches up only when a name is unknown to it), then hands the canonical values to
the store application, which decides from the aggregates concerned.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from timeline._shared_writes import SharedWrites
from timeline.engine.errors import LoadError, UnknownNameError
from timeline.engine.values import Actor

if TYPE_CHECKING:
    from timeline.engine._application import StoreApplication
    from timeline.engine._loader import Seeds
    from timeline.engine._registry import Registry
    from timeline.engine.corrections import Correction, Ranking, Retraction, Revision
    from timeline.engine.values import Development, Topic
    from timeline.projections._reads import Reads

__all__ = ["StoreWrites"]

T = TypeVar("T")

# How many names, registered but not yet read by the view, one write may look up itself.
_NAMES_AHEAD = 32


def _add_to(registry: Registry, value: Actor | Topic) -> None:
    if isinstance(value, Actor):
        registry.add_actor(value)
    else:
        registry.add_topic(value)


class StoreWrites(SharedWrites):
    """The writes of a story kept in the store: `Timeline`'s."""

    reads: Reads

    @property
    @abstractmethod
    def _app(self) -> StoreApplication:
        """The store application the writes go to."""

    def record_many(
        self,
        developments: Iterable[Development],
        *,
        actors: Iterable[Actor] = (),
        topics: Iterable[Topic] = (),
        corrections: Iterable[tuple[str, Correction]] = (),
    ) -> list[str]:
        """Registers, records and corrects everything in one transaction, all or nothing.

        `corrections` are (development id, revision, retraction or ranking) pairs, of developments
        recorded before or in this call.  Names are resolved to ids first; returns the
        ids of the developments that were new.
        """
        from timeline.engine._loader import Seeds

        given = Seeds(tuple(actors), tuple(topics), tuple(developments), tuple(corrections))
        return self._add(given)

    def _add(self, seeds: Seeds) -> list[str]:
        """Registers, records and corrects what `seeds` holds in one transaction; the new ids."""
        return self._resolving(lambda known: self._record(known, seeds))

    def _resolving(self, write: Callable[[Registry], T]) -> T:
        """Runs `write` with the registry as far as the view has read, else brought up to date.

        Names never change what they stand for, so a registry that is behind the
        store can only fail to know a name: only then does the view catch up.
        """
        from timeline.engine._registry import Registry

        view = self.reads
        recorded: list[Actor | Topic] = []  # registered, but not yet read by the view
        for _attempt in range(_NAMES_AHEAD):
            known = view.registry(view.reached)
            if recorded:
                known = Registry([*known.actors.values()], [*known.topics.values()])
                for value in recorded:
                    _add_to(known, value)
            try:
                return write(known)
            except UnknownNameError as error:
                # An id is its own aggregate's: read that one stream, not the whole view.
                found = self._app.registered(error.kind, error.name)
                if found is None or found in recorded:
                    break
                recorded.append(found)
            except LoadError:  # a load reports unknown names among its other problems
                break
        if view.reached == view.current():
            return write(view.registry(view.reached))  # raises again, as it should
        return write(view.registry(view.reached))

    def _record(self, known: Registry, seeds: Seeds) -> list[str]:
        """Records `seeds` with names resolved through `known`; the ids of new developments."""
        from timeline.engine import _names

        staged, new_actors, new_topics = known.staged(seeds.actors, seeds.topics)
        resolved = []
        for development in seeds.developments:
            canonical, problems = _names.canonical_development(development, staged)
            if problems:
                field, error = problems[0]
                raise error.located(f"development {development.id!r} {field}")
            resolved.append(canonical)
        fixed = [
            (dev_id, _names.canonical_correction(c, staged)) for dev_id, c in seeds.corrections
        ]
        return self._app.record(resolved, new_actors, new_topics, fixed)

    def _revised(self, dev_id: str, revision: Revision) -> Revision:
        """Appends a revision, its names resolved, to the development's stream."""
        from timeline.engine import _names

        revision = self._resolving(lambda known: _names.canonical_revision(revision, known))
        self._app.revise(dev_id, revision)
        return revision

    def _retracted(self, dev_id: str, retraction: Retraction) -> None:
        """Appends a retraction to the development's stream."""
        self._app.retract(dev_id, retraction)

    def _ranked(self, dev_id: str, ranking: Ranking) -> Ranking:
        """Appends a ranking, its names resolved, to the development's stream."""
        from timeline.engine import _names

        ranking = self._resolving(lambda known: _names.canonical_ranking(ranking, known))
        self._app.rank(dev_id, ranking)
        return ranking

    def load(self, path: str | Path) -> list[str]:
        """Loads seed files (a file or a folder), all or nothing; returns the new ids."""
        from timeline.engine._loader import read_seeds

        stored: set[str] = set()

        def recorded(dev_ids: Sequence[str]) -> dict[str, Development]:
            found = self._app.recorded(dev_ids)
            stored.update(found)
            return found

        seeds = self._resolving(lambda known: read_seeds(Path(path), known, recorded=recorded))
        # What is stored already is the same (else the load was refused): write only the rest.
        new = [d for d in seeds.developments if d.id not in stored]
        return self.record_many(
            new, actors=seeds.actors, topics=seeds.topics, corrections=seeds.corrections
        )
