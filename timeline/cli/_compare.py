"""`diff` and `relations`: how positions moved between two states, and how two actors got on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli import _text as words
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg
from timeline.cli._render import Column
from timeline.cli._scope import read_scope, scope_options
from timeline.cli._whatif import opened, what_if

if TYPE_CHECKING:
    from timeline.projections._diff import Difference

__all__ = ["diff", "relations", "what_changed"]

DIFF_COLUMNS = (
    Column("actor"),
    Column("topic", under="actor"),
    Column("change"),
    Column("before"),
    Column("after", under="before"),
)
PERIODS = ("day", "week", "month", "quarter", "year")


def what_changed(difference: Difference) -> list[str]:
    """What differs between the two positions, in words: 'stance', 'became certain', ..."""
    before, after = difference.before, difference.after
    if before is None or after is None:
        return [difference.kind]
    found = []
    if before.stance != after.stance:
        found.append("stance")
    if before.tentative != after.tentative:
        found.append("became tentative" if after.tentative else "became certain")
    old, new = set(before.evidence), set(after.evidence)
    if old < new:
        found.append("more evidence")
    elif new < old:
        found.append("less evidence")
    elif old != new:
        found.append("different evidence")
    if before.since != after.since:
        found.append("since")
    return found or ["changed"]


def _held(position: Any) -> str:
    if position is None:
        return "-"
    since = words.span(position.since)
    if since.startswith("by "):
        return f"{words.stance(position)}, begun {since}"
    return f"{words.stance(position)} since {since}"


def _state(day: DayArg, known: DayArg | None) -> str:
    return f"{day.describe()} {words.knowledge(known)}"


@click.command(
    short_help="What changed between two days, or two states of knowledge.",
    epilog="Examples: timeline diff 2018-01-01 2019-01-01; "
    "timeline diff 2018-12-31 --known-at 2018-12-19 --vs-known-at now",
)
@click.argument("d1", type=opt.DAY)
@click.argument("d2", type=opt.DAY, required=False)
@opt.known_at(what="What was known at day K, on the first side (default: everything).")
@opt.known_at("--vs-known-at", "What was known at day K2, on the second side (default: K).", "K2")
@opt.possible
@scope_options
@what_if
@opt.output()
@opt.store
@pass_app
def diff(
    app: App,
    d1: DayArg,
    d2: DayArg | None,
    known_at: DayArg | None,
    vs_known_at: DayArg | None,
    possible: bool,
) -> None:
    """Positions added, removed or changed from day D1 to day D2 (default D1), or from
    what was known at --known-at to what was known at --vs-known-at.

    The change column says what moved: the stance, "became certain" (a tentative
    position whose development surely happened by then) or "became tentative", "more
    evidence" or "less evidence" (claims joined or left its run), "different evidence"
    (some joined and others left), or "since" (the run now starts elsewhere).
    """
    if d2 is None and vs_known_at is None:
        raise click.UsageError("diff needs a second day D2 or --vs-known-at K2")
    second_known = known_at if vs_known_at is None else vs_known_at
    second_day = d1 if d2 is None else d2
    tl = opened(app)
    result = tl.diff(
        d1.day, second_day.day, known_at=None if known_at is None else known_at.day,
        vs_known_at=None if second_known is None else second_known.day, possible=possible,
        **read_scope().facade,
    )  # fmt: skip
    rows, records = [], []
    for d in result.differences:
        what = what_changed(d)
        rows.append([d.actor, d.topic, ", ".join(what), _held(d.before), _held(d.after)])
        records.append({
            "actor": d.actor, "topic": d.topic, "change": d.kind, "what": what,
            "before": None if d.before is None else words.position_json(d.before),
            "after": None if d.after is None else words.position_json(d.after),
        })  # fmt: skip
    document = {
        "days": [day.isoformat() for day in result.days],
        "known_at": [words.day_json(day) for day in result.known_at],
        "possible": possible,
        "differences": records,
    }
    sides = f"from {_state(d1, known_at)} to {_state(second_day, second_known)}"
    counted = words.scope(possible=possible) + read_scope().words
    app.show(document, DIFF_COLUMNS, rows, empty=f"No position changed {sides}{counted}.",
             header=f"Changes {sides}{counted}:")  # fmt: skip


RELATIONS_HELP = """Cooperation and conflict between actors A and B (and the actors below
them, unless --exact) per period, with the developments behind each.

\b
The scale is Goldstein's, from -10 (most conflictual) to +10 (most
cooperative), with the weights GDELT gives the CAMEO code of each kind:
sanction -8, threat -5.8, demand -5, rejection -4, statement 0, proposal +4,
approval +5.2, cooperation and delivery +7.4, agreement +8. A development
counts for the pair when one of them acts and the other is its target (or
acts too), or both claim a stance in it. Weights are summed per period:
cooperation is the sum of the positive ones, conflict of the negative ones,
and score of both (above zero leans cooperative, below zero conflictual).

\b
A development falls in the period by whose end it surely happened (the end of
its span). With --possible it falls where it may first have happened (the
start of its span), and developments whose span has no end count too.
"""
RELATION_COLUMNS = (
    Column("period"),
    Column("score"),
    Column("cooperation", under="score"),
    Column("conflict", under="score"),
    Column("developments"),
)


@click.command(
    help=RELATIONS_HELP,
    short_help="A cooperation-conflict score between two actors over time.",
    epilog="Example: timeline relations USA TUR --by year",
)
@click.argument("a")
@click.argument("b")
@click.option("--by", type=click.Choice(PERIODS), default="month", show_default=True)
@click.option("--exact", is_flag=True, help="Only the actors named, not those below them.")
@opt.known_at()
@opt.possible
@scope_options
@what_if
@opt.output()
@opt.store
@pass_app
def relations(
    app: App, a: str, b: str, by: str, exact: bool, known_at: DayArg | None, possible: bool
) -> None:
    """Prints the score per period."""
    tl = opened(app)
    known = None if known_at is None else known_at.day
    result = tl.relations(
        a, b, by=by, known_at=known, children=not exact, possible=possible, **read_scope().facade
    )
    periods = [
        {
            "period": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(),
            "cooperation": p.cooperation, "conflict": p.conflict, "score": p.score,
            "developments": list(p.developments),
        }
        for p in result.periods
    ]  # fmt: skip
    document = {"a": result.a, "b": result.b, "by": result.by, "possible": possible,
                "score": result.score, "periods": periods}  # fmt: skip
    rows = [
        [p.label, f"{p.score:+.1f}", f"{p.cooperation:+.1f}", f"{p.conflict:+.1f}",
         ", ".join(p.developments)]
        for p in result.periods
    ]  # fmt: skip
    pair = f"{result.a} and {result.b}" + ("" if exact else " (with the actors below them)")
    where = words.scope(known_at=known_at)
    where += ", counting what may have happened" if possible else ""
    where += read_scope().words
    app.show(document, RELATION_COLUMNS, rows, empty=f"No developments between {pair}{where}.",
             header=f"Relations of {pair} by {by}{where}:")  # fmt: skip
