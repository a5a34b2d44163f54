"""What changed between two states of the story, position by position.

The two states are two days (`diff(d1, d2)`), two states of knowledge about one
day (`diff(day, known_at=k1, vs_known_at=k2)`), or both at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from timeline.engine._replay import View
from timeline.engine._rule import PairKey, Position
from timeline.projections.errors import QueryError

__all__ = ["Diff", "Difference", "diff_of", "diff_positions"]


@attrs.frozen
class Difference:
    """One position that was added, removed or changed between the two states."""

    actor: str
    topic: str
    kind: str  # "added", "removed" or "changed"
    before: Position | None
    after: Position | None

    @property
    def stance_changed(self) -> bool:
        """Whether the stance itself differs (not only since, evidence or tentativeness)."""
        before = None if self.before is None else self.before.stance
        after = None if self.after is None else self.after.stance
        return before != after


@attrs.frozen
class Diff:
    """The differences from one state (day, known_at) to another, by (actor, topic)."""

    days: tuple[dt.date, dt.date]
    known_at: tuple[dt.date | None, dt.date | None]
    possible: bool
    differences: tuple[Difference, ...]

    def _of(self, kind: str) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.kind == kind)

    @property
    def added(self) -> tuple[Difference, ...]:
        """Positions that exist only in the second state."""
        return self._of("added")

    @property
    def removed(self) -> tuple[Difference, ...]:
        """Positions that exist only in the first state."""
        return self._of("removed")

    @property
    def changed(self) -> tuple[Difference, ...]:
        """Positions that exist in both states but differ."""
        return self._of("changed")

    def __iter__(self) -> Iterator[Difference]:
        return iter(self.differences)

    def __len__(self) -> int:
        return len(self.differences)

    def __bool__(self) -> bool:
        return bool(self.differences)


def diff_of(
    as_of: Callable[..., View],
    d1: Any,
    d2: Any = None,
    *,
    known_at: Any = None,
    vs_known_at: Any = None,
    possible: bool = False,
    **scope: Any,
) -> Diff:
    """What changed from (d1, known_at) to (d2, vs_known_at), read through `as_of`.

    `d2` defaults to `d1` and `vs_known_at` to `known_at`; at least one must be given.
    `scope` (`without_sources`, `only_reliability`) goes to both reads.
    """
    if d2 is None and vs_known_at is None:
        raise QueryError("diff needs a second day (d2) or a second knowledge day (vs_known_at)")
    first = as_of(d1, known_at, possible=possible, **scope)
    second = as_of(
        d1 if d2 is None else d2,
        known_at if vs_known_at is None else vs_known_at,
        possible=possible,
        **scope,
    )
    return Diff(
        days=(first.day, second.day),
        known_at=(first.known_at, second.known_at),
        possible=possible,
        differences=diff_positions(first.positions(), second.positions()),
    )


def diff_positions(
    before: Mapping[PairKey, Position], after: Mapping[PairKey, Position]
) -> tuple[Difference, ...]:
    """The differences between two sets of positions, sorted by (actor, topic)."""
    found: list[Difference] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        found.append(Difference(key[0], key[1], kind, old, new))
    return tuple(found)
