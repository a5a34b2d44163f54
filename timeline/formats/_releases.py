"""Releases of a dataset: what changed since the store's version becomes revisions.

A file imported with a release day is the dataset as published that day.  Each of
its events the store holds already is compared with the store's version as
published by that day (its revisions then known applied; a retraction then known
makes it absent): the fields that differ become one `Revision` known from the
release day: its date, type, text and source, its actors and targets (so its
rows name the new ones from that day), its code, mode, context and weight (a
value the release no longer gives is cleared).  A development's `reported` is
its own knowledge time, not a field a release revises; its further reports are
kept as first recorded, and the import's notes count such changes.  With
`full`, every development of the dataset absent from the file is retracted,
known from the release day.

Importing the same release again finds nothing changed and writes nothing.
"""

from __future__ import annotations

import datetime as dt

import attrs

from timeline.engine._rule import Entry, is_known
from timeline.engine.corrections import CLEARABLE, Retraction, Revision
from timeline.engine.values import Development

__all__ = ["REVISABLE", "Release", "published", "revision_between"]

# The development's fields a revision replaces (the rest are fixed when recorded).
REVISABLE = tuple(
    f.name
    for f in attrs.fields(Revision)
    if f.name not in ("reported", "reason") and f.name in attrs.fields_dict(Development)
)
# Fields never compared between releases: the id names the event, and `reported`
# is the moment the event became known, which the revision's own date supersedes.
_UNCOMPARED = ("id", "reported")


@attrs.frozen
class Release:
    """A file taken as the dataset `dataset` as published on `day`."""

    day: dt.date
    dataset: str | None
    full: bool = False

    @property
    def name(self) -> str:
        """How reasons name the release, e.g. 'the acled release of 2024-03-05'."""
        what = f"the {self.dataset} release" if self.dataset else "the release"
        return f"{what} of {self.day.isoformat()}"

    @property
    def prefix(self) -> str:
        """The start of the ids of the dataset's developments ('' for a whole story)."""
        return f"{self.dataset}-" if self.dataset else ""

    def retraction(self) -> Retraction:
        """The retraction of a development absent from this release."""
        return Retraction(reported=self.day, reason=f"absent from {self.name}")


def published(entry: Entry, day: dt.date) -> Development | None:
    """The store's version of a development as published by `day`; None if retracted by then.

    The development's own knowledge time is not asked: an event a release brings
    is compared whatever date the data gave it.
    """
    if any(is_known(r.reported, day) for r in entry.retractions):
        return None
    current = entry.development
    known = [r for r in entry.revisions if is_known(r.reported, day)]
    for revision in sorted(known, key=lambda r: r.order_key):
        current = revision.apply(current)
    return current


def revision_between(
    stored: Development, given: Development, release: Release
) -> tuple[Revision | None, tuple[str, ...]]:
    """The revision that makes `stored` read as `given`, and the fields no revision carries."""
    names = [f.name for f in attrs.fields(Development) if f.name not in _UNCOMPARED]
    differ = [n for n in names if getattr(stored, n) != getattr(given, n)]
    changes = {n: getattr(given, n) for n in differ if n in REVISABLE}
    fixed = tuple(n for n in differ if n not in REVISABLE)
    if not changes:
        return None, fixed
    # A value the release no longer gives is cleared: None means "unchanged" in a revision.
    cleared = tuple(n for n in CLEARABLE if n in changes and changes[n] is None)
    for name in cleared:
        del changes[name]
    reason = f"changed in {release.name}"
    return Revision(reported=release.day, reason=reason, cleared=cleared, **changes), fixed


def first_known(development: Development, release: Release, earlier: bool) -> Development:
    """A development new in a release, known no earlier than the release when `earlier`.

    When the store holds an earlier release of the dataset, an event it lacked was
    not published then, whatever date the data gives it: it is known from the
    release day (or its own date, when that is later).
    """
    if not earlier or development.reported.latest > release.day:
        return development
    return attrs.evolve(development, reported=release.day)
