"""The rows of the materialised view, computed from one development's `Entry`.

Each development is computed as *versions*: what was known about it during a
half-open span of knowledge days `[known_from, known_until)`.  Each version's
stance claims become *claim rows*.  Days are stored as proleptic ordinals so
that comparisons are integer comparisons in any SQL dialect.

Rows are recomputed from the development's whole `Entry` whenever any of its
events arrives; revisions apply in their own order (`Revision.order_key`), so a
late-recorded revision with an early report date reshapes earlier versions.  A
ranking makes a version too: a claim's rank is part of what is known about it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import pendulum

from timeline.engine._rule import Entry, source_key
from timeline.engine.values import Development
from timeline.engine.when import LAST_DAY
from timeline.projections._schema import RELIABILITY_CODES

__all__ = [
    "KNOWN_FOREVER",
    "RECORDED_FOREVER",
    "ClaimRow",
    "ClaimSpan",
    "DevelopmentRow",
    "claim_rows",
    "claim_spans",
    "day_of",
    "development_rows",
    "known_ordinal",
    "occurred_text",
    "ordinal",
    "stored_claim",
    "versions",
]

# The end of a span that is still open: known from some day on, for good.
KNOWN_FOREVER = LAST_DAY.toordinal() + 1
# The end of a recorded span that is still open: no later event has replaced it.  The
# view keeps notification ids in 32 bits (4 bytes a column, a row 8 bytes shorter on
# PostgreSQL), so it holds stores of up to 2,147,483,646 events.
RECORDED_FOREVER = 2**31 - 1
# Keys of the rows, without their recorded-from id: what a later version replaces.
CLAIM_KEY = 6
DEVELOPMENT_KEY = 2


def ordinal(day: dt.date) -> int:
    """The day as a proleptic ordinal (1 January of year 1 is 1)."""
    return day.toordinal()


def day_of(value: int) -> pendulum.Date:
    """The calendar day of an ordinal, as a pendulum date."""
    day = dt.date.fromordinal(value)
    return pendulum.Date(day.year, day.month, day.day)


def known_ordinal(known_at: dt.date | None) -> int:
    """The knowledge day as an ordinal; no day means everything recorded is known."""
    return LAST_DAY.toordinal() if known_at is None else known_at.toordinal()


class ClaimRow(NamedTuple):
    """One stance claim of one version: the bitemporal fact an as-of lookup searches."""

    actor: str
    topic: str
    occurred_earliest: int
    occurred_latest: int
    dev_id: str
    known_from: int
    known_until: int
    stance: int
    occurred: str  # the EDTF text, which becomes a position's `since`
    source_key: str  # the publisher, as `engine._rule.source_key` compares it
    reliability: int  # its code (`RELIABILITY_CODES`)
    rank: int  # `Rank.tier`: 1 preferred, 0 normal, -1 deprecated
    origins: int  # how many independent reports carry the version (`Development.origins`)


class ClaimSpan(NamedTuple):
    """A claim row as an explanation's page reads it: one version's claim on one pair."""

    dev_id: str
    occurred_earliest: int
    occurred_latest: int
    known_from: int
    known_until: int
    stance: int
    occurred: str
    rank: int
    versions: int  # how many versions the development has, claiming the pair or not


def claim_spans(entry: Entry, key: tuple[str, str]) -> list[ClaimSpan]:
    """The entry's claim rows on the pair `key`, as the view holds them."""
    spans = versions(entry)
    return [
        ClaimSpan(
            row.dev_id,
            row.occurred_earliest,
            row.occurred_latest,
            row.known_from,
            row.known_until,
            row.stance,
            row.occurred,
            row.rank,
            len(spans),
        )
        for row in claim_rows(spans)
        if (row.actor, row.topic) == key
    ]


def versions(entry: Entry) -> list[tuple[int, int, Development]]:
    """Each distinct state of the development with the knowledge span it held for."""
    if not (entry.revisions or entry.retractions or entry.rankings or entry.development.reports):
        # The common case, and the hot path of catch-up: one version, open-ended.
        start = entry.development.reported.latest.toordinal()
        return [(start, KNOWN_FOREVER, entry.development)]
    days = sorted(entry.knowledge_days())
    spans: list[tuple[int, int, Development]] = []
    for index, day in enumerate(days):
        development = entry.as_known(day)
        if development is None:
            continue
        until = days[index + 1].toordinal() if index + 1 < len(days) else KNOWN_FOREVER
        start = day.toordinal()
        if spans and spans[-1][1] == start and spans[-1][2] == development:
            # A revision that changes nothing leaves the version as it was.
            spans[-1] = (spans[-1][0], until, development)
        else:
            spans.append((start, until, development))
    return spans


