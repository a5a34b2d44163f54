"""Words and JSON for an impact: positions, change points and periods, now and without.

The `impact` and `sources` commands print them, and `retract` says with them what
a retraction changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from timeline.cli import _text as words

if TYPE_CHECKING:
    import datetime as dt

    from timeline.engine import Position
    from timeline.projections._diff import Difference
    from timeline.projections._history import Change
    from timeline.projections._impact import ChangeImpact, Impact, PeriodImpact
    from timeline.projections._relations import Period

__all__ = [
    "change_words",
    "day_words",
    "difference_words",
    "held",
    "impact_json",
    "impact_summary",
    "optional_position_json",
    "score_words",
]


def held(position: Position | None) -> str:
    """A position in words with the day it began ('... since 2018'), or 'no position'."""
    if position is None:
        return "no position"
    since = words.span(position.since)
    joined = f"begun {since}" if since.startswith("by ") else f"since {since}"
    return f"{words.stance(position)} {joined}"


def difference_words(difference: Difference) -> str:
    """What differs in a position, in words: the parts that changed, or that it came or went."""
    from timeline.cli._compare import what_changed

    if difference.after is None:
        return "no position"
    if difference.before is None:
        return "a position"
    return ", ".join(what_changed(difference))


def change_words(change: Change | None) -> str:
    """A change point in words: its kind and the stance it moved to (from what, if it moved)."""
    if change is None:
        return "-"
    after = words.stance(change.after)
    before = change.before
    if before is not None and change.after is not None and before.stance != change.after.stance:
        after = f"{words.stance(before)} -> {after}"
    return f"{change.kind} {after}"


def day_words(day: dt.date) -> str:
    """A change point's day, or 'from the start' for the first day there is."""
    from timeline.engine.when import FIRST_DAY

    return "from the start" if day == FIRST_DAY else day.isoformat()


def score_words(period: Period | None) -> str:
    """A period's score, signed to one decimal, or '-' where there is no period."""
    return "-" if period is None else f"{period.score:+.1f}"


def _period_json(period: Period | None) -> dict[str, Any] | None:
    if period is None:
        return None
    return {
        "cooperation": period.cooperation,
        "conflict": period.conflict,
        "score": period.score,
        "developments": list(period.developments),
    }


def _change_json(change: Change | None) -> dict[str, Any] | None:
    if change is None:
        return None
    from timeline.cli._history import change_json

    return change_json(change)


def optional_position_json(position: Position | None) -> dict[str, Any] | None:
    """A position as JSON, or None where there is no position."""
    return None if position is None else words.position_json(position)


def impact_json(found: Impact) -> dict[str, Any]:
    """An impact as JSON: what is left out, then positions, change points and periods."""
    return {
        "development": found.dev_id,
        "source": found.source,
        "as_of": found.day.isoformat(),
        "known_at": words.day_json(found.known_at),
        "possible": found.possible,
        "by": found.by,
        "left_out": list(found.left_out),
        "positions": [_difference_json(d) for d in found.positions],
        "changes": [_change_impact_json(c) for c in found.changes],
        "periods": [_period_impact_json(p) for p in found.periods],
    }


def _difference_json(d: Difference) -> dict[str, Any]:
    return {
        "actor": d.actor,
        "topic": d.topic,
        "change": d.kind,
        "now": optional_position_json(d.before),
        "without": optional_position_json(d.after),
    }


def _change_impact_json(c: ChangeImpact) -> dict[str, Any]:
    return {
        "actor": c.actor,
        "topic": c.topic,
        "day": c.day.isoformat(),
        "change": c.kind,
        "now": _change_json(c.actual),
        "without": _change_json(c.without),
    }


def _period_impact_json(p: PeriodImpact) -> dict[str, Any]:
    return {
        "a": p.a,
        "b": p.b,
        "period": p.label,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "now": _period_json(p.actual),
        "without": _period_json(p.without),
    }


def _counted(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def impact_summary(found: Impact) -> list[str]:
    """What an impact changes, in a few lines for people."""
    if not found:
        return ["No position, change point or relations period rested on it."]
    lines = []
    if found.positions:
        shown = [
            f"{d.actor} on {d.topic} ({held(d.before)} -> {held(d.after)})"
            if d.after is None or d.before is None or d.stance_changed
            else f"{d.actor} on {d.topic} ({difference_words(d)})"
            for d in found.positions
        ]
        lines.append(
            f"{_counted(len(found.positions), 'position')}: {words.listing(shown, limit=4)}"
        )
    if found.changes:
        pairs = dict.fromkeys(f"{c.actor} on {c.topic}" for c in found.changes)
        lines.append(
            f"{_counted(len(found.changes), 'history change point')}, of "
            f"{words.listing(pairs, limit=4)}"
        )
    if found.periods:
        shown = [f"{p.a} and {p.b} in {p.label}" for p in found.periods]
        lines.append(
            f"{_counted(len(found.periods), 'relations period')}: {words.listing(shown, limit=4)}"
        )
    return lines
