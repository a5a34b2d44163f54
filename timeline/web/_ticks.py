"""Date tick labels that always say the year: `Nov` over `2018`, then `Dec`, or `2019` alone.

matplotlib's concise formatter names the year once, at a year's first tick or in an
offset beside the axis, so a panel whose ticks all fall within one year read `Nov`,
`Dec` with no year anywhere on the axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib import dates as mdates
from matplotlib.ticker import Formatter

__all__ = ["YearTicks"]


class YearTicks(Formatter):
    """Labels month ticks `Mar` over `2018` where the year changes (and at the first tick) and
    `Mar` between; ticks that are all 1 January read `2018`."""

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        days = [mdates.num2date(value) for value in values]  # type: ignore[no-untyped-call]
        if days and all((d.month, d.day) == (1, 1) for d in days):
            return [str(d.year) for d in days]
        labels = []
        for i, day in enumerate(days):
            whole = i == 0 or day.year != days[i - 1].year
            if day.day != 1:
                labels.append(day.strftime("%-d %b\n%Y" if whole else "%-d %b"))
            else:
                # The year on a line of its own, so that close ticks never collide.
                labels.append(day.strftime("%b\n%Y" if whole else "%b"))
        return labels

    def __call__(self, x: float, pos: Any = None) -> str:
        day = mdates.num2date(x)  # type: ignore[no-untyped-call]
        return str(day.strftime("%-d %b %Y"))
