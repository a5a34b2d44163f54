"""Dates as event datasets write them, read into `When` values (calendar days, UTC)."""

from __future__ import annotations

import datetime as dt
import functools
import re

from timeline.engine.when import When

__all__ = ["CellError", "compact_day", "epoch_day", "iso_day", "stamp_day", "written_day"]


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


# Each reader's pattern, compiled once: `re.fullmatch(text)` looks its pattern up each call.
_COMPACT = re.compile(r"\d{8}")
_STAMP = re.compile(r"\d{14}")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?")


# A dataset's rows share few days: a cell's text read once is looked up after (a refused
# cell raises each time, as an exception is never kept).
@functools.lru_cache(maxsize=65536)
def compact_day(text: str) -> When:
    """YYYYMMDD (GDELT's SQLDATE) as a day."""
    if _COMPACT.fullmatch(text) is None:
        raise CellError("expected a date as YYYYMMDD such as 20190412")
    return _day(text[:4], text[4:6], text[6:8])


def stamp_day(text: str) -> When:
    """YYYYMMDDHHMMSS (GDELT's DATEADDED, UTC) as the day it names."""
    if _STAMP.fullmatch(text) is None:
        raise CellError("expected a UTC time as YYYYMMDDHHMMSS such as 20190412153000")
    return compact_day(text[:8])  # its eight digits: compact_day's own cell


@functools.lru_cache(maxsize=65536)
def iso_day(text: str) -> When:
    """YYYY-MM-DD, optionally followed by a time (which is dropped), as a day."""
    found = _ISO.fullmatch(text)
    if found is None:
        raise CellError("expected a date as YYYY-MM-DD such as 2019-04-12")
    return _day(*found.groups())


@functools.lru_cache(maxsize=65536)  # a release's rows share few change times
def epoch_day(text: str) -> When:
    """Seconds since 1970-01-01 UTC (ACLED's timestamp) as the UTC day they fall in."""
    if not re.fullmatch(r"\d{1,12}(?:\.\d+)?", text):
        raise CellError("expected seconds since 1970 (a Unix time) such as 1555081200")
    moment = dt.datetime.fromtimestamp(float(text), tz=dt.UTC)
    return When.day(moment.date())


def written_day(text: str) -> When:
    """A day as YYYY-MM-DD or as "12 April 2019" (ACLED's older exports)."""
    text = text.strip()
    if re.match(r"\d{4}-", text):
        return iso_day(text)
    for pattern in ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d/%m/%Y"):
        try:
            return When.day(dt.datetime.strptime(text, pattern).date())
        except ValueError:
            continue
    raise CellError("expected a date as YYYY-MM-DD or as '12 April 2019'")


@functools.lru_cache(maxsize=65536)  # a dataset's rows share few days; a When is frozen
def _day(year: str, month: str, day: str) -> When:
    try:
        return When.day(dt.date(int(year), int(month), int(day)))
    except ValueError:
        raise CellError(f"{year}-{month}-{day} is no calendar day") from None