def claim_rows(spans: list[tuple[int, int, Development]]) -> list[ClaimRow]:
    """The claim rows of a development's spans; adjacent identical claims are merged."""
    open_rows: dict[tuple[str, str], ClaimRow] = {}
    rows: list[ClaimRow] = []
    for start, until, development in spans:
        earliest = development.occurred.earliest.toordinal()
        latest = development.occurred.latest.toordinal()
        publisher = source_key(development.source.publisher)
        reliability = RELIABILITY_CODES[development.source.reliability.value]
        origins = development.origins()
        for claim in development.claims:
            row = ClaimRow(
                claim.actor,
                claim.topic,
                earliest,
                latest,
                development.id,
                start,
                until,
                claim.stance.value,
                development.occurred.text,
                publisher,
                reliability,
                claim.rank.tier,
                origins,
            )
            previous = open_rows.get((claim.actor, claim.topic))
            if previous is not None and previous.known_until == start and _same_fact(previous, row):
                # A revision elsewhere in the development does not split this claim.
                row = previous._replace(known_until=until)
                rows[rows.index(previous)] = row
            else:
                rows.append(row)
            open_rows[(claim.actor, claim.topic)] = row
    return rows


@functools.lru_cache(maxsize=1 << 15)
def _plain_text(earliest: int, latest: int) -> str:
    """The plainest EDTF text of a span of day ordinals: a day, a month, a year, or A/B
    (empty for a span with an open end, which no plain text writes)."""
    if not 0 < earliest <= latest < LAST_DAY.toordinal():
        return ""
    first, last = dt.date.fromordinal(earliest), dt.date.fromordinal(latest)
    if first == last:
        return first.isoformat()
    month_end = calendar.monthrange(last.year, last.month)[1]
    if (first.year, first.month, first.day, last.day) == (last.year, last.month, 1, month_end):
        return first.isoformat()[:7]
    if (first.year, first.month, first.day, last.month, last.day) == (last.year, 1, 1, 12, 31):
        return first.isoformat()[:4]
    return f"{first.isoformat()}/{last.isoformat()}"


def occurred_text(stored: str, earliest: int, latest: int) -> str:
    """A claim's occurred text as `stored_claim` keeps it: empty stands for the span's
    plainest text."""
    return stored or _plain_text(earliest, latest)


def stored_claim(row: ClaimRow) -> tuple[Any, ...]:
    """A claim row as the view's `claims` table keeps it (`projections._schema.CLAIMS`).

    Its source, reliability and origins are its version's, which `developments`
    holds; its occurred text is empty when it is the span's plainest (most are).
    """
    text = row.occurred
    stored = "" if text == _plain_text(row.occurred_earliest, row.occurred_latest) else text
    return (*row[:8], stored, row.rank)


def _same_fact(a: ClaimRow, b: ClaimRow) -> bool:
    # Everything but the knowledge span: a revision of the source splits the claim too.
    return a._replace(known_from=0, known_until=0) == b._replace(known_from=0, known_until=0)


class DevelopmentRow(NamedTuple):
    """One version of one development: what a listing as known at some day shows."""

    dev_id: str
    known_from: int
    known_until: int
    occurred_earliest: int
    occurred_latest: int
    source_key: str
    reliability: int  # its code (`RELIABILITY_CODES`)
    origins: int  # how many independent reports carry the version
    # The version as the store's transcoder encodes it, or empty when it is the
    # development as recorded: then `origin`, the notification id of the event
    # that recorded it, says where it is (else 0: no column is NULL).
    state: bytes
    origin: int


def development_rows(
    spans: list[tuple[int, int, Development]],
    encode: Callable[[Development], bytes],
    recorded: Development,
    origin: int,
) -> list[DevelopmentRow]:
    """The development rows of a development's spans (its versions).

    A version equal to `recorded` (the development as its event `origin` holds
    it) keeps no copy of it.
    """
    return [
        DevelopmentRow(
            development.id,
            start,
            until,
            development.occurred.earliest.toordinal(),
            development.occurred.latest.toordinal(),
            source_key(development.source.publisher),
            RELIABILITY_CODES[development.source.reliability.value],
            development.origins(),
            *((b"", origin) if development == recorded else (encode(development), 0)),
        )
        for start, until, development in spans
    ]
