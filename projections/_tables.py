"""CSV tables of developments and of position change points, with ISO dates pandas can parse.

Every time is its own column: a span's first and last day (`*_earliest`, `*_latest`,
ISO `YYYY-MM-DD`, left empty for an open or unknown end), its EDTF text beside them,
and the store's recording time (`recorded`, ISO 8601 with UTC offset).  Lists are
joined with `; `; claims read `actor topic stance`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from timeline.engine import Development, When
from timeline.engine.when import FIRST_DAY, LAST_DAY
from timeline.projections._history import Change

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGE_DATES",
    "DEVELOPMENT_COLUMNS",
    "DEVELOPMENT_DATES",
    "DEVELOPMENT_TIMES",
    "change_rows",
    "development_rows",
    "safe_cell",
    "write_csv",
]

DEVELOPMENT_COLUMNS = (
    "id",
    "kind",
    "summary",
    "actors",
    "targets",
    "occurred",
    "occurred_earliest",
    "occurred_latest",
    "occurred_precision",
    "occurred_approximate",
    "occurred_uncertain",
    "occurred_as_written",
    "reported",
    "reported_earliest",
    "reported_latest",
    "recorded",
    "revised",
    "publisher",
    "reliability",
    "attribution",
    "url",
    "claims",
)
# Columns of calendar days, and of timestamps (pass both to pandas' parse_dates).
DEVELOPMENT_DATES = ("occurred_earliest", "occurred_latest", "reported_earliest", "reported_latest")
DEVELOPMENT_TIMES = ("recorded", "revised")

CHANGE_COLUMNS = (
    "actor",
    "topic",
    "day",
    "change",
    "stance_before",
    "stance",
    "since",
    "since_earliest",
    "since_latest",
    "tentative",
    "evidence",
    "causes",
)
CHANGE_DATES = ("day", "since_earliest", "since_latest")

Row = Sequence[str]


def _day(day: dt.date) -> str:
    return "" if day in (FIRST_DAY, LAST_DAY) else day.isoformat()


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _time(value: dt.datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _span(when: When) -> list[str]:
    return [when.text, _day(when.earliest), _day(when.latest)]


def development_rows(
    developments: Iterable[Development],
    recorded: Mapping[str, dt.datetime],
    revised: Mapping[str, dt.datetime],
) -> list[Row]:
    """One row per development (as given: as known at the export's knowledge day)."""
    rows: list[Row] = []
    for development in developments:
        occurred, source = development.occurred, development.source
        claims = "; ".join(f"{c.actor} {c.topic} {c.stance}" for c in development.claims)
        rows.append(
            [
                development.id,
                str(development.kind),
                development.summary,
                "; ".join(development.actors),
                "; ".join(development.targets),
                *_span(occurred),
                occurred.precision.value,
                _flag(occurred.approximate),
                _flag(occurred.uncertain),
                development.occurred_as_written or "",
                *_span(development.reported),
                _time(recorded.get(development.id)),
                _time(revised.get(development.id)),
                source.publisher,
                str(source.reliability),
                source.attribution or "",
                source.url or "",
                claims,
            ]
        )
    return rows


def change_rows(changes: Iterable[tuple[str, str, Change]]) -> list[Row]:
    """One row per change point of a position, by (actor, topic) then day."""
    rows: list[Row] = []
    for actor, topic, change in changes:
        before, after = change.before, change.after
        since = after.since if after is not None else None
        rows.append(
            [
                actor,
                topic,
                change.day.isoformat(),
                change.kind,
                "" if before is None else str(before.stance),
                "" if after is None else str(after.stance),
                *(_span(since) if since is not None else ["", "", ""]),
                _flag(after is not None and after.tentative),
                "; ".join(after.evidence) if after is not None else "",
                "; ".join(change.causes),
            ]
        )
    return rows


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV
# Injection"); tab and carriage return too, since some programs drop them first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: str) -> str:
    """The cell with a `'` put before a leading `=`, `+`, `-`, `@`, tab or CR, so that no
    spreadsheet runs it as a formula; a plain number (`-26.4`) is left as it is."""
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _field(value: str) -> str:
    value = safe_cell(value)
    # Quoted also when it holds '#', so that a reader skipping '#' comments (pandas'
    # comment='#') never cuts a field short: a '#' inside quotes is text.
    if value and (any(c in value for c in ',"\r\n#') or value != value.strip()):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """CSV text (RFC 4180 quoting, also around any '#'; formula cells neutralised by
    `safe_cell`) with a header and `\\n` line ends."""
    lines = [",".join(map(_field, row)) for row in [columns, *rows]]
    return "".join(line + "\n" for line in lines)
