"""Parsing and spans of EDTF level 0–1 dates, the notation behind `When`.

The calendar runs from 0001-01-01 (`FIRST_DAY`) to 9999-12-31 (`LAST_DAY`), and an
open interval end (`..` or empty) is that first or last day.  Every valid date in
the range has its exact span, `9999-12` included (9999-12-01..9999-12-31); a span
that would end after 9999-12-31 (winter 9999, `9999-24`) is refused, while the one
unit a qualifier widens by stops at the edge.  A span reaching either edge day is
therefore open on that side as far as `When.is_bounded` can tell.
"""

from __future__ import annotations

import calendar
import enum
import re
from functools import lru_cache
from typing import NamedTuple

import pendulum

from timeline.engine.errors import DateError

FIRST_DAY = pendulum.Date(1, 1, 1)
LAST_DAY = pendulum.Date(9999, 12, 31)

OPEN = ".."  # an interval end that is open (no bound)
UNKNOWN = ""  # an interval end that is not known

# EDTF is ASCII: [0-9], not \d, which also takes other scripts' digits (２, ٢).
_POINT = re.compile(
    r"(?P<year>[0-9]{4}|[0-9]{3}X|[0-9]{2}XX|[0-9]XXX)"
    r"(?:-(?P<month>[0-9]{2}|XX)(?:-(?P<day>[0-9]{2}|XX))?)?"
    r"(?P<qualifier>[?~%])?"
)
# A plain calendar day, as most dates are written.
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SEASONS = {21: (3, "spring"), 22: (6, "summer"), 23: (9, "autumn"), 24: (12, "winter")}


class Precision(enum.Enum):
    """The unit a date is given in; an interval has precision INTERVAL."""

    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    MILLENNIUM = "millennium"
    INTERVAL = "interval"


_UNSPECIFIED = {1: Precision.DECADE, 2: Precision.CENTURY, 3: Precision.MILLENNIUM}

# How far one unit of each precision reaches, as pendulum `add` keywords.
_UNIT = {
    Precision.DAY: {"days": 1},
    Precision.MONTH: {"months": 1},
    Precision.SEASON: {"months": 3},
    Precision.YEAR: {"years": 1},
    Precision.DECADE: {"years": 10},
    Precision.CENTURY: {"years": 100},
    Precision.MILLENNIUM: {"years": 1000},
}


# A tuple rather than an attrs class: a cold read parses a date or two per lookup,
# and a tuple is made in half the time.
class Parsed(NamedTuple):
    """What one EDTF text means: its canonical text, span and qualifiers."""

    text: str
    earliest: pendulum.Date
    latest: pendulum.Date
    precision: Precision
    approximate: bool
    uncertain: bool


_YEAR_LAST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def year_last(text: str) -> str | None:
    """Why a day-month-year (or month-day-year) spelling is not read, naming the EDTF to
    write (`31/12/2018`: write `2018-12-31`), or None when `text` is not one."""
    found = _YEAR_LAST.fullmatch(text.strip())
    if found is None:
        return None
    first, second, year = int(found[1]), int(found[2]), found[3]
    readings = []
    if second <= 12:
        readings.append(f"{year}-{second:02d}-{first:02d}")
    if first <= 12:
        readings.append(f"{year}-{first:02d}-{second:02d}")
    if not readings:
        return f"cannot read date {text!r}: write it year first, as EDTF: YYYY-MM-DD"
    if len(readings) == 1:
        return f"cannot read date {text!r}: write it year first, as EDTF: {readings[0]}"
    return (
        f"cannot read date {text!r}: day and month could be either way round; "
        f"write it year first, as EDTF: {readings[0]} or {readings[1]}"
    )


def _fail(text: str, why: str) -> DateError:
    return DateError(f"cannot read date {text!r}: {why}")


def _shift(day: pendulum.Date, sign: int, precision: Precision) -> pendulum.Date:
    """Moves a day by one unit of `precision`, clamped to the representable range."""
    years = _UNIT[precision].get("years", 0)
    if sign < 0 and day.year - years < 1:
        return FIRST_DAY
    if sign > 0 and day.year + years > 9999:
        return LAST_DAY
    unit = {key: sign * value for key, value in _UNIT[precision].items()}
    try:
        return day.add(**unit)
    except (ValueError, OverflowError):
        return FIRST_DAY if sign < 0 else LAST_DAY


def _widen_end(latest: pendulum.Date, precision: Precision) -> pendulum.Date:
    """Returns the last day of the unit after the one that ends on `latest`."""
    if latest == LAST_DAY:
        return LAST_DAY
    after = _shift(latest.add(days=1), 1, precision)
    return after if after == LAST_DAY else after.subtract(days=1)


def _month_span(
    text: str, year: int, month: int, months: int
) -> tuple[pendulum.Date, pendulum.Date]:
    """The first and last day of `months` months from `month`, within the calendar."""
    end_year, end_month = divmod(month + months - 2, 12)
    end_year, end_month = year + end_year, end_month + 1
    if end_year > LAST_DAY.year:
        raise _fail(text, f"it ends in {end_year}, after the supported range 0001-9999")
    end = pendulum.Date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
    return pendulum.Date(year, month, 1), end


