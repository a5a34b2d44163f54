"""`impact`: what depends on a development or a source, read again without it.

Everything is computed by reading the view again without the development or
source (`timeline._impact`), never guessed.  The words and JSON of an impact
are in `_impact_text` (`retract` prints them too), the counterfactual options of
every read in `_scope`, and the `sources` command in `_sources`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from timeline.cli import _options as opt
from timeline.cli import _text as words
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg
from timeline.cli._impact_text import (
    change_words,
    day_words,
    difference_words,
    held,
    impact_json,
    impact_summary,
    score_words,
)
from timeline.cli._render import Column, stance_style
from timeline.cli._scope import ReadScope, read_scope, scope_options

if TYPE_CHECKING:
    from timeline import Timeline
    from timeline.projections._impact import Impact, PeriodImpact

__all__ = [
    "ReadScope",
    "impact",
    "impact_json",
    "impact_summary",
    "read_scope",
    "retraction_impact",
    "scope_options",
]

PERIODS = ("day", "week", "month", "quarter", "year")


def retraction_impact(tl: Timeline, dev_id: str) -> Impact:
    """What retracting `dev_id` changes with everything recorded, as of today (ask first)."""
    from timeline._impact import impact as find

    return find(tl, dev_id)


# -- impact -----------------------------------------------------------------------


POSITION_COLUMNS = (
    Column("actor"),
    Column("topic", under="actor"),
    Column("change"),
    Column("now", style=stance_style),
    Column("without", style=stance_style),
)
CHANGE_COLUMNS = (
    Column("actor"),
    Column("topic", under="actor"),
    Column("day"),
    Column("now"),
    Column("without"),
)
PERIOD_COLUMNS = (
    Column("actors"),
    Column("period"),
    Column("score"),
    Column("without"),
    Column("left out"),
)
CSV_COLUMNS = tuple(
    Column(name) for name in ("part", "subject", "when", "change", "now", "without")
)
IMPACT_HELP = """What would differ if development ID (or, with --source, everything a
publisher reported) were retracted: the positions as of day D, the history change
points and the relations periods that rest on it.

\b
Computed by reading the story twice, as it stands and without the
development (or source), never guessed:
  positions      as of D, of every (actor, topic) it claims
  change points  of those positions, on any day ('timeline history')
  periods        relations scores ('timeline relations') of every two
                 actors it names (actors, targets, claimants), with the
                 actors below them unless --exact
Everything is as known at --known-at (default: everything recorded).
"""


def _lost(period: PeriodImpact) -> list[str]:
    """The developments a period would lose."""
    now = () if period.actual is None else period.actual.developments
    kept = set(() if period.without is None else period.without.developments)
    return [d for d in now if d not in kept]


def _subject(a: str, b: str) -> str:
    return f"{a} / {b}"


@click.command(
    help=IMPACT_HELP,
    short_help="What would differ without a development or a source.",
    epilog="Examples: timeline impact cavusoglu-keeps-s400-deal --as-of 2018-12-31; "
    "timeline impact --source Sputnik --as-of 2018-12-31",
)
@click.argument("dev_id", metavar="[ID]", required=False)
@click.option("--source", metavar="PUBLISHER", help="Everything this publisher reported instead.")
@opt.as_of
@opt.known_at()
@opt.possible
@click.option("--by", type=click.Choice(PERIODS), default="month", show_default=True,
              help="The relations periods.")  # fmt: skip
@click.option("--exact", is_flag=True, help="Relations of the actors named only, not those "
              "below them.")  # fmt: skip
@opt.output()
@opt.store
@pass_app
def impact(
    app: App,
    dev_id: str | None,
    source: str | None,
    as_of: DayArg,
    known_at: DayArg | None,
    possible: bool,
    by: str,
    exact: bool,
) -> None:
    """Prints what depends on a development or a source."""
    from timeline._impact import impact as find

    if (dev_id is None) == (source is None):
        raise click.UsageError("impact needs a development ID or --source PUBLISHER, not both")
    tl = app.timeline()
    if dev_id is not None:
        tl.entry(dev_id)  # an unknown id is refused with the ids it may have meant
    found = find(
        tl, dev_id, source=source, as_of=as_of.day, known_at=None if known_at is None else
        known_at.day, possible=possible, by=by, children=not exact,
    )  # fmt: skip
    document = impact_json(found)
    what = dev_id if dev_id is not None else f"everything {found.source} reported"
    where = words.scope(as_of=as_of, known_at=known_at, possible=possible)
    positions = [
        [d.actor, d.topic, difference_words(d), held(d.before), held(d.after)]
        for d in found.positions
    ]
    changes = [
        [c.actor, c.topic, day_words(c.day), change_words(c.actual), change_words(c.without)]
        for c in found.changes
    ]
    periods = [
        [
            _subject(p.a, p.b),
            p.label,
            score_words(p.actual),
            score_words(p.without),
            ", ".join(_lost(p)),
        ]
        for p in found.periods
    ]
    if app.form == "json":
        app.out.json(document)
        return
    if app.form == "csv":
        rows = [["position", f"{r[0]} {r[1]}", found.day.isoformat(), *r[2:]] for r in positions]
        rows += [["change", f"{r[0]} {r[1]}", r[2], "", *r[3:]] for r in changes]
        rows += [["period", r[0], r[1], "", *r[2:4]] for r in periods]
        app.out.csv(CSV_COLUMNS, rows)
        return
    if not found.left_out and source is not None:
        app.out.line(f"Nothing reported by {found.source} counts{where}: nothing rests on it.")
        app.hint("a publisher is matched by its name, in any case; 'timeline developments "
                 "--wide' shows each development's source")  # fmt: skip
        return
    if not found.left_out:
        app.out.line(f"{what} does not count{where}: nothing rests on it.")
        return
    if not found:
        app.out.line(f"Nothing would differ without {what}{where}.")
        return
    app.out.line(f"Without {what}{where}:")
    for title, columns, rows in (
        ("Positions", POSITION_COLUMNS, positions),
        ("History change points (on any day)", CHANGE_COLUMNS, changes),
        (f"Relations by {by}", PERIOD_COLUMNS, periods),
    ):
        if rows:
            app.out.line("")
            app.out.line(f"{title}:")
            app.out.table(columns, rows, wide=app.wide)
    if source is not None and len(found.left_out) > 1:
        app.out.line("")
        app.out.line(f"Left out: {words.listing(found.left_out)}.")
