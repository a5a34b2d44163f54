"""`positions`, `developments` and `history`: what the story says, as of when, as known when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
    from timeline import Timeline
    from timeline.branch import Branch
    from timeline.engine import Entry, Position

__all__ = ["correction_cell", "corrections", "developments", "positions"]

POSITION_COLUMNS = (
    Column("actor"),
    Column("topic", under="actor"),
    Column("stance", style=stance_style),
    Column("since", under="stance"),
    Column("evidence"),
)


def _position_row(position: Position) -> list[str]:
    return [
        position.actor,
        position.topic,
        words.stance(position),
        words.span(position.since),
        ", ".join(position.evidence),
    ]


def _scoped(reliability: Sequence[str]) -> dict[str, Any]:
    """The read scope's keywords of a positions read (`as_of` and the tentative pairs)."""
    scope = read_scope()
    return {
        "without_sources": scope.without_sources,
        "reliability": scope.reliability(reliability),
        "min_reports": scope.min_reports,
    }


def _held(
    tl: Timeline | Branch,
    as_of: DayArg,
    known_at: DayArg | None,
    possible: bool,
    chosen: tuple[str | None, bool, str | None, Sequence[str]],
) -> list[Position]:
    actor, children, topic, reliability = chosen
    day, known = as_of.day, None if known_at is None else known_at.day
    view = tl.as_of(day, known, possible=possible, **_scoped(reliability))
    found = view.positions(actor, children=children).values()
    return [p for p in found if topic is None or p.topic == topic]


def _tentative(
    tl: Timeline | Branch,
    as_of: DayArg,
    known_at: DayArg | None,
    chosen: tuple[str | None, bool, str | None, Sequence[str]],
) -> list[tuple[str, str]]:
    """The pairs of the listing whose position counting what possibly occurred is tentative:
    read without building the positions themselves."""
    actor, children, topic, reliability = chosen
    day, known = as_of.day, None if known_at is None else known_at.day
    pairs = tl._tentative_pairs(day, known, **_scoped(reliability))
    actors = None if actor is None else set(tl.registry.descendants(actor) if children else [actor])
    return [
        (a, t)
        for a, t in pairs
        if (actors is None or a in actors) and (topic is None or t == topic)
    ]


@click.command(
    short_help="Every actor's position on every topic as of a day.",
    epilog="Examples: timeline positions --as-of 2018-12-31 --actor USA --children; "
    "timeline positions --as-of 2018-11 --possible",
)
@opt.as_of
@opt.known_at()
@opt.possible
@opt.filters()
@scope_options
@what_if
@opt.output()
@opt.store
@pass_app
def positions(
    app: App,
    as_of: DayArg,
    known_at: DayArg | None,
    possible: bool,
    actor: str | None,
    children: bool,
    topic: str | None,
    reliability: tuple[str, ...],
) -> None:
    """Every actor's position on every topic as of day D: the stance, since when it has
    held, and the developments behind it.

    A coarse day stands for its last day (--as-of 2018-11 is 30 Nov 2018). Without
    --possible only developments that had surely happened by D count; with it, those
    that may have happened count too, and the positions resting on them are tentative.
    """
    if children and actor is None:
        raise click.UsageError("--children needs --actor")
    tl = opened(app)
    registry = tl.registry
    actor = None if actor is None else registry.resolve("actor", actor)
    topic = None if topic is None else registry.resolve("topic", topic)
    chosen = (actor, children, topic, reliability)
    held = _held(tl, as_of, known_at, possible, chosen)
    where = words.scope(
        as_of=as_of, known_at=known_at, possible=possible, actor=actor, children=children,
        topic=topic, reliability=reliability,
    ) + read_scope().words  # fmt: skip
    hints = []
    if not possible and app.form == "table":
        tentative = _tentative(tl, as_of, known_at, chosen)
        if tentative:
            count = len(tentative)
            hints.append(
                f"{count} position{'s' * (count != 1)} rest{'s' * (count == 1)} on developments "
                "that may have happened by then; add --possible"
            )
    document = {
        "as_of": as_of.day.isoformat(),
        "known_at": None if known_at is None else known_at.day.isoformat(),
        "possible": possible,
        # Only JSON output shows the document: a table need not import its writer.
        "positions": [words.position_json(p) for p in held] if app.form == "json" else [],
    }
    app.show(
        document,
        POSITION_COLUMNS,
        [_position_row(p) for p in held],
        empty=f"No positions{where}.",
        header=f"Positions{where}:",
        hints=hints,
    )


DEVELOPMENT_COLUMNS = (
    Column("id"),
    Column("occurred", under="id"),
    Column("reported", wide=True),
    Column("kind", under="id"),
    Column("summary"),
    Column("source", wide=True),
    Column("correction", under="summary"),
)