def _point_span(
    text: str, year: str, month: str | None, day: str | None
) -> tuple[pendulum.Date, pendulum.Date, Precision]:
    unspecified = year.count("X")
    low, high = int(year.replace("X", "0")), int(year.replace("X", "9"))
    if high < 1:
        raise _fail(text, "year 0 is outside the supported range 0001-9999")
    if unspecified:
        if month is not None:
            raise _fail(text, "a year with unspecified digits takes no month or day")
        precision = _UNSPECIFIED[unspecified]
        return pendulum.Date(max(low, 1), 1, 1), pendulum.Date(high, 12, 31), precision
    if month is None or month == "XX":
        if day not in (None, "XX"):
            raise _fail(text, "a day needs a month")
        return pendulum.Date(low, 1, 1), pendulum.Date(low, 12, 31), Precision.YEAR
    number = int(month)
    if number in _SEASONS:
        if day is not None:
            raise _fail(text, "a season (21-24) takes no day")
        first, _ = _SEASONS[number]
        start, end = _month_span(text, low, first, 3)
        return start, end, Precision.SEASON
    if not 1 <= number <= 12:
        raise _fail(text, f"month {month} is not 01-12 (or a season 21-24)")
    if day is None or day == "XX":
        start, end = _month_span(text, low, number, 1)
        return start, end, Precision.MONTH
    try:
        exact = pendulum.Date(low, number, int(day))
    except ValueError:
        raise _fail(text, f"day {day} does not exist in {year}-{month}") from None
    return exact, exact, Precision.DAY


def parse_point(text: str) -> Parsed:
    """Parses one EDTF date (not an interval) into its widened span."""
    match = _POINT.fullmatch(text)
    if match is None:
        raise _fail(
            text,
            "expected an EDTF date such as 2018-12-18, 2017-12, 2019, "
            "2018-11~, 2019? or an interval 2019-07-12/2019-07-25",
        )
    qualifier = match["qualifier"] or ""
    earliest, latest, precision = _point_span(text, match["year"], match["month"], match["day"])
    if qualifier:
        # A qualified date might be one unit off either way, so its span is
        # widened by one unit of its precision on each side.
        earliest = _shift(earliest, -1, precision)
        latest = _widen_end(latest, precision)
    return Parsed(
        text=text,
        earliest=earliest,
        latest=latest,
        precision=precision,
        approximate=qualifier in "~%" and qualifier != "",
        uncertain=qualifier in "?%" and qualifier != "",
    )


def _parse_interval(text: str, start_text: str, end_text: str) -> Parsed:
    if start_text in (OPEN, UNKNOWN) and end_text in (OPEN, UNKNOWN):
        raise _fail(text, "an interval needs at least one known end")
    start = None if start_text in (OPEN, UNKNOWN) else parse_point(start_text)
    end = None if end_text in (OPEN, UNKNOWN) else parse_point(end_text)
    if start and end and _unwidened_start(start) > _unwidened_end(end):
        raise _fail(text, "the interval starts after it ends")
    return Parsed(
        text=text,
        earliest=start.earliest if start else FIRST_DAY,
        latest=end.latest if end else LAST_DAY,
        precision=Precision.INTERVAL,
        approximate=any(p.approximate for p in (start, end) if p),
        uncertain=any(p.uncertain for p in (start, end) if p),
    )


def _unwidened(point: Parsed) -> Parsed:
    # An unqualified point is its own unwidened span: no need to parse it again.
    if point.approximate or point.uncertain:
        return parse_point(point.text.rstrip("?~%"))
    return point


def _unwidened_start(point: Parsed) -> pendulum.Date:
    return _unwidened(point).earliest


def _unwidened_end(point: Parsed) -> pendulum.Date:
    return _unwidened(point).latest


@lru_cache(maxsize=65536)
def parse(text: str) -> Parsed:
    """Parses EDTF level 0–1 text; raises `DateError` quoting the text."""
    plain = _DAY.fullmatch(text)
    if plain is not None:
        # The commonest text by far, a plain calendar day, read straight to its
        # span; one that names no day is left to the full parse, to say why.
        year, month, day = plain.groups()
        try:
            exact = pendulum.Date(int(year), int(month), int(day))
        except ValueError:
            pass
        else:
            return Parsed(text, exact, exact, Precision.DAY, False, False)
    stripped = text.strip()
    if not stripped.isascii():
        odd = next(c for c in stripped if not c.isascii())
        raise _fail(text, f"EDTF is ASCII text; found {odd!r} (U+{ord(odd):04X})")
    written = year_last(stripped)  # never EDTF: say what to write instead
    if written is not None:
        raise DateError(written)
    if "/" not in stripped:
        return parse_point(stripped)
    parts = stripped.split("/")
    if len(parts) != 2:
        raise _fail(text, "an interval has exactly one '/'")
    start, end = parts[0].strip(), parts[1].strip()
    return _parse_interval(f"{start}/{end}", start, end)
