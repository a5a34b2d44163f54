"""Read-side helpers for layering entries over the materialised view (what-if branches).

A what-if branch (`timeline.branch`) answers every read as the store would if it
had also recorded a few more developments and corrections.  It never folds the
log: it reads the view with the developments it touches left out
(`Scope(without=...)`), and merges in story order what those developments claim
and hold as the branch has them.  These helpers do the view's part of that, all
pinned at one store position:

- `entries_at`: the entries of some developments as the store held them at a
  position (only their events up to it);
- `counted`: the claims of a story-ordered list that count as of a day;
- `merged`: two story-ordered lists of claims or developments, as one;
- `claims_of` / `story_of`: what some entries claim on a pair, or hold, as known.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from typing import TypeVar

from timeline.engine._rule import (
    EVERYTHING,
    Claimed,
    Entry,
    PairKey,
    Scope,
    in_story_order,
    occurred_by,
    story_key_of,
)
from timeline.engine.values import Development
from timeline.projections._materialised import Materialised

__all__ = ["claims_of", "counted", "entries_at", "merged", "story_of"]

T = TypeVar("T", Claimed, Development)


def entries_at(view: Materialised, pin: int, dev_ids: Iterable[str]) -> dict[str, Entry]:
    """The entries of those of `dev_ids` recorded by store position `pin`, by id.

    Only events up to `pin` count, so a revision written after it is not there:
    unlike `Materialised.entries(pin, ids)`, which reads each stream as it is now.
    """
    return view.entries_at(pin, dev_ids)


def counted(claims: Iterable[Claimed], day: dt.date, *, possible: bool) -> list[Claimed]:
    """The claims that count as of `day`: certainly (or, with `possible`, possibly) occurred."""
    return [claim for claim in claims if occurred_by(claim.occurred, day, possible=possible)]


def merged(first: Iterable[T], second: Iterable[T]) -> list[T]:
    """Two lists in story order, as one list in story order."""
    return list(heapq.merge(first, second, key=story_key_of))


def story_of(
    entries: Iterable[Entry], known_at: dt.date | None, scope: Scope = EVERYTHING
) -> list[Development]:
    """The entries' developments as known at `known_at`, in `scope`, in story order."""
    known = (entry.as_known(known_at) for entry in entries)
    kept = [d for d in known if d is not None and scope.admits(d)]
    return in_story_order(kept)


def claims_of(story: Sequence[Development]) -> dict[PairKey, list[Claimed]]:
    """The claims story-ordered developments make, by pair, each list in story order."""
    found: dict[PairKey, list[Claimed]] = {}
    for development in story:
        for claim in development.claims:
            claimed = Claimed(development.id, development.occurred, claim.stance, claim.rank)
            found.setdefault((claim.actor, claim.topic), []).append(claimed)
    return found
