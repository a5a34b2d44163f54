"""A branch's writes: checked as the store would check them, all or nothing, kept in memory.

Names are resolved to ids first; an id recorded (in the store at the pin, or in
the branch) with other content is refused, the same record again is a no-op, and
a retraction is final.  Nothing reaches the event log or the view.  The writes'
arguments are handled by `SharedWrites`, as the facade's are; this module checks
and keeps what they give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs

from timeline._shared_writes import SharedWrites
from timeline.branch._layer import Correction, with_correction
from timeline.branch._state import BranchState
from timeline.engine import _names
from timeline.engine._loader import Seeds, read_seeds
from timeline.engine._registry import Registry
from timeline.engine._rule import Entry
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.engine.errors import DuplicateError, RecordError, UnknownDevelopmentError
from timeline.engine.values import Actor, Development, Topic
from timeline.projections._overlay import entries_at

__all__ = ["BranchWrites", "new_in"]

# The entries the store (at the pin) or the branch holds of some development ids, by id.
Held = Callable[[Iterable[str]], dict[str, Entry]]


def new_in(seeds: Seeds, known: Registry, held: Held) -> Seeds:
    """What of `seeds` is new to the branch, checked as the store would check it.

    `known` is the branch's registry; `held` reads what the store and the branch
    hold of the ids concerned (once).  Raises on the first problem, adding nothing.
    """
    staged, actors, topics = known.staged(seeds.actors, seeds.topics)
    given = _resolved(seeds.developments, staged)
    # What the store (at the pin) and the branch hold of every id concerned, read once.
    grounds = [c.by for _, c in seeds.corrections if isinstance(c, Ranking) and c.by]
    entries = held([*given, *(ident for ident, _ in seeds.corrections), *grounds])
    new = _unrecorded(given, entries)
    kept = _changing(seeds.corrections, staged, entries)
    return Seeds(tuple(actors), tuple(topics), tuple(new), tuple(kept))


def _resolved(developments: Iterable[Development], staged: Registry) -> dict[str, Development]:
    """The developments with their names resolved to ids, by id; an id given twice must agree."""
    given: dict[str, Development] = {}
    for development in developments:
        canonical, problems = _names.canonical_development(development, staged)
        if problems:
            field, error = problems[0]
            raise error.located(f"development {development.id!r} {field}")
        earlier = given.setdefault(canonical.id, canonical)
        if earlier != canonical:
            raise DuplicateError(
                f"development {canonical.id!r} is given twice with different content"
            )
    return given


def _unrecorded(given: dict[str, Development], entries: dict[str, Entry]) -> list[Development]:
    """The developments not held yet, added to `entries`; one held with other content is refused."""
    new: list[Development] = []
    for development in given.values():
        old = entries.get(development.id)
        if old is None:
            new.append(development)
            entries[development.id] = Entry(development)
        elif old.development != development:
            raise _differs(old.development, development)
    return new


def _changing(
    corrections: Iterable[Correction], staged: Registry, entries: dict[str, Entry]
) -> list[Correction]:
    """The corrections that change an entry, canonical, each taken into `entries` in turn."""
    kept: list[Correction] = []
    for ident, correction in corrections:
        correction = _names.canonical_correction(correction, staged)
        entry = entries.get(ident)
        if entry is None:
            raise UnknownDevelopmentError(ident)
        if isinstance(correction, Ranking) and correction.by not in (None, *entries):
            raise RecordError(
                f"ranking of {ident!r}: by={correction.by!r} names no development "
                "of the store or the branch"
            )
        changed = with_correction(entry, correction)
        if changed != entry:  # the same correction again changes nothing
            kept.append((ident, correction))
            entries[ident] = changed
    return kept


def _differs(old: Development, new: Development) -> DuplicateError:
    """The refusal of a development held with other content, naming the fields that differ."""
    fields = [
        f.name for f in attrs.fields(Development) if getattr(old, f.name) != getattr(new, f.name)
    ]
    return DuplicateError(
        f"development {new.id!r} is already recorded with different content "
        f"(differs in {', '.join(fields)}); to correct it, record a revision: "
        f"timeline revise {new.id} --reported DATE --reason TEXT (or Timeline.revise())"
    )


class BranchWrites(BranchState, SharedWrites):
    """The writes a `Timeline` takes, into the branch only."""

    def _entries(self, dev_ids: Iterable[str]) -> dict[str, Entry]:
        """The entries of those developments that the store (by the pin) or the branch holds."""
        layer = self._layer(self._pin)
        wanted = list(dict.fromkeys(dev_ids))
        found = {i: layer.entries[i] for i in wanted if i in layer.entries}
        rest = [i for i in wanted if i not in found]
        if rest:
            found.update(entries_at(self._view, self._pin, rest))
        return found

    def _stored(self, dev_ids: Sequence[str]) -> dict[str, Development]:
        """The developments recorded by the store at the pin, or in the branch, by id."""
        return {i: entry.development for i, entry in self._entries(dev_ids).items()}

    def _add(self, seeds: Seeds) -> list[str]:
        """Adds what of `seeds` is new, all or nothing; returns the ids of new developments."""
        new = new_in(seeds, self._layer(self._pin).registry, self._entries)
        self._actors.update((actor.id, actor) for actor in new.actors)
        self._topics.update((topic.id, topic) for topic in new.topics)
        self._developments.update((d.id, d) for d in new.developments)
        self._corrections.extend(new.corrections)
        self._layers = {}
        return [development.id for development in new.developments]

    def record_many(
        self,
        developments: Iterable[Development] = (),
        *,
        actors: Iterable[Actor] = (),
        topics: Iterable[Topic] = (),
        corrections: Iterable[Correction] = (),
    ) -> list[str]:
        """Registers, records and corrects in the branch, all or nothing, as the store would.

        Names are resolved to ids first; an id recorded (in the store or the branch)
        with other content is refused, as is a second, different retraction.
        Returns the ids of the developments that were new.
        """
        given = Seeds(tuple(actors), tuple(topics), tuple(developments), tuple(corrections))
        return self._add(given)

    def _revised(self, dev_id: str, revision: Revision) -> Revision:
        """Adds a revision, its names resolved, to the branch."""
        revision = _names.canonical_revision(revision, self.registry)
        self._add(Seeds(corrections=((dev_id, revision),)))
        return revision

    def _retracted(self, dev_id: str, retraction: Retraction) -> None:
        """Adds a retraction to the branch."""
        self._add(Seeds(corrections=((dev_id, retraction),)))

    def _ranked(self, dev_id: str, ranking: Ranking) -> Ranking:
        """Adds a ranking, its names resolved, to the branch."""
        ranking = _names.canonical_ranking(ranking, self.registry)
        self._add(Seeds(corrections=((dev_id, ranking),)))
        return ranking

    def load_seeds(self, path: str | Path) -> list[str]:
        """Layers seed files (a file or a folder, see seeds/FORMAT.md), all or nothing.

        As `Timeline.load`, into the branch only; returns the ids of the developments
        that were new.
        """
        seeds = read_seeds(Path(path), self.registry, recorded=self._stored)
        return self._add(seeds)
