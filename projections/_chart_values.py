"""The values a topic chart is made of: each actor's steps, bands and retraction markers.

Kept apart from `projections.charts` (which re-exports them) so that the sweep making a
pair's series from its claims (`projections._chart_steps`) and the charts' reads share
them without importing each other.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum

from timeline.engine._slots import pickled_by_fields
from timeline.engine.values import Stance
from timeline.engine.when import FIRST_DAY, When

__all__ = ["Band", "Marker", "Series", "Step"]


@pickled_by_fields  # a chart's data passes between the server's processes
@attrs.frozen
class Step:
    """A stance held from `start` until `end` (the next step's start; None: ever after)."""

    start: pendulum.Date
    end: pendulum.Date | None
    stance: Stance
    tentative: bool
    since: When
    evidence: tuple[str, ...]

    @property
    def open_start(self) -> bool:
        """Whether the step reaches back to an unknown start (an open `..` span)."""
        return self.start == FIRST_DAY


@pickled_by_fields  # a chart's data passes between the server's processes
@attrs.frozen
class Band:
    """The days from `start` to `end` within which a change to `stance` may have happened."""

    start: pendulum.Date
    end: pendulum.Date
    stance: Stance
    causes: tuple[str, ...]

    @property
    def open_start(self) -> bool:
        """Whether the change may have happened at any time before `end`."""
        return self.start == FIRST_DAY


@pickled_by_fields  # a chart's data passes between the server's processes
@attrs.frozen
class Marker:
    """A retracted claim of `stance`, at the day it was once believed to have occurred."""

    day: pendulum.Date
    occurred: When
    stance: Stance
    development: str
    retracted: When
    reason: str


@pickled_by_fields  # a chart's data passes between the server's processes
@attrs.frozen
class Series:
    """One actor's line on a topic's chart, with its bands and retraction markers."""

    actor: str
    name: str
    index: int  # the actor's place in the registry, so it keeps its colour on every chart
    steps: tuple[Step, ...]
    bands: tuple[Band, ...]
    markers: tuple[Marker, ...] = ()

    def at(self, day: dt.date) -> Step | None:
        """The step in force on `day`, or None before the first."""
        found = None
        for step in self.steps:
            if step.start > day:
                break
            found = step
        return found
