"""The questions the upgrade fixture is asked, and its answers as plain JSON data.

The same function wrote `store-0.1.0.json` (with the code of timeline 0.1.0) and
`store-0.2.0.json` (with 0.2.0, on a store it imported from 0.1.0's lossless log,
its view left at schema 4), and computes today's answers, so a store written by
an earlier version is held to exactly what that version answered.
"""

from __future__ import annotations

from typing import Any

DAYS = ("2017-11-30", "2017-12-31", "2018-06-01", "2018-12-19", "2018-12-20", "2019-06-01")
KNOWN = (None, "2018-12-19", "2018-12-20", "2019-01-20", "2019-02-15")
PAIRS = (
    ("TUR", "s400-purchase"),
    ("USA", "s400-purchase"),
    ("USA.STATE", "patriot-sale"),
    ("USA.CONGRESS", "patriot-sale"),
    ("USA.CONGRESS", "s400-purchase"),
    ("RUS.KREMLIN", "s400-purchase"),
)


def position_data(position: Any) -> Any:
    """A position as JSON data, or None."""
    if position is None:
        return None
    return {
        "stance": str(position.stance),
        "since": position.since.text,
        "evidence": list(position.evidence),
        "tentative": position.tentative,
    }


def positions(timeline: Any) -> dict[str, Any]:
    """Every position on each day, knowledge day and certainty, keyed 'day|known|possible'."""
    found: dict[str, Any] = {}
    for day in DAYS:
        for known in KNOWN:
            for possible in (False, True):
                view = timeline.as_of(day, known_at=known, possible=possible)
                found[f"{day}|{known}|{possible}"] = {
                    f"{actor}/{topic}": position_data(p)
                    for (actor, topic), p in view.positions().items()
                }
    return found


def histories(timeline: Any) -> dict[str, Any]:
    """The change points of each pair as known on each knowledge day."""
    found: dict[str, Any] = {}
    for actor, topic in PAIRS:
        for known in KNOWN:
            for possible in (False, True):
                changes = timeline.history(actor, topic, known_at=known, possible=possible)
                found[f"{actor}/{topic}|{known}|{possible}"] = [
                    {
                        "day": change.day.isoformat(),
                        "before": position_data(change.before),
                        "after": position_data(change.after),
                        "causes": list(change.causes),
                    }
                    for change in changes
                ]
    return found


def explanations(timeline: Any) -> dict[str, Any]:
    """The claims behind each pair's position on a few days, with their status."""
    found: dict[str, Any] = {}
    for actor, topic in PAIRS:
        for day in ("2018-12-20", "2019-06-01"):
            for known in (None, "2019-01-20"):
                result = timeline.explain(actor, topic, day, known_at=known)
                found[f"{actor}/{topic}|{day}|{known}"] = {
                    "position": position_data(result.position),
                    "claims": [[c.development.id, str(c.stance), c.status] for c in result.claims],
                }
    return found


def answers(timeline: Any) -> dict[str, Any]:
    """Everything the fixture is asked, as JSON data."""
    return {
        "positions": positions(timeline),
        "histories": histories(timeline),
        "explanations": explanations(timeline),
    }
