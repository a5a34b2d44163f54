"""What changed between two states of the story, position by position.

The two states are two days (`diff(d1, d2)`), two states of knowledge about one
day (`diff(day, known_at=k1, vs_known_at=k2)`), or both at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import attrs

from timeline.engine.rule import PairKey, Position

__all__ = ["Diff", "Difference", "diff_positions"]


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
