"""The dataset date readers, their patterns compiled and their cells kept (PLOVER's days made
once), read every cell as the former readers did: the same day, or the same refusal."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from timeline.engine.when import When
from timeline.formats._dates import CellError, compact_day, iso_day, stamp_day
from timeline.formats._plover_read import day_when, span_when


def _former_day(year: str, month: str, day: str) -> When:
    try:
        return When.day(dt.date(int(year), int(month), int(day)))
    except ValueError:
        raise CellError(f"{year}-{month}-{day} is no calendar day") from None


def _former_compact(text: str) -> When:
    if not re.fullmatch(r"\d{8}", text):
        raise CellError("expected a date as YYYYMMDD such as 20190412")
    return _former_day(text[:4], text[4:6], text[6:8])


def _former_stamp(text: str) -> When:
    if not re.fullmatch(r"\d{14}", text):
        raise CellError("expected a UTC time as YYYYMMDDHHMMSS such as 20190412153000")
    return _former_day(text[:4], text[4:6], text[6:8])


def _former_iso(text: str) -> When:
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?", text)
    if found is None:
        raise CellError("expected a date as YYYY-MM-DD such as 2019-04-12")
    return _former_day(*found.groups())


_DIGITS = st.text(st.sampled_from("0123456789"), min_size=1, max_size=16)
# Cells as datasets hold them, near misses (no such day, a letter, a non-ASCII digit)
# and times after a day; each is read twice, so that a kept cell is read again.
_CELLS = (
    _DIGITS
    | st.dates().map(lambda d: d.strftime("%Y%m%d"))
    | st.datetimes().map(lambda d: d.strftime("%Y%m%d%H%M%S"))
    | st.dates().map(str)
    | st.builds(lambda d, sep: d.isoformat(sep=sep), st.datetimes(), st.sampled_from("T "))
    | st.text(st.sampled_from("0123456789-T :Z+.\u0663x"), max_size=24)
)


def _outcome(reader: Callable[[str], When], text: str) -> When | str:
    try:
        return reader(text)
    except CellError as error:
        return f"refused: {error}"


@pytest.mark.parametrize(
    ("reader", "former"),
    [(compact_day, _former_compact), (stamp_day, _former_stamp), (iso_day, _former_iso)],
)
@given(text=_CELLS)
@example(text="20190231")
@example(text="20190231120000")
@example(text="2019-02-31")
@example(text="2019\u06630412")
def test_date_readers_read_every_cell_as_before(
    reader: Callable[[str], When], former: Callable[[str], When], text: str
) -> None:
    expected = _outcome(former, text)
    assert _outcome(reader, text) == expected
    assert _outcome(reader, text) == expected  # once kept, the same


@given(st.dates(), st.dates())
def test_plover_days_kept_are_the_days_made(first: dt.date, second: dt.date) -> None:
    # PLOVER's days and spans, each made once and kept, against `When` made each time.
    first, last = min(first, second), max(first, second)
    for _ in range(2):
        assert day_when(first) == When.day(first)
        assert span_when(first, last) == When.span(first, last)
        assert span_when(first, first) == When.span(first, first)
