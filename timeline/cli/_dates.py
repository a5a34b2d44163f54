"""Dates on the command line: EDTF, `today`/`now`, relative phrases and common spellings.

Everything becomes EDTF before the library sees it.  `2018/12/31`, `Dec 2018`,
`31 Dec 2018` and `Dec 31, 2018` are read as the EDTF they stand for; `12/31/2018`
is refused with the EDTF form to write, since day and month could be either way
round.  Relative phrases (`last month`, `3 weeks ago`) resolve against today.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import attrs
import click

__all__ = ["DATES_HELP", "DayArg", "DayType", "human"]

DATES_HELP = (
    "Dates are EDTF: 2018-12-31, 2018-12, 2018, 2018-11~ (about), 2017-12/2018-06, "
    "../2018-06 (by then); also today, now, 'last month', '3 weeks ago', '31 Dec 2018'. "
    "A coarse date stands for its last day: --as-of 2018-11 is 30 Nov 2018."
)
_MONTH_NAMES = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
_MONTHS = {name.lower(): i + 1 for i, name in enumerate(_MONTH_NAMES)}
_FULL = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTHS.update({full: i + 1 for i, full in enumerate(_FULL)})
_MONTHS["sept"] = 9
_SLASHED = re.compile(r"(\d{4})/(\d{1,2})(?:/(\d{1,2}))?")
_DASHED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_MONTH_YEAR = re.compile(r"([a-z]+)\.?,?\s+(\d{4})")


def human(day: dt.date) -> str:
    """A day as people write it: `30 Nov 2018`."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


@attrs.frozen
class DayArg:
    """A date given on the command line: the span it reads as, and what was typed."""

    when: Any  # timeline.engine.When, imported lazily
    typed: str

    @property
    def day(self) -> dt.date:
        """The day it stands for as a moment: the last day of its span."""
        latest: dt.date = self.when.latest
        return latest

    def describe(self) -> str:
        """The day in words, with what it was read from when that was not that day."""
        text = human(self.day)
        typed = " ".join(self.typed.lower().split())
        if typed in ("today", "now"):
            return f"{text} (today)"
        if self.when.earliest == self.when.latest:
            return text
        return f"{text} (the end of {self.typed if _is_phrase(self.typed) else self.when.text})"


def _is_phrase(text: str) -> bool:
    from timeline.engine.when import When

    return When.is_relative(text)


def _month(name: str) -> int | None:
    return _MONTHS.get(name.lower())


def _spelled(text: str) -> str | None:
    """The EDTF text a common spelling stands for, or None if it is not one."""
    lowered = " ".join(text.lower().split())
    if found := _SLASHED.fullmatch(lowered):
        year, month, day = found.groups()
        return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    if found := _DASHED.fullmatch(lowered):
        year, month, day = found.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if (found := _DAY_MONTH.fullmatch(lowered)) and (month := _month(found[2])):
        return f"{found[3]}-{month:02d}-{int(found[1]):02d}"
    if (found := _MONTH_DAY.fullmatch(lowered)) and (month := _month(found[1])):
        return f"{found[3]}-{month:02d}-{int(found[2]):02d}"
    if (found := _MONTH_YEAR.fullmatch(lowered)) and (month := _month(found[1])):
        return f"{found[2]}-{month:02d}"
    return None


def _ambiguous(text: str) -> str | None:
    """Why a day-month-year spelling cannot be read, naming the EDTF to write."""
    from timeline.engine._edtf import year_last

    return year_last(text)


def parse_day(text: str, today: dt.date) -> DayArg:
    """Reads one date as the command line takes it; raises `DateError` with the EDTF to use."""
    from timeline.engine.errors import DateError
    from timeline.engine.when import When

    stripped = text.strip()
    if " ".join(stripped.lower().split()) in ("today", "now"):
        return DayArg(When.day(today), text)
    if When.is_relative(stripped):
        return DayArg(When.relative(stripped, anchor=When.day(today)), text)
    reason = _ambiguous(stripped)
    if reason is not None:
        raise DateError(reason)
    try:
        return DayArg(When(_spelled(stripped) or stripped), text)
    except DateError as error:
        raise DateError(f"{error}. {DATES_HELP}") from None


if TYPE_CHECKING:
    _Type = click.ParamType[Any, Any]  # generic from click 8.5; subscripted for mypy only
else:
    _Type = click.ParamType


class DayType(_Type):
    """A click type for dates; its value is a `DayArg`."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, DayArg):
            return value
        from timeline.engine.errors import DateError

        try:
            return parse_day(str(value), dt.date.today())
        except DateError as error:
            self.fail(str(error), param, ctx)
