"""What-if branches: speculative developments and corrections layered over a store, unwritten.

    from timeline import Timeline, seeds
    from timeline.branch import Branch

    tl = Timeline()
    tl.load(seeds.path())
    what_if = Branch(tl)  # or tl.branch()
    what_if.retract("s400-supply-agreement", reported="2019-01-10", reason="what if")
    what_if.as_of("2019").position("TUR", "s400-purchase")  # the speculative answer
    tl.as_of("2019").position("TUR", "s400-purchase")  # the store's, unchanged

A `Branch` takes the writes a `Timeline` takes (`record`, `record_many`, `revise`,
`retract`, `register_actor`, `register_topic`, and `load_seeds` for `load`), checks
them as the store would (names resolved, an id recorded with other content
refused, the same record again a no-op, a retraction final), all or nothing, and
keeps them in memory: nothing reaches the event log or the view.
Every read of the facade works on it with the same signature (`as_of`, `history`,
`diff`, `explain`, `relations`, `developments`, `corrections`, `entries`,
`entry`, `registry`), scope options included, and answers exactly as a store
that had really recorded the same things would.

How a read is answered, without folding the log: the developments a branch
*touches* (those it adds, revises or retracts) are left out of the view's read
(`Scope(without=touched)`), and the branch's own entries (its developments, and
the store's entries of the ids it corrects, read from the view's copy of the
streams, with its corrections added) are merged in story order; a position is
then `rule.winning_run`/`rule.position` of the merged claims.  Pairs no touched
development claims are read from the view as they are.

A branch is pinned at the store position it was made at (`position`): every read
is answered as the store stood then, so a branch answers the same while the
store moves on, until `refresh()` moves it to the store's current position.

Saved branches (`branch.save(name)`, `Branch.load(tl, name)`, `Branch.saved(tl)`,
and `branch.discard()`, which empties the branch and deletes its saved copy) are kept
outside the event log and the view's tables, as the project's own JSON Lines
log (`timeline export --format jsonl`; the meta line names the branch and its
position), one `NAME.jsonl` file per branch:

- in the `folder` given, if one is;
- else, for an SQLite file store, in a folder beside the file named after it
  (`story.db` keeps its branches in `story.branches/`);
- for the in-memory store, in memory, for as long as the `Timeline` lives;
- a PostgreSQL store has no folder of its own: pass `folder`.

Files, because a saved branch is then a plain, reviewable file that travels
with the store file, is read back exactly, and can be made real on purpose with
`timeline import NAME.jsonl`; nothing about it needs the store's tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from timeline._selecting import Reliabilities, corrected, corrected_streams
from timeline._shared_reads import day_of, developments_listed, relations_between, scope_of
from timeline.engine import _names, rule
from timeline.engine.aggregates import check_ranking
from timeline.engine.errors import (
    DuplicateError,
    NotRetractableError,
    RecordError,
    UnknownDevelopmentError,
)
from timeline.engine.importer import LOG_FORMAT, read_text
from timeline.engine.loader import Seeds, read_seeds
from timeline.engine.registry import Registry
from timeline.engine.replay import View
from timeline.engine.rule import Claimed, Entry, PairKey, Position, Scope, occurred_by
from timeline.engine.values import (
    Actor,
    Development,
    Kind,
    Person,
    Rank,
    Ranking,
    Retraction,
    Revision,
    Source,
    StanceClaim,
    Topic,
)
from timeline.engine.when import WhenLike, as_day
from timeline.projections import export as out
from timeline.projections.diff import Diff, diff_of
from timeline.projections.errors import QueryError
from timeline.projections.explain import Explanation, explain
from timeline.projections.history import Change, history
from timeline.projections.materialised import Materialised
from timeline.projections.overlay import claims_of, counted, entries_at, merged, story_of
from timeline.projections.relations import Relations

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["NAME", "Branch", "FolderShelf", "MemoryShelf", "Shelf", "shelf_of"]

Correction = tuple[str, Revision | Retraction | Ranking]
# A saved branch's name: it names a file, so letters, digits, '.', '_' and '-' only.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
SUFFIX = ".jsonl"
VERSION = 1


def _name(name: str) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise QueryError(
            f"branch name {name!r}: expected letters, digits, '.', '_' or '-' "
            "(starting with a letter or digit, at most 100)"
        )
    return name


# -- where saved branches live ---------------------------------------------------------


class Shelf(Protocol):
    """Where saved branches are kept: each one is the text of its JSON Lines log, by name."""

    def names(self) -> list[str]:
        """The names of the saved branches, sorted."""

    def read(self, name: str) -> str | None:
        """The saved branch's text, or None if there is none of that name."""

    def write(self, name: str, text: str) -> None:
        """Saves (or replaces) a branch."""

    def remove(self, name: str) -> bool:
        """Deletes a saved branch; whether there was one."""


