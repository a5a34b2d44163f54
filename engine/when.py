"""`When`: a span of calendar days with a precision, written in EDTF level 0–1.

Qualified dates widen: `2018-11~` (approximate), `2019?` (uncertain) and `2018%`
(both) might be one unit of their precision off either way, so their span grows by
one unit on each side (`2018-11~` spans 2018-10-01..2018-12-31).  A development
dated `2019?` therefore has not *certainly* happened by 2019-12-31.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum

from timeline.engine import _edtf, _relative
from timeline.engine._edtf import FIRST_DAY, LAST_DAY, Precision
from timeline.engine._slots import pickled_by_fields
from timeline.engine.errors import DateError

__all__ = ["FIRST_DAY", "LAST_DAY", "Precision", "When", "WhenLike"]


def _canonical(text: Any) -> str:
    if not isinstance(text, str):
        raise DateError(
            f"cannot read date {text!r}: expected EDTF text such as '2018-12-18', "
            f"found {type(text).__name__}"
        )
    return _edtf.parse(text).text


@pickled_by_fields  # a chart's Whens pass between the server's processes
@attrs.frozen(repr=False)
class When:
    """A span of calendar days given as EDTF text; equal when the text is equal."""

    text: str = attrs.field(converter=_canonical)
    earliest: pendulum.Date = attrs.field(init=False, eq=False)
    latest: pendulum.Date = attrs.field(init=False, eq=False)
    precision: Precision = attrs.field(init=False, eq=False)
    approximate: bool = attrs.field(init=False, eq=False)
    uncertain: bool = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        _, earliest, latest, precision, approximate, uncertain = _edtf.parse(self.text)
        # Set one by one, not in a loop over names: a cold read makes a When or two
        # per lookup.
        setattr_ = object.__setattr__
        setattr_(self, "earliest", earliest)
        setattr_(self, "latest", latest)
        setattr_(self, "precision", precision)
        setattr_(self, "approximate", approximate)
        setattr_(self, "uncertain", uncertain)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"When({self.text!r})"

    @property
    def sort_key(self) -> tuple[pendulum.Date, pendulum.Date]:
        """Story order of spans: earliest day first, then latest day."""
        return (self.earliest, self.latest)

    @property
    def is_interval(self) -> bool:
        """Whether the text is an interval `A/B`."""
        return self.precision is Precision.INTERVAL

    @property
    def is_bounded(self) -> bool:
        """Whether both ends of the span are known (no `..` or empty interval end)."""
        return self.earliest != FIRST_DAY and self.latest != LAST_DAY

    def span_covers(self, other: When) -> bool:
        """Whether every day of `other` lies inside this span."""
        return self.earliest <= other.earliest and other.latest <= self.latest

    def contains(self, day: dt.date) -> bool:
        """Whether `day` falls inside the span."""
        return self.earliest <= day <= self.latest

    def ended_by(self, day: dt.date) -> bool:
        """Whether the whole span lies on or before `day` (it has certainly happened)."""
        return self.latest <= day

    def started_by(self, day: dt.date) -> bool:
        """Whether the span starts on or before `day` (it has possibly happened)."""
        return self.earliest <= day

    @classmethod
    def coerce(cls, value: WhenLike) -> When:
        """Returns `value` as a `When`: EDTF text, a calendar date, or a `When`."""
        if isinstance(value, When):
            return value
        if isinstance(value, dt.datetime):
            raise DateError(
                f"cannot read date {value!r}: expected a calendar day, found a "
                "datetime; pass its .date()"
            )
        if isinstance(value, dt.date):
            return cls(value.isoformat())
        return cls(value)

    @classmethod
    def day(cls, value: dt.date) -> When:
        """Returns the single calendar day `value` as a `When`."""
        return cls(pendulum.Date(value.year, value.month, value.day).isoformat())

    @classmethod
    def span(cls, earliest: dt.date, latest: dt.date) -> When:
        """Returns the day-precision interval from `earliest` to `latest`."""
        if earliest == latest:
            return cls.day(earliest)
        return cls(f"{earliest.isoformat()}/{latest.isoformat()}")

    @classmethod
    def relative(cls, phrase: str, *, anchor: WhenLike) -> When:
        """Resolves a phrase such as 'last month' against the day it was written.

        The phrase is resolved against the first and the last day of the anchor's
        span; when the two differ the result is the interval covering both, so an
        uncertain or coarse anchor gives a wider result.
        """
        return cls(_relative.resolve(phrase, When.coerce(anchor)))

    @staticmethod
    def is_relative(phrase: str) -> bool:
        """Whether `phrase` is a relative phrase that `When.relative` understands."""
        return _relative.matches(phrase)


WhenLike = When | str | dt.date


def as_day(value: WhenLike) -> pendulum.Date:
    """Returns the last day of `value`: a coarser `When` given as a day means its end."""
    kind = type(value)
    if kind is str or kind is dt.date or kind is pendulum.Date:
        return _LAST_DAYS[value]
    return When.coerce(value).latest


class _LastDays(dict[WhenLike, pendulum.Date]):
    """The last day of each date text and calendar date (no datetime, no `When`) asked
    for, found once.

    Reads ask for the same few days again and again: a look-up by subscript is a
    C-level one (a third of an lru_cache call), and `__missing__` runs only for a
    value not seen yet (and keeps nothing for one that raises).
    """

    def __missing__(self, value: WhenLike) -> pendulum.Date:
        # A text's parse is the one a `When` of it makes (its canonical text parses to
        # the same span), without making the `When`.
        day = _edtf.parse(value).latest if isinstance(value, str) else When.coerce(value).latest
        if len(self) < _DAYS_KEPT:
            self[value] = day
        return day


# Date texts and dates kept at most.
_DAYS_KEPT = 4096
_LAST_DAYS = _LastDays()
