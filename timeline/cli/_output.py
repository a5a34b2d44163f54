"""What the `timeline` command prints: aligned tables for people, JSON for programs.

JSON keys are stable and dates are EDTF text (a single day is `YYYY-MM-DD`), so a
program can parse every date with `engine.When`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from timeline.engine import Development, Position
from timeline.projections.export import development_record

__all__ = [
    "change_row",
    "development_json",
    "development_row",
    "dump",
    "position_json",
    "position_row",
    "table",
]

POSITION_COLUMNS = ("actor", "topic", "stance", "since", "tentative", "evidence")
DEVELOPMENT_COLUMNS = ("id", "occurred", "reported", "kind", "summary")
CHANGE_COLUMNS = ("day", "change", "before", "after", "since", "tentative", "causes")


def day_text(day: dt.date | None) -> str | None:
    """A calendar day as EDTF text, or None."""
    return None if day is None else day.isoformat()


def table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Aligned plain-text columns under a header; the last column is never padded."""
    lines = [list(columns), *(list(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns) - 1)]
    lines.insert(1, ["-" * len(name) for name in columns])
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(line, widths, strict=False)), line[-1]])
        for line in lines
    )


def dump(document: Any) -> str:
    """JSON text for programs: indented, keys in a fixed order, non-ASCII kept."""
    return json.dumps(document, indent=2, ensure_ascii=False)


def position_json(position: Position) -> dict[str, Any]:
    """A position as JSON: actor, topic, stance, since, tentative, evidence."""
    return {
        "actor": position.actor,
        "topic": position.topic,
        "stance": str(position.stance),
        "since": position.since.text,
        "tentative": position.tentative,
        "evidence": list(position.evidence),
    }


def position_row(position: Position) -> list[str]:
    """A position as table cells, in `POSITION_COLUMNS` order."""
    return [
        position.actor,
        position.topic,
        str(position.stance),
        position.since.text,
        "yes" if position.tentative else "no",
        ", ".join(position.evidence),
    ]


def development_json(development: Development) -> dict[str, Any]:
    """A development as JSON, with every field of the record."""
    return development_record(development)


def development_row(development: Development) -> list[str]:
    """A development as table cells, in `DEVELOPMENT_COLUMNS` order."""
    occurred = development.occurred.text
    if development.occurred_as_written:
        occurred += f' ("{development.occurred_as_written}")'
    return [
        development.id,
        occurred,
        development.reported.text,
        str(development.kind),
        development.summary,
    ]


def change_json(change: Any) -> dict[str, Any]:
    """A change point of a position's history as JSON: day, kind, before, after, causes."""
    return {
        "day": day_text(change.day),
        "kind": getattr(change, "kind", None),
        "before": None if change.before is None else position_json(change.before),
        "after": None if change.after is None else position_json(change.after),
        "causes": list(getattr(change, "causes", ())),
    }


def change_row(change: Any) -> list[str]:
    """A change point as table cells, in `CHANGE_COLUMNS` order."""
    before: Position | None = change.before
    after: Position | None = change.after
    return [
        str(day_text(change.day)),
        str(getattr(change, "kind", "")),
        stance_text(before),
        stance_text(after),
        "" if after is None else after.since.text,
        "" if after is None else ("yes" if after.tentative else "no"),
        ", ".join(getattr(change, "causes", ())),
    ]


def stance_text(position: Position | None) -> str:
    """A position's stance as a table cell, or '-' for none."""
    return "-" if position is None else str(position.stance)