@attrs.define
class MemoryShelf:
    """Saved branches in memory: the in-memory store's, gone with its `Timeline`."""

    texts: dict[str, str] = attrs.field(factory=dict)

    def names(self) -> list[str]:
        return sorted(self.texts)

    def read(self, name: str) -> str | None:
        return self.texts.get(name)

    def write(self, name: str, text: str) -> None:
        self.texts[name] = text

    def remove(self, name: str) -> bool:
        return self.texts.pop(name, None) is not None


def _path(folder: str | Path) -> Path:
    return Path(folder).expanduser()


@attrs.frozen
class FolderShelf:
    """Saved branches as files `NAME.jsonl` in one folder (made on the first save)."""

    folder: Path = attrs.field(converter=_path)

    def path(self, name: str) -> Path:
        """The file a branch of this name is saved in."""
        return self.folder / f"{_name(name)}{SUFFIX}"

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        found = (p.name[: -len(SUFFIX)] for p in self.folder.glob(f"*{SUFFIX}") if p.is_file())
        return sorted(name for name in found if NAME.fullmatch(name))

    def read(self, name: str) -> str | None:
        try:
            return self.path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def write(self, name: str, text: str) -> None:
        target = self.path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)  # a reader sees the old file or the new one, never half

    def remove(self, name: str) -> bool:
        try:
            self.path(name).unlink()
        except FileNotFoundError:
            return False
        return True


_MEMORY: weakref.WeakKeyDictionary[Timeline, MemoryShelf] = weakref.WeakKeyDictionary()


def default_folder(tl: Timeline) -> Path | None:
    """The folder an SQLite file store keeps its saved branches in (None: not a file)."""
    if tl.config.kind != "sqlite":
        return None
    file = tl.config.env.get("SQLITE_DBNAME", "")
    if not file or file.startswith("file:"):  # sqlite:///:memory: keeps nothing on disk
        return None
    path = Path(file).absolute()
    return path.with_name(f"{path.stem}.branches")


def shelf_of(tl: Timeline, folder: str | Path | None = None) -> Shelf:
    """Where the store's saved branches are kept: `folder`, else its own place (see above)."""
    if folder is not None:
        return FolderShelf(folder)
    found = default_folder(tl)
    if found is not None:
        return FolderShelf(found)
    if tl.config.kind == "postgresql":
        raise QueryError(
            "a PostgreSQL store has no folder of its own for saved branches: pass a folder "
            "(folder=, or --folder DIR)"
        )
    return _MEMORY.setdefault(tl, MemoryShelf())


# -- the branch ------------------------------------------------------------------------


@attrs.frozen
class _Layer:
    """What a branch holds as of one store position: its entries, and the names it knows."""

    entries: Mapping[str, Entry]  # by id: every development the branch touches
    registry: Registry

    @property
    def touched(self) -> frozenset[str]:
        return frozenset(self.entries)

    def outer(self, scope: Scope) -> Scope:
        """The scope of the view's part of a read: the touched developments left out."""
        if not self.entries:
            return scope
        # `Scope.without`'s converter is the bare `frozenset`, which mypy cannot solve.
        without: Any = frozenset({*scope.without, *self.entries})
        return Scope(scope.without_sources, scope.only_reliability, without)


def _with(entry: Entry, correction: Revision | Retraction | Ranking) -> Entry:
    """The entry with one more correction, as its stream would take it (or refuse it)."""
    if isinstance(correction, Revision):
        if correction in entry.revisions:
            return entry
        return attrs.evolve(entry, revisions=(*entry.revisions, correction))
    if isinstance(correction, Ranking):
        if correction in entry.rankings:
            return entry
        check_ranking(entry, correction)
        return attrs.evolve(entry, rankings=(*entry.rankings, correction))
    if correction in entry.retractions:
        return entry
    if entry.retractions:
        earlier = entry.retractions[0]
        raise NotRetractableError(
            f"development {entry.id!r} was already retracted "
            f"(reported {earlier.reported}: {earlier.reason})"
        )
    return attrs.evolve(entry, retractions=(correction,))


