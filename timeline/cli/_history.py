"""`history`: the days on which one actor's position on one topic changed, and why."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli import _text as words
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg
from timeline.cli._render import Column, stance_style
from timeline.cli._scope import read_scope, scope_options
from timeline.cli._whatif import opened, what_if

if TYPE_CHECKING:
    from timeline.engine import When
    from timeline.projections._history import Change

__all__ = ["history"]

COLUMNS = (
    Column("when"),
    Column("change"),
    Column("stance", style=stance_style),
    Column("since", under="stance"),
    Column("causes"),
)
HELP = """How ACTOR's position on TOPIC changed over story time, one row per change.

\b
A change is one of:
  began       the first claim that counts: the actor takes a stance
  changed     a later claim sets another stance (before -> after)
  reinforced  another claim of the same stance joins the run; since stays
  confirmed   only certainty changed: a tentative position became certain
              (with --possible, when its development's span ended)
  updated     same stance, but since or the evidence moved otherwise

The day is written as precisely as the development that caused it: a claim dated
2017-12 shows as 2017-12 (it counts from the end of that month), and one with an
open start (../2018-12-20) as "by 2018-12-20". Without --possible a claim counts
from the day it had surely happened (the end of its span); with it, from the
first day it may have happened.
"""


def when(change: Change, spans: dict[str, When], possible: bool) -> str:
    """The day of a change, written as precisely as the span of what caused it."""
    from timeline.engine.when import FIRST_DAY

    day: dt.date = change.day
    for cause in change.causes:
        span = spans.get(cause)
        if span is None:
            continue
        if day == FIRST_DAY and span.earliest == FIRST_DAY:
            end = words.moment(span, start=False)
            return f"by {end}" if end else "any time"
        if possible and span.earliest == day and (text := words.moment(span, start=True)):
            return text
        if span.latest == day and (text := words.moment(span, start=False)):
            coarse = len(text) != len("2018-12-20")  # a month, a year or a season
            return f"end of {text}" if possible and coarse and span.earliest != day else text
    return day.isoformat()


def _stances(change: Change) -> str:
    after = words.stance(change.after)
    if change.before is None or change.before.stance == getattr(change.after, "stance", None):
        return after
    return f"{words.stance(change.before)} -> {after}"


def change_json(change: Change) -> dict[str, Any]:
    """A change point as JSON: day, kind, before, after, causes."""
    return {
        "day": change.day.isoformat(),
        "kind": change.kind,
        "before": None if change.before is None else words.position_json(change.before),
        "after": None if change.after is None else words.position_json(change.after),
        "causes": list(change.causes),
    }


@click.command(
    help=HELP,
    short_help="How one actor's position on one topic changed.",
    epilog="Example: timeline history USA s400-purchase --known-at 2018-12-20",
)
@click.argument("actor")
@click.argument("topic")
@opt.known_at()
@opt.possible
@scope_options
@what_if
@opt.output()
@opt.store
@pass_app
def history(app: App, actor: str, topic: str, known_at: DayArg | None, possible: bool) -> None:
    """Prints the change points of a position."""
    tl = opened(app)
    registry = tl.registry
    actor, topic = registry.resolve("actor", actor), registry.resolve("topic", topic)
    known = None if known_at is None else known_at.day
    changes = tl.history(actor, topic, known_at=known, possible=possible, **read_scope().facade)
    spans = {d.id: d.occurred for d in tl.developments(known, actor=actor, topic=topic)}
    rows = [
        [
            when(c, spans, possible),
            c.kind,
            _stances(c),
            "" if c.after is None else words.span(c.after.since),
            ", ".join(c.causes),
        ]
        for c in changes
    ]
    document = {
        "actor": actor,
        "topic": topic,
        "known_at": None if known is None else known.isoformat(),
        "possible": possible,
        "changes": [{**change_json(c), "when": when(c, spans, possible)} for c in changes],
    }
    where = words.scope(known_at=known_at, possible=possible) + read_scope().words
    app.show(
        document,
        COLUMNS,
        rows,
        empty=f"No claims by {actor} on {topic} count{where}.",
        header=f"{actor} on {topic}{where}:",
    )