def corrections(entry: Entry | None, known: dt.date | None) -> list[dict[str, Any]]:
    """The revisions, rankings and retractions of an entry known at `known`, as JSON."""
    if entry is None:
        return []
    from timeline.engine._rule import is_known

    found: list[dict[str, Any]] = [
        {
            "kind": "revision",
            "reported": revision.reported.text,
            "reason": revision.reason,
            "changes": sorted(revision.changes),
        }
        for revision in sorted(entry.revisions, key=lambda r: r.order_key)
        if is_known(revision.reported, known)
    ]
    found += [
        {
            "kind": "ranking",
            "reported": r.reported.text,
            "reason": r.reason,
            "rank": str(r.rank),
            "claim": None if r.actor is None else {"actor": r.actor, "topic": r.topic},
            "by": r.by,
        }
        for r in sorted(entry.rankings, key=lambda r: r.order_key)
        if is_known(r.reported, known)
    ]
    found += [
        {"kind": "retraction", "reported": r.reported.text, "reason": r.reason}
        for r in entry.retractions
        if is_known(r.reported, known)
    ]
    return found


def correction_cell(found: Sequence[dict[str, Any]]) -> str:
    """Corrections as one table cell: 'revised 2019-01-15: exact date'."""
    verbs = {"retraction": "retracted", "revision": "revised"}
    return "; ".join(
        f"{verbs.get(c['kind'], 'ranked ' + str(c.get('rank')))} {c['reported']}: {c['reason']}"
        for c in found
    )


def _period(start: DayArg | None, end: DayArg | None) -> Any:
    from timeline.engine.when import When

    if start is None and end is None:
        return None
    first = ".." if start is None else start.when.earliest.isoformat()
    last = ".." if end is None else end.when.latest.isoformat()
    return When(f"{first}/{last}")


@click.command(
    short_help="The developments in story order, with their corrections.",
    epilog="Example: timeline developments --from 2018-11 --to 2018-12 --actor TUR",
)
@click.option("--from", "start", metavar="D", type=opt.DAY, help="Only those from day D on.")
@click.option("--to", "end", metavar="D", type=opt.DAY, help="Only those up to day D.")
@opt.known_at()
@opt.filters()
@scope_options
@what_if
@opt.output()
@opt.store
@pass_app
def developments(
    app: App,
    start: DayArg | None,
    end: DayArg | None,
    known_at: DayArg | None,
    actor: str | None,
    children: bool,
    topic: str | None,
    reliability: tuple[str, ...],
) -> None:
    """The developments in story order (by when they occurred); with --from/--to, those
    whose occurred span overlaps that period.

    Corrections show in the last column: a revised development is marked revised, with
    the date and reason of each revision; a retracted one is marked retracted, with its
    reason, and listed as it was last known before. --wide adds the reported date and
    the source.
    """
    if children and actor is None:
        raise click.UsageError("--children needs --actor")
    tl = opened(app)
    known = None if known_at is None else known_at.day
    listed = tl.developments(
        known, period=_period(start, end), actor=actor, children=children, topic=topic,
        reliability=read_scope().reliability(reliability), retracted=True,
        without_sources=read_scope().without_sources, min_reports=read_scope().min_reports,
    )  # fmt: skip
    corrected = {entry.id: entry for entry in tl.corrections(known)}
    found = {d.id: corrections(corrected.get(d.id), known) for d in listed}
    rows = [
        [
            d.id, words.occurred(d), d.reported.text, str(d.kind), d.summary, words.source(d),
            correction_cell(found[d.id]),
        ]
        for d in listed
    ]  # fmt: skip
    records = [
        {**words.development_json(d), "corrections": found[d.id],
         "retracted": any(c["kind"] == "retraction" for c in found[d.id])}
        for d in listed
    ]  # fmt: skip
    extra = [f"from {start.when.text}"] if start is not None else []
    extra += [f"to {end.when.text}"] if end is not None else []
    where = words.scope(
        known_at=known_at, actor=actor, children=children, topic=topic,
        reliability=reliability, extra=extra,
    ) + read_scope().words  # fmt: skip
    document = {
        "from": None if start is None else start.when.text,
        "to": None if end is None else end.when.text,
        "known_at": None if known is None else known.isoformat(),
        "developments": records,
    }
    columns = DEVELOPMENT_COLUMNS if any(found.values()) else DEVELOPMENT_COLUMNS[:-1]
    rows = [row[: len(columns)] for row in rows]
    app.show(document, columns, rows, empty=f"No developments{where}.")
