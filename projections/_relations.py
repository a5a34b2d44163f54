"""Relations between two actors over time: a cooperation–conflict score per period.

Each development weighs by the data's own measure when it has one (ICEWS Intensity,
GDELT GoldsteinScale: `Development.weight`), else by its kind's Goldstein weight
(`engine._coding.CODING`), from -10 most conflictual to +10 most cooperative.  A
development counts for the pair (A, B) when one of them is among its actors and the
other among its actors or targets, or when both make stance claims in it; with
`children`, an actor's organs (`USA.CONGRESS` for `USA`) stand for it, but an organ never pairs with
itself.  A development falls in the period of the day by which it had certainly
occurred (the end of its `occurred` span), as in `as_of`; one whose span has no
end never certainly occurred and is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import attrs
import pendulum

from timeline.engine._coding import weight_of
from timeline.engine.values import Development
from timeline.engine.when import LAST_DAY
from timeline.projections.errors import QueryError

__all__ = ["PERIODS", "Period", "Relations", "involves", "relations"]


def _day(day: dt.date) -> tuple[pendulum.Date, pendulum.Date, str]:
    start = pendulum.Date(day.year, day.month, day.day)
    return start, start, start.isoformat()


def _week(day: dt.date) -> tuple[pendulum.Date, pendulum.Date, str]:
    start = pendulum.Date(day.year, day.month, day.day).subtract(days=day.weekday())
    year, week, _ = day.isocalendar()
    return start, start.add(days=6), f"{year}-W{week:02d}"


def _month(day: dt.date) -> tuple[pendulum.Date, pendulum.Date, str]:
    start = pendulum.Date(day.year, day.month, 1)
    return start, start.add(months=1).subtract(days=1), f"{day.year:04d}-{day.month:02d}"


def _quarter(day: dt.date) -> tuple[pendulum.Date, pendulum.Date, str]:
    quarter = (day.month - 1) // 3
    start = pendulum.Date(day.year, 3 * quarter + 1, 1)
    return start, start.add(months=3).subtract(days=1), f"{day.year:04d}-Q{quarter + 1}"


def _year(day: dt.date) -> tuple[pendulum.Date, pendulum.Date, str]:
    return pendulum.Date(day.year, 1, 1), pendulum.Date(day.year, 12, 31), f"{day.year:04d}"


PERIODS: dict[str, Callable[[dt.date], tuple[pendulum.Date, pendulum.Date, str]]] = {
    "day": _day,
    "week": _week,
    "month": _month,
    "quarter": _quarter,
    "year": _year,
}


@attrs.frozen
class Period:
    """One period's score, from the Goldstein weights of the developments in it."""

    start: pendulum.Date
    end: pendulum.Date
    label: str
    cooperation: float  # the sum of the positive weights
    conflict: float  # the sum of the negative weights (zero or less)
    developments: tuple[str, ...]

    @property
    def score(self) -> float:
        """Cooperation plus conflict: above zero leans cooperative, below conflictual."""
        return self.cooperation + self.conflict

    @property
    def mean(self) -> float:
        """The mean weight per development."""
        return self.score / len(self.developments) if self.developments else 0.0


@attrs.frozen
class Relations:
    """Two actors' relations over time, one entry per period with developments."""

    a: str
    b: str
    by: str
    known_at: dt.date | None
    periods: tuple[Period, ...]

    @property
    def score(self) -> float:
        """The score over all periods."""
        return sum(period.score for period in self.periods)


def involves(development: Development, a: set[str], b: set[str]) -> bool:
    """Whether the development counts for the pair of actor sets `a` and `b`."""
    actors = set(development.actors)
    reach = actors | set(development.targets)
    claimers = {claim.actor for claim in development.claims}

    def pairs(first: set[str], second: set[str]) -> bool:
        return any(x != y for x in first for y in second)

    return (
        pairs(a & actors, b & reach)
        or pairs(b & actors, a & reach)
        or pairs(a & claimers, b & claimers)
    )


def relations(
    story: Iterable[Development],
    a: set[str],
    b: set[str],
    *,
    by: str = "month",
    names: tuple[str, str] = ("", ""),
    known_at: dt.date | None = None,
) -> Relations:
    """Scores the developments of `story` (as known) that involve both actor sets."""
    if by not in PERIODS:
        raise QueryError(f"relations by {by!r}: expected one of {', '.join(PERIODS)}")
    bucket = PERIODS[by]
    found: dict[str, list[Development]] = {}
    bounds: dict[str, tuple[pendulum.Date, pendulum.Date]] = {}
    for development in story:
        if development.occurred.latest == LAST_DAY or not involves(development, a, b):
            continue
        start, end, label = bucket(development.occurred.latest)
        found.setdefault(label, []).append(development)
        bounds[label] = (start, end)
    periods = []
    for label in sorted(found, key=lambda name: bounds[name][0]):
        weights = [weight_of(d) for d in found[label]]
        periods.append(
            Period(
                start=bounds[label][0],
                end=bounds[label][1],
                label=label,
                cooperation=sum(w for w in weights if w > 0),
                conflict=sum(w for w in weights if w < 0),
                developments=tuple(d.id for d in found[label]),
            )
        )
    return Relations(names[0], names[1], by, known_at, tuple(periods))
