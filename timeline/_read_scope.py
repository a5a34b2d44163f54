"""The scope and the knowledge day of a read, from the arguments a read is asked with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from timeline.engine._rule import EVERYTHING, Scope
from timeline.engine.when import WhenLike, as_day

if TYPE_CHECKING:
    from timeline._selecting import Reliabilities

__all__ = ["day_of", "scope_of"]


def scope_of(
    without_sources: Iterable[str],
    only_reliability: Reliabilities,
    reliability: Reliabilities = None,
    min_reports: int = 1,
) -> Scope:
    """The scope of a read: everything but the sources left out, of the reliabilities kept,
    carried by at least `min_reports` independent reports."""
    nothing_left_out = isinstance(without_sources, tuple) and not without_sources
    if nothing_left_out and only_reliability is None and reliability is None and min_reports == 1:
        return EVERYTHING  # the usual read, with no Scope to build
    if isinstance(without_sources, str):
        without_sources = [without_sources]
    # Loaded late: it imports the replay, which importing the facade does not load.
    from timeline._selecting import reliabilities

    trusted = reliabilities(only_reliability if only_reliability is not None else reliability)
    return Scope(without_sources=without_sources, only_reliability=trusted, min_reports=min_reports)


def day_of(value: WhenLike | None) -> dt.date | None:
    """The day a read is known at, or None for everything recorded."""
    return None if value is None else as_day(value)
