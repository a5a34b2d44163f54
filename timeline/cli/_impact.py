"""`impact` and `sources`: what depends on a development or a source, and who carries a position.

Also the counterfactual options of every read command (`scope_options`:
`--without-source NAME`, `--only RELIABILITY`), and the words `retract` prints
for what a retraction changed.  Everything here is computed by reading the view
again without the development or source (`timeline._impact`), never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import click

from timeline.cli import _options as opt
from timeline.cli import _text as words
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg
from timeline.cli._render import Column, stance_style

if TYPE_CHECKING:
    import datetime as dt

    from timeline import Timeline
    from timeline.engine import Position
    from timeline.projections.diff import Difference
    from timeline.projections.history import Change
    from timeline.projections.impact import (
        ChangeImpact,
        Contribution,
        Impact,
        PeriodImpact,
        Sources,
        SourceShare,
    )
    from timeline.projections.relations import Period

__all__ = [
    "ReadScope",
    "impact",
    "impact_json",
    "impact_summary",
    "read_scope",
    "retraction_impact",
    "scope_options",
    "sources",
]

F = TypeVar("F", bound=Callable[..., Any])
PERIODS = ("day", "week", "month", "quarter", "year")
_SCOPE = "timeline.read_scope"


# -- the counterfactual options of every read ----------------------------------------


@attrs.frozen
class ReadScope:
    """A read's counterfactual, as given on the command line."""

    without_sources: tuple[str, ...] = ()
    only: tuple[str, ...] = ()

    @property
    def facade(self) -> dict[str, Any]:
        """Keyword arguments for `Timeline.as_of`, `history`, `diff`, `explain`, `relations`."""
        return {
            "without_sources": self.without_sources,
            "only_reliability": list(self.only) or None,
        }

    def reliability(self, given: Sequence[str] = ()) -> list[str] | None:
        """`--only` joined with a command's own `--reliability` filter: both must hold."""
        if not self.only:
            return list(given) or None
        if not given:
            return list(self.only)
        return [r for r in self.only if r in {g.lower() for g in given}]

    @property
    def words(self) -> str:
        """The counterfactual in words, to follow a command's scope: ', without ...'."""
        parts = []
        if self.without_sources:
            parts.append(f"without what {' or '.join(self.without_sources)} reported")
        if self.only:
            parts.append(f"counting only {' or '.join(self.only)} sources")
        return "".join(f", {part}" for part in parts)

    def json(self) -> dict[str, Any]:
        """The counterfactual as JSON, to add to a command's document."""
        return {"without_sources": list(self.without_sources), "only": list(self.only)}


def _keep(field: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, given: Any) -> None:
        values = tuple(v.lower() for v in given) if field == "only" else tuple(given)
        current = ctx.meta.get(_SCOPE, ReadScope())
        ctx.meta[_SCOPE] = attrs.evolve(current, **{field: tuple(dict.fromkeys(values))})

    return callback


def scope_options(function: F) -> F:
    """`--without-source NAME` and `--only RELIABILITY` (both repeatable), for `read_scope()`."""
    function = click.option(
        "--only",
        multiple=True,
        type=click.Choice(opt.RELIABILITIES, case_sensitive=False),
        expose_value=False,
        callback=_keep("only"),
        help="Count only sources of this reliability (repeatable): what the story says on "
        "their word alone.",
    )(function)
    return click.option(
        "--without-source",
        multiple=True,
        metavar="NAME",
        expose_value=False,
        callback=_keep("without_sources"),
        help="Leave out what this publisher reported (repeatable, any case): what the story "
        "says without it.",
    )(function)


def read_scope(ctx: click.Context | None = None) -> ReadScope:
    """The counterfactual the running command was given (`scope_options`)."""
    ctx = ctx or click.get_current_context()
    found: ReadScope = ctx.meta.get(_SCOPE, ReadScope())
    return found


# -- words for positions, change points and periods -----------------------------------


def _held(position: Position | None) -> str:
    if position is None:
        return "no position"
    since = words.span(position.since)
    joined = f"begun {since}" if since.startswith("by ") else f"since {since}"
    return f"{words.stance(position)} {joined}"


def _what(difference: Difference) -> str:
    from timeline.cli._compare import what_changed

    if difference.after is None:
        return "no position"
    if difference.before is None:
        return "a position"
    return ", ".join(what_changed(difference))


def _change(change: Change | None) -> str:
    if change is None:
        return "-"
    after = words.stance(change.after)
    before = change.before
    if before is not None and change.after is not None and before.stance != change.after.stance:
        after = f"{words.stance(before)} -> {after}"
    return f"{change.kind} {after}"


def _day(day: dt.date) -> str:
    from timeline.engine.when import FIRST_DAY

    return "from the start" if day == FIRST_DAY else day.isoformat()


def _score(period: Period | None) -> str:
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


