"""Checks of a development's further reports: dated, none before its earliest, no repeats."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from timeline.engine.errors import RecordError

__all__ = ["check_reports", "sources"]


def sources(value: Iterable[Any]) -> tuple[Any, ...]:
    """The reports as a tuple."""
    return tuple(value)


def check_reports(development: Any) -> None:
    """Raises `RecordError` unless each further report is a dated `Source`, none
    published before the development's `reported` (its earliest report), no two the same."""
    if not development.reports:  # most developments: their source is their one report
        return
    from timeline.engine.values import Source

    seen: set[tuple[str, str | None]] = set()
    for n, report in enumerate(development.reports, 1):
        where = f"Development {development.id!r}: report {n}"
        if not isinstance(report, Source):
            raise RecordError(f"{where}: expected a Source, found {report!r}")
        if report.published is None:
            raise RecordError(f"{where} ({report.publisher}): expected its published day")
        if report.published.latest < development.reported.latest:
            raise RecordError(
                f"{where} ({report.publisher}): published {report.published.text}, before "
                f"the development's reported {development.reported.text}; the earliest "
                "report is the development's source, with its day as `reported`"
            )
        key = (" ".join(report.publisher.casefold().split()), report.url)
        if key in seen:
            raise RecordError(f"{where} ({report.publisher}): the same report twice")
        seen.add(key)
