"""Helpers of the facade's reads: source filters, story dates and corrected entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

import attrs

from timeline.engine._registry import Registry
from timeline.engine._replay import View, fold_positions
from timeline.engine._rule import Entry, is_known
from timeline.engine.corrections import Ranking, Retraction, Revision
from timeline.engine.values import Development, Reliability
from timeline.engine.when import FIRST_DAY, When

__all__ = [
    "Reliabilities",
    "corrected",
    "folded",
    "from_start",
    "reliabilities",
    "withdrawn",
]

Reliabilities = Reliability | str | Collection[Reliability | str] | None


def folded(
    counted: tuple[Development, ...],
    day: dt.date,
    known_at: dt.date | None,
    possible: bool,
    source: str,
    registry: Registry,
) -> View:
    """The view that the developments which count make, folded here."""
    return View(
        day=day,
        known_at=known_at,
        possible=possible,
        source=source,
        positions=fold_positions(counted, day, possible=possible),
        developments=counted,
        resolve_actor=lambda name: registry.resolve("actor", name),
        resolve_topic=lambda name: registry.resolve("topic", name),
        descendants=registry.descendants,
    )


def reliabilities(value: Reliabilities) -> set[Reliability] | None:
    """The reliabilities a filter names, or None for no filter."""
    if value is None:
        return None
    chosen = [value] if isinstance(value, str | Reliability) else value
    return {Reliability.parse(item) for item in chosen}


def from_start(development: Development) -> Development:
    """The development dated by the first day it may have occurred, when its span has one."""
    if development.occurred.earliest == FIRST_DAY:
        return development
    return attrs.evolve(development, occurred=When.day(development.occurred.earliest))


def _reports(entry: Entry) -> list[When]:
    """The reported spans of an entry's corrections."""
    corrections: list[Revision | Retraction | Ranking] = [
        *entry.revisions,
        *entry.retractions,
        *entry.rankings,
    ]
    return [c.reported for c in corrections]


def corrected(
    entries: Collection[Entry], known_at: dt.date | None, *, retracted: bool = False
) -> list[Entry]:
    """Those entries with a correction (`retracted`: a retraction) known at `known_at`,
    sorted by id."""

    def reports(entry: Entry) -> Iterable[When]:
        return (r.reported for r in entry.retractions) if retracted else _reports(entry)

    found = [
        entry for entry in entries if any(is_known(report, known_at) for report in reports(entry))
    ]
    return sorted(found, key=lambda entry: entry.id)


def withdrawn(entries: Collection[Entry], known_at: dt.date | None) -> list[Development]:
    """The developments retracted by `known_at`, each as last known before its retraction."""
    found = []
    for entry in entries:
        if entry.retractions and entry.as_known(known_at) is None:
            last = attrs.evolve(entry, retractions=()).as_known(known_at)
            if last is not None:
                found.append(last)
    return found