def _position_json(position: Position | None) -> dict[str, Any] | None:
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
        "now": _position_json(d.before),
        "without": _position_json(d.after),
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
            f"{d.actor} on {d.topic} ({_held(d.before)} -> {_held(d.after)})"
            if d.after is None or d.before is None or d.stance_changed
            else f"{d.actor} on {d.topic} ({_what(d)})"
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
        [d.actor, d.topic, _what(d), _held(d.before), _held(d.after)] for d in found.positions
    ]
    changes = [
        [c.actor, c.topic, _day(c.day), _change(c.actual), _change(c.without)]
        for c in found.changes
    ]
    periods = [
        [_subject(p.a, p.b), p.label, _score(p.actual), _score(p.without), ", ".join(_lost(p))]
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


# -- sources ----------------------------------------------------------------------


SOURCE_COLUMNS = (
    Column("source"),
    Column("reliability", under="source"),
    Column("attribution", under="source"),
    Column("claims"),
    Column("without it", style=stance_style),
)
SOURCE_CSV = tuple(
    Column(name)
    for name in ("publisher", "reliability", "attribution", "development", "occurred", "stance",
                 "evidence", "without_source", "without_publisher")
)  # fmt: skip
SOURCES_HELP = """Which sources carry ACTOR's position on TOPIC as of day D: for each
source (publisher, reliability and attribution, as known), the claims it
contributes, and the position without it.

\b
Every claim on the pair that counts as of D is listed under its source; those
the position rests on are marked, the rest were overtaken. "Without it" is the
position read again without that source's developments (not guessed): "same"
when nothing would change. Then, for each publisher, the position without
anything it reported (as 'timeline positions --without-source NAME' shows it).
"""


def _without(position: Position | None, without: Position | None, differs: bool) -> str:
    """The position without a source: 'same', or what it would be and what moved."""
    if not differs:
        return "same"
    if position is None or without is None or position.stance != without.stance:
        return _held(without)
    from timeline.projections.diff import Difference

    moved = _what(Difference(position.actor, position.topic, "changed", position, without))
    return f"{_held(without)} ({moved})"


def _claims_cell(share: SourceShare) -> str:
    return ", ".join(
        f"{c.dev_id} ({c.stance}{'' if c.evidence else ', overtaken'})" for c in share.contributions
    )


def _contribution_json(c: Contribution) -> dict[str, Any]:
    return {
        "development": c.dev_id,
        "occurred": c.occurred.text,
        "stance": str(c.stance),
        "quote": c.quote,
        "evidence": c.evidence,
    }


def sources_json(found: Sources) -> dict[str, Any]:
    """The sources of a position as JSON."""
    return {
        "actor": found.actor,
        "topic": found.topic,
        "as_of": found.day.isoformat(),
        "known_at": words.day_json(found.known_at),
        "possible": found.possible,
        "position": _position_json(found.position),
        "publishers": [
            {
                "publisher": p.publisher,
                "without": _position_json(p.without),
                "differs": p.differs,
                "sources": [
                    {
                        "publisher": s.publisher,
                        "reliability": str(s.reliability),
                        "attribution": s.attribution,
                        "claims": [_contribution_json(c) for c in s.contributions],
                        "without": _position_json(s.without),
                        "differs": s.differs,
                    }
                    for s in p.sources
                ],
            }
            for p in found.publishers
        ],
    }


@click.command(
    help=SOURCES_HELP,
    short_help="Which sources carry a position, and what it is without each.",
    epilog="Example: timeline sources TUR s400-purchase --as-of 2018-12-31",
)
@click.argument("actor")
@click.argument("topic")
@opt.as_of
@opt.known_at()
@opt.possible
@opt.output()
@opt.store
@pass_app
def sources(
    app: App, actor: str, topic: str, as_of: DayArg, known_at: DayArg | None, possible: bool
) -> None:
    """Prints the sources of a position."""
    from timeline._impact import sources as find

    tl = app.timeline()
    known = None if known_at is None else known_at.day
    found = find(tl, actor, topic, as_of=as_of.day, known_at=known, possible=possible)
    if app.form == "json":
        app.out.json(sources_json(found))
        return
    if app.form == "csv":
        rows = [
            [s.publisher, str(s.reliability), s.attribution or "", c.dev_id, c.occurred.text,
             str(c.stance), "yes" if c.evidence else "no",
             _without(found.position, s.without, s.differs),
             _without(found.position, p.without, p.differs)]
            for p in found.publishers for s in p.sources for c in s.contributions
        ]  # fmt: skip
        app.out.csv(SOURCE_CSV, rows)
        return
    where = words.scope(as_of=as_of, known_at=known_at, possible=possible)
    subject = f"{found.actor} on {found.topic}{where}"
    if not found.publishers:
        app.out.line(f"{subject}: no position; no claim counts.")
        return
    position = found.position
    assert position is not None
    app.out.line(f"{subject}: {_held(position)}, resting on {', '.join(position.evidence)}.")
    app.out.line("")
    rows = [
        [s.publisher, str(s.reliability), s.attribution or "", _claims_cell(s),
         _without(found.position, s.without, s.differs)]
        for s in found.shares
    ]  # fmt: skip
    app.out.table(SOURCE_COLUMNS, rows, wide=app.wide)
    app.out.line("")
    for p in found.publishers:
        outcome = _without(found.position, p.without, p.differs) if p.differs else "the same"
        app.out.line(f"Without anything {p.publisher} reported: {outcome}.")
