"""Relative phrases ('last month', '3 weeks ago') resolved against an anchor span."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pendulum

from timeline.engine.errors import DateError

if TYPE_CHECKING:
    from timeline.engine.when import When

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# No phrase reaches further back than this many days (the whole calendar).
_MAX_COUNT = 9999 * 366
_FIXED = {
    "today": ("day", 0),
    "yesterday": ("day", 1),
    "this week": ("week", 0),
    "last week": ("week", 1),
    "this month": ("month", 0),
    "last month": ("month", 1),
    "this year": ("year", 0),
    "last year": ("year", 1),
}
_AGO = re.compile(r"(?P<count>[0-9]+|[a-z]+) (?P<unit>day|week|month|year)s? ago")


def _normalise(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _read(phrase: object) -> tuple[str, int] | None:
    if not isinstance(phrase, str):
        return None
    text = _normalise(phrase)
    if text in _FIXED:
        return _FIXED[text]
    match = _AGO.fullmatch(text)
    if match is None:
        return None
    count = match["count"]
    if count.isdigit():
        # A longer count is out of range anyway, and int() refuses thousands of digits.
        number: int | None = int(count) if len(count) <= 9 else _MAX_COUNT + 1
    else:
        number = _NUMBERS.get(count)
    if number is None:
        return None
    return match["unit"], number


def matches(phrase: object) -> bool:
    """Whether `phrase` is a relative phrase this module can resolve."""
    return _read(phrase) is not None


def _resolve_on(unit: str, count: int, day: pendulum.Date) -> tuple[str, str]:
    """Returns the (start, end) EDTF text of the phrase seen from one day.

    Raises ValueError or OverflowError when the result is outside 0001-9999.
    """
    if count > _MAX_COUNT:  # further back than the calendar goes, in any unit
        raise OverflowError(count)
    if unit == "day":
        text = day.subtract(days=count).isoformat()
        return text, text
    if unit == "week":
        monday = day.subtract(days=day.weekday() + 7 * count)
        return monday.isoformat(), monday.add(days=6).isoformat()
    if unit == "month":
        text = day.subtract(months=count).format("YYYY-MM")
        return text, text
    if day.year - count < 1:
        raise ValueError(count)
    text = f"{day.year - count:04d}"
    return text, text


def resolve(phrase: object, anchor: When) -> str:
    """Returns the EDTF text of `phrase` as written during `anchor`."""
    read = _read(phrase)
    if read is None:
        raise DateError(
            f"cannot read relative phrase {phrase!r}: expected one of "
            f"{', '.join(sorted(_FIXED))}, or 'N days/weeks/months/years ago'"
        )
    if not anchor.is_bounded:
        raise DateError(
            f"cannot resolve {phrase!r} against {anchor.text!r}: its span is open-ended "
            "(or reaches 0001-01-01 or 9999-12-31); expected a bounded date"
        )
    unit, count = read
    try:
        first = _resolve_on(unit, count, anchor.earliest)
        last = _resolve_on(unit, count, anchor.latest)
    except (ValueError, OverflowError):
        raise DateError(
            f"cannot resolve {phrase!r} against {anchor.text!r}: it falls outside the "
            "supported range 0001-01-01..9999-12-31"
        ) from None
    if first == last:
        start, end = first
        return start if start == end else f"{start}/{end}"
    return f"{first[0]}/{last[1]}"