def _differs(old: Development, new: Development) -> DuplicateError:
    fields = [
        f.name for f in attrs.fields(Development) if getattr(old, f.name) != getattr(new, f.name)
    ]
    return DuplicateError(
        f"development {new.id!r} is already recorded with different content "
        f"(differs in {', '.join(fields)}); to correct it, record a revision: "
        f"timeline revise {new.id} --reported DATE --reason TEXT (or Timeline.revise())"
    )


class Branch:
    """Speculative developments, revisions and retractions over a store, never written to it.

    `at` makes the branch at an earlier store position (default: the current one).
    """

    def __init__(
        self,
        timeline: Timeline,
        name: str | None = None,
        *,
        folder: str | Path | None = None,
        at: int | None = None,
    ) -> None:
        self.timeline = timeline
        self.name = None if name is None else _name(name)
        self.folder = folder
        now = timeline.position
        if at is not None and not 0 <= at <= now:
            raise QueryError(f"store position {at}: expected a position from 0 to {now}")
        self._pin = now if at is None else at
        self._actors: dict[str, Actor] = {}
        self._topics: dict[str, Topic] = {}
        self._developments: dict[str, Development] = {}
        self._corrections: list[Correction] = []
        self._layers: dict[int, _Layer] = {}

    def __repr__(self) -> str:
        layered = self.layered
        label = "" if self.name is None else f"{self.name!r}, "
        return (
            f"Branch({label}at {self._pin} of {self.timeline.config.redacted_url}: "
            f"{len(layered.developments)} developments, {len(layered.corrections)} corrections)"
        )

    @property
    def _view(self) -> Materialised:
        return self.timeline.materialised

    # -- what it holds ----------------------------------------------------------------

    @property
    def position(self) -> int:
        """The store position the branch is pinned at: every read answers as of it."""
        return self._pin

    @property
    def layered(self) -> Seeds:
        """What the branch adds to the store, as a load would hold it, in recording order."""
        return Seeds(
            tuple(self._actors.values()),
            tuple(self._topics.values()),
            tuple(self._developments.values()),
            tuple(self._corrections),
        )

    @property
    def touched(self) -> frozenset[str]:
        """The ids of the developments the branch adds, revises or retracts."""
        return self._layer(self._pin).touched

    def refresh(self) -> int:
        """Moves the branch to the store's current position, checking it there; returns it.

        What the store recorded meanwhile must agree with the branch as a load would
        (an id recorded with other content, a second retraction, is refused, and the
        branch stays where it was).
        """
        fresh = Branch(self.timeline, self.name, folder=self.folder)
        fresh._add(self.layered)
        self._pin, self._layers = fresh._pin, {}
        self._actors, self._topics = fresh._actors, fresh._topics
        self._developments, self._corrections = fresh._developments, fresh._corrections
        return self._pin

    def _at(self, at: int | None) -> int:
        """The store position a read is answered at: the pin, or an earlier one."""
        if at is None:
            return self._pin
        if not 0 <= at <= self._pin:
            raise QueryError(
                f"store position {at}: expected a position from 0 to {self._pin} (the branch's)"
            )
        return at

    def _layer(self, pin: int) -> _Layer:
        """The branch's entries and names as of store position `pin` (read once)."""
        found = self._layers.get(pin)
        if found is not None:
            return found
        ids = list(dict.fromkeys([*self._developments, *(i for i, _ in self._corrections)]))
        stored = entries_at(self._view, pin, ids) if ids else {}
        entries: dict[str, Entry] = {}
        for ident in ids:
            entry = stored.get(ident)
            if entry is None and ident in self._developments:
                entry = Entry(self._developments[ident])
            if entry is not None:
                entries[ident] = entry
        for ident, correction in self._corrections:
            if ident in entries:  # at an earlier position its development may be missing
                # If the store had retracted it otherwise by `pin`, its retraction stands.
                with contextlib.suppress(NotRetractableError):
                    entries[ident] = _with(entries[ident], correction)
        real = self._view.registry(pin)
        registry = Registry(real.actors.values(), real.topics.values())
        for actor in self._actors.values():
            if registry.check_actor(actor):
                registry.add_actor(actor)
        for topic in self._topics.values():
            if registry.check_topic(topic):
                registry.add_topic(topic)
        found = self._layers[pin] = _Layer(entries, registry)
        return found

    # -- writing (into the branch only) ----------------------------------------------------

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

    def record(self, development: Development) -> str:
        """Adds a development to the branch; the same content as recorded changes nothing."""
        self.record_many([development])
        return development.id

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

    def _add(self, seeds: Seeds) -> list[str]:
        staged = self._layer(self._pin).registry
        staged = Registry(staged.actors.values(), staged.topics.values())
        new_actors: dict[str, Actor] = {}
        new_topics: dict[str, Topic] = {}
        for actor in seeds.actors:
            if staged.check_actor(actor):  # new; raises if it clashes with a registered one
                staged.add_actor(actor)
                new_actors[actor.id] = actor
        for topic in seeds.topics:
            if staged.check_topic(topic):
                staged.add_topic(topic)
                new_topics[topic.id] = topic
        given: dict[str, Development] = {}
        for development in seeds.developments:
            canonical, problems = _names.canonical_development(development, staged)
            if problems:
                field, error = problems[0]
                raise error.located(f"development {development.id!r} {field}")
            earlier = given.setdefault(canonical.id, canonical)
            if earlier != canonical:
                raise DuplicateError(
                    f"development {canonical.id!r} is given twice with different content"
                )
        # What the store (at the pin) and the branch hold of every id concerned, read once.
        grounds = [c.by for _, c in seeds.corrections if isinstance(c, Ranking) and c.by]
        entries = self._entries([*given, *(ident for ident, _ in seeds.corrections), *grounds])
        new: dict[str, Development] = {}
        for development in given.values():
            old = entries.get(development.id)
            if old is None:
                new[development.id] = development
                entries[development.id] = Entry(development)
            elif old.development != development:
                raise _differs(old.development, development)
        kept: list[Correction] = []
        for ident, correction in seeds.corrections:
            correction = _names.canonical_correction(correction, staged)
            entry = entries.get(ident)
            if entry is None:
                raise UnknownDevelopmentError(ident)
            if isinstance(correction, Ranking) and correction.by not in (None, *entries):
                raise RecordError(
                    f"ranking of {ident!r}: by={correction.by!r} names no development "
                    "of the store or the branch"
                )
            changed = _with(entry, correction)
            if changed != entry:  # the same correction again changes nothing
                kept.append((ident, correction))
                entries[ident] = changed
        self._actors.update(new_actors)
        self._topics.update(new_topics)
        self._developments.update(new)
        self._corrections.extend(kept)
        self._layers = {}
        return list(new)

    def register_actor(
        self,
        actor: Actor | str,
        name: str | None = None,
        *,
        aliases: Iterable[str] = (),
        people: Iterable[Person] = (),
    ) -> str:
        """Registers an actor in the branch (an `Actor`, or its id and name); returns its id."""
        if not isinstance(actor, Actor):
            actor = Actor(actor, name or actor, tuple(aliases), list(people))
        self.record_many((), actors=[actor])
        return actor.id

    def register_topic(
        self, topic: Topic | str, description: str | None = None, *, aliases: Iterable[str] = ()
    ) -> str:
        """Registers a topic in the branch (a `Topic`, or its slug and description)."""
        if not isinstance(topic, Topic):
            topic = Topic(topic, description or topic, tuple(aliases))
        self.record_many((), topics=[topic])
        return topic.id

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
        """Adds a correction of a development (of the store or the branch) to the branch."""
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
        self.record_many(corrections=[(dev_id, revision)])
        return revision

    def retract(self, dev_id: str, *, reported: WhenLike, reason: str) -> Retraction:
        """Adds the withdrawal of a development (of the store or the branch) to the branch."""
        retraction = Retraction(reported=reported, reason=reason)
        self.record_many(corrections=[(dev_id, retraction)])
        return retraction

    def rank(
        self,
        dev_id: str,
        rank: Rank | str,
        *,
        reported: WhenLike,
        reason: str,
        by: str | None = None,
        actor: str | None = None,
        topic: str | None = None,
    ) -> Ranking:
        """Adds a ranking of a development's claims (as `Timeline.rank`) to the branch."""
        ranking = Ranking(
            rank=rank, reported=reported, reason=reason, by=by, actor=actor, topic=topic
        )
        self.record_many(corrections=[(dev_id, ranking)])
        return ranking

    def load_seeds(self, path: str | Path) -> list[str]:
        """Layers seed files (a file or a folder, see seeds/FORMAT.md), all or nothing.

        As `Timeline.load`, into the branch only; returns the ids of the developments
        that were new.
        """
        seeds = read_seeds(Path(path), self.registry, recorded=self._stored)
        return self._add(seeds)

    # -- reading -----------------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        """The store's actors and topics as of the pin, with the branch's own."""
        return self._layer(self._pin).registry

    def _pair(self, actor: str, topic: str) -> PairKey:
        registry = self.registry
        return registry.resolve("actor", actor), registry.resolve("topic", topic)

    def as_of(
        self,
        day: WhenLike,
        known_at: WhenLike | None = None,
        *,
        possible: bool = False,
        at: int | None = None,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
        reliability: Reliabilities = None,
    ) -> View:
        """The story as of `day`, as known on `known_at`, with the branch layered over it.

        `at` answers over the store as it stood at an earlier position than the
        branch's (corrections of developments recorded only later are left out).
        """
        on, known = as_day(day), day_of(known_at)
        scope = scope_of(without_sources, only_reliability, reliability)
        pin = self._at(at)
        layer = self._layer(pin)
        registry = layer.registry
        positions = _Positions(self._view, layer, on, known, possible, pin, scope)
        return View(
            day=on,
            known_at=known,
            possible=possible,
            source="branch",
            positions=positions,
            developments=lambda: self._counted(layer, on, known, possible, pin, scope),
            resolve_actor=lambda name: registry.resolve("actor", name),
            resolve_topic=lambda name: registry.resolve("topic", name),
            descendants=registry.descendants,
        )

    def _counted(
        self,
        layer: _Layer,
        day: dt.date,
        known: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope,
    ) -> list[Development]:
        real = self._view.developments(
            known, pin, day=day, possible=possible, scope=layer.outer(scope)
        )
        own = story_of(layer.entries.values(), known, scope)
        return merged(real, [d for d in own if occurred_by(d.occurred, day, possible=possible)])

    def _claims(self, key: PairKey, known: dt.date | None, scope: Scope) -> list[Claimed]:
        """Every claim on the pair known at `known`, in story order, the branch's included."""
        layer = self._layer(self._pin)
        real = self._view.claims(key, known, self._pin, layer.outer(scope))
        own = claims_of(story_of(layer.entries.values(), known, scope)).get(key, [])
        return merged(real, own)

    def history(
        self,
        actor: str,
        topic: str,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
    ) -> list[Change]:
        """The change points of one position over story time, as known at `known_at`."""
        key = self._pair(actor, topic)
        scope = scope_of(without_sources, only_reliability)
        return history(self._claims(key, day_of(known_at), scope), *key, possible=possible)

    def diff(
        self,
        d1: WhenLike,
        d2: WhenLike | None = None,
        *,
        known_at: WhenLike | None = None,
        vs_known_at: WhenLike | None = None,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
    ) -> Diff:
        """What changed from (d1, known_at) to (d2, vs_known_at), as `Timeline.diff`."""
        return diff_of(
            self.as_of,
            d1,
            d2,
            known_at=known_at,
            vs_known_at=vs_known_at,
            possible=possible,
            without_sources=tuple(without_sources),
            only_reliability=only_reliability,
        )

    def explain(
        self,
        actor: str,
        topic: str,
        as_of: WhenLike,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
    ) -> Explanation:
        """The developments behind a position, the rule that chose it, and what it beat."""
        key = self._pair(actor, topic)
        layer, view, pin = self._layer(self._pin), self._view, self._pin
        ids = [i for i in view.claimed_by(key, pin) if i not in layer.entries]
        entries = [*entries_at(view, pin, ids).values(), *layer.entries.values()]
        return explain(
            entries,
            *key,
            as_day(as_of),
            known_at=day_of(known_at),
            possible=possible,
            scope=scope_of(without_sources, only_reliability),
        )

    def _story(
        self, known_at: WhenLike | None, at: int | None = None, scope: Scope = rule.EVERYTHING
    ) -> list[Development]:
        known, pin = day_of(known_at), self._at(at)
        layer = self._layer(pin)
        real = self._view.developments(known, pin, scope=layer.outer(scope))
        return merged(real, story_of(layer.entries.values(), known, scope))

    def relations(
        self,
        a: str,
        b: str,
        *,
        by: str = "month",
        known_at: WhenLike | None = None,
        children: bool = True,
        possible: bool = False,
        without_sources: Iterable[str] = (),
        only_reliability: Reliabilities = None,
    ) -> Relations:
        """Two actors' cooperation–conflict score per period, as `Timeline.relations`."""
        return relations_between(
            self.registry,
            self._story,
            a,
            b,
            by=by,
            known_at=known_at,
            children=children,
            possible=possible,
            without_sources=without_sources,
            only_reliability=only_reliability,
        )

    def developments(
        self,
        known_at: WhenLike | None = None,
        *,
        actor: str | None = None,
        children: bool = False,
        topic: str | None = None,
        period: WhenLike | None = None,
        reliability: Reliabilities = None,
        at: int | None = None,
        retracted: bool = False,
        without_sources: Iterable[str] = (),
    ) -> list[Development]:
        """Developments known at `known_at` in story order, filtered, as `Timeline.developments`."""
        return developments_listed(
            self.registry,
            self._story,
            self.corrections,
            known_at,
            actor=actor,
            children=children,
            topic=topic,
            period=period,
            reliability=reliability,
            at=at,
            retracted=retracted,
            without_sources=without_sources,
        )

    def entries(self) -> list[Entry]:
        """Everything recorded, with the branch's, one entry per development id, sorted by id."""
        layer = self._layer(self._pin)
        real = [e for e in self._view.entries(self._pin) if e.id not in layer.entries]
        return sorted([*real, *layer.entries.values()], key=lambda entry: entry.id)

    def corrections(
        self, known_at: WhenLike | None = None, *, at: int | None = None
    ) -> list[Entry]:
        """The entries with a revision or retraction known at `known_at`, the branch's too."""
        pin = self._at(at)
        layer = self._layer(pin)
        real = [e for e in corrected_streams(self._view, pin) if e.id not in layer.entries]
        return corrected([*real, *layer.entries.values()], day_of(known_at))

    def entry(self, dev_id: str) -> Entry:
        """What the branch holds about one development: the original and its corrections."""
        layer = self._layer(self._pin)
        found = layer.entries.get(dev_id)
        if found is None:
            found = entries_at(self._view, self._pin, [dev_id]).get(dev_id)
        if found is None:
            raise UnknownDevelopmentError(dev_id)
        return found

    # -- saving ------------------------------------------------------------------------------

    def log(self) -> str:
        """The branch as the project's JSON Lines log: a meta line, then what it adds."""
        layered = self.layered
        lines: list[dict[str, Any]] = [
            *(out.log_record(actor) for actor in layered.actors),
            *(out.log_record(topic) for topic in layered.topics),
            *(out.log_record(development) for development in layered.developments),
        ]
        for ident, correction in layered.corrections:
            if isinstance(correction, Revision):
                lines.append({"type": "revision", **out.revision_record(ident, correction)})
            elif isinstance(correction, Ranking):
                lines.append({"type": "ranking", **out.ranking_record(ident, correction)})
            else:
                lines.append({"type": "retraction", **out.retraction_record(ident, correction)})
        meta = {
            "type": "meta",
            "format": LOG_FORMAT,
            "version": VERSION,
            "branch": self.name,
            "position": self._pin,
            "sha256": out.content_hash(lines),
            "count": len(lines),
        }
        return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in [meta, *lines])

    @classmethod
    def from_log(
        cls,
        timeline: Timeline,
        text: str,
        *,
        name: str | None = None,
        source: str = "branch",
        folder: str | Path | None = None,
    ) -> Branch:
        """The branch a JSON Lines log holds, pinned at the position its meta line names.

        Without a position in the log, the branch is made at the current one.
        """
        imported = read_text(source, text, timeline.registry)
        meta = imported.meta or {}
        at = meta.get("position")
        if at is not None and (not isinstance(at, int) or at > timeline.position):
            raise QueryError(
                f"{source}: saved at store position {at!r}, but this store is at "
                f"{timeline.position}: it is not the store the branch was saved from"
            )
        saved = meta.get("branch") if name is None else name
        branch = cls(timeline, saved if isinstance(saved, str) else None, folder=folder, at=at)
        items = imported.items
        branch._add(
            Seeds(
                tuple(i.value for i in items if isinstance(i.value, Actor)),
                tuple(i.value for i in items if isinstance(i.value, Topic)),
                tuple(i.value for i in items if isinstance(i.value, Development)),
                tuple(
                    (i.development, i.value)
                    for i in items
                    if isinstance(i.value, Revision | Retraction | Ranking)
                    and i.development is not None
                ),
            )
        )
        return branch

    @classmethod
    def read(cls, timeline: Timeline, path: str | Path) -> Branch:
        """The branch saved in a JSON Lines file (as `save` writes them)."""
        file = Path(path).expanduser()
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"{file}: cannot read the branch: {error}") from None
        stem = file.name[: -len(SUFFIX)] if file.name.endswith(SUFFIX) else file.stem
        name = stem if NAME.fullmatch(stem) else None
        return cls.from_log(timeline, text, name=name, source=str(file))

    def save(self, name: str | None = None, *, folder: str | Path | None = None) -> str:
        """Saves the branch under `name` (default: its own), replacing one of that name.

        It is kept outside the store (see the module's notes): `folder`, else the
        store's own place.  Returns the name.
        """
        chosen = name if name is not None else self.name
        if chosen is None:
            raise QueryError("saving a branch needs a name: branch.save('name')")
        chosen = _name(chosen)
        where = folder if folder is not None else self.folder
        self.name, self.folder = chosen, where
        shelf_of(self.timeline, where).write(chosen, self.log())
        return chosen

    @classmethod
    def load(cls, timeline: Timeline, name: str, *, folder: str | Path | None = None) -> Branch:
        """The branch saved under `name`, pinned at the store position it was saved at."""
        text = shelf_of(timeline, folder).read(_name(name))
        if text is None:
            raise QueryError(f"no saved branch {name!r}")
        return cls.from_log(timeline, text, name=name, source=name, folder=folder)

    @staticmethod
    def saved(timeline: Timeline, *, folder: str | Path | None = None) -> list[str]:
        """The names of the store's saved branches (in `folder`, else the store's place)."""
        return shelf_of(timeline, folder).names()

    def discard(self) -> bool:
        """Empties the branch and deletes its saved copy; whether there was one."""
        removed = False
        if self.name is not None:
            removed = shelf_of(self.timeline, self.folder).remove(self.name)
        self._actors, self._topics, self._developments = {}, {}, {}
        self._corrections, self._layers = [], {}
        return removed


