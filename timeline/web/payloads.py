"""Read-model values as JSON-ready data in the shapes of `timeline.web.models`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from timeline.engine._rule import Position
from timeline.engine.values import Development, Stance
from timeline.engine.when import FIRST_DAY, LAST_DAY, When
from timeline.projections._diff import Diff
from timeline.projections._explain import Explanation
from timeline.projections._explain_page import ExplanationPage, page_of
from timeline.projections._history import Change
from timeline.projections._relations import Relations
from timeline.projections.export import development_record, position_record

__all__ = [
    "change",
    "chart_data",
    "day",
    "development",
    "diff",
    "explanation",
    "explanation_page",
    "position",
    "relations",
    "span",
]

Names = Callable[[str], str]


def day(value: dt.date | None) -> str | None:
    """A calendar day as `YYYY-MM-DD`, or None."""
    return None if value is None else value.isoformat()


def span(when: When) -> dict[str, Any]:
    """An EDTF date with the days it spans; an open side is None."""
    return {
        "text": when.text,
        "earliest": None if when.earliest == FIRST_DAY else when.earliest.isoformat(),
        "latest": None if when.latest == LAST_DAY else when.latest.isoformat(),
    }


def development(value: Development) -> dict[str, Any]:
    """A development's full record, its dates with their spans."""
    record = development_record(value)
    record["occurred"] = span(value.occurred)
    record["reported"] = span(value.reported)
    return record


def position(value: Position | None, names: Names) -> dict[str, Any] | None:
    """A position with the actor's name and the stance's value on the −2..+2 scale."""
    if value is None:
        return None
    record = position_record(value)
    return {
        **record,
        "actor_name": names(value.actor),
        "value": value.stance.value,
        "since": span(value.since),
    }


def change(value: Change, names: Names) -> dict[str, Any]:
    """One change point of a history."""
    return {
        "day": value.day.isoformat(),
        "kind": value.kind,
        "before": position(value.before, names),
        "after": position(value.after, names),
        "causes": list(value.causes),
    }


def diff(value: Diff, names: Names) -> dict[str, Any]:
    """The differences between two states."""
    return {
        "days": [d.isoformat() for d in value.days],
        "known_at": [day(k) for k in value.known_at],
        "possible": value.possible,
        "differences": [
            {
                "actor": d.actor,
                "topic": d.topic,
                "kind": d.kind,
                "stance_changed": d.stance_changed,
                "before": position(d.before, names),
                "after": position(d.after, names),
            }
            for d in value.differences
        ],
    }


def explanation(
    value: Explanation, names: Names, *, skip: int = 0, limit: int | None = None
) -> dict[str, Any]:
    """The rule, the position and the claims with their status and reason: every claim,
    or with `limit` the page of them before the `skip` latest (see `Explanation.latest`)."""
    return explanation_page(page_of(value, skip, limit or max(1, len(value.claims))), names)


def explanation_page(page: ExplanationPage, names: Names) -> dict[str, Any]:
    """`explanation` of a page read on its own (`Timeline.explain_page`)."""
    value = page.explanation
    return {
        "actor": value.actor,
        "topic": value.topic,
        "day": value.day.isoformat(),
        "known_at": day(value.known_at),
        "possible": value.possible,
        "position": position(value.position, names),
        "rule": value.rule,
        "claims": [
            {
                "status": c.status,
                "stance": str(c.stance),
                "quote": c.quote,
                "reason": c.reason,
                "development": development(c.development),
            }
            for c in value.claims
        ],
        "total": page.total,
        "skip": page.skip,
        "earlier": page.earlier,
    }


def relations(value: Relations) -> dict[str, Any]:
    """The score per period."""
    return {
        "a": value.a,
        "b": value.b,
        "by": value.by,
        "known_at": day(value.known_at),
        "score": float(value.score),
        "periods": [
            {
                "label": p.label,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "cooperation": float(p.cooperation),
                "conflict": float(p.conflict),
                "score": float(p.score),
                "mean": float(p.mean),
                "developments": list(p.developments),
            }
            for p in value.periods
        ],
    }


def _plain(_: Any, __: Any, value: Any) -> Any:
    if isinstance(value, dt.date):
        return None if value in (FIRST_DAY, LAST_DAY) else value.isoformat()
    if isinstance(value, Stance):
        return str(value)
    if isinstance(value, When):
        return span(value)
    return value


def chart_data(chart: Any) -> dict[str, Any]:
    """A chart's data (`projections.charts` values) as plain JSON; open days are None."""
    data: dict[str, Any] = attrs.asdict(chart, value_serializer=_plain)
    return data


def listing(values: Iterable[Development]) -> list[dict[str, Any]]:
    """Developments as records."""
    return [development(d) for d in values]


def positions(values: Mapping[Any, Position], names: Names) -> list[dict[str, Any]]:
    """Positions as records, in the order given."""
    return [p for p in (position(v, names) for v in values.values()) if p is not None]
