"""Words for the story's values: spans, positions, developments and their scopes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from timeline.cli._dates import DayArg

if TYPE_CHECKING:
    from timeline.engine import Development, Position, When
    from timeline.engine.values import Source

__all__ = [
    "day_json",
    "development_json",
    "knowledge",
    "listing",
    "moment",
    "position_json",
    "report",
    "reports_json",
    "scope",
    "span",
    "stance",
]


def day_json(day: dt.date | None) -> str | None:
    """A calendar day as EDTF text, or None."""
    return None if day is None else day.isoformat()


def _ends(when: When) -> tuple[str, str] | None:
    """The two ends of an interval as written, or None for a single date."""
    if not when.is_interval:
        return None
    first, _, last = when.text.partition("/")
    return first, last


def span(when: When) -> str:
    """A span for a table: EDTF, except that an open start reads `by D` and an open end `from D`."""
    ends = _ends(when)
    if ends is None:
        return str(when.text)
    first, last = ends
    if first in ("", ".."):
        return f"by {last}" if last not in ("", "..") else "any time"
    if last in ("", ".."):
        return f"from {first}"
    return str(when.text)


def moment(when: When, *, start: bool) -> str | None:
    """How one end of a span is written (a month stays a month), or None when it is open."""
    ends = _ends(when)
    if ends is None:
        return str(when.text)
    text = ends[0] if start else ends[1]
    return None if text in ("", "..") else text


def stance(position: Position | None) -> str:
    """A position's stance as a table cell (tentative ones say so), or '-' for none."""
    if position is None:
        return "-"
    return f"{position.stance} (tentative)" if position.tentative else str(position.stance)


def position_json(position: Position) -> dict[str, Any]:
    """A position as JSON, as every JSON output writes it (`position_record`)."""
    from timeline.projections.export import position_record

    return position_record(position)


def development_json(development: Development) -> dict[str, Any]:
    """A development as JSON with every field of the record, as `export` writes it
    (`development_record`: claim ranks included); dates are EDTF text."""
    from timeline.projections.export import development_record

    return development_record(development)


def occurred(development: Development) -> str:
    """When a development occurred, with the phrase it was written as."""
    text = span(development.occurred)
    if development.occurred_as_written:
        text += f' ("{development.occurred_as_written}")'
    return text


def source(development: Development) -> str:
    """Who reported a development, and how they stand behind it."""
    found = development.source
    by = f", {found.attribution}" if found.attribution else ""
    return f"{found.publisher} ({found.reliability}{by})"


def report(found: Source, *, url: bool = True) -> str:
    """One report of a development: publisher, day, reliability, attribution, what it repeats
    (and its URL, unless `url` is false: a table cell wraps at words, and a URL is one)."""
    day = f", {found.published.text}" if found.published is not None else ""
    by = f", {found.attribution}" if found.attribution else ""
    hand = f"; repeats {found.repeats}" if found.repeats else "; first-hand"
    link = f" {found.url}" if url and found.url else ""
    return f"{found.publisher}{day} ({found.reliability}{by}{hand}){link}"


def reports_json(development: Development) -> list[dict[str, Any]]:
    """Every report of a development as JSON, the earliest first."""
    return [
        {
            "publisher": found.publisher,
            "published": None if found.published is None else found.published.text,
            "reliability": str(found.reliability),
            "attribution": found.attribution,
            "url": found.url,
            "repeats": found.repeats,
        }
        for found in development.all_reports
    ]


def knowledge(known_at: DayArg | None) -> str:
    """The state of knowledge in words."""
    if known_at is None:
        return "with everything recorded"
    return f"as known at {known_at.describe()}"


def scope(
    *,
    as_of: DayArg | None = None,
    known_at: DayArg | None = None,
    possible: bool = False,
    actor: str | None = None,
    children: bool = False,
    topic: str | None = None,
    reliability: Sequence[str] = (),
    extra: Iterable[str] = (),
) -> str:
    """Every filter of a question in words, to follow a noun: ' as of 31 Dec 2018, ...'.

    Without `as_of` the words start with a comma (', as known at ...'); without any
    filter they are empty.
    """
    parts = [] if as_of is None else [f"as of {as_of.describe()}"]
    if known_at is not None:
        parts.append(knowledge(known_at))
    if actor is not None:
        parts.append(f"for {actor}" + (" and the actors below it" if children else ""))
    if topic is not None:
        parts.append(f"on {topic}")
    if reliability:
        parts.append(f"from {' or '.join(reliability)} sources")
    parts.extend(extra)
    if possible:
        parts.append("counting what may have happened by then")
    if not parts:
        return ""
    return (" " if as_of is not None else ", ") + ", ".join(parts)


def listing(names: Iterable[str], *, limit: int = 12) -> str:
    """Names joined with commas, the rest counted."""
    shown = list(names)
    more = len(shown) - limit
    text = ", ".join(shown[:limit])
    return f"{text} and {more} more" if more > 0 else text