class _Positions(Mapping[PairKey, Position]):
    """A branch's positions as of a day: the view's, with the pairs it touches recomputed."""

    def __init__(
        self,
        view: Materialised,
        layer: _Layer,
        day: dt.date,
        known_at: dt.date | None,
        possible: bool,
        pin: int,
        scope: Scope,
    ) -> None:
        self._view, self._day, self._known, self._possible = view, day, known_at, possible
        self._pin, self._scope, self._outer = pin, scope, layer.outer(scope)
        own = story_of(layer.entries.values(), known_at, scope)
        counting = [d for d in own if occurred_by(d.occurred, day, possible=possible)]
        self._own = claims_of(counting)  # the branch's counted claims, by pair
        self._all: dict[PairKey, Position] | None = None

    def _touched(self, key: PairKey) -> Position | None:
        real = self._view.claims(key, self._known, self._pin, self._outer)
        claims = merged(counted(real, self._day, possible=self._possible), self._own[key])
        return rule.position(key, rule.winning_run(rule.search_order(claims)), self._day)

    def __getitem__(self, key: PairKey) -> Position:
        if self._all is not None:
            found = self._all.get(key)
        elif key in self._own:
            found = self._touched(key)
        else:
            found = self._view.position(
                key, self._day, self._known, self._possible, self._pin, self._outer
            )
        if found is None:
            raise KeyError(key)
        return found

    def _load(self) -> dict[PairKey, Position]:
        if self._all is None:
            found = self._view.positions(
                self._day, self._known, self._possible, self._pin, self._outer
            )
            for key in self._own:
                held = self._touched(key)
                if held is None:
                    found.pop(key, None)
                else:
                    found[key] = held
            self._all = dict(sorted(found.items()))
        return self._all

    def __iter__(self) -> Iterator[PairKey]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
